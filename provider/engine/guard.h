/* SPDX-License-Identifier: Apache-2.0 */
/* What the module does to a context beyond its settings, for programs that
 * misuse OpenSSL: peer verification (VerifyPeer), a trust store
 * (TrustStore), the SNI name checked (HostnameCheck), a protocol and cipher
 * floor (Enforce), key logging (KeyLog); and refusing TLS when the
 * configuration is broken (fail closed).
 *
 * A guard is made once per configuration load and shared, reference
 * counted, by the contexts it was installed on: contexts outlive the load. */
#ifndef TLSD_GUARD_H
#define TLSD_GUARD_H

#include <openssl/ssl.h>

#include "policy.h"

typedef struct tlsd_guard tlsd_guard;

/* The guard of a valid policy. keylog_path: the SSLKEYLOGFILE read when the
 * configuration was loaded (NULL if none), opened now when the policy has
 * KeyLog on. NULL on error (raised). */
tlsd_guard *tlsd_guard_new(const tlsd_policy *p, const char *keylog_path);

/* The guard of a broken configuration: every context it is installed on
 * refuses every handshake, raising TLSD_R_TLS_REFUSED with detail. Never
 * NULL: without memory for it, a static one that says "out of memory". */
tlsd_guard *tlsd_guard_new_refusing(const char *detail);

/* Drops a reference (NULL: nothing); the last frees the guard. */
void tlsd_guard_free(tlsd_guard *g);

/* Registers the SSL_CTX ex_data index that holds each context's guard,
 * with on_new run for every new context. Once per process (the caller
 * sees to it: the module, under its own lock); the index is
 * never freed (the module stays mapped). Returns the index, or -1. */
int tlsd_guard_register_index(CRYPTO_EX_new *on_new);

/* Installs g on a new context (from the hook, with the index's ad and
 * idx). Returns 1, 0 when part of it could not be installed, or -1 when
 * there was no memory to hold g, or g is NULL (a context that could not
 * get its policy): a refusal that needs no memory is installed instead. */
int tlsd_guard_install(tlsd_guard *g, SSL_CTX *ctx, CRYPTO_EX_DATA *ad, int idx);

#endif
