/* SPDX-License-Identifier: Apache-2.0 */
#include "guard_peer.h"

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "debug.h"
#include "errors.h"

/* rules first: a pointer to a peer is one to its rules. */
typedef struct {
    tlsd_guard_rules rules;
    tlsd_peer_settings *settings;
    char name[256];
} peer;

struct tlsd_guard_peers {
    tlsd_peer_name *names; /* names[i] chooses peers[i] */
    peer *peers;
    size_t n;
};

int tlsd_guard_peer_rules_init(tlsd_guard_rules *r, const tlsd_policy *p, int enforce)
{
    tlsd_policy_guards keys;

    memset(r, 0, sizeof(*r));
    /* An audited key refuses nothing: audit.c reports instead. */
    tlsd_policy_get_enforced_guards(p, &keys);
    r->verify_peer = keys.verify_peer;
    r->hostname_check = keys.hostname_check;
    r->min_version = keys.min_version;
    if (enforce && !tlsd_policy_floor_ciphers(&r->ciphers, p))
        return 0;
    if (keys.trust_store != NULL && (r->trust = tlsd_trust_store_source(keys.trust_store)) == NULL)
        return 0;
    return 1;
}

void tlsd_guard_peer_rules_free(tlsd_guard_rules *r)
{
    tlsd_policy_floor_ciphers_free(&r->ciphers);
}

void tlsd_guard_peers_free(tlsd_guard_peers *gp)
{
    if (gp == NULL)
        return;
    for (size_t i = 0; i < gp->n; i++) {
        tlsd_audit_free(gp->peers[i].rules.audit);
        tlsd_guard_peer_rules_free(&gp->peers[i].rules);
        tlsd_policy_apply_peer_free(gp->peers[i].settings);
    }
    free(gp->peers);
    free(gp->names);
    free(gp);
}

tlsd_guard_peers *tlsd_guard_peers_new(const tlsd_policy *p, int enforce, const tlsd_audit *audit, int *ok)
{
    size_t n = tlsd_policy_peer_count(p);
    tlsd_guard_peers *gp;
    tlsd_policy_peer entry;

    *ok = 1;
    if (n == 0)
        return NULL;
    gp = calloc(1, sizeof(*gp));
    if (gp == NULL || (gp->names = calloc(n, sizeof(*gp->names))) == NULL
        || (gp->peers = calloc(n, sizeof(*gp->peers))) == NULL) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "Peers");
        tlsd_guard_peers_free(gp);
        *ok = 0;
        return NULL;
    }
    for (size_t i = 0; i < n && tlsd_policy_peer_at(p, i, &entry); i++) {
        peer *e = &gp->peers[i];

        gp->n = i + 1; /* freed with the others from here on */
        gp->names[i] = *entry.match;
        snprintf(e->name, sizeof(e->name), "%s", entry.name);
        if (!tlsd_guard_peer_rules_init(&e->rules, entry.policy, enforce)
            || (e->settings = tlsd_policy_apply_peer_new(p, i)) == NULL
            || (audit != NULL && (e->rules.audit = tlsd_audit_new_for_peer(entry.policy, audit)) == NULL)) {
            TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "Peers entry %.200s", entry.name);
            tlsd_guard_peers_free(gp);
            *ok = 0;
            return NULL;
        }
        e->rules.entry = e->name;
    }
    return gp;
}

int tlsd_guard_peers_verify(const tlsd_guard_peers *gp)
{
    for (size_t i = 0; gp != NULL && i < gp->n; i++)
        if (gp->peers[i].rules.verify_peer || gp->peers[i].rules.hostname_check != TLSD_HOSTNAME_CHECK_OFF)
            return 1;
    return 0;
}

int tlsd_guard_peers_trust(const tlsd_guard_peers *gp)
{
    for (size_t i = 0; gp != NULL && i < gp->n; i++)
        if (gp->peers[i].rules.trust != NULL)
            return 1;
    return 0;
}

/* The SSL ex_data indexes of a connection's choice: its entry's rules, or
 * &no_entry when none matched (never freed: they are the guard's, which
 * the connection's context holds); and the name it was chosen for, folded
 * (FNV-1a), never 0. */
static int choice_index = -1, chosen_for_index = -1;
static CRYPTO_ONCE choice_once = CRYPTO_ONCE_STATIC_INIT;
static const tlsd_guard_rules no_entry;

