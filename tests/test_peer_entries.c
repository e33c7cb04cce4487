/* SPDX-License-Identifier: Apache-2.0 */
/* Peers = SECTION (issue 24): entry names and the most specific match;
 * reading, with every bad entry failing closed and named; and, in
 * process, real handshakes where an entry is the difference: Enforce's
 * floor lowered for one destination only, a private CA trusted for one
 * name, VerifyPeer per destination, an IP literal choosing an address
 * entry, and a server that never takes a client's word for its policy.
 * Each with its negative control: the same handshake without the entry,
 * or to another name. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "errors.h"
#include "peer_match.h"
#include "policy.h"
#include "test_certs.h"
#include "test_config.h"
#include "test_errors.h"
#include "test_files.h"
#include "test_handshake.h"
#include "test_main.h"
#include "test_nginx.h"
#include "test_peers.h"
#include "test_process.h"

static char root[512], other_root[512], good_chain[512], other_chain[512], selfsigned[512];

/* --- names ------------------------------------------------------------ */

static void expect_name(const char *text, enum tlsd_peer_kind kind, const char *host, int prefix)
{
    tlsd_peer_name n;
    const char *why = NULL;

    CU_ASSERT_FATAL(tlsd_peer_match_parse_name(text, &n, &why) == 1);
    CU_ASSERT_EQUAL(n.kind, kind);
    if (host != NULL)
        CU_ASSERT_STRING_EQUAL(n.host, host);
    if (kind == TLSD_PEER_ADDRESS)
        CU_ASSERT_EQUAL(n.prefix, prefix);
}

static void expect_bad_name(const char *text, const char *reason)
{
    tlsd_peer_name n;
    const char *why = NULL;

    CU_ASSERT(tlsd_peer_match_parse_name(text, &n, &why) == 0);
    if (why == NULL || strstr(why, reason) == NULL) {
        fprintf(stderr, "\n  %s: got \"%s\", expected \"%s\"\n", text, why ? why : "(none)", reason);
        CU_FAIL("reason");
    }
}

static void test_names(void)
{
    tlsd_peer_name n;
    const char *why;

    expect_name("legacy.test", TLSD_PEER_HOST, "legacy.test", 0);
    expect_name("LEGACY.Test.", TLSD_PEER_HOST, "legacy.test", 0);
    expect_name("*.corp.test", TLSD_PEER_WILDCARD, "corp.test", 0);
    expect_name("127.0.0.2", TLSD_PEER_ADDRESS, NULL, 32);
    expect_name("192.0.2.0/24", TLSD_PEER_ADDRESS, NULL, 24);
    expect_name("2001\\:db8\\:\\:/32", TLSD_PEER_ADDRESS, NULL, 32);
    expect_name("::1", TLSD_PEER_ADDRESS, NULL, 128);
    /* An IPv4-mapped address is the IPv4 one. */
    CU_ASSERT(tlsd_peer_match_parse_name("::ffff:127.0.0.2", &n, &why) && n.address.family == AF_INET
              && n.prefix == 32);
    expect_bad_name("", "empty");
    expect_bad_name("legacy..test", "not a host name");
    expect_bad_name("*foo.test", "*.DOMAIN");
    expect_bad_name("a.*.test", "*.DOMAIN");
    expect_bad_name("*", "*.DOMAIN");
    expect_bad_name("has space.test", "not a host name");
    expect_bad_name("192.0.2.1/24", "bits set past its prefix");
    expect_bad_name("192.0.2.0/33", "prefix longer");
    expect_bad_name("192.0.2.0/x", "ADDRESS/BITS");
    expect_bad_name("10.1", "not a full IPv4 address");
    expect_bad_name("2001:db8::zz", "not an IP address");
}

static int best(const tlsd_peer_name *names, size_t n, const char *host, const char *address)
{
    tlsd_peer_address a = {0};

    if (address != NULL)
        CU_ASSERT_FATAL(tlsd_peer_match_parse_address(address, &a));
    return tlsd_peer_match_best(names, n, host, &a);
}

