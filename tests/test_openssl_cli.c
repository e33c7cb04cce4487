/* SPDX-License-Identifier: Apache-2.0 */
/* The unmodified openssl s_client and s_server binaries, run with
 * OPENSSL_CONF pointing at a configuration that loads the built module,
 * against peers run without it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <openssl/crypto.h>

#include "test_certs.h"
#include "test_config.h"
#include "test_main.h"
#include "test_peers.h"
#include "test_process.h"

#define CERT(name) tlsd_test_cert_path(name)

static char output[65536];
static char *module_cnf;      /* python profile */
static char *broken_cnf;      /* a bad value, OpenSSL's default diagnostics */
static char *strict_diag_cnf; /* the same with config_diagnostics = 1 */
static char *no_hostname_cnf; /* python profile, HostnameCheck = no */
static char *enforce_cnf;     /* python profile, Enforce = yes */
static char *mozilla_cnf;     /* Profile = mozilla-intermediate-6.0 */

static const char *const without_module[] = {"TLSDEFAULTS_DEBUG=", NULL};

static const char *const *with(const char *cnf)
{
    return tlsd_test_env_with(cnf, 1);
}

/* s_client to the server; returns its exit status (0: connected). For a
 * refusal, check it with REFUSED(): a crash is not one. */
static int s_client(const tlsd_test_server *srv, const char *ca_file,
                    const char *const *extra, const char *const *env)
{
    char connect[32];
    const char *argv[32] = {OPENSSL_PROGRAM, "s_client", "-connect", connect,
                            "-servername", "localhost", "-CAfile", ca_file,
                            "-verify_return_error", "-brief", NULL};
    size_t n = 10;

    snprintf(connect, sizeof(connect), "127.0.0.1:%d", srv->port);
    for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 31; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    return tlsd_test_run(argv, env, "", output, sizeof(output), 20);
}

/* The program exited with a non-zero status of its own, not by a signal. */
#define REFUSED(status, who) CU_ASSERT(tlsd_test_refused((status), (who), output))

#define EXPECT_OUTPUT(text)                                                   \
    do {                                                                      \
        int found_ = strstr(output, text) != NULL;                            \
        if (!found_)                                                          \
            fprintf(stderr, "\n  expected \"%s\" in:\n%s\n", text, output);   \
        CU_ASSERT(found_);                                                    \
    } while (0)

/* s_client asks for a permissive cipher list itself, but never for a
 * minimum version: under the module it refuses the TLS 1.1 server. */
static void test_s_client_refuses_tls11_server(void)
{
    const char *const old[] = {"-tls1_1", "-cipher", "ALL:@SECLEVEL=0", NULL};
    const char *const permissive[] = {"-cipher", "ALL:@SECLEVEL=0", NULL};
    tlsd_test_server srv;

    CU_ASSERT_FATAL(tlsd_test_s_server_start_cert(&srv, "leaf.pem", old, without_module));
    CU_ASSERT_EQUAL(s_client(&srv, CERT("root.pem"), permissive, without_module), 0);
    EXPECT_OUTPUT("Protocol version: TLSv1.1");
    REFUSED(s_client(&srv, CERT("root.pem"), permissive, with(module_cnf)), "s_client, TLS 1.1 server");
    EXPECT_OUTPUT("SSL_CTX");
    EXPECT_OUTPUT("(client): policy of section tlsdefaults_sect applied");
    tlsd_test_s_server_stop(&srv);
}

/* The same from the other side: s_server under the module. */
static void test_s_server_refuses_tls11_client(void)
{
    const char *const permissive[] = {"-cipher", "ALL:@SECLEVEL=0", NULL};
    const char *const old[] = {"-tls1_1", "-cipher", "ALL:@SECLEVEL=0", NULL};
    tlsd_test_server plain, guarded;

    CU_ASSERT_FATAL(tlsd_test_s_server_start_cert(&plain, "leaf.pem", permissive, without_module));
    CU_ASSERT_FATAL(tlsd_test_s_server_start_cert(&guarded, "leaf.pem", permissive, with(module_cnf)));
    CU_ASSERT_EQUAL(s_client(&plain, CERT("root.pem"), old, without_module), 0);
    REFUSED(s_client(&guarded, CERT("root.pem"), old, without_module), "s_client (TLS 1.1)");
    tlsd_test_s_server_stop(&plain);
    tlsd_test_s_server_stop(&guarded);
    CU_ASSERT_PTR_NOT_NULL(strstr(guarded.log, "(server): policy of section tlsdefaults_sect applied"));
}

