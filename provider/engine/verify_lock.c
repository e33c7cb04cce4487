/* SPDX-License-Identifier: Apache-2.0 */
#include "verify_lock.h"

#include <openssl/crypto.h>

#include <openssl/err.h>

#include "debug.h"
#include "errors.h"

/* One locked verification: the program's verify callback, and whether it
 * accepted a failure. On the caller's stack, found by the store context's
 * ex_data (a nested verification has a store context of its own). */
typedef struct {
    X509_STORE_CTX_verify_cb program_cb;
    int program_accepted_failure;
} locked_run;

static int run_index = -1;
static CRYPTO_ONCE run_index_once = CRYPTO_ONCE_STATIC_INIT;

static void register_run_index(void)
{
    run_index = X509_STORE_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

/* Per connection: the lock verified this handshake's server chain. Set
 * only once a verification passed; cleared when the client starts a
 * handshake (tlsd_verify_lock_security), so that neither a refusal nor a
 * good server lets a later handshake of the same SSL through (SSL_clear(),
 * renegotiation). Never freed: it is a marker, not memory. */
static int verified_index = -1;
static CRYPTO_ONCE verified_index_once = CRYPTO_ONCE_STATIC_INIT;
static char verified_marker;

static void register_verified_index(void)
{
    verified_index = CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL, 0, NULL, NULL, NULL, NULL);
}

/* In place of the program's callback: the program may refuse more, never
 * accept a failure. Without its run (not recorded: no memory), nothing
 * passes. */
static int locked_cb(int ok, X509_STORE_CTX *sctx)
{
    locked_run *run = run_index >= 0 ? X509_STORE_CTX_get_ex_data(sctx, run_index) : NULL;
    int theirs;

    if (run == NULL)
        return 0;
    theirs = run->program_cb != NULL ? run->program_cb(ok, sctx) : ok;
    if (!ok && theirs)
        run->program_accepted_failure = 1;
    return ok && theirs;
}

/* Records run on sctx (its previous value in *saved). 0 when it cannot be
 * stored: the verification is refused. */
static int record_run(X509_STORE_CTX *sctx, locked_run *run, void **saved)
{
    if (!CRYPTO_THREAD_run_once(&run_index_once, register_run_index) || run_index < 0)
        return 0;
    *saved = X509_STORE_CTX_get_ex_data(sctx, run_index);
    return X509_STORE_CTX_set_ex_data(sctx, run_index, run);
}

int tlsd_verify_lock_run(X509_STORE_CTX *sctx, SSL *ssl, tlsd_client_verify verify,
                         const void *arg)
{
    X509_STORE_CTX_verify_cb cb = X509_STORE_CTX_get_verify_cb(sctx);
    locked_run run = {cb, 0};
    int mode = SSL_get_verify_mode(ssl), ok;
    void *saved = NULL;

    (void)CRYPTO_THREAD_run_once(&verified_index_once, register_verified_index);
    /* libssl reads the mode after this callback returns: with
     * SSL_VERIFY_PEER a failure ends the handshake. The program's callback
     * stays the connection's (CPython's way of setting a mode keeps it). */
    SSL_set_verify(ssl, SSL_VERIFY_PEER, SSL_get_verify_callback(ssl));
    if (!record_run(sctx, &run, &saved)) {
        X509_STORE_CTX_set_error(sctx, X509_V_ERR_OUT_OF_MEM);
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "VerifyPeer=force: the verification cannot be locked");
        return 0;
    }
    X509_STORE_CTX_set_verify_cb(sctx, locked_cb);
    ok = verify(sctx, ssl, arg);
    X509_STORE_CTX_set_verify_cb(sctx, cb);
    if (ok > 0 && verified_index >= 0)
        SSL_set_ex_data(ssl, verified_index, &verified_marker);
    if (ok <= 0 && (mode == SSL_VERIFY_NONE || run.program_accepted_failure))
        tlsd_debug("VerifyPeer=force: server certificate refused (%s), which the program %s",
                   X509_verify_cert_error_string(X509_STORE_CTX_get_error(sctx)),
                   mode == SSL_VERIFY_NONE ? "chose not to verify (SSL_VERIFY_NONE)"
                                           : "accepted in its verify callback");
    /* The slot exists now: putting the previous value back allocates nothing. */
    X509_STORE_CTX_set_ex_data(sctx, run_index, saved);
    return ok;
}

/* The suites after whose server certificate libssl asks the security
 * callback nothing (no ServerKeyExchange, no CertificateVerify): RSA (and
 * GOST) key transport. A program with its own cert verify callback would
 * pass the lock there unverified, and whether it has one is known only
 * once the certificate arrived, after the suite was chosen: refused at the
 * server's choice, for every client under the lock. */
static int key_exchange_allowed(const SSL_CIPHER *c)
{
    int kx = SSL_CIPHER_get_kx_nid(c);

    if (kx != NID_kx_rsa && kx != NID_kx_gost && kx != NID_kx_gost18)
        return 1;
    TLSD_RAISE(TLSD_R_VERIFY_REQUIRED,
               "VerifyPeer=force: the server chose %s, whose key exchange (RSA key transport) "
               "the lock cannot follow to the end of the handshake",
               SSL_CIPHER_get_name(c));
    tlsd_debug("VerifyPeer=force: handshake refused: the server chose %s (RSA key transport, "
               "no forward secrecy), where the lock cannot check the server certificate of a "
               "program that replaced the module's certificate verification",
               SSL_CIPHER_get_name(c));
    return 0;
}

