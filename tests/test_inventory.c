/* SPDX-License-Identifier: Apache-2.0 */
/* Inventory = yes: the line each completed handshake leaves in the
 * AuditLog, client and server alike, read back from a file: what was
 * negotiated, the peer's key and chain, verified or not, resumed or not;
 * once per handshake; also for a program whose own info callback replaced
 * the module's (nginx does that); and no line without the key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/conf.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "test_certs.h"
#include "test_config.h"
#include "test_files.h"
#include "test_handshake.h"
#include "test_main.h"

#define GOOD_CHAIN tlsd_test_cert_path("leaf-chain.pem")
#define ROOT tlsd_test_cert_path("root.pem")

static char log_path[512], keys[2048];
static char text[1 << 20];

static void load(const char *more)
{
    unlink(log_path);
    snprintf(keys, sizeof(keys), "AuditLog = %s\n%s", log_path, more);
    tlsd_test_load_module("inventory", keys, NULL);
}

static void unload(void)
{
    CONF_modules_unload(0);
}

#define EXPECT_LINES(n, needle) TLSD_TEST_EXPECT_IN_FILE(log_path, text, (n), (needle))

/* A server of chain and key (NULL: leaf-key.pem), at level 0: what a
 * weak peer accepts. */
static SSL_CTX *server_of(const char *chain, const char *key)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    SSL_CTX_set_security_level(ctx, 0);
    CU_ASSERT_FATAL(SSL_CTX_use_certificate_chain_file(ctx, chain) == 1);
    CU_ASSERT_FATAL(SSL_CTX_use_PrivateKey_file(ctx, key != NULL ? key : tlsd_test_cert_path("leaf-key.pem"),
                                                SSL_FILETYPE_PEM) == 1);
    return ctx;
}

static int pq(void)
{
    return OpenSSL_version_num() >= 0x30500000L;
}

/* Both ends under the module: one line each, with what was negotiated. */
static void test_lines_of_both_ends(void)
{
    SSL_CTX *client, *srv;
    tlsd_test_result r;
    char client_line[512];

    load("Inventory = yes\n");
    client = tlsd_test_client_ctx(ROOT);
    srv = server_of(GOOD_CHAIN, NULL);
    CU_ASSERT(tlsd_test_handshake(client, srv, "localhost", "localhost", &r));
    SSL_CTX_free(client);
    SSL_CTX_free(srv);
    unload();
    snprintf(client_line, sizeof(client_line),
             "role=client peer=localhost version=TLSv1.3 cipher=%s group=%s pq=%s sigalg=RSA-PSS+SHA256 "
             "peer_key=RSA-2048 chain_sha1=no verified=yes resumed=no", r.cipher,
             pq() ? "X25519MLKEM768" : "x25519", pq() ? "yes" : "no");
    EXPECT_LINES(1, client_line);
    EXPECT_LINES(1, " role=server peer=localhost version=TLSv1.3 ");
    EXPECT_LINES(1, "sigalg=none peer_key=none chain_sha1=no verified=none resumed=no");
    EXPECT_LINES(2, "tlsdefaults[");
    EXPECT_LINES(2, "]: inventory program=test_inventory pid=");
}

/* A TLS 1.2 session resumed: resumed=yes, no peer signature. */
static void test_resumed_session(void)
{
    SSL_CTX *client, *srv;
    SSL *ssl;
    SSL_SESSION *session;
    tlsd_test_result r;

    load("Inventory = yes\n");
    client = tlsd_test_client_ctx(ROOT);
    srv = server_of(GOOD_CHAIN, NULL);
    CU_ASSERT(SSL_CTX_set_max_proto_version(srv, TLS1_2_VERSION));
    ssl = SSL_new(client);
    SSL_set_tlsext_host_name(ssl, "localhost");
    CU_ASSERT(tlsd_test_handshake_ssl(ssl, srv, NULL, NULL, NULL, &r));
    /* Closed as if shut down: a session freed otherwise is not resumable. */
    SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    session = SSL_get1_session(ssl);
    SSL_free(ssl);
    ssl = SSL_new(client);
    SSL_set_tlsext_host_name(ssl, "localhost");
    CU_ASSERT(SSL_set_session(ssl, session) == 1);
    CU_ASSERT(tlsd_test_handshake_ssl(ssl, srv, NULL, NULL, NULL, &r));
    CU_ASSERT(SSL_session_reused(ssl) == 1);
    SSL_free(ssl);
    SSL_SESSION_free(session);
    SSL_CTX_free(client);
    SSL_CTX_free(srv);
    unload();
    EXPECT_LINES(2, "role=client peer=localhost version=TLSv1.2 ");
    EXPECT_LINES(1, "peer_key=RSA-2048 chain_sha1=no verified=yes resumed=no");
    EXPECT_LINES(2, " resumed=yes");
    EXPECT_LINES(4, "]: inventory ");
}

