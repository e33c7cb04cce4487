/* SPDX-License-Identifier: Apache-2.0 */
/* libtlsdefaults against the running Python: ssl.create_default_context()
 * and tlsd_create_default_context() compared setting by setting, on the
 * same machine and the same OpenSSL. Skipped, with a message, where no
 * python3 linked to an OpenSSL of the same major.minor exists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "tlsdefaults.h"
#include "python_parity.h"
#include "test_main.h"
#include "test_process.h"

/* One line of key=value per setting, for each purpose. */
static const char script[] =
    "import ssl, sys\n"
    "print('python=%d.%d' % sys.version_info[:2])\n"
    "print('openssl=%d.%d' % ssl.OPENSSL_VERSION_INFO[:2])\n"
    "print('default_ciphers=%s' % ssl._DEFAULT_CIPHERS)\n"
    "for name, purpose in (('client', ssl.Purpose.SERVER_AUTH), ('server', ssl.Purpose.CLIENT_AUTH)):\n"
    "    c = ssl.create_default_context(purpose)\n"
    "    print('%s.options=%#x' % (name, c.options))\n"
    "    print('%s.minimum_version=%d' % (name, c.minimum_version))\n"
    "    print('%s.maximum_version=%d' % (name, c.maximum_version))\n"
    "    print('%s.verify_mode=%d' % (name, c.verify_mode))\n"
    "    print('%s.verify_flags=%#x' % (name, c.verify_flags))\n"
    "    print('%s.ciphers=%s' % (name, ':'.join(x['name'] for x in c.get_ciphers())))\n";

static char output[16384];
static int python_minor;
/* 0 when python3 was built with another cipher policy than CPython's own
 * (--with-ssl-default-suites=openssl, as Debian's is): its options,
 * minimum version and cipher list are then the distribution's choice. */
static int upstream_policy;

/* The value of "key=" in Python's output, or "" (asserted). */
static const char *value(const char *key)
{
    static char buf[4096];
    char needle[128];
    const char *at, *end;

    snprintf(needle, sizeof(needle), "\n%s=", key);
    at = strstr(output, needle);
    CU_ASSERT_PTR_NOT_NULL(at);
    if (at == NULL)
        return "";
    at += strlen(needle);
    end = strchr(at, '\n');
    snprintf(buf, sizeof(buf), "%.*s", (int)(end != NULL ? end - at : (long)strlen(at)), at);
    return buf;
}

static unsigned long hex_value(const char *key)
{
    return strtoul(value(key), NULL, 16);
}

static void cipher_names(SSL_CTX *ctx, char *buf, size_t cap)
{
    STACK_OF(SSL_CIPHER) *ciphers = SSL_CTX_get_ciphers(ctx);

    buf[0] = '\0';
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); i++) {
        if (i > 0)
            strncat(buf, ":", cap - strlen(buf) - 1);
        strncat(buf, SSL_CIPHER_get_name(sk_SSL_CIPHER_value(ciphers, i)), cap - strlen(buf) - 1);
    }
}

static void compare(const char *side, tlsd_purpose purpose, int python_mode, int our_mode)
{
    SSL_CTX *ctx = tlsd_create_default_context(purpose, NULL, NULL, NULL, 0);
    char key[64], ours[4096];
    unsigned long flags;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    if (upstream_policy) {
        snprintf(key, sizeof(key), "%s.options", side);
        CU_ASSERT_EQUAL(hex_value(key), (unsigned long)SSL_CTX_get_options(ctx));
        snprintf(key, sizeof(key), "%s.minimum_version", side);
        CU_ASSERT_EQUAL(atol(value(key)), SSL_CTX_get_min_proto_version(ctx));
        snprintf(key, sizeof(key), "%s.ciphers", side);
        cipher_names(ctx, ours, sizeof(ours));
        CU_ASSERT_STRING_EQUAL(value(key), ours);
    }
    /* Python's MAXIMUM_SUPPORTED (-1) is OpenSSL's 0: no maximum. */
    snprintf(key, sizeof(key), "%s.maximum_version", side);
    CU_ASSERT_EQUAL(atol(value(key)), -1);
    CU_ASSERT_EQUAL(SSL_CTX_get_max_proto_version(ctx), 0);
    snprintf(key, sizeof(key), "%s.verify_mode", side);
    CU_ASSERT_EQUAL(atoi(value(key)), python_mode);
    CU_ASSERT_EQUAL(SSL_CTX_get_verify_mode(ctx), our_mode);
    /* 3.13 added X509 strict and partial chains; earlier Pythons lack them. */
    snprintf(key, sizeof(key), "%s.verify_flags", side);
    flags = hex_value(key);
    if (python_minor < 13)
        flags |= X509_V_FLAG_X509_STRICT | X509_V_FLAG_PARTIAL_CHAIN;
    CU_ASSERT_EQUAL(flags, X509_VERIFY_PARAM_get_flags(SSL_CTX_get0_param(ctx)));
    SSL_CTX_free(ctx);
}

static int have_python(void)
{
    const char *const argv[] = {"python3", "-c", script, NULL};
    char mine[16];
    int status = tlsd_test_run(argv, NULL, "", output + 1, sizeof(output) - 1, 30);

    output[0] = '\n'; /* every key follows a newline */
    if (status != 0) {
        fprintf(stderr, "\n  SKIP: python3 not found or failed (%d)\n", status);
        return 0;
    }
    snprintf(mine, sizeof(mine), "%d.%d", (int)(OpenSSL_version_num() >> 28),
             (int)((OpenSSL_version_num() >> 20) & 0xff));
    if (strcmp(value("openssl"), mine) != 0) {
        fprintf(stderr, "\n  SKIP: python3 links OpenSSL %s, this test OpenSSL %s\n",
                value("openssl"), mine);
        return 0;
    }
    python_minor = atoi(strchr(value("python"), '.') + 1);
    upstream_policy = strcmp(value("default_ciphers"), PYTHON_CIPHER_STRING) == 0;
    fprintf(stderr, "\n  against Python %s, OpenSSL %s\n", value("python"), mine);
    if (!upstream_policy)
        fprintf(stderr, "  NOTE: this python3 was built with the cipher policy \"%s\", not CPython's:\n"
                        "  options, minimum version and ciphers not compared\n",
                value("default_ciphers"));
    return 1;
}

static void test_same_settings_as_python(void)
{
    if (!have_python())
        return;
    compare("client", TLSD_PURPOSE_SERVER_AUTH, 2 /* CERT_REQUIRED */,
            SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
    compare("server", TLSD_PURPOSE_CLIENT_AUTH, 0 /* CERT_NONE */, SSL_VERIFY_NONE);
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"the same settings as ssl.create_default_context()", test_same_settings_as_python},
        CU_TEST_INFO_NULL,
    };

    /* Python and this test read the same (empty) OPENSSL_CONF. */
    unsetenv("SSLKEYLOGFILE");
    return tlsd_test_main("Python parity", NULL, NULL, tests);
}