static void test_s_client_x509_strict(void)
{
    tlsd_test_server srv;

    CU_ASSERT_FATAL(tlsd_test_s_server_start_cert(&srv, "noakid.pem", NULL, without_module));
    CU_ASSERT_EQUAL(s_client(&srv, CERT("root.pem"), NULL, without_module), 0);
    REFUSED(s_client(&srv, CERT("root.pem"), NULL, with(module_cnf)), "s_client, no AKID");
    EXPECT_OUTPUT("Missing Authority Key Identifier");
    tlsd_test_s_server_stop(&srv);
}

static void test_s_client_partial_chain(void)
{
    tlsd_test_server srv;

    CU_ASSERT_FATAL(tlsd_test_s_server_start_cert(&srv, "leaf.pem", NULL, without_module));
    REFUSED(s_client(&srv, CERT("intermediate.pem"), NULL, without_module), "s_client, no module");
    CU_ASSERT_EQUAL(s_client(&srv, CERT("intermediate.pem"), NULL, with(module_cnf)), 0);
    tlsd_test_s_server_stop(&srv);
}

/* s_client verifies the chain (-verify_return_error) but checks no host
 * name unless given -verify_hostname: the module checks its SNI name. */
static void test_s_client_checks_sni_name(void)
{
    tlsd_test_server srv;

    CU_ASSERT_FATAL(tlsd_test_s_server_start_cert(&srv, "wronghost.pem", NULL, without_module));
    CU_ASSERT_EQUAL(s_client(&srv, CERT("root.pem"), NULL, without_module), 0);
    CU_ASSERT_EQUAL(s_client(&srv, CERT("root.pem"), NULL, with(no_hostname_cnf)), 0);
    REFUSED(s_client(&srv, CERT("root.pem"), NULL, with(module_cnf)), "s_client, wrong host");
    EXPECT_OUTPUT("hostname mismatch");
    tlsd_test_s_server_stop(&srv);
    /* The right name still connects. */
    CU_ASSERT_FATAL(tlsd_test_s_server_start_cert(&srv, "leaf.pem", NULL, without_module));
    CU_ASSERT_EQUAL(s_client(&srv, CERT("root.pem"), NULL, with(module_cnf)), 0);
    tlsd_test_s_server_stop(&srv);
}

/* curl asked for TLS 1.1 and every cipher: its own calls override the
 * module's MinProtocol, but not Enforce. */
static void test_curl_below_the_floor(void)
{
    const char *const old[] = {"-www", "-tls1_1", "-cipher", "ALL:@SECLEVEL=0", NULL};
    char url[64];
    const char *argv[] = {"curl", "-sS", "-o", "/dev/null", "--tlsv1.1", "--ciphers",
                          "ALL:@SECLEVEL=0", "--cacert", CERT("root.pem"), url, NULL};
    const char *const probe[] = {"curl", "--version", NULL};
    tlsd_test_server srv;

    if (tlsd_test_run(probe, NULL, "", output, sizeof(output), 10) != 0) {
        fprintf(stderr, "\n  SKIP: curl is not installed here\n");
        return;
    }
    if (!tlsd_test_peer_usable("curl", tlsd_test_which("curl")))
        return;
    CU_ASSERT_FATAL(tlsd_test_s_server_start_cert(&srv, "leaf.pem", old, without_module));
    snprintf(url, sizeof(url), "https://localhost:%d/", srv.port);
    CU_ASSERT_EQUAL(tlsd_test_run(argv, without_module, "", output, sizeof(output), 20), 0);
    CU_ASSERT_EQUAL(tlsd_test_run(argv, with(module_cnf), "", output, sizeof(output), 20), 0);
    REFUSED(tlsd_test_run(argv, with(enforce_cnf), "", output, sizeof(output), 20), "curl with Enforce");
    EXPECT_OUTPUT("curl: (35)");
    tlsd_test_s_server_stop(&srv);
}

/* A bad value: s_client is refused with the reason and the key at fault;
 * with config_diagnostics, openssl refuses to start and prints them. */