static void register_choice_index(void)
{
    choice_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    chosen_for_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

static uintptr_t folded_name(const SSL *s)
{
    char host[256];
    uintptr_t h = (uintptr_t)2166136261u;

    tlsd_peer_match_name_of_connection(s, host, sizeof(host));
    for (const char *c = host; *c != '\0'; c++)
        h = (h ^ (unsigned char)*c) * 16777619u;
    return h | 1;
}

static const tlsd_guard_rules *choice_of(const SSL *s)
{
    if (!CRYPTO_THREAD_run_once(&choice_once, register_choice_index) || choice_index < 0)
        return NULL;
    return SSL_get_ex_data(s, choice_index);
}

const char *tlsd_guard_peer_entry(const SSL *ssl)
{
    const tlsd_guard_rules *r = ssl != NULL ? choice_of(ssl) : NULL;

    return r != NULL ? r->entry : NULL;
}

/* Chooses the entry of a client connection at its first version check:
 * libssl asks before it looks at a suite, a group or a certificate, and
 * after the program has given the name it expects. The entry's settings
 * go on the connection, over what it holds. */
static const tlsd_guard_rules *choose(const tlsd_guard_peers *gp, SSL *ssl, const tlsd_guard_rules *base,
                                      int *chosen)
{
    char host[256], address_text[64];
    tlsd_peer_address address;
    const peer *e;
    int i;

    tlsd_peer_match_of_connection(ssl, host, sizeof(host), &address);
    i = tlsd_peer_match_best(gp->names, gp->n, host, &address);
    e = i >= 0 ? &gp->peers[i] : NULL;
    if (choice_index < 0 || chosen_for_index < 0
        || !SSL_set_ex_data(ssl, chosen_for_index, (void *)folded_name(ssl))
        || !SSL_set_ex_data(ssl, choice_index, (void *)(e != NULL ? &e->rules : &no_entry))) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "Peers: recording the entry of a connection");
        return NULL;
    }
    if (e == NULL)
        return base;
    tlsd_peer_match_address_text(&address, address_text, sizeof(address_text));
    if (!tlsd_policy_apply_peer(e->settings, ssl)
        || (e->rules.trust != base->trust && !tlsd_trust_store_for_connection(ssl, e->rules.trust))) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "Peers entry %.200s: its settings did not take on the connection",
                   e->name);
        return NULL;
    }
    tlsd_debug("Peers: entry %s applies to the connection to %s (address %s)", e->name,
               host[0] != '\0' ? host : "(no name)", address_text);
    *chosen = 1;
    return &e->rules;
}

/* The refusal of a connection its entry no longer fits, raised once: the
 * callback is asked again for every version and suite. */
static const tlsd_guard_rules *mismatch(const tlsd_guard_rules *r, const char *why)
{
    unsigned long last = ERR_peek_last_error();

    if (ERR_GET_LIB(last) != tlsd_errors_lib() || ERR_GET_REASON(last) != TLSD_R_PEER_ENTRY_MISMATCH)
        TLSD_RAISE(TLSD_R_PEER_ENTRY_MISMATCH, "Peers entry %.200s was chosen for %s", r->entry, why);
    return NULL;
}

const tlsd_guard_rules *tlsd_guard_peers_rules(const tlsd_guard_peers *gp, const SSL *s,
                                               const tlsd_guard_rules *base, int choose_now, int *chosen)
{
    const tlsd_guard_rules *r;

    if (gp == NULL || s == NULL)
        return base;
    r = choice_of(s);
    if (SSL_is_server(s)) {
        /* Chosen while it was a client: it must not keep an entry's rules. */
        if (r != NULL && r != &no_entry)
            return mismatch(r, "a connection that now serves");
        return base;
    }
    /* An SSL reused (SSL_clear) for another name: one that got no entry
     * chooses again; one that did keeps what its entry put on it, so that
     * handshake is refused rather than given another's exception. */
    if (r != NULL && choose_now && (uintptr_t)SSL_get_ex_data(s, chosen_for_index) != folded_name(s)) {
        if (r == &no_entry)
            return choose(gp, (SSL *)s, base, chosen);
        return mismatch(r, "another name; an SSL reused for a new destination needs SSL_new()");
    }
    if (r != NULL)
        return r == &no_entry ? base : r;
    return choose_now ? choose(gp, (SSL *)s, base, chosen) : base;
}