/* Exact name, then the longest wildcard, then the longest prefix. */
static void test_most_specific_entry_wins(void)
{
    static const char *const texts[] = {"*.test", "127.0.0.0/8", "legacy.test", "*.a.test", "127.0.0.2",
                                        "*.corp.test", "2001\\:db8\\:\\:/32"};
    enum { WILD, NET8, LEGACY, WILD_A, ADDR, CORP, V6 };
    tlsd_peer_name names[7];
    const char *why;

    for (size_t i = 0; i < 7; i++)
        CU_ASSERT_FATAL(tlsd_peer_match_parse_name(texts[i], &names[i], &why));
    CU_ASSERT_EQUAL(best(names, 7, "legacy.test", "127.0.0.2"), LEGACY);
    CU_ASSERT_EQUAL(best(names, 7, "LEGACY.TEST.", NULL), LEGACY);
    CU_ASSERT_EQUAL(best(names, 7, "x.a.test", NULL), WILD_A);
    CU_ASSERT_EQUAL(best(names, 7, "x.y.a.test", NULL), WILD_A);
    CU_ASSERT_EQUAL(best(names, 7, "a.test", NULL), WILD);
    CU_ASSERT_EQUAL(best(names, 7, "a.corp.test", NULL), CORP);
    /* A wildcard covers the names below its domain, not the domain. */
    CU_ASSERT_EQUAL(best(names, 1, "test", NULL), -1);
    CU_ASSERT_EQUAL(best(&names[CORP], 1, "corp.test", NULL), -1);
    CU_ASSERT_EQUAL(best(&names[CORP], 1, "acorp.test", NULL), -1);
    /* A connection to a name gets name entries only: DNS must not choose
     * an address entry's policy for it. */
    CU_ASSERT_EQUAL(best(names, 7, "other.example", "127.0.0.2"), -1);
    CU_ASSERT_EQUAL(best(names, 7, "x.a.test", "127.0.0.2"), WILD_A);
    /* Without a name, the longest prefix. */
    CU_ASSERT_EQUAL(best(names, 7, NULL, "127.0.0.2"), ADDR);
    CU_ASSERT_EQUAL(best(names, 7, "", "127.0.0.9"), NET8);
    CU_ASSERT_EQUAL(best(names, 7, NULL, "::ffff:127.0.0.2"), ADDR);
    CU_ASSERT_EQUAL(best(names, 7, NULL, "2001:db8:1::5"), V6);
    CU_ASSERT_EQUAL(best(names, 7, NULL, "10.0.0.1"), -1);
    /* An IP literal the program gave chooses as its address. */
    CU_ASSERT_EQUAL(best(names, 7, "127.0.0.2", NULL), ADDR);
    CU_ASSERT_EQUAL(best(names, 7, "other.example", NULL), -1);
}

/* --- reading ------------------------------------------------------------ */

#define MODULE_SECTION "[s]\npath = /nowhere/tlsdefaults.so\nPeers = peers\nCiphersuites = TLS_AES_128_GCM_SHA256\n"

/* The policy of [s], or NULL; the number of tlsdefaults errors raised in
 * *errors when not NULL. */
static tlsd_policy *read_text(const char *text, int *errors)
{
    CONF *conf = tlsd_test_conf_from_text(text);
    tlsd_policy *p;

    ERR_clear_error();
    p = tlsd_policy_section_read_for(conf, "s", 1, NULL);
    if (errors != NULL)
        *errors = tlsd_test_count_errors();
    NCONF_free(conf);
    return p;
}

static void expect_unreadable(const char *peers_and_sections, int reason, const char *needle)
{
    char text[2048];
    CONF *conf;

    snprintf(text, sizeof(text), MODULE_SECTION "%s", peers_and_sections);
    conf = tlsd_test_conf_from_text(text);
    ERR_clear_error();
    CU_ASSERT_PTR_NULL(tlsd_policy_section_read_for(conf, "s", 1, NULL));
    CU_ASSERT(tlsd_test_take_error(reason, needle));
    NCONF_free(conf);
}

