/* SPDX-License-Identifier: Apache-2.0 */
/* Conformance of libtlsdefaults with CPython's create_default_context():
 * the policy table on the contexts it makes, and the behaviour behind each
 * row in real handshakes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "python_parity.h"
#include "test_certs.h"
#include "test_errors.h"
#include "test_handshake.h"
#include "test_main.h"
#include "test_process.h"
#include "tlsdefaults.h"

#define CERT(name) tlsd_test_cert_path(name)

static char keylog_env[4400];

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = malloc(1 << 20);

    CU_ASSERT_FATAL(f != NULL && buf != NULL);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* The certificates of a PEM file as concatenated DER. */
static unsigned char *der_of(const char *pem_path, size_t *len)
{
    FILE *f = fopen(pem_path, "r");
    unsigned char *der = malloc(1 << 16), *p = der;
    X509 *x;

    CU_ASSERT_FATAL(f != NULL && der != NULL);
    while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
        i2d_X509(x, &p);
        X509_free(x);
    }
    ERR_clear_error();
    fclose(f);
    *len = (size_t)(p - der);
    return der;
}

static void test_policy_table_client(void)
{
    SSL_CTX *ctx = tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, CERT("root.pem"), NULL, NULL, 0);
    X509_VERIFY_PARAM *param;
    STACK_OF(SSL_CIPHER) *ciphers;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    param = SSL_CTX_get0_param(ctx);
    ciphers = SSL_CTX_get_ciphers(ctx);
    CU_ASSERT_PTR_EQUAL(SSL_CTX_get_ssl_method(ctx), TLS_client_method());
    CU_ASSERT_EQUAL(SSL_CTX_get_options(ctx), PYTHON_OPTIONS);
    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
    CU_ASSERT_EQUAL(SSL_CTX_get_max_proto_version(ctx), 0);
    CU_ASSERT_EQUAL(SSL_CTX_get_verify_mode(ctx), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
    CU_ASSERT_EQUAL(X509_VERIFY_PARAM_get_flags(param), 0x88020);
    CU_ASSERT_EQUAL(X509_VERIFY_PARAM_get_hostflags(param), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    CU_ASSERT(SSL_CTX_get_mode(ctx) & SSL_MODE_RELEASE_BUFFERS);
    CU_ASSERT_EQUAL(sk_SSL_CIPHER_num(ciphers), PYTHON_CIPHER_COUNT + 3);
    for (int i = 0; i < PYTHON_CIPHER_COUNT; i++)
        CU_ASSERT_STRING_EQUAL(SSL_CIPHER_get_name(sk_SSL_CIPHER_value(ciphers, i + 3)), python_ciphers[i]);
    CU_ASSERT_PTR_NULL(SSL_CTX_get_keylog_callback(ctx));
    SSL_CTX_free(ctx);
}

static void test_policy_table_server(void)
{
    SSL_CTX *ctx = tlsd_create_default_context(TLSD_PURPOSE_CLIENT_AUTH, NULL, NULL, NULL, 0);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT_PTR_EQUAL(SSL_CTX_get_ssl_method(ctx), TLS_server_method());
    CU_ASSERT_EQUAL(SSL_CTX_get_options(ctx), PYTHON_OPTIONS);
    CU_ASSERT_EQUAL(SSL_CTX_get_verify_mode(ctx), SSL_VERIFY_NONE);
    CU_ASSERT_EQUAL(X509_VERIFY_PARAM_get_flags(SSL_CTX_get0_param(ctx)), 0x88020);
    /* A server context loads no default CAs. */
    CU_ASSERT_EQUAL(sk_X509_OBJECT_num(X509_STORE_get0_objects(SSL_CTX_get_cert_store(ctx))), 0);
    SSL_CTX_free(ctx);
}

static void test_unknown_purpose(void)
{
    ERR_clear_error();
    CU_ASSERT_PTR_NULL(tlsd_create_default_context((tlsd_purpose)3, NULL, NULL, NULL, 0));
    CU_ASSERT(tlsd_test_take_error(TLSD_R_BAD_PURPOSE, "purpose=3"));
}

static int set_hostname(SSL *client, void *arg)
{
    return tlsd_set_server_hostname(client, arg);
}

/* A client from the library against a server with this chain. */
static int connect_to(const char *chain, const char *hostname, const char *ca_file,
                      tlsd_test_result *r)
{
    SSL_CTX *client = tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, ca_file, NULL, NULL, 0);
    SSL_CTX *server = tlsd_test_server_ctx(CERT(chain));
    int ok;

    CU_ASSERT_FATAL(client != NULL && server != NULL);
    ok = tlsd_test_handshake_with(client, server, set_hostname, (void *)hostname, r);
    SSL_CTX_free(client);
    SSL_CTX_free(server);
    return ok;
}

