/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults-info's text output: the verdict first, then one row per
 * setting of each context, with where its value comes from. */
#include <stdio.h>

#include "inspection.h"

/* The profile: a moving name with the frozen one it stands for, then
 * what this OpenSSL made the profile leave out. */
static void profile_lines(const inspection *in, const char *before)
{
    const tlsd_profile_gate *g;
    const char *target = in->policy != NULL ? tlsd_policy_profile_target(in->policy) : NULL;

    printf("%sprofile %s", before,
           in->policy != NULL ? tlsd_policy_profile(in->policy) : "(invalid)");
    if (target != NULL)
        printf(" (%s)", target);
    printf("\n");
    for (size_t i = 0; in->policy != NULL && (g = tlsd_policy_profile_left_out(in->policy, i)) != NULL; i++)
        printf("profile left out: %s %s: this OpenSSL lacks it (it comes with OpenSSL %s)\n",
               g->key, g->item, g->since_text);
}

/* What the configuration is, and whether the module ran. */
static void config_lines(const inspection *in)
{
    char section[1100];

    printf("configuration: %s\n", in->config);
    if (in->program != NULL)
        printf("program: %s\n", in->program);
    if (in->warning[0] != '\0')
        printf("warning: %s\n", in->warning);
    if (in->module_section != NULL) {
        snprintf(section, sizeof(section), "module: section %.1024s, ", in->module_section);
        profile_lines(in, section);
    }
    else if (in->status == STATUS_NO_POLICY)
        printf("module: unknown, the file does not load\n");
    else
        printf("module: not loaded by this configuration\n");
    if (in->module_file[0] != '\0')
        printf("module ran: yes, a new context carries its security callback (%s)\n",
               in->module_file);
    else if (in->module_section != NULL)
        printf("module ran: no, new contexts do not carry its security callback\n");
    printf("system_default: %s\n", in->system_default != NULL ? in->system_default : "none");
}

static void print_candidate(const inspection *in, const inspection_rows *rows)
{
    const tlsd_policy *c = tlsd_policy_candidate(in->policy);
    const char *target = tlsd_policy_profile_target(c);
    const row *sets[2] = {rows->client, rows->server};
    const int counts[2] = {rows->n_client, rows->n_server};

    printf("\ncandidate: section %s, profile %s%s%s%s (audited beside the policy above, never applied)\n",
           tlsd_policy_candidate_name(in->policy), tlsd_policy_profile(c), target != NULL ? " (" : "",
           target != NULL ? target : "", target != NULL ? ")" : "");
    for (int s = 0; s < 2; s++) {
        printf("\ncandidate %s context (%s)\n", s == 0 ? "client" : "server",
               s == 0 ? "TLS_client_method" : "TLS_server_method");
        for (int i = 0; i < counts[s]; i++)
            printf("  %-20s %s  (%s)\n", sets[s][i].name, sets[s][i].value, sets[s][i].origin);
    }
}

/* --peer: the entry a client connection to it gets, and its rows. */
static void print_peer(const inspection *in)
{
    tlsd_policy_peer e;

    if (in->peer_rows == NULL || !tlsd_policy_peer_at(in->policy, (size_t)in->peer_index, &e)) {
        printf("\npeer %s: no Peers entry matches%s: a client connection to it gets the client policy above\n",
               in->peer, in->policy != NULL && tlsd_policy_peers_name(in->policy) == NULL ? " (the policy has no Peers)" : "");
        return;
    }
    printf("\npeer %s: Peers entry %s of section %s, its section %s (servers never take an entry)\n", in->peer,
           e.name, tlsd_policy_peers_name(in->policy), e.section);
    printf("\npeer client context (TLS_client_method)\n");
    for (int i = 0; i < in->peer_rows->n_client; i++)
        printf("  %-20s %s  (%s)\n", in->peer_rows->client[i].name, in->peer_rows->client[i].value,
               in->peer_rows->client[i].origin);
}

void tlsd_inspection_text_print(const inspection *in, const inspection_rows *rows)
{
    const row *sets[2] = {rows->client, rows->server};
    const int counts[2] = {rows->n_client, rows->n_server};

    if (in->profile != NULL) {
        printf("configuration: none (profile %s)\n", in->profile);
        profile_lines(in, "");
    } else {
        config_lines(in);
    }
    printf("status: %s\n", tlsd_verdict_status_name(in->status));
    if (in->errors[0] != '\0')
        printf("errors:\n%s", in->errors);
    if (in->verdict[0] != '\0')
        printf("%s\n", in->verdict);
    if (in->status == STATUS_BROKEN || in->status == STATUS_NO_POLICY)
        return;
    for (int s = 0; s < 2; s++) {
        printf("\n%s context (%s)\n", s == 0 ? "client" : "server",
               s == 0 ? "TLS_client_method" : "TLS_server_method");
        for (int i = 0; i < counts[s]; i++)
            printf("  %-20s %s  (%s)\n", sets[s][i].name, sets[s][i].value, sets[s][i].origin);
    }
    if (in->candidate_rows != NULL)
        print_candidate(in, in->candidate_rows);
    if (in->peer != NULL)
        print_peer(in);
}


