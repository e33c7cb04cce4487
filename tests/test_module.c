/* SPDX-License-Identifier: Apache-2.0 */
/* The config module inside a process: loaded and unloaded with
 * CONF_modules_load_file(), as openssl.cnf would. Each protection is shown
 * by a handshake that succeeds without the module (or without that setting)
 * and is refused with it. Peers that stand for "the other side" are made
 * while the module is not loaded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "errors.h"
#include "test_certs.h"
#include "test_config.h"
#include "test_errors.h"
#include "test_handshake.h"
#include "test_main.h"

#define GOOD_CHAIN tlsd_test_cert_path("leaf-chain.pem")
#define ROOT tlsd_test_cert_path("root.pem")

static char debug_log[4096];

static void load(const char *keys, const char *extra)
{
    tlsd_test_load_module("test", keys, extra);
}

/* Finishes every loaded module and unloads ours. (unload(1) would also
 * drop OpenSSL's built-in modules, such as ssl_conf, for good.) */
static void unload(void)
{
    CONF_modules_unload(0);
}

static SSL_CTX *server_with_versions(int min, int max)
{
    SSL_CTX *ctx = tlsd_test_server_ctx(GOOD_CHAIN);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    /* TLS 1.0/1.1 need security level 0 in OpenSSL 3. */
    CU_ASSERT(SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0"));
    CU_ASSERT(SSL_CTX_set_min_proto_version(ctx, min));
    CU_ASSERT(SSL_CTX_set_max_proto_version(ctx, max));
    return ctx;
}

static SSL_CTX *server_with_ciphers(const char *ciphers)
{
    SSL_CTX *ctx = tlsd_test_server_ctx(GOOD_CHAIN);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT_FATAL(SSL_CTX_set_cipher_list(ctx, ciphers));
    CU_ASSERT(SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION));
    return ctx;
}

/* One handshake of a client made now (module loaded or not) against an
 * existing server; the client trusts ca_file. */
static int client_handshake(SSL_CTX *server, const char *ca_file, tlsd_test_result *r)
{
    SSL_CTX *client = tlsd_test_client_ctx(ca_file);
    int ok;

    CU_ASSERT_PTR_NOT_NULL_FATAL(client);
    ok = tlsd_test_handshake(client, server, "localhost", "localhost", r);
    SSL_CTX_free(client);
    return ok;
}

static void test_good_server_still_works(void)
{
    tlsd_test_result r;
    SSL_CTX *tls12 = server_with_versions(TLS1_2_VERSION, TLS1_2_VERSION);
    SSL_CTX *server;

    load(NULL, NULL);
    server = tlsd_test_server_ctx(GOOD_CHAIN);
    CU_ASSERT(client_handshake(server, ROOT, &r));
    CU_ASSERT_STRING_EQUAL(r.version, "TLSv1.3");
    CU_ASSERT(client_handshake(tls12, ROOT, &r));
    CU_ASSERT_STRING_EQUAL(r.version, "TLSv1.2");
    CU_ASSERT_STRING_EQUAL(r.cipher, "ECDHE-RSA-AES256-GCM-SHA384");
    unload();
    SSL_CTX_free(server);
    SSL_CTX_free(tls12);
}

/* A program that sets a permissive cipher list, as legacy-friendly programs
 * do, but never a minimum version: only the module's floor refuses the
 * TLS 1.0 / 1.1 server. The same for a server facing an old client. */
static void test_min_protocol_refuses_old_peers(void)
{
    const int versions[] = {TLS1_VERSION, TLS1_1_VERSION};

    for (int with = 0; with <= 1; with++) {
        for (size_t v = 0; v < 2; v++) {
            SSL_CTX *old_server = server_with_versions(versions[v], versions[v]);
            SSL_CTX *old_client = tlsd_test_client_ctx(ROOT);
            SSL_CTX *client, *server;
            tlsd_test_result r;

            CU_ASSERT(SSL_CTX_set_cipher_list(old_client, "ALL:@SECLEVEL=0"));
            CU_ASSERT(SSL_CTX_set_max_proto_version(old_client, versions[v]));
            if (with)
                load(NULL, NULL);
            client = tlsd_test_client_ctx(ROOT);
            server = tlsd_test_server_ctx(GOOD_CHAIN);
            /* The application's own cipher list: only the floor is left. */
            CU_ASSERT(SSL_CTX_set_cipher_list(client, "ALL:@SECLEVEL=0"));
            CU_ASSERT(SSL_CTX_set_cipher_list(server, "ALL:@SECLEVEL=0"));
            CU_ASSERT_EQUAL(tlsd_test_handshake(client, old_server, "localhost", "localhost", &r), !with);
            if (!with)
                CU_ASSERT_STRING_EQUAL(r.version, versions[v] == TLS1_VERSION ? "TLSv1" : "TLSv1.1");
            CU_ASSERT_EQUAL(tlsd_test_handshake(old_client, server, "localhost", "localhost", &r), !with);
            unload();
            SSL_CTX_free(client);
            SSL_CTX_free(server);
            SSL_CTX_free(old_client);
            SSL_CTX_free(old_server);
        }
    }
}