static void test_servers_accepted_and_refused(void)
{
    static const struct {
        const char *chain, *host, *ca;
        long verify;
    } cases[] = {
        {"leaf-chain.pem", "localhost", "root.pem", X509_V_OK},
        {"leaf-chain.pem", "LocalHost", "root.pem", X509_V_OK},
        {"leaf-chain.pem", "127.0.0.1", "root.pem", X509_V_OK},
        {"leaf-chain.pem", "::1", "root.pem", X509_V_OK},
        {"leaf-chain.pem", "intermediate.pem", "intermediate.pem", X509_V_OK}, /* partial */
        {"leaf-chain.pem", "127.0.0.2", "root.pem", X509_V_ERR_IP_ADDRESS_MISMATCH},
        {"leaf-chain.pem", "example.com", "root.pem", X509_V_ERR_HOSTNAME_MISMATCH},
        {"wronghost-chain.pem", "localhost", "root.pem", X509_V_ERR_HOSTNAME_MISMATCH},
        {"expired-chain.pem", "localhost", "root.pem", X509_V_ERR_CERT_HAS_EXPIRED},
        {"selfsigned.pem", "localhost", "root.pem", X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT},
        {"leaf-chain.pem", "localhost", "selfsigned.pem", X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY},
        {"noakid-chain.pem", "localhost", "root.pem", X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *host = strcmp(cases[i].host, "intermediate.pem") == 0 ? "localhost" : cases[i].host;
        tlsd_test_result r;
        int ok = connect_to(cases[i].chain, host, CERT(cases[i].ca), &r);

        if (ok != (cases[i].verify == X509_V_OK) || r.verify_result != cases[i].verify)
            fprintf(stderr, "\n  case %zu (%s, %s): %s\n", i, cases[i].chain, host, tlsd_test_result_str(&r));
        CU_ASSERT_EQUAL(ok, cases[i].verify == X509_V_OK);
        CU_ASSERT_EQUAL(r.verify_result, cases[i].verify);
    }
}

static void test_weak_protocol_server_refused(void)
{
    SSL_CTX *client = tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, CERT("root.pem"), NULL, NULL, 0);
    SSL_CTX *server = tlsd_test_server_ctx(CERT("leaf-chain.pem"));
    tlsd_test_result r;

    CU_ASSERT_FATAL(client != NULL && server != NULL);
    CU_ASSERT(SSL_CTX_set_cipher_list(server, "ALL:@SECLEVEL=0"));
    CU_ASSERT(SSL_CTX_set_max_proto_version(server, TLS1_1_VERSION));
    CU_ASSERT_FALSE(tlsd_test_handshake_with(client, server, set_hostname, "localhost", &r));
    /* The control: the same server, the client's floor lowered. */
    CU_ASSERT(SSL_CTX_set_min_proto_version(client, TLS1_1_VERSION));
    CU_ASSERT(SSL_CTX_set_cipher_list(client, "ALL:@SECLEVEL=0"));
    CU_ASSERT(tlsd_test_handshake_with(client, server, set_hostname, "localhost", &r));
    SSL_CTX_free(client);
    SSL_CTX_free(server);
}

static void test_cadata_pem_and_der(void)
{
    size_t pem_len, der_len;
    char *pem = read_file(CERT("root.pem"), &pem_len);
    unsigned char *der = der_of(CERT("leaf-chain.pem"), &der_len); /* leaf + intermediate */
    char with_junk[8192];
    tlsd_test_result r;
    SSL_CTX *client, *server = tlsd_test_server_ctx(CERT("leaf-chain.pem"));

    /* PEM text with junk around the block. */
    snprintf(with_junk, sizeof(with_junk), "some text\n%s\ntrailing words\n", pem);
    client = tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, NULL, NULL, with_junk, strlen(with_junk));
    CU_ASSERT_PTR_NOT_NULL_FATAL(client);
    CU_ASSERT(tlsd_test_handshake_with(client, server, set_hostname, "localhost", &r));
    SSL_CTX_free(client);

    /* Two DER certificates back to back: the intermediate is an anchor. */
    client = tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, NULL, NULL, der, der_len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(client);
    CU_ASSERT_EQUAL(sk_X509_OBJECT_num(X509_STORE_get0_objects(SSL_CTX_get_cert_store(client))), 2);
    CU_ASSERT(tlsd_test_handshake_with(client, server, set_hostname, "localhost", &r));
    SSL_CTX_free(client);
    SSL_CTX_free(server);
    free(pem);
    free(der);
}

