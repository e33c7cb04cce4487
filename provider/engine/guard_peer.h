/* SPDX-License-Identifier: Apache-2.0 */
/* Peers on a client connection (guard.c): the rules a guard holds for a
 * connection, the policy's own or a Peers entry's, and the entry's choice
 * when the connection starts.
 *
 * A server's connections always get the policy's own rules: the client
 * chooses the SNI name it sends, and must never choose a weaker policy. */
#ifndef TLSD_GUARD_PEER_H
#define TLSD_GUARD_PEER_H

#include <openssl/ssl.h>

#include "audit.h"
#include "peer_match.h"
#include "policy.h"
#include "policy_floor.h"
#include "trust_store.h"

/* What a guard holds for one connection. */
typedef struct {
    int verify_peer;        /* 0, 1 or TLSD_VERIFY_PEER_FORCE */
    int hostname_check;     /* TLSD_HOSTNAME_CHECK_* */
    int min_version;        /* Enforce: the protocol floor */
    tlsd_cipher_set ciphers; /* Enforce: the suites allowed, the security level, groups, sigalgs */
    const tlsd_trust_source *trust; /* NULL: none */
    tlsd_audit *audit;      /* what its connections are audited against; NULL: no audit */
    const char *entry;      /* the Peers entry's name; NULL: the policy's own rules */
} tlsd_guard_rules;

/* The rules of p (enforce: with its floor). 1, or 0 with an error raised. */
int tlsd_guard_peer_rules_init(tlsd_guard_rules *r, const tlsd_policy *p, int enforce);
void tlsd_guard_peer_rules_free(tlsd_guard_rules *r);

typedef struct tlsd_guard_peers tlsd_guard_peers;

/* p's Peers entries, each with its rules and settings, and an audit of
 * its own policy beside audit (NULL: none); NULL when p has none. *ok is
 * 0 when out of memory (raised). */
tlsd_guard_peers *tlsd_guard_peers_new(const tlsd_policy *p, int enforce, const tlsd_audit *audit, int *ok);
void tlsd_guard_peers_free(tlsd_guard_peers *gp);

/* 1 when an entry's rules verify (VerifyPeer) or trust a store (TrustStore):
 * the context must let the module decide at each connection's start. */
int tlsd_guard_peers_verify(const tlsd_guard_peers *gp);
int tlsd_guard_peers_trust(const tlsd_guard_peers *gp);

/* The rules of s: base, or the entry chosen for it. choose: the check is a
 * version check, the first of a handshake: for a client connection not
 * yet decided, the entry is chosen now, its settings put on s and
 * *chosen set. NULL when that fails (no memory to record it, settings
 * that did not take): the caller refuses the connection. */
const tlsd_guard_rules *tlsd_guard_peers_rules(const tlsd_guard_peers *gp, const SSL *s,
                                               const tlsd_guard_rules *base, int choose, int *chosen);

/* The name of the Peers entry applied to ssl, or NULL: for audit and
 * inventory lines. */
const char *tlsd_guard_peer_entry(const SSL *ssl);

#endif
