/* SPDX-License-Identifier: Apache-2.0 */
/* Every key of the module's section with bad values: empty, unknown, too
 * long, wrongly typed. Each must give the documented error (reason, and the
 * key and value named) and the documented outcome: with config_diagnostics
 * the load fails; without it the load goes on and every new context
 * refuses TLS (fail closed). Never a crash, never a policy silently
 * dropped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tlsdefaults.h"
#include "test_certs.h"
#include "test_config.h"
#include "test_errors.h"
#include "test_main.h"

typedef struct {
    const char *key;
    const char *wrong_type; /* a value of the wrong kind for this key */
} key_case;

static const key_case keys[] = {
    {"MinProtocol", "TLSv9"},
    {"MaxProtocol", "yes"},
    {"Protocol", "-TLSv9"},
    {"Options", "NoSuchOption"},
    {"CipherString", "NOSUCHCIPHER"},
    {"Ciphersuites", "TLS_NO_SUCH_SUITE"},
    {"Groups", "P-999"},
    {"SignatureAlgorithms", "RSA+MD999"},
    {"VerifyFlags", "X509Strict, NoSuchFlag"},
    {"HostFlags", "NoSuchFlag"},
    {"Mode", "AutoRetry"},
    {"VerifyPeer", "maybe"},
    {"TrustStore", "relative/ca.pem"},
    {"HostnameCheck", "sometimes"},
    {"Enforce", "2"},
    {"KeyLog", "always"},
    {"Profile", "paranoid"},
};

static char long_value[5000];

/* SSL_connect() on a context made now: refused before anything is sent,
 * with our reason and needle (NULL: say whether any error of ours came). */
static int refused(const char *needle)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *ssl = ctx != NULL ? SSL_new(ctx) : NULL;
    BIO *a = NULL, *b = NULL;
    int ok;

    if (ssl == NULL || !BIO_new_bio_pair(&a, 0, &b, 0)) {
        SSL_free(ssl);
        SSL_CTX_free(ctx);
        return 0;
    }
    SSL_set_bio(ssl, a, a);
    ERR_clear_error();
    if (needle == NULL)
        ok = SSL_connect(ssl) <= 0 && tlsd_test_count_errors() > 0;
    else
        ok = SSL_connect(ssl) <= 0 && tlsd_test_take_error(TLSD_R_TLS_REFUSED, needle);
    SSL_free(ssl);
    BIO_free(b);
    SSL_CTX_free(ctx);
    return ok;
}

/* One bad line, both ways. reason: what the error must say; needle: a
 * part of its text (the key, and the value when it is short). */
static void check(const char *key, const char *value, int reason, const char *needle)
{
    char line[6000];
    const char *path;
    int loaded;

    snprintf(line, sizeof(line), "%s = %s", key, value);
    path = tlsd_test_write_cnf("bad-diag", "config_diagnostics = 1", NULL, line, NULL);
    ERR_clear_error();
    loaded = CONF_modules_load_file(path, NULL, 0);
    if (loaded > 0 || !tlsd_test_take_error(reason, needle)) {
        fprintf(stderr, "\n  %s = %.40s: with config_diagnostics, loaded=%d\n", key, value, loaded);
        CU_FAIL("no load failure with the expected error");
    }
    CONF_modules_unload(0);

    path = tlsd_test_write_cnf("bad", NULL, NULL, line, NULL);
    ERR_clear_error();
    CU_ASSERT_EQUAL(CONF_modules_load_file(path, NULL, 0), 1);
    if (!refused(needle)) {
        fprintf(stderr, "\n  %s = %.40s: not refused with \"%s\"\n", key, value, needle);
        CU_FAIL("not refused");
    }
    CONF_modules_unload(0);
    /* Unloaded: contexts are OpenSSL's again, not refused. */
    CU_ASSERT_FALSE(refused(NULL));
}