static void test_entry_policy(void)
{
    tlsd_policy *p = read_text(MODULE_SECTION "[peers]\nlegacy.test = legacy\n*.corp.test = corp\n"
                               "[legacy]\nMinProtocol = TLSv1.1\n[corp]\nVerifyPeer = no\n",
                               NULL);
    tlsd_policy_peer e;
    tlsd_peer_address none = {0};

    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(tlsd_policy_peers_name(p), "peers");
    CU_ASSERT_EQUAL(tlsd_policy_peer_count(p), 2);
    CU_ASSERT_FATAL(tlsd_policy_peer_at(p, 0, &e));
    CU_ASSERT_STRING_EQUAL(e.name, "legacy.test");
    CU_ASSERT_STRING_EQUAL(e.section, "legacy");
    /* Its own key, the module section's, the profile's. */
    CU_ASSERT_STRING_EQUAL(tlsd_policy_value(e.policy, "MinProtocol"), "TLSv1.1");
    CU_ASSERT_STRING_EQUAL(tlsd_policy_origin(e.policy, "MinProtocol"), "section legacy (peer legacy.test)");
    CU_ASSERT_STRING_EQUAL(tlsd_policy_value(e.policy, "Ciphersuites"), "TLS_AES_128_GCM_SHA256");
    CU_ASSERT_STRING_EQUAL(tlsd_policy_value(e.policy, "VerifyPeer"), "yes");
    CU_ASSERT_EQUAL(e.keys, 1u << TLSD_KEY_MIN_PROTOCOL);
    /* The policy itself keeps its floor. */
    CU_ASSERT_STRING_EQUAL(tlsd_policy_value(p, "MinProtocol"), "TLSv1.2");
    CU_ASSERT_EQUAL(tlsd_policy_peer_for(p, "x.corp.test", &none), 1);
    CU_ASSERT_EQUAL(tlsd_policy_peer_for(p, "corp.test", &none), -1);
    tlsd_policy_free(p);
}

/* A program's own Peers replaces the module section's; without one it
 * has the module section's, with its own keys under the entry's. */
static void test_program_peers(void)
{
    const char *text = MODULE_SECTION "Programs = progs\n[progs]\ncurl = curl_sect\nwget = wget_sect\n"
                       "[curl_sect]\nPeers = curl_peers\n[wget_sect]\nCipherString = ECDHE+AESGCM\n"
                       "[peers]\nlegacy.test = legacy\n[curl_peers]\nbackend.test = backend\n"
                       "[legacy]\nMinProtocol = TLSv1.1\n[backend]\nVerifyPeer = no\n";
    CONF *conf = tlsd_test_conf_from_text(text);
    tlsd_program curl = {"/usr/bin/curl", "curl"}, wget = {"/usr/bin/wget", "wget"};
    tlsd_policy *p = tlsd_policy_section_read_for(conf, "s", 1, &curl);
    tlsd_policy_peer e;

    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(tlsd_policy_peer_count(p), 1);
    CU_ASSERT(tlsd_policy_peer_at(p, 0, &e) && strcmp(e.name, "backend.test") == 0);
    tlsd_policy_free(p);
    p = tlsd_policy_section_read_for(conf, "s", 1, &wget);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT(tlsd_policy_peer_at(p, 0, &e) && strcmp(e.name, "legacy.test") == 0);
    CU_ASSERT_STRING_EQUAL(tlsd_policy_value(e.policy, "CipherString"), "ECDHE+AESGCM");
    CU_ASSERT_STRING_EQUAL(tlsd_policy_value(e.policy, "MinProtocol"), "TLSv1.1");
    tlsd_policy_free(p);
    NCONF_free(conf);
}

