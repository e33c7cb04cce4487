/* SPDX-License-Identifier: Apache-2.0 */
/* An audited key and the same key enforced give the same verdict on the
 * same connection (issue 20, item 4). For every key Audit can name, the
 * same connections run once with the key enforced and once audited:
 * refused when enforced <=> a line naming that key when audited, and
 * connected when enforced <=> no line. Each key has at least one
 * connection it refuses and one it accepts. Also the case that the side
 * verification got wrong: a careless client relying on TrustStore reaches
 * a good server of that store, under the shipped system drop-in's Audit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/conf.h>
#include <openssl/ssl.h>

#include "test_certs.h"
#include "test_config.h"
#include "test_files.h"
#include "test_handshake.h"
#include "test_main.h"

#define CERT(name) tlsd_test_cert_path(name)

static char log_path[512], text[1 << 16];

static const char *read_log(void)
{
    return tlsd_test_read_file(log_path, text, sizeof(text));
}

/* --- Servers, made without the module ------------------------------------ */

enum { GOOD, GOOD_TLS12, SELF_SIGNED, WRONG_HOST, NO_AKID, TLS11, WEAK_SUITE, CHACHA_ONLY,
       AES256_ONLY, RSA1024, SERVERS };
static SSL_CTX *servers[SERVERS];
static const char *const server_names[SERVERS] = {
    "good", "good (TLS 1.2)", "self-signed", "wrong host", "no AKID (X509 strict)", "TLS 1.1",
    "AES128-SHA only", "TLS 1.3 ChaCha20 only", "TLS 1.3 AES-256 only", "RSA-1024 leaf"};

static SSL_CTX *serving(const char *chain, const char *key)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

    if (ctx == NULL)
        return NULL;
    SSL_CTX_set_security_level(ctx, 0);
    if (SSL_CTX_use_certificate_chain_file(ctx, CERT(chain)) != 1
        || SSL_CTX_use_PrivateKey_file(ctx, CERT(key), SSL_FILETYPE_PEM) != 1) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

static int make_servers(void)
{
    servers[GOOD] = serving("leaf-chain.pem", "leaf-key.pem");
    servers[GOOD_TLS12] = serving("leaf-chain.pem", "leaf-key.pem");
    servers[SELF_SIGNED] = serving("selfsigned.pem", "leaf-key.pem");
    servers[WRONG_HOST] = serving("wronghost-chain.pem", "leaf-key.pem");
    servers[NO_AKID] = serving("noakid-chain.pem", "leaf-key.pem");
    servers[TLS11] = serving("leaf-chain.pem", "leaf-key.pem");
    servers[WEAK_SUITE] = serving("leaf-chain.pem", "leaf-key.pem");
    servers[CHACHA_ONLY] = serving("leaf-chain.pem", "leaf-key.pem");
    servers[AES256_ONLY] = serving("leaf-chain.pem", "leaf-key.pem");
    servers[RSA1024] = serving("rsa1024-chain.pem", "rsa1024-key.pem");
    for (int i = 0; i < SERVERS; i++)
        if (servers[i] == NULL)
            return 0;
    return SSL_CTX_set_max_proto_version(servers[GOOD_TLS12], TLS1_2_VERSION)
           && SSL_CTX_set_cipher_list(servers[TLS11], "ALL:@SECLEVEL=0")
           && SSL_CTX_set_min_proto_version(servers[TLS11], TLS1_1_VERSION)
           && SSL_CTX_set_max_proto_version(servers[TLS11], TLS1_1_VERSION)
           && SSL_CTX_set_cipher_list(servers[WEAK_SUITE], "AES128-SHA:@SECLEVEL=0")
           && SSL_CTX_set_max_proto_version(servers[WEAK_SUITE], TLS1_2_VERSION)
           && SSL_CTX_set_ciphersuites(servers[CHACHA_ONLY], "TLS_CHACHA20_POLY1305_SHA256")
           && SSL_CTX_set_min_proto_version(servers[CHACHA_ONLY], TLS1_3_VERSION)
           && SSL_CTX_set_ciphersuites(servers[AES256_ONLY], "TLS_AES_256_GCM_SHA384")
           && SSL_CTX_set_min_proto_version(servers[AES256_ONLY], TLS1_3_VERSION);
}

/* --- Clients, made under the module ---------------------------------------- */

/* SSL_CTX_new() and nothing else. */
static SSL_CTX *careless(void)
{
    return SSL_CTX_new(TLS_client_method());
}

