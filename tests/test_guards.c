/* SPDX-License-Identifier: Apache-2.0 */
/* The module protecting programs that misuse OpenSSL: VerifyPeer,
 * TrustStore, HostnameCheck, Enforce and KeyLog. Each test drives a
 * deliberately careless program (no verify mode, no CA, SNI only, an old
 * protocol asked for) against a bad server: accepted without the module or
 * with the key off, refused with it on; and a good server that still works.
 * Servers stand for "the other side" and are made while the module is not
 * loaded, unless the test is about servers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include "tlsdefaults.h"
#include "test_certs.h"
#include "test_config.h"
#include "test_files.h"
#include "test_handshake.h"
#include "test_main.h"

#define GOOD_CHAIN tlsd_test_cert_path("leaf-chain.pem")
#define WRONG_HOST_CHAIN tlsd_test_cert_path("wronghost-chain.pem")
#define SELF_SIGNED tlsd_test_cert_path("selfsigned.pem")
#define ROOT tlsd_test_cert_path("root.pem")

/* Loads the module with these keys (NULL: no module at all). */
static void load(const char *keys)
{
    if (keys != NULL)
        tlsd_test_load_module("guards", keys, NULL);
}

static void unload(void)
{
    CONF_modules_unload(0);
}

static SSL_CTX *server(const char *chain)
{
    SSL_CTX *ctx = tlsd_test_server_ctx(chain);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    return ctx;
}

/* A program that calls SSL_CTX_new(method) and nothing else; ca_file, if
 * given, is the only care it took. */
static SSL_CTX *careless(const SSL_METHOD *method, const char *ca_file)
{
    SSL_CTX *ctx = SSL_CTX_new(method);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    if (ca_file != NULL)
        CU_ASSERT_FATAL(SSL_CTX_load_verify_locations(ctx, ca_file, NULL) == 1);
    return ctx;
}

/* keys: the module's section (NULL: not loaded). make_client builds the
 * program's context while the module is loaded. */
static int run(const char *keys, SSL_CTX *srv, SSL_CTX *(*make_client)(void),
               const char *sni, tlsd_test_result *r)
{
    SSL_CTX *client;
    int ok;

    load(keys);
    client = make_client();
    ok = tlsd_test_handshake(client, srv, sni, NULL, r);
    SSL_CTX_free(client);
    unload();
    return ok;
}

static void expect(const char *keys, SSL_CTX *srv, SSL_CTX *(*make_client)(void),
                   const char *client_name, const char *sni, int want, int line)
{
    tlsd_test_result r;
    int got = run(keys, srv, make_client, sni, &r);

    if (got != want)
        fprintf(stderr, "\n  line %d [%s] keys=%s sni=%s: %s\n", line, client_name,
                keys ? keys : "(no module)", sni ? sni : "(none)", tlsd_test_result_str(&r));
    CU_ASSERT_EQUAL(got, want);
}

#define EXPECT(keys, srv, make_client, sni, want) \
    expect((keys), (srv), (make_client), #make_client, (sni), (want), __LINE__)

/* --- VerifyPeer ---------------------------------------------------------- */

static SSL_CTX *careless_client(void) { return careless(TLS_client_method(), NULL); }
static SSL_CTX *careless_generic(void) { return careless(TLS_method(), NULL); }
static SSL_CTX *careless_client_with_ca(void) { return careless(TLS_client_method(), ROOT); }
static SSL_CTX *careless_generic_with_ca(void) { return careless(TLS_method(), ROOT); }

static SSL_CTX *chose_no_verify(void)
{
    SSL_CTX *ctx = careless(TLS_method(), NULL);

    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    return ctx;
}

static SSL_CTX *client_chose_no_verify(void)
{
    SSL_CTX *ctx = careless(TLS_client_method(), NULL);

    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    return ctx;
}

static void test_verify_peer_refuses_self_signed_server(void)
{
    SSL_CTX *bad = server(SELF_SIGNED);
    const char *on = "VerifyPeer = yes\nHostnameCheck = no\nTrustStore = none";
    const char *off = "VerifyPeer = no\nHostnameCheck = no\nTrustStore = none";

    /* Client-only and generic contexts, with or without a CA loaded. */
    SSL_CTX *(*clients[])(void) = {careless_client, careless_generic,
                                   careless_client_with_ca, careless_generic_with_ca};
    for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
        EXPECT(NULL, bad, clients[i], "localhost", 1);
        EXPECT(off, bad, clients[i], "localhost", 1);
        EXPECT(on, bad, clients[i], "localhost", 0);
    }
    /* The application that chose no verification keeps its choice. */
    EXPECT(on, bad, chose_no_verify, "localhost", 1);
    EXPECT(on, bad, client_chose_no_verify, "localhost", 1);
    SSL_CTX_free(bad);
}

