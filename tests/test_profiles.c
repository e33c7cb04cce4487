/* SPDX-License-Identifier: Apache-2.0 */
/* Every profile of the table, on the OpenSSL this runs on: the invariants
 * the project holds every profile to (in the spirit of s2n-tls checking its
 * policies at start-up), moving names against their targets, and the
 * Mozilla profiles' exact data, shown by real handshakes. A new profile is
 * checked here without a line of this file changing. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <CUnit/CUnit.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "policy.h"
#include "profile.h"
#include "test_certs.h"
#include "test_handshake.h"
#include "test_main.h"

#define GOOD_CHAIN tlsd_test_cert_path("leaf-chain.pem")
#define ROOT tlsd_test_cert_path("root.pem")

static const char *const mozilla_tls12[] = {
    "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
};
static const char *const mozilla_tls13[] = {
    "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
};

static tlsd_policy *policy_of(const char *name)
{
    tlsd_policy *p = tlsd_policy_new(name);

    if (p == NULL || tlsd_policy_check_finish(p) != 1) {
        fprintf(stderr, "profile %s does not load:\n", name);
        ERR_print_errors_fp(stderr);
        tlsd_policy_free(p);
        return NULL;
    }
    return p;
}

static SSL_CTX *applied(const tlsd_policy *p, const SSL_METHOD *method)
{
    SSL_CTX *ctx = SSL_CTX_new(method);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT(tlsd_policy_apply(p, ctx) == 1);
    return ctx;
}

/* A suite no profile may offer, or NULL; why in *why. */
static int weak_suite(const SSL_CIPHER *c, const char **why)
{
    int nid = SSL_CIPHER_get_cipher_nid(c), bits = SSL_CIPHER_get_bits(c, NULL);
    const char *name = SSL_CIPHER_get_name(c);

    *why = nid == NID_rc4 ? "RC4" : nid == NID_des_ede3_cbc || nid == NID_des_cbc ? "DES or 3DES"
         : nid == NID_undef ? "NULL encryption"
         : SSL_CIPHER_get_digest_nid(c) == NID_md5 ? "MD5"
         : SSL_CIPHER_get_auth_nid(c) == NID_auth_null ? "anonymous"
         : strstr(name, "EXP") != NULL ? "export"
         : bits < 128 ? "below 128 bits" : NULL;
    return *why != NULL;
}

/* The suites a connection of ctx may use (its version range and level
 * applied): none weak, and at least one. */
static void check_suites(const char *profile, SSL_CTX *ctx)
{
    SSL *ssl = SSL_new(ctx);
    STACK_OF(SSL_CIPHER) *usable;
    const char *why;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ssl);
    usable = SSL_get1_supported_ciphers(ssl);
    CU_ASSERT(sk_SSL_CIPHER_num(usable) > 0);
    for (int i = 0; i < sk_SSL_CIPHER_num(usable); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(usable, i);

        if (weak_suite(c, &why)) {
            fprintf(stderr, "profile %s offers %s (%s)\n", profile, SSL_CIPHER_get_name(c), why);
            CU_FAIL("a profile offers a weak suite");
        }
    }
    sk_SSL_CIPHER_free(usable);
    SSL_free(ssl);
}

static void check_context(const tlsd_profile *prof, const tlsd_policy *p, const SSL_METHOD *method)
{
    SSL_CTX *ctx = applied(p, method);
    uint64_t options = SSL_CTX_get_options(ctx);

    check_suites(prof->name, ctx);
    CU_ASSERT(SSL_CTX_get_min_proto_version(ctx) >= TLS1_2_VERSION);
    CU_ASSERT(SSL_CTX_get_security_level(ctx) >= 1);
    /* Frozen profiles fix their level: the same on every OpenSSL. */
    if (prof->frozen_on != NULL)
        CU_ASSERT(SSL_CTX_get_security_level(ctx) >= 2);
    CU_ASSERT((options & (SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION | SSL_OP_LEGACY_SERVER_CONNECT)) == 0);
    CU_ASSERT((options & SSL_OP_NO_COMPRESSION) != 0);
    SSL_CTX_free(ctx);
}

