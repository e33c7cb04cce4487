/* SPDX-License-Identifier: Apache-2.0 */
/* What Enforce holds and Audit compares a connection with: the policy's
 * protocol floor, the suites it allows and its security level. Shared by
 * guard.c and audit.c. */
#ifndef TLSD_POLICY_FLOOR_H
#define TLSD_POLICY_FLOOR_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "policy.h"
#include "policy_offer.h"

/* The suites of the whole policy, TLS 1.3 included, as sorted ids, and
 * the security level that comes with them (the @SECLEVEL of the policy's
 * CipherString, else OpenSSL's default). */
typedef struct {
    uint32_t *ids;
    size_t n;
    int security_level;
    tlsd_policy_offer offer; /* the groups and signature algorithms it sets */
} tlsd_cipher_set;

/* Fills set from a sample context of p. 1, or 0 with an error raised. */
int tlsd_policy_floor_ciphers(tlsd_cipher_set *set, const tlsd_policy *p);
int tlsd_policy_floor_has_cipher(const tlsd_cipher_set *set, const SSL_CIPHER *c);
void tlsd_policy_floor_ciphers_free(tlsd_cipher_set *set);

/* 1 when version (TLS or DTLS) is below floor, a TLS version (0: none).
 * DTLS numbers its versions downwards from 0xFEFF; a TLS floor of 1.2 or
 * more means DTLS 1.2. */
int tlsd_policy_floor_version_below(int version, int floor);

/* 1 when an X509 verification error is one the security level gives
 * (a key too small, a digest too weak in the chain). */
int tlsd_policy_floor_x509_error(int error);

#endif