static void test_verify_peer_good_server_and_servers_untouched(void)
{
    SSL_CTX *good = server(GOOD_CHAIN);
    const char *on = "VerifyPeer = yes\nHostnameCheck = no\nTrustStore = none";
    SSL_CTX *client, *generic, *srv;
    tlsd_test_result r;

    EXPECT(on, good, careless_client_with_ca, "localhost", 1);
    EXPECT(on, good, careless_generic_with_ca, "localhost", 1);

    /* Servers are never made to ask for client certificates. */
    load(on);
    client = careless(TLS_client_method(), ROOT);
    /* A generic context serving, as TLS_method() servers do. */
    generic = careless(TLS_method(), NULL);
    CU_ASSERT_FATAL(SSL_CTX_use_certificate_chain_file(generic, GOOD_CHAIN) == 1);
    CU_ASSERT_FATAL(SSL_CTX_use_PrivateKey_file(generic, tlsd_test_cert_path("leaf-key.pem"),
                                                SSL_FILETYPE_PEM) == 1);
    srv = server(GOOD_CHAIN);
    CU_ASSERT_EQUAL(SSL_CTX_get_verify_mode(client), SSL_VERIFY_PEER);
    CU_ASSERT_EQUAL(SSL_CTX_get_verify_mode(srv), SSL_VERIFY_NONE);
    CU_ASSERT_EQUAL(SSL_CTX_get_verify_mode(generic) & SSL_VERIFY_PEER, 0);
    CU_ASSERT(tlsd_test_handshake(client, srv, "localhost", NULL, &r));
    /* The client has no certificate: a server that asked for one would
     * refuse it, as the control shows. */
    CU_ASSERT(tlsd_test_handshake(client, generic, "localhost", NULL, &r));
    SSL_CTX_set_verify(generic, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    SSL_CTX_set_verify(srv, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    CU_ASSERT_FALSE(tlsd_test_handshake(client, generic, "localhost", NULL, &r));
    CU_ASSERT_FALSE(tlsd_test_handshake(client, srv, "localhost", NULL, &r));
    unload();
    SSL_CTX_free(client);
    SSL_CTX_free(generic);
    SSL_CTX_free(srv);
    SSL_CTX_free(good);
}

/* --- TrustStore ---------------------------------------------------------- */

/* Verifies, but forgot to load any CA. */
static SSL_CTX *verifies_without_ca(void)
{
    SSL_CTX *ctx = careless(TLS_client_method(), NULL);

    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return ctx;
}

/* Verifies against an anchor of its own (a private CA), not the root. */
static SSL_CTX *pinned_to_own_ca(void)
{
    SSL_CTX *ctx = careless(TLS_client_method(), SELF_SIGNED);

    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return ctx;
}

static char trust_file_keys[1024], trust_dir_keys[1024];

static void test_trust_store_file_directory_and_system(void)
{
    SSL_CTX *good = server(GOOD_CHAIN);

    EXPECT(NULL, good, verifies_without_ca, "localhost", 0);
    EXPECT("TrustStore = none\nHostnameCheck = no", good, verifies_without_ca, "localhost", 0);
    EXPECT(trust_file_keys, good, verifies_without_ca, "localhost", 1);
    EXPECT(trust_dir_keys, good, verifies_without_ca, "localhost", 1);
    /* SSL_CERT_FILE names the test root for this process (see init). */
    EXPECT("TrustStore = system\nHostnameCheck = no", good, verifies_without_ca, "localhost", 1);
    SSL_CTX_free(good);
}

static void test_trust_store_never_widens_own_anchors(void)
{
    SSL_CTX *good = server(GOOD_CHAIN), *self = server(SELF_SIGNED);
    SSL_CTX *a, *b;
    tlsd_test_result r;

    /* A program that pinned its own CA is not made to trust the store. */
    EXPECT(trust_file_keys, good, pinned_to_own_ca, "localhost", 0);
    EXPECT(trust_file_keys, self, pinned_to_own_ca, "localhost", 1);

    /* What one context adds to its store stays in that context. */
    load(trust_file_keys);
    a = verifies_without_ca();
    b = verifies_without_ca();
    CU_ASSERT(tlsd_test_handshake(a, good, "localhost", NULL, &r));
    CU_ASSERT(SSL_CTX_load_verify_locations(a, SELF_SIGNED, NULL) == 1);
    CU_ASSERT(tlsd_test_handshake(a, self, "localhost", NULL, &r));
    CU_ASSERT(tlsd_test_handshake(b, self, "localhost", NULL, &r) == 0);
    CU_ASSERT(tlsd_test_handshake(b, good, "localhost", NULL, &r));
    unload();
    SSL_CTX_free(a);
    SSL_CTX_free(b);
    SSL_CTX_free(good);
    SSL_CTX_free(self);
}

/* --- HostnameCheck ------------------------------------------------------- */

static SSL_CTX *verifies_by_sni_only(void)
{
    SSL_CTX *ctx = careless(TLS_client_method(), ROOT);

    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return ctx;
}

static int accept_any_chain(X509_STORE_CTX *sctx, void *arg)
{
    (void)arg;
    return X509_verify_cert(sctx) > 0 || X509_STORE_CTX_get_error(sctx) == X509_V_ERR_HOSTNAME_MISMATCH;
}

/* Its own certificate check replaces the module's: it keeps control. */
static SSL_CTX *own_cert_verify_callback(void)
{
    SSL_CTX *ctx = verifies_by_sni_only();

    SSL_CTX_set_cert_verify_callback(ctx, accept_any_chain, NULL);
    return ctx;
}

static int set_own_host(SSL *ssl, void *arg)
{
    (void)arg;
    return SSL_set_tlsext_host_name(ssl, "localhost") && SSL_set1_host(ssl, "wrong.example");
}

static void test_hostname_check_from_sni(void)
{
    SSL_CTX *wrong = server(WRONG_HOST_CHAIN), *good = server(GOOD_CHAIN);
    const char *on = "HostnameCheck = yes";
    SSL_CTX *client;
    tlsd_test_result r;

    EXPECT(NULL, wrong, verifies_by_sni_only, "localhost", 1);
    EXPECT("HostnameCheck = no", wrong, verifies_by_sni_only, "localhost", 1);
    EXPECT(on, wrong, verifies_by_sni_only, "localhost", 0);
    EXPECT(on, good, verifies_by_sni_only, "localhost", 1);
    EXPECT(on, good, verifies_by_sni_only, "LocalHost", 1);
    EXPECT(on, wrong, own_cert_verify_callback, "localhost", 1);

    /* The mismatch is reported as such. */
    load(on);
    client = verifies_by_sni_only();
    CU_ASSERT(tlsd_test_handshake(client, wrong, "localhost", NULL, &r) == 0);
    CU_ASSERT_EQUAL(r.verify_result, X509_V_ERR_HOSTNAME_MISMATCH);
    /* A program that set its own host keeps control. */
    CU_ASSERT(tlsd_test_handshake_with(client, wrong, set_own_host, NULL, &r));
    SSL_CTX_free(client);
    unload();
    SSL_CTX_free(wrong);
    SSL_CTX_free(good);
}

/* A program that verifies with a mode of its own and sets SNI but no host
 * (Python with check_hostname = False): HostnameCheck refuses a wrong-host
 * certificate and says so on the error queue, whether the program chose
 * the mode (with or without the callback it read back) or left it to
 * VerifyPeer. Its own host name's mismatch is its own refusal. */
static SSL_CTX *python_like(void)
{
    SSL_CTX *ctx = careless(TLS_client_method(), ROOT);

    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       SSL_CTX_get_verify_callback(ctx));
    return ctx;
}

static int set_own_wrong_host(SSL *ssl, void *arg)
{
    (void)arg;
    return SSL_set_tlsext_host_name(ssl, "localhost") && SSL_set1_host(ssl, "localhost");
}

static void test_hostname_check_names_itself(void)
{
    static const char reason[] = "checked by tlsdefaults policy (HostnameCheck)";
    SSL_CTX *wrong = server(WRONG_HOST_CHAIN);
    SSL_CTX *(*clients[])(void) = {verifies_by_sni_only, python_like, careless_client_with_ca};
    tlsd_test_result r;

    for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
        SSL_CTX *client;

        /* Negative control: HostnameCheck off, the same client connects. */
        EXPECT("HostnameCheck = no", wrong, clients[i], "localhost", 1);
        load("HostnameCheck = yes");
        client = clients[i]();
        CU_ASSERT_FALSE(tlsd_test_handshake(client, wrong, "localhost", NULL, &r));
        CU_ASSERT_EQUAL(r.verify_result, X509_V_ERR_HOSTNAME_MISMATCH);
        if (strstr(r.client_error, reason) == NULL)
            fprintf(stderr, "\n  client %zu: %s\n", i, tlsd_test_result_str(&r));
        CU_ASSERT_PTR_NOT_NULL(strstr(r.client_error, reason));
        /* The program's own host: the mismatch is not the module's. */
        CU_ASSERT_FALSE(tlsd_test_handshake_with(client, wrong, set_own_wrong_host, NULL, &r));
        CU_ASSERT_EQUAL(r.verify_result, X509_V_ERR_HOSTNAME_MISMATCH);
        CU_ASSERT_PTR_NULL(strstr(r.client_error, reason));
        SSL_CTX_free(client);
        unload();
    }
    SSL_CTX_free(wrong);
}

