/* SPDX-License-Identifier: Apache-2.0 */
/* Audit mode, in process: a careless client connects to a self-signed
 * server and a TLS 1.1 server under Audit, and each connection is one line
 * of the audit log naming the program, the peer and the reason; the same
 * configuration without Audit refuses (the negative control), and the
 * refusal names tlsdefaults on the error queue. Also: Audit of some keys
 * only, the rate limit, and a refused AuditLog file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tlsdefaults.h"
#include "test_certs.h"
#include "test_config.h"
#include "test_files.h"
#include "test_errors.h"
#include "test_handshake.h"
#include "test_main.h"

#define GOOD_CHAIN tlsd_test_cert_path("leaf-chain.pem")
#define SELF_SIGNED tlsd_test_cert_path("selfsigned.pem")
#define ROOT tlsd_test_cert_path("root.pem")

static char log_path[512], keys[2048];
static char text[1 << 20];

/* The module with these keys and AuditLog = log_path (emptied first). */
static void load(const char *more)
{
    unlink(log_path);
    snprintf(keys, sizeof(keys), "AuditLog = %s\n%s", log_path, more);
    tlsd_test_load_module("audit", keys, NULL);
}

static void unload(void)
{
    CONF_modules_unload(0);
}

static const char *read_log(void)
{
    return tlsd_test_read_file(log_path, text, sizeof(text));
}

static int count(const char *haystack, const char *needle)
{
    int n = 0;

    for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

#define EXPECT_LOG(needle)                                                    \
    do {                                                                      \
        int found_ = strstr(read_log(), needle) != NULL;                      \
        if (!found_)                                                          \
            fprintf(stderr, "\n  expected \"%s\" in the audit log:\n%s\n", needle, text); \
        CU_ASSERT(found_);                                                    \
    } while (0)

static SSL_CTX *server(const char *chain)
{
    SSL_CTX *ctx = tlsd_test_server_ctx(chain);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    return ctx;
}

static SSL_CTX *tls11_server(void)
{
    SSL_CTX *ctx = server(GOOD_CHAIN);

    CU_ASSERT(SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0"));
    CU_ASSERT(SSL_CTX_set_min_proto_version(ctx, TLS1_1_VERSION));
    CU_ASSERT(SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION));
    return ctx;
}

/* A program that calls SSL_CTX_new() and nothing else. */
static SSL_CTX *careless(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    return ctx;
}

/* One that asks for TLS 1.1 and every suite, and trusts the test root. */
static SSL_CTX *old_client(void)
{
    SSL_CTX *ctx = careless();

    CU_ASSERT(SSL_CTX_load_verify_locations(ctx, ROOT, NULL) == 1);
    CU_ASSERT(SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0"));
    CU_ASSERT(SSL_CTX_set_min_proto_version(ctx, TLS1_1_VERSION));
    CU_ASSERT(SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION));
    return ctx;
}

/* Loads more, makes the client, shakes hands; the module is unloaded and
 * the client freed (its connections' lines written) before returning. */
static int run(const char *more, SSL_CTX *(*make_client)(void), SSL_CTX *srv, tlsd_test_result *r)
{
    SSL_CTX *client;
    int ok;

    load(more);
    client = make_client();
    ok = tlsd_test_handshake(client, srv, "localhost", NULL, r);
    SSL_CTX_free(client);
    unload();
    return ok;
}

/* A program that chose verification itself, keeping the callback it read
 * back (CPython's way: CERT_REQUIRED). */
static SSL_CTX *chooses_verification(void)
{
    SSL_CTX *ctx = careless();

    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       SSL_CTX_get_verify_callback(ctx));
    return ctx;
}

/* Its refusal is its own: no tlsdefaults reason (the careless client's
 * refusal, below, names the policy). */
static void test_chosen_verification_not_attributed(void)
{
    SSL_CTX *bad = server(SELF_SIGNED);
    tlsd_test_result r;

    CU_ASSERT_EQUAL(run("", chooses_verification, bad, &r), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.client_error, "certificate verify failed"));
    CU_ASSERT_PTR_NULL(strstr(r.client_error, "tlsdefaults policy"));
    CU_ASSERT_EQUAL(run("", careless, bad, &r), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.client_error, "peer verification required by tlsdefaults policy"));
    SSL_CTX_free(bad);
}

