/* SPDX-License-Identifier: Apache-2.0 */
/* The attacks of the security review (issue 12), each performed for real:
 * a handshake the module must refuse, next to the same handshake accepted
 * where the module is not the cause (no module, or the key off).
 *
 * The process's "system" store is system-bundle.pem: two public roots,
 * root.pem (A) and other-root.pem (B). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "test_certs.h"
#include "test_config.h"
#include "test_handshake.h"
#include "test_main.h"

#define ROOT_A tlsd_test_cert_path("root.pem")
#define CHAIN_A tlsd_test_cert_path("leaf-chain.pem")
#define LEAF_B tlsd_test_cert_path("other-leaf.pem")
#define LEAF_KEY tlsd_test_cert_path("leaf-key.pem")

static char hashed_dir_a[600];

static void load(const char *keys)
{
    tlsd_test_load_module("attacks", keys, NULL);
}

static void unload(void)
{
    CONF_modules_unload(0);
}

static SSL_CTX *new_ctx(const SSL_METHOD *method)
{
    SSL_CTX *ctx = SSL_CTX_new(method);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    return ctx;
}

static SSL_CTX *server(const char *chain)
{
    SSL_CTX *ctx = tlsd_test_server_ctx(chain);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    return ctx;
}

/* A client that pins root A: it verifies, with A as its only anchor. */
static SSL_CTX *pinned_to_a(const SSL_METHOD *method)
{
    SSL_CTX *ctx = new_ctx(method);

    CU_ASSERT_FATAL(SSL_CTX_load_verify_locations(ctx, ROOT_A, NULL) == 1);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return ctx;
}

static int connects(SSL_CTX *client, SSL_CTX *srv)
{
    tlsd_test_result r;

    return tlsd_test_handshake(client, srv, "localhost", NULL, &r);
}

/* --- Finding 1: TrustStore widened a pinned CA ---------------------------- */

/* Context 1 pins A; context 2 has no anchors of its own and reads the
 * shared store, which holds A too. Context 1 must refuse B's server
 * before and after, and so must a fresh pinned context. */
static void test_pinned_root_is_never_widened(void)
{
    const char *keys = "TrustStore = system\nHostnameCheck = no";
    SSL_CTX *server_a = server(CHAIN_A), *server_b = server(LEAF_B);
    SSL_CTX *pinned, *pinned_generic, *anchorless, *fresh;

    /* Without the module, the pin holds (the control). */
    pinned = pinned_to_a(TLS_client_method());
    CU_ASSERT_FALSE(connects(pinned, server_b));
    CU_ASSERT_TRUE(connects(pinned, server_a));
    SSL_CTX_free(pinned);

    load(keys);
    pinned = pinned_to_a(TLS_client_method());
    pinned_generic = pinned_to_a(TLS_method());
    anchorless = new_ctx(TLS_client_method());
    /* Before the shared store is read... */
    CU_ASSERT_FALSE(connects(pinned, server_b));
    /* ...which the anchorless context does here, finding A... */
    CU_ASSERT_TRUE(connects(anchorless, server_a));
    CU_ASSERT_TRUE(connects(anchorless, server_b));
    /* ...and after. */
    CU_ASSERT_FALSE(connects(pinned, server_b));
    CU_ASSERT_FALSE(connects(pinned_generic, server_b));
    CU_ASSERT_TRUE(connects(pinned, server_a));
    CU_ASSERT_FALSE(connects(pinned, server_b));
    fresh = pinned_to_a(TLS_client_method());
    CU_ASSERT_FALSE(connects(fresh, server_b));
    CU_ASSERT_TRUE(connects(fresh, server_a));
    SSL_CTX_free(fresh);
    SSL_CTX_free(anchorless);
    SSL_CTX_free(pinned_generic);
    SSL_CTX_free(pinned);
    unload();
    SSL_CTX_free(server_a);
    SSL_CTX_free(server_b);
}