static void test_hostname_check_require(void)
{
    SSL_CTX *good = server(GOOD_CHAIN);
    SSL_CTX *client;
    tlsd_test_result r;

    EXPECT("HostnameCheck = yes", good, verifies_by_sni_only, NULL, 1);
    EXPECT("HostnameCheck = require", good, verifies_by_sni_only, NULL, 0);
    EXPECT("HostnameCheck = require", good, verifies_by_sni_only, "localhost", 1);

    load("HostnameCheck = require");
    client = verifies_by_sni_only();
    CU_ASSERT(tlsd_test_handshake(client, good, NULL, NULL, &r) == 0);
    CU_ASSERT_EQUAL(r.verify_result, X509_V_ERR_HOSTNAME_MISMATCH);
    if (strstr(r.client_error, "no server name") == NULL)
        fprintf(stderr, "\n  client error: %s\n", r.client_error);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.client_error, "no server name"));
    /* Its own host (here an IP literal, which has no SNI) is enough. */
    CU_ASSERT(tlsd_test_handshake(client, good, NULL, "127.0.0.1", &r));
    SSL_CTX_free(client);
    unload();
    SSL_CTX_free(good);
}

/* --- Enforce ------------------------------------------------------------- */

/* Asks for TLS 1.0 and every cipher, as legacy-friendly programs do. */
static SSL_CTX *asks_for_old_protocols(void)
{
    SSL_CTX *ctx = careless(TLS_client_method(), ROOT);

    CU_ASSERT(SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION));
    CU_ASSERT(SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0"));
    return ctx;
}

