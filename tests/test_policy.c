/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the policy engine: profiles, each key, and bad input. */
#include <string.h>

#include <CUnit/CUnit.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "errors.h"
#include "policy.h"
#include "python_parity.h"
#include "test_config.h"
#include "test_errors.h"
#include "test_main.h"

static tlsd_policy *finished(tlsd_policy *p)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_FATAL(tlsd_policy_check_finish(p) == 1);
    return p;
}

static SSL_CTX *applied(const tlsd_policy *p, const SSL_METHOD *method)
{
    SSL_CTX *ctx = SSL_CTX_new(method);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT(tlsd_policy_apply(p, ctx) == 1);
    return ctx;
}

static int tls12_cipher_count(SSL_CTX *ctx)
{
    STACK_OF(SSL_CIPHER) *ciphers = SSL_CTX_get_ciphers(ctx);
    int n = 0;

    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); i++)
        n += strcmp(SSL_CIPHER_get_version(sk_SSL_CIPHER_value(ciphers, i)), "TLSv1.3") != 0;
    return n;
}

static void test_python_profile_on_every_method(void)
{
    const SSL_METHOD *methods[] = {TLS_client_method(), TLS_server_method(), TLS_method()};
    tlsd_policy *p = finished(tlsd_policy_new("python"));

    for (size_t m = 0; m < 3; m++) {
        SSL_CTX *ctx = applied(p, methods[m]);
        X509_VERIFY_PARAM *param = SSL_CTX_get0_param(ctx);
        STACK_OF(SSL_CIPHER) *ciphers = SSL_CTX_get_ciphers(ctx);
        int n12 = 0;

        CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
        CU_ASSERT_EQUAL(SSL_CTX_get_max_proto_version(ctx), 0);
        CU_ASSERT_EQUAL(SSL_CTX_get_options(ctx), PYTHON_OPTIONS);
        CU_ASSERT_EQUAL(X509_VERIFY_PARAM_get_flags(param),
                        X509_V_FLAG_X509_STRICT | X509_V_FLAG_PARTIAL_CHAIN
                            | X509_V_FLAG_TRUSTED_FIRST);
        CU_ASSERT_EQUAL(X509_VERIFY_PARAM_get_hostflags(param),
                        X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        CU_ASSERT(SSL_CTX_get_mode(ctx) & SSL_MODE_RELEASE_BUFFERS);
        CU_ASSERT_EQUAL(SSL_CTX_get_security_level(ctx), 2);
        /* The exact list and order, then TLS 1.3's suites untouched. */
        for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); i++) {
            const SSL_CIPHER *c = sk_SSL_CIPHER_value(ciphers, i);

            if (strcmp(SSL_CIPHER_get_version(c), "TLSv1.3") == 0)
                continue;
            CU_ASSERT_FATAL(n12 < PYTHON_CIPHER_COUNT);
            CU_ASSERT_STRING_EQUAL(SSL_CIPHER_get_name(c), python_ciphers[n12]);
            n12++;
        }
        CU_ASSERT_EQUAL(n12, PYTHON_CIPHER_COUNT);
        CU_ASSERT_EQUAL(sk_SSL_CIPHER_num(ciphers) - n12, 3);
        SSL_CTX_free(ctx);
    }
    tlsd_policy_free(p);
}

