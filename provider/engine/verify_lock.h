/* SPDX-License-Identifier: Apache-2.0 */
/* VerifyPeer = force, the lock: a client connection verifies its server
 * whatever the program chose (SSL_VERIFY_NONE on the context or on the
 * connection, a verify callback that accepts everything).
 *
 * It runs inside the module's cert verify callback (guard.c), which
 * libssl calls for every server certificate whatever the verify mode, and
 * whose result libssl weighs by the connection's verify mode read *after*
 * the callback returns (tls_post_process_server_certificate, 3.0 to 4.0):
 * setting SSL_VERIFY_PEER there makes a failure fatal. */
#ifndef TLSD_VERIFY_LOCK_H
#define TLSD_VERIFY_LOCK_H

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

/* The verification of a client connection that the lock wraps. */
typedef int (*tlsd_client_verify)(X509_STORE_CTX *sctx, SSL *ssl, const void *arg);

/* Runs verify(sctx, ssl, arg) for a client connection with the mode
 * SSL_VERIFY_PEER and the program's verify callback unable to accept a
 * failure (it is still called, and may still refuse). Restores the store
 * context's callback afterwards. Returns verify's result. */
int tlsd_verify_lock_run(X509_STORE_CTX *sctx, SSL *ssl, tlsd_client_verify verify,
                         const void *arg);

/* From the security callback, for a client connection under the lock:
 * - the start of every handshake (its ClientHello) clears the mark of the
 *   last verification;
 * - the server's choice of a suite with RSA key transport is refused (op
 *   SSL_SECOP_CIPHER_CHECK, other the suite): after its certificate
 *   libssl asks nothing more;
 * - a connection that reaches the checks of what the server signs with
 *   its certificate's key (ServerKeyExchange on TLS 1.2 and below and
 *   DTLS, CertificateVerify on TLS 1.3) without the lock having verified
 *   the certificate has a cert verify callback of the program's own
 *   (SSL_CTX_set_cert_verify_callback replaced the module's): the lock
 *   then verifies the server's chain itself, as above.
 * 0 refuses the handshake, with the reason raised. */
int tlsd_verify_lock_security(const SSL *s, int op, const void *other, tlsd_client_verify verify,
                              const void *arg);

#endif
