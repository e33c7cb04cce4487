/* SPDX-License-Identifier: Apache-2.0 */
#include "guard.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "audit.h"
#include "debug.h"
#include "errors.h"
#include "guard_floor.h"
#include "guard_peer.h"
#include "keylog.h"
#include "method_role.h"
#include "policy_floor.h"
#include "server_name.h"
#include "trust_store.h"
#include "verify_lock.h"

struct tlsd_guard {
    atomic_int refs;
    int refusing;
    char detail[512]; /* refusing: what is wrong with the configuration */
    int enforce;
    tlsd_guard_rules base;      /* the policy's own; a connection may get a Peers entry's */
    tlsd_guard_peers *peers;
    tlsd_keylog *keylog; /* opened once, when the configuration is loaded */
    tlsd_audit *audit;   /* Audit: the keys reported instead of refusing */
};

static int verify_client(X509_STORE_CTX *sctx, SSL *ssl, const void *arg);
static void audit_info_cb(const SSL *ssl, int where, int ret);
static int verification_security(const SSL *s, const tlsd_guard *g, const tlsd_guard_rules *r, int op,
                                 const void *other);

typedef int (*security_cb)(const SSL *s, const SSL_CTX *ctx, int op, int bits,
                           int nid, void *other, void *ex);

/* OpenSSL's own security callback, which ours hands everything else to. */
static _Atomic(security_cb) openssl_security_cb;

tlsd_guard *tlsd_guard_new(const tlsd_policy *p, const char *keylog_path)
{
    tlsd_guard *g = calloc(1, sizeof(*g));
    tlsd_policy_guards keys;
    int ok = g != NULL;

    if (ok) {
        atomic_init(&g->refs, 1);
        tlsd_policy_get_enforced_guards(p, &keys);
        g->enforce = keys.enforce;
        ok = tlsd_guard_peer_rules_init(&g->base, p, g->enforce);
    }
    if (!ok)
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
    if (ok && (keys.audit != 0 || keys.inventory || tlsd_policy_candidate(p) != NULL))
        ok = (g->base.audit = g->audit = tlsd_audit_new(p)) != NULL;
    if (ok)
        g->peers = tlsd_guard_peers_new(p, g->enforce, g->audit, &ok);
    /* A key log is a debugging aid: one that cannot be opened is reported
     * in the trace and costs neither the policy nor TLS. */
    if (ok && keys.key_log && keylog_path != NULL) {
        char why[160];

        ERR_set_mark();
        g->keylog = tlsd_keylog_open(keylog_path, why, sizeof(why));
        ERR_pop_to_mark();
        if (g->keylog == NULL)
            tlsd_debug("KeyLog: cannot open %s (%s); key logging off", keylog_path, why);
    }
    if (!ok) {
        tlsd_guard_free(g);
        return NULL;
    }
    return g;
}

/* The refusal that needs no memory, when not even a refusing guard can be
 * allocated: static, and its own reference is never dropped. */
static tlsd_guard out_of_memory = {.refs = 1, .refusing = 1, .detail = "out of memory"};

tlsd_guard *tlsd_guard_new_refusing(const char *detail)
{
    tlsd_guard *g = calloc(1, sizeof(*g));

    if (g == NULL) {
        atomic_fetch_add(&out_of_memory.refs, 1);
        return &out_of_memory;
    }
    atomic_init(&g->refs, 1);
    g->refusing = 1;
    snprintf(g->detail, sizeof(g->detail), "%s", detail);
    return g;
}

void tlsd_guard_free(tlsd_guard *g)
{
    if (g == NULL || atomic_fetch_sub(&g->refs, 1) != 1)
        return;
    tlsd_guard_peer_rules_free(&g->base);
    tlsd_guard_peers_free(g->peers);
    tlsd_keylog_free(g->keylog);
    tlsd_audit_free(g->audit);
    free(g);
}

/* The rules the guard holds for s (the policy's, or a Peers entry's);
 * NULL: refuse it. */
