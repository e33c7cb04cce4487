/* SPDX-License-Identifier: Apache-2.0 */
#include "audit_report.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PROGRAMS 64
#define MAX_ITEMS 32 /* reasons, X509 errors, peers per program */

typedef struct {
    char name[128];
    unsigned long count;
} item;

typedef struct {
    char name[128];
    unsigned long connections;
    item reasons[MAX_ITEMS], errors[MAX_ITEMS], peers[MAX_ITEMS];
    int n_reasons, n_errors, n_peers;
    unsigned long more_peers; /* distinct peers past MAX_ITEMS */
} program;

typedef struct {
    program programs[MAX_PROGRAMS];
    int n_programs;
    unsigned long connections, suppressed, other_programs;
} report;

static int count_item(item *items, int *n, const char *name, size_t len)
{
    if (len >= sizeof(items[0].name))
        len = sizeof(items[0].name) - 1;
    for (int i = 0; i < *n; i++) {
        if (strlen(items[i].name) == len && strncmp(items[i].name, name, len) == 0) {
            items[i].count++;
            return 1;
        }
    }
    if (*n == MAX_ITEMS)
        return 0;
    memcpy(items[*n].name, name, len);
    items[*n].name[len] = '\0';
    items[(*n)++].count = 1;
    return 1;
}

/* The value of " key=" in line, up to the next space (a quoted value up
 * to its quote); NULL when absent. */
static const char *field(const char *line, const char *key, size_t *len)
{
    char pattern[32];
    const char *p;

    snprintf(pattern, sizeof(pattern), " %s=", key);
    if ((p = strstr(line, pattern)) == NULL)
        return NULL;
    p += strlen(pattern);
    if (*p == '"') {
        const char *end = strchr(++p, '"');

        *len = end != NULL ? (size_t)(end - p) : strlen(p);
    } else {
        *len = strcspn(p, " \r\n");
    }
    return p;
}

static void add_line(report *r, const char *line)
{
    const char *name, *reasons, *peer, *error;
    size_t len, rlen, plen, elen;
    program *prog = NULL;

    if ((name = field(line, "program", &len)) == NULL)
        return;
    r->connections++;
    if (len >= sizeof(prog->name))
        len = sizeof(prog->name) - 1;
    for (int i = 0; i < r->n_programs && prog == NULL; i++)
        if (strlen(r->programs[i].name) == len && strncmp(r->programs[i].name, name, len) == 0)
            prog = &r->programs[i];
    if (prog == NULL) {
        if (r->n_programs == MAX_PROGRAMS) {
            r->other_programs++;
            return;
        }
        prog = &r->programs[r->n_programs++];
        memcpy(prog->name, name, len);
        prog->name[len] = '\0';
    }
    prog->connections++;
    if ((reasons = field(line, "reasons", &rlen)) != NULL) {
        while (rlen > 0) {
            size_t one = strcspn(reasons, ",");

            if (one > rlen)
                one = rlen;
            if (one > 0)
                count_item(prog->reasons, &prog->n_reasons, reasons, one);
            reasons += one;
            rlen -= one;
            if (rlen > 0) {
                reasons++;
                rlen--;
            }
        }
    }
    if ((error = field(line, "x509_error", &elen)) != NULL) {
        char both[160];
        const char *text = field(line, "x509_text", &len);

        snprintf(both, sizeof(both), "%.*s %.*s", (int)elen, error, text != NULL ? (int)len : 0,
                 text != NULL ? text : "");
        count_item(prog->errors, &prog->n_errors, both, strlen(both));
    }
    if ((peer = field(line, "peer", &plen)) != NULL
        && !count_item(prog->peers, &prog->n_peers, peer, plen))
        prog->more_peers++;
}

/* Text of ours or the log's: escaped for a JSON string all the same. */
static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void json_items(FILE *out, const char *key, const item *items, int n)
{
    fprintf(out, ", ");
    json_string(out, key);
    fprintf(out, ": {");
    for (int i = 0; i < n; i++) {
        fprintf(out, "%s", i ? ", " : "");
        json_string(out, items[i].name);
        fprintf(out, ": %lu", items[i].count);
    }
    fprintf(out, "}");
}

static void print_json(const report *r, FILE *out)
{
    fprintf(out, "{\"connections\": %lu, \"suppressed\": %lu, \"programs\": [", r->connections,
            r->suppressed);
    for (int i = 0; i < r->n_programs; i++) {
        const program *p = &r->programs[i];

        fprintf(out, "%s{\"program\": ", i ? ", " : "");
        json_string(out, p->name);
        fprintf(out, ", \"connections\": %lu", p->connections);
        json_items(out, "reasons", p->reasons, p->n_reasons);
        json_items(out, "x509_errors", p->errors, p->n_errors);
        json_items(out, "peers", p->peers, p->n_peers);
        fprintf(out, ", \"more_peers\": %lu}", p->more_peers);
    }
    fprintf(out, "], \"other_programs\": %lu}\n", r->other_programs);
}

static void print_text(const report *r, FILE *out)
{
    fprintf(out, "Connections the policy would have refused: %lu, in %d program%s\n",
            r->connections, r->n_programs, r->n_programs == 1 ? "" : "s");
    if (r->suppressed > 0)
        fprintf(out, "Lines suppressed by the rate limit: %lu (not counted above)\n", r->suppressed);
    for (int i = 0; i < r->n_programs; i++) {
        const program *p = &r->programs[i];

        fprintf(out, "\n%s: %lu connection%s, %d peer%s%s\n", p->name, p->connections,
                p->connections == 1 ? "" : "s", p->n_peers, p->n_peers == 1 ? "" : "s",
                p->more_peers ? " (and more)" : "");
        for (int j = 0; j < p->n_reasons; j++)
            fprintf(out, "  %-40s %lu\n", p->reasons[j].name, p->reasons[j].count);
        for (int j = 0; j < p->n_errors; j++)
            fprintf(out, "  X509 error %-29s %lu\n", p->errors[j].name, p->errors[j].count);
        for (int j = 0; j < p->n_peers && j < 5; j++)
            fprintf(out, "  peer %-35s %lu\n", p->peers[j].name, p->peers[j].count);
    }
    if (r->other_programs > 0)
        fprintf(out, "\n%lu connections of further programs not shown\n", r->other_programs);
}

int tlsd_audit_report(FILE *in, FILE *out, int json)
{
    report *r = calloc(1, sizeof(*r));
    char line[4096];
    int any = 0;

    if (r == NULL)
        return 1;
    while (fgets(line, sizeof(line), in) != NULL) {
        const char *audit = strstr(line, "audit program=");
        const char *note = strstr(line, "audit: ");
        unsigned long n;

        if (audit != NULL) {
            /* field() looks for " key=": keep the space before "program". */
            add_line(r, audit + strlen("audit"));
            any = 1;
        } else if (note != NULL && sscanf(note, "audit: %lu lines suppressed", &n) == 1) {
            r->suppressed += n;
            any = 1;
        }
    }
    if (json)
        print_json(r, out);
    else
        print_text(r, out);
    free(r);
    return any ? 0 : 1;
}
