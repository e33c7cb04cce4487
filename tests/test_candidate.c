/* SPDX-License-Identifier: Apache-2.0 */
/* Candidate = SECTION: the next policy audited while this one is
 * enforced. The candidate never decides a connection: the handshakes it
 * would refuse succeed, and each leaves one audit line ending
 * "candidate=SECTION" with the candidate's reasons; the ones it would
 * accept leave none. The negative control for each: the same handshake
 * without the candidate logs nothing. With Audit, in a Programs entry, and
 * broken candidates failing closed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/conf.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "errors.h"
#include "test_certs.h"
#include "test_config.h"
#include "test_errors.h"
#include "test_files.h"
#include "test_handshake.h"
#include "test_main.h"

#define GOOD_CHAIN tlsd_test_cert_path("leaf-chain.pem")
#define ROOT tlsd_test_cert_path("root.pem")

static char log_path[512], keys[2048];
static char text[1 << 20];

static void load(const char *more, const char *extra)
{
    unlink(log_path);
    snprintf(keys, sizeof(keys), "AuditLog = %s\n%s", log_path, more);
    tlsd_test_load_module("candidate", keys, extra);
}

static void unload(void)
{
    CONF_modules_unload(0);
}

#define EXPECT_LINES(n, needle) TLSD_TEST_EXPECT_IN_FILE(log_path, text, (n), (needle))

/* A server made without the module, of the test chain, at most max
 * (0: any), with ciphers (NULL: OpenSSL's). */
static SSL_CTX *server_of(int max, const char *ciphers)
{
    SSL_CTX *ctx = tlsd_test_server_ctx(GOOD_CHAIN);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    if (max != 0)
        CU_ASSERT(SSL_CTX_set_max_proto_version(ctx, max));
    if (ciphers != NULL)
        CU_ASSERT(SSL_CTX_set_cipher_list(ctx, ciphers));
    return ctx;
}

/* A careless client made now (the module's VerifyPeer verifies it). */
static int careless_connects(SSL_CTX *server)
{
    SSL_CTX *client = SSL_CTX_new(TLS_client_method());
    tlsd_test_result r;
    int ok;

    CU_ASSERT_PTR_NOT_NULL_FATAL(client);
    CU_ASSERT(SSL_CTX_load_verify_locations(client, ROOT, NULL) == 1);
    ok = tlsd_test_handshake(client, server, "localhost", NULL, &r);
    if (!ok)
        fprintf(stderr, "\n  handshake: %s\n", tlsd_test_result_str(&r));
    SSL_CTX_free(client);
    return ok;
}

#define STRICT_CANDIDATE "[next_sect]\nProfile = strict\n"

/* The example: python enforced, strict the candidate. */
static void test_tls12_reported_tls13_not(void)
{
    SSL_CTX *tls12 = server_of(TLS1_2_VERSION, NULL), *tls13 = server_of(0, NULL);

    load("Candidate = next_sect\n", STRICT_CANDIDATE);
    CU_ASSERT(careless_connects(tls12));
    CU_ASSERT(careless_connects(tls13));
    unload();
    EXPECT_LINES(1, "reasons=MinProtocol:version-below-floor version=TLSv1.2 floor=TLSv1.3 candidate=next_sect\n");
    EXPECT_LINES(1, "audit program=test_candidate ");
    /* The control: no candidate, no line. */
    load("", NULL);
    CU_ASSERT(careless_connects(tls12));
    unload();
    EXPECT_LINES(0, "audit");
    SSL_CTX_free(tls12);
    SSL_CTX_free(tls13);
}

/* A dated candidate's cipher list: a CBC suite python allows, Mozilla's
 * intermediate does not. */
static void test_candidate_cipher_list(void)
{
    SSL_CTX *cbc = server_of(TLS1_2_VERSION, "ECDHE-RSA-AES128-SHA256"), *aead = server_of(TLS1_2_VERSION, NULL);

    load("Candidate = moz\n", "[moz]\nProfile = mozilla-intermediate-6.0\n");
    CU_ASSERT(careless_connects(cbc));
    CU_ASSERT(careless_connects(aead));
    unload();
    EXPECT_LINES(1, "reasons=CipherString:cipher-not-allowed cipher=ECDHE-RSA-AES128-SHA256 candidate=moz\n");
    EXPECT_LINES(1, "]: audit ");
    SSL_CTX_free(cbc);
    SSL_CTX_free(aead);
}