/* Suites OpenSSL's default list still offers and Python's list does not:
 * CBC with SHA-1 MACs, and RSA key exchange (no forward secrecy). */
static void test_cipher_string_refuses_legacy_suites(void)
{
    const char *only[] = {"ECDHE-RSA-AES128-SHA", "AES128-GCM-SHA256", "AES256-SHA"};

    for (size_t i = 0; i < 3; i++) {
        SSL_CTX *server = server_with_ciphers(only[i]);
        tlsd_test_result r;

        CU_ASSERT(client_handshake(server, ROOT, &r));
        CU_ASSERT_STRING_EQUAL(r.cipher, only[i]);
        load(NULL, NULL);
        CU_ASSERT_FALSE(client_handshake(server, ROOT, &r));
        unload();
        SSL_CTX_free(server);
    }
}

/* 3DES and unauthenticated suites: OpenSSL 3's default list already leaves
 * them out, so the control is the policy value itself: a section that
 * widens CipherString lets the handshake through, the profile refuses it.
 * Builds made with no-weak-ssl-ciphers (Debian's) have no 3DES suite at
 * all: no peer can offer one, and that case is skipped. */
static void test_cipher_string_refuses_3des_and_anull(void)
{
    static const struct {
        const char *server, *name, *marker1, *marker2;
    } cases[] = {
        {"3DES:@SECLEVEL=0", "3DES", "DES-CBC3-", "DES-CBC3-"},
        {"aNULL:@SECLEVEL=0", "aNULL", "ADH-", "AECDH-"},
    };

    for (size_t i = 0; i < 2; i++) {
        SSL_CTX *server = tlsd_test_server_ctx(GOOD_CHAIN);
        tlsd_test_result r;

        CU_ASSERT_PTR_NOT_NULL_FATAL(server);
        if (!SSL_CTX_set_cipher_list(server, cases[i].server)) {
            ERR_clear_error();
            fprintf(stderr, "\n  SKIP: this OpenSSL has no %s suite (built with no-weak-ssl-ciphers)\n",
                    cases[i].name);
            SSL_CTX_free(server);
            continue;
        }
        CU_ASSERT(SSL_CTX_set_max_proto_version(server, TLS1_2_VERSION));
        CU_ASSERT_FALSE(client_handshake(server, ROOT, &r));
        load("CipherString = ALL:@SECLEVEL=0", NULL);
        CU_ASSERT(client_handshake(server, ROOT, &r));
        CU_ASSERT(strstr(r.cipher, cases[i].marker1) != NULL
                  || strstr(r.cipher, cases[i].marker2) != NULL);
        unload();
        load(NULL, NULL);
        CU_ASSERT_FALSE(client_handshake(server, ROOT, &r));
        unload();
        SSL_CTX_free(server);
    }
}

/* A leaf without authorityKeyIdentifier fails only under X509 strict. */
static void test_x509_strict(void)
{
    SSL_CTX *server = tlsd_test_server_ctx(tlsd_test_cert_path("noakid-chain.pem"));
    tlsd_test_result r;

    CU_ASSERT(client_handshake(server, ROOT, &r));
    load(NULL, NULL);
    CU_ASSERT_FALSE(client_handshake(server, ROOT, &r));
    CU_ASSERT_EQUAL(r.verify_result, X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER);
    unload();
    load("VerifyFlags = -X509Strict", NULL);
    CU_ASSERT(client_handshake(server, ROOT, &r));
    unload();
    SSL_CTX_free(server);
}

/* Trusting the intermediate alone works only with PARTIAL_CHAIN. */
static void test_partial_chain(void)
{
    SSL_CTX *server = tlsd_test_server_ctx(GOOD_CHAIN);
    const char *intermediate = tlsd_test_cert_path("intermediate.pem");
    tlsd_test_result r;

    CU_ASSERT_FALSE(client_handshake(server, intermediate, &r));
    CU_ASSERT_EQUAL(r.verify_result, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT);
    load(NULL, NULL);
    CU_ASSERT(client_handshake(server, intermediate, &r));
    unload();
    load("VerifyFlags = -PartialChain", NULL);
    CU_ASSERT_FALSE(client_handshake(server, intermediate, &r));
    unload();
    SSL_CTX_free(server);
}