/* Asks for TLS 1.1 and every suite at level 0, and trusts the root. */
static SSL_CTX *old_client(void)
{
    SSL_CTX *ctx = careless();

    if (ctx != NULL
        && !(SSL_CTX_load_verify_locations(ctx, CERT("root.pem"), NULL) == 1
             && SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0")
             && SSL_CTX_set_min_proto_version(ctx, TLS1_1_VERSION))) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* --- The table -------------------------------------------------------------- */

typedef struct {
    SSL_CTX *(*client)(void);
    int server;
    int refused; /* what the key, enforced, does to it */
} connection;

static const struct {
    const char *key;  /* as Audit names it, and as the line's reason names it */
    const char *keys; /* the policy with the key enforced; "Audit = key" is added */
    connection connections[5];
} table[] = {
    {"MinProtocol", "CipherString = ALL:@SECLEVEL=0",
     {{careless, TLS11, 1}, {careless, GOOD, 0}}},
    {"CipherString", "",
     {{careless, WEAK_SUITE, 1}, {careless, GOOD_TLS12, 0}}},
    {"Ciphersuites", "Ciphersuites = TLS_AES_256_GCM_SHA384",
     {{careless, CHACHA_ONLY, 1}, {careless, AES256_ONLY, 0}}},
    {"VerifyFlags", "",
     {{careless, NO_AKID, 1}, {careless, GOOD, 0}}},
    {"VerifyPeer", "",
     {{careless, SELF_SIGNED, 1}, {careless, GOOD, 0}, {careless, GOOD_TLS12, 0}}},
    {"HostnameCheck", "",
     {{careless, WRONG_HOST, 1}, {careless, GOOD, 0}}},
    {"Enforce", "Enforce = yes",
     {{old_client, TLS11, 1}, {old_client, RSA1024, 1}, {old_client, GOOD, 0}, {old_client, GOOD_TLS12, 0}}},
};

/* One handshake under keys; the module is unloaded and the client freed
 * (its line written) before returning. */
static int run(const char *keys, const connection *c, tlsd_test_result *r)
{
    char all[1024];
    SSL_CTX *client;
    int ok;

    unlink(log_path);
    snprintf(all, sizeof(all), "AuditLog = %s\n%s", log_path, keys);
    tlsd_test_load_module("audit-parity", all, NULL);
    client = c->client();
    CU_ASSERT_PTR_NOT_NULL_FATAL(client);
    ok = tlsd_test_handshake(client, servers[c->server], "localhost", NULL, r);
    SSL_CTX_free(client);
    CONF_modules_unload(0);
    return ok;
}

static void test_same_verdict_for_every_key(void)
{
    for (size_t k = 0; k < sizeof(table) / sizeof(table[0]); k++) {
        for (const connection *c = table[k].connections; c->client != NULL; c++) {
            char audited[512], reason[64];
            tlsd_test_result r;
            int enforced_ok = run(table[k].keys, c, &r), audited_ok, line;
            const char *log;

            if (enforced_ok == c->refused)
                fprintf(stderr, "\n  %s enforced, %s server: want %s, %s\n", table[k].key,
                        server_names[c->server], c->refused ? "refused" : "connected",
                        tlsd_test_result_str(&r));
            CU_ASSERT_EQUAL(enforced_ok, !c->refused);
            snprintf(audited, sizeof(audited), "%s\nAudit = %s", table[k].keys, table[k].key);
            audited_ok = run(audited, c, &r);
            log = read_log();
            snprintf(reason, sizeof(reason), "%s:", table[k].key);
            line = strstr(log, "audit program=") != NULL;
            /* Audit never refuses; it writes a line, naming the key, for
             * what the key refuses, and no line for the rest. */
            if (!audited_ok || line != !enforced_ok || (line && strstr(log, reason) == NULL))
                fprintf(stderr, "\n  %s audited, %s server (enforced: %s): %s; log: [%s]\n",
                        table[k].key, server_names[c->server], enforced_ok ? "connected" : "refused",
                        tlsd_test_result_str(&r), log);
            CU_ASSERT(audited_ok);
            CU_ASSERT_EQUAL(line, !enforced_ok);
            if (line)
                CU_ASSERT_PTR_NOT_NULL(strstr(log, reason));
        }
    }
}

/* The shipped system drop-in audits VerifyPeer, HostnameCheck and
 * VerifyFlags; the careless client relies on TrustStore, "system" (here
 * SSL_CERT_FILE) or a path, and reaches a good server of that store: no
 * line, as enforced it connects. A self-signed server is still a line. */
static void test_trust_store_audited_as_enforced(void)
{
    static const char *const stores[] = {"TrustStore = system", NULL};
    char path_keys[700];
    const connection good = {careless, GOOD, 0}, bad = {careless, SELF_SIGNED, 1};
    tlsd_test_result r;

    snprintf(path_keys, sizeof(path_keys), "TrustStore = %s", CERT("root.pem"));
    for (int i = 0; i < 2; i++) {
        const char *store = stores[i] != NULL ? stores[i] : path_keys;
        char audited[900];

        snprintf(audited, sizeof(audited), "%s\nAudit = VerifyPeer, HostnameCheck, VerifyFlags", store);
        CU_ASSERT(run(store, &good, &r));
        CU_ASSERT(run(audited, &good, &r));
        if (strstr(read_log(), "audit program=") != NULL)
            fprintf(stderr, "\n  [%s] a good server of the store is audited: %s\n", store, text);
        CU_ASSERT_PTR_NULL(strstr(text, "audit program="));
        CU_ASSERT_FALSE(run(store, &bad, &r));
        CU_ASSERT(run(audited, &bad, &r));
        CU_ASSERT_PTR_NOT_NULL(strstr(read_log(), "reasons=VerifyPeer:unverified"));
    }
}

static int init(void)
{
    if (tlsd_test_certs_dir() == NULL)
        return -1;
    /* "system" is the test root. */
    setenv("SSL_CERT_FILE", CERT("root.pem"), 1);
    snprintf(log_path, sizeof(log_path), "%s/audit-parity.log", tlsd_test_certs_dir());
    return make_servers() ? 0 : -1;
}

static int cleanup(void)
{
    for (int i = 0; i < SERVERS; i++)
        SSL_CTX_free(servers[i]);
    return 0;
}

int main(void)
{
    static CU_TestInfo tests[] = {
        {"TrustStore: a good server audited as enforced (no line)", test_trust_store_audited_as_enforced},
        {"every auditable key: the same verdict audited and enforced", test_same_verdict_for_every_key},
        {NULL, NULL},
    };

    return tlsd_test_main("audit parity", init, cleanup, tests);
}