static void test_careless_client_audited(void)
{
    SSL_CTX *bad = server(SELF_SIGNED);
    tlsd_test_result r;

    /* Negative control: the policy refuses, and says it was the policy. */
    CU_ASSERT_EQUAL(run("", careless, bad, &r), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.client_error, "peer verification required by tlsdefaults policy"));
    CU_ASSERT_EQUAL(count(read_log(), "audit program="), 0);
    /* Audited: connects, one line naming program, peer and reason. */
    CU_ASSERT_EQUAL(run("Audit = yes", careless, bad, &r), 1);
    EXPECT_LOG("audit program=test_audit pid=");
    EXPECT_LOG(" role=client peer=localhost reasons=VerifyPeer:unverified");
    EXPECT_LOG(" x509_error=18 ");
    CU_ASSERT_EQUAL(count(read_log(), "audit program="), 1);
    SSL_CTX_free(bad);
}

static SSL_CTX *chose_no_verify(void)
{
    SSL_CTX *ctx = careless();

    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    return ctx;
}

static SSL_CTX *verifies_with_root(void)
{
    SSL_CTX *ctx = careless();

    CU_ASSERT(SSL_CTX_load_verify_locations(ctx, ROOT, NULL) == 1);
    return ctx;
}

/* A program that chose SSL_VERIFY_NONE is not the policy's to refuse
 * (only a lock would be): logged as such; a good server is not logged. */
static void test_chosen_and_good_connections(void)
{
    SSL_CTX *bad = server(SELF_SIGNED), *good = server(GOOD_CHAIN);
    tlsd_test_result r;

    CU_ASSERT_EQUAL(run("Audit = yes", chose_no_verify, bad, &r), 1);
    EXPECT_LOG("reasons=VerifyPeer:verification-off");
    CU_ASSERT_EQUAL(run("Audit = yes", verifies_with_root, good, &r), 1);
    CU_ASSERT_EQUAL(count(read_log(), "audit program="), 0);
    SSL_CTX_free(bad);
    SSL_CTX_free(good);
}

/* Enforce: TLS 1.1 refused with the reason on the queue; audited, it
 * connects and is logged with the version and the floor. */
static void test_enforce_audited(void)
{
    SSL_CTX *tls11 = tls11_server();
    tlsd_test_result r;

    CU_ASSERT_EQUAL(run("HostnameCheck = no\nEnforce = yes", old_client, tls11, &r), 0);
    if (strstr(r.client_error, "protocol version below tlsdefaults floor (Enforce)") == NULL)
        fprintf(stderr, "\n  %s\n", tlsd_test_result_str(&r));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.client_error, "protocol version below tlsdefaults floor (Enforce)"));
    CU_ASSERT_EQUAL(run("HostnameCheck = no\nEnforce = yes\nAudit = yes", old_client, tls11, &r), 1);
    CU_ASSERT_STRING_EQUAL(r.version, "TLSv1.1");
    EXPECT_LOG("Enforce:version-below-floor");
    EXPECT_LOG(" version=TLSv1.1 floor=TLSv1.2");
    SSL_CTX_free(tls11);
}

/* Audit = VerifyPeer, HostnameCheck: the careless client is audited, the
 * algorithm policy still enforced. */
static void test_audit_some_keys(void)
{
    SSL_CTX *bad = server(SELF_SIGNED), *tls11 = tls11_server(),
            *wrong = server(tlsd_test_cert_path("wronghost-chain.pem"));
    const char *some = "Enforce = yes\nAudit = VerifyPeer, HostnameCheck";
    tlsd_test_result r;

    CU_ASSERT_EQUAL(run(some, careless, bad, &r), 1);
    EXPECT_LOG("reasons=VerifyPeer:unverified");
    CU_ASSERT_EQUAL(run(some, old_client, tls11, &r), 0);
    CU_ASSERT_EQUAL(count(read_log(), "audit program="), 0);
    /* A host name mismatch the program would have been refused for. */
    CU_ASSERT_EQUAL(run("Audit = HostnameCheck", verifies_with_root, wrong, &r), 1);
    EXPECT_LOG("reasons=HostnameCheck:mismatch");
    CU_ASSERT_EQUAL(run("", verifies_with_root, wrong, &r), 0);
    SSL_CTX_free(bad);
    SSL_CTX_free(tls11);
    SSL_CTX_free(wrong);
}

