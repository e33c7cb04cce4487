/* SPDX-License-Identifier: Apache-2.0 */
#include "suggest_peers.h"

#include <string.h>
#include <strings.h>

#include "inspection.h"
#include "log_lines.h"
#include "peer_match.h"

#define SECTION_MAX 256
#define FLAG_CHARS TLSD_SUGGEST_KEYS_NAME_CHARS "+, "

static int address_name(const tlsd_peer_address *a, char *out, size_t cap)
{
    char text[64];
    size_t o = 0;

    tlsd_peer_match_address_text(a, text, sizeof(text));
    for (const char *t = text; *t != '\0'; t++) {
        if (o + 3 > cap)
            return 0;
        if (*t == ':')
            out[o++] = '\\'; /* openssl.cnf reads a bare ':' in a key as a section's */
        out[o++] = *t;
    }
    out[o] = '\0';
    return 1;
}

int tlsd_suggest_peers_destination(const char *peer, char *out, size_t cap)
{
    const char *colon = strrchr(peer, ':'), *why;
    tlsd_peer_address a;
    tlsd_peer_name n;
    char ip[64];

    if (colon != NULL) {
        /* IP:PORT or [IPv6]:PORT: the module's peer= without a server name. */
        size_t len = (size_t)(colon - peer);

        if (colon[1] == '\0' || !tlsd_log_lines_all_of(colon + 1, strlen(colon + 1), TLSD_LOG_LINES_DIGITS))
            return 0;
        if (peer[0] == '[') {
            if (len < 2 || peer[len - 1] != ']')
                return 0;
            peer++;
            len -= 2;
        }
        if (len == 0 || len >= sizeof(ip))
            return 0;
        memcpy(ip, peer, len);
        ip[len] = '\0';
        return tlsd_peer_match_parse_address(ip, &a) && address_name(&a, out, cap);
    }
    /* A server name (plain: no '/', so never a CIDR block); "unknown" is
     * the module's peer= with neither a name nor an address. */
    if (strcmp(peer, "unknown") == 0 || !tlsd_suggest_keys_plain(peer, 1) || !tlsd_peer_match_parse_name(peer, &n, &why))
        return 0;
    if (n.kind == TLSD_PEER_ADDRESS)
        return address_name(&n.address, out, cap); /* an IP literal sent as a name */
    return n.kind == TLSD_PEER_HOST && (size_t)snprintf(out, cap, "%s", n.host) < cap;
}

/* A value printed back so that openssl.cnf reads it as it is now: no
 * control byte, no space at either end (escapes cover the rest). */
static int copyable(const char *v)
{
    size_t len = strlen(v);

    if (len > 0 && (v[0] == ' ' || v[len - 1] == ' '))
        return 0;
    for (const unsigned char *c = (const unsigned char *)v; *c != '\0'; c++)
        if (*c < 0x20 || *c == 0x7f)
            return 0;
    return 1;
}

static void print_value(FILE *out, const char *v)
{
    for (const char *c = v; *c != '\0'; c++) {
        if (strchr("$#\\\"'", *c) != NULL)
            fputc('\\', out);
        fputc(*c, out);
    }
}

static int sets(const tlsd_suggest_need *n, const char *key)
{
    const char *names[8];
    int k = tlsd_suggest_keys_of(n, names, 8);

    for (int i = 0; i < k; i++)
        if (strcmp(names[i], key) == 0)
            return 1;
    return 0;
}

/* The entry a destination's section copies: one for the same
 * destination (ours replaces it), else the log's, else the one the
 * configuration gives it now; -1 none; -2: the log's is not there. */
static int entry_of(const tlsd_suggest_peer *d, const tlsd_peer_name *dest, const tlsd_policy *policy)
{
    tlsd_policy_peer e;
    int logged = -2;

    if (policy == NULL)
        return d->logged_entry[0] != '\0' ? -2 : -1;
    for (size_t i = 0; tlsd_policy_peer_at(policy, i, &e); i++) {
        if (tlsd_peer_match_same(e.match, dest))
            return (int)i;
        if (strcmp(e.name, d->logged_entry) == 0)
            logged = (int)i;
    }
    if (d->logged_entry[0] != '\0')
        return logged;
    return tlsd_policy_peer_for(policy, dest->kind == TLSD_PEER_HOST ? dest->host : NULL,
                                dest->kind == TLSD_PEER_ADDRESS ? &dest->address : NULL);
}