/* The policy adds refusals and never removes one of OpenSSL's. */
static void test_bad_certificates_still_refused(void)
{
    static const struct {
        const char *chain;
        long error;
    } cases[] = {
        {"wronghost-chain.pem", X509_V_ERR_HOSTNAME_MISMATCH},
        {"expired-chain.pem", X509_V_ERR_CERT_HAS_EXPIRED},
        {"selfsigned.pem", X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT},
    };

    load(NULL, NULL);
    for (size_t i = 0; i < 3; i++) {
        SSL_CTX *server = tlsd_test_server_ctx(tlsd_test_cert_path(cases[i].chain));
        tlsd_test_result r;

        CU_ASSERT_FALSE(client_handshake(server, ROOT, &r));
        CU_ASSERT_EQUAL(r.verify_result, cases[i].error);
        SSL_CTX_free(server);
    }
    unload();
}

/* The application's own calls after SSL_CTX_new() win over the module. */
static void test_application_calls_win(void)
{
    SSL_CTX *old_server = server_with_versions(TLS1_VERSION, TLS1_VERSION);
    SSL_CTX *noakid = tlsd_test_server_ctx(tlsd_test_cert_path("noakid-chain.pem"));
    SSL_CTX *client;
    tlsd_test_result r;

    load(NULL, NULL);
    client = tlsd_test_client_ctx(ROOT);
    CU_ASSERT(SSL_CTX_set_min_proto_version(client, TLS1_VERSION));
    CU_ASSERT(SSL_CTX_set_cipher_list(client, "ALL:@SECLEVEL=0"));
    X509_VERIFY_PARAM_clear_flags(SSL_CTX_get0_param(client), X509_V_FLAG_X509_STRICT);
    CU_ASSERT(tlsd_test_handshake(client, old_server, "localhost", "localhost", &r));
    CU_ASSERT(tlsd_test_handshake(client, noakid, "localhost", "localhost", &r));
    unload();
    SSL_CTX_free(client);
    SSL_CTX_free(noakid);
    SSL_CTX_free(old_server);
}

/* system_default (ssl_conf) is applied by SSL_CTX_new() after the module,
 * so it wins for what it sets, in whichever order [openssl_init] names the
 * two. It cannot touch verify flags: X509 strict stays. */
static void test_system_default_applies_after_module(void)
{
    static const char *const system_default =
        "[ssl_sect]\nsystem_default = sd\n"
        "[sd]\nMinProtocol = TLSv1\nCipherString = ALL:@SECLEVEL=0\n";
    SSL_CTX *old_server = server_with_versions(TLS1_VERSION, TLS1_VERSION);
    SSL_CTX *noakid = tlsd_test_server_ctx(tlsd_test_cert_path("noakid-chain.pem"));

    for (int order = 0; order < 2; order++) {
        char extra[512];
        SSL_CTX *client;
        tlsd_test_result r;
        const char *path;

        if (order == 0) {
            /* ssl_conf named after tlsdefaults: reopen [openssl_init]. */
            snprintf(extra, sizeof(extra), "[openssl_init]\nssl_conf = ssl_sect\n%s", system_default);
            path = tlsd_test_write_cnf("sysdefault", NULL, NULL, NULL, extra);
        } else {
            path = tlsd_test_write_cnf("sysdefault", NULL, "ssl_conf = ssl_sect", NULL, system_default);
        }
        CU_ASSERT_EQUAL_FATAL(CONF_modules_load_file(path, NULL, 0), 1);
        client = tlsd_test_client_ctx(ROOT);
        CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(client), TLS1_VERSION);
        CU_ASSERT(tlsd_test_handshake(client, old_server, "localhost", "localhost", &r));
        CU_ASSERT_FALSE(tlsd_test_handshake(client, noakid, "localhost", "localhost", &r));
        CU_ASSERT_EQUAL(r.verify_result, X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER);
        unload();
        SSL_CTX_free(client);
    }
    SSL_CTX_free(noakid);
    SSL_CTX_free(old_server);
}

/* Loading twice is harmless, the newest load is in effect, and unloading
 * gives back OpenSSL's defaults. */