/* Many connections: each one is either a line or counted in a
 * "N lines suppressed" note, whatever the speed of the machine (the
 * bucket's rates are checked with a clock of the test's own in
 * test_audit_log). */
static void test_rate_limit(void)
{
    SSL_CTX *bad = server(SELF_SIGNED), *client;
    tlsd_test_result r;
    const int connections = 400;
    unsigned long dropped = 0, n;
    int lines;

    load("Audit = yes");
    client = careless();
    for (int i = 0; i < connections; i++)
        CU_ASSERT_EQUAL(tlsd_test_handshake(client, bad, "localhost", NULL, &r), 1);
    SSL_CTX_free(client);
    unload();
    lines = count(read_log(), "audit program=");
    for (const char *at = text; (at = strstr(at, "audit: ")) != NULL; at++)
        if (sscanf(at, "audit: %lu lines suppressed (rate limit)", &n) == 1)
            dropped += n;
    CU_ASSERT(lines >= 1);
    CU_ASSERT(lines <= connections);
    CU_ASSERT_EQUAL((unsigned long)lines + dropped, (unsigned long)connections);
    SSL_CTX_free(bad);
}

/* An AuditLog that is a symbolic link is refused (the file behind it is
 * left alone) and the audit still works: its lines go to syslog. */
static void test_refused_audit_log(void)
{
    char target[600], saved[512];
    SSL_CTX *bad = server(SELF_SIGNED);
    tlsd_test_result r;
    struct stat sb;
    FILE *f;

    snprintf(target, sizeof(target), "%s/audit-target", tlsd_test_certs_dir());
    f = fopen(target, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fclose(f);
    chmod(target, 0600);
    snprintf(saved, sizeof(saved), "%s", log_path);
    snprintf(log_path, sizeof(log_path), "%s/audit-link.log", tlsd_test_certs_dir());
    unlink(log_path);
    CU_ASSERT_EQUAL_FATAL(symlink(target, log_path), 0);
    snprintf(keys, sizeof(keys), "AuditLog = %s\nAudit = yes", log_path);
    tlsd_test_load_module("audit-link", keys, NULL);
    {
        SSL_CTX *client = careless();

        CU_ASSERT_EQUAL(tlsd_test_handshake(client, bad, "localhost", NULL, &r), 1);
        SSL_CTX_free(client);
    }
    unload();
    CU_ASSERT_EQUAL(stat(target, &sb), 0);
    CU_ASSERT_EQUAL(sb.st_size, 0);
    unlink(log_path);
    snprintf(log_path, sizeof(log_path), "%s", saved);
    SSL_CTX_free(bad);
}

static void test_bad_values(void)
{
    const char *bad[] = {"Audit = Mode", "Audit = maybe", "AuditLog = relative.log",
                         "AuditLog = ", NULL};

    for (int i = 0; bad[i] != NULL; i++) {
        const char *path = tlsd_test_write_cnf("audit-bad", "config_diagnostics = 1", NULL, bad[i], NULL);

        CU_ASSERT_PTR_NOT_NULL_FATAL(path);
        CU_ASSERT(CONF_modules_load_file(path, NULL, 0) <= 0);
        CU_ASSERT(tlsd_test_take_error(TLSD_R_BAD_VALUE, i < 2 ? "key=Audit" : "key=AuditLog"));
        unload();
    }
}

static int init(void)
{
    if (tlsd_test_certs_dir() == NULL)
        return -1;
    setenv("SSL_CERT_FILE", ROOT, 1);
    snprintf(log_path, sizeof(log_path), "%s/audit.log", tlsd_test_certs_dir());
    return 0;
}

int main(void)
{
    static CU_TestInfo tests[] = {
        {"careless client: refused, or audited and logged", test_careless_client_audited},
        {"a chosen SSL_VERIFY_NONE, and a good server", test_chosen_and_good_connections},
        {"Enforce: refused with its reason, or audited", test_enforce_audited},
        {"Audit = VerifyPeer, HostnameCheck", test_audit_some_keys},
        {"rate limit", test_rate_limit},
        {"a program's own verification is not the policy's refusal", test_chosen_verification_not_attributed},
        {"AuditLog through a symbolic link refused", test_refused_audit_log},
        {"bad values", test_bad_values},
        {NULL, NULL},
    };

    return tlsd_test_main("audit", init, NULL, tests);
}
