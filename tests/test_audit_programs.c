/* SPDX-License-Identifier: Apache-2.0 */
/* Audit mode with real programs, unmodified: curl asking for TLS 1.1
 * under Enforce, nginx reverse-proxying to a self-signed backend, and
 * openssl s_client. Audited, they connect and their connections are
 * logged under their own names; without Audit the same configurations
 * refuse (the negative controls), and the refusal names tlsdefaults. A
 * program missing here, or loading a libssl of another major version, is
 * skipped with a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "test_certs.h"
#include "test_config.h"
#include "test_main.h"
#include "test_nginx.h"
#include "test_peers.h"
#include "test_process.h"

#define CERT(name) tlsd_test_cert_path(name)

static char output[65536], log_text[65536];
static char log_path[512];
static char enforce_cnf[512], enforce_audit_cnf[512], module_cnf[512], audit_cnf[512];

static const char *const without_module[] = {"TLSDEFAULTS_DEBUG=", NULL};

static const char *const *with(const char *cnf)
{
    return tlsd_test_env_with(cnf, 0);
}

static const char *read_log(void)
{
    FILE *f = fopen(log_path, "r");
    size_t n = 0;

    if (f != NULL) {
        n = fread(log_text, 1, sizeof(log_text) - 1, f);
        fclose(f);
    }
    log_text[n] = '\0';
    return log_text;
}

#define EXPECT_IN(text, needle)                                               \
    do {                                                                      \
        int found_ = strstr((text), (needle)) != NULL;                        \
        if (!found_)                                                          \
            fprintf(stderr, "\n  expected \"%s\" in:\n%s\n", (needle), (text)); \
        CU_ASSERT(found_);                                                    \
    } while (0)

static int have(const char *program, const char *const version_argv[])
{
    if (tlsd_test_run(version_argv, NULL, "", output, sizeof(output), 10) != 0) {
        fprintf(stderr, "\n  SKIP: %s is not installed here\n", program);
        return 0;
    }
    return tlsd_test_peer_usable(program, tlsd_test_which(program));
}

static const char *const tls11[] = {"-www", "-tls1_1", "-cipher", "ALL:@SECLEVEL=0", NULL};

/* curl --tlsv1.1 --tls-max 1.1 against a TLS 1.1 server. */
static void test_curl_tls11(void)
{
    const char *const probe[] = {"curl", "--version", NULL};
    char url[64];
    const char *argv[] = {"curl", "-sS", "-o", "/dev/null", "--tlsv1.1", "--tls-max", "1.1",
                          "--ciphers", "ALL:@SECLEVEL=0", "--cacert", CERT("root.pem"), url, NULL};
    tlsd_test_server srv;
    int status;

    if (!have("curl", probe))
        return;
    CU_ASSERT_FATAL(tlsd_test_s_server_start_cert(&srv, "leaf.pem", tls11, without_module));
    snprintf(url, sizeof(url), "https://localhost:%d/", srv.port);
    unlink(log_path);
    status = tlsd_test_run(argv, with(enforce_cnf), "", output, sizeof(output), 20);
    CU_ASSERT(tlsd_test_refused(status, "curl with Enforce", output));
    CU_ASSERT_EQUAL(tlsd_test_run(argv, with(enforce_audit_cnf), "", output, sizeof(output), 20), 0);
    read_log();
    EXPECT_IN(log_text, "audit program=curl ");
    EXPECT_IN(log_text, "peer=localhost reasons=Enforce:version-below-floor");
    tlsd_test_s_server_stop(&srv);
}

/* openssl s_client -tls1_1 under Enforce: its output says who refused. */
static void test_s_client_names_refusal(void)
{
    char connect[32];
    const char *argv[] = {OPENSSL_PROGRAM, "s_client", "-connect", connect, "-tls1_1",
                          "-cipher", "ALL:@SECLEVEL=0", "-brief", NULL};
    tlsd_test_server srv;
    int status;

    CU_ASSERT_FATAL(tlsd_test_s_server_start_cert(&srv, "leaf.pem", tls11, without_module));
    snprintf(connect, sizeof(connect), "127.0.0.1:%d", srv.port);
    status = tlsd_test_run(argv, with(enforce_cnf), "", output, sizeof(output), 20);
    CU_ASSERT(tlsd_test_refused(status, "s_client -tls1_1 with Enforce", output));
    EXPECT_IN(output, "protocol version below tlsdefaults floor (Enforce)");
    CU_ASSERT_EQUAL(tlsd_test_run(argv, with(enforce_audit_cnf), "", output, sizeof(output), 20), 0);
    tlsd_test_s_server_stop(&srv);
}

