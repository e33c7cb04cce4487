/* SPDX-License-Identifier: Apache-2.0 */
#include "audit_suggest.h"

#include <stdlib.h>
#include <string.h>

#include "audit_line.h"
#include "log_counts.h"
#include "log_lines.h"
#include "suggest_config.h"
#include "suggest_keys.h"
#include "suggest_peers.h"

#define MAX_PROGRAMS 64
#define FEW_PEERS 3 /* at most this many destinations: a Peers entry each */

/* Why a program gets a Programs entry rather than Peers entries, as
 * seen in its lines (the configuration may add reasons: suggest_peers.c). */
enum { NOT_SERVER = 1, NOT_DESTINATION = 2, NOT_FEW = 4 };

typedef struct {
    char name[TLSD_LOG_LINES_NAME];
    tlsd_suggest_need all, peer[FEW_PEERS];
    /* Its destinations (tlsd_suggest_peers_destination()), and the Peers
     * entry their lines name ("" none). */
    char peer_name[FEW_PEERS][TLSD_LOG_LINES_NAME];
    char peer_entry[FEW_PEERS][TLSD_LOG_LINES_NAME];
    int entries_differ[FEW_PEERS];
    int n_peers;
    unsigned not_peers;
    char under_entry[TLSD_LOG_LINES_NAME]; /* an entry its lines name, "" none */
} program;

typedef struct {
    program programs[MAX_PROGRAMS];
    int n_programs;
    unsigned long connections, other_programs;
} suggestion;

static int field_is(const tlsd_audit_line *f, int field, const char *value)
{
    return f->value[field] != NULL && f->len[field] == strlen(value)
           && strncmp(f->value[field], value, f->len[field]) == 0;
}

/* One more line of program p for peer (unescaped). */
static void add_destination(program *p, const tlsd_audit_line *f, const char *peer)
{
    char dest[TLSD_LOG_LINES_NAME], entry[TLSD_LOG_LINES_NAME] = "";
    int i;

    if (f->value[TLSD_AUDIT_LINE_PEER_ENTRY] != NULL
        && !tlsd_log_lines_unescape(entry, sizeof(entry), f->value[TLSD_AUDIT_LINE_PEER_ENTRY],
                                    f->len[TLSD_AUDIT_LINE_PEER_ENTRY]))
        snprintf(entry, sizeof(entry), "?"); /* no entry's name: matches none */
    if (entry[0] != '\0' && p->under_entry[0] == '\0')
        snprintf(p->under_entry, sizeof(p->under_entry), "%s", entry);
    if (!field_is(f, TLSD_AUDIT_LINE_ROLE, "client"))
        p->not_peers |= NOT_SERVER; /* a server's peers choose their names */
    if (!tlsd_suggest_peers_destination(peer, dest, sizeof(dest))) {
        p->not_peers |= NOT_DESTINATION;
        return;
    }
    for (i = 0; i < p->n_peers && strcmp(p->peer_name[i], dest) != 0; i++)
        ;
    if (i == p->n_peers && i == FEW_PEERS) {
        p->not_peers |= NOT_FEW;
        return;
    }
    if (i == p->n_peers) {
        strcpy(p->peer_name[i], dest);
        strcpy(p->peer_entry[i], entry);
        p->n_peers++;
    }
    if (strcmp(p->peer_entry[i], entry) != 0)
        p->entries_differ[i] = 1;
    tlsd_suggest_keys_add(&p->peer[i], f);
}

static void add_line(suggestion *s, const tlsd_audit_line *f)
{
    char name[TLSD_LOG_LINES_NAME], peer[TLSD_LOG_LINES_NAME];
    program *p = NULL;

    if (!tlsd_log_lines_unescape(name, sizeof(name), f->value[TLSD_AUDIT_LINE_PROGRAM],
                                 f->len[TLSD_AUDIT_LINE_PROGRAM])
        || !tlsd_log_lines_unescape(peer, sizeof(peer), f->value[TLSD_AUDIT_LINE_PEER],
                                    f->len[TLSD_AUDIT_LINE_PEER]))
        return;
    s->connections++;
    for (int i = 0; i < s->n_programs && p == NULL; i++)
        if (strcmp(s->programs[i].name, name) == 0)
            p = &s->programs[i];
    if (p == NULL && s->n_programs == MAX_PROGRAMS) {
        s->other_programs++;
        return;
    }
    if (p == NULL) {
        p = &s->programs[s->n_programs++];
        strcpy(p->name, name);
    }
    tlsd_suggest_keys_add(&p->all, f);
    add_destination(p, f, peer);
}

static int plain(const char *s, int dots)
{
    return tlsd_suggest_keys_plain(s, dots);
}

/* The section we name for a program: unique per program (a name with
 * bytes a section name cannot hold gets its index too). */
static void own_section(const program *p, int index, char *buf, size_t cap)
{
    size_t o = (size_t)snprintf(buf, cap, "tlsd_suggested_");

    for (const char *s = p->name; *s != '\0' && o + 1 < cap; s++)
        buf[o++] = strchr(TLSD_SUGGEST_KEYS_NAME_CHARS, *s) != NULL ? *s : '_';
    buf[o] = '\0';
    if (!plain(p->name, 0))
        snprintf(buf + o, cap - o, "_%d", index);
}

/* The section a program's keys go to: its entry's, or one of ours. */
static void section_of(const program *p, int index, const tlsd_suggest_config *c, char *buf, size_t cap)
{
    const char *entry = tlsd_suggest_config_entry(c, p->name);

    if (entry != NULL)
        snprintf(buf, cap, "%s", entry);
    else
        own_section(p, index, buf, cap);
}