static void test_cadata_errors(void)
{
    size_t key_len, der_len;
    char *key = read_file(CERT("root-key.pem"), &key_len);
    unsigned char *der = der_of(CERT("root.pem"), &der_len);
    unsigned char der_junk[8192];
    size_t pem_len;
    char *pem = read_file(CERT("root.pem"), &pem_len);
    SSL_CTX *ctx;
    static const char garbage[] = "not a certificate at all";

    memcpy(der_junk, der, der_len);
    memcpy(der_junk + der_len, "\x30\x03junk", 6);
    ERR_clear_error();
    CU_ASSERT_PTR_NULL(tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, NULL, NULL, "", 0));
    CU_ASSERT(tlsd_test_take_error(TLSD_R_EMPTY_CADATA, NULL));
    CU_ASSERT_PTR_NULL(tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, NULL, NULL, garbage, sizeof(garbage) - 1));
    CU_ASSERT(tlsd_test_take_error(TLSD_R_BAD_CADATA, "PEM cadata: 0 certificate(s)"));
    CU_ASSERT_PTR_NULL(tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, NULL, NULL, key, key_len));
    CU_ASSERT(tlsd_test_take_error(TLSD_R_BAD_CADATA, NULL));
    CU_ASSERT_PTR_NULL(tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, NULL, NULL, pem, pem_len / 2));
    CU_ASSERT(tlsd_test_take_error(TLSD_R_BAD_CADATA, NULL));
    CU_ASSERT_PTR_NULL(tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, NULL, NULL, der_junk, der_len + 6));
    CU_ASSERT(tlsd_test_take_error(TLSD_R_BAD_CADATA, "DER cadata"));
    CU_ASSERT_PTR_NULL(tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, "/nonexistent/ca.pem", NULL, NULL, 0));
    CU_ASSERT(tlsd_test_take_error(TLSD_R_CANNOT_LOAD_CAFILE, "cafile=/nonexistent/ca.pem"));

    /* Nothing half-loaded: good cadata with a missing file adds nothing. */
    ctx = tlsd_create_default_context(TLSD_PURPOSE_CLIENT_AUTH, NULL, NULL, NULL, 0);
    CU_ASSERT_EQUAL(tlsd_load_verify_locations(ctx, "/nonexistent/ca.pem", NULL, pem, pem_len), 0);
    CU_ASSERT_EQUAL(sk_X509_OBJECT_num(X509_STORE_get0_objects(SSL_CTX_get_cert_store(ctx))), 0);
    CU_ASSERT_EQUAL(tlsd_load_verify_locations(ctx, NULL, NULL, NULL, 0), 0);
    CU_ASSERT(tlsd_test_take_error(TLSD_R_NO_VERIFY_LOCATIONS, NULL));
    /* A directory that does not exist is accepted, as in Python. */
    CU_ASSERT_EQUAL(tlsd_load_verify_locations(ctx, NULL, "/nonexistent/dir", NULL, 0), 1);
    SSL_CTX_free(ctx);
    free(key);
    free(der);
    free(pem);
}

/* SSL_CERT_FILE points at the test root (set in main before first use). */
static void test_system_store_shared_and_isolated(void)
{
    SSL_CTX *a = tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, NULL, NULL, NULL, 0);
    SSL_CTX *b = tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, NULL, NULL, NULL, 0);
    SSL_CTX *chain = tlsd_test_server_ctx(CERT("leaf-chain.pem"));
    SSL_CTX *leaf_only = tlsd_test_server_ctx(CERT("leaf.pem"));
    tlsd_test_result r;

    CU_ASSERT_FATAL(a && b && chain && leaf_only);
    CU_ASSERT(tlsd_test_handshake_with(a, chain, set_hostname, "localhost", &r));
    /* The server leaves out its intermediate: only a context that was given
     * it can verify; the other, sharing the system store, cannot. */
    CU_ASSERT(tlsd_load_verify_locations(a, CERT("intermediate.pem"), NULL, NULL, 0));
    CU_ASSERT(tlsd_test_handshake_with(a, leaf_only, set_hostname, "localhost", &r));
    CU_ASSERT_FALSE(tlsd_test_handshake_with(b, leaf_only, set_hostname, "localhost", &r));
    CU_ASSERT(tlsd_test_handshake_with(b, chain, set_hostname, "localhost", &r));
    SSL_CTX_free(a);
    SSL_CTX_free(b);
    SSL_CTX_free(chain);
    SSL_CTX_free(leaf_only);
}

static int count_lines(const char *text, const char *label)
{
    int n = 0;

    for (const char *p = text; (p = strstr(p, label)) != NULL; p++)
        n += (p == text || p[-1] == '\n');
    return n;
}

