#include "verify_lock.h"

#include <pthread.h>

#include <openssl/err.h>

#include "debug.h"

/* The program's verify callback during one locked verification. A thread
 * runs one verification at a time; a nested one (a callback verifying
 * something else) saves and restores these. */
static _Thread_local X509_STORE_CTX_verify_cb program_cb;
static _Thread_local int program_accepted_failure;

/* Per connection: the lock verified its server. Never freed: it is a
 * marker, not memory. */
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
    if (verified_index >= 0)
        SSL_set_ex_data(ssl, verified_index, &verified_marker);
    /* libssl reads the mode after this callback returns: with
     * SSL_VERIFY_PEER a failure ends the handshake. The program's callback
     * stays the connection's (CPython's way of setting a mode keeps it). */
    SSL_set_verify(ssl, SSL_VERIFY_PEER, SSL_get_verify_callback(ssl));
    program_cb = cb;
    program_accepted_failure = 0;
    X509_STORE_CTX_set_verify_cb(sctx, locked_cb);
    ok = verify(sctx, ssl, arg);
    X509_STORE_CTX_set_verify_cb(sctx, cb);
    if (ok <= 0 && (mode == SSL_VERIFY_NONE || program_accepted_failure))
        tlsd_debug("VerifyPeer=force: server certificate refused (%s), which the program %s",
                   X509_verify_cert_error_string(X509_STORE_CTX_get_error(sctx)),
                   mode == SSL_VERIFY_NONE ? "chose not to verify (SSL_VERIFY_NONE)"
                                           : "accepted in its verify callback");
    program_cb = saved_cb;
    program_accepted_failure = saved_accepted;
    return ok;
}

int tlsd_verify_lock_security(const SSL *s, int op)
{
    /* libssl asks about the server's signature algorithm once it checks
     * the signature made with the certificate's key: TLS 1.3
     * CertificateVerify, TLS 1.2 (EC)DHE ServerKeyExchange. The
     * certificate was verified before, by the lock unless the program
     * replaced the module's cert verify callback. */
    if (op != SSL_SECOP_SIGALG_CHECK || s == NULL || SSL_is_server(s))
        return 1;
    pthread_once(&index_once, register_index);
    if (verified_index < 0 || SSL_get_ex_data(s, verified_index) == &verified_marker)
        return 1;
    tlsd_debug("VerifyPeer=force: handshake refused: the program replaced the module's "
               "certificate verification (SSL_CTX_set_cert_verify_callback)");
    return 0;
}