/* What a profile gives a careless client: every frozen one verifies the
 * server against the system store and checks its name. */
static void check_verification(const tlsd_profile *prof, const tlsd_policy *p)
{
    const char *peer = tlsd_policy_value(p, "VerifyPeer"), *store = tlsd_policy_value(p, "TrustStore"),
               *host = tlsd_policy_value(p, "HostnameCheck");

    if (prof->frozen_on == NULL)
        return;
    CU_ASSERT(peer != NULL && strcmp(peer, "yes") == 0);
    CU_ASSERT(store != NULL && strcmp(store, "system") == 0);
    CU_ASSERT(host != NULL && strcmp(host, "yes") == 0);
}

static void test_invariants_of_every_profile(void)
{
    const SSL_METHOD *methods[] = {TLS_client_method(), TLS_server_method(), TLS_method()};
    const tlsd_profile *prof;
    size_t n = 0;

    for (size_t i = 0; (prof = tlsd_profile_at(i)) != NULL; i++, n++) {
        tlsd_policy *p = policy_of(prof->name);

        CU_ASSERT_PTR_NOT_NULL(p);
        if (p == NULL)
            continue;
        for (size_t m = 0; m < 3; m++)
            check_context(prof, p, methods[m]);
        check_verification(prof, p);
        tlsd_policy_free(p);
    }
    CU_ASSERT(n >= 10);
}

/* Names once each; a frozen profile says when and from what; a moving
 * name points at a frozen one, and is its effect exactly. */
static void test_table_is_well_formed(void)
{
    const tlsd_profile *a, *b;

    for (size_t i = 0; (a = tlsd_profile_at(i)) != NULL; i++) {
        for (size_t j = i + 1; (b = tlsd_profile_at(j)) != NULL; j++)
            CU_ASSERT(strcasecmp(a->name, b->name) != 0);
        CU_ASSERT(a->description != NULL && a->description[0] != '\0');
        CU_ASSERT((a->frozen_on != NULL) + (a->target != NULL) <= 1);
        if (a->frozen_on != NULL)
            CU_ASSERT(a->source != NULL && a->count > 0);
        if (a->target != NULL) {
            const tlsd_profile *t = tlsd_profile_find(a->target);

            CU_ASSERT_PTR_NOT_NULL_FATAL(t);
            CU_ASSERT_PTR_NOT_NULL(t->frozen_on);
            CU_ASSERT_PTR_EQUAL(tlsd_profile_data(a), t);
        }
    }
}

/* A moving name and its target give the same context, key by key. */
static void test_moving_names_are_their_targets(void)
{
    const char *keys[] = {"MinProtocol", "MaxProtocol", "CipherString", "Ciphersuites", "Groups",
                          "Options", "VerifyPeer", "TrustStore", "HostnameCheck"};
    const tlsd_profile *prof;

    for (size_t i = 0; (prof = tlsd_profile_at(i)) != NULL; i++) {
        tlsd_policy *moving, *target;

        if (prof->target == NULL)
            continue;
        moving = policy_of(prof->name);
        target = policy_of(prof->target);
        CU_ASSERT_PTR_NOT_NULL_FATAL(moving);
        CU_ASSERT_PTR_NOT_NULL_FATAL(target);
        CU_ASSERT_STRING_EQUAL(tlsd_policy_profile(moving), prof->name);
        CU_ASSERT_STRING_EQUAL(tlsd_policy_profile_target(moving), prof->target);
        CU_ASSERT_PTR_NULL(tlsd_policy_profile_target(target));
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
            const char *a = tlsd_policy_value(moving, keys[k]), *b = tlsd_policy_value(target, keys[k]);

            CU_ASSERT(a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0);
        }
        tlsd_policy_free(moving);
        tlsd_policy_free(target);
    }
}

