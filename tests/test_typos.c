/* SPDX-License-Identifier: Apache-2.0 */
/* Configuration typos that leave OpenSSL without a lower-case "path" for
 * the module's section: "Path =", a section name that does not exist, no
 * path at all. OpenSSL then loads its default DSO name lib<name>.so from
 * the library path: libtlsdefaults.so for "tlsdefaults = ...", which the
 * package's -dev symlink puts in the default path (here LD_LIBRARY_PATH
 * points at the build's copy). Before, dlsym() found libcrypto's unrelated
 * void OPENSSL_init(void) through the library's dependencies, and its
 * garbage return value made the load succeed or fail at random: programs
 * ran without the policy. Now every run must refuse TLS with the module's
 * error naming the typo, or, with config_diagnostics = 1, fail the load
 * with it. Each case runs many times, as the old outcome was random. */
#include <dlfcn.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "test_certs.h"
#include "test_main.h"
#include "test_process.h"

#define RUNS 20

typedef struct {
    const char *name;
    const char *entry;   /* the value of "tlsdefaults =" in [openssl_init] */
    const char *path;    /* the path line of [tlsd_sect], NULL: none */
    const char *needle;  /* what the module's error must say */
} typo_case;

static const typo_case cases[] = {
    {"Path =", "tlsd_sect", "Path", "key=Path: OpenSSL reads only the lower-case path"},
    {"section name", "tlsd_sectt", "path", "section=tlsd_sectt"},
    {"no path", "tlsd_sect", NULL, "section tlsd_sect: key=path is required"},
};

static const char *self;
static char output[65536];
static char port[16];
static tlsd_test_server server;
static char library_path[4200];

/* The case's configuration, with or without config_diagnostics. */
static const char *write_cnf(const typo_case *c, int diagnostics)
{
    static char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/typo-%d%s.cnf", tlsd_test_certs_dir(), (int)(c - cases),
             diagnostics ? "-diag" : "");
    if ((f = fopen(path, "w")) == NULL)
        return NULL;
    fprintf(f, "%sopenssl_conf = openssl_init\n[openssl_init]\ntlsdefaults = %s\n"
               "[tlsd_sect]\n",
            diagnostics ? "config_diagnostics = 1\n" : "", c->entry);
    if (c->path != NULL)
        fprintf(f, "%s = %s\n", c->path, TLSD_MODULE_PATH);
    fprintf(f, "MinProtocol = TLSv1.3\n");
    return fclose(f) == 0 ? path : NULL;
}

/* A child that loads cnf, the build directory of libtlsdefaults.so on its
 * library path, as the -dev package puts it in the default one. */
static const char *const *env_for(const char *cnf)
{
    static char conf[4200];
    static const char *env[] = {conf, library_path, "TLSDEFAULTS_DEBUG=", NULL};

    snprintf(conf, sizeof(conf), "OPENSSL_CONF=%s", cnf);
    return env;
}

static int s_client(const char *const *env)
{
    char connect[32];
    const char *argv[] = {OPENSSL_PROGRAM, "s_client", "-connect", connect,
                          "-servername", "localhost", "-CAfile", tlsd_test_cert_path("root.pem"),
                          "-verify_return_error", "-brief", NULL};

    snprintf(connect, sizeof(connect), "127.0.0.1:%s", port);
    return tlsd_test_run(argv, env, "", output, sizeof(output), 20);
}

/* This program again: a client that loads the configuration the usual
 * way (automatically, in its first SSL_CTX_new()) and connects. */
static int auto_client(const char *const *env)
{
    const char *argv[] = {self, "--child", port, NULL};

    return tlsd_test_run(argv, env, "", output, sizeof(output), 20);
}

static int has(const char *text)
{
    return strstr(output, text) != NULL;
}

/* RUNS runs of one client on one configuration: each refused, with the
 * module's error naming the typo; never a connection. */