/* The weak peers a fleet looks for: an RSA-1024 key, a SHA-1 chain, and
 * a client that verifies nothing, each as the program allowed it. */
static void test_weak_peers_and_unverified(void)
{
    SSL_CTX *client, *weak_key, *sha1;
    tlsd_test_result r;

    load("Inventory = yes\n");
    client = tlsd_test_client_ctx(ROOT);
    CU_ASSERT(SSL_CTX_set_cipher_list(client, "DEFAULT:@SECLEVEL=0"));
    weak_key = server_of(tlsd_test_cert_path("rsa1024-chain.pem"), tlsd_test_cert_path("rsa1024-key.pem"));
    sha1 = server_of(tlsd_test_cert_path("sha1-chain.pem"), NULL);
    CU_ASSERT(tlsd_test_handshake(client, weak_key, "localhost", "localhost", &r));
    CU_ASSERT(tlsd_test_handshake(client, sha1, "localhost", "localhost", &r));
    SSL_CTX_set_verify(client, SSL_VERIFY_NONE, NULL);
    CU_ASSERT(tlsd_test_handshake(client, sha1, "localhost", NULL, &r));
    SSL_CTX_free(client);
    SSL_CTX_free(weak_key);
    SSL_CTX_free(sha1);
    unload();
    EXPECT_LINES(3, "role=client peer=localhost version=TLSv1.3 cipher=");
    EXPECT_LINES(1, " peer_key=RSA-1024 chain_sha1=no verified=yes ");
    EXPECT_LINES(1, " peer_key=RSA-2048 chain_sha1=yes verified=yes ");
    EXPECT_LINES(1, " peer_key=RSA-2048 chain_sha1=yes verified=no ");
}

static int program_saw_done;

static void program_info_cb(const SSL *ssl, int where, int ret)
{
    (void)ssl, (void)ret;
    program_saw_done += (where & SSL_CB_HANDSHAKE_DONE) != 0;
}

/* A server whose program sets its own info callback (nginx does) still
 * leaves its line, and the program's callback still runs as before. */
static void test_program_info_callback(void)
{
    SSL_CTX *client, *srv;
    tlsd_test_result r;

    load("Inventory = yes\n");
    client = tlsd_test_client_ctx(ROOT);
    srv = server_of(GOOD_CHAIN, NULL);
    SSL_CTX_set_info_callback(srv, program_info_cb);
    SSL_CTX_set_info_callback(client, program_info_cb);
    program_saw_done = 0;
    CU_ASSERT(tlsd_test_handshake(client, srv, "localhost", "localhost", &r));
    CU_ASSERT(program_saw_done >= 2);
    SSL_CTX_free(client);
    SSL_CTX_free(srv);
    unload();
    EXPECT_LINES(1, " role=server peer=localhost version=TLSv1.3 ");
    EXPECT_LINES(1, " role=client peer=localhost version=TLSv1.3 ");
}

/* The negative controls: no line without Inventory, with Audit alone
 * neither (for a connection Audit finds nothing in), nor for a handshake
 * that fails. */
static void test_no_line_without_inventory(void)
{
    SSL_CTX *client, *srv;
    tlsd_test_result r;

    load("Audit = yes\n");
    client = tlsd_test_client_ctx(ROOT);
    srv = server_of(GOOD_CHAIN, NULL);
    CU_ASSERT(tlsd_test_handshake(client, srv, "localhost", "localhost", &r));
    SSL_CTX_free(client);
    SSL_CTX_free(srv);
    unload();
    EXPECT_LINES(0, "inventory");
    load("Inventory = yes\n");
    client = tlsd_test_client_ctx(tlsd_test_cert_path("other-root.pem"));
    srv = server_of(GOOD_CHAIN, NULL);
    CU_ASSERT(!tlsd_test_handshake(client, srv, "localhost", "localhost", &r));
    SSL_CTX_free(client);
    SSL_CTX_free(srv);
    unload();
    EXPECT_LINES(0, "inventory");
}

static int suite_init(void)
{
    if (tlsd_test_certs_dir() == NULL)
        return 1;
    snprintf(log_path, sizeof(log_path), "%s/inventory.log", tlsd_test_certs_dir());
    return 0;
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"a line for each end of a handshake", test_lines_of_both_ends},
        {"a resumed session", test_resumed_session},
        {"weak peer keys, SHA-1 chains, unverified connections", test_weak_peers_and_unverified},
        {"a program's own info callback", test_program_info_callback},
        {"no line without Inventory, or for a failed handshake", test_no_line_without_inventory},
        CU_TEST_INFO_NULL,
    };

    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    return tlsd_test_main("inventory", suite_init, NULL, tests);
}
