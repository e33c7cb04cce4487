/* SPDX-License-Identifier: Apache-2.0 */
#include "inventory_report.h"

#include <stdlib.h>
#include <string.h>

#include "cbom.h"
#include "json_output.h"

#define MAX_HOSTS 64  /* hosts the text report heads */
#define TEXT_PEERS 5  /* peers the text report lists */

static double share(unsigned long part, unsigned long whole)
{
    return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

static void print_share(FILE *out, const char *what, unsigned long n, unsigned long whole)
{
    fprintf(out, "  %-40s %5.1f%% (%lu)\n", what, share(n, whole), n);
}

static void print_program(const tlsd_inventory_table_program *p, FILE *out)
{
    tlsd_log_count sorted[TLSD_LOG_COUNTS_CAP];
    unsigned long shown = 0;
    char a[600], b[600];
    int n;

    fprintf(out, "\n%s: %lu connection%s (%lu as client, %lu as server), %d peer%s%s\n",
            tlsd_log_lines_printable(p->key.program, a, sizeof(a)), p->connections,
            p->connections == 1 ? "" : "s", p->clients, p->connections - p->clients, p->peers.n,
            p->peers.n == 1 ? "" : "s", p->peers.evicted ? " (and more)" : "");
    n = tlsd_log_counts_sorted(&p->versions, sorted, NULL);
    for (int i = 0; i < n; i++)
        print_share(out, tlsd_log_lines_printable(sorted[i].name, a, sizeof(a)), sorted[i].count,
                    p->connections);
    print_share(out, "post-quantum key exchange", p->pq, p->connections);
    if (p->weakest[0] != '\0') {
        snprintf(b, sizeof(b), "%s (%d bits)", tlsd_log_lines_printable(p->weakest, a, sizeof(a)),
                 p->weakest_bits);
        fprintf(out, "  %-40s %s, %lu connection%s\n", "weakest peer key", b, p->weakest_count,
                p->weakest_count == 1 ? "" : "s");
    }
    fprintf(out, "  %-40s %lu\n", "SHA-1 in the peer's chain", p->sha1_chains);
    fprintf(out, "  %-40s %lu\n", "unverified", p->unverified);
    fprintf(out, "  %-40s %lu\n", "no peer certificate", p->no_certificate);
    n = tlsd_log_counts_sorted(&p->peers, sorted, NULL);
    for (int i = 0; i < n && i < TEXT_PEERS; i++) {
        fprintf(out, "  peer %-35s %lu\n", tlsd_log_lines_printable(sorted[i].name, a, sizeof(a)),
                tlsd_log_counts_value(&sorted[i]));
        shown += tlsd_log_counts_value(&sorted[i]);
    }
    if (p->connections > shown)
        fprintf(out, "  %-40s %lu\n", "other peers", p->connections - shown);
}

static void print_text(const tlsd_inventory *inv, FILE *out)
{
    const char *hosts[MAX_HOSTS];
    int n_hosts = tlsd_log_counts_hosts(inv->programs, sizeof(inv->programs[0]), inv->n_programs,
                                        hosts, MAX_HOSTS);
    char a[600];

    fprintf(out, "TLS inventory: %lu connection%s, in %d program%s", inv->connections,
            inv->connections == 1 ? "" : "s", inv->n_programs, inv->n_programs == 1 ? "" : "s");
    fprintf(out, n_hosts > 1 ? " on %d hosts\n" : "\n", n_hosts);
    if (inv->suppressed > 0)
        fprintf(out, "Lines suppressed by the rate limit: %lu (not counted above)\n", inv->suppressed);
    /* Grouped by host when the log names more than one. */
    for (int h = 0; h < (n_hosts > 1 ? n_hosts : 1); h++) {
        if (n_hosts > 1)
            fprintf(out, "\nHost %s:\n",
                    hosts[h][0] != '\0' ? tlsd_log_lines_printable(hosts[h], a, sizeof(a)) : "(none)");
        for (int i = 0; i < inv->n_programs; i++)
            if (n_hosts <= 1 || strcmp(inv->programs[i].key.host, hosts[h]) == 0)
                print_program(&inv->programs[i], out);
    }
    if (inv->other_programs > 0)
        fprintf(out, "\n%lu connections of further programs not shown\n", inv->other_programs);
}

/* [{"version": V, "suite": S, "connections": N}, ...] */
static json_t *suites_json(const tlsd_log_counts *suites)
{
    json_t *a = json_array();

    for (int i = 0; a != NULL && i < suites->n; i++) {
        const char *both = suites->item[i].name, *space = strchr(both, ' ');
        char version[TLSD_LOG_LINES_NAME];

        snprintf(version, sizeof(version), "%.*s", (int)(space - both), both);
        if (json_array_append_new(a, json_pack("{s:o, s:o, s:I}", "version",
                                               tlsd_json_output_string(version), "suite",
                                               tlsd_json_output_string(space + 1), "connections",
                                               (json_int_t)suites->item[i].count))
            != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

static json_t *weakest_json(const tlsd_inventory_table_program *p)
{
    if (p->weakest[0] == '\0')
        return json_null();
    return json_pack("{s:o, s:i, s:I}", "key", tlsd_json_output_string(p->weakest), "security_bits",
                     p->weakest_bits, "connections", (json_int_t)p->weakest_count);
}

static json_t *program_json(const tlsd_inventory_table_program *p)
{
    tlsd_log_count peers[TLSD_LOG_COUNTS_CAP];
    unsigned long listed;

    tlsd_log_counts_sorted(&p->peers, peers, &listed);
    return json_pack("{s:o, s:o, s:I, s:{s:I, s:I}, s:o, s:I, s:o, s:o, s:o, s:o, s:o, s:I, s:I, "
                     "s:I, s:I, s:o, s:I}",
                     "program", tlsd_json_output_string(p->key.program), "host",
                     p->key.host[0] != '\0' ? tlsd_json_output_string(p->key.host) : json_null(),
                     "connections", (json_int_t)p->connections, "roles", "client",
                     (json_int_t)p->clients, "server", (json_int_t)(p->connections - p->clients),
                     "versions", tlsd_log_counts_json(&p->versions), "pq", (json_int_t)p->pq,
                     "groups", tlsd_log_counts_json(&p->groups), "cipher_suites",
                     suites_json(&p->suites), "signature_algorithms", tlsd_log_counts_json(&p->sigalgs),
                     "peer_keys", tlsd_log_counts_json(&p->keys), "weakest_peer_key", weakest_json(p),
                     "sha1_chains", (json_int_t)p->sha1_chains, "unverified",
                     (json_int_t)p->unverified, "no_certificate", (json_int_t)p->no_certificate,
                     "resumed", (json_int_t)p->resumed, "peers", tlsd_log_counts_json(&p->peers),
                     "more_peers", (json_int_t)(p->connections - listed));
}

static int print_json(const tlsd_inventory *inv, FILE *out)
{
    const char *hosts[TLSD_INVENTORY_GROUPS];
    int n_hosts = tlsd_log_counts_hosts(inv->programs, sizeof(inv->programs[0]), inv->n_programs,
                                        hosts, TLSD_INVENTORY_GROUPS);
    json_t *programs = json_array(), *names = json_array(), *j;
    int ok = programs != NULL && names != NULL;

    for (int i = 0; ok && i < inv->n_programs; i++)
        ok = json_array_append_new(programs, program_json(&inv->programs[i])) == 0;
    for (int i = 0; ok && i < n_hosts; i++)
        ok = hosts[i][0] == '\0' || json_array_append_new(names, tlsd_json_output_string(hosts[i])) == 0;
    if (!ok) {
        json_decref(programs);
        json_decref(names);
        return 0;
    }
    j = json_pack("{s:I, s:I, s:o, s:o, s:I}", "connections", (json_int_t)inv->connections,
                  "suppressed", (json_int_t)inv->suppressed, "hosts", names, "programs", programs,
                  "other_programs", (json_int_t)inv->other_programs);
    ok = j != NULL && tlsd_json_output_dump(j, out);
    json_decref(j);
    return ok;
}

int tlsd_inventory_report_print(const tlsd_inventory *inv, FILE *out, int json)
{
    if (json)
        return print_json(inv, out);
    print_text(inv, out);
    return 1;
}

int tlsd_inventory_report(FILE *in, FILE *out, int json, int cbom)
{
    tlsd_inventory *inv = malloc(sizeof(*inv));
    int any, ok;

    if (inv == NULL)
        return 1;
    any = tlsd_inventory_table_read(in, inv);
    ok = cbom ? tlsd_cbom_print(inv, out) : tlsd_inventory_report_print(inv, out, json);
    free(inv);
    return any && ok ? 0 : 1;
}
