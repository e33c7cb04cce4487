/* SPDX-License-Identifier: Apache-2.0 */
#include "audit_suggest.h"

#include <stdlib.h>
#include <string.h>

#include "audit_line.h"
#include "log_counts.h"
#include "log_lines.h"
#include "suggest_config.h"

#define MAX_PROGRAMS 64
#define FEW_PEERS 3 /* at most this many peers: a Peers entry each */
#define LIST_MAX 4096
#define NAME_CHARS TLSD_LOG_LINES_LOWER TLSD_LOG_LINES_UPPER TLSD_LOG_LINES_DIGITS "_-"

/* The keys that let a refusal through, by its reason (audit_record.c). */
enum { K_VERIFY_NO = 1, K_HOSTNAME_NO = 2, K_HOSTNAME_YES = 4, K_FLAGS_STRICT = 8,
       K_FLAGS_CRL = 16, K_FLAGS_POLICY = 32, K_ENFORCE_NO = 64 };

static const char *const versions[] = {"SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};
#define TLS12 3

typedef struct {
    unsigned long connections;
    unsigned keys;
    int min_version; /* into versions[]; -1: no version refused */
    tlsd_log_counts ciphers, suites13, reasons;
} need;

typedef struct {
    char name[TLSD_LOG_LINES_NAME];
    need all, peer[FEW_PEERS];
    char peer_name[FEW_PEERS][TLSD_LOG_LINES_NAME];
    int n_peers, many_peers;
} program;

typedef struct {
    program programs[MAX_PROGRAMS];
    int n_programs;
    unsigned long connections, other_programs;
} suggestion;

typedef struct {
    need *n;
    const tlsd_audit_line *f;
} reason_arg;

static int ends(const char *s, size_t len, const char *tail)
{
    size_t t = strlen(tail);

    return len >= t && strncmp(s + len - t, tail, t) == 0;
}

/* X509 errors of CRLs (3, 5, 8, 11, 12, 15, 16, 23, 33, 44, 53, 54) and of
 * certificate policies (42, 43): what VerifyFlags' CRL and policy flags
 * refuse; the rest X509Strict's. */
static unsigned flags_for(const tlsd_audit_line *f)
{
    static const int crl[] = {3, 5, 8, 11, 12, 15, 16, 23, 33, 44, 53, 54};
    int e = f->value[TLSD_AUDIT_LINE_X509_ERROR] != NULL ? atoi(f->value[TLSD_AUDIT_LINE_X509_ERROR]) : 0;

    for (size_t i = 0; i < sizeof(crl) / sizeof(crl[0]); i++)
        if (e == crl[i])
            return K_FLAGS_CRL;
    return e == 42 || e == 43 ? K_FLAGS_POLICY : K_FLAGS_STRICT;
}

static void add_version(need *n, const tlsd_audit_line *f)
{
    const char *v = f->value[TLSD_AUDIT_LINE_VERSION];

    for (int i = 0; v != NULL && i < TLS12 + 2; i++)
        if (f->len[TLSD_AUDIT_LINE_VERSION] == strlen(versions[i])
            && strncmp(v, versions[i], f->len[TLSD_AUDIT_LINE_VERSION]) == 0
            && (n->min_version < 0 || i < n->min_version))
            n->min_version = i;
}

static void add_reason(const char *r, size_t len, void *arg)
{
    need *n = ((reason_arg *)arg)->n;
    const tlsd_audit_line *f = ((reason_arg *)arg)->f;
    const char *cipher = f->value[TLSD_AUDIT_LINE_CIPHER];
    size_t clen = f->len[TLSD_AUDIT_LINE_CIPHER];

    tlsd_log_counts_add(&n->reasons, r, len);
    if (strncmp(r, "VerifyPeer:", 11) == 0)
        n->keys |= K_VERIFY_NO;
    else if (ends(r, len, "HostnameCheck:mismatch"))
        n->keys |= K_HOSTNAME_NO;
    else if (ends(r, len, "HostnameCheck:no-server-name"))
        n->keys |= K_HOSTNAME_YES;
    else if (ends(r, len, "VerifyFlags:failed"))
        n->keys |= flags_for(f);
    else if (ends(r, len, "Enforce:below-security-level"))
        n->keys |= K_ENFORCE_NO;
    else if (ends(r, len, ":version-below-floor"))
        add_version(n, f);
    else if (ends(r, len, ":cipher-not-allowed") && cipher != NULL)
        tlsd_log_counts_add(strncmp(cipher, "TLS_", 4) == 0 ? &n->suites13 : &n->ciphers, cipher, clen);
}

static void add_need(need *n, const tlsd_audit_line *f)
{
    reason_arg arg = {n, f};

    if (n->connections++ == 0)
        n->min_version = -1;
    tlsd_audit_line_each_reason(f, add_reason, &arg);
}

static void add_line(suggestion *s, const tlsd_audit_line *f)
{
    char name[TLSD_LOG_LINES_NAME], peer[TLSD_LOG_LINES_NAME];
    program *p = NULL;
    int i;

    if (!tlsd_log_lines_unescape(name, sizeof(name), f->value[TLSD_AUDIT_LINE_PROGRAM],
                                 f->len[TLSD_AUDIT_LINE_PROGRAM])
        || !tlsd_log_lines_unescape(peer, sizeof(peer), f->value[TLSD_AUDIT_LINE_PEER],
                                    f->len[TLSD_AUDIT_LINE_PEER]))
        return;
    s->connections++;
    for (i = 0; i < s->n_programs && p == NULL; i++)
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
    add_need(&p->all, f);
    for (i = 0; i < p->n_peers && strcmp(p->peer_name[i], peer) != 0; i++)
        ;
    if (i == p->n_peers && i < FEW_PEERS)
        strcpy(p->peer_name[p->n_peers++], peer);
    if (i < p->n_peers)
        add_need(&p->peer[i], f);
    else
        p->many_peers = 1;
}

/* What may stand as a key or value of openssl.cnf as is: no '$' (a
 * variable there), '#' (a comment), space or '=' from a forged line. */
static int plain(const char *s, int dots)
{
    return tlsd_log_lines_all_of(s, strlen(s), dots ? NAME_CHARS "." : NAME_CHARS);
}

static void print_reasons(FILE *out, const need *n)
{
    char a[600];

    fprintf(out, "# %lu connection%s:", n->connections, n->connections == 1 ? "" : "s");
    for (int i = 0; i < n->reasons.n; i++)
        fprintf(out, "%s %s %lu", i > 0 ? "," : "",
                tlsd_log_lines_printable(n->reasons.item[i].name, a, sizeof(a)), n->reasons.item[i].count);
    fputc('\n', out);
}

/* A list now, and the logged names it lacks added at its end. */
static void print_list(FILE *out, const char *key, const char *now, const tlsd_log_counts *add)
{
    fprintf(out, "%s = %s", key, now);
    for (int i = 0; i < add->n; i++) {
        const char *name = add->item[i].name, *at = strstr(now, name);
        size_t len = strlen(name);

        if (plain(name, 0) && !(at != NULL && (at == now || at[-1] == ':')
                                   && (at[len] == '\0' || at[len] == ':')))
            fprintf(out, "%s%s", *now != '\0' || i > 0 ? ":" : "", name);
    }
}

static void print_keys(FILE *out, const need *n, const tlsd_suggest_config *c, const char *name)
{
    static char list[LIST_MAX], s13[LIST_MAX];
    int old = n->min_version >= 0 && n->min_version < TLS12, level = 1;

    if (n->keys & K_VERIFY_NO)
        fputs("VerifyPeer = no\n", out);
    if (n->keys & (K_HOSTNAME_NO | K_HOSTNAME_YES))
        fprintf(out, "HostnameCheck = %s\n", n->keys & K_HOSTNAME_NO ? "no" : "yes");
    if (n->keys & (K_FLAGS_STRICT | K_FLAGS_CRL | K_FLAGS_POLICY))
        fprintf(out, "VerifyFlags = %s%s%s%s%s\n", n->keys & K_FLAGS_STRICT ? "-X509Strict" : "",
                (n->keys & K_FLAGS_STRICT) && (n->keys & (K_FLAGS_CRL | K_FLAGS_POLICY)) ? "," : "",
                n->keys & K_FLAGS_CRL ? "-CRLCheck,-CRLCheckAll" : "",
                (n->keys & K_FLAGS_CRL) && (n->keys & K_FLAGS_POLICY) ? "," : "",
                n->keys & K_FLAGS_POLICY ? "-PolicyCheck,-ExplicitPolicy" : "");
    if (n->keys & K_ENFORCE_NO)
        fputs("Enforce = no\n", out);
    if (n->min_version >= 0)
        fprintf(out, "MinProtocol = %s\n", versions[n->min_version]);
    if (n->ciphers.n > 0 || n->suites13.n > 0 || old)
        tlsd_suggest_config_suites(c, name, list, sizeof(list), &level, s13, sizeof(s13));
    if (n->ciphers.n > 0 || old) {
        /* OpenSSL 3 allows no version below TLS 1.2 above level 0 (their
         * handshake signatures are SHA-1 and MD5). */
        print_list(out, "CipherString", list, &n->ciphers);
        fprintf(out, ":@SECLEVEL=%d\n", old ? 0 : level);
    }
    if (n->suites13.n > 0) {
        print_list(out, "Ciphersuites", s13, &n->suites13);
        fputc('\n', out);
    }
}

/* The section a program's keys go to: its entry's, or one of ours. */
static void section_of(const program *p, int index, const tlsd_suggest_config *c, char *buf, size_t cap)
{
    const char *entry = tlsd_suggest_config_entry(c, p->name);
    size_t o;

    if (entry != NULL) {
        snprintf(buf, cap, "%s", entry);
        return;
    }
    o = (size_t)snprintf(buf, cap, "tlsd_suggested_");
    for (const char *s = p->name; *s != '\0' && o + 1 < cap; s++)
        buf[o++] = strchr(NAME_CHARS, *s) != NULL ? *s : '_';
    buf[o] = '\0';
    if (!plain(p->name, 0))
        snprintf(buf + o, cap - o, "_%d", index);
}

static int peers_form(const program *p)
{
    if (p->many_peers)
        return 0;
    for (int i = 0; i < p->n_peers; i++)
        if (!plain(p->peer_name[i], 1))
            return 0;
    return 1;
}

static void print_program(FILE *out, const program *p, const char *section,
                          const tlsd_suggest_config *c)
{
    fprintf(out, "\n[%s]\n", section);
    print_reasons(out, &p->all);
    if (!peers_form(p)) {
        print_keys(out, &p->all, c, p->name);
        return;
    }
    /* Peers (issue 24): the exemption for these destinations only. */
    fprintf(out, "# Refused for %d peer%s only: a Peers entry each (a module with the Peers key)\n"
                 "Peers = %s_peers\n\n[%s_peers]\n",
            p->n_peers, p->n_peers == 1 ? "" : "s", section, section);
    for (int i = 0; i < p->n_peers; i++)
        fprintf(out, "%s = %s_peer%d\n", p->peer_name[i], section, i + 1);
    for (int i = 0; i < p->n_peers; i++) {
        fprintf(out, "\n[%s_peer%d]\n", section, i + 1);
        print_reasons(out, &p->peer[i]);
        print_keys(out, &p->peer[i], c, p->name);
    }
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
        print_program(out, &s->programs[i], section, c);
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