/* Every profile: nothing unauthenticated, no 3DES, RC4, MD5 or NULL cipher. */
static void test_profiles_exclude_weak_ciphers(void)
{
    const char *names[] = {"python", "system", "strict"};

    for (size_t i = 0; i < 3; i++) {
        tlsd_policy *p = finished(tlsd_policy_new(names[i]));
        SSL_CTX *ctx = applied(p, TLS_client_method());
        STACK_OF(SSL_CIPHER) *ciphers = SSL_CTX_get_ciphers(ctx);

        CU_ASSERT(tls12_cipher_count(ctx) > 0);
        for (int c = 0; c < sk_SSL_CIPHER_num(ciphers); c++) {
            const SSL_CIPHER *cipher = sk_SSL_CIPHER_value(ciphers, c);
            int nid = SSL_CIPHER_get_cipher_nid(cipher);

            CU_ASSERT(SSL_CIPHER_get_auth_nid(cipher) != NID_auth_null);
            CU_ASSERT(nid != NID_des_ede3_cbc && nid != NID_rc4 && nid != NID_undef);
            CU_ASSERT(SSL_CIPHER_get_digest_nid(cipher) != NID_md5);
        }
        CU_ASSERT(SSL_CTX_get_min_proto_version(ctx) >= TLS1_2_VERSION);
        SSL_CTX_free(ctx);
        tlsd_policy_free(p);
    }
}

static void test_profile_differences(void)
{
    tlsd_policy *strict = finished(tlsd_policy_new("STRICT"));
    tlsd_policy *system = finished(tlsd_policy_new("system"));
    SSL_CTX *a = applied(strict, TLS_server_method());
    SSL_CTX *b = applied(system, TLS_server_method());

    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(a), TLS1_3_VERSION);
    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(b), TLS1_2_VERSION);
    /* system keeps certificates that X509 strict would reject. */
    CU_ASSERT_EQUAL(X509_VERIFY_PARAM_get_flags(SSL_CTX_get0_param(b)) & X509_V_FLAG_X509_STRICT, 0);
    CU_ASSERT_STRING_EQUAL(tlsd_policy_profile(strict), "strict");
    SSL_CTX_free(a);
    SSL_CTX_free(b);
    tlsd_policy_free(strict);
    tlsd_policy_free(system);
}

/* Each key changes what it names, and only that. */
static void test_keys_edit_the_profile(void)
{
    tlsd_policy *p = tlsd_policy_new("python");
    SSL_CTX *ctx;
    unsigned long flags;

    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT(tlsd_policy_set(p, "minprotocol", "TLSv1.3", "test") == 1);
    CU_ASSERT(tlsd_policy_set(p, "Options", "-ServerPreference, NoRenegotiation", "test") == 1);
    CU_ASSERT(tlsd_policy_set(p, "CipherString", "ECDHE+AESGCM", "test") == 1);
    CU_ASSERT(tlsd_policy_set(p, "Ciphersuites", "TLS_AES_128_GCM_SHA256", "test") == 1);
    CU_ASSERT(tlsd_policy_set(p, "Groups", "X25519", "test") == 1);
    CU_ASSERT(tlsd_policy_set(p, "SignatureAlgorithms", "ECDSA+SHA256:RSA-PSS+SHA256", "test") == 1);
    CU_ASSERT(tlsd_policy_set(p, "VerifyFlags", "-X509Strict, CRLCheck", "test") == 1);
    CU_ASSERT(tlsd_policy_set(p, "HostFlags", "NoWildcards", "test") == 1);
    CU_ASSERT(tlsd_policy_set(p, "Mode", "-ReleaseBuffers", "test") == 1);
    ctx = applied(finished(p), TLS_client_method());

    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(ctx), TLS1_3_VERSION);
    CU_ASSERT_EQUAL(SSL_CTX_get_options(ctx),
                    (PYTHON_OPTIONS & ~SSL_OP_CIPHER_SERVER_PREFERENCE) | SSL_OP_NO_RENEGOTIATION);
    CU_ASSERT_EQUAL(tls12_cipher_count(ctx), 4);
    CU_ASSERT_EQUAL(sk_SSL_CIPHER_num(SSL_CTX_get_ciphers(ctx)), 5);
    flags = X509_VERIFY_PARAM_get_flags(SSL_CTX_get0_param(ctx));
    CU_ASSERT_EQUAL(flags, X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_TRUSTED_FIRST
                               | X509_V_FLAG_CRL_CHECK);
    CU_ASSERT_EQUAL(X509_VERIFY_PARAM_get_hostflags(SSL_CTX_get0_param(ctx)),
                    X509_CHECK_FLAG_NO_WILDCARDS | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    CU_ASSERT_EQUAL(SSL_CTX_get_mode(ctx) & SSL_MODE_RELEASE_BUFFERS, 0);
    SSL_CTX_free(ctx);
    tlsd_policy_free(p);
}

