/* SPDX-License-Identifier: Apache-2.0 */
/* tlsd_set_server_hostname as a table: each row a certificate, the name a
 * client asks for, and what must happen (the call refused, the handshake
 * refused, or accepted), with real handshakes against a client context of
 * tlsd_create_default_context(). */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "tlsdefaults.h"
#include "test_certs.h"
#include "test_errors.h"
#include "test_handshake.h"
#include "test_main.h"

enum outcome { REFUSED_BY_CALL, REFUSED_BY_HANDSHAKE, ACCEPTED };

typedef struct {
    const char *cert;  /* chain file stem */
    const char *name;
    size_t len;        /* 0: strlen(name) */
    enum outcome want;
    const char *why;
    int ip_literal; /* no SNI expected */
} row;

static const row rows[] = {
    {"leaf", "localhost", 0, ACCEPTED, "exact name", 0},
    {"leaf", "LocalHost", 0, ACCEPTED, "DNS names compare without case", 0},
    {"leaf", "localhost.", 0, ACCEPTED, "a trailing dot is the same name", 0},
    {"leaf", "localhost..", 0, REFUSED_BY_HANDSHAKE, "two trailing dots are not", 0},
    {"wildcard", "a.example.test.", 0, ACCEPTED, "a trailing dot against a wildcard", 0},
    {"leaf", "otherhost", 0, REFUSED_BY_HANDSHAKE, "another name", 0},
    {"wildcard", "a.example.test", 0, ACCEPTED, "a wildcard matches one label", 0},
    {"wildcard", "A.Example.TEST", 0, ACCEPTED, "wildcards compare without case", 0},
    {"wildcard", "a.b.example.test", 0, REFUSED_BY_HANDSHAKE, "not two labels", 0},
    {"wildcard", "example.test", 0, REFUSED_BY_HANDSHAKE, "not the bare domain", 0},
    {"partial-wildcard", "foo.example.test", 0, REFUSED_BY_HANDSHAKE,
     "no partial wildcards (NoPartialWildcards)", 0},
    {"idna", "xn--bcher-kva.example.test", 0, ACCEPTED, "the A-label matches", 0},
    {"idna", "b\xc3\xbc" "cher.example.test", 0, REFUSED_BY_HANDSHAKE,
     "the U-label does not: C callers pass A-labels", 0},
    {"leaf", "127.0.0.1", 0, ACCEPTED, "IPv4 literal against the certificate's IP", 1},
    {"leaf", "::1", 0, ACCEPTED, "IPv6 literal against the certificate's IP", 1},
    {"leaf", "0:0:0:0:0:0:0:1", 0, ACCEPTED, "IPv6 literal, long form", 1},
    {"leaf", "127.0.0.2", 0, REFUSED_BY_HANDSHAKE, "another IPv4 address", 1},
    {"leaf", "2001:db8::1", 0, REFUSED_BY_HANDSHAKE, "another IPv6 address", 1},
    {"leaf", "1.2.3", 0, REFUSED_BY_HANDSHAKE, "not a canonical IPv4 literal: a name, sent as SNI", 0},
    {"leaf", "127.0.0.1.", 0, ACCEPTED, "an IPv4 literal with a trailing dot is the address", 1},
    {"wronghost", "127.0.0.1", 0, REFUSED_BY_HANDSHAKE, "an IP against a DNS-only certificate", 1},
    {"leaf", "[::1]", 0, REFUSED_BY_HANDSHAKE, "brackets make it a name, not an address", 0},
    {"leaf", "localhost\0.evil.example", sizeof("localhost\0.evil.example") - 1, REFUSED_BY_CALL,
     "embedded NUL", 0},
    {"leaf", "localhost-and-more", 9, ACCEPTED, "a length shorter than the buffer", 0},
    {"leaf", "", 0, REFUSED_BY_CALL, "empty", 0},
    {"leaf", ".localhost", 0, REFUSED_BY_CALL, "leading dot", 0},
};

/* OpenSSL 4.0's X509_VERIFY_PARAM_set1_host() validates names (empty
 * labels, brackets, non-ASCII): these rows are refused by the call there,
 * by the handshake before. Refused either way. */
static const char *const refused_by_call_from_4[] = {
    "localhost..", "b\xc3\xbc" "cher.example.test", "[::1]",
};

static enum outcome expected(const row *r)
{
    for (size_t i = 0; i < sizeof(refused_by_call_from_4) / sizeof(refused_by_call_from_4[0]); i++)
        if (strcmp(r->name, refused_by_call_from_4[i]) == 0 && OpenSSL_version_num() >= 0x40000000L)
            return REFUSED_BY_CALL;
    return r->want;
}

static SSL_CTX *client;

static int call_result;
static long verify_result;

/* A CUnit failure that names its row: the report says which rule broke. */
#define CHECK_ROW(cond, r, what) check_row((cond), (r), (what), __LINE__)

static void check_row(int ok, const row *r, const char *what, unsigned line)
{
    char msg[256];

    snprintf(msg, sizeof(msg), "row \"%s\" (cert %s): %s", r->why, r->cert, what);
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, msg, __FILE__, "", CU_FALSE);
}

