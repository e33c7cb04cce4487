/* SPDX-License-Identifier: Apache-2.0 */
#include "verify_lock.h"

#include <pthread.h>

#include <openssl/err.h>

#include "debug.h"

/* The program's verify callback during one locked verification. A thread
 * runs one verification at a time; a nested one (a callback verifying
 * something else) saves and restores these. */
static _Thread_local X509_STORE_CTX_verify_cb program_cb;
static _Thread_local int program_accepted_failure;

/* Per connection: the lock verified this handshake's server chain. Set
 * only once a verification passed; cleared when the client starts a
 * handshake (tlsd_verify_lock_security), so that neither a refusal nor a
 * good server lets a later handshake of the same SSL through (SSL_clear(),
 * renegotiation). Never freed: it is a marker, not memory. */
static int verified_index = -1;
static pthread_once_t index_once = PTHREAD_ONCE_INIT;
static char verified_marker;

static void register_index(void)
{
    verified_index = CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL, 0, NULL, NULL, NULL, NULL);
}

/* In place of the program's callback: the program may refuse more, never
 * accept a failure. */
static int locked_cb(int ok, X509_STORE_CTX *sctx)
{
    int theirs = program_cb != NULL ? program_cb(ok, sctx) : ok;

    if (!ok && theirs)
        program_accepted_failure = 1;
    return ok && theirs;
}

int tlsd_verify_lock_run(X509_STORE_CTX *sctx, SSL *ssl, tlsd_client_verify verify,
                         const void *arg)
{
    X509_STORE_CTX_verify_cb saved_cb = program_cb;
    int saved_accepted = program_accepted_failure;
    X509_STORE_CTX_verify_cb cb = X509_STORE_CTX_get_verify_cb(sctx);
    int mode = SSL_get_verify_mode(ssl), ok;

    pthread_once(&index_once, register_index);
    /* libssl reads the mode after this callback returns: with
     * SSL_VERIFY_PEER a failure ends the handshake. The program's callback
     * stays the connection's (CPython's way of setting a mode keeps it). */
    SSL_set_verify(ssl, SSL_VERIFY_PEER, SSL_get_verify_callback(ssl));
    program_cb = cb;
    program_accepted_failure = 0;
    X509_STORE_CTX_set_verify_cb(sctx, locked_cb);
    ok = verify(sctx, ssl, arg);
    X509_STORE_CTX_set_verify_cb(sctx, cb);
    if (ok > 0 && verified_index >= 0)
        SSL_set_ex_data(ssl, verified_index, &verified_marker);
    if (ok <= 0 && (mode == SSL_VERIFY_NONE || program_accepted_failure))
        tlsd_debug("VerifyPeer=force: server certificate refused (%s), which the program %s",
                   X509_verify_cert_error_string(X509_STORE_CTX_get_error(sctx)),
                   mode == SSL_VERIFY_NONE ? "chose not to verify (SSL_VERIFY_NONE)"
                                           : "accepted in its verify callback");
    program_cb = saved_cb;
    program_accepted_failure = saved_accepted;
    return ok;
}

int tlsd_verify_lock_security(const SSL *s, int op, tlsd_client_verify verify, const void *arg)
{
    SSL *ssl = (SSL *)s; /* the callback's SSL is the connection's own */
    X509_STORE_CTX *sctx;
    X509 *leaf;
    int ok = 0;

    /* libssl asks about the server's signature algorithm once it checks
     * the signature made with the certificate's key (TLS 1.3
     * CertificateVerify, TLS 1.2 (EC)DHE ServerKeyExchange), after the
     * certificate was verified: by the lock, unless the program replaced
     * the module's cert verify callback with its own. Then the lock
     * verifies here, in the same way. */
    if (s == NULL || SSL_is_server(s))
        return 1;
    pthread_once(&index_once, register_index);
    if (verified_index < 0)
        return 0; /* no lock without its mark */
    /* Every handshake starts with a ClientHello, whose suites, groups and
     * signature algorithms libssl asks about: the first, a renegotiation,
     * one after SSL_clear(), a second one after HelloRetryRequest (before
     * any certificate). */
    if (SSL_get_state(s) == TLS_ST_CW_CLNT_HELLO) {
        SSL_set_ex_data(ssl, verified_index, NULL);
        return 1;
    }
    if (op != SSL_SECOP_SIGALG_CHECK || SSL_get_ex_data(s, verified_index) == &verified_marker)
        return 1;
    leaf = SSL_get0_peer_certificate(s);
    sctx = X509_STORE_CTX_new();
    ERR_set_mark();
    if (leaf != NULL && sctx != NULL
        && X509_STORE_CTX_init(sctx, SSL_CTX_get_cert_store(SSL_get_SSL_CTX(s)), leaf,
                               SSL_get_peer_cert_chain(s))
        && X509_STORE_CTX_set_ex_data(sctx, SSL_get_ex_data_X509_STORE_CTX_idx(), ssl)) {
        X509_STORE_CTX_set_default(sctx, "ssl_server");
        X509_VERIFY_PARAM_set1(X509_STORE_CTX_get0_param(sctx), SSL_get0_param(ssl));
        X509_STORE_CTX_set_verify_cb(sctx, SSL_get_verify_callback(ssl));
        ok = tlsd_verify_lock_run(sctx, ssl, verify, arg) > 0;
        SSL_set_verify_result(ssl, X509_STORE_CTX_get_error(sctx));
    }
    if (!ok) {
        ERR_clear_last_mark();
        tlsd_debug("VerifyPeer=force: handshake refused: the program replaced the module's "
                   "certificate verification (SSL_CTX_set_cert_verify_callback), and the "
                   "server certificate does not verify (%s)",
                   sctx != NULL ? X509_verify_cert_error_string(X509_STORE_CTX_get_error(sctx))
                                : "out of memory");
    } else {
        ERR_pop_to_mark();
    }
    X509_STORE_CTX_free(sctx);
    return ok;
}
