/* SPDX-License-Identifier: Apache-2.0 */
/* The groups and signature algorithms a policy allows, as TLS code
 * points, read from a ClientHello of a sample client of the policy (the
 * only public way on OpenSSL 3.0 to learn what a Groups or
 * SignatureAlgorithms value names, aliases and versions resolved), for
 * Enforce to hold them against a program's own calls. */
#ifndef TLSD_POLICY_OFFER_H
#define TLSD_POLICY_OFFER_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#define TLSD_POLICY_OFFER_MAX 64

typedef struct {
    int set;                              /* the policy sets the key */
    uint16_t ids[TLSD_POLICY_OFFER_MAX];  /* its code points */
    size_t n;
} tlsd_policy_offer_list;

typedef struct {
    tlsd_policy_offer_list groups, sigalgs;
    char group_names[TLSD_POLICY_OFFER_MAX][32]; /* OpenSSL's name of groups.ids[i] */
} tlsd_policy_offer;

/* Fills offer from p (nothing to read when p sets neither key). 1, or 0
 * with an error raised (no sample client, or no ClientHello). */
int tlsd_policy_offer_read(tlsd_policy_offer *offer, const tlsd_policy *p);

/* 1 when the policy leaves groups to OpenSSL, or name (OpenSSL's name of
 * a group, as SSL_group_to_name gives it) is one it sets. */
int tlsd_policy_offer_has_group(const tlsd_policy_offer *offer, const char *name);

/* For a security callback's op and other: 0 when other names a group or
 * signature algorithm outside what the policy sets; 1 otherwise (another
 * kind of check, or a key the policy leaves to OpenSSL). */
int tlsd_policy_offer_allows(const tlsd_policy_offer *offer, int op, const void *other);

#endif