static void test_empty_values(void)
{
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char needle[64];

        /* Profile is read before the other keys, as the unknown profile. */
        if (strcmp(keys[i].key, "Profile") == 0) {
            check(keys[i].key, "", TLSD_R_UNKNOWN_PROFILE, "key=Profile");
            continue;
        }
        snprintf(needle, sizeof(needle), "key=%s value=(empty)", keys[i].key);
        check(keys[i].key, "", TLSD_R_BAD_VALUE, needle);
    }
}

static void test_wrongly_typed_values(void)
{
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char needle[128];

        snprintf(needle, sizeof(needle), "key=%s value=%s", keys[i].key, keys[i].wrong_type);
        check(keys[i].key, keys[i].wrong_type,
              strcmp(keys[i].key, "Profile") == 0 ? TLSD_R_UNKNOWN_PROFILE : TLSD_R_BAD_VALUE,
              needle);
    }
}

static void test_too_long_values(void)
{
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char needle[64];

        snprintf(needle, sizeof(needle), "key=%s", keys[i].key);
        check(keys[i].key, long_value,
              strcmp(keys[i].key, "Profile") == 0 ? TLSD_R_UNKNOWN_PROFILE : TLSD_R_BAD_VALUE,
              needle);
    }
}

static void test_unknown_keys(void)
{
    check("MinProtocoll", "TLSv1.2", TLSD_R_UNKNOWN_KEY, "key=MinProtocoll value=TLSv1.2");
    check("SSLKEYLOGFILE", "/tmp/x", TLSD_R_UNKNOWN_KEY, "key=SSLKEYLOGFILE");
}

/* OpenSSL reads only a lower-case "path": a "Path" or "PATH" beside it is
 * an error of its own, whatever else the section says. */
static void test_miscased_path(void)
{
    check("Path", "/nowhere/tlsdefaults.so", TLSD_R_UNKNOWN_KEY,
          "key=Path: OpenSSL reads only the lower-case path");
    check("PATH", "/nowhere/tlsdefaults.so", TLSD_R_UNKNOWN_KEY,
          "key=PATH: OpenSSL reads only the lower-case path");
}

/* Every bad key is reported, not only the first. */
static void test_all_bad_keys_reported(void)
{
    const char *path = tlsd_test_write_cnf("bad-many", "config_diagnostics = 1", NULL,
                                           "MinProtocol = TLSv9\nVerifyPeer = maybe\nBogus = 1", NULL);

    ERR_clear_error();
    CU_ASSERT(CONF_modules_load_file(path, NULL, 0) <= 0);
    CU_ASSERT_EQUAL(tlsd_test_count_errors(), 3);
    CONF_modules_unload(0);
}

/* A missing module file, and a TrustStore path that is not there. */
static void test_missing_files(void)
{
    char extra[600];
    const char *path;

    check("TrustStore", "/nonexistent/ca.pem", TLSD_R_BAD_VALUE,
          "key=TrustStore value=/nonexistent/ca.pem: No such file or directory");
    snprintf(extra, sizeof(extra), "[openssl_init]\nother = other_sect\n[other_sect]\npath = %s/missing.so\n",
             tlsd_test_certs_dir());
    path = tlsd_test_write_cnf("missing-module", NULL, NULL, NULL, extra);
    ERR_clear_error();
    /* OpenSSL's own failure to load a module: an error, and no crash. */
    CU_ASSERT(CONF_modules_load_file(path, NULL, 0) <= 0);
    ERR_clear_error();
    CONF_modules_unload(0);
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"empty values", test_empty_values},
        {"wrongly typed values", test_wrongly_typed_values},
        {"too long values", test_too_long_values},
        {"unknown keys", test_unknown_keys},
        {"mis-cased path", test_miscased_path},
        {"every bad key reported", test_all_bad_keys_reported},
        {"missing files", test_missing_files},
        CU_TEST_INFO_NULL,
    };

    memset(long_value, 'A', sizeof(long_value) - 1);
    return tlsd_test_main("bad configuration", NULL, NULL, tests);
}
