/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults-info --json: the same record as the text output, built with
 * jansson and written as every report of the inspector is (json_output.h),
 * keys in the text's order. */
#include <stdio.h>

#include "inspection.h"
#include "json_output.h"

/* A string, or JSON null for NULL. Text that is not UTF-8 (a file name,
 * an error's text) is read byte by byte rather than losing the field. */
static json_t *text(const char *s)
{
    json_t *j;

    if (s == NULL)
        return json_null();
    j = json_string(s);
    return j != NULL ? j : tlsd_json_output_string(s);
}

static json_t *context_object(const row *rows, int n)
{
    json_t *obj = json_object();

    for (int i = 0; obj != NULL && i < n; i++)
        json_object_set_new(obj, rows[i].name,
                            json_pack("{s:o, s:o}", "value", text(rows[i].value), "origin", text(rows[i].origin)));
    return obj;
}

/* What the profile left out on this OpenSSL: [{"key", "item", "since"}]. */
static json_t *left_out_array(const inspection *in)
{
    json_t *a = json_array();
    const tlsd_profile_gate *g;

    for (size_t i = 0; a != NULL && in->policy != NULL && (g = tlsd_policy_profile_left_out(in->policy, i)) != NULL;
         i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "key", g->key, "item", g->item,
                                           "since", g->since_text));
    return a;
}

static json_t *candidate_object(const inspection *in, const inspection_rows *rows)
{
    const tlsd_policy *c = tlsd_policy_candidate(in->policy);

    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "section", text(tlsd_policy_candidate_name(in->policy)),
                     "profile", text(tlsd_policy_profile(c)), "profile_target", text(tlsd_policy_profile_target(c)),
                     "client", context_object(rows->client, rows->n_client),
                     "server", context_object(rows->server, rows->n_server));
}

/* --peer: {"name", "entry", "section", "client"}, null where none matches. */
static json_t *peer_object(const inspection *in)
{
    tlsd_policy_peer e;
    int found = in->peer_rows != NULL && tlsd_policy_peer_at(in->policy, (size_t)in->peer_index, &e);

    return json_pack("{s:o, s:o, s:o, s:o}", "name", text(in->peer), "entry", text(found ? e.name : NULL),
                     "section", text(found ? e.section : NULL),
                     "client", found ? context_object(in->peer_rows->client, in->peer_rows->n_client) : json_null());
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
    json_object_set_new(top, "profile_target",
                        text(in->policy != NULL ? tlsd_policy_profile_target(in->policy) : NULL));
    json_object_set_new(top, "profile_left_out", left_out_array(in));
    json_object_set_new(top, "system_default", text(in->system_default));
    json_object_set_new(top, "verdict", text(in->verdict));
    json_object_set_new(top, "errors", text(in->errors));
    json_object_set_new(top, "client", context_object(rows->client, rows->n_client));
    json_object_set_new(top, "server", context_object(rows->server, rows->n_server));
    if (in->candidate_rows != NULL)
        json_object_set_new(top, "candidate", candidate_object(in, in->candidate_rows));
    if (in->peer != NULL)
        json_object_set_new(top, "peer", peer_object(in));
    if (!tlsd_json_output_dump(top, stdout))
        fprintf(stderr, "tlsdefaults-info: cannot write the JSON output\n");
    json_decref(top);
}