static const tlsd_guard_rules *rules_of(const tlsd_guard *g, const SSL *s)
{
    const tlsd_guard_rules *r = tlsd_guard_peers_rules(g->peers, s, &g->base, 0, NULL);

    /* NULL only for a server: its version check refuses it. */
    return r != NULL ? r : &g->base;
}

static void entry_verification(SSL *ssl, const tlsd_guard *g, const tlsd_guard_rules *r);

/* OpenSSL asks this callback about every protocol version and every suite
 * it would offer, accept or choose, for every SSL of the context, whatever
 * bounds and lists the application set: the place for a floor. */
static int guarded_security_cb(const SSL *s, const SSL_CTX *ctx, int op, int bits,
                            int nid, void *other, void *ex)
{
    const tlsd_guard *g = ex;
    const tlsd_guard_rules *r;
    int chosen = 0;

    if (g != NULL && g->refusing && op == SSL_SECOP_VERSION) {
        /* Called once per candidate version: report it once. */
        if (ERR_GET_LIB(ERR_peek_last_error()) != tlsd_errors_lib())
            TLSD_RAISE(TLSD_R_TLS_REFUSED, "%s", g->detail);
        return 0;
    }
    if (g != NULL && !g->refusing) {
        /* A client's first version check is its handshake's start: a
         * Peers entry is chosen there, before anything else is weighed. */
        if ((r = tlsd_guard_peers_rules(g->peers, s, &g->base, op == SSL_SECOP_VERSION, &chosen)) == NULL)
            return 0;
        if (chosen)
            entry_verification((SSL *)s, g, r);
    } else {
        r = g != NULL ? &g->base : NULL;
    }
    if (g != NULL && !verification_security(s, g, r, op, other))
        return 0;
    if (g != NULL && r->audit != NULL && s != NULL) {
        tlsd_audit_handshake_seen(r->audit, s, SSL_CTX_get_info_callback(SSL_get_SSL_CTX(s)) == audit_info_cb);
        tlsd_audit_security_check(r->audit, s, op, bits, other);
    }
    if (g != NULL && g->enforce) {
        if (s != NULL)
            tlsd_guard_floor_hold_level(s, r->ciphers.security_level);
        if (op == SSL_SECOP_VERSION && tlsd_policy_floor_version_below(nid, r->min_version)) {
            if (s != NULL)
                tlsd_guard_floor_report(s, r->min_version, nid);
            return 0;
        }
        if ((op & SSL_SECOP_OTHER_TYPE) == SSL_SECOP_OTHER_CIPHER && other != NULL
            && !tlsd_policy_floor_has_cipher(&r->ciphers, other))
            return 0;
        if (!tlsd_policy_offer_allows(&r->ciphers.offer, op, other))
            return 0;
    }
    return atomic_load(&openssl_security_cb)(s, ctx, op, bits, nid, other, ex);
}

/* The verify mode the module gives a generic context (TLS_method()), which
 * may serve or connect. SSL_VERIFY_CLIENT_ONCE alone asks no client for a
 * certificate (servers request one only with SSL_VERIFY_PEER), while a
 * client treats any mode but SSL_VERIFY_NONE as "verify". And any choice
 * the program makes overwrites it, even SSL_VERIFY_NONE with the callback
 * it read back (CPython's way), so its presence means "not chosen". */
#define UNCHOSEN_VERIFY_MODE SSL_VERIFY_CLIENT_ONCE

/* A host name failure of the leaf found by HostnameCheck itself, put
 * through the program's verify callback like any other failure. */
static int fail_host_name(X509_STORE_CTX *sctx, const SSL *ssl, int reason, const char *detail)
{
    X509_STORE_CTX_verify_cb cb = X509_STORE_CTX_get_verify_cb(sctx);
    int ok;

    X509_STORE_CTX_set_error_depth(sctx, 0);
    X509_STORE_CTX_set_current_cert(sctx, X509_STORE_CTX_get0_cert(sctx));
    X509_STORE_CTX_set_error(sctx, X509_V_ERR_HOSTNAME_MISMATCH);
    ok = cb != NULL ? cb(0, sctx) : 0;
    if (!ok && SSL_get_verify_mode(ssl) != SSL_VERIFY_NONE)
        TLSD_RAISE(reason, "%s", detail);
    return ok;
}