static void test_bad_entries_fail_closed(void)
{
    int errors = 0;

    expect_unreadable("[peers]\nlegacy..test = legacy\n[legacy]\nMinProtocol = TLSv1.1\n", TLSD_R_BAD_VALUE,
                      "section peers: key=legacy..test: not a host name");
    expect_unreadable("[peers]\n192.0.2.1/24 = legacy\n[legacy]\nMinProtocol = TLSv1.1\n", TLSD_R_BAD_VALUE,
                      "key=192.0.2.1/24: address has bits set past its prefix");
    expect_unreadable("[peers]\nlegacy.test = nosuch\n", TLSD_R_MISSING_SECTION,
                      "section peers: key=legacy.test value=nosuch: no section nosuch");
    expect_unreadable("[peers]\nlegacy.test = legacy\n[legacy]\nEnforce = no\n", TLSD_R_NOT_PER_CONNECTION,
                      "section legacy (peer legacy.test): key=Enforce");
    expect_unreadable("[peers]\nlegacy.test = legacy\n[legacy]\nAudit = yes\n", TLSD_R_NOT_PER_CONNECTION,
                      "key=Audit");
    expect_unreadable("[peers]\nlegacy.test = legacy\n[legacy]\nPeers = peers\n", TLSD_R_NOT_PER_CONNECTION,
                      "key=Peers");
    expect_unreadable("[peers]\nlegacy.test = legacy\n[legacy]\nMinProtocol = TLSv9\n", TLSD_R_BAD_VALUE,
                      "section legacy (peer legacy.test): key=MinProtocol value=TLSv9");
    expect_unreadable("[peers]\nlegacy.test = a\nLEGACY.test. = a\n[a]\nMinProtocol = TLSv1.1\n",
                      TLSD_R_BAD_VALUE, "key=LEGACY.test.: the same destination as key=legacy.test");
    expect_unreadable("", TLSD_R_MISSING_SECTION, "section s: key=Peers value=peers: no such section");
    /* A candidate has no Peers: an entry is an exception to the enforced
     * policy. */
    CU_ASSERT_PTR_NULL(read_text("[s]\npath = /nowhere/tlsdefaults.so\nCandidate = c\n[c]\nPeers = peers\n"
                                 "[peers]\nlegacy.test = x\n[x]\nMinProtocol = TLSv1.1\n", NULL));
    CU_ASSERT(tlsd_test_take_error(TLSD_R_UNKNOWN_KEY, "section c (candidate): key=Peers"));
    /* Every bad entry is reported, not just the first. */
    CU_ASSERT_PTR_NULL(read_text(MODULE_SECTION "[peers]\na..test = x\nb.test = nosuch\nc.test = x\n"
                                 "[x]\nOptions = -ServerPreference\n", &errors));
    CU_ASSERT_EQUAL(errors, 3);
}

/* --- handshakes under the module ------------------------------------- */

static void load(const char *keys, const char *extra)
{
    tlsd_test_load_module("peers", keys, extra);
}

static void unload(void)
{
    CONF_modules_unload(0);
}

/* A server made without the module, of chain, TLS 1.1 only when legacy. */
static SSL_CTX *server_of(const char *chain, int legacy)
{
    SSL_CTX *ctx = tlsd_test_server_ctx(chain);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    if (legacy) {
        CU_ASSERT(SSL_CTX_set_min_proto_version(ctx, TLS1_1_VERSION));
        CU_ASSERT(SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION));
        CU_ASSERT(SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0"));
    }
    return ctx;
}

/* A careless client made now (the module's VerifyPeer makes it verify),
 * with ca (NULL: no anchors of its own), TLS 1.1 only by the program's
 * own choice when legacy. Its handshake with server for sni (check_host as
 * given); the result in *r. */
static int careless_connects(SSL_CTX *server, const char *ca, int legacy, const char *sni,
                             const char *check_host, tlsd_test_result *r)
{
    SSL_CTX *client = SSL_CTX_new(TLS_client_method());
    int ok;

    CU_ASSERT_PTR_NOT_NULL_FATAL(client);
    if (ca != NULL)
        CU_ASSERT(SSL_CTX_load_verify_locations(client, ca, NULL) == 1);
    if (legacy) {
        SSL_CTX_set_min_proto_version(client, TLS1_1_VERSION);
        SSL_CTX_set_max_proto_version(client, TLS1_1_VERSION);
        SSL_CTX_set_cipher_list(client, "ALL:@SECLEVEL=0");
    }
    ok = tlsd_test_handshake(client, server, sni, check_host, r);
    if (getenv("TLSD_TEST_VERBOSE") != NULL)
        fprintf(stderr, "\n  %s: %s\n", sni != NULL ? sni : check_host, tlsd_test_result_str(r));
    SSL_CTX_free(client);
    return ok;
}

#define LEGACY_ENTRY "[peers]\nlegacy.test = legacy\n[legacy]\nMinProtocol = TLSv1.1\n" \
                     "CipherString = DEFAULT:@SECLEVEL=0\nHostnameCheck = no\n"

/* With Enforce, the entry is the one thing that goes below the floor, and
 * only for its destination. */
