/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TLSD_LOG_FIELDS_H
#define TLSD_LOG_FIELDS_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>

/* text as one token into out: bytes outside [A-Za-z0-9.-_:[]*+] become
 * \xNN (an SNI name comes from the peer, a program name from a file). */
void tlsd_log_fields_token(char *out, size_t cap, const char *text);

/* The peer of ssl as one token: the SNI name it carries, else the
 * connected address ("192.0.2.1:443", "[::1]:443"), else "unknown". */
void tlsd_log_fields_peer(const SSL *ssl, char *out, size_t cap);

/* A key as one token: "RSA-2048", "EC-256", "ED25519-253"; "none" for
 * NULL. */
void tlsd_log_fields_key(const EVP_PKEY *key, char *out, size_t cap);

#endif
