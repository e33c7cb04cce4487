/* SPDX-License-Identifier: Apache-2.0 */
/* VerifyPeer = force (the lock) and Programs (per-program policy).
 *
 * The lock: programs that chose not to verify (SSL_VERIFY_NONE on the
 * context or on the connection, a verify callback that accepts anything,
 * their own cert verify callback, openssl s_client's default) are refused
 * by a self-signed server and still reach a good one; with
 * VerifyPeer = yes they connect to the self-signed server as before (the
 * negative control). Servers are untouched.
 *
 * Programs: copies of the openssl binary under other names, one named in a
 * Programs section that exempts it; the other copy, and a symbolic link
 * named like the exempt program but pointing at the other copy, are still
 * held by the lock: the real executable decides, not argv[0]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "test_certs.h"
#include "test_config.h"
#include "test_files.h"
#include "test_handshake.h"
#include "test_main.h"
#include "test_process.h"

#define CERT(name) tlsd_test_cert_path(name)

static char force_keys[1024], yes_keys[1024], output[65536];

/* --- in-process clients -------------------------------------------------- */

static int accept_all(int ok, X509_STORE_CTX *sctx)
{
    (void)ok, (void)sctx;
    return 1;
}

static int refuse_all(int ok, X509_STORE_CTX *sctx)
{
    (void)ok, (void)sctx;
    return 0;
}

static int cert_verify_accepts_all(X509_STORE_CTX *sctx, void *arg)
{
    (void)arg;
    X509_STORE_CTX_set_error(sctx, X509_V_OK);
    return 1;
}

typedef struct {
    const char *name;
    const SSL_METHOD *(*method)(void);
    void (*choose)(SSL_CTX *ctx); /* what the program did to its context */
    int per_connection_none;      /* SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL) */
} client_kind;

static void ctx_none(SSL_CTX *ctx) { SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL); }
static void ctx_accept_all(SSL_CTX *ctx) { SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_all); }
static void store_accept_all(SSL_CTX *ctx)
{
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    X509_STORE_set_verify_cb(SSL_CTX_get_cert_store(ctx), accept_all);
}
static void own_cert_verify(SSL_CTX *ctx)
{
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_cert_verify_callback(ctx, cert_verify_accepts_all, NULL);
}
static void own_cert_verify_tls12(SSL_CTX *ctx)
{
    own_cert_verify(ctx);
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
}
static void nothing(SSL_CTX *ctx) { (void)ctx; }

static const client_kind careless_clients[] = {
    {"SSL_CTX_set_verify(NONE)", TLS_client_method, ctx_none, 0},
    {"SSL_CTX_set_verify(NONE), TLS_method", TLS_method, ctx_none, 0},
    {"SSL_CTX_set_verify(PEER, accept-all callback)", TLS_client_method, ctx_accept_all, 0},
    {"X509_STORE_set_verify_cb(accept-all)", TLS_client_method, store_accept_all, 0},
    {"SSL_set_verify(ssl, NONE) after SSL_new", TLS_client_method, nothing, 1},
    {"own cert verify callback, TLS 1.3", TLS_client_method, own_cert_verify, 0},
    {"own cert verify callback, TLS 1.2", TLS_client_method, own_cert_verify_tls12, 0},
};

typedef struct {
    const client_kind *kind;
    const char *sni;
} setup_arg;

static int setup(SSL *ssl, void *arg)
{
    const setup_arg *a = arg;

    if (a->kind->per_connection_none)
        SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL);
    return SSL_set_tlsext_host_name(ssl, a->sni) == 1;
}

/* The handshake of a client of this kind with srv, made while keys are
 * loaded (none: NULL); the result in *r. */
static int connects_to(const char *keys, const client_kind *kind, SSL_CTX *srv, const char *sni,
                       tlsd_test_result *r)
{
    SSL_CTX *client;
    setup_arg arg = {kind, sni};
    int ok;

    if (keys != NULL)
        tlsd_test_load_module("lock", keys, NULL);
    client = SSL_CTX_new(kind->method());
    CU_ASSERT_PTR_NOT_NULL_FATAL(client);
    kind->choose(client);
    ok = tlsd_test_handshake_with(client, srv, setup, &arg, r);
    if (keys != NULL)
        CONF_modules_unload(0);
    SSL_CTX_free(client);
    if (getenv("TLSD_TEST_VERBOSE") != NULL)
        fprintf(stderr, "\n  [%s] %s: %s", kind->name, keys ? keys : "no module",
                tlsd_test_result_str(r));
    return ok;
}

static int connects(const char *keys, const client_kind *kind, const char *server_chain,
                    const char *sni)
{
    SSL_CTX *srv = tlsd_test_server_ctx(server_chain);
    tlsd_test_result r;
    int ok;

    CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
    ok = connects_to(keys, kind, srv, sni, &r);
    SSL_CTX_free(srv);
    return ok;
}

#define EXPECT(keys, kind, chain, sni, want)                                         \
    do {                                                                             \
        int got_ = connects((keys), (kind), (chain), (sni));                         \
        if (got_ != (want))                                                          \
            fprintf(stderr, "\n  line %d [%s] %s to %s: %s, expected %s\n", __LINE__, \
                    (kind)->name, strstr((keys), "force") ? "force" : "yes", (chain),    \
                    got_ ? "connected" : "refused", (want) ? "connected" : "refused"); \
        CU_ASSERT_EQUAL(got_, (want));                                               \
    } while (0)

static void test_force_refuses_self_signed_for_every_careless_client(void)
{
    for (size_t i = 0; i < sizeof(careless_clients) / sizeof(careless_clients[0]); i++) {
        const client_kind *k = &careless_clients[i];

        EXPECT(yes_keys, k, CERT("selfsigned.pem"), "localhost", 1);
        EXPECT(force_keys, k, CERT("selfsigned.pem"), "localhost", 0);
        EXPECT(force_keys, k, CERT("leaf-chain.pem"), "localhost", 1);
    }
}

