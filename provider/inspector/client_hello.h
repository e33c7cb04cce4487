/* SPDX-License-Identifier: Apache-2.0 */
/* What a client context really offers, read from the ClientHello it would
 * send: OpenSSL has no public call that lists its default groups, and they
 * changed (3.5 puts the hybrid X25519MLKEM768 first). */
#ifndef TLSD_CLIENT_HELLO_H
#define TLSD_CLIENT_HELLO_H

#include <stddef.h>

#include <openssl/ssl.h>

/* The groups of the supported_groups extension of a ClientHello made on a
 * new SSL of client, in order, ':'-separated, each one sent with a key
 * share marked "*" (as OpenSSL's group lists mark them). 1, or 0 when no
 * ClientHello could be made (buf then empty). */
int tlsd_client_hello_groups(SSL_CTX *client, char *buf, size_t cap);

#endif
