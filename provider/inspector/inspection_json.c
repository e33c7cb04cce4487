/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults-info --json: the same record as the text output, built with
 * jansson (escaping is its job, not ours), keys in the text's order. */
#include <stdio.h>

#include <jansson.h>

#include "inspection.h"

/* A string, or JSON null for NULL. Bytes that are not UTF-8 (a file
 * name, an error's text) go out as they are, as the text output shows
 * them, rather than losing the field. */
static json_t *text(const char *s)
{
    json_t *j;

    if (s == NULL)
        return json_null();
    j = json_string(s);
    return j != NULL ? j : json_string_nocheck(s);
}

static json_t *context_object(const row *rows, int n)
{
    json_t *obj = json_object();

    for (int i = 0; obj != NULL && i < n; i++)
        json_object_set_new(obj, rows[i].name,
                            json_pack("{s:o, s:o}", "value", text(rows[i].value), "origin", text(rows[i].origin)));
    return obj;
}

void tlsd_inspection_json_print(const inspection *in, const inspection_rows *rows)
{
    json_t *top = json_object();

    if (top == NULL) {
        fprintf(stderr, "tlsdefaults-info: out of memory\n");
        return;
    }
    json_object_set_new(top, "config", text(in->config));
    if (in->program != NULL)
        json_object_set_new(top, "program", text(in->program));
    if (in->warning[0] != '\0')
        json_object_set_new(top, "warning", text(in->warning));
    json_object_set_new(top, "status", text(tlsd_verdict_status_name(in->status)));
    json_object_set_new(top, "module_section", text(in->module_section));
    json_object_set_new(top, "module_file", text(in->module_file[0] != '\0' ? in->module_file : NULL));
    json_object_set_new(top, "profile",
                        text(in->policy != NULL ? tlsd_policy_profile(in->policy) : NULL));
    json_object_set_new(top, "system_default", text(in->system_default));
    json_object_set_new(top, "verdict", text(in->verdict));
    json_object_set_new(top, "errors", text(in->errors));
    json_object_set_new(top, "client", context_object(rows->client, rows->n_client));
    json_object_set_new(top, "server", context_object(rows->server, rows->n_server));
    json_dumpf(top, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(top);
}
