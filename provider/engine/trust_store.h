/* SPDX-License-Identifier: Apache-2.0 */
/* Trust stores read once per process and shared between contexts: the
 * system store (SSL_CERT_FILE, SSL_CERT_DIR, else OpenSSL's defaults), or a
 * CA file or directory named in the configuration. */
#ifndef TLSD_TRUST_STORE_H
#define TLSD_TRUST_STORE_H

#include <openssl/ssl.h>

typedef struct tlsd_trust_source tlsd_trust_source;

/* The shared source "system" or an absolute path. Sources live as long as
 * the process; the bundle is read at the first verification that needs
 * it. NULL when out of memory. */
const tlsd_trust_source *tlsd_trust_store_source(const char *source);

/* Registers this file's locks with fork_locks.h, as tlsd_trust_store_source()
 * does: for a caller about to hold a registered lock around that call. */
void tlsd_trust_store_fork_locks(void);

/* Whom a context's verifications consult the source for. */
typedef enum {
    /* Every verification, after the context's own store: what a program
     * asks for with tlsd_use_system_trust_store(). */
    TLSD_TRUST_ALWAYS,
    /* Only a client verifying its server, and only while the context's
     * store holds no certificate: the module's TrustStore. A program's own
     * anchors are never widened, and a server never checks a client
     * certificate against the shared CAs. */
    TLSD_TRUST_ANCHORLESS_CLIENTS
} tlsd_trust_use;

/* Lets ctx's verifications consult src. Nothing is read, copied into the
 * context's store, or shared with another context. src NULL (for
 * TLSD_TRUST_ANCHORLESS_CLIENTS only): none, unless a connection has a
 * source of its own. 1 or 0. */
int tlsd_trust_store_install(const tlsd_trust_source *src, SSL_CTX *ctx, tlsd_trust_use use);

/* A Peers entry's TrustStore: the source ssl's verification consults in
 * place of its context's (NULL: none), under the same rule (a client
 * whose context's store holds no certificate). 1, or 0 when out of
 * memory (raised). */
int tlsd_trust_store_for_connection(SSL *ssl, const tlsd_trust_source *src);

/* What "system" means in this process: "file F, directory D". */
void tlsd_trust_store_system_locations(char *buf, size_t cap);

#endif