/* Asks for one weak suite: RSA key exchange, SHA-1 MAC. */
static SSL_CTX *asks_for_weak_suite(void)
{
    SSL_CTX *ctx = careless(TLS_client_method(), ROOT);

    CU_ASSERT(SSL_CTX_set_cipher_list(ctx, "AES128-SHA:@SECLEVEL=0"));
    return ctx;
}

static SSL_CTX *old_server(int version)
{
    SSL_CTX *ctx = server(GOOD_CHAIN);

    CU_ASSERT(SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0"));
    CU_ASSERT(SSL_CTX_set_min_proto_version(ctx, version));
    CU_ASSERT(SSL_CTX_set_max_proto_version(ctx, version));
    return ctx;
}

static void test_enforce_protocol_floor(void)
{
    SSL_CTX *tls11 = old_server(TLS1_1_VERSION), *good = server(GOOD_CHAIN);
    /* A cipher list wide enough for TLS 1.1: only the version floor is
     * left to refuse it. */
    const char *keys = "HostnameCheck = no\nCipherString = ALL:@SECLEVEL=0\nEnforce = no";
    const char *enforce = "HostnameCheck = no\nCipherString = ALL:@SECLEVEL=0\nEnforce = yes";
    SSL_CTX *srv, *old_client;
    tlsd_test_result r;

    /* The module's MinProtocol alone loses to the program's own call. */
    EXPECT(keys, tls11, asks_for_old_protocols, "localhost", 1);
    EXPECT(enforce, tls11, asks_for_old_protocols, "localhost", 0);
    EXPECT(enforce, good, asks_for_old_protocols, "localhost", 1);

    /* A server program that asks for TLS 1.0, facing a TLS 1.1 client. */
    for (int with = 0; with <= 1; with++) {
        old_client = careless(TLS_client_method(), ROOT);
        CU_ASSERT(SSL_CTX_set_cipher_list(old_client, "ALL:@SECLEVEL=0"));
        CU_ASSERT(SSL_CTX_set_max_proto_version(old_client, TLS1_1_VERSION));
        load(with ? enforce : keys);
        srv = server(GOOD_CHAIN);
        CU_ASSERT(SSL_CTX_set_min_proto_version(srv, TLS1_VERSION));
        CU_ASSERT(SSL_CTX_set_cipher_list(srv, "ALL:@SECLEVEL=0"));
        CU_ASSERT_EQUAL(tlsd_test_handshake(old_client, srv, "localhost", NULL, &r), !with);
        unload();
        SSL_CTX_free(srv);
        SSL_CTX_free(old_client);
    }
    SSL_CTX_free(tls11);
    SSL_CTX_free(good);
}

/* Enforce holds against a system_default that goes lower, too. */
static void test_enforce_over_system_default(void)
{
    SSL_CTX *tls11 = old_server(TLS1_1_VERSION);
    static const char extra[] = "[ssl_sect]\nsystem_default = sd\n"
                                "[sd]\nMinProtocol = TLSv1\nCipherString = ALL:@SECLEVEL=0\n";
    const char *keys[] = {"HostnameCheck = no\nCipherString = ALL:@SECLEVEL=0",
                          "HostnameCheck = no\nCipherString = ALL:@SECLEVEL=0\nEnforce = yes"};

    for (int enforce = 0; enforce <= 1; enforce++) {
        const char *path = tlsd_test_write_cnf("guards-sd", NULL, "ssl_conf = ssl_sect", keys[enforce], extra);
        SSL_CTX *client;
        tlsd_test_result r;

        CU_ASSERT_EQUAL_FATAL(CONF_modules_load_file(path, NULL, 0), 1);
        client = careless(TLS_client_method(), ROOT);
        /* system_default's MinProtocol = TLSv1 was applied after ours. */
        CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(client), TLS1_VERSION);
        CU_ASSERT_EQUAL(tlsd_test_handshake(client, tls11, "localhost", NULL, &r), !enforce);
        SSL_CTX_free(client);
        unload();
    }
    SSL_CTX_free(tls11);
}