static void test_floor_lowered_for_the_entry_only(void)
{
    SSL_CTX *legacy = server_of(good_chain, 1);
    tlsd_test_result r;

    load("Enforce = yes\nPeers = peers\n", LEGACY_ENTRY);
    CU_ASSERT(careless_connects(legacy, root, 0, "legacy.test", NULL, &r));
    CU_ASSERT_STRING_EQUAL(r.version, "TLSv1.1");
    CU_ASSERT(!careless_connects(legacy, root, 0, "other.test", NULL, &r));
    /* A program that asks for TLS 1.1 itself meets the floor elsewhere. */
    CU_ASSERT(!careless_connects(legacy, root, 1, "other.test", NULL, &r));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.client_error, "below tlsdefaults floor"));
    CU_ASSERT(careless_connects(legacy, root, 1, "legacy.test", NULL, &r));
    unload();
    /* The control: without the entry, legacy.test meets the floor too. */
    load("Enforce = yes\n", NULL);
    CU_ASSERT(!careless_connects(legacy, root, 1, "legacy.test", NULL, &r));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.client_error, "below tlsdefaults floor"));
    unload();
    SSL_CTX_free(legacy);
}

/* A private CA for one name: a careless client reaches the server its CA
 * signed, through the entry's TrustStore, and is refused without it. */
static void test_trust_store_for_one_name(void)
{
    SSL_CTX *private_srv = server_of(other_chain, 0), *public_srv = server_of(good_chain, 0);
    char keys[1024], extra[1024];
    tlsd_test_result r;

    snprintf(keys, sizeof(keys), "TrustStore = %s\n", root);
    snprintf(extra, sizeof(extra), "[peers]\nlocalhost = private\n[private]\nTrustStore = %s\n", other_root);
    load(strcat(keys, "Peers = peers\n"), extra);
    CU_ASSERT(careless_connects(private_srv, NULL, 0, "localhost", NULL, &r));
    /* The entry's store replaces the policy's for that name... */
    CU_ASSERT(!careless_connects(public_srv, NULL, 0, "localhost", NULL, &r));
    /* ...and a program's own anchors are never widened. */
    CU_ASSERT(!careless_connects(private_srv, root, 0, "localhost", NULL, &r));
    unload();
    /* The control: the policy's store alone refuses the private CA. */
    snprintf(keys, sizeof(keys), "TrustStore = %s\n", root);
    load(keys, NULL);
    CU_ASSERT(!careless_connects(private_srv, NULL, 0, "localhost", NULL, &r));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.client_error, "VerifyPeer"));
    CU_ASSERT(careless_connects(public_srv, NULL, 0, "localhost", NULL, &r));
    unload();
    SSL_CTX_free(private_srv);
    SSL_CTX_free(public_srv);
}

/* VerifyPeer per destination, both ways; a program's own choice stays. */
static void test_verify_peer_per_destination(void)
{
    SSL_CTX *self = server_of(selfsigned, 0), *client;
    tlsd_test_result r;

    load("Peers = peers\n", "[peers]\nlab.test = lab\n[lab]\nVerifyPeer = no\n");
    CU_ASSERT(careless_connects(self, root, 0, "lab.test", NULL, &r));
    CU_ASSERT(r.verify_result != X509_V_OK);
    CU_ASSERT(!careless_connects(self, root, 0, "other.test", NULL, &r));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.client_error, "VerifyPeer"));
    unload();
    load("VerifyPeer = no\nPeers = peers\n", "[peers]\nbank.test = bank\n[bank]\nVerifyPeer = yes\n");
    CU_ASSERT(!careless_connects(self, root, 0, "bank.test", NULL, &r));
    CU_ASSERT(careless_connects(self, root, 0, "other.test", NULL, &r));
    /* A program that chose SSL_VERIFY_NONE (curl -k) keeps its choice. */
    client = SSL_CTX_new(TLS_client_method());
    CU_ASSERT_PTR_NOT_NULL_FATAL(client);
    SSL_CTX_set_verify(client, SSL_VERIFY_NONE, NULL);
    CU_ASSERT(tlsd_test_handshake(client, self, "bank.test", NULL, &r));
    SSL_CTX_free(client);
    unload();
    SSL_CTX_free(self);
}