/* --- Finding 2: client certificates checked against the system store ----- */

/* An mTLS server on TLS_method() that trusts only A, from a file or from a
 * hashed directory. */
static SSL_CTX *mtls_server(int from_dir)
{
    SSL_CTX *ctx = new_ctx(TLS_method());

    CU_ASSERT_FATAL(SSL_CTX_use_certificate_chain_file(ctx, CHAIN_A) == 1);
    CU_ASSERT_FATAL(SSL_CTX_use_PrivateKey_file(ctx, LEAF_KEY, SSL_FILETYPE_PEM) == 1);
    CU_ASSERT_FATAL((from_dir ? SSL_CTX_load_verify_dir(ctx, hashed_dir_a)
                              : SSL_CTX_load_verify_file(ctx, ROOT_A)) == 1);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    return ctx;
}

/* The other side: a client with a certificate, trusting A for the server. */
static SSL_CTX *client_with_cert(const char *cert)
{
    SSL_CTX *ctx = tlsd_test_client_ctx(ROOT_A);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT_FATAL(SSL_CTX_use_certificate_chain_file(ctx, cert) == 1);
    CU_ASSERT_FATAL(SSL_CTX_use_PrivateKey_file(ctx, LEAF_KEY, SSL_FILETYPE_PEM) == 1);
    return ctx;
}

static void test_server_never_trusts_system_store_for_clients(void)
{
    SSL_CTX *client_a = client_with_cert(CHAIN_A);
    SSL_CTX *client_b = client_with_cert(LEAF_B);
    SSL_CTX *server_a = server(CHAIN_A), *anchorless, *srv;

    for (int from_dir = 0; from_dir <= 1; from_dir++) {
        /* Without the module the server refuses B's client (the control). */
        srv = mtls_server(from_dir);
        CU_ASSERT_FALSE(connects(client_b, srv));
        CU_ASSERT_TRUE(connects(client_a, srv));
        SSL_CTX_free(srv);

        load("TrustStore = system\nHostnameCheck = no");
        /* The shared store is read (it holds B)... */
        anchorless = new_ctx(TLS_client_method());
        CU_ASSERT_TRUE(connects(anchorless, server_a));
        /* ...and still never serves the server's verification. */
        srv = mtls_server(from_dir);
        CU_ASSERT_FALSE(connects(client_b, srv));
        CU_ASSERT_TRUE(connects(client_a, srv));
        SSL_CTX_free(srv);
        SSL_CTX_free(anchorless);
        unload();
    }
    SSL_CTX_free(client_a);
    SSL_CTX_free(client_b);
    SSL_CTX_free(server_a);
}

/* --- Finding 5: fixed-version methods ------------------------------------ */

/* Deprecated (hidden by OPENSSL_NO_DEPRECATED), so looked up by name, as
 * the programs that still use them reach them. */
static const SSL_METHOD *fixed_method(const char *name)
{
    const SSL_METHOD *(*get)(void);
    void *sym = dlsym(RTLD_DEFAULT, name);

    *(void **)&get = sym;
    return sym != NULL ? get() : NULL;
}