static void test_reload_and_unload(void)
{
    SSL_CTX *plain = SSL_CTX_new(TLS_client_method());
    SSL_CTX *ctx;
    const char *strict;

    load(NULL, NULL);
    load(NULL, NULL);
    ctx = SSL_CTX_new(TLS_client_method());
    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
    SSL_CTX_free(ctx);

    strict = tlsd_test_write_cnf("strict", NULL, NULL, "Profile = strict", NULL);
    CU_ASSERT_EQUAL_FATAL(CONF_modules_load_file(strict, NULL, 0), 1);
    ctx = SSL_CTX_new(TLS_client_method());
    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(ctx), TLS1_3_VERSION);
    SSL_CTX_free(ctx);

    unload();
    ctx = SSL_CTX_new(TLS_client_method());
    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(ctx), SSL_CTX_get_min_proto_version(plain));
    CU_ASSERT_EQUAL(SSL_CTX_get_options(ctx), SSL_CTX_get_options(plain));
    CU_ASSERT_EQUAL(X509_VERIFY_PARAM_get_flags(SSL_CTX_get0_param(ctx)), 0);
    SSL_CTX_free(ctx);
    SSL_CTX_free(plain);
}

/* SSL_connect() on a context made under a broken section: refused before
 * anything is sent, with our reason and the key at fault. */
/* Decision: a broken section fails closed. Without config_diagnostics the
 * load goes on (the rest of [openssl_init] still runs) and every context
 * refuses TLS; with it, OpenSSL fails the load and reports our errors. */
static void test_broken_section_fails_closed(void)
{
    SSL_CTX *server = tlsd_test_server_ctx(GOOD_CHAIN);
    SSL_CTX *client;
    tlsd_test_result r;
    const char *path;

    load("MinProtocol = TLSv9", NULL);
    client = tlsd_test_client_ctx(ROOT);
    tlsd_test_expect_refused(client, "key=MinProtocol value=TLSv9");
    CU_ASSERT_FALSE(client_handshake(server, ROOT, &r));
    unload();
    /* Contexts made after the unload are OpenSSL's again. */
    CU_ASSERT(client_handshake(server, ROOT, &r));
    SSL_CTX_free(client);

    path = tlsd_test_write_cnf("diagnostics", "config_diagnostics = 1", NULL,
                     "VerifyFlags = X509Strict, Bogus", NULL);
    ERR_clear_error();
    CU_ASSERT(CONF_modules_load_file(path, NULL, 0) <= 0);
    CU_ASSERT(tlsd_test_take_error(TLSD_R_BAD_VALUE, "unknown flag 'Bogus'"));
    client = tlsd_test_client_ctx(ROOT);
    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(client), 0);
    CU_ASSERT(client_handshake(server, ROOT, &r));
    unload();
    SSL_CTX_free(client);
    SSL_CTX_free(server);
}

static void test_missing_path_is_an_error(void)
{
    SSL_CTX *ctx;

    /* A second section without path: OpenSSL reuses the loaded module for
     * the name "tlsdefaults.second" and runs our init on that section. */
    load(NULL, "[openssl_init]\ntlsdefaults.second = second_sect\n"
               "[second_sect]\nProfile = strict\n");
    ctx = tlsd_test_client_ctx(ROOT);
    tlsd_test_expect_refused(ctx, "section second_sect: key=path is required");
    SSL_CTX_free(ctx);
    unload();
}

static void test_shipped_snippets_load(void)
{
    const char *files[] = {"tlsdefaults-user.cnf", "tlsdefaults-system.cnf"};

    for (size_t i = 0; i < 2; i++) {
        char src[4096], dst[4096], line[1024];
        FILE *in, *out;
        SSL_CTX *ctx;

        snprintf(src, sizeof(src), "%s/openssl-cnf/%s", TLSD_SOURCE_DIR, files[i]);
        snprintf(dst, sizeof(dst), "%s/%s", tlsd_test_certs_dir(), files[i]);
        in = fopen(src, "r");
        out = fopen(dst, "w");
        CU_ASSERT_FATAL(in != NULL && out != NULL);
        /* The drop-in reopens [openssl_init]; give it what openssl.cnf has. */
        if (i == 1)
            fprintf(out, "openssl_conf = openssl_init\n");
        while (fgets(line, sizeof(line), in) != NULL) {
            if (strncmp(line, "path = ", 7) == 0)
                fprintf(out, "path = %s\n", TLSD_MODULE_PATH);
            else
                fputs(line, out);
        }
        fclose(in);
        fclose(out);
        CU_ASSERT_EQUAL_FATAL(CONF_modules_load_file(dst, NULL, 0), 1);
        ctx = SSL_CTX_new(TLS_client_method());
        CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
        if (i == 0) {
            CU_ASSERT(X509_VERIFY_PARAM_get_flags(SSL_CTX_get0_param(ctx)) & X509_V_FLAG_X509_STRICT);
            CU_ASSERT_EQUAL(SSL_CTX_get_verify_mode(ctx), SSL_VERIFY_PEER);
        } else {
            /* The system drop-in audits the verification keys (Audit):
             * the program's own choices stay in effect. */
            CU_ASSERT_FALSE(X509_VERIFY_PARAM_get_flags(SSL_CTX_get0_param(ctx)) & X509_V_FLAG_X509_STRICT);
            CU_ASSERT_EQUAL(SSL_CTX_get_verify_mode(ctx), SSL_VERIFY_NONE);
        }
        SSL_CTX_free(ctx);
        unload();
    }
}

