/* SPDX-License-Identifier: Apache-2.0 */
#include "audit_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_line.h"
#include "json_output.h"
#include "log_counts.h"
#include "log_lines.h"

#define MAX_PROGRAMS 256 /* (host, program) pairs */
#define MAX_HOSTS 64     /* hosts the text report heads */
#define TEXT_PEERS 5     /* peers the text report lists */

typedef struct {
    tlsd_log_counts_key key; /* first: log_counts.h's groups */
    unsigned long connections;
    tlsd_log_counts reasons, errors, peers;
} program;

typedef struct {
    program programs[MAX_PROGRAMS];
    int n_programs;
    unsigned long connections, suppressed, other_programs;
    unsigned long candidate_connections; /* of them, a candidate's (apart) */
} report;

static void count_reason(const char *reason, size_t len, void *arg)
{
    tlsd_log_counts_add(arg, reason, len);
}

static void add_line(report *r, const tlsd_audit_line *f, const char *host)
{
    char name[TLSD_LOG_LINES_NAME], peer[TLSD_LOG_LINES_NAME];
    program *prog;

    /* The module escapes what it writes (\xNN): counted as the bytes. */
    if (!tlsd_log_lines_unescape(name, sizeof(name), f->value[TLSD_AUDIT_LINE_PROGRAM],
                                 f->len[TLSD_AUDIT_LINE_PROGRAM])
        || !tlsd_log_lines_unescape(peer, sizeof(peer), f->value[TLSD_AUDIT_LINE_PEER],
                                    f->len[TLSD_AUDIT_LINE_PEER]))
        return;
    /* A candidate's refusals are counted apart: its own entry per program. */
    if (f->value[TLSD_AUDIT_LINE_CANDIDATE] != NULL) {
        size_t used = strlen(name);

        snprintf(name + used, sizeof(name) - used, " [candidate %.*s]", (int)f->len[TLSD_AUDIT_LINE_CANDIDATE],
                 f->value[TLSD_AUDIT_LINE_CANDIDATE]);
        r->candidate_connections++;
    } else {
        r->connections++;
    }
    prog = tlsd_log_counts_group(r->programs, sizeof(r->programs[0]), &r->n_programs, MAX_PROGRAMS,
                                 host, name, strlen(name));
    if (prog == NULL) {
        r->other_programs++;
        return;
    }
    prog->connections++;
    tlsd_audit_line_each_reason(f, count_reason, &prog->reasons);
    if (f->value[TLSD_AUDIT_LINE_X509_ERROR] != NULL) {
        char both[160];

        snprintf(both, sizeof(both), "%.*s %.*s", (int)f->len[TLSD_AUDIT_LINE_X509_ERROR],
                 f->value[TLSD_AUDIT_LINE_X509_ERROR], (int)f->len[TLSD_AUDIT_LINE_X509_TEXT],
                 f->value[TLSD_AUDIT_LINE_X509_TEXT]);
        tlsd_log_counts_add(&prog->errors, both, strlen(both));
    }
    tlsd_log_counts_add_peer(&prog->peers, peer, strlen(peer));
}

static json_t *program_json(const program *p)
{
    tlsd_log_count peers[TLSD_LOG_COUNTS_CAP];
    unsigned long listed;

    tlsd_log_counts_sorted(&p->peers, peers, &listed);
    return json_pack("{s:o, s:o, s:I, s:o, s:o, s:o, s:I}", "program",
                     tlsd_json_output_string(p->key.program), "host",
                     p->key.host[0] != '\0' ? tlsd_json_output_string(p->key.host) : json_null(),
                     "connections", (json_int_t)p->connections,
                     "reasons", tlsd_log_counts_json(&p->reasons),
                     "x509_errors", tlsd_log_counts_json(&p->errors),
                     "peers", tlsd_log_counts_json(&p->peers),
                     "more_peers", (json_int_t)(p->connections - listed));
}

/* The hosts named, as a JSON array (a module file names none). */
static json_t *hosts_json(const report *r)
{
    const char *hosts[MAX_PROGRAMS];
    int n = tlsd_log_counts_hosts(r->programs, sizeof(r->programs[0]), r->n_programs, hosts,
                                  MAX_PROGRAMS);
    json_t *a = json_array();

    for (int i = 0; a != NULL && i < n; i++)
        if (hosts[i][0] != '\0' && json_array_append_new(a, tlsd_json_output_string(hosts[i])) != 0) {
            json_decref(a);
            a = NULL;
        }
    return a;
}