/* No certificate where the lock checks one: a suite without any (aNULL,
 * refused in guard.c; PSK and SRP, the program's own authentication) is
 * left alone; anything else (a raw public key, RFC 7250) has no chain for
 * the lock to verify. */
static int without_certificate(const SSL *s)
{
    const SSL_CIPHER *c = SSL_get_pending_cipher(s);
    int auth = c != NULL ? SSL_CIPHER_get_auth_nid(c) : NID_undef;

    if (auth == NID_auth_null || auth == NID_auth_psk || auth == NID_auth_srp)
        return 1;
    TLSD_RAISE(TLSD_R_VERIFY_REQUIRED, "VerifyPeer=force: the program replaced the module's "
               "certificate verification, and the server sent no certificate chain to verify");
    tlsd_debug("VerifyPeer=force: handshake refused: the program replaced the module's "
               "certificate verification, and the server sent no certificate chain");
    return 0;
}

/* The lock's own verification of the server's chain, for a program whose
 * cert verify callback replaced the module's. 0 refuses, with the reason
 * raised. */
static int verify_here(SSL *ssl, X509 *leaf, tlsd_client_verify verify, const void *arg)
{
    X509_STORE_CTX *sctx = X509_STORE_CTX_new();
    int ok = 0, error;

    ERR_set_mark();
    if (sctx != NULL
        && X509_STORE_CTX_init(sctx, SSL_CTX_get_cert_store(SSL_get_SSL_CTX(ssl)), leaf,
                               SSL_get_peer_cert_chain(ssl))
        && X509_STORE_CTX_set_ex_data(sctx, SSL_get_ex_data_X509_STORE_CTX_idx(), ssl)) {
        X509_STORE_CTX_set_default(sctx, "ssl_server");
        X509_VERIFY_PARAM_set1(X509_STORE_CTX_get0_param(sctx), SSL_get0_param(ssl));
        X509_STORE_CTX_set_verify_cb(sctx, SSL_get_verify_callback(ssl));
        ok = tlsd_verify_lock_run(sctx, ssl, verify, arg) > 0;
        SSL_set_verify_result(ssl, X509_STORE_CTX_get_error(sctx));
    }
    ERR_pop_to_mark();
    if (!ok) {
        error = sctx != NULL ? X509_STORE_CTX_get_error(sctx) : X509_V_ERR_OUT_OF_MEM;
        TLSD_RAISE(TLSD_R_VERIFY_REQUIRED, "VerifyPeer=force: X509 error %d (%s); the program "
                   "replaced the module's certificate verification", error,
                   X509_verify_cert_error_string(error));
        tlsd_debug("VerifyPeer=force: handshake refused: the program replaced the module's "
                   "certificate verification (SSL_CTX_set_cert_verify_callback), and the "
                   "server certificate does not verify (%s)",
                   X509_verify_cert_error_string(error));
    }
    X509_STORE_CTX_free(sctx);
    return ok;
}

int tlsd_verify_lock_security(const SSL *s, int op, const void *other, tlsd_client_verify verify,
                              const void *arg)
{
    SSL *ssl = (SSL *)s; /* the callback's SSL is the connection's own */
    OSSL_HANDSHAKE_STATE state;
    X509 *leaf;

    if (s == NULL || SSL_is_server(s))
        return 1;
    (void)CRYPTO_THREAD_run_once(&verified_index_once, register_verified_index);
    if (verified_index < 0)
        return 0; /* no lock without its mark */
    state = SSL_get_state(s);
    /* Every handshake starts with a ClientHello, whose suites, groups and
     * signature algorithms libssl asks about: the first, a renegotiation,
     * one after SSL_clear(), a second one after HelloRetryRequest (before
     * any certificate). */
    if (state == TLS_ST_CW_CLNT_HELLO) {
        SSL_set_ex_data(ssl, verified_index, NULL);
        return 1;
    }
    if (op == SSL_SECOP_CIPHER_CHECK && other != NULL)
        return key_exchange_allowed(other);
    /* After the server's certificate, libssl asks about what the server
     * signs with the certificate's key: the ServerKeyExchange of TLS 1.2
     * and below, DTLS too (the group of ECDHE, the size of DHE, the
     * signature algorithm from TLS 1.2 on), or TLS 1.3's CertificateVerify
     * (its signature algorithm). The certificate was verified by then: by
     * the lock, unless the program replaced the module's cert verify
     * callback with its own. Then the lock verifies here, in the same
     * way. */
    if (state != TLS_ST_CR_KEY_EXCH && state != TLS_ST_CR_CERT_VRFY && op != SSL_SECOP_SIGALG_CHECK)
        return 1;
    if (SSL_get_ex_data(s, verified_index) == &verified_marker)
        return 1;
    if ((leaf = SSL_get0_peer_certificate(s)) == NULL)
        return without_certificate(s);
    return verify_here(ssl, leaf, verify, arg);
}