static void test_enforce_cipher_floor(void)
{
    SSL_CTX *weak = server(GOOD_CHAIN);

    CU_ASSERT(SSL_CTX_set_cipher_list(weak, "AES128-SHA:@SECLEVEL=0"));
    CU_ASSERT(SSL_CTX_set_max_proto_version(weak, TLS1_2_VERSION));
    EXPECT("HostnameCheck = no", weak, asks_for_weak_suite, "localhost", 1);
    EXPECT("HostnameCheck = no\nEnforce = yes", weak, asks_for_weak_suite, "localhost", 0);
    SSL_CTX_free(weak);
}

/* A program that chooses its own groups and signature algorithms. */
static SSL_CTX *asks_for_ffdhe(void)
{
    SSL_CTX *ctx = careless(TLS_client_method(), ROOT);

    CU_ASSERT(SSL_CTX_set1_groups_list(ctx, "ffdhe2048"));
    return ctx;
}

static SSL_CTX *asks_for_pkcs1_sha512(void)
{
    SSL_CTX *ctx = careless(TLS_client_method(), ROOT);

    CU_ASSERT(SSL_CTX_set1_sigalgs_list(ctx, "RSA+SHA512"));
    return ctx;
}

/* Issue 23, item 2: with Enforce, the program's own groups and signature
 * algorithms stay inside the policy's Groups and SignatureAlgorithms when
 * it sets them; without Enforce the program's own win (the control). */