/* DTLS numbers its versions apart: the TLS 1.2 floor becomes DTLS 1.2. */
static void test_dtls_bounds_are_mapped(void)
{
    tlsd_policy *p = finished(tlsd_policy_new("python"));
    SSL_CTX *ctx = SSL_CTX_new(DTLS_method());

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT(tlsd_policy_apply(p, ctx) == 1);
    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(ctx), DTLS1_2_VERSION);
    CU_ASSERT_EQUAL(SSL_CTX_get_max_proto_version(ctx), 0);
    CU_ASSERT_EQUAL(X509_VERIFY_PARAM_get_flags(SSL_CTX_get0_param(ctx)) & X509_V_FLAG_X509_STRICT,
                    X509_V_FLAG_X509_STRICT);
    SSL_CTX_free(ctx);
    tlsd_policy_free(p);

    /* A TLS 1.1 ceiling is DTLS 1.0's. */
    p = tlsd_policy_new("system");
    CU_ASSERT(tlsd_policy_set(p, "MinProtocol", "TLSv1", "test") == 1);
    CU_ASSERT(tlsd_policy_set(p, "MaxProtocol", "TLSv1.1", "test") == 1);
    ctx = SSL_CTX_new(DTLS_client_method());
    CU_ASSERT(tlsd_policy_apply(finished(p), ctx) == 1);
    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(ctx), DTLS1_VERSION);
    CU_ASSERT_EQUAL(SSL_CTX_get_max_proto_version(ctx), DTLS1_VERSION);
    SSL_CTX_free(ctx);
    tlsd_policy_free(p);
}

/* Applying leaves nothing on the caller's error queue. */
static void test_apply_keeps_error_queue_clean(void)
{
    tlsd_policy *p = finished(tlsd_policy_new("python"));
    SSL_CTX *ctx = SSL_CTX_new(DTLS_method());

    ERR_clear_error();
    tlsd_policy_apply(p, ctx);
    CU_ASSERT_EQUAL(ERR_peek_error(), 0);
    SSL_CTX_free(ctx);
    tlsd_policy_free(p);
}