static void attack(int (*client)(const char *const *), const char *who, const typo_case *c,
                   int diagnostics)
{
    const char *cnf = write_cnf(c, diagnostics);
    int bad = 0, refused;

    CU_ASSERT_PTR_NOT_NULL_FATAL(cnf);
    for (int i = 0; i < RUNS; i++) {
        int status;
        char text[128];

        tlsd_test_s_server_drain(&server);
        status = client(env_for(cnf));
        /* An exit of its own: a crash that printed the error first is no refusal. */
        refused = tlsd_test_is_refusal(status) && has(c->needle) && !has("CONNECTION ESTABLISHED")
                  && !has("connected:")
                  && (diagnostics || has("tlsdefaults configuration is invalid, TLS refused"));
        if (!refused && bad++ == 0)
            fprintf(stderr, "\n  %s, %s%s, run %d: %s, not refused with \"%s\":\n%s\n", who,
                    c->name, diagnostics ? " + config_diagnostics" : "", i + 1,
                    tlsd_test_status_text(status, text, sizeof(text)), c->needle, output);
    }
    if (bad != 0)
        fprintf(stderr, "  %s, %s%s: %d of %d runs not refused\n", who, c->name,
                diagnostics ? " + config_diagnostics" : "", bad, RUNS);
    CU_ASSERT_EQUAL(bad, 0);
}

static void attack_all(int (*client)(const char *const *), const char *who)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        attack(client, who, &cases[i], 0);
        attack(client, who, &cases[i], 1);
    }
}

/* The server, and both clients, work: without a configuration they
 * connect, so each refusal below is the module's. */
static void test_controls(void)
{
    static const char *const none[] = {"OPENSSL_CONF=/dev/null", "TLSDEFAULTS_DEBUG=", NULL};

    CU_ASSERT_EQUAL(s_client(none), 0);
    CU_ASSERT(has("CONNECTION ESTABLISHED"));
    CU_ASSERT_EQUAL(auto_client(none), 0);
    CU_ASSERT(has("connected: TLSv1.3"));
}

static void test_s_client(void)
{
    attack_all(s_client, "openssl s_client");
}

static void test_automatic_load(void)
{
    attack_all(auto_client, "automatic load");
}

/* What the module cannot catch, shown so that the documentation stays
 * true: OpenSSL ignores a file it cannot parse (here an unset $ENV::
 * variable) as a whole, even with config_diagnostics = 1, and programs
 * run with no policy at all. tlsdefaults-info exits 3 for such a file
 * (tests/inspector.sh). Should OpenSSL ever refuse instead, this fails. */
static void test_unparsable_file_gets_no_policy(void)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/typo-unset-env.cnf", tlsd_test_certs_dir());
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fprintf(f, "config_diagnostics = 1\nopenssl_conf = openssl_init\n[openssl_init]\n"
               "tlsdefaults = tlsd_sect\n[tlsd_sect]\npath = $ENV::TLSD_UNSET_VARIABLE/x.so\n");
    CU_ASSERT_FATAL(fclose(f) == 0);
    unsetenv("TLSD_UNSET_VARIABLE");
    tlsd_test_s_server_drain(&server);
    CU_ASSERT_EQUAL(auto_client(env_for(path)), 0);
    CU_ASSERT(has("connected: TLSv1.3"));
}

static const char *base_of(void *address, char *buf, size_t cap)
{
    Dl_info info;

    if (address == NULL || !dladdr(address, &info) || info.dli_fname == NULL)
        return "(none)";
    snprintf(buf, cap, "%s", info.dli_fname);
    return basename(buf);
}

/* What OpenSSL's loader does for the default name: dlopen("libtlsdefaults.so")
 * and dlsym() of the entry points, which must be the module's own. */