static void test_enforce_groups_and_sigalgs(void)
{
    SSL_CTX *ffdhe = server(GOOD_CHAIN), *tls12 = server(GOOD_CHAIN);

    CU_ASSERT(SSL_CTX_set1_groups_list(ffdhe, "ffdhe2048"));
    CU_ASSERT(SSL_CTX_set_max_proto_version(tls12, TLS1_2_VERSION));
    EXPECT("HostnameCheck = no\nGroups = X25519:P-256", ffdhe, asks_for_ffdhe, "localhost", 1);
    EXPECT("HostnameCheck = no\nGroups = X25519:P-256\nEnforce = yes", ffdhe, asks_for_ffdhe, "localhost", 0);
    /* The policy's own groups still work under Enforce. */
    EXPECT("HostnameCheck = no\nGroups = X25519:P-256\nEnforce = yes", tls12, careless_client_with_ca, "localhost", 1);
    EXPECT("HostnameCheck = no\nSignatureAlgorithms = RSA-PSS+SHA256:ECDSA+SHA256", tls12,
           asks_for_pkcs1_sha512, "localhost", 1);
    EXPECT("HostnameCheck = no\nSignatureAlgorithms = RSA-PSS+SHA256:ECDSA+SHA256\nEnforce = yes", tls12,
           asks_for_pkcs1_sha512, "localhost", 0);
    EXPECT("HostnameCheck = no\nSignatureAlgorithms = RSA-PSS+SHA256:ECDSA+SHA256\nEnforce = yes", tls12,
           careless_client_with_ca, "localhost", 1);
    SSL_CTX_free(ffdhe);
    SSL_CTX_free(tls12);
}

/* --- KeyLog -------------------------------------------------------------- */

/* One handshake between a careless client and a server, made now. */
static void key_log_handshake(void)
{
    SSL_CTX *client = careless(TLS_client_method(), ROOT), *srv = server(GOOD_CHAIN);
    tlsd_test_result r;

    CU_ASSERT(tlsd_test_handshake(client, srv, "localhost", "localhost", &r));
    SSL_CTX_free(client);
    SSL_CTX_free(srv);
}

/* The lines of one label in path (0 when there is no file), which is
 * removed. */
static int take_key_lines(const char *path)
{
    int lines = tlsd_test_count_lines(path, "CLIENT_TRAFFIC_SECRET_0 ");

    CU_ASSERT_EQUAL(lines, tlsd_test_count_lines(path, "SERVER_TRAFFIC_SECRET_0 "));
    unlink(path);
    return lines < 0 ? 0 : lines;
}