/* The address a program gave as its host chooses an address entry. */
static void test_ip_literal_chooses_address_entry(void)
{
    SSL_CTX *srv = server_of(good_chain, 0);
    tlsd_test_result r;

    load("Peers = peers\n", "[peers]\n127.0.0.0/30 = net\n[net]\nVerifyPeer = no\n");
    /* The certificate names localhost, not 127.0.0.2: only the entry lets
     * it through. */
    CU_ASSERT(careless_connects(srv, root, 0, NULL, "127.0.0.2", &r));
    CU_ASSERT(!careless_connects(srv, root, 0, NULL, "127.0.0.9", &r));
    unload();
    SSL_CTX_free(srv);
}

static int set_sni(SSL *client, void *name)
{
    return SSL_set_tlsext_host_name(client, (const char *)name);
}

/* An SSL reused with SSL_clear() for another name: after an entry, that
 * handshake is refused (the entry's settings are still on it); after no
 * entry, the new name chooses. */
static void test_reused_connection(void)
{
    SSL_CTX *legacy = server_of(good_chain, 1), *client;
    SSL *ssl;
    tlsd_test_result r;

    load("Enforce = yes\nPeers = peers\n", LEGACY_ENTRY);
    client = SSL_CTX_new(TLS_client_method());
    CU_ASSERT_PTR_NOT_NULL_FATAL(client);
    CU_ASSERT(SSL_CTX_load_verify_locations(client, root, NULL) == 1);
    ssl = SSL_new(client);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ssl);
    CU_ASSERT(tlsd_test_handshake_ssl(ssl, legacy, set_sni, "legacy.test", NULL, &r));
    CU_ASSERT(SSL_clear(ssl));
    CU_ASSERT(!tlsd_test_handshake_ssl(ssl, legacy, set_sni, "other.test", NULL, &r));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.client_error, "no longer matches the tlsdefaults Peers entry"));
    SSL_free(ssl);
    /* The other way round: no entry first, then legacy.test's. */
    ssl = SSL_new(client);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ssl);
    CU_ASSERT(!tlsd_test_handshake_ssl(ssl, legacy, set_sni, "other.test", NULL, &r));
    CU_ASSERT(SSL_clear(ssl));
    CU_ASSERT(tlsd_test_handshake_ssl(ssl, legacy, set_sni, "legacy.test", NULL, &r));
    CU_ASSERT_STRING_EQUAL(r.version, "TLSv1.1");
    SSL_free(ssl);
    SSL_CTX_free(client);
    unload();
    SSL_CTX_free(legacy);
}

/* A server's policy is its own: a client that sends the exempt name
 * still meets the server's floor. */
static void test_server_ignores_the_client_name(void)
{
    SSL_CTX *legacy_client = SSL_CTX_new(TLS_client_method()), *srv, *plain = server_of(good_chain, 1);
    tlsd_test_result r;

    CU_ASSERT_PTR_NOT_NULL_FATAL(legacy_client);
    SSL_CTX_set_min_proto_version(legacy_client, TLS1_1_VERSION);
    SSL_CTX_set_max_proto_version(legacy_client, TLS1_1_VERSION);
    SSL_CTX_set_cipher_list(legacy_client, "ALL:@SECLEVEL=0");
    /* The control: a server without the module takes it. */
    CU_ASSERT(tlsd_test_handshake(legacy_client, plain, "legacy.test", NULL, &r));
    /* Enforce's floor refuses it, the entry notwithstanding; without
     * Enforce, the server's own TLS 1.1 takes it. */
    for (int enforce = 1; enforce >= 0; enforce--) {
        load(enforce ? "Enforce = yes\nPeers = peers\n" : "Peers = peers\n", LEGACY_ENTRY);
        srv = tlsd_test_server_ctx(good_chain);
        CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
        SSL_CTX_set_min_proto_version(srv, TLS1_1_VERSION);
        SSL_CTX_set_cipher_list(srv, "ALL:@SECLEVEL=0");
        CU_ASSERT_EQUAL(tlsd_test_handshake(legacy_client, srv, "legacy.test", NULL, &r), !enforce);
        unload();
        SSL_CTX_free(srv);
    }
    SSL_CTX_free(plain);
    SSL_CTX_free(legacy_client);
}

/* Audit and inventory lines name the entry a connection got; the others
 * name none. */