/* Returns 1, or 0 when memory is short or the write fails. */
static int print_json(const report *r, FILE *out)
{
    json_t *programs = json_array(), *j;
    int ok = programs != NULL;

    for (int i = 0; ok && i < r->n_programs; i++)
        ok = json_array_append_new(programs, program_json(&r->programs[i])) == 0;
    if (!ok) {
        json_decref(programs);
        return 0;
    }
    j = json_pack("{s:I, s:I, s:I, s:o, s:o, s:I}", "connections", (json_int_t)r->connections,
                  "candidate_connections", (json_int_t)r->candidate_connections,
                  "suppressed", (json_int_t)r->suppressed, "hosts", hosts_json(r),
                  "programs", programs, "other_programs", (json_int_t)r->other_programs);
    ok = j != NULL && tlsd_json_output_dump(j, out);
    json_decref(j);
    return ok;
}

static void print_program(const program *p, FILE *out)
{
    tlsd_log_count peers[TLSD_LOG_COUNTS_CAP];
    unsigned long shown = 0;
    char a[600];

    tlsd_log_counts_sorted(&p->peers, peers, NULL);
    fprintf(out, "\n%s: %lu connection%s, %d peer%s%s\n",
            tlsd_log_lines_printable(p->key.program, a, sizeof(a)), p->connections,
            p->connections == 1 ? "" : "s", p->peers.n, p->peers.n == 1 ? "" : "s",
            p->peers.evicted ? " (and more)" : "");
    for (int j = 0; j < p->reasons.n; j++)
        fprintf(out, "  %-40s %lu\n", tlsd_log_lines_printable(p->reasons.item[j].name, a, sizeof(a)),
                p->reasons.item[j].count);
    for (int j = 0; j < p->errors.n; j++)
        fprintf(out, "  X509 error %-29s %lu\n",
                tlsd_log_lines_printable(p->errors.item[j].name, a, sizeof(a)), p->errors.item[j].count);
    for (int j = 0; j < p->peers.n && j < TEXT_PEERS; j++) {
        fprintf(out, "  peer %-35s %lu\n", tlsd_log_lines_printable(peers[j].name, a, sizeof(a)),
                tlsd_log_counts_value(&peers[j]));
        shown += tlsd_log_counts_value(&peers[j]);
    }
    if (p->connections > shown)
        fprintf(out, "  %-40s %lu\n", "other peers", p->connections - shown);
}

static void print_text(const report *r, FILE *out)
{
    const char *hosts[MAX_HOSTS];
    int n_hosts = tlsd_log_counts_hosts(r->programs, sizeof(r->programs[0]), r->n_programs, hosts,
                                        MAX_HOSTS);
    char a[600];

    fprintf(out, "Connections the policy would have refused: %lu, in %d program%s", r->connections,
            r->n_programs, r->n_programs == 1 ? "" : "s");
    fprintf(out, n_hosts > 1 ? " on %d hosts\n" : "\n", n_hosts);
    if (r->candidate_connections > 0)
        fprintf(out, "Connections a candidate would refuse: %lu (entries \"[candidate SECTION]\")\n",
                r->candidate_connections);
    if (r->suppressed > 0)
        fprintf(out, "Lines suppressed by the rate limit: %lu (not counted above)\n", r->suppressed);
    /* Grouped by host when the log names more than one. */
    for (int h = 0; h < (n_hosts > 1 ? n_hosts : 1); h++) {
        if (n_hosts > 1)
            fprintf(out, "\nHost %s:\n",
                    hosts[h][0] != '\0' ? tlsd_log_lines_printable(hosts[h], a, sizeof(a)) : "(none)");
        for (int i = 0; i < r->n_programs; i++)
            if (n_hosts <= 1 || strcmp(r->programs[i].key.host, hosts[h]) == 0)
                print_program(&r->programs[i], out);
    }
    if (r->other_programs > 0)
        fprintf(out, "\n%lu connections of further programs not shown\n", r->other_programs);
}

int tlsd_audit_report(FILE *in, FILE *out, int json)
{
    report *r = calloc(1, sizeof(*r));
    tlsd_log_lines *lines = malloc(sizeof(*lines));
    const char *msg;
    int any = 0;

    if (r == NULL || lines == NULL) {
        free(r);
        free(lines);
        return 1;
    }
    tlsd_log_lines_init(lines, in);
    while ((msg = tlsd_log_lines_next(lines)) != NULL) {
        tlsd_audit_line f;
        unsigned long n;

        if (tlsd_audit_line_parse(msg, &f)) {
            add_line(r, &f, lines->host);
            any = 1;
        } else if (tlsd_log_lines_note(msg, &n)) {
            r->suppressed += n;
            any = 1;
        }
    }
    if (json && !print_json(r, out))
        any = 0;
    else if (!json)
        print_text(r, out);
    free(lines);
    free(r);
    return any ? 0 : 1;
}