static void test_keylog(void)
{
    SSL_CTX *client, *server = tlsd_create_default_context(TLSD_PURPOSE_CLIENT_AUTH, NULL, NULL, NULL, 0);
    char path[4200], out[256];
    size_t len;
    char *text;
    tlsd_test_result r;

    snprintf(path, sizeof(path), "%s/keys.log", tlsd_test_certs_dir());
    /* The client takes SSLKEYLOGFILE, the server the explicit call. */
    snprintf(keylog_env, sizeof(keylog_env), "SSLKEYLOGFILE=%s", path);
    putenv(keylog_env);
    client = tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, CERT("root.pem"), NULL, NULL, 0);
    unsetenv("SSLKEYLOGFILE");
    CU_ASSERT_FATAL(client != NULL && server != NULL);
    CU_ASSERT(SSL_CTX_use_certificate_chain_file(server, CERT("leaf-chain.pem")) == 1);
    CU_ASSERT(SSL_CTX_use_PrivateKey_file(server, CERT("leaf-key.pem"), SSL_FILETYPE_PEM) == 1);
    CU_ASSERT(tlsd_set_keylog_file(server, path) == 1);
    CU_ASSERT(tlsd_test_handshake_with(client, server, set_hostname, "localhost", &r));
    CU_ASSERT_STRING_EQUAL(r.version, "TLSv1.3");

    text = read_file(path, &len);
    CU_ASSERT(strncmp(text, "# TLS secrets log file, generated by tlsdefaults\n", 49) == 0);
    /* Five secrets on each side in TLS 1.3. */
    CU_ASSERT_EQUAL(count_lines(text, "CLIENT_HANDSHAKE_TRAFFIC_SECRET "), 2);
    CU_ASSERT_EQUAL(count_lines(text, "SERVER_HANDSHAKE_TRAFFIC_SECRET "), 2);
    CU_ASSERT_EQUAL(count_lines(text, "CLIENT_TRAFFIC_SECRET_0 "), 2);
    CU_ASSERT_EQUAL(count_lines(text, "SERVER_TRAFFIC_SECRET_0 "), 2);
    CU_ASSERT_EQUAL(count_lines(text, "EXPORTER_SECRET "), 2);
    {
        /* "<LABEL> <64 hex client random> <hex secret>" */
        char label[64], random[128], secret[256];
        const char *line = strchr(text, '\n') + 1;

        CU_ASSERT_EQUAL(sscanf(line, "%63s %127s %255s", label, random, secret), 3);
        CU_ASSERT_EQUAL(strlen(random), 64);
        CU_ASSERT_EQUAL(strspn(random, "0123456789abcdef"), 64);
        CU_ASSERT(strlen(secret) == 64 || strlen(secret) == 96);
    }
    free(text);

    /* Another process reads the same lines. */
    {
        const char *argv[] = {"grep", "-c", "^CLIENT_TRAFFIC_SECRET_0 ", path, NULL};

        CU_ASSERT_EQUAL(tlsd_test_run(argv, NULL, NULL, out, sizeof(out), 10), 0);
        CU_ASSERT_STRING_EQUAL(out, "2\n");
    }
    CU_ASSERT(tlsd_set_keylog_file(server, NULL) == 1);
    CU_ASSERT_PTR_NULL(SSL_CTX_get_keylog_callback(server));
    ERR_clear_error();
    CU_ASSERT(tlsd_set_keylog_file(server, "/nonexistent/dir/keys.log") == 0);
    CU_ASSERT(tlsd_test_take_error(TLSD_R_CANNOT_OPEN_KEYLOG, "path=/nonexistent/dir/keys.log"));
    SSL_CTX_free(client);
    SSL_CTX_free(server);
}

static int suite_init(void)
{
    return tlsd_test_certs_dir() == NULL;
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"policy table: client context", test_policy_table_client},
        {"policy table: server context", test_policy_table_server},
        {"unknown purpose", test_unknown_purpose},
        {"servers accepted and refused", test_servers_accepted_and_refused},
        {"weak protocol server refused", test_weak_protocol_server_refused},
        {"cadata PEM and DER", test_cadata_pem_and_der},
        {"cadata and CA file errors", test_cadata_errors},
        {"system store shared and isolated", test_system_store_shared_and_isolated},
        {"key log", test_keylog},
        CU_TEST_INFO_NULL,
    };

    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    if (tlsd_test_certs_dir() != NULL) {
        /* The "system" store of this process is the test root. */
        setenv("SSL_CERT_FILE", tlsd_test_cert_path("root.pem"), 1);
        setenv("SSL_CERT_DIR", "/nonexistent", 1);
    }
    unsetenv("SSLKEYLOGFILE");
    return tlsd_test_main("helper library", suite_init, NULL, tests);
}