/* Groups and SignatureAlgorithms as reasons (issue 23, item 2): a
 * candidate of P-256 alone sees the X25519 the enforced policy negotiates;
 * one of ECDSA signatures alone sees the RSA-PSS signature of the RSA
 * server. The controls: candidates that list what was used log nothing. */
static void test_candidate_groups_and_sigalgs(void)
{
    SSL_CTX *srv = server_of(TLS1_2_VERSION, NULL);

    load("Candidate = c\n", "[c]\nGroups = P-256\n");
    CU_ASSERT(careless_connects(srv));
    unload();
    EXPECT_LINES(1, "reasons=Groups:group-not-allowed group=x25519 candidate=c\n");
    load("Candidate = c\n", "[c]\nGroups = X25519:P-256\n");
    CU_ASSERT(careless_connects(srv));
    unload();
    EXPECT_LINES(0, "audit");
    load("Candidate = c\n", "[c]\nSignatureAlgorithms = ECDSA+SHA256:ECDSA+SHA384\n");
    CU_ASSERT(careless_connects(srv));
    unload();
    EXPECT_LINES(1, "reasons=SignatureAlgorithms:sigalg-not-allowed sigalg=0x08");
    load("Candidate = c\n", "[c]\nSignatureAlgorithms = ECDSA+SHA256:RSA-PSS+SHA256:RSA-PSS+SHA384:RSA-PSS+SHA512\n");
    CU_ASSERT(careless_connects(srv));
    unload();
    EXPECT_LINES(0, "audit");
    /* Audited in the enforced policy: reported, not applied. */
    load("Groups = P-256\nAudit = Groups\n", NULL);
    CU_ASSERT(careless_connects(srv));
    unload();
    EXPECT_LINES(1, "reasons=Groups:group-not-allowed group=x25519\n");
    SSL_CTX_free(srv);
}

/* A server at level 0 of chain and key, TLS 1.2 (DHE of 1024 bits with
 * small_dh). */
static SSL_CTX *weak_server(const char *chain, const char *key, int small_dh)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    SSL_CTX_set_security_level(ctx, 0);
    CU_ASSERT_FATAL(SSL_CTX_use_certificate_chain_file(ctx, tlsd_test_cert_path(chain)) == 1);
    CU_ASSERT_FATAL(SSL_CTX_use_PrivateKey_file(ctx, tlsd_test_cert_path(key), SSL_FILETYPE_PEM) == 1);
    CU_ASSERT(SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION));
    if (small_dh) {
        EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
        OSSL_PARAM params[] = {OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"dh_1024_160", 0),
                               OSSL_PARAM_END};
        EVP_PKEY *dh = NULL;

        CU_ASSERT_FATAL(pc != NULL && EVP_PKEY_paramgen_init(pc) == 1 && EVP_PKEY_CTX_set_params(pc, params) == 1
                        && EVP_PKEY_paramgen(pc, &dh) == 1);
        EVP_PKEY_CTX_free(pc);
        CU_ASSERT_FATAL(SSL_CTX_set0_tmp_dh_pkey(ctx, dh) == 1);
        CU_ASSERT(SSL_CTX_set_cipher_list(ctx, "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0"));
    }
    return ctx;
}

/* Issue 23, item 3: weak keys, SHA-1 signatures and small DH parameters,
 * which the enforced policy's level 0 lets through and a candidate at
 * level 2 (python) would refuse, each with its reason; the control: a
 * candidate at the enforced level logs nothing. */