/* nginx as a reverse proxy (proxy_ssl_verify off, its default) to a
 * self-signed backend: 502 under the policy, served under Audit, and the
 * audit log names nginx and the verification failure. */
static void test_nginx_proxy(void)
{
    const char *const version[] = {"nginx", "-v", NULL};
    const char *const curl_probe[] = {"curl", "--version", NULL};
    const char *const www[] = {"-www", NULL};
    char dir[512], upstream[64], url[64];
    tlsd_test_server backend;

    if (!have("nginx", version) || tlsd_test_run(curl_probe, NULL, "", output, sizeof(output), 10) != 0)
        return;
    CU_ASSERT_FATAL(tlsd_test_s_server_start_cert(&backend, "selfsigned.pem", www, without_module));
    snprintf(dir, sizeof(dir), "%s/nginx-audit", tlsd_test_certs_dir());
    snprintf(upstream, sizeof(upstream), "https://127.0.0.1:%d", backend.port);
    for (int audit = 0; audit <= 1; audit++) {
        const char *get[] = {"curl", "-sS", "-o", "-", "-w", "\nstatus=%{http_code}\n", url, NULL};
        tlsd_test_server srv;

        unlink(log_path);
        if (!tlsd_test_nginx_proxy_start(&srv, dir, upstream, NULL, with(audit ? audit_cnf : module_cnf))) {
            CU_FAIL("nginx did not start");
            continue;
        }
        snprintf(url, sizeof(url), "http://127.0.0.1:%d/", srv.port);
        CU_ASSERT_EQUAL(tlsd_test_run(get, without_module, "", output, sizeof(output), 20), 0);
        tlsd_test_s_server_stop(&srv);
        if (!audit) {
            EXPECT_IN(output, "status=502");
            continue;
        }
        EXPECT_IN(output, "status=200");
        EXPECT_IN(output, "s_server");
        read_log();
        EXPECT_IN(log_text, "audit program=nginx ");
        EXPECT_IN(log_text, "reasons=VerifyPeer:unverified");
        EXPECT_IN(log_text, "x509_error=18 ");
    }
    tlsd_test_s_server_stop(&backend);
}

static int suite_init(void)
{
    char keys[1024];

    if (tlsd_test_certs_dir() == NULL)
        return 1;
    snprintf(log_path, sizeof(log_path), "%s/programs-audit.log", tlsd_test_certs_dir());
    snprintf(module_cnf, sizeof(module_cnf), "%s", tlsd_test_write_cnf("audit-module", NULL, NULL, NULL, NULL));
    snprintf(enforce_cnf, sizeof(enforce_cnf), "%s",
             tlsd_test_write_cnf("audit-enforce", NULL, NULL, "Enforce = yes", NULL));
    snprintf(keys, sizeof(keys), "Enforce = yes\nAudit = yes\nAuditLog = %s", log_path);
    snprintf(enforce_audit_cnf, sizeof(enforce_audit_cnf), "%s",
             tlsd_test_write_cnf("audit-enforce-audit", NULL, NULL, keys, NULL));
    snprintf(keys, sizeof(keys), "Audit = yes\nAuditLog = %s", log_path);
    snprintf(audit_cnf, sizeof(audit_cnf), "%s", tlsd_test_write_cnf("audit-yes", NULL, NULL, keys, NULL));
    return 0;
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"curl --tlsv1.1 under Enforce: refused, or audited", test_curl_tls11},
        {"s_client -tls1_1 under Enforce: the refusal names tlsdefaults", test_s_client_names_refusal},
        {"nginx proxy to a self-signed backend: 502, or audited", test_nginx_proxy},
        CU_TEST_INFO_NULL,
    };

    return tlsd_test_main("audit with real programs", suite_init, NULL, tests);
}