static void test_lines_name_the_entry(void)
{
    SSL_CTX *self = server_of(selfsigned, 0);
    char keys[1024], log_path[512];
    static char text[1 << 16];
    tlsd_test_result r;

    snprintf(log_path, sizeof(log_path), "%s/peers.log", tlsd_test_certs_dir());
    unlink(log_path);
    snprintf(keys, sizeof(keys), "Audit = VerifyPeer\nInventory = yes\nAuditLog = %s\nPeers = peers\n", log_path);
    load(keys, "[peers]\nlab.test = lab\n[lab]\nCiphersuites = TLS_AES_128_GCM_SHA256\n");
    CU_ASSERT(careless_connects(self, root, 0, "lab.test", NULL, &r));
    CU_ASSERT_STRING_EQUAL(r.cipher, "TLS_AES_128_GCM_SHA256");
    CU_ASSERT(careless_connects(self, root, 0, "other.test", NULL, &r));
    CU_ASSERT_STRING_EQUAL(r.cipher, "TLS_AES_256_GCM_SHA384");
    unload();
    TLSD_TEST_EXPECT_IN_FILE(log_path, text, 1, "peer=lab.test reasons=VerifyPeer:");
    TLSD_TEST_EXPECT_IN_FILE(log_path, text, 2, " peer_entry=lab.test\n");
    TLSD_TEST_EXPECT_IN_FILE(log_path, text, 2, "]: inventory program=test_peer_entries pid=");
    TLSD_TEST_EXPECT_IN_FILE(log_path, text, 1, "peer=other.test reasons=VerifyPeer:");
    TLSD_TEST_EXPECT_IN_FILE(log_path, text, 2, "resumed=no");
    TLSD_TEST_EXPECT_IN_FILE(log_path, text, 2, "peer_entry=");
    /* An entry's connections are audited against the entry: one that
     * exempts what the audit would refuse logs no refusal. */
    unlink(log_path);
    load(keys, "[peers]\nlab.test = lab\n[lab]\nVerifyPeer = no\n");
    CU_ASSERT(careless_connects(self, root, 0, "lab.test", NULL, &r));
    CU_ASSERT(careless_connects(self, root, 0, "other.test", NULL, &r));
    unload();
    TLSD_TEST_EXPECT_IN_FILE(log_path, text, 0, "peer=lab.test reasons=");
    TLSD_TEST_EXPECT_IN_FILE(log_path, text, 1, "peer=other.test reasons=VerifyPeer:");
    TLSD_TEST_EXPECT_IN_FILE(log_path, text, 1, "peer=lab.test version=");
    SSL_CTX_free(self);
}

/* nginx, unmodified, as a reverse proxy (proxy_ssl_verify off) to a
 * backend whose certificate a private CA signed: 502 under VerifyPeer
 * without an entry; served through an entry that trusts that CA for the
 * backend alone, by address (nginx sends no SNI by default) or by the
 * name nginx sends (proxy_ssl_server_name on). */