/* The key whose own addition to a verification made it fail, or 0:
 * HostnameCheck, for a mismatch with the SNI name it put there (neither
 * the SSL's parameters nor its store's name a peer: the program set no
 * name), and Enforce, for a key or digest refused at the level it raised. */
static int refusing_key(X509_STORE_CTX *sctx, SSL *ssl, const tlsd_guard *g)
{
    int error = X509_STORE_CTX_get_error(sctx);

    if (error == X509_V_ERR_HOSTNAME_MISMATCH && rules_of(g, ssl)->hostname_check != TLSD_HOSTNAME_CHECK_OFF
        && !tlsd_server_name_names_peer(SSL_get0_param(ssl))
        && !tlsd_server_name_names_peer(X509_STORE_get0_param(X509_STORE_CTX_get0_store(sctx))))
        return TLSD_R_HOSTNAME_MISMATCH;
    if (g->enforce && tlsd_policy_floor_x509_error(error) && tlsd_guard_floor_program_level(ssl) >= 0)
        return TLSD_R_BELOW_SECURITY_LEVEL;
    return 0;
}

/* A failed verification that a key of the policy decided says so. */
static void report_refusing_key(X509_STORE_CTX *sctx, SSL *ssl, const tlsd_guard *g)
{
    int error = X509_STORE_CTX_get_error(sctx), depth = X509_STORE_CTX_get_error_depth(sctx);
    const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);

    if (SSL_get_verify_mode(ssl) == SSL_VERIFY_NONE)
        return; /* ignored by libssl: no refusal */
    switch (refusing_key(sctx, ssl, g)) {
    case TLSD_R_HOSTNAME_MISMATCH:
        TLSD_RAISE(TLSD_R_HOSTNAME_MISMATCH, "SNI name '%.200s'; the program set no host of its own",
                   sni != NULL ? sni : "");
        tlsd_debug("HostnameCheck: refused: the certificate does not match the SNI name '%.200s' "
                   "(the program set no host of its own; HostnameCheck = no in a Programs entry "
                   "exempts a program)", sni != NULL ? sni : "");
        break;
    case TLSD_R_BELOW_SECURITY_LEVEL:
        TLSD_RAISE(TLSD_R_BELOW_SECURITY_LEVEL, "X509 error %d (%s) at depth %d, at level %d; the "
                   "program had set level %d", error, X509_verify_cert_error_string(error), depth,
                   SSL_get_security_level(ssl),
                   tlsd_guard_floor_program_level(ssl));
        tlsd_debug("Enforce: certificate refused at the policy's security level %d: X509 error %d "
                   "(%s) at depth %d", SSL_get_security_level(ssl), error,
                   X509_verify_cert_error_string(error), depth);
        break;
    default:
        break;
    }
}

static int policy_verify_cb(int ok, X509_STORE_CTX *sctx);

/* The verify callback of a context whose program did not choose one, in
 * place of SSL_VERIFY_PEER when VerifyPeer is audited, or with
 * SSL_VERIFY_NONE when only a Peers entry verifies: it changes nothing,
 * and its presence says that the choice was left to the policy
 * (SSL_CTX_set_verify() by the program replaces it). */
static int unchosen_verify_cb(int ok, X509_STORE_CTX *sctx)
{
    (void)sctx;
    return ok;
}

/* Whether the mark is still on ssl: verification left to the policy. */
static int verification_unchosen(const SSL *ssl)
{
    return SSL_get_verify_mode(ssl) == SSL_VERIFY_NONE
           && SSL_get_verify_callback(ssl) == unchosen_verify_cb;
}