static void test_bad_values_name_key_and_value(void)
{
    static const struct {
        const char *key, *value;
        int reason;
        const char *needle;
    } cases[] = {
        {"MinProtocl", "TLSv1.2", TLSD_R_UNKNOWN_KEY, "key=MinProtocl value=TLSv1.2"},
        {"MinProtocol", "TLSv9", TLSD_R_BAD_VALUE, "key=MinProtocol value=TLSv9"},
        {"MaxProtocol", "SSLv2", TLSD_R_BAD_VALUE, "key=MaxProtocol value=SSLv2"},
        {"CipherString", "NOTHING-AT-ALL", TLSD_R_BAD_VALUE, "key=CipherString value=NOTHING-AT-ALL"},
        {"Ciphersuites", "TLS_NOPE", TLSD_R_BAD_VALUE, "key=Ciphersuites value=TLS_NOPE"},
        {"Options", "Bugs,NoSuchOption", TLSD_R_BAD_VALUE, "key=Options value=Bugs,NoSuchOption"},
        {"Groups", "P-999", TLSD_R_BAD_VALUE, "key=Groups value=P-999"},
        {"SignatureAlgorithms", "RSA+NOHASH", TLSD_R_BAD_VALUE, "key=SignatureAlgorithms"},
        {"VerifyFlags", "X509Strict,Bogus", TLSD_R_BAD_VALUE, "unknown flag 'Bogus'"},
        {"VerifyFlags", "X509Strict,,PartialChain", TLSD_R_BAD_VALUE, "unknown flag ''"},
        {"HostFlags", "Wild", TLSD_R_BAD_VALUE, "key=HostFlags value=Wild"},
        {"Mode", "Fast", TLSD_R_BAD_VALUE, "key=Mode value=Fast"},
        {"MinProtocol", "", TLSD_R_BAD_VALUE, "key=MinProtocol value=(empty)"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tlsd_policy *p = tlsd_policy_new("python");
        SSL_CTX *ctx;

        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        ERR_clear_error();
        CU_ASSERT(tlsd_policy_set(p, cases[i].key, cases[i].value, "section t") == 0);
        CU_ASSERT(tlsd_test_take_error(cases[i].reason, cases[i].needle));
        /* A refused value leaves the policy as it was. */
        ctx = applied(finished(p), TLS_client_method());
        CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
        CU_ASSERT_EQUAL(tls12_cipher_count(ctx), 14);
        SSL_CTX_free(ctx);
        tlsd_policy_free(p);
    }
}

static void test_unknown_profile_and_range(void)
{
    tlsd_policy *p;

    ERR_clear_error();
    CU_ASSERT_PTR_NULL(tlsd_policy_new("pithon"));
    CU_ASSERT(tlsd_test_take_error(TLSD_R_UNKNOWN_PROFILE, "value=pithon (known: python, python-3.13, mozilla-intermediate,"));

    p = tlsd_policy_new("python");
    CU_ASSERT(tlsd_policy_set(p, "MaxProtocol", "TLSv1.1", "section t") == 1);
    CU_ASSERT(tlsd_policy_check_finish(p) == 0);
    CU_ASSERT(tlsd_test_take_error(TLSD_R_PROTOCOL_RANGE, "key=MaxProtocol value=TLSv1.1"));
    tlsd_policy_free(p);
}

static void test_section_profile_first_then_keys_in_order(void)
{
    CONF *conf = tlsd_test_conf_from_text("[s]\n"
                           "path = /nowhere/tlsdefaults.so\n"
                           "CipherString = ECDHE+AESGCM\n"
                           "Profile = system\n"
                           "CipherString = ECDHE+CHACHA20\n");
    tlsd_policy *p = tlsd_policy_section_read(conf, "s", 1);
    SSL_CTX *ctx;

    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(tlsd_policy_profile(p), "system");
    ctx = applied(p, TLS_client_method());
    /* The last CipherString wins; the profile did not undo the first. */
    CU_ASSERT_EQUAL(tls12_cipher_count(ctx), 2);
    SSL_CTX_free(ctx);
    tlsd_policy_free(p);
    NCONF_free(conf);
}

static void test_section_reports_every_bad_key(void)
{
    CONF *conf = tlsd_test_conf_from_text("[s]\n"
                           "MinProtocol = TLSv9\n"
                           "Colour = blue\n"
                           "VerifyFlags = X509Strict\n");

    ERR_clear_error();
    CU_ASSERT_PTR_NULL(tlsd_policy_section_read(conf, "s", 1));
    /* missing path, bad MinProtocol, unknown Colour */
    CU_ASSERT_EQUAL(tlsd_test_count_errors(), 3);

    CU_ASSERT_PTR_NULL(tlsd_policy_section_read(conf, "nosuch", 0));
    CU_ASSERT(tlsd_test_take_error(TLSD_R_MISSING_SECTION, "section=nosuch"));
    NCONF_free(conf);
}

/* The module's path is read as OpenSSL's loader reads it: "path" exactly,
 * or the default section's; "Path" is never seen by OpenSSL. */
static void test_section_path_as_openssl_reads_it(void)
{
    CONF *conf = tlsd_test_conf_from_text("path = /default/tlsdefaults.so\n"
                           "[s]\nPath = /nowhere/tlsdefaults.so\n"
                           "[t]\nPATH = /nowhere/tlsdefaults.so\n");
    CONF *no_default = tlsd_test_conf_from_text("[s]\nPath = /nowhere/tlsdefaults.so\nMinProtocol = TLSv1.2\n"
                                 "[u]\nMinProtocol = TLSv1.2\n");
    tlsd_policy *p;

    /* The default section's path is the one OpenSSL loads: the section is
     * a module section, but its "Path" is still an error. */
    CU_ASSERT_STRING_EQUAL(tlsd_policy_section_path(conf, "s"), "/default/tlsdefaults.so");
    ERR_clear_error();
    CU_ASSERT_PTR_NULL(tlsd_policy_section_read(conf, "s", 1));
    CU_ASSERT(tlsd_test_take_error(TLSD_R_UNKNOWN_KEY,
                                   "section s: key=Path: OpenSSL reads only the lower-case path"));
    CU_ASSERT_PTR_NULL(tlsd_policy_section_read(conf, "t", 1));
    CU_ASSERT(tlsd_test_take_error(TLSD_R_UNKNOWN_KEY, "key=PATH: OpenSSL reads only the lower-case path"));

    /* No path at all for OpenSSL: one error, that says why. */
    CU_ASSERT_PTR_NULL(tlsd_policy_section_path(no_default, "s"));
    ERR_clear_error();
    CU_ASSERT_PTR_NULL(tlsd_policy_section_read(no_default, "s", 1));
    CU_ASSERT_EQUAL(tlsd_test_count_errors(), 1);
    CU_ASSERT_PTR_NULL(tlsd_policy_section_read(no_default, "s", 1));
    CU_ASSERT(tlsd_test_take_error(TLSD_R_MISSING_PATH,
                                   "section s: key=Path: OpenSSL reads only the lower-case path"));
    CU_ASSERT_PTR_NULL(tlsd_policy_section_read(no_default, "u", 1));
    CU_ASSERT(tlsd_test_take_error(TLSD_R_MISSING_PATH, "section u: key=path is required"));
    /* Not a module section: no path needed, and none read. */
    p = tlsd_policy_section_read(no_default, "u", 0);
    CU_ASSERT_PTR_NOT_NULL(p);
    tlsd_policy_free(p);
    NCONF_free(conf);
    NCONF_free(no_default);
}

static void test_error_strings_are_registered(void)
{
    unsigned long e;

    ERR_clear_error();
    CU_ASSERT_PTR_NULL(tlsd_policy_new("nope"));
    e = ERR_peek_last_error();
    CU_ASSERT_STRING_EQUAL(ERR_lib_error_string(e), "tlsdefaults");
    CU_ASSERT_STRING_EQUAL(ERR_reason_error_string(e), "unknown profile");
    ERR_clear_error();
}

static void test_describe_names_values_and_origins(void)
{
    tlsd_policy *p = tlsd_policy_new("python");
    BIO *mem = BIO_new(BIO_s_mem());
    char *text;

    CU_ASSERT(tlsd_policy_set(p, "MaxProtocol", "TLSv1.2", "section mine") == 1);
    CU_ASSERT(tlsd_policy_set(p, "VerifyFlags", "-X509Strict", "section mine") == 1);
    finished(p);
    CU_ASSERT(tlsd_policy_describe(p, mem) == 1);
    BIO_write(mem, "", 1);
    BIO_get_mem_data(mem, &text);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "MinProtocol: TLSv1.2 (profile python)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "MaxProtocol: TLSv1.2 (section mine)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "VerifyFlags: PartialChain, TrustedFirst (profile python + section mine)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "Ciphers: ECDHE-ECDSA-AES256-GCM-SHA384:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "Groups: default (OpenSSL default)\n"));
    BIO_free(mem);
    tlsd_policy_free(p);
}