/* The host check follows HostnameCheck: a name the certificate does not
 * carry is refused under the lock, unless HostnameCheck = no. */
static void test_force_host_check_follows_hostname_check(void)
{
    char keys[1200];
    const client_kind *none = &careless_clients[0];

    EXPECT(yes_keys, none, CERT("leaf-chain.pem"), "example.org", 1);
    EXPECT(force_keys, none, CERT("leaf-chain.pem"), "example.org", 0);
    snprintf(keys, sizeof(keys), "%s\nHostnameCheck = no", force_keys);
    CU_ASSERT_EQUAL(connects(keys, none, CERT("leaf-chain.pem"), "example.org"), 1);
}

/* The program's own callback may still refuse: the lock never accepts
 * what the program refused. */
static void test_force_keeps_a_stricter_program_callback(void)
{
    SSL_CTX *srv = tlsd_test_server_ctx(CERT("leaf-chain.pem")), *client;
    tlsd_test_result r;

    CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
    tlsd_test_load_module("lock", force_keys, NULL);
    client = SSL_CTX_new(TLS_client_method());
    CU_ASSERT_PTR_NOT_NULL_FATAL(client);
    SSL_CTX_set_verify(client, SSL_VERIFY_PEER, refuse_all);
    CU_ASSERT_FALSE(tlsd_test_handshake(client, srv, "localhost", NULL, &r));
    /* The control: the same good server, without the refusing callback. */
    SSL_CTX_set_verify(client, SSL_VERIFY_PEER, NULL);
    CU_ASSERT(tlsd_test_handshake(client, srv, "localhost", NULL, &r));
    CONF_modules_unload(0);
    SSL_CTX_free(client);
    SSL_CTX_free(srv);
}

/* Servers are untouched: they ask no client for a certificate. */
static void test_force_leaves_servers_alone(void)
{
    SSL_CTX *srv, *generic_srv, *client;
    tlsd_test_result r;

    tlsd_test_load_module("lock", force_keys, NULL);
    srv = tlsd_test_server_ctx(CERT("leaf-chain.pem"));
    generic_srv = SSL_CTX_new(TLS_method());
    CU_ASSERT_FATAL(SSL_CTX_use_certificate_chain_file(generic_srv, CERT("leaf-chain.pem")) == 1);
    CU_ASSERT_FATAL(SSL_CTX_use_PrivateKey_file(generic_srv, CERT("leaf-key.pem"), SSL_FILETYPE_PEM) == 1);
    client = SSL_CTX_new(TLS_client_method());
    CU_ASSERT_EQUAL(SSL_CTX_get_verify_mode(srv), SSL_VERIFY_NONE);
    CU_ASSERT(tlsd_test_handshake(client, srv, "localhost", NULL, &r));
    CU_ASSERT(tlsd_test_handshake(client, generic_srv, "localhost", NULL, &r));
    CONF_modules_unload(0);
    SSL_CTX_free(client);
    SSL_CTX_free(generic_srv);
    SSL_CTX_free(srv);
}

/* --- openssl s_client, and Programs -------------------------------------- */

static char cert_file_env[700], conf_env[700];
static const char *const without_module[] = {"TLSDEFAULTS_DEBUG=", cert_file_env, NULL};
static const char *const with_module[] = {"TLSDEFAULTS_DEBUG=1", cert_file_env, conf_env, NULL};

/* s_client as users run it: no -verify, no -CAfile; the root of the test
 * certificates stands for the system's CAs; extra: up to 8 more arguments
 * (NULL-terminated) or NULL. 0 when it connected. */
