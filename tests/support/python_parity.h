/* SPDX-License-Identifier: Apache-2.0 */
/* What CPython's create_default_context() gives, from PYTHON-PARITY.md. */
#ifndef TLSD_PYTHON_PARITY_H
#define TLSD_PYTHON_PARITY_H

#include <openssl/ssl.h>

/* Python's options, from the same macros CPython combines
 * (0x82520050 on OpenSSL 3.0). */
#define PYTHON_OPTIONS                                                            \
    ((SSL_OP_ALL & ~(SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS | SSL_OP_LEGACY_SERVER_CONNECT)) \
     | SSL_OP_NO_SSLv3 | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE \
     | SSL_OP_ENABLE_MIDDLEBOX_COMPAT)

/* CPython's PY_SSL_DEFAULT_CIPHER_STRING (ssl._DEFAULT_CIPHERS). */
#define PYTHON_CIPHER_STRING \
    "@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM"

/* CPython 3.13's TLS 1.2 cipher list on OpenSSL 3.0, in order. */
#define PYTHON_CIPHER_COUNT 14
extern const char *const python_ciphers[PYTHON_CIPHER_COUNT];

#endif
