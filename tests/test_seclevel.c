/* SPDX-License-Identifier: Apache-2.0 */
/* Enforce holds the security level (issue 20, item 9). A client lowers the
 * level itself, in the three ways a program can (@SECLEVEL=0 in its own
 * cipher list, SSL_CTX_set_security_level, SSL_set_security_level), and
 * meets a server the policy's level refuses: an RSA-1024 leaf, a chain
 * signed with SHA-1, 1024-bit DH parameters. Under Enforce it is refused;
 * without Enforce (the negative control) the program's own level decides
 * and it connects. Also with the unmodified openssl s_client, and servers
 * under Enforce with their own certificates keep working. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <openssl/conf.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "tlsdefaults.h"
#include "test_certs.h"
#include "test_config.h"
#include "test_handshake.h"
#include "test_main.h"
#include "test_process.h"

#define CERT(name) tlsd_test_cert_path(name)

/* The python profile (@SECLEVEL=2) with and without the floor. */
static const char enforce[] = "Enforce = yes";
static const char no_enforce[] = "Enforce = no";

static char output[65536];

static void unload(void)
{
    CONF_modules_unload(0);
}

/* A server (made without the module) serving chain with key, at the level
 * 0 that lets it load a weak certificate. */
static SSL_CTX *weak_server(const char *chain, const char *key)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    SSL_CTX_set_security_level(ctx, 0);
    CU_ASSERT_FATAL(SSL_CTX_use_certificate_chain_file(ctx, CERT(chain)) == 1);
    CU_ASSERT_FATAL(SSL_CTX_use_PrivateKey_file(ctx, CERT(key), SSL_FILETYPE_PEM) == 1);
    return ctx;
}

/* A TLS 1.2 server that offers only DHE, with 1024-bit parameters. */
static SSL_CTX *small_dh_server(void)
{
    SSL_CTX *ctx = weak_server("leaf-chain.pem", "leaf-key.pem");
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
    OSSL_PARAM params[] = {
        OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"dh_1024_160", 0),
        OSSL_PARAM_END,
    };
    EVP_PKEY *dh = NULL;

    CU_ASSERT_FATAL(pc != NULL && EVP_PKEY_paramgen_init(pc) == 1
                    && EVP_PKEY_CTX_set_params(pc, params) == 1 && EVP_PKEY_paramgen(pc, &dh) == 1);
    EVP_PKEY_CTX_free(pc);
    CU_ASSERT_FATAL(SSL_CTX_set0_tmp_dh_pkey(ctx, dh) == 1);
    CU_ASSERT(SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION));
    CU_ASSERT(SSL_CTX_set_cipher_list(ctx, "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0"));
    return ctx;
}

/* The ways a program lowers the level: on its context, or on the SSL. */
typedef enum { OWN_CIPHER_LIST, CTX_LEVEL, SSL_LEVEL, LOWERS_NOTHING } lowering;

static const char *const lowering_names[] = {"@SECLEVEL=0 in its cipher list",
                                             "SSL_CTX_set_security_level(ctx, 0)",
                                             "SSL_set_security_level(ssl, 0)", "nothing"};

/* A client that verifies (the policy's VerifyPeer, TrustStore from
 * SSL_CERT_FILE) and lowers the level as told. */
static SSL_CTX *client(lowering how)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    if (how == OWN_CIPHER_LIST)
        CU_ASSERT(SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0"));
    if (how == CTX_LEVEL)
        SSL_CTX_set_security_level(ctx, 0);
    return ctx;
}

static int setup(SSL *ssl, void *arg)
{
    const lowering *how = arg;

    if (*how == SSL_LEVEL)
        SSL_set_security_level(ssl, 0);
    /* No RFC 7919 group offered: a 4.0 server then picks no DHE suite (and
     * one that shares a group uses it, not its own parameters). */
    return SSL_set_tlsext_host_name(ssl, "localhost") && SSL_set1_groups_list(ssl, "P-256:X25519");
}

/* One handshake of the client lowering as told, under keys. */
static int run(const char *keys, SSL_CTX *srv, lowering how, tlsd_test_result *r)
{
    SSL_CTX *c;
    int ok;

    tlsd_test_load_module("seclevel", keys, NULL);
    c = client(how);
    ok = tlsd_test_handshake_with(c, srv, setup, &how, r);
    SSL_CTX_free(c);
    unload();
    return ok;
}

static void expect(const char *keys, SSL_CTX *srv, const char *srv_name, lowering how, int want,
                   const char *reason)
{
    tlsd_test_result r;
    int got = run(keys, srv, how, &r);

    if (got != want || (reason != NULL && strstr(r.client_error, reason) == NULL))
        fprintf(stderr, "\n  %s, client lowering by %s, keys [%s]: want %s%s%s, got %s\n", srv_name,
                lowering_names[how], keys, want ? "connected" : "refused", reason ? " with " : "",
                reason ? reason : "", tlsd_test_result_str(&r));
    CU_ASSERT_EQUAL(got, want);
    if (reason != NULL)
        CU_ASSERT_PTR_NOT_NULL(strstr(r.client_error, reason));
}

static const char level_reason[] = "below the security level of tlsdefaults floor (Enforce)";

/* Each weak server, each way of lowering: refused under Enforce, with the
 * floor named when the peer's chain is what the level refuses; connects
 * without Enforce. Lowering nothing: the policy's level refuses either way. */