/* The TLS 1.2 suites of a context, in order, ':'-joined. */
static void tls12_suites(SSL_CTX *ctx, char *buf, size_t cap)
{
    STACK_OF(SSL_CIPHER) *ciphers = SSL_CTX_get_ciphers(ctx);

    buf[0] = '\0';
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(ciphers, i);

        if (strcmp(SSL_CIPHER_get_version(c), "TLSv1.3") != 0)
            snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", buf[0] ? ":" : "", SSL_CIPHER_get_name(c));
    }
}

static void test_mozilla_data(void)
{
    const char *names[] = {"mozilla-intermediate-6.0", "mozilla-modern-6.0"};
    char want12[512] = "", want13[256] = "", got[1024];

    for (size_t i = 0; i < 6; i++)
        snprintf(want12 + strlen(want12), sizeof(want12) - strlen(want12), "%s%s", i ? ":" : "", mozilla_tls12[i]);
    for (size_t i = 0; i < 3; i++)
        snprintf(want13 + strlen(want13), sizeof(want13) - strlen(want13), "%s%s", i ? ":" : "", mozilla_tls13[i]);
    for (size_t i = 0; i < 2; i++) {
        tlsd_policy *p = policy_of(names[i]);
        SSL_CTX *ctx;

        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        ctx = applied(p, TLS_client_method());
        tls12_suites(ctx, got, sizeof(got));
        CU_ASSERT_STRING_EQUAL(got, want12);
        CU_ASSERT_STRING_EQUAL(tlsd_policy_value(p, "Ciphersuites"), want13);
        CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(ctx), i == 0 ? TLS1_2_VERSION : TLS1_3_VERSION);
        CU_ASSERT_EQUAL(SSL_CTX_get_options(ctx) & SSL_OP_CIPHER_SERVER_PREFERENCE, 0);
        /* X25519MLKEM768 where this OpenSSL has it, and said so where not. */
        if (OpenSSL_version_num() >= 0x30500000L) {
            CU_ASSERT_STRING_EQUAL(tlsd_policy_value(p, "Groups"), "X25519MLKEM768:X25519:prime256v1:secp384r1");
            CU_ASSERT_PTR_NULL(tlsd_policy_profile_left_out(p, 0));
        } else {
            const tlsd_profile_gate *g = tlsd_policy_profile_left_out(p, 0);

            CU_ASSERT_STRING_EQUAL(tlsd_policy_value(p, "Groups"), "X25519:prime256v1:secp384r1");
            CU_ASSERT_PTR_NOT_NULL_FATAL(g);
            CU_ASSERT_STRING_EQUAL(g->item, "X25519MLKEM768");
            CU_ASSERT_PTR_NULL(tlsd_policy_profile_left_out(p, 1));
        }
        SSL_CTX_free(ctx);
        tlsd_policy_free(p);
    }
}

/* A client of profile (NULL: none) against server: 1 when it connects;
 * the negotiated group's name into group. */
static int connect_with(const char *profile, SSL_CTX *server, tlsd_test_result *r, char *group, size_t cap)
{
    SSL_CTX *client = tlsd_test_client_ctx(ROOT);
    tlsd_policy *p = profile != NULL ? policy_of(profile) : NULL;
    SSL *ssl, *srv = NULL;
    int ok;

    CU_ASSERT_PTR_NOT_NULL_FATAL(client);
    if (p != NULL)
        CU_ASSERT(tlsd_policy_apply(p, client) == 1);
    ssl = SSL_new(client);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ssl);
    SSL_set_tlsext_host_name(ssl, "localhost");
    ok = tlsd_test_handshake_ssl(ssl, server, NULL, NULL, &srv, r);
    group[0] = '\0';
    if (ok) {
        const char *name = SSL_group_to_name(ssl, SSL_get_negotiated_group(ssl));

        snprintf(group, cap, "%s", name != NULL ? name : "?");
    }
    SSL_free(srv);
    SSL_free(ssl);
    SSL_CTX_free(client);
    tlsd_policy_free(p);
    return ok;
}