static void test_fixed_version_methods_are_protected(void)
{
    static const char *const clients[] = {"TLSv1_2_client_method", "TLSv1_2_method"};
    SSL_CTX *self_signed = server(tlsd_test_cert_path("selfsigned.pem"));
    SSL_CTX *client, *srv, *plain_client;
    const SSL_METHOD *method;

    for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
        if ((method = fixed_method(clients[i])) == NULL) {
            fprintf(stderr, "\n  SKIP: this libssl has no %s\n", clients[i]);
            continue;
        }
        for (int on = -1; on <= 1; on++) {
            if (on >= 0)
                load(on ? "VerifyPeer = yes\nTrustStore = none\nHostnameCheck = no"
                        : "VerifyPeer = no\nTrustStore = none\nHostnameCheck = no");
            client = new_ctx(method);
            if (connects(client, self_signed) != (on != 1))
                fprintf(stderr, "\n  %s, VerifyPeer %s: wrong outcome\n", clients[i],
                        on < 0 ? "(no module)" : on ? "yes" : "no");
            CU_ASSERT_EQUAL(connects(client, self_signed), on != 1);
            SSL_CTX_free(client);
            if (on >= 0)
                unload();
        }
    }
    /* A fixed-version server is never made to ask for a client certificate. */
    if ((method = fixed_method("TLSv1_2_server_method")) != NULL) {
        load("VerifyPeer = yes\nHostnameCheck = no");
        srv = new_ctx(method);
        CU_ASSERT_FATAL(SSL_CTX_use_certificate_chain_file(srv, CHAIN_A) == 1);
        CU_ASSERT_FATAL(SSL_CTX_use_PrivateKey_file(srv, LEAF_KEY, SSL_FILETYPE_PEM) == 1);
        unload();
        plain_client = tlsd_test_client_ctx(ROOT_A);
        CU_ASSERT_EQUAL(SSL_CTX_get_verify_mode(srv), SSL_VERIFY_NONE);
        CU_ASSERT_TRUE(connects(plain_client, srv));
        SSL_CTX_free(plain_client);
        SSL_CTX_free(srv);
    }
    SSL_CTX_free(self_signed);
}

/* --- Finding 7: SNI names in HostnameCheck ------------------------------- */

static SSL_CTX *verifies_by_sni_only(void)
{
    SSL_CTX *ctx = new_ctx(TLS_client_method());

    CU_ASSERT_FATAL(SSL_CTX_load_verify_locations(ctx, ROOT_A, NULL) == 1);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return ctx;
}

/* The outcome of a careless client sending sni to srv, under keys. */
static int sni_outcome(const char *keys, SSL_CTX *srv, const char *sni, tlsd_test_result *r)
{
    SSL_CTX *client;
    int ok;

    load(keys);
    client = verifies_by_sni_only();
    ok = tlsd_test_handshake(client, srv, sni, NULL, r);
    SSL_CTX_free(client);
    unload();
    return ok;
}

static void test_sni_names_follow_the_name_rules(void)
{
    static const char *const under_example_test[] = {"idna-chain.pem", "wildcard-chain.pem"};
    const char *on = "HostnameCheck = yes\nTrustStore = none", *off = "HostnameCheck = no\nTrustStore = none";
    SSL_CTX *good = server(CHAIN_A), *srv;
    tlsd_test_result r;

    /* A leading dot would mean "any subdomain of": refused as a name. */
    for (size_t i = 0; i < sizeof(under_example_test) / sizeof(under_example_test[0]); i++) {
        srv = server(tlsd_test_cert_path(under_example_test[i]));
        CU_ASSERT_TRUE(sni_outcome(off, srv, ".example.test", &r));
        CU_ASSERT_FALSE(sni_outcome(on, srv, ".example.test", &r));
        CU_ASSERT_EQUAL(r.verify_result, X509_V_ERR_HOSTNAME_MISMATCH);
        if (strstr(r.client_error, "bad server hostname") == NULL)
            fprintf(stderr, "\n  client error: %s\n", r.client_error);
        CU_ASSERT_PTR_NOT_NULL(strstr(r.client_error, "bad server hostname"));
        /* The name itself still works. */
        CU_ASSERT_TRUE(sni_outcome(on, srv, "xn--bcher-kva.example.test", &r));
        SSL_CTX_free(srv);
    }
    /* "localhost." is the fully qualified "localhost", as in the library. */
    CU_ASSERT_TRUE(sni_outcome(on, good, "localhost.", &r));
    CU_ASSERT_EQUAL(r.verify_result, X509_V_OK);
    CU_ASSERT_FALSE(sni_outcome(on, good, "otherhost.", &r));
    CU_ASSERT_EQUAL(r.verify_result, X509_V_ERR_HOSTNAME_MISMATCH);
    SSL_CTX_free(good);
}

