/* SPDX-License-Identifier: Apache-2.0 */
/* In-process TLS handshakes between two SSL objects over a memory BIO pair. */
#ifndef TLSD_TEST_HANDSHAKE_H
#define TLSD_TEST_HANDSHAKE_H

#include <openssl/ssl.h>

typedef struct {
    int ok;                 /* 1 when both sides completed the handshake */
    int client_ok, server_ok;
    long verify_result;     /* SSL_get_verify_result() on the client */
    char version[16];       /* the client's SSL_get_version(), "" if failed */
    char cipher[64];        /* SSL_get_cipher_name(), "" if failed */
    char client_error[256]; /* first OpenSSL error raised by the client side */
    char server_error[256]; /* same for the server side */
} tlsd_test_result;

/* sni: NULL or the client's SNI name. check_host: NULL or a name or IP
 * literal the client checks the certificate against. Returns out->ok. The
 * thread's error queue is empty afterwards. */
int tlsd_test_handshake(SSL_CTX *client_ctx, SSL_CTX *server_ctx,
                        const char *sni, const char *check_host, tlsd_test_result *out);

/* The same, with setup(client, arg) configuring the client SSL instead of
 * sni/check_host; setup returns 1, or 0 to fail the handshake. */
int tlsd_test_handshake_with(SSL_CTX *client_ctx, SSL_CTX *server_ctx,
                             int (*setup)(SSL *client, void *arg), void *arg,
                             tlsd_test_result *out);

/* The same on a client SSL of the caller's (new, or reused after
 * SSL_clear()), against a new server SSL of server_ctx; setup may be NULL.
 * The two are joined by a new BIO pair, or for DTLS by two UDP sockets on
 * loopback. The server SSL goes to *server_out (the caller frees it) or is
 * freed when server_out is NULL. */
int tlsd_test_handshake_ssl(SSL *client, SSL_CTX *server_ctx, int (*setup)(SSL *client, void *arg),
                            void *arg, SSL **server_out, tlsd_test_result *out);

/* A renegotiation asked by the server of a connection made by
 * tlsd_test_handshake_ssl (TLS 1.2 and below; OpenSSL 3 servers refuse
 * the client's by default), the client reading meanwhile. Returns
 * out->ok: 1 when both sides completed it. */
int tlsd_test_renegotiate(SSL *client, SSL *server, tlsd_test_result *out);

/* TLS_server_method() context with this certificate chain and leaf-key.pem. */
SSL_CTX *tlsd_test_server_ctx(const char *chain_file);

/* The same, of another method (DTLS_server_method()). */
SSL_CTX *tlsd_test_server_ctx_of(const SSL_METHOD *method, const char *chain_file);

/* TLS_client_method() context with SSL_VERIFY_PEER, trusting ca_file (if not NULL). */
SSL_CTX *tlsd_test_client_ctx(const char *ca_file);

/* One line describing a result, for failure messages. */
const char *tlsd_test_result_str(const tlsd_test_result *r);

#endif