/* Whether entry e's section can be copied before ours: every value read
 * back as it is, a VerifyFlags that ours edits a plain list. */
static int entry_copyable(const tlsd_suggest_config *c, const tlsd_policy_peer *e, const tlsd_suggest_need *n)
{
    STACK_OF(CONF_VALUE) *values = c->cnf != NULL ? NCONF_get_section(c->cnf, e->section) : NULL;
    const char *flags = c->cnf != NULL ? tlsd_config_scan_value(c->cnf, e->section, "VerifyFlags") : NULL;

    if (values == NULL)
        return 0;
    for (int i = 0; i < sk_CONF_VALUE_num(values); i++)
        if (!copyable(sk_CONF_VALUE_value(values, i)->value))
            return 0;
    return !(flags != NULL && sets(n, "VerifyFlags") && !tlsd_log_lines_all_of(flags, strlen(flags), FLAG_CHARS));
}

int tlsd_suggest_peers_plan_for(const tlsd_suggest_peer *peers, int n, const tlsd_policy *policy,
                                const tlsd_suggest_config *c, tlsd_suggest_peers_plan *plan)
{
    char a[300], b[300];
    tlsd_policy_peer e;

    plan->why[0] = '\0';
    if (c->module_section != NULL && policy == NULL) {
        snprintf(plan->why, sizeof(plan->why), "its policy does not read under the configuration");
        return 0;
    }
    for (size_t i = 0; policy != NULL && tlsd_policy_peer_at(policy, i, &e); i++)
        if (!copyable(e.section)) {
            snprintf(plan->why, sizeof(plan->why), "entry %s of its Peers names a section this cannot copy",
                     tlsd_log_lines_printable(e.name, a, sizeof(a)));
            return 0;
        }
    for (int i = 0; i < n && i < (int)(sizeof(plan->entry) / sizeof(plan->entry[0])); i++) {
        const tlsd_suggest_peer *d = &peers[i];
        const char *key = tlsd_suggest_keys_not_per_peer(d->need), *why;
        tlsd_peer_name dest;

        tlsd_log_lines_printable(d->name, a, sizeof(a));
        plan->entry[i] = -1;
        if (key != NULL) {
            snprintf(plan->why, sizeof(plan->why), "%s (for %s) is the whole policy's, a Peers entry cannot "
                     "hold it", key, a);
            return 0;
        }
        if (d->logged_entry == NULL) {
            snprintf(plan->why, sizeof(plan->why), "its refusals for %s were under different Peers entries", a);
            return 0;
        }
        if (!tlsd_peer_match_parse_name(d->name, &dest, &why)) {
            /* tlsd_suggest_peers_destination() made it: never here */
            snprintf(plan->why, sizeof(plan->why), "%s is no entry name (%s)", a, why);
            return 0;
        }
        plan->entry[i] = entry_of(d, &dest, policy);
        if (plan->entry[i] == -2) {
            snprintf(plan->why, sizeof(plan->why), "the Peers entry %s its refusals for %s were under is not "
                     "in the configuration now", tlsd_log_lines_printable(d->logged_entry, b, sizeof(b)), a);
            return 0;
        }
        if (plan->entry[i] < 0)
            continue;
        tlsd_policy_peer_at(policy, (size_t)plan->entry[i], &e);
        tlsd_log_lines_printable(e.name, b, sizeof(b));
        /* A name's entry is more specific than any address's. */
        if (dest.kind == TLSD_PEER_ADDRESS && e.match->kind != TLSD_PEER_ADDRESS) {
            snprintf(plan->why, sizeof(plan->why), "its connections to %s get the Peers entry %s, a name, "
                     "which an address entry does not override", a, b);
            return 0;
        }
        if (!entry_copyable(c, &e, d->need)) {
            snprintf(plan->why, sizeof(plan->why), "the section of the Peers entry %s (for %s) holds a value "
                     "this cannot copy", b, a);
            return 0;
        }
    }
    return 1;
}