static void test_default_name_finds_the_module(void)
{
    char path[4200], buf[4200];
    void *h;

    snprintf(path, sizeof(path), "%s/libtlsdefaults.so", TLSD_LIBRARY_DIR);
    h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_STRING_EQUAL(base_of(dlsym(h, "OPENSSL_init"), buf, sizeof(buf)),
                           "libtlsdefaults-module.so.0");
    CU_ASSERT_STRING_EQUAL(base_of(dlsym(h, "OPENSSL_finish"), buf, sizeof(buf)),
                           "libtlsdefaults-module.so.0");
    dlclose(h);
}

/* A program linked with -ltlsdefaults before -lcrypto still calls
 * libcrypto's OPENSSL_init() (tests/link_check.c). */
static void test_programs_keep_libcrypto_init(void)
{
    const char *argv[] = {TLSD_LINK_CHECK, NULL};
    int status = tlsd_test_run(argv, NULL, "", output, sizeof(output), 20);

    if (status != 0)
        fprintf(stderr, "\n%s\n", output);
    CU_ASSERT_EQUAL(status, 0);
    CU_ASSERT(has("ok: libcrypto's OPENSSL_init"));
}

/* The child: the configuration comes from OPENSSL_CONF, loaded by the
 * first SSL_CTX_new() as in any program. */
static int child(const char *to)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    char host[32];
    BIO *bio;
    SSL *ssl = NULL;
    int ok;

    if (ctx == NULL) {
        printf("SSL_CTX_new failed\n");
        ERR_print_errors_fp(stdout);
        return 2;
    }
    snprintf(host, sizeof(host), "127.0.0.1:%s", to);
    bio = BIO_new_ssl_connect(ctx);
    ok = bio != NULL && BIO_set_conn_hostname(bio, host) > 0 && BIO_get_ssl(bio, &ssl) > 0
         && BIO_do_handshake(bio) > 0;
    if (ok)
        printf("connected: %s\n", SSL_get_version(ssl));
    else
        ERR_print_errors_fp(stdout);
    BIO_free_all(bio);
    SSL_CTX_free(ctx);
    return ok ? 0 : 1;
}

static int suite_init(void)
{
    const char *args[] = {"-cert", tlsd_test_cert_path("leaf.pem"), "-cert_chain",
                          tlsd_test_cert_path("intermediate.pem"), "-key",
                          tlsd_test_cert_path("leaf-key.pem"), NULL};
    static const char *const without_module[] = {"OPENSSL_CONF=/dev/null", "TLSDEFAULTS_DEBUG=", NULL};
    const char *old = getenv("LD_LIBRARY_PATH");

    if (tlsd_test_certs_dir() == NULL)
        return 1;
    snprintf(library_path, sizeof(library_path), "LD_LIBRARY_PATH=%s%s%s", TLSD_LIBRARY_DIR,
             old != NULL && *old ? ":" : "", old != NULL ? old : "");
    if (!tlsd_test_s_server_start(&server, args, without_module)) {
        fprintf(stderr, "s_server did not start:\n%s\n", server.log);
        return 1;
    }
    snprintf(port, sizeof(port), "%d", server.port);
    return 0;
}

static int suite_cleanup(void)
{
    tlsd_test_s_server_stop(&server);
    return 0;
}

int main(int argc, char **argv)
{
    CU_TestInfo tests[] = {
        {"controls: no configuration connects", test_controls},
        {"the default name finds the module's entry points", test_default_name_finds_the_module},
        {"programs linked with the library keep libcrypto's OPENSSL_init", test_programs_keep_libcrypto_init},
        {"typos: openssl s_client is refused, every run", test_s_client},
        {"typos: a program's automatic load is refused, every run", test_automatic_load},
        {"an unparsable file: no policy, OpenSSL's doing", test_unparsable_file_gets_no_policy},
        CU_TEST_INFO_NULL,
    };

    if (argc == 3 && strcmp(argv[1], "--child") == 0)
        return child(argv[2]);
    self = argv[0];
    return tlsd_test_main("configuration typos", suite_init, suite_cleanup, tests);
}