static int s_client_with(const char *program, int port, const char *cnf, const char *const *extra)
{
    char connect[32];
    const char *argv[20] = {program, "s_client", "-connect", connect, "-servername", "localhost",
                            "-brief", NULL};
    size_t n = 7;

    for (size_t i = 0; extra != NULL && extra[i] != NULL && i < 8; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    snprintf(connect, sizeof(connect), "127.0.0.1:%d", port);
    snprintf(cert_file_env, sizeof(cert_file_env), "SSL_CERT_FILE=%s", CERT("root.pem"));
    snprintf(conf_env, sizeof(conf_env), "OPENSSL_CONF=%s", cnf != NULL ? cnf : "");
    return tlsd_test_run(argv, cnf != NULL ? with_module : without_module, "",
                         output, sizeof(output), 20);
}

static int s_client(const char *program, int port, const char *cnf)
{
    return s_client_with(program, port, cnf, NULL);
}

static int start(tlsd_test_server *srv, const char *cert)
{
    const char *args[] = {"-cert", CERT(cert), "-cert_chain", CERT("intermediate.pem"),
                          "-key", CERT("leaf-key.pem"), NULL};

    if (!tlsd_test_s_server_start(srv, args, without_module)) {
        fprintf(stderr, "\n  s_server did not start:\n%s\n", srv->log);
        return 0;
    }
    return 1;
}

#define CONNECTS(status, who)                                                   \
    do {                                                                        \
        int st_ = (status);                                                     \
        if (st_ != 0)                                                           \
            fprintf(stderr, "\n  %s did not connect (%d):\n%s\n", (who), st_, output); \
        CU_ASSERT_EQUAL(st_, 0);                                                \
    } while (0)
#define REFUSED(status, who) CU_ASSERT(tlsd_test_refused((status), (who), output))

static void test_s_client_default_under_force(void)
{
    tlsd_test_server bad, good;
    char *force_cnf, *yes_cnf;

    force_cnf = strdup(tlsd_test_write_cnf("lock-force", NULL, NULL, force_keys, NULL));
    yes_cnf = strdup(tlsd_test_write_cnf("lock-yes", NULL, NULL, yes_keys, NULL));
    if (!start(&bad, "selfsigned.pem") || !start(&good, "leaf-chain.pem")) {
        CU_FAIL("s_server");
        return;
    }
    CONNECTS(s_client(OPENSSL_PROGRAM, bad.port, NULL), "s_client, no module");
    CONNECTS(s_client(OPENSSL_PROGRAM, bad.port, yes_cnf), "s_client, VerifyPeer = yes");
    REFUSED(s_client(OPENSSL_PROGRAM, bad.port, force_cnf), "s_client, VerifyPeer = force");
    CU_ASSERT_PTR_NOT_NULL(strstr(output, "VerifyPeer=force: server certificate refused"));
    CONNECTS(s_client(OPENSSL_PROGRAM, good.port, force_cnf), "s_client to a good server, force");
    tlsd_test_s_server_stop(&bad);
    tlsd_test_s_server_stop(&good);
    free(force_cnf);
    free(yes_cnf);
}

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[65536];
    size_t n;
    int ok = in != NULL && out != NULL;

    while (ok && (n = fread(buf, 1, sizeof(buf), in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    if (in != NULL)
        fclose(in);
    if (out != NULL && fclose(out) != 0)
        ok = 0;
    return ok && chmod(to, 0755) == 0;
}

static void test_programs_exempts_one_program_by_its_real_executable(void)
{
    char dir[600], exempt[700], copy[700], link_dir[700], link_to_exempt[800],
        spoof[800], by_path[700], keys[4096];
    tlsd_test_server bad;
    char *cnf;
    const char *which = OPENSSL_PROGRAM;

    snprintf(dir, sizeof(dir), "%s/programs", tlsd_test_certs_dir());
    snprintf(exempt, sizeof(exempt), "%s/openssl-exempt", dir);
    snprintf(copy, sizeof(copy), "%s/openssl-copy", dir);
    snprintf(by_path, sizeof(by_path), "%s/openssl-by-path", dir);
    snprintf(link_dir, sizeof(link_dir), "%s/links", dir);
    snprintf(link_to_exempt, sizeof(link_to_exempt), "%s/openssl-link", link_dir);
    snprintf(spoof, sizeof(spoof), "%s/openssl-exempt", link_dir);
    mkdir(dir, 0700);
    mkdir(link_dir, 0700);
    unlink(link_to_exempt);
    unlink(spoof);
    CU_ASSERT_FATAL(copy_file(which, exempt) && copy_file(which, copy) && copy_file(which, by_path));
    /* A link runs the file it points to: that file is the program. */
    CU_ASSERT_FATAL(symlink(exempt, link_to_exempt) == 0);
    /* Named like the exempt program, but it is the other copy. */
    CU_ASSERT_FATAL(symlink(copy, spoof) == 0);

    snprintf(keys, sizeof(keys), "%s\nPrograms = lock_programs", force_keys);
    snprintf(keys + strlen(keys), sizeof(keys) - strlen(keys),
             "\n[lock_programs]\nopenssl-exempt = exempt_policy\n%s = exempt_policy\n"
             "[exempt_policy]\nVerifyPeer = no\n", by_path);
    cnf = strdup(tlsd_test_write_cnf("lock-programs", NULL, NULL, keys, NULL));
    if (!start(&bad, "selfsigned.pem")) {
        CU_FAIL("s_server");
        free(cnf);
        return;
    }
    CONNECTS(s_client(exempt, bad.port, cnf), "the exempt copy (by name)");
    CU_ASSERT_PTR_NOT_NULL(strstr(output, "openssl-exempt = exempt_policy in section lock_programs applies"));
    CONNECTS(s_client(by_path, bad.port, cnf), "the exempt copy (by absolute path)");
    CONNECTS(s_client(link_to_exempt, bad.port, cnf), "a link to the exempt copy");
    REFUSED(s_client(copy, bad.port, cnf), "the other copy");
    REFUSED(s_client(spoof, bad.port, cnf), "a link named openssl-exempt to the other copy");
    REFUSED(s_client(which, bad.port, cnf), "openssl itself");
    tlsd_test_s_server_stop(&bad);
    free(cnf);
}

/* A broken program section fails closed and names the section and key. */
static void test_programs_bad_section_fails_closed(void)
{
    const struct {
        const char *extra;
        const char *needle;
    } cases[] = {
        {"[p]\nnginx = nginx_policy\n[nginx_policy]\nVerifyPeer = maybe\n",
         "section nginx_policy (program nginx): key=VerifyPeer value=maybe"},
        {"[p]\nnginx = nginx_policy\n[nginx_policy]\nVerifyPeers = no\n",
         "section nginx_policy (program nginx): key=VerifyPeers"},
        {"[p]\nnginx = nginx_policy\n[nginx_policy]\nProfile = system\n",
         "key=Profile: a program section edits"},
        {"[p]\nnginx = no_such_section\n", "key=nginx value=no_such_section: no section"},
        {"[p]\nbin/nginx = nginx_policy\n[nginx_policy]\nVerifyPeer = no\n",
         "key=bin/nginx value=nginx_policy: expected an executable's file name"},
        {"", "key=Programs value=p: no such section"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *path = tlsd_test_write_cnf("lock-bad", "config_diagnostics = 1", NULL,
                                               "Programs = p", cases[i].extra);
        char found = 0;
        unsigned long e;
        const char *data;
        int flags;

        CU_ASSERT_PTR_NOT_NULL_FATAL(path);
        CU_ASSERT(CONF_modules_load_file(path, NULL, 0) <= 0);
        while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0)
            if ((flags & ERR_TXT_STRING) && strstr(data, cases[i].needle) != NULL)
                found = 1;
        if (!found)
            fprintf(stderr, "\n  case %zu: no error with \"%s\"\n", i, cases[i].needle);
        CU_ASSERT(found);
        CONF_modules_unload(0);
    }
}

/* --- issue 20: the lock's mark is one handshake's ------------------------- */

static void own_cert_verify_max(SSL_CTX *ctx, int max)
{
    own_cert_verify(ctx);
    SSL_CTX_set_max_proto_version(ctx, max);
}

/* Finding 3: one SSL reused with SSL_clear(): a refused server is refused
 * again, and a good server opens the way to no other. */
static void test_force_mark_does_not_survive_ssl_clear(void)
{
    const int versions[] = {TLS1_2_VERSION, TLS1_3_VERSION};
    SSL_CTX *bad = tlsd_test_server_ctx(CERT("selfsigned.pem"));
    SSL_CTX *good = tlsd_test_server_ctx(CERT("leaf-chain.pem"));
    const char *const keys[] = {yes_keys, force_keys};
    setup_arg arg = {&careless_clients[0], "localhost"};

    CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
    CU_ASSERT_PTR_NOT_NULL_FATAL(good);
    for (size_t k = 0; k < 2; k++) {
        /* yes, the negative control: the program's callback decides. */
        int bad_connects = keys[k] == yes_keys;

        for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
            SSL_CTX *client;
            SSL *ssl;
            tlsd_test_result r;
            int step = 0;

            tlsd_test_load_module("lock", keys[k], NULL);
            client = SSL_CTX_new(TLS_client_method());
            CU_ASSERT_PTR_NOT_NULL_FATAL(client);
            own_cert_verify_max(client, versions[i]);
            ssl = SSL_new(client);
            CU_ASSERT_PTR_NOT_NULL_FATAL(ssl);
#define ATTEMPT(srv, want)                                                                    \
    do {                                                                                      \
        int got_;                                                                             \
        if (step++ > 0)                                                                       \
            CU_ASSERT(SSL_clear(ssl) == 1);                                                   \
        got_ = tlsd_test_handshake_ssl(ssl, (srv), setup, &arg, NULL, &r);                     \
        if (got_ != (want))                                                                   \
            fprintf(stderr, "\n  %s, TLS %s, attempt %d: %s, expected %s\n",                   \
                    bad_connects ? "yes" : "force", versions[i] == TLS1_3_VERSION ? "1.3" : "1.2", \
                    step, tlsd_test_result_str(&r), (want) ? "connected" : "refused");        \
        CU_ASSERT_EQUAL(got_, (want));                                                        \
    } while (0)
            ATTEMPT(bad, bad_connects);
            ATTEMPT(bad, bad_connects);
            ATTEMPT(good, 1);
            ATTEMPT(bad, bad_connects);
            ATTEMPT(good, 1);
#undef ATTEMPT
            SSL_free(ssl);
            SSL_CTX_free(client);
            CONF_modules_unload(0);
        }
    }
    SSL_CTX_free(bad);
    SSL_CTX_free(good);
}

/* Finding 3, renegotiation: after a good first handshake the server
 * asks for a TLS 1.2 renegotiation and presents a self-signed
 * certificate in it. */
static void test_force_mark_does_not_survive_renegotiation(void)
{
    SSL_CTX *good = tlsd_test_server_ctx(CERT("leaf-chain.pem"));
    setup_arg arg = {&careless_clients[0], "localhost"};
    const char *const keys[] = {yes_keys, force_keys};

    CU_ASSERT_PTR_NOT_NULL_FATAL(good);
    for (size_t k = 0; k < 2; k++) {
        for (int swap = 0; swap <= 1; swap++) {
            SSL_CTX *client;
            SSL *ssl, *server = NULL;
            tlsd_test_result r;
            int want = !swap || keys[k] == yes_keys;

            tlsd_test_load_module("lock", keys[k], NULL);
            client = SSL_CTX_new(TLS_client_method());
            CU_ASSERT_PTR_NOT_NULL_FATAL(client);
            own_cert_verify_max(client, TLS1_2_VERSION);
            ssl = SSL_new(client);
            CU_ASSERT_PTR_NOT_NULL_FATAL(ssl);
            CU_ASSERT_FATAL(tlsd_test_handshake_ssl(ssl, good, setup, &arg, &server, &r));
            /* A full handshake, not a resumption: a certificate is sent. */
            SSL_set_options(server, SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
            if (swap) {
                CU_ASSERT(SSL_use_certificate_file(server, CERT("selfsigned.pem"), SSL_FILETYPE_PEM) == 1);
                CU_ASSERT(SSL_use_PrivateKey_file(server, CERT("leaf-key.pem"), SSL_FILETYPE_PEM) == 1);
            }
            if (tlsd_test_renegotiate(ssl, server, &r) != want)
                fprintf(stderr, "\n  renegotiation %s, %s: %s, expected %s\n",
                        swap ? "to a self-signed certificate" : "to the same certificate",
                        keys[k] == yes_keys ? "yes" : "force", tlsd_test_result_str(&r),
                        want ? "connected" : "refused");
            CU_ASSERT_EQUAL(r.ok, want);
            /* What yes accepted was the new certificate. */
            if (r.ok && swap) {
                X509 *peer = SSL_get0_peer_certificate(ssl);

                CU_ASSERT(peer != NULL && X509_check_issued(peer, peer) == X509_V_OK);
            }
            SSL_free(server);
            SSL_free(ssl);
            SSL_CTX_free(client);
            CONF_modules_unload(0);
        }
    }
    SSL_CTX_free(good);
}

/* --- issue 20: the lock on every version ---------------------------------- */

/* Legacy code's cipher list: every suite, security level 0. */
static void legacy_suites(SSL_CTX *ctx) { SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0"); }

/* Finding 2's program: its own accept-all cert verify callback, every
 * suite, and the oldest version it can have. */
static void own_cert_verify_any_version(SSL_CTX *ctx, int min)
{
    legacy_suites(ctx);
    SSL_CTX_set_cert_verify_callback(ctx, cert_verify_accepts_all, NULL);
    SSL_CTX_set_min_proto_version(ctx, min);
}
static void own_cert_verify_tls(SSL_CTX *ctx) { own_cert_verify_any_version(ctx, TLS1_VERSION); }
static void own_cert_verify_dtls(SSL_CTX *ctx) { own_cert_verify_any_version(ctx, DTLS1_VERSION); }

/* The same without the callback: the module verifies. */
static void legacy_any_tls(SSL_CTX *ctx)
{
    legacy_suites(ctx);
    SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
}
static void legacy_any_dtls(SSL_CTX *ctx)
{
    legacy_suites(ctx);
    SSL_CTX_set_min_proto_version(ctx, DTLS1_VERSION);
}

static const client_kind legacy_tls = {"ALL:@SECLEVEL=0, TLSv1 and up", TLS_client_method,
                                       legacy_any_tls, 0};
static const client_kind legacy_dtls = {"ALL:@SECLEVEL=0, DTLSv1 and up", DTLS_client_method,
                                        legacy_any_dtls, 0};
static const client_kind own_tls = {"own cert verify callback, TLSv1 and up", TLS_client_method,
                                    own_cert_verify_tls, 0};
static const client_kind own_dtls = {"own cert verify callback, DTLSv1 and up", DTLS_client_method,
                                     own_cert_verify_dtls, 0};

typedef struct {
    const char *name;
    int version;
    const client_kind *client;
    const char *suites; /* the server's */
} version_case;

/* The server decides the version and the suite. */
static SSL_CTX *server_at(const version_case *v, const char *chain)
{
    SSL_CTX *ctx = tlsd_test_server_ctx_of(v->client == &own_dtls ? DTLS_server_method()
                                                                  : TLS_server_method(),
                                           chain);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT(SSL_CTX_set_cipher_list(ctx, v->suites) == 1);
    CU_ASSERT(SSL_CTX_set_min_proto_version(ctx, v->version) == 1);
    CU_ASSERT(SSL_CTX_set_max_proto_version(ctx, v->version) == 1);
    SSL_CTX_set_dh_auto(ctx, 1);
    return ctx;
}

static int version_case_connects(const char *keys, const version_case *v, const char *chain,
                                 const client_kind *kind, tlsd_test_result *r)
{
    SSL_CTX *srv = server_at(v, chain);
    int ok = connects_to(keys, kind, srv, "localhost", r);

    SSL_CTX_free(srv);
    return ok;
}

#define EXPECT_AT(keys, v, chain, kind, want)                                                 \
    do {                                                                                     \
        tlsd_test_result r_;                                                                 \
        int got_ = version_case_connects((keys), (v), (chain), (kind), &r_);                 \
        if (got_ != (want))                                                                  \
            fprintf(stderr, "\n  line %d [%s, %s] %s to %s: %s, expected %s\n", __LINE__,     \
                    (v)->name, (kind)->name, strstr((keys), "force") ? "force" : "yes", (chain), \
                    tlsd_test_result_str(&r_), (want) ? "connected" : "refused");           \
        CU_ASSERT_EQUAL(got_, (want));                                                       \
    } while (0)

static const version_case version_cases[] = {
    {"TLS 1.0, ECDHE", TLS1_VERSION, &own_tls, "ALL:@SECLEVEL=0"},
    {"TLS 1.0, DHE", TLS1_VERSION, &own_tls, "kDHE+aRSA:@SECLEVEL=0"},
    {"TLS 1.1, ECDHE", TLS1_1_VERSION, &own_tls, "ALL:@SECLEVEL=0"},
    {"TLS 1.2, ECDHE", TLS1_2_VERSION, &own_tls, "ALL:@SECLEVEL=0"},
    {"TLS 1.2, DHE", TLS1_2_VERSION, &own_tls, "kDHE+aRSA:@SECLEVEL=0"},
    {"TLS 1.3", TLS1_3_VERSION, &own_tls, "ALL:@SECLEVEL=0"},
    {"DTLS 1.0, ECDHE", DTLS1_VERSION, &own_dtls, "ALL:@SECLEVEL=0"},
    {"DTLS 1.2, ECDHE", DTLS1_2_VERSION, &own_dtls, "ALL:@SECLEVEL=0"},
};

/* Finding 2: a program with its own accept-all cert verify callback is
 * held by the lock on every version it may negotiate; with yes its
 * callback decides (the negative control). */
static void test_force_holds_on_every_version(void)
{
    for (size_t i = 0; i < sizeof(version_cases) / sizeof(version_cases[0]); i++) {
        const version_case *v = &version_cases[i];
        tlsd_test_result r;

        if (!version_case_connects(NULL, v, CERT("selfsigned.pem"), v->client, &r)) {
            fprintf(stderr, "\n  SKIP %s: no handshake without the module (%s)\n", v->name,
                    tlsd_test_result_str(&r));
            continue;
        }
        EXPECT_AT(yes_keys, v, CERT("selfsigned.pem"), v->client, 1);
        EXPECT_AT(force_keys, v, CERT("selfsigned.pem"), v->client, 0);
        EXPECT_AT(force_keys, v, CERT("leaf-chain.pem"), v->client, 1);
    }
}

/* RSA key exchange: libssl asks the security callback nothing after the
 * server's certificate, so the lock could not hold for a program with its
 * own cert verify callback; force refuses the suite, naming the policy. */
static void test_force_refuses_rsa_key_exchange(void)
{
    const version_case cases[] = {
        {"TLS 1.0, RSA key exchange", TLS1_VERSION, &own_tls, "kRSA:@SECLEVEL=0"},
        {"TLS 1.2, RSA key exchange", TLS1_2_VERSION, &own_tls, "kRSA:@SECLEVEL=0"},
        {"DTLS 1.2, RSA key exchange", DTLS1_2_VERSION, &own_dtls, "kRSA:@SECLEVEL=0"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const version_case *v = &cases[i];
        tlsd_test_result r;

        if (!version_case_connects(NULL, v, CERT("selfsigned.pem"), v->client, &r)) {
            fprintf(stderr, "\n  SKIP %s: no handshake without the module (%s)\n", v->name,
                    tlsd_test_result_str(&r));
            continue;
        }
        const client_kind *legacy = v->client == &own_dtls ? &legacy_dtls : &legacy_tls;

        EXPECT_AT(yes_keys, v, CERT("selfsigned.pem"), v->client, 1);
        EXPECT_AT(yes_keys, v, CERT("leaf-chain.pem"), legacy, 1);
        EXPECT_AT(force_keys, v, CERT("selfsigned.pem"), v->client, 0);
        /* Refused whoever verifies: the suite is refused before the
         * certificate arrives, when the module cannot know that yet. */
        for (int own = 0; own <= 1; own++) {
            CU_ASSERT_FALSE(version_case_connects(force_keys, v, CERT("leaf-chain.pem"),
                                                  own ? v->client : legacy, &r));
            CU_ASSERT_PTR_NOT_NULL(strstr(r.client_error, "peer verification required by tlsdefaults"));
        }
    }
}

/* --- issue 20: servers that no certificate authenticates ---------------- */

#define NOT_AUTHENTICATED "server not authenticated by a certificate"

static char no_keys[1024];

static void legacy_none(SSL_CTX *ctx)
{
    legacy_suites(ctx);
    ctx_none(ctx);
}
static void legacy_own_cert_verify(SSL_CTX *ctx)
{
    legacy_suites(ctx);
    own_cert_verify(ctx);
}

static const client_kind legacy_careless = {"ALL:@SECLEVEL=0, no verify mode of its own",
                                            TLS_client_method, legacy_suites, 0};
static const client_kind legacy_generic = {"ALL:@SECLEVEL=0, TLS_method", TLS_method,
                                           legacy_suites, 0};
static const client_kind legacy_chose_none = {"ALL:@SECLEVEL=0, SSL_VERIFY_NONE",
                                              TLS_client_method, legacy_none, 0};
static const client_kind legacy_own = {"ALL:@SECLEVEL=0, own cert verify callback",
                                       TLS_client_method, legacy_own_cert_verify, 0};

/* A server with no certificate: anonymous suites (ADH, AECDH) only, which
 * exist up to TLS 1.2. */
static SSL_CTX *anonymous_server(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT_FATAL(SSL_CTX_set_cipher_list(ctx, "aNULL:@SECLEVEL=0") == 1);
    CU_ASSERT_FATAL(SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION) == 1);
    SSL_CTX_set_dh_auto(ctx, 1);
    return ctx;
}

/* want: 1 connected; 0 refused, with the policy's reason first. */
static void expect_anonymous(const char *keys, const client_kind *kind, SSL_CTX *srv, int want,
                             int line)
{
    tlsd_test_result r;
    int got = connects_to(keys, kind, srv, "localhost", &r);

    if (got != want || (!want && strstr(r.client_error, NOT_AUTHENTICATED) == NULL))
        fprintf(stderr, "\n  line %d [%s] %s: %s, expected %s\n", line, kind->name,
                keys == NULL ? "no module" : keys, tlsd_test_result_str(&r),
                want ? "connected" : "refused by the policy");
    CU_ASSERT_EQUAL(got, want);
    if (!want)
        CU_ASSERT_PTR_NOT_NULL(strstr(r.client_error, NOT_AUTHENTICATED));
    if (want && keys != NULL)
        CU_ASSERT_PTR_NOT_NULL(strstr(r.cipher, "ADH-"));
}
#define ANONYMOUS(keys, kind, srv, want) expect_anonymous((keys), (kind), (srv), (want), __LINE__)

/* Finding 1 in process: wherever the policy makes the client verify, a
 * server that sends no certificate is refused. */
static void test_anonymous_server_refused_where_verification_is_required(void)
{
    SSL_CTX *anon = anonymous_server();

    /* The attack works without the module, and where the policy does not
     * make the client verify (the negative controls). */
    ANONYMOUS(NULL, &legacy_careless, anon, 1);
    ANONYMOUS(no_keys, &legacy_careless, anon, 1);
    ANONYMOUS(yes_keys, &legacy_chose_none, anon, 1);
    /* yes: a client that left verification to the policy. */
    ANONYMOUS(yes_keys, &legacy_careless, anon, 0);
    ANONYMOUS(yes_keys, &legacy_generic, anon, 0);
    /* force: every client. */
    ANONYMOUS(force_keys, &legacy_careless, anon, 0);
    ANONYMOUS(force_keys, &legacy_chose_none, anon, 0);
    ANONYMOUS(force_keys, &legacy_own, anon, 0);
    /* The same clients still reach a server with a good certificate. */
    EXPECT(yes_keys, &legacy_careless, CERT("leaf-chain.pem"), "localhost", 1);
    EXPECT(force_keys, &legacy_chose_none, CERT("leaf-chain.pem"), "localhost", 1);
    SSL_CTX_free(anon);
}

/* Finding 1 as reported: openssl s_client with every suite and
 * -verify_return_error against s_server -nocert. */
static void test_anonymous_server_s_client(void)
{
    const char *server_args[] = {"-nocert", "-cipher", "ALL:@SECLEVEL=0", NULL};
    const char *client_args[] = {"-cipher", "ALL:@SECLEVEL=0", "-verify_return_error", NULL};
    char *force_cnf, *yes_cnf, *no_cnf;
    tlsd_test_server anon;

    force_cnf = strdup(tlsd_test_write_cnf("anon-force", NULL, NULL, force_keys, NULL));
    yes_cnf = strdup(tlsd_test_write_cnf("anon-yes", NULL, NULL, yes_keys, NULL));
    no_cnf = strdup(tlsd_test_write_cnf("anon-no", NULL, NULL, no_keys, NULL));
    if (!tlsd_test_s_server_start(&anon, server_args, without_module)) {
        fprintf(stderr, "\n  s_server did not start:\n%s\n", anon.log);
        CU_FAIL("s_server");
    } else {
        CONNECTS(s_client_with(OPENSSL_PROGRAM, anon.port, NULL, client_args), "no module");
        CU_ASSERT(strstr(output, "ADH-") != NULL || strstr(output, "AECDH-") != NULL);
        CONNECTS(s_client_with(OPENSSL_PROGRAM, anon.port, no_cnf, client_args), "VerifyPeer = no");
        /* s_client chose SSL_VERIFY_NONE: yes keeps that choice. */
        CONNECTS(s_client_with(OPENSSL_PROGRAM, anon.port, yes_cnf, client_args), "VerifyPeer = yes");
        REFUSED(s_client_with(OPENSSL_PROGRAM, anon.port, force_cnf, client_args), "VerifyPeer = force");
        CU_ASSERT_PTR_NOT_NULL(strstr(output, NOT_AUTHENTICATED));
        CU_ASSERT_PTR_NOT_NULL(strstr(output, "VerifyPeer=force: server sent no certificate"));
        tlsd_test_s_server_stop(&anon);
    }
    free(force_cnf);
    free(yes_cnf);
    free(no_cnf);
}

/* Audit = VerifyPeer: the connection goes through and is one line, where
 * the same key enforced would refuse it. */
static void test_anonymous_server_audited(void)
{
    SSL_CTX *anon = anonymous_server();
    char log[600], keys[2400], line[400];

    snprintf(log, sizeof(log), "%s/lock-audit.log", tlsd_test_certs_dir());
    snprintf(line, sizeof(line),
             "tlsdefaults[%ld]: audit program=test_verify_lock pid=%ld role=client peer=localhost "
             "reasons=VerifyPeer:no-certificate",
             (long)getpid(), (long)getpid());
    snprintf(keys, sizeof(keys), "%s\nAudit = VerifyPeer\nAuditLog = %s", yes_keys, log);
    unlink(log);
    ANONYMOUS(keys, &legacy_careless, anon, 1);
    CU_ASSERT_EQUAL(tlsd_test_count_lines(log, line), 1);
    CU_ASSERT_EQUAL(tlsd_test_count_lines(log, "tlsdefaults["), 1);
    /* yes does not refuse a program that chose SSL_VERIFY_NONE: no line. */
    unlink(log);
    ANONYMOUS(keys, &legacy_chose_none, anon, 1);
    CU_ASSERT(tlsd_test_count_lines(log, "tlsdefaults[") <= 0);
    /* force does. */
    snprintf(keys, sizeof(keys), "%s\nAudit = VerifyPeer\nAuditLog = %s", force_keys, log);
    unlink(log);
    ANONYMOUS(keys, &legacy_chose_none, anon, 1);
    CU_ASSERT_EQUAL(tlsd_test_count_lines(log, line), 1);
    CU_ASSERT_EQUAL(tlsd_test_count_lines(log, "tlsdefaults["), 1);
    unlink(log);
    SSL_CTX_free(anon);
}

/* PSK: a suite that sends no certificate, which libssl offers only to a
 * program that set up a PSK of its own: the program's own
 * authentication, which the policy leaves alone. */
static const unsigned char test_psk[16] = "tlsdefaults-psk";

static unsigned int psk_server_cb(SSL *ssl, const char *identity, unsigned char *psk,
                                  unsigned int max)
{
    (void)ssl;
    if (identity == NULL || strcmp(identity, "tlsd") != 0 || max < sizeof(test_psk))
        return 0;
    memcpy(psk, test_psk, sizeof(test_psk));
    return sizeof(test_psk);
}

static unsigned int psk_client_cb(SSL *ssl, const char *hint, char *identity,
                                  unsigned int max_identity, unsigned char *psk, unsigned int max)
{
    (void)ssl, (void)hint;
    if (max_identity < 5 || max < sizeof(test_psk))
        return 0;
    memcpy(identity, "tlsd", 5);
    memcpy(psk, test_psk, sizeof(test_psk));
    return sizeof(test_psk);
}

static void legacy_own_psk(SSL_CTX *ctx)
{
    legacy_suites(ctx);
    SSL_CTX_set_psk_client_callback(ctx, psk_client_cb);
}

static const client_kind legacy_psk = {"ALL:@SECLEVEL=0, its own PSK", TLS_client_method,
                                       legacy_own_psk, 0};

static SSL_CTX *psk_only_server(int version)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    SSL_CTX_set_psk_server_callback(ctx, psk_server_cb);
    CU_ASSERT(SSL_CTX_set_cipher_list(ctx, "PSK:@SECLEVEL=0") == 1);
    CU_ASSERT(SSL_CTX_set_min_proto_version(ctx, version) == 1);
    CU_ASSERT(SSL_CTX_set_max_proto_version(ctx, version) == 1);
    return ctx;
}

static void test_psk_only_server(void)
{
    const int versions[] = {TLS1_2_VERSION, TLS1_3_VERSION};
    tlsd_test_result r;

    for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        SSL_CTX *psk = psk_only_server(versions[i]);

        /* A careless client has no PSK to offer: nothing to reach, with or
         * without the module. */
        CU_ASSERT_FALSE(connects_to(NULL, &legacy_careless, psk, "localhost", &r));
        CU_ASSERT_FALSE(connects_to(yes_keys, &legacy_careless, psk, "localhost", &r));
        CU_ASSERT_FALSE(connects_to(force_keys, &legacy_careless, psk, "localhost", &r));
        /* A program with its own PSK connects, under force too. */
        CU_ASSERT(connects_to(NULL, &legacy_psk, psk, "localhost", &r));
        if (!connects_to(force_keys, &legacy_psk, psk, "localhost", &r))
            fprintf(stderr, "\n  own PSK under force: %s\n", tlsd_test_result_str(&r));
        CU_ASSERT(r.ok);
        SSL_CTX_free(psk);
    }
}

#ifdef TLSEXT_cert_type_rpk
/* Raw public keys (RFC 7250, 3.2+): only a program that asks gets one. The
 * module's verification checks it as OpenSSL does, against the keys the
 * program expects; the lock, when the program's own cert verify callback
 * replaced the module's, has no chain to verify and refuses. */
static EVP_PKEY *server_key;

static int rpk_setup(SSL *ssl, void *arg)
{
    static const unsigned char rpk_only[] = {TLSEXT_cert_type_rpk};
    const int *expect_key = arg;

    return SSL_set_tlsext_host_name(ssl, "localhost") == 1
           && SSL_set1_server_cert_type(ssl, rpk_only, sizeof(rpk_only)) == 1
           && (!*expect_key
               || (SSL_dane_enable(ssl, NULL) > 0 && SSL_add_expected_rpk(ssl, server_key) == 1));
}

static int rpk_connects(const char *keys, void (*choose)(SSL_CTX *), int expect_key, SSL_CTX *srv)
{
    SSL_CTX *client;
    tlsd_test_result r;
    int ok;

    if (keys != NULL)
        tlsd_test_load_module("lock", keys, NULL);
    client = SSL_CTX_new(TLS_client_method());
    CU_ASSERT_PTR_NOT_NULL_FATAL(client);
    if (choose != NULL)
        choose(client);
    /* Expected keys are DANE records. */
    CU_ASSERT(!expect_key || SSL_CTX_dane_enable(client) > 0);
    ok = tlsd_test_handshake_with(client, srv, rpk_setup, &expect_key, &r);
    if (keys != NULL)
        CONF_modules_unload(0);
    SSL_CTX_free(client);
    if (getenv("TLSD_TEST_VERBOSE") != NULL)
        fprintf(stderr, "\n  raw public key, expected %d, %s: %s", expect_key,
                keys ? keys : "no module", tlsd_test_result_str(&r));
    return ok;
}

static void test_raw_public_keys(void)
{
    static const unsigned char rpk_or_x509[] = {TLSEXT_cert_type_rpk, TLSEXT_cert_type_x509};
    SSL_CTX *srv = tlsd_test_server_ctx(CERT("leaf-chain.pem"));
    FILE *f = fopen(CERT("leaf-key.pem"), "r");

    CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    server_key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    CU_ASSERT_PTR_NOT_NULL_FATAL(server_key);
    CU_ASSERT_FATAL(SSL_CTX_set1_server_cert_type(srv, rpk_or_x509, sizeof(rpk_or_x509)) == 1);
    /* Without the module the key is not checked (SSL_VERIFY_NONE). */
    CU_ASSERT(rpk_connects(NULL, NULL, 0, srv));
    /* A client that leaves verification to the policy: the key it expects decides. */
    CU_ASSERT_FALSE(rpk_connects(yes_keys, NULL, 0, srv));
    CU_ASSERT(rpk_connects(yes_keys, NULL, 1, srv));
    /* The lock: the same, for a client that chose SSL_VERIFY_NONE... */
    CU_ASSERT_FALSE(rpk_connects(force_keys, ctx_none, 0, srv));
    CU_ASSERT(rpk_connects(force_keys, ctx_none, 1, srv));
    /* ...and a refusal for one with its own cert verify callback (under yes
     * that callback decides). */
    CU_ASSERT_FALSE(rpk_connects(force_keys, own_cert_verify, 1, srv));
    CU_ASSERT(rpk_connects(yes_keys, own_cert_verify, 1, srv));
    EVP_PKEY_free(server_key);
    SSL_CTX_free(srv);
}
#endif

static int suite_init(void)
{
    if (tlsd_test_certs_dir() == NULL)
        return 1;
    /* The root as the store of clients with no anchors of their own. */
    snprintf(force_keys, sizeof(force_keys), "VerifyPeer = force\nTrustStore = %s", CERT("root.pem"));
    snprintf(yes_keys, sizeof(yes_keys), "VerifyPeer = yes\nTrustStore = %s", CERT("root.pem"));
    snprintf(no_keys, sizeof(no_keys), "VerifyPeer = no\nTrustStore = %s", CERT("root.pem"));
    return 0;
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"force: careless clients refused by a self-signed server", test_force_refuses_self_signed_for_every_careless_client},
        {"force: the host check follows HostnameCheck", test_force_host_check_follows_hostname_check},
        {"force: a stricter program callback still refuses", test_force_keeps_a_stricter_program_callback},
        {"force: servers untouched", test_force_leaves_servers_alone},
        {"force: openssl s_client with no -verify", test_s_client_default_under_force},
        {"force: the verified mark does not survive SSL_clear()", test_force_mark_does_not_survive_ssl_clear},
        {"force: the verified mark does not survive a renegotiation", test_force_mark_does_not_survive_renegotiation},
        {"force: own cert verify callback, every version", test_force_holds_on_every_version},
        {"force: RSA key exchange refused", test_force_refuses_rsa_key_exchange},
        {"anonymous suites: refused where the policy makes clients verify", test_anonymous_server_refused_where_verification_is_required},
        {"anonymous suites: s_client -cipher ALL:@SECLEVEL=0 and s_server -nocert", test_anonymous_server_s_client},
        {"anonymous suites: audited as VerifyPeer:no-certificate", test_anonymous_server_audited},
        {"PSK: only a program's own PSK reaches a PSK-only server", test_psk_only_server},
#ifdef TLSEXT_cert_type_rpk
        {"raw public keys: the keys the program expects; refused by the lock for an own callback", test_raw_public_keys},
#endif
        {"Programs: the real executable decides", test_programs_exempts_one_program_by_its_real_executable},
        {"Programs: a bad program section fails closed", test_programs_bad_section_fails_closed},
        CU_TEST_INFO_NULL,
    };

    return tlsd_test_main("VerifyPeer = force and Programs", suite_init, NULL, tests);
}