static void test_debug_trace(void)
{
    SSL_CTX *ctx;
    char expect[128], *text;
    FILE *f;
    long n;

    load(NULL, NULL);
    ctx = SSL_CTX_new(TLS_server_method());
    unload();
    f = fopen(debug_log, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    text = calloc(1, 1 << 20);
    n = (long)fread(text, 1, (1 << 20) - 1, f);
    fclose(f);
    CU_ASSERT(n > 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "section tlsdefaults_sect loaded; effective policy:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "Profile: python (python-3.13)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "MinProtocol: TLSv1.2 (profile python)"));
    snprintf(expect, sizeof(expect), "SSL_CTX %p (server): policy of section tlsdefaults_sect applied",
             (void *)ctx);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, expect));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "section tlsdefaults_sect unloaded"));
    free(text);
    SSL_CTX_free(ctx);
}

/* Through the module: a new client context of an unmodified program gets
 * exactly Mozilla's six TLS 1.2 suites and a TLS 1.2 floor. */
static void test_dated_profile_through_the_module(void)
{
    const char *want = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                       "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                       "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
    SSL_CTX *before = SSL_CTX_new(TLS_client_method()), *ctx;
    STACK_OF(SSL_CIPHER) *ciphers;
    char got[1024] = "";

    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    load("Profile = mozilla-intermediate-6.0\n", NULL);
    ctx = SSL_CTX_new(TLS_client_method());
    unload();
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    ciphers = SSL_CTX_get_ciphers(ctx);
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(ciphers, i);

        if (strcmp(SSL_CIPHER_get_version(c), "TLSv1.3") != 0)
            snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", got[0] ? ":" : "",
                     SSL_CIPHER_get_name(c));
    }
    CU_ASSERT_STRING_EQUAL(got, want);
    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
    /* The control: the context made before the module has neither. */
    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(before), 0);
    CU_ASSERT(sk_SSL_CIPHER_num(SSL_CTX_get_ciphers(before)) > 9);
    SSL_CTX_free(before);
    SSL_CTX_free(ctx);
}

static int suite_init(void)
{
    return tlsd_test_certs_dir() == NULL;
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"good servers still work", test_good_server_still_works},
        {"MinProtocol refuses TLS 1.0/1.1 peers", test_min_protocol_refuses_old_peers},
        {"CipherString refuses SHA-1 CBC and RSA key exchange", test_cipher_string_refuses_legacy_suites},
        {"CipherString refuses 3DES and aNULL", test_cipher_string_refuses_3des_and_anull},
        {"VerifyFlags X509Strict", test_x509_strict},
        {"VerifyFlags PartialChain", test_partial_chain},
        {"bad certificates still refused", test_bad_certificates_still_refused},
        {"application calls win", test_application_calls_win},
        {"system_default applies after the module", test_system_default_applies_after_module},
        {"reload and unload", test_reload_and_unload},
        {"broken section fails closed", test_broken_section_fails_closed},
        {"missing path is an error", test_missing_path_is_an_error},
        {"shipped openssl-cnf snippets load", test_shipped_snippets_load},
        {"debug trace", test_debug_trace},
        {"a dated profile through the module", test_dated_profile_through_the_module},
        CU_TEST_INFO_NULL,
    };

    /* The module reads TLSDEFAULTS_DEBUG once, on first use. */
    snprintf(debug_log, sizeof(debug_log), "%s/debug.log",
             tlsd_test_certs_dir() ? tlsd_test_certs_dir() : "/tmp");
    setenv("TLSDEFAULTS_DEBUG", debug_log, 1);
    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    return tlsd_test_main("config module", suite_init, NULL, tests);
}
