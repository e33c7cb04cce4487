/* SPDX-License-Identifier: Apache-2.0 */
/* How programs load (or never load) the configuration, and what the module
 * does then: a non-default OSSL_LIB_CTX, a program that never loads the
 * configuration, one that loads it automatically, CONF_modules_unload(1),
 * the module named twice, a key given twice. Cases that change the whole
 * process for good run in a child: this program started again with
 * "--child CASE". */
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
#include "test_main.h"
#include "test_process.h"

static const char *self;
static char output[8192];

static int min_version_of_new_client(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    int v = ctx != NULL ? (int)SSL_CTX_get_min_proto_version(ctx) : -1;

    SSL_CTX_free(ctx);
    return v;
}

/* --- in this process ----------------------------------------------------- */

static void test_other_library_context(void)
{
    OSSL_LIB_CTX *libctx = OSSL_LIB_CTX_new(), *previous;
    SSL_CTX *ctx;

    CU_ASSERT_PTR_NOT_NULL_FATAL(libctx);
    CU_ASSERT_EQUAL_FATAL(CONF_modules_load_file(tlsd_test_write_cnf("lifecycle", NULL, NULL,
                                                                     "MinProtocol = TLSv1.3", NULL),
                                                 NULL, 0), 1);
    /* The hook lives with the thread's default library context: contexts
     * of another library context get the policy too. */
    ctx = SSL_CTX_new_ex(libctx, NULL, TLS_client_method());
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(ctx), TLS1_3_VERSION);
    SSL_CTX_free(ctx);
    /* A thread that makes another context its default leaves the module's
     * hook behind: documented. */
    previous = OSSL_LIB_CTX_set0_default(libctx);
    ctx = SSL_CTX_new(TLS_client_method());
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(ctx), 0);
    SSL_CTX_free(ctx);
    OSSL_LIB_CTX_set0_default(previous);
    CONF_modules_unload(0);
    OSSL_LIB_CTX_free(libctx);
}

static void test_key_given_twice(void)
{
    /* OpenSSL's parser keeps only the last of a repeated key. */
    CU_ASSERT_EQUAL_FATAL(CONF_modules_load_file(tlsd_test_write_cnf("twice-key", NULL, NULL,
                                                                     "MinProtocol = TLSv1.3\nMinProtocol = TLSv1.2",
                                                                     NULL),
                                                 NULL, 0), 1);
    CU_ASSERT_EQUAL(min_version_of_new_client(), TLS1_2_VERSION);
    CONF_modules_unload(0);
}

static void test_module_named_twice(void)
{
    char extra[1024];

    /* Two names, two sections, one module file: OpenSSL runs OPENSSL_init
     * for each, in file order; the last loaded is the one in effect. */
    snprintf(extra, sizeof(extra),
             "[openssl_init]\ntlsdefaults_again = again_sect\n"
             "[again_sect]\npath = %s\nMinProtocol = TLSv1.3\n", TLSD_MODULE_PATH);
    CU_ASSERT_EQUAL_FATAL(CONF_modules_load_file(tlsd_test_write_cnf("twice-module", NULL, NULL,
                                                                     "MinProtocol = TLSv1.2", extra),
                                                 NULL, 0), 1);
    CU_ASSERT_EQUAL(min_version_of_new_client(), TLS1_3_VERSION);
    CONF_modules_unload(0);
    CU_ASSERT_EQUAL(min_version_of_new_client(), 0);
}

/* --- in a child ---------------------------------------------------------- */

static int run_child(const char *which, const char *cnf)
{
    char env[600];
    const char *argv[] = {self, "--child", which, NULL};
    const char *const envs[] = {env, NULL};
    int status;

    snprintf(env, sizeof(env), "OPENSSL_CONF=%s", cnf);
    status = tlsd_test_run(argv, envs, "", output, sizeof(output), 30);
    if (status != 0)
        fprintf(stderr, "\n  child %s: exit %d\n%s\n", which, status, output);
    return status;
}

static void test_automatic_and_no_load(void)
{
    const char *cnf = tlsd_test_write_cnf("lifecycle-auto", NULL, NULL, "MinProtocol = TLSv1.3", NULL);

    CU_ASSERT_EQUAL(run_child("automatic", cnf), 0);
    CU_ASSERT_EQUAL(run_child("no-config", cnf), 0);
    CU_ASSERT_EQUAL(run_child("unload-all", cnf), 0);
}

/* Child cases: exit 0 when what happens is what the docs say. */
static int child(const char *which)
{
    if (strcmp(which, "automatic") == 0) {
        /* The first SSL_CTX_new() loads OPENSSL_CONF, and the module. */
        return min_version_of_new_client() == TLS1_3_VERSION ? 0 : 1;
    }
    if (strcmp(which, "no-config") == 0) {
        /* A program that opts out of the configuration opts out of us. */
        OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
        return min_version_of_new_client() == 0 ? 0 : 2;
    }
    if (strcmp(which, "unload-all") == 0) {
        /* unload(1) finishes and unloads every module, built-ins too. The
         * module's hook stays mapped (-z nodelete) and does nothing. */
        if (min_version_of_new_client() != TLS1_3_VERSION)
            return 3;
        CONF_modules_unload(1);
        if (min_version_of_new_client() != 0)
            return 4;
        /* Loading again brings the module back. */
        if (CONF_modules_load_file(getenv("OPENSSL_CONF"), NULL, 0) != 1) {
            ERR_print_errors_fp(stderr);
            return 5;
        }
        return min_version_of_new_client() == TLS1_3_VERSION ? 0 : 6;
    }
    return 99;
}

int main(int argc, char **argv)
{
    CU_TestInfo tests[] = {
        {"another OSSL_LIB_CTX", test_other_library_context},
        {"a key given twice: the last wins", test_key_given_twice},
        {"the module named twice: the last loaded wins", test_module_named_twice},
        {"automatic load, no load, unload(1) and reload", test_automatic_and_no_load},
        CU_TEST_INFO_NULL,
    };

    if (argc == 3 && strcmp(argv[1], "--child") == 0)
        return child(argv[2]);
    self = argv[0];
    /* This process loads configurations by hand only. */
    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    if (tlsd_test_certs_dir() == NULL)
        return 1;
    return tlsd_test_main("configuration lifecycle", NULL, NULL, tests);
}