/* --- Finding 6: a protocol bound that bounds nothing --------------------- */

/* The thread's error queue as text, emptied. */
static void errors_text(char *buf, size_t cap)
{
    BIO *mem = BIO_new(BIO_s_mem());
    char *data;
    long len;

    buf[0] = '\0';
    if (mem == NULL)
        return;
    ERR_print_errors(mem);
    len = BIO_get_mem_data(mem, &data);
    snprintf(buf, cap, "%.*s", (int)len, data);
    BIO_free(mem);
}

static void test_dtls_bound_is_refused(void)
{
    static const char *const values[] = {"MinProtocol = DTLSv1.2", "MinProtocol = DTLSv1",
                                         "MaxProtocol = DTLSv1.2"};
    char keys[128], text[4096];

    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        const char *path;
        SSL_CTX *ctx;
        tlsd_test_result r;
        SSL_CTX *srv = server(CHAIN_A);

        snprintf(keys, sizeof(keys), "%s\nEnforce = yes", values[i]);
        path = tlsd_test_write_cnf("attacks-dtls", "config_diagnostics = 1", NULL, keys, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(path);
        ERR_clear_error();
        CU_ASSERT(CONF_modules_load_file(path, NULL, 0) <= 0);
        errors_text(text, sizeof(text));
        if (strstr(text, "sets no bound on TLS contexts") == NULL)
            fprintf(stderr, "\n  errors: %s\n", text);
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "sets no bound on TLS contexts"));
        unload();
        /* Without diagnostics the section fails closed: TLS refused. */
        path = tlsd_test_write_cnf("attacks-dtls", NULL, NULL, keys, NULL);
        CU_ASSERT_EQUAL_FATAL(CONF_modules_load_file(path, NULL, 0), 1);
        ctx = tlsd_test_client_ctx(ROOT_A);
        CU_ASSERT_FALSE(tlsd_test_handshake(ctx, srv, "localhost", NULL, &r));
        CU_ASSERT_PTR_NOT_NULL(strstr(r.client_error, "TLS refused"));
        SSL_CTX_free(ctx);
        SSL_CTX_free(srv);
        unload();
    }
}

static int init(void)
{
    char hashed[700];
    X509 *root;
    FILE *f;

    if (tlsd_test_certs_dir() == NULL)
        return -1;
    setenv("SSL_CERT_FILE", tlsd_test_cert_path("system-bundle.pem"), 1);
    setenv("SSL_CERT_DIR", "/nonexistent", 1);

    /* A hashed directory holding A alone, as c_rehash makes: the
     * certificates directory, where no other file has a hash name. */
    snprintf(hashed_dir_a, sizeof(hashed_dir_a), "%s", tlsd_test_certs_dir());
    f = fopen(ROOT_A, "r");
    root = f != NULL ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f != NULL)
        fclose(f);
    if (root == NULL)
        return -1;
    snprintf(hashed, sizeof(hashed), "%s/%08lx.0", hashed_dir_a, X509_subject_name_hash(root));
    X509_free(root);
    return symlink(ROOT_A, hashed) == 0 ? 0 : -1;
}

int main(void)
{
    static CU_TestInfo tests[] = {
        /* First: it needs the shared store unread when it starts. */
        {"TrustStore never widens a pinned root, in any order", test_pinned_root_is_never_widened},
        {"An mTLS server never checks clients against the system store",
         test_server_never_trusts_system_store_for_clients},
        {"Fixed-version methods get the client protections", test_fixed_version_methods_are_protected},
        {"SNI names follow the library's name rules", test_sni_names_follow_the_name_rules},
        {"A DTLS protocol bound is refused, never a silent 0 floor", test_dtls_bound_is_refused},
        {NULL, NULL},
    };

    return tlsd_test_main("attacks", init, NULL, tests);
}