static int set_hostname(SSL *ssl, void *arg)
{
    const row *r = arg;
    size_t len = r->len != 0 ? r->len : strlen(r->name);

    call_result = tlsd_set_server_hostname_len(ssl, r->name, len);
    if (call_result) {
        /* Names go out as SNI, without a trailing dot; IP literals not at all. */
        const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
        char want[128];

        snprintf(want, sizeof(want), "%.*s", (int)len, r->name);
        if (len > 1 && want[len - 1] == '.')
            want[len - 1] = '\0';
        if (r->ip_literal)
            CHECK_ROW(sni == NULL, r, "an IP literal sets no SNI");
        else
            CHECK_ROW(sni != NULL && strcmp(sni, want) == 0, r, "SNI is the name");
    } else {
        CHECK_ROW(tlsd_test_take_error(TLSD_R_BAD_HOSTNAME, NULL), r, "error: bad server hostname");
    }
    ERR_clear_error();
    return call_result;
}

static enum outcome run(const row *r, SSL_CTX *client_ctx)
{
    char chain[64];
    SSL_CTX *server;
    tlsd_test_result result;
    int ok;

    snprintf(chain, sizeof(chain), "%s-chain.pem", r->cert);
    server = tlsd_test_server_ctx(tlsd_test_cert_path(chain));
    CU_ASSERT_PTR_NOT_NULL_FATAL(server);
    ok = tlsd_test_handshake_with(client_ctx, server, set_hostname, (void *)r, &result);
    verify_result = result.verify_result;
    SSL_CTX_free(server);
    if (!call_result)
        return REFUSED_BY_CALL;
    return ok ? ACCEPTED : REFUSED_BY_HANDSHAKE;
}

static const char *outcome_name(enum outcome o)
{
    return o == ACCEPTED ? "accepted" : o == REFUSED_BY_CALL ? "refused by the call" : "refused by the handshake";
}

static void test_hostname_table(void)
{
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        enum outcome got = run(&rows[i], client), want = expected(&rows[i]);
        char what[96];

        snprintf(what, sizeof(what), "%s, expected %s", outcome_name(got), outcome_name(want));
        CHECK_ROW(got == want, &rows[i], what);
        /* A refusal must come from the name check, not from the chain. */
        if (got == REFUSED_BY_HANDSHAKE)
            CHECK_ROW(verify_result == (rows[i].ip_literal ? X509_V_ERR_IP_ADDRESS_MISMATCH
                                                           : X509_V_ERR_HOSTNAME_MISMATCH),
                      &rows[i], X509_verify_cert_error_string(verify_result));
        else if (got == ACCEPTED)
            CHECK_ROW(verify_result == X509_V_OK, &rows[i], "verified");
    }
}

/* The partial-wildcard row is refused because of the policy's host flag,
 * not by accident: without NoPartialWildcards it is accepted. */
static void test_null_hostname(void)
{
    SSL *ssl = SSL_new(client);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ssl);
    CU_ASSERT_EQUAL(tlsd_set_server_hostname(ssl, NULL), 0);
    CU_ASSERT(tlsd_test_take_error(TLSD_R_BAD_HOSTNAME, "empty string"));
    CU_ASSERT_EQUAL(tlsd_set_server_hostname_len(ssl, NULL, 5), 0);
    CU_ASSERT(tlsd_test_take_error(TLSD_R_BAD_HOSTNAME, NULL));
    SSL_free(ssl);
}

static void test_partial_wildcard_control(void)
{
    static const row partial = {"partial-wildcard", "foo.example.test", 0, ACCEPTED, "control", 0};
    SSL_CTX *lax = tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH,
                                               tlsd_test_cert_path("root.pem"), NULL, NULL, 0);
    X509_VERIFY_PARAM *param;

    CU_ASSERT_PTR_NOT_NULL_FATAL(lax);
    param = SSL_CTX_get0_param(lax);
    CU_ASSERT(X509_VERIFY_PARAM_get_hostflags(param) & X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    CU_ASSERT_EQUAL(run(&partial, lax), REFUSED_BY_HANDSHAKE);
    CU_ASSERT_EQUAL(verify_result, X509_V_ERR_HOSTNAME_MISMATCH);
    X509_VERIFY_PARAM_set_hostflags(param, X509_VERIFY_PARAM_get_hostflags(param)
                                               & ~X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    CU_ASSERT_EQUAL(run(&partial, lax), ACCEPTED);
    SSL_CTX_free(lax);
}

static int init(void)
{
    if (tlsd_test_certs_dir() == NULL)
        return -1;
    client = tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH,
                                         tlsd_test_cert_path("root.pem"), NULL, NULL, 0);
    return client == NULL;
}

static int cleanup(void)
{
    SSL_CTX_free(client);
    return 0;
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"hostname table", test_hostname_table},
        {"NULL hostname", test_null_hostname},
        {"partial wildcard refused only by NoPartialWildcards", test_partial_wildcard_control},
        CU_TEST_INFO_NULL,
    };

    return tlsd_test_main("server hostname", init, cleanup, tests);
}