static void test_broken_configuration_is_visible(void)
{
    tlsd_test_server srv;

    CU_ASSERT_FATAL(tlsd_test_s_server_start_cert(&srv, "leaf.pem", NULL, without_module));
    REFUSED(s_client(&srv, CERT("root.pem"), NULL, with(broken_cnf)), "s_client, broken");
    EXPECT_OUTPUT("tlsdefaults configuration is invalid, TLS refused");
    EXPECT_OUTPUT("key=MinProtocol value=TLSv1.9");
    REFUSED(s_client(&srv, CERT("root.pem"), NULL, with(strict_diag_cnf)), "s_client, diagnostics");
    EXPECT_OUTPUT("bad value for configuration key");
    EXPECT_OUTPUT("key=MinProtocol value=TLSv1.9");
    tlsd_test_s_server_stop(&srv);
}

/* A dated profile's groups reach an unmodified s_client: X25519MLKEM768
 * is negotiated where OpenSSL has it (3.5 and later), X25519 before; a
 * server of ffdhe2048 alone, which s_client reaches without the module, is
 * refused: the profile's list holds no finite-field group. */
static void test_s_client_mozilla_groups(void)
{
    const char *const ffdhe[] = {"-groups", "ffdhe2048", NULL};
    int pq = OpenSSL_version_num() >= 0x30500000L;
    tlsd_test_server srv;

    CU_ASSERT_FATAL(tlsd_test_s_server_start_cert(&srv, "leaf.pem", NULL, without_module));
    CU_ASSERT_EQUAL(s_client(&srv, CERT("root.pem"), NULL, with(mozilla_cnf)), 0);
    EXPECT_OUTPUT(pq ? "Negotiated TLS1.3 group: X25519MLKEM768" : "Server Temp Key: X25519");
    tlsd_test_s_server_stop(&srv);
    CU_ASSERT_FATAL(tlsd_test_s_server_start_cert(&srv, "leaf.pem", ffdhe, without_module));
    CU_ASSERT_EQUAL(s_client(&srv, CERT("root.pem"), NULL, without_module), 0);
    REFUSED(s_client(&srv, CERT("root.pem"), NULL, with(mozilla_cnf)), "s_client, ffdhe2048 server");
    tlsd_test_s_server_stop(&srv);
}

static char *copy(const char *path)
{
    return path != NULL ? strdup(path) : NULL;
}

static int suite_init(void)
{
    if (tlsd_test_certs_dir() == NULL)
        return 1;
    module_cnf = copy(tlsd_test_write_cnf("module", NULL, NULL, NULL, NULL));
    broken_cnf = copy(tlsd_test_write_cnf("broken", NULL, NULL, "MinProtocol = TLSv1.9", NULL));
    strict_diag_cnf = copy(tlsd_test_write_cnf("broken-diagnostics", "config_diagnostics = 1",
                                                 NULL, "MinProtocol = TLSv1.9", NULL));
    no_hostname_cnf = copy(tlsd_test_write_cnf("no-hostname", NULL, NULL, "HostnameCheck = no", NULL));
    enforce_cnf = copy(tlsd_test_write_cnf("enforce", NULL, NULL, "Enforce = yes", NULL));
    mozilla_cnf = copy(tlsd_test_write_cnf("mozilla", NULL, NULL, "Profile = mozilla-intermediate-6.0", NULL));
    return module_cnf == NULL || mozilla_cnf == NULL || broken_cnf == NULL || strict_diag_cnf == NULL
           || no_hostname_cnf == NULL || enforce_cnf == NULL;
}

static int suite_cleanup(void)
{
    free(module_cnf);
    free(broken_cnf);
    free(strict_diag_cnf);
    free(no_hostname_cnf);
    free(enforce_cnf);
    free(mozilla_cnf);
    return 0;
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"s_client refuses a TLS 1.1 server", test_s_client_refuses_tls11_server},
        {"s_server refuses a TLS 1.1 client", test_s_server_refuses_tls11_client},
        {"s_client: X509 strict", test_s_client_x509_strict},
        {"s_client: partial chain", test_s_client_partial_chain},
        {"s_client: the SNI name is checked", test_s_client_checks_sni_name},
        {"curl below the floor: Enforce", test_curl_below_the_floor},
        {"broken configuration is visible", test_broken_configuration_is_visible},
        {"s_client: a Mozilla profile's groups", test_s_client_mozilla_groups},
        CU_TEST_INFO_NULL,
    };

    return tlsd_test_main("openssl s_client and s_server", suite_init, suite_cleanup, tests);
}
