/* SPDX-License-Identifier: Apache-2.0 */
/* What a context's method makes it: a client, a server, or a generic
 * context that may become either; TLS or DTLS. */
#ifndef TLSD_METHOD_ROLE_H
#define TLSD_METHOD_ROLE_H

#include <openssl/ssl.h>

typedef enum {
    TLSD_ROLE_OTHER = 0, /* a method the module does not know */
    TLSD_ROLE_CLIENT,
    TLSD_ROLE_SERVER,
    TLSD_ROLE_GENERIC
} tlsd_role;

typedef struct {
    tlsd_role role;
    int dtls;
    int version_flexible; /* TLS_method() and its kind, not fixed-version or QUIC */
} tlsd_method_info;

/* The role of m, version-flexible (TLS_client_method) and fixed-version
 * (TLSv1_2_client_method) methods alike. */
tlsd_method_info tlsd_method_role_info(const SSL_METHOD *m);

/* "client", "server", "generic" or "other". */
const char *tlsd_method_role_name(tlsd_role role);

/* The same for a context's method (for the debug trace). */
const char *tlsd_method_role_of_ctx(const SSL_CTX *ctx);

#endif