/* base + tail, or with _2, _3, ... after it: a section the
 * configuration does not have. */
static void unique_name(const tlsd_suggest_config *c, char *buf, size_t cap, const char *base, const char *tail)
{
    snprintf(buf, cap, "%s%s", base, tail);
    for (int k = 2; tlsd_suggest_config_has_section(c, buf) && k < 10000; k++)
        snprintf(buf, cap, "%s%s_%d", base, tail, k);
}

static int ours(const tlsd_suggest_peer *peers, int n, const tlsd_peer_name *m)
{
    tlsd_peer_name dest;
    const char *why;

    for (int i = 0; i < n; i++)
        if (tlsd_peer_match_parse_name(peers[i].name, &dest, &why) && tlsd_peer_match_same(&dest, m))
            return 1;
    return 0;
}

/* Entry e's keys, before ours; its VerifyFlags into *flags when ours
 * edit it. */
static void print_copy(FILE *out, const tlsd_suggest_config *c, const tlsd_policy_peer *e,
                       const tlsd_suggest_need *n, const char **flags)
{
    STACK_OF(CONF_VALUE) *values = NCONF_get_section(c->cnf, e->section);
    char a[300], b[300];

    fprintf(out, "# Under the Peers entry %s (section %s) before: its keys, then ours.\n",
            tlsd_log_lines_printable(e->name, a, sizeof(a)), tlsd_log_lines_printable(e->section, b, sizeof(b)));
    *flags = NULL;
    for (int i = 0; i < sk_CONF_VALUE_num(values); i++) {
        const CONF_VALUE *v = sk_CONF_VALUE_value(values, i);

        if (strcasecmp(v->name, "VerifyFlags") == 0 && sets(n, "VerifyFlags")) {
            *flags = v->value;
            continue;
        }
        fprintf(out, "%s = ", v->name);
        print_value(out, v->value);
        fputc('\n', out);
    }
}

void tlsd_suggest_peers_print(FILE *out, const tlsd_suggest_peer *peers, int n, const tlsd_policy *policy,
                              const tlsd_suggest_config *c, const tlsd_suggest_peers_plan *plan,
                              const char *base)
{
    const char *now = policy != NULL ? tlsd_policy_peers_name(policy) : NULL;
    char section[SECTION_MAX], entry[8][SECTION_MAX], tail[16], a[300];
    tlsd_policy_peer e;

    if (n > (int)(sizeof(entry) / sizeof(entry[0])))
        n = (int)(sizeof(entry) / sizeof(entry[0]));
    unique_name(c, section, sizeof(section), base, ".peers");
    for (int i = 0; i < n; i++) {
        snprintf(tail, sizeof(tail), ".peer%d", i + 1);
        unique_name(c, entry[i], sizeof(entry[i]), base, tail);
    }
    fprintf(out, "# Refused as a client for %d destination%s only: a Peers entry each, not the whole "
                 "program.\n", n, n == 1 ? "" : "s");
    if (now != NULL)
        fprintf(out, "# Its Peers is %s now; the Peers below replaces it, so its entries are copied.\n",
                tlsd_log_lines_printable(now, a, sizeof(a)));
    fprintf(out, "Peers = %s\n\n[%s]\n", section, section);
    for (size_t j = 0; policy != NULL && tlsd_policy_peer_at(policy, j, &e); j++) {
        if (ours(peers, n, e.match))
            continue; /* the same destination as one of ours: ours replaces it */
        fprintf(out, "%s = ", e.name);
        print_value(out, e.section);
        fputc('\n', out);
    }
    for (int i = 0; i < n; i++)
        fprintf(out, "%s = %s\n", peers[i].name, entry[i]);
    for (int i = 0; i < n; i++) {
        const tlsd_policy *p = policy;
        const char *flags = NULL;

        fprintf(out, "\n[%s]\n", entry[i]);
        tlsd_suggest_keys_print_reasons(out, peers[i].need);
        if (plan->entry[i] >= 0 && tlsd_policy_peer_at(policy, (size_t)plan->entry[i], &e)) {
            print_copy(out, c, &e, peers[i].need, &flags);
            p = e.policy;
        }
        tlsd_suggest_keys_print(out, peers[i].need, p, flags);
    }
}