static void test_key_log_is_opt_in(void)
{
    char path[512];
    SSL_CTX *client, *srv;
    tlsd_test_result r;
    int by_openssl;

    snprintf(path, sizeof(path), "%s/guards-keylog.txt", tlsd_test_certs_dir());
    unlink(path);
    CU_ASSERT_FATAL(setenv("SSLKEYLOGFILE", path, 1) == 0);
    /* OpenSSL 3.5+ built with enable-sslkeylog logs every context itself
     * (both ends: 2 lines); KeyLog = no cannot stop that. */
    by_openssl = tlsd_test_openssl_key_lines();
    CU_ASSERT_FATAL(setenv("SSLKEYLOGFILE", path, 1) == 0);
    CU_ASSERT(by_openssl == 0 || by_openssl == 2);
    if (by_openssl)
        fprintf(stderr, "\n  (this libssl writes SSLKEYLOGFILE itself)\n");
    for (int on = 0; on <= 1; on++) {
        struct stat sb;

        load(on ? "KeyLog = yes" : "KeyLog = no");
        key_log_handshake();
        unload();
        if (on)
            CU_ASSERT(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
        /* On: both ends were made under the module, each logged once,
         * never twice where OpenSSL logs too. Off: only OpenSSL's own. */
        CU_ASSERT_EQUAL(take_key_lines(path), on ? 2 : by_openssl);
    }
    /* A key log that cannot be opened costs neither the policy nor TLS. */
    CU_ASSERT_FATAL(setenv("SSLKEYLOGFILE", "/nonexistent/dir/keylog.txt", 1) == 0);
    load("KeyLog = yes");
    client = careless(TLS_client_method(), ROOT);
    srv = server(GOOD_CHAIN);
    CU_ASSERT_EQUAL(SSL_CTX_get_verify_mode(client), SSL_VERIFY_PEER);
    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(client), TLS1_2_VERSION);
    CU_ASSERT(tlsd_test_handshake(client, srv, "localhost", "localhost", &r));
    SSL_CTX_free(client);
    SSL_CTX_free(srv);
    unload();
    unsetenv("SSLKEYLOGFILE");
}

static int init(void)
{
    char dir[512], hashed[600];
    X509 *root;
    FILE *f;

    if (tlsd_test_certs_dir() == NULL)
        return -1;
    /* The process's "system" store is the test root. */
    setenv("SSL_CERT_FILE", ROOT, 1);
    setenv("SSL_CERT_DIR", tlsd_test_certs_dir(), 1);
    snprintf(trust_file_keys, sizeof(trust_file_keys),
             "HostnameCheck = no\nTrustStore = %s", ROOT);

    /* A hashed directory holding the root, as c_rehash makes. */
    snprintf(dir, sizeof(dir), "%s/hashed", tlsd_test_certs_dir());
    mkdir(dir, 0700);
    f = fopen(ROOT, "r");
    root = f != NULL ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f != NULL)
        fclose(f);
    if (root == NULL)
        return -1;
    snprintf(hashed, sizeof(hashed), "%s/%08lx.0", dir, X509_subject_name_hash(root));
    f = fopen(hashed, "w");
    if (f == NULL || !PEM_write_X509(f, root))
        return -1;
    fclose(f);
    X509_free(root);
    snprintf(trust_dir_keys, sizeof(trust_dir_keys),
             "HostnameCheck = no\nTrustStore = %s", dir);
    return 0;
}

int main(void)
{
    static CU_TestInfo tests[] = {
        {"VerifyPeer refuses a self-signed server", test_verify_peer_refuses_self_signed_server},
        {"VerifyPeer: good server works, servers untouched", test_verify_peer_good_server_and_servers_untouched},
        {"TrustStore: file, directory, system", test_trust_store_file_directory_and_system},
        {"TrustStore never widens a program's own anchors", test_trust_store_never_widens_own_anchors},
        {"HostnameCheck checks the SNI name", test_hostname_check_from_sni},
        {"HostnameCheck = require", test_hostname_check_require},
        {"HostnameCheck names itself when it refuses", test_hostname_check_names_itself},
        {"Enforce holds the protocol floor", test_enforce_protocol_floor},
        {"Enforce holds the cipher floor", test_enforce_cipher_floor},
        {"Enforce holds against a lower system_default", test_enforce_over_system_default},
        {"Enforce holds Groups and SignatureAlgorithms", test_enforce_groups_and_sigalgs},
        {"KeyLog is opt-in", test_key_log_is_opt_in},
        {NULL, NULL},
    };

    return tlsd_test_main("guards", init, NULL, tests);
}