static void test_nginx_upstream_private_ca(void)
{
    const char *const probe[] = {"nginx", "-v", NULL}, *const curl_probe[] = {"curl", "--version", NULL};
    const char *const www[] = {"-www", NULL}, *const without_module[] = {"TLSDEFAULTS_DEBUG=", NULL};
    static char output[65536];
    char dir[512], upstream[64], url[64], keys[600], extra[3][600], cnf[600];
    const char *const named = "proxy_ssl_server_name on; proxy_ssl_name localhost;";
    tlsd_test_server backend, proxy;

    if (tlsd_test_run(probe, NULL, "", output, sizeof(output), 10) != 0
        || tlsd_test_run(curl_probe, NULL, "", output, sizeof(output), 10) != 0) {
        fprintf(stderr, "\n  SKIP: nginx or curl is not installed here\n");
        return;
    }
    /* nginx of another OpenSSL major than this build's gets no policy. */
    if (!tlsd_test_peer_usable("nginx", tlsd_test_which("nginx")))
        return;
    CU_ASSERT_FATAL(tlsd_test_s_server_start_cert(&backend, "other-leaf.pem", www, without_module));
    snprintf(dir, sizeof(dir), "%s/nginx-peers", tlsd_test_certs_dir());
    snprintf(upstream, sizeof(upstream), "https://127.0.0.1:%d", backend.port);
    snprintf(keys, sizeof(keys), "TrustStore = %s\nPeers = peers\n", root);
    snprintf(extra[0], sizeof(extra[0]), "[peers]\nother.test = p\n[p]\nTrustStore = %s\n", other_root);
    snprintf(extra[1], sizeof(extra[1]), "[peers]\n127.0.0.1 = p\n[p]\nTrustStore = %s\n", other_root);
    snprintf(extra[2], sizeof(extra[2]), "[peers]\nlocalhost = p\n[p]\nTrustStore = %s\n", other_root);
    for (int k = 0; k < 4; k++) {
        const char *get[] = {"curl", "-sS", "-o", "-", "-w", "\nstatus=%{http_code}\n", url, NULL};

        /* 0: an entry for another name; 1: by address; 2, 3: by name, with
         * and without nginx sending it. */
        snprintf(cnf, sizeof(cnf), "%s", tlsd_test_write_cnf("nginx-peers", NULL, NULL, keys, extra[k < 3 ? k : 2]));
        if (!tlsd_test_nginx_proxy_start(&proxy, dir, upstream, k == 2 ? named : NULL, tlsd_test_env_with(cnf, 0))) {
            CU_FAIL("nginx did not start");
            continue;
        }
        snprintf(url, sizeof(url), "http://127.0.0.1:%d/", proxy.port);
        CU_ASSERT_EQUAL(tlsd_test_run(get, without_module, "", output, sizeof(output), 20), 0);
        tlsd_test_s_server_stop(&proxy);
        if (getenv("TLSD_TEST_VERBOSE") != NULL)
            fprintf(stderr, "\n  nginx case %d: %s\n", k, strstr(output, "status="));
        if (strstr(output, k == 1 || k == 2 ? "status=200" : "status=502") == NULL) {
            fprintf(stderr, "\n  nginx case %d: %s\n", k, output);
            CU_FAIL("nginx's answer");
        }
    }
    tlsd_test_s_server_stop(&backend);
}

/* A broken entry fails closed: every context of the load refuses TLS. */
static void test_broken_entry_refuses_tls(void)
{
    SSL_CTX *ctx;

    load("Peers = peers\n", "[peers]\nlegacy.test = legacy\n[legacy]\nKeyLog = yes\n");
    ctx = SSL_CTX_new(TLS_client_method());
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    tlsd_test_expect_refused(ctx, "key=KeyLog");
    SSL_CTX_free(ctx);
    unload();
}

static int suite_init(void)
{
    if (tlsd_test_certs_dir() == NULL)
        return 1;
    snprintf(root, sizeof(root), "%s", tlsd_test_cert_path("root.pem"));
    snprintf(other_root, sizeof(other_root), "%s", tlsd_test_cert_path("other-root.pem"));
    snprintf(good_chain, sizeof(good_chain), "%s", tlsd_test_cert_path("leaf-chain.pem"));
    snprintf(other_chain, sizeof(other_chain), "%s", tlsd_test_cert_path("other-leaf.pem"));
    snprintf(selfsigned, sizeof(selfsigned), "%s", tlsd_test_cert_path("selfsigned.pem"));
    setenv("SSL_CERT_FILE", root, 1);
    return 0;
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"entry names", test_names},
        {"the most specific entry wins", test_most_specific_entry_wins},
        {"an entry's policy", test_entry_policy},
        {"a program's own Peers", test_program_peers},
        {"bad entries fail closed, named", test_bad_entries_fail_closed},
        {"Enforce: the floor lowered for the entry only", test_floor_lowered_for_the_entry_only},
        {"TrustStore: a private CA for one name", test_trust_store_for_one_name},
        {"VerifyPeer per destination", test_verify_peer_per_destination},
        {"an IP literal chooses an address entry", test_ip_literal_chooses_address_entry},
        {"a server ignores the client's name", test_server_ignores_the_client_name},
        {"an SSL reused for another name", test_reused_connection},
        {"audit and inventory lines name the entry", test_lines_name_the_entry},
        {"nginx's upstream of a private CA", test_nginx_upstream_private_ca},
        {"a broken entry refuses TLS", test_broken_entry_refuses_tls},
        CU_TEST_INFO_NULL,
    };

    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    return tlsd_test_main("peers", suite_init, NULL, tests);
}
