/* SPDX-License-Identifier: Apache-2.0 */
/* Reading Peers = SECTION: its entries, each a destination's name and the
 * policy that destination gets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "policy_internal.h"

/* The keys a section sets, as 1u << id. */
static unsigned keys_of(STACK_OF(CONF_VALUE) *values)
{
    unsigned keys = 0;
    enum tlsd_key_id id;

    for (int i = 0; i < sk_CONF_VALUE_num(values); i++)
        if (tlsd_policy_keys_find(sk_CONF_VALUE_value(values, i)->name, &id) != NULL)
            keys |= 1u << id;
    return keys;
}

/* One entry NAME = SECTION of the Peers section peers: its name parsed
 * into *match, its policy (base's layers, then its section) into *e. 1,
 * or 0 with the error raised, naming the entry. */
static int read_peer(const CONF *cnf, const char *profile, const char *peers, const CONF_VALUE *v,
                     tlsd_section_layer *layers, size_t n_base, tlsd_peer_name *match, tlsd_peer_entry *e)
{
    STACK_OF(CONF_VALUE) *values;
    const char *why = NULL;
    char origin[512];

    if (!tlsd_peer_match_parse_name(v->name, match, &why)) {
        TLSD_RAISE(TLSD_R_BAD_VALUE, "section %.128s: key=%.128s: %s (a host name, *.DOMAIN, an IP "
                   "address or a CIDR block)", peers, v->name, why);
        return 0;
    }
    if ((values = NCONF_get_section(cnf, v->value)) == NULL) {
        TLSD_RAISE(TLSD_R_MISSING_SECTION, "section %.128s: key=%.128s value=%.128s: no section %.128s",
                   peers, v->name, v->value, v->value);
        return 0;
    }
    if (strlen(v->name) >= sizeof(e->name) || strlen(v->value) >= sizeof(e->section)) {
        TLSD_RAISE(TLSD_R_BAD_VALUE, "section %.128s: key=%.128s value=%.128s: too long", peers, v->name,
                   v->value);
        return 0;
    }
    snprintf(origin, sizeof(origin), "section %.200s (peer %.200s)", v->value, v->name);
    layers[n_base] = (tlsd_section_layer){values, origin, PEER_SECTION};
    if ((e->policy = tlsd_policy_section_layered(profile, layers, n_base + 1, origin)) == NULL)
        return 0;
    snprintf(e->name, sizeof(e->name), "%s", v->name);
    snprintf(e->section, sizeof(e->section), "%s", v->value);
    e->keys = keys_of(values);
    if (!tlsd_policy_check_finish(e->policy))
        return 0;
    return 1;
}

/* Peers = name, read by the last of base's layers: every entry, each with
 * its own policy, attached to p. Every entry is read and each bad one
 * reported. 1, or 0 with the errors raised (p then fails closed). */
int tlsd_policy_peers_attach(const CONF *cnf, tlsd_policy *p, const char *name, const tlsd_section_layer *base,
                        size_t n_base)
{
    STACK_OF(CONF_VALUE) *entries = NCONF_get_section(cnf, name);
    tlsd_section_layer layers[3];
    int n, ok = 1;

    if (entries == NULL) {
        TLSD_RAISE(TLSD_R_MISSING_SECTION, "%.200s: key=Peers value=%.128s: no such section",
                   base[n_base - 1].origin, name);
        return 0;
    }
    if (strlen(name) >= sizeof(p->peers_name)) {
        TLSD_RAISE(TLSD_R_BAD_VALUE, "%.200s: key=Peers value=%.128s: name too long", base[n_base - 1].origin, name);
        return 0;
    }
    n = sk_CONF_VALUE_num(entries);
    p->peer_names = calloc(n > 0 ? (size_t)n : 1, sizeof(*p->peer_names));
    p->peers = calloc(n > 0 ? (size_t)n : 1, sizeof(*p->peers));
    if (p->peer_names == NULL || p->peers == NULL) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "section %.128s", name);
        return 0;
    }
    memcpy(layers, base, n_base * sizeof(*base));
    snprintf(p->peers_name, sizeof(p->peers_name), "%s", name);
    for (int i = 0; i < n; i++) {
        const CONF_VALUE *v = sk_CONF_VALUE_value(entries, i);
        size_t k = p->n_peers;

        if (!read_peer(cnf, tlsd_policy_profile(p), name, v, layers, n_base, &p->peer_names[k], &p->peers[k])) {
            tlsd_policy_free(p->peers[k].policy);
            p->peers[k].policy = NULL;
            ok = 0;
            continue;
        }
        p->n_peers++;
        for (size_t j = 0; j < k; j++)
            /* The file would say two things, and the choice between them
             * would be its order. */
            if (tlsd_peer_match_same(&p->peer_names[j], &p->peer_names[k])) {
                TLSD_RAISE(TLSD_R_BAD_VALUE, "section %.128s: key=%.128s: the same destination as "
                           "key=%.128s", name, v->name, p->peers[j].name);
                ok = 0;
            }
    }
    return ok;
}