/* A Peers entry's VerifyPeer, on a client connection whose program left
 * verification to the policy (a mode the module set is still there): the
 * mode becomes the entry's. A program's own choice stays. */
static void entry_verification(SSL *ssl, const tlsd_guard *g, const tlsd_guard_rules *r)
{
    int mode = SSL_get_verify_mode(ssl);
    int left = mode == UNCHOSEN_VERIFY_MODE || verification_unchosen(ssl)
               || (mode == SSL_VERIFY_PEER && SSL_get_verify_callback(ssl) == policy_verify_cb);

    if (!left || (r->verify_peer != 0) == (g->base.verify_peer != 0))
        return;
    if (r->verify_peer)
        SSL_set_verify(ssl, SSL_VERIFY_PEER, policy_verify_cb);
    else
        SSL_set_verify(ssl, SSL_VERIFY_NONE, unchosen_verify_cb);
}

/* The verification of a client connection. */
static int verify_client(X509_STORE_CTX *sctx, SSL *ssl, const void *arg)
{
    const tlsd_guard *g = arg;
    const tlsd_guard_rules *r = rules_of(g, ssl);
    enum tlsd_server_name_check name = TLSD_SERVER_NAME_OF_PROGRAM;
    const char *why = NULL;
    char detail[300];
    int ok;

    /* A generic context connecting without a verify mode of its program's
     * choosing: the client it is verifies (SSL_VERIFY_PEER, also for what
     * OpenSSL checks only then, such as Certificate Transparency). */
    if (r->verify_peer && SSL_get_verify_mode(ssl) == UNCHOSEN_VERIFY_MODE) {
        SSL_verify_cb cb = SSL_get_verify_callback(ssl);

        if (cb == NULL) {
            /* Already handed to this verification: replaced there too. */
            cb = policy_verify_cb;
            X509_STORE_CTX_set_verify_cb(sctx, cb);
        }
        SSL_set_verify(ssl, SSL_VERIFY_PEER, cb);
    }
    if (r->hostname_check != TLSD_HOSTNAME_CHECK_OFF)
        name = tlsd_server_name_expect_sni(sctx, ssl, &why);
    ok = r->audit != NULL ? tlsd_audit_verify(r->audit, sctx, ssl, verification_unchosen(ssl))
                          : X509_verify_cert(sctx);
    if (ok <= 0)
        report_refusing_key(sctx, ssl, g);
    if (ok > 0 && name == TLSD_SERVER_NAME_REFUSED) {
        snprintf(detail, sizeof(detail), "HostnameCheck: SNI name '%.200s': %s",
                 SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name), why);
        tlsd_debug("%s", detail);
        ok = fail_host_name(sctx, ssl, TLSD_R_BAD_HOSTNAME, detail);
    } else if (ok > 0 && name == TLSD_SERVER_NAME_NONE
               && r->hostname_check == TLSD_HOSTNAME_CHECK_REQUIRE) {
        ok = fail_host_name(sctx, ssl, TLSD_R_NO_SERVER_NAME,
                            "HostnameCheck=require: the client set neither SNI nor a host to check");
    }
    return ok;
}

/* Runs in place of X509_verify_cert() for the context's connections. */
static int guarded_verify_cb(X509_STORE_CTX *sctx, void *arg)
{
    const tlsd_guard *g = arg;
    SSL *ssl = X509_STORE_CTX_get_ex_data(sctx, SSL_get_ex_data_X509_STORE_CTX_idx());

    if (ssl == NULL || SSL_is_server(ssl))
        return X509_verify_cert(sctx);
    if (rules_of(g, ssl)->verify_peer == TLSD_VERIFY_PEER_FORCE)
        return tlsd_verify_lock_run(sctx, ssl, verify_client, g);
    return verify_client(sctx, ssl, g);
}