static void test_weak_servers(void)
{
    struct {
        const char *name;
        SSL_CTX *ctx;
        const char *reason; /* what the refusal names under Enforce */
    } servers[] = {
        {"RSA-1024 leaf", weak_server("rsa1024-chain.pem", "rsa1024-key.pem"), level_reason},
        {"SHA-1-signed leaf", weak_server("sha1-chain.pem", "leaf-key.pem"), level_reason},
        {"1024-bit DH", small_dh_server(), NULL},
    };

    for (size_t i = 0; i < sizeof(servers) / sizeof(servers[0]); i++) {
        for (int how = OWN_CIPHER_LIST; how <= SSL_LEVEL; how++) {
            expect(no_enforce, servers[i].ctx, servers[i].name, (lowering)how, 1, NULL);
            expect(enforce, servers[i].ctx, servers[i].name, (lowering)how, 0, servers[i].reason);
        }
        expect(no_enforce, servers[i].ctx, servers[i].name, LOWERS_NOTHING, 0, NULL);
        SSL_CTX_free(servers[i].ctx);
    }
}

/* A good server is unaffected, whatever the client lowered; and a server
 * under Enforce with its own certificate serves. */
static void test_good_servers_unaffected(void)
{
    SSL_CTX *good = tlsd_test_server_ctx(CERT("leaf-chain.pem")), *srv, *c;
    tlsd_test_result r;

    CU_ASSERT_PTR_NOT_NULL_FATAL(good);
    for (int how = OWN_CIPHER_LIST; how <= LOWERS_NOTHING; how++)
        expect(enforce, good, "good server", (lowering)how, 1, NULL);
    SSL_CTX_free(good);
    for (int strict = 0; strict <= 1; strict++) {
        tlsd_test_load_module("seclevel-server", strict ? "Profile = strict\nEnforce = yes" : enforce,
                              NULL);
        srv = tlsd_test_server_ctx(CERT("leaf-chain.pem"));
        CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
        SSL_CTX_set_security_level(srv, 0);
        unload();
        c = tlsd_test_client_ctx(CERT("root.pem"));
        CU_ASSERT(tlsd_test_handshake(c, srv, "localhost", "localhost", &r));
        SSL_CTX_free(c);
        SSL_CTX_free(srv);
    }
}

/* The command of the issue, unmodified: s_client lowers the level in its
 * own cipher list and reaches the RSA-1024 server without Enforce only. */
static void test_s_client(void)
{
    const char *const server_args[] = {"-cert", CERT("rsa1024-chain.pem"), "-cert_chain",
                                       CERT("intermediate.pem"), "-key", CERT("rsa1024-key.pem"),
                                       "-cipher", "ALL:@SECLEVEL=0", NULL};
    const char *const without_module[] = {"TLSDEFAULTS_DEBUG=", NULL};
    char enforce_cnf[512], plain_cnf[512], connect[32];
    const char *argv[] = {OPENSSL_PROGRAM, "s_client", "-connect", connect, "-servername", "localhost",
                          "-cipher", "ALL:@SECLEVEL=0", "-verify_return_error", "-CAfile",
                          CERT("root.pem"), "-brief", NULL};
    tlsd_test_server srv;
    int status;

    snprintf(enforce_cnf, sizeof(enforce_cnf), "%s", tlsd_test_write_cnf("seclevel-enforce", NULL, NULL, enforce, NULL));
    snprintf(plain_cnf, sizeof(plain_cnf), "%s", tlsd_test_write_cnf("seclevel-plain", NULL, NULL, no_enforce, NULL));
    CU_ASSERT_FATAL(tlsd_test_s_server_start(&srv, server_args, without_module));
    snprintf(connect, sizeof(connect), "127.0.0.1:%d", srv.port);
    status = tlsd_test_run(argv, tlsd_test_env_with(plain_cnf, 0), "", output, sizeof(output), 20);
    if (status != 0)
        fprintf(stderr, "\n  s_client without Enforce: %s\n", output);
    CU_ASSERT_EQUAL(status, 0);
    status = tlsd_test_run(argv, tlsd_test_env_with(enforce_cnf, 1), "", output, sizeof(output), 20);
    CU_ASSERT(tlsd_test_refused(status, "s_client @SECLEVEL=0 under Enforce", output));
    if (strstr(output, level_reason) == NULL || strstr(output, "Enforce: security level") == NULL)
        fprintf(stderr, "\n  s_client under Enforce said:\n%s\n", output);
    CU_ASSERT_PTR_NOT_NULL(strstr(output, level_reason));
    /* The trace says the floor raised the level. */
    CU_ASSERT_PTR_NOT_NULL(strstr(output, "Enforce: security level"));
    tlsd_test_s_server_stop(&srv);
}

static int init(void)
{
    if (tlsd_test_certs_dir() == NULL)
        return -1;
    /* TrustStore = system (the python profile) is the test root. */
    setenv("SSL_CERT_FILE", CERT("root.pem"), 1);
    return 0;
}

int main(void)
{
    static CU_TestInfo tests[] = {
        {"a client's lowered level against weak servers: refused under Enforce only", test_weak_servers},
        {"good servers, and servers under Enforce, unaffected", test_good_servers_unaffected},
        {"openssl s_client -cipher ALL:@SECLEVEL=0 against an RSA-1024 server", test_s_client},
        {NULL, NULL},
    };

    return tlsd_test_main("Enforce holds the security level", init, NULL, tests);
}
