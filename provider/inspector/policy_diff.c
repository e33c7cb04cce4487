/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults-info --diff A B: the rows that differ between two policies.
 * Each side is inspected by tlsdefaults-info itself in a child process
 * (--config FILE or --profile NAME, --json): a process holds one
 * configuration only, since the module hooks SSL_CTX_new. Rows are
 * compared by key and value; origins differ by design ("profile python"
 * against "profile python-3.13"), and a row on one side only differs. */
#include "policy_diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "child_capture.h"
#include "inspection.h"
#include "json_output.h"

typedef struct {
    const char *arg;    /* as given: the name it is shown by */
    int file;           /* a configuration file, else a profile */
    json_t *inspection; /* its --json output */
} side;

static const char *const contexts[] = {"client", "server"};

/* A file when it holds a '/' or names one; else a profile's name. 0:
 * neither. */
static int classify(side *s)
{
    struct stat st;

    s->file = strchr(s->arg, '/') != NULL || stat(s->arg, &st) == 0;
    return s->file || tlsd_profile_find(s->arg) != NULL;
}

static const char *member(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* 1 when the side's status is ok; else why, from its own record. */
static int usable(const side *s)
{
    const char *status = member(s->inspection, "status"), *errors = member(s->inspection, "errors");

    if (member(s->inspection, "warning") != NULL)
        fprintf(stderr, "tlsdefaults-info: %s: warning: %s\n", s->arg,
                member(s->inspection, "warning"));
    if (status != NULL && strcmp(status, "ok") == 0)
        return 1;
    fprintf(stderr, "tlsdefaults-info: %s: status %s: %s\n", s->arg, status != NULL ? status : "unknown",
            member(s->inspection, "verdict") != NULL ? member(s->inspection, "verdict") : "");
    if (errors != NULL && errors[0] != '\0')
        fprintf(stderr, "errors:\n%s", errors);
    return 0;
}

/* The side's inspection, by a child: 1, or 0 with why on stderr. */
static int inspect(side *s, const char *program)
{
    char *argv[8] = {"tlsdefaults-info", s->file ? "--config" : "--profile", (char *)s->arg};
    char *out;
    int n = 3, status;
    json_error_t error;

    if (s->file && program != NULL) {
        argv[n++] = "--program";
        argv[n++] = (char *)program;
    }
    argv[n] = "--json";
    if (!tlsd_child_capture_run(argv, &out, &status))
        return 0;
    s->inspection = json_loads(out, 0, &error);
    free(out);
    if (s->inspection == NULL) {
        fprintf(stderr, "tlsdefaults-info: %s: its inspection gave no JSON (exit %d): %s\n", s->arg,
                status, error.text);
        return 0;
    }
    return usable(s);
}

/* The value of a context's row, or NULL when it has no such row. */
static json_t *value_of(const json_t *context, const char *key)
{
    return json_object_get(json_object_get(context, key), "value");
}

static json_t *value_or_null(json_t *v)
{
    return v != NULL ? json_incref(v) : json_null();
}

/* Appends {context, key, a, b} unless both values are the same. */
static int add_if_differs(json_t *list, const char *context, const char *key, json_t *a, json_t *b)
{
    if (a != NULL && b != NULL && json_equal(a, b))
        return 1;
    return json_array_append_new(list, json_pack("{s:s, s:s, s:o, s:o}", "context", context, "key", key,
                                                 "a", value_or_null(a), "b", value_or_null(b)))
           == 0;
}

/* The rows that differ, in A's order, then the rows B alone has. */
static json_t *differences(const side s[2])
{
    json_t *list = json_array(), *one;
    const char *key;
    int ok = list != NULL;

    for (int c = 0; ok && c < 2; c++) {
        json_t *a = json_object_get(s[0].inspection, contexts[c]);
        json_t *b = json_object_get(s[1].inspection, contexts[c]);

        json_object_foreach(a, key, one)
            ok = ok && add_if_differs(list, contexts[c], key, value_of(a, key), value_of(b, key));
        json_object_foreach(b, key, one)
            if (json_object_get(a, key) == NULL)
                ok = ok && add_if_differs(list, contexts[c], key, NULL, value_of(b, key));
    }
    if (!ok)
        json_decref(list);
    return ok ? list : NULL;
}

static const char *shown(const json_t *v)
{
    return json_is_string(v) ? json_string_value(v) : "(no such row)";
}

static int print_text(const side s[2], const json_t *list)
{
    size_t i, n = json_array_size(list);
    json_t *d;

    json_array_foreach(list, i, d) {
        printf("%s %s\n", member(d, "context"), member(d, "key"));
        printf("  - %s: %s\n", s[0].arg, shown(json_object_get(d, "a")));
        printf("  + %s: %s\n", s[1].arg, shown(json_object_get(d, "b")));
    }
    if (n == 0)
        printf("no differences\n");
    else
        printf("%zu key%s differ%s\n", n, n == 1 ? "" : "s", n == 1 ? "s" : "");
    return fflush(stdout) == 0 && !ferror(stdout);
}

/* A string of any bytes (a file's name), or null. */
static json_t *text(const char *s)
{
    json_t *j = s != NULL ? json_string(s) : json_null();

    return j != NULL ? j : tlsd_json_output_string(s);
}

static int print_json(const side s[2], const char *program, json_t *list)
{
    json_t *top = json_object();
    int ok = top != NULL && tlsd_json_output_set(top, "a", text(s[0].arg))
             && tlsd_json_output_set(top, "b", text(s[1].arg))
             && tlsd_json_output_set(top, "program", text(program))
             && tlsd_json_output_set(top, "differences", json_incref(list))
             && tlsd_json_output_dump(top, stdout);

    json_decref(top);
    return ok;
}

int tlsd_policy_diff_run(const char *a, const char *b, const char *program, int json)
{
    side s[2] = {{a, 0, NULL}, {b, 0, NULL}};
    json_t *list = NULL;
    int rc = 2;

    for (int i = 0; i < 2; i++)
        if (!classify(&s[i]))
            return tlsd_profile_inspection_unknown(s[i].arg, "--diff", 1);
    if (inspect(&s[0], program) && inspect(&s[1], program) && (list = differences(s)) != NULL) {
        if (json ? print_json(s, program, list) : print_text(s, list))
            rc = json_array_size(list) > 0;
        else
            fprintf(stderr, "tlsdefaults-info: cannot write the differences\n");
    }
    json_decref(list);
    json_decref(s[0].inspection);
    json_decref(s[1].inspection);
    return rc;
}