/* The verify callback the module sets with SSL_VERIFY_PEER (VerifyPeer):
 * a failure it sees is the policy's refusal, and says so. A program that
 * chooses its own verification replaces it; one that keeps the callback
 * it read back (CPython: CERT_REQUIRED is SSL_VERIFY_PEER |
 * SSL_VERIFY_FAIL_IF_NO_PEER_CERT) chose a mode of its own, and its
 * refusal is not the policy's. */
static int policy_verify_cb(int ok, X509_STORE_CTX *sctx)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(sctx, SSL_get_ex_data_X509_STORE_CTX_idx());
    int error = X509_STORE_CTX_get_error(sctx);
    const tlsd_guard *g;

    if (ok || ssl == NULL || SSL_get_verify_mode(ssl) != SSL_VERIFY_PEER || SSL_is_server(ssl))
        return ok;
    /* HostnameCheck's and Enforce's own refusals name those keys. */
    g = SSL_CTX_get_security_callback(SSL_get_SSL_CTX(ssl)) == guarded_security_cb
            ? SSL_CTX_get0_security_ex_data(SSL_get_SSL_CTX(ssl))
            : NULL;
    if (g != NULL && refusing_key(sctx, ssl, g) != 0)
        return ok;
    TLSD_RAISE(TLSD_R_VERIFY_REQUIRED, "X509 error %d (%s) at depth %d; the program left peer "
               "verification to the policy", error, X509_verify_cert_error_string(error),
               X509_STORE_CTX_get_error_depth(sctx));
    tlsd_debug("VerifyPeer: certificate refused, X509 error %d (%s) at depth %d", error,
               X509_verify_cert_error_string(error), X509_STORE_CTX_get_error_depth(sctx));
    return ok;
}

/* Whether the policy makes this client connection verify its server:
 * the lock always; yes while the verify mode is the one the module set. */
static int verification_required(const tlsd_guard_rules *r, const SSL *s)
{
    int mode = SSL_get_verify_mode(s);

    if (r->verify_peer == TLSD_VERIFY_PEER_FORCE)
        return 1;
    return r->verify_peer
           && (mode == UNCHOSEN_VERIFY_MODE
               || (mode == SSL_VERIFY_PEER && SSL_get_verify_callback(s) == policy_verify_cb));
}

/* The server chose a suite that sends no certificate (aNULL: ADH, AECDH,
 * TLS 1.2 and below): libssl then calls no cert verify callback and
 * reports X509_V_OK, whatever the verify mode. Refused where the policy
 * makes the client verify; reported when VerifyPeer is audited. PSK and
 * SRP suites, which libssl offers only to a program that set up its own
 * key or password, are that program's own authentication. */
static int anonymous_suite_allowed(const SSL *s, const tlsd_guard_rules *r, const SSL_CIPHER *c)
{
    const char *key = r->verify_peer == TLSD_VERIFY_PEER_FORCE ? "force" : "yes";

    if (SSL_CIPHER_get_auth_nid(c) != NID_auth_null)
        return 1;
    if (!verification_required(r, s)) {
        if (r->audit != NULL)
            tlsd_audit_no_certificate(r->audit, s, verification_unchosen(s));
        return 1;
    }
    TLSD_RAISE(TLSD_R_PEER_NOT_AUTHENTICATED, "VerifyPeer=%s: the server chose %s, an anonymous "
               "suite that sends no certificate", key, SSL_CIPHER_get_name(c));
    tlsd_debug("VerifyPeer=%s: server sent no certificate (it chose %s, an anonymous suite): "
               "handshake refused", key, SSL_CIPHER_get_name(c));
    return 0;
}

/* The security callback's part of VerifyPeer, for client connections:
 * a server that no certificate authenticates, and the lock. */
static int verification_security(const SSL *s, const tlsd_guard *g, const tlsd_guard_rules *r, int op,
                                 const void *other)
{
    if (s == NULL || SSL_is_server(s))
        return 1;
    if (op == SSL_SECOP_CIPHER_CHECK && other != NULL && !anonymous_suite_allowed(s, r, other))
        return 0;
    return r->verify_peer != TLSD_VERIFY_PEER_FORCE
           || tlsd_verify_lock_security(s, op, other, verify_client, g);
}