typedef struct {
    char labels[512];
    int rows;
} described;

static void note_row(const tlsd_policy_row *row, void *arg)
{
    described *d = arg;

    strncat(d->labels, row->label, sizeof(d->labels) - strlen(d->labels) - 1);
    strncat(d->labels, " ", sizeof(d->labels) - strlen(d->labels) - 1);
    d->rows++;
}

/* The key table is the one source: Audit = yes names every key whose bit
 * the table gives, the describer walks it, unset values come from it. */
static void test_key_table_is_one_source(void)
{
    tlsd_policy *p = tlsd_policy_new("python");
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    described d = {"", 0};
    const char *audited[] = {"MinProtocol", "CipherString", "Ciphersuites", "Groups", "SignatureAlgorithms",
                             "VerifyFlags", "VerifyPeer", "HostnameCheck", "Enforce"};
    unsigned all = 0;

    CU_ASSERT(tlsd_policy_set(p, "Audit", "yes", "section mine") == 1);
    for (size_t i = 0; i < sizeof(audited) / sizeof(audited[0]); i++) {
        CU_ASSERT(tlsd_policy_audits(p, audited[i]));
    }
    CU_ASSERT(!tlsd_policy_audits(p, "Mode"));
    all = TLSD_AUDIT_MIN_PROTOCOL | TLSD_AUDIT_CIPHER_STRING | TLSD_AUDIT_CIPHERSUITES | TLSD_AUDIT_GROUPS
          | TLSD_AUDIT_SIGNATURE_ALGORITHMS | TLSD_AUDIT_VERIFY_FLAGS | TLSD_AUDIT_VERIFY_PEER
          | TLSD_AUDIT_HOSTNAME_CHECK | TLSD_AUDIT_ENFORCE;
    CU_ASSERT_EQUAL(TLSD_AUDIT_ALL, all);
    CU_ASSERT_EQUAL(TLSD_AUDIT_MODE, 0);
    CU_ASSERT(tlsd_policy_set(p, "Audit", "enforce, minprotocol", "section mine") == 1);
    CU_ASSERT_STRING_EQUAL(tlsd_policy_value(p, "Audit"), "MinProtocol, Enforce");
    CU_ASSERT_STRING_EQUAL(tlsd_policy_unset_value("TrustStore"), "none");
    CU_ASSERT_STRING_EQUAL(tlsd_policy_unset_value("AuditLog"), "syslog");
    CU_ASSERT_PTR_NULL(tlsd_policy_unset_value("Groups"));
    finished(p);
    tlsd_policy_describe_each(p, ctx, note_row, &d);
    CU_ASSERT_STRING_EQUAL(d.labels, "MinProtocol MaxProtocol Ciphers Ciphersuites Groups "
                           "SignatureAlgorithms Options VerifyFlags HostFlags Mode VerifyPeer "
                           "TrustStore HostnameCheck Enforce KeyLog Audit Inventory AuditLog ");
    d.labels[0] = '\0';
    tlsd_policy_describe_each(NULL, ctx, note_row, &d);
    CU_ASSERT_PTR_NULL(strstr(d.labels, "Audit"));
    SSL_CTX_free(ctx);
    tlsd_policy_free(p);
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"python profile on client, server and generic contexts", test_python_profile_on_every_method},
        {"no profile allows weak ciphers", test_profiles_exclude_weak_ciphers},
        {"system and strict profiles", test_profile_differences},
        {"every key edits the profile", test_keys_edit_the_profile},
        {"DTLS bounds are mapped", test_dtls_bounds_are_mapped},
        {"apply keeps the error queue clean", test_apply_keeps_error_queue_clean},
        {"bad values name key and value", test_bad_values_name_key_and_value},
        {"unknown profile, inverted protocol range", test_unknown_profile_and_range},
        {"section: profile first, keys in order", test_section_profile_first_then_keys_in_order},
        {"section: every bad key reported", test_section_reports_every_bad_key},
        {"section: path as OpenSSL reads it", test_section_path_as_openssl_reads_it},
        {"error strings registered", test_error_strings_are_registered},
        {"describe names values and origins", test_describe_names_values_and_origins},
        {"the key table is the one source", test_key_table_is_one_source},
        CU_TEST_INFO_NULL,
    };

    /* Only this program's settings: no openssl.cnf from the machine. */
    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    return tlsd_test_main("policy engine", NULL, NULL, tests);
}