static void test_candidate_security_level(void)
{
    SSL_CTX *rsa1024 = weak_server("rsa1024-chain.pem", "rsa1024-key.pem", 0);
    SSL_CTX *sha1 = weak_server("sha1-chain.pem", "leaf-key.pem", 0);
    SSL_CTX *dh = weak_server("leaf-chain.pem", "leaf-key.pem", 1);
    /* No finite-field group offered: a server that knows RFC 7919 (4.0)
     * would otherwise answer with ffdhe2048 instead of its parameters. */
    const char *low = "CipherString = DEFAULT:DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0\nGroups = X25519:P-256\n"
                      "Candidate = c\n";

    load(low, "[c]\nProfile = python\n");
    CU_ASSERT(careless_connects(rsa1024));
    CU_ASSERT(careless_connects(sha1));
    CU_ASSERT(careless_connects(dh));
    unload();
    EXPECT_LINES(1, "reasons=SecurityLevel:weak-key x509_error=");
    EXPECT_LINES(1, " peer_key=RSA-1024 candidate=c\n");
    EXPECT_LINES(1, "reasons=SecurityLevel:sha1-signature x509_error=");
    EXPECT_LINES(1, "reasons=SecurityLevel:weak-dh dh_bits=1024 candidate=c\n");
    load(low, "[c]\nProfile = python\nCipherString = DEFAULT:DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0\n");
    CU_ASSERT(careless_connects(rsa1024));
    CU_ASSERT(careless_connects(sha1));
    CU_ASSERT(careless_connects(dh));
    unload();
    EXPECT_LINES(0, "audit");
    SSL_CTX_free(rsa1024);
    SSL_CTX_free(sha1);
    SSL_CTX_free(dh);
}

/* With Audit: the audited key's line and the candidate's, apart. */
static void test_with_audit(void)
{
    SSL_CTX *tls12 = server_of(TLS1_2_VERSION, NULL);

    load("MinProtocol = TLSv1.3\nAudit = MinProtocol\nCandidate = next_sect\n", STRICT_CANDIDATE);
    CU_ASSERT(careless_connects(tls12));
    unload();
    EXPECT_LINES(1, "reasons=MinProtocol:version-below-floor version=TLSv1.2 floor=TLSv1.3\n");
    EXPECT_LINES(1, "reasons=MinProtocol:version-below-floor version=TLSv1.2 floor=TLSv1.3 candidate=next_sect\n");
    SSL_CTX_free(tls12);
}

/* A Programs entry's own Candidate wins over the module section's. */
static void test_program_candidate(void)
{
    SSL_CTX *tls12 = server_of(TLS1_2_VERSION, NULL);

    load("Candidate = next_sect\nPrograms = progs\n",
         STRICT_CANDIDATE "[progs]\ntest_candidate = mine\n[mine]\nCandidate = mine_next\n"
         "[mine_next]\nProfile = python\nMinProtocol = TLSv1.3\n");
    CU_ASSERT(careless_connects(tls12));
    unload();
    EXPECT_LINES(1, "floor=TLSv1.3 candidate=mine_next\n");
    EXPECT_LINES(0, "candidate=next_sect");
    SSL_CTX_free(tls12);
}

static void expect_refused(const char *needle)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    tlsd_test_expect_refused(ctx, needle);
    SSL_CTX_free(ctx);
}

/* A broken candidate is a broken section: TLS refused, the key named. */
static void test_broken_candidates_fail_closed(void)
{
    load("Candidate = nosuch\n", NULL);
    expect_refused("key=Candidate value=nosuch: no such section");
    unload();
    load("Candidate = c\n", "[c]\nMinProtocol = TLSv9\n");
    expect_refused("section c (candidate): key=MinProtocol value=TLSv9");
    unload();
    load("Candidate = c\n", "[c]\nAuditLog = stderr\n");
    expect_refused("section c (candidate): key=AuditLog: a candidate section holds a Profile");
    unload();
    load("Candidate = c\n", "[c]\nProfile = nosuch\n");
    expect_refused("key=Profile value=nosuch");
    unload();
}

static int suite_init(void)
{
    if (tlsd_test_certs_dir() == NULL)
        return 1;
    snprintf(log_path, sizeof(log_path), "%s/candidate.log", tlsd_test_certs_dir());
    /* The careless clients' system store: the test root. */
    setenv("SSL_CERT_FILE", ROOT, 1);
    return 0;
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"strict as the candidate: TLS 1.2 reported, TLS 1.3 not", test_tls12_reported_tls13_not},
        {"a dated candidate's cipher list", test_candidate_cipher_list},
        {"Groups and SignatureAlgorithms as reasons", test_candidate_groups_and_sigalgs},
        {"SecurityLevel: weak keys, SHA-1, small DH", test_candidate_security_level},
        {"with Audit", test_with_audit},
        {"a Programs entry's own candidate", test_program_candidate},
        {"broken candidates fail closed", test_broken_candidates_fail_closed},
        CU_TEST_INFO_NULL,
    };

    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    return tlsd_test_main("candidate", suite_init, NULL, tests);
}