/* The end of a handshake, for the audit of the guard on ssl's context. */
static void audit_info_cb(const SSL *ssl, int where, int ret)
{
    const SSL_CTX *ctx = SSL_get_SSL_CTX(ssl);
    const tlsd_guard *g;

    (void)ret;
    if (!(where & SSL_CB_HANDSHAKE_DONE) || ctx == NULL || SSL_CTX_get_security_callback(ctx) != guarded_security_cb)
        return;
    if ((g = SSL_CTX_get0_security_ex_data(ctx)) != NULL && rules_of(g, ssl)->audit != NULL)
        tlsd_audit_handshake_done(rules_of(g, ssl)->audit, ssl);
}

/* Hooks the audit on: the end of the handshake, unless the program has an
 * info callback; and, where VerifyPeer is audited on a context that may
 * verify, the mark that the choice is left to the policy. */
static void install_audit(const tlsd_guard *g, SSL_CTX *ctx, int peer_verifier)
{
    if (SSL_CTX_get_info_callback(ctx) == NULL)
        SSL_CTX_set_info_callback(ctx, audit_info_cb);
    if (peer_verifier && tlsd_audit_verifies_peer(g->audit))
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, unchosen_verify_cb);
}

static void free_guard_cb(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
                       long argl, void *argp)
{
    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    tlsd_guard_free(ptr);
}

int tlsd_guard_register_index(CRYPTO_EX_new *on_new)
{
    return CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL_CTX, 0, NULL, on_new,
                                   NULL, free_guard_cb);
}

int tlsd_guard_install(tlsd_guard *g, SSL_CTX *ctx, CRYPTO_EX_DATA *ad, int idx)
{
    tlsd_role role = tlsd_method_role_info(SSL_CTX_get_ssl_method(ctx)).role;
    int client = role == TLSD_ROLE_CLIENT, generic = role == TLSD_ROLE_GENERIC;
    int ok = 1;

    /* No room to hold g's reference: the refusal that needs none. */
    if (g == NULL || !CRYPTO_set_ex_data(ad, idx, g))
        g = &out_of_memory;
    atomic_fetch_add(&g->refs, 1);
    /* Installed on every context, even when it only hands over to
     * OpenSSL's: a fresh context's security callback is how the inspector
     * (and an administrator with a debugger) sees that the module ran. */
    atomic_store(&openssl_security_cb, SSL_CTX_get_security_callback(ctx));
    SSL_CTX_set_security_callback(ctx, guarded_security_cb);
    SSL_CTX_set0_security_ex_data(ctx, g);
    if (g->refusing)
        return g == &out_of_memory ? -1 : 1;
    if (client || generic) {
        if (g->base.verify_peer)
            SSL_CTX_set_verify(ctx, client ? SSL_VERIFY_PEER : UNCHOSEN_VERIFY_MODE,
                               client ? policy_verify_cb : NULL);
        else if (tlsd_guard_peers_verify(g->peers))
            SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, unchosen_verify_cb);
        if ((g->base.verify_peer && generic) || g->base.verify_peer == TLSD_VERIFY_PEER_FORCE
            || g->base.hostname_check != TLSD_HOSTNAME_CHECK_OFF || g->audit != NULL || g->peers != NULL)
            SSL_CTX_set_cert_verify_callback(ctx, guarded_verify_cb, g);
        /* Servers never: a client certificate is checked against what the
         * server itself trusts, never against the system's CAs. */
        if (g->base.trust != NULL || tlsd_guard_peers_trust(g->peers))
            ok &= tlsd_trust_store_install(g->base.trust, ctx, TLSD_TRUST_ANCHORLESS_CLIENTS);
    }
    if (g->audit != NULL)
        install_audit(g, ctx, client || generic);
    if (g->keylog != NULL)
        ok &= tlsd_keylog_install(g->keylog, ctx);
    return ok;
}