/* Exactly Mozilla's suites: a TLS 1.2 server of one CBC suite that python
 * accepts is refused by mozilla-intermediate; one of Mozilla's suites is
 * used. */
static void test_mozilla_handshakes(void)
{
    SSL_CTX *cbc = tlsd_test_server_ctx(GOOD_CHAIN), *aead = tlsd_test_server_ctx(GOOD_CHAIN);
    tlsd_test_result r;
    char group[64];

    CU_ASSERT_PTR_NOT_NULL_FATAL(cbc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(aead);
    CU_ASSERT(SSL_CTX_set_max_proto_version(cbc, TLS1_2_VERSION));
    CU_ASSERT(SSL_CTX_set_cipher_list(cbc, "ECDHE-RSA-AES128-SHA256"));
    CU_ASSERT(SSL_CTX_set_max_proto_version(aead, TLS1_2_VERSION));
    CU_ASSERT(connect_with("python-3.13", cbc, &r, group, sizeof(group)));
    CU_ASSERT_STRING_EQUAL(r.cipher, "ECDHE-RSA-AES128-SHA256");
    CU_ASSERT(!connect_with("mozilla-intermediate-6.0", cbc, &r, group, sizeof(group)));
    CU_ASSERT(connect_with("mozilla-intermediate-6.0", aead, &r, group, sizeof(group)));
    CU_ASSERT_STRING_EQUAL(r.version, "TLSv1.2");
    /* The client's order: no server preference on either side. */
    CU_ASSERT_STRING_EQUAL(r.cipher, "ECDHE-RSA-AES128-GCM-SHA256");
    /* modern: TLS 1.3 only, so the TLS 1.2 server is refused. */
    CU_ASSERT(!connect_with("mozilla-modern-6.0", aead, &r, group, sizeof(group)));
    SSL_CTX_free(cbc);
    SSL_CTX_free(aead);
}

/* On 3.5 and later, a Mozilla client's X25519MLKEM768 is negotiated with
 * a server that has it; before, X25519. A server without it (X25519 only)
 * gets X25519: the list degrades, never fails. */
static void test_mozilla_groups_negotiated(void)
{
    SSL_CTX *any = tlsd_test_server_ctx(GOOD_CHAIN), *classic = tlsd_test_server_ctx(GOOD_CHAIN);
    int pq = OpenSSL_version_num() >= 0x30500000L;
    tlsd_test_result r;
    char group[64];

    CU_ASSERT_PTR_NOT_NULL_FATAL(any);
    CU_ASSERT_PTR_NOT_NULL_FATAL(classic);
    CU_ASSERT(SSL_CTX_set1_groups_list(classic, "X25519"));
    if (pq)
        CU_ASSERT(SSL_CTX_set1_groups_list(any, "X25519MLKEM768:X25519"));
    CU_ASSERT(connect_with("mozilla-intermediate-6.0", any, &r, group, sizeof(group)));
    CU_ASSERT_STRING_EQUAL(r.version, "TLSv1.3");
    CU_ASSERT(strcasecmp(group, pq ? "X25519MLKEM768" : "x25519") == 0);
    CU_ASSERT(connect_with("mozilla-modern-6.0", classic, &r, group, sizeof(group)));
    CU_ASSERT(strcasecmp(group, "x25519") == 0);
    SSL_CTX_free(any);
    SSL_CTX_free(classic);
}

static int suite_init(void)
{
    return tlsd_test_certs_dir() == NULL;
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"invariants of every profile", test_invariants_of_every_profile},
        {"the profile table is well formed", test_table_is_well_formed},
        {"moving names are their targets", test_moving_names_are_their_targets},
        {"Mozilla 6.0 data", test_mozilla_data},
        {"Mozilla 6.0 suites in handshakes", test_mozilla_handshakes},
        {"Mozilla 6.0 groups negotiated", test_mozilla_groups_negotiated},
        CU_TEST_INFO_NULL,
    };

    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    return tlsd_test_main("profiles", suite_init, NULL, tests);
}