/* Why the log's lines of p rule the Peers form out, or NULL. */
static const char *not_peers_why(const program *p, char *buf, size_t cap)
{
    char a[300];

    if (p->not_peers & NOT_SERVER)
        return "it was refused as a server, and Peers entries apply to client connections only";
    if (p->not_peers & NOT_DESTINATION)
        return "a peer of its refusals is neither a host name nor an IP address";
    if (p->not_peers & NOT_FEW) {
        snprintf(buf, cap, "its refusals are for more than %d destinations", FEW_PEERS);
        return buf;
    }
    for (int i = 0; i < p->n_peers; i++)
        if (p->entries_differ[i]) {
            snprintf(buf, cap, "its refusals for %s were under different Peers entries",
                     tlsd_log_lines_printable(p->peer_name[i], a, sizeof(a)));
            return buf;
        }
    return NULL;
}

static void print_program(FILE *out, const program *p, int index, const char *section,
                          const tlsd_suggest_config *c)
{
    tlsd_policy *policy = tlsd_suggest_config_policy(c, p->name);
    tlsd_suggest_peer peers[FEW_PEERS];
    tlsd_suggest_peers_plan plan;
    const char *why;
    char base[TLSD_LOG_LINES_NAME + 32], buf[sizeof(plan.why)], a[300];

    for (int i = 0; i < p->n_peers; i++)
        peers[i] = (tlsd_suggest_peer){p->peer_name[i], p->entries_differ[i] ? NULL : p->peer_entry[i],
                                       &p->peer[i]};
    fprintf(out, "\n[%s]\n", section);
    tlsd_suggest_keys_print_reasons(out, &p->all);
    why = not_peers_why(p, buf, sizeof(buf));
    if (why == NULL && !tlsd_suggest_peers_plan_for(peers, p->n_peers, policy, c, &plan))
        why = plan.why;
    if (why == NULL) {
        own_section(p, index, base, sizeof(base));
        tlsd_suggest_peers_print(out, peers, p->n_peers, policy, c, &plan, base);
    } else {
        fprintf(out, "# For the whole program, not Peers entries: %s.\n", why);
        if (p->under_entry[0] != '\0')
            fprintf(out, "# Refused under the Peers entry %s too: an entry's own keys win over these.\n",
                    tlsd_log_lines_printable(p->under_entry, a, sizeof(a)));
        tlsd_suggest_keys_print(out, &p->all, policy, NULL);
    }
    tlsd_policy_free(policy);
}

static void print(const suggestion *s, FILE *out, const tlsd_suggest_config *c, const char *config)
{
    const char *programs = c->programs != NULL ? c->programs : "tlsd_suggested_programs";
    char section[TLSD_LOG_LINES_NAME + 32], a[600];
    int entries = 0;

    fprintf(out, "# tlsdefaults-info --suggest: %lu refused connection%s, %d program%s.\n",
            s->connections, s->connections == 1 ? "" : "s", s->n_programs, s->n_programs == 1 ? "" : "s");
    if (c->module_section != NULL)
        fprintf(out, "# To be appended as is to %s (module section %s).\n",
                config != NULL ? config : "OpenSSL's default configuration file", c->module_section);
    else
        fprintf(out, "# No section of %s names the module: add \"Programs = %s\" to the module's section.\n",
                config != NULL ? config : "OpenSSL's default configuration file", programs);
    if (s->other_programs > 0)
        fprintf(out, "# %lu connections of further programs not covered.\n", s->other_programs);
    if (c->module_section != NULL && c->programs == NULL)
        fprintf(out, "\n[%s]\nPrograms = %s\n", c->module_section, programs);
    for (int i = 0; i < s->n_programs; i++) {
        const program *p = &s->programs[i];

        if (tlsd_suggest_config_entry(c, p->name) != NULL)
            continue;
        if (entries++ == 0)
            fprintf(out, "\n[%s]\n", programs);
        section_of(p, i, c, section, sizeof(section));
        /* A name openssl.cnf cannot hold as a key stays a comment. */
        fprintf(out, "%s%s = %s\n", plain(p->name, 1) ? "" : "# (not a name openssl.cnf takes) ",
                tlsd_log_lines_printable(p->name, a, sizeof(a)), section);
    }
    for (int i = 0; i < s->n_programs; i++) {
        if (!plain(s->programs[i].name, 1) && tlsd_suggest_config_entry(c, s->programs[i].name) == NULL)
            continue; /* no entry can lead to its section */
        section_of(&s->programs[i], i, c, section, sizeof(section));
        print_program(out, &s->programs[i], i, section, c);
    }
}

int tlsd_audit_suggest(FILE *in, FILE *out, const char *config)
{
    suggestion *s = calloc(1, sizeof(*s));
    tlsd_log_lines *lines = malloc(sizeof(*lines));
    tlsd_suggest_config c;
    const char *msg;

    if (s == NULL || lines == NULL) {
        free(s);
        free(lines);
        return 1;
    }
    tlsd_log_lines_init(lines, in);
    while ((msg = tlsd_log_lines_next(lines)) != NULL) {
        tlsd_audit_line f;

        if (tlsd_audit_line_parse(msg, &f))
            add_line(s, &f);
    }
    free(lines);
    if (s->connections == 0) {
        free(s);
        return 1;
    }
    tlsd_suggest_config_read(&c, config);
    print(s, out, &c, config);
    tlsd_suggest_config_free(&c);
    free(s);
    return 0;
}
