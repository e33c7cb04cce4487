/* SPDX-License-Identifier: Apache-2.0 */
/* Real programs nobody here wrote, unmodified, under the module: nginx as a
 * TLS server and Python's ssl module as a client (curl and openssl are in
 * test_openssl_cli.c). Each shows the module's effect on the program:
 * refused with the module (or the key), accepted without it. A program
 * missing on this machine, or loading a libssl of another major version
 * than this build's (tests/support/test_peers.h), is skipped with a
 * message, never failed. A refusal is an exit status of the program's
 * own: a crash never counts as one. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/conf.h>

#include "tlsdefaults.h"

#include "test_certs.h"
#include "test_config.h"
#include "test_errors.h"
#include "test_handshake.h"
#include "test_main.h"
#include "test_peers.h"
#include "test_process.h"

#define CERT(name) tlsd_test_cert_path(name)

static char output[65536];
static char module_cnf[512], enforce_cnf[512];

static const char *const without_module[] = {"TLSDEFAULTS_DEBUG=", NULL};

static const char *const *with(const char *cnf)
{
    return tlsd_test_env_with(cnf, 0);
}

/* 1 when program runs here and loads a libssl of this build's major
 * version through file (NULL: the program itself); else a SKIP line. */
static int have(const char *program, const char *const version_argv[], const char *file)
{
    if (tlsd_test_run(version_argv, NULL, "", output, sizeof(output), 10) != 0) {
        fprintf(stderr, "\n  SKIP: %s is not installed here\n", program);
        return 0;
    }
    return tlsd_test_peer_usable(program, file != NULL ? file : tlsd_test_which(program));
}

/* s_client asking for TLS 1.1 with every cipher; 0 when it connected. */
static int old_client(int port)
{
    char connect[32];
    const char *argv[] = {OPENSSL_PROGRAM, "s_client", "-connect", connect, "-tls1_1",
                          "-cipher", "ALL:@SECLEVEL=0", "-brief", NULL};

    snprintf(connect, sizeof(connect), "127.0.0.1:%d", port);
    return tlsd_test_run(argv, without_module, "", output, sizeof(output), 20);
}

/* nginx, unmodified, under the module. nginx calls
 * SSL_CTX_set_min_proto_version(ctx, 0) itself and then enables the
 * protocols of ssl_protocols: its own calls win over the module's
 * MinProtocol, and only Enforce holds the floor. */
static void test_nginx_server(void)
{
    const char *const version[] = {"nginx", "-v", NULL};
    char dir[512], conf[600], prefix[600];
    FILE *f;

    if (!have("nginx", version, NULL))
        return;
    snprintf(dir, sizeof(dir), "%s/nginx", tlsd_test_certs_dir());
    mkdir(dir, 0700);
    for (int with_module = 0; with_module <= 2; with_module++) {
        int port = tlsd_test_free_port();
        const char *argv[] = {"nginx", "-p", prefix, "-c", conf, "-g", "daemon off; master_process off;", NULL};
        tlsd_test_server srv;
        int status;

        snprintf(prefix, sizeof(prefix), "%s/", dir);
        snprintf(conf, sizeof(conf), "%s/nginx.conf", dir);
        f = fopen(conf, "w");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        fprintf(f,
                "error_log %s/error.log;\npid %s/nginx.pid;\nevents {}\n"
                "http {\n  access_log off;\n  client_body_temp_path %s;\n  proxy_temp_path %s;\n"
                "  fastcgi_temp_path %s;\n  uwsgi_temp_path %s;\n  scgi_temp_path %s;\n"
                "  server {\n    listen 127.0.0.1:%d ssl;\n"
                "    ssl_certificate %s;\n    ssl_certificate_key %s;\n"
                "    ssl_protocols TLSv1.1 TLSv1.2 TLSv1.3;\n    ssl_ciphers ALL:@SECLEVEL=0;\n"
                "    location / { return 200 \"ok\\n\"; }\n  }\n}\n",
                dir, dir, dir, dir, dir, dir, dir, port, CERT("leaf-chain.pem"), CERT("leaf-key.pem"));
        fclose(f);
        if (!tlsd_test_daemon_start(&srv, argv,
                                    with_module == 0 ? without_module
                                    : with(with_module == 1 ? module_cnf : enforce_cnf),
                                    port)) {
            fprintf(stderr, "\n  nginx did not start: %s\n", srv.log);
            CU_FAIL("nginx did not start");
            continue;
        }
        status = old_client(port);
        if (with_module < 2) {
            /* Without the module, and with it but no Enforce: nginx's own
             * ssl_protocols decide. */
            CU_ASSERT_EQUAL(status, 0);
            CU_ASSERT_PTR_NOT_NULL(strstr(output, "Protocol version: TLSv1.1"));
        } else {
            CU_ASSERT(tlsd_test_refused(status, "openssl s_client (TLS 1.1) against nginx with Enforce",
                                        output));
        }
        tlsd_test_s_server_stop(&srv);
    }
}

/* Python's ssl module, unmodified: Python 3.11 does not set X509 strict
 * (3.13 does); under the module its contexts get it, and a certificate
 * without authorityKeyIdentifier is refused. */
/* ssl.create_default_context(cafile=ROOT) connecting to localhost:PORT
 * (argv: PORT ROOT [check_hostname_off]); exit 1 and the verify message
 * when refused. */
static const char python_client_script[] =
    "import socket, ssl, sys\n"
    "ctx = ssl.create_default_context(cafile=sys.argv[2])\n"
    "if sys.argv[3:] == ['check_hostname_off']:\n"
    "    ctx.check_hostname = False\n"
    "try:\n"
    "    with socket.create_connection(('127.0.0.1', int(sys.argv[1]))) as s:\n"
    "        with ctx.wrap_socket(s, server_hostname='localhost') as t:\n"
    "            print('connected', t.version())\n"
    "except ssl.SSLError as e:\n"
    "    print('refused:', e.verify_message if hasattr(e, 'verify_message') else e)\n"
    "    sys.exit(1)\n";

static void test_python_client(void)
{
    const char *const version[] = {"python3", "--version", NULL};
    const char *const script = python_client_script;
    const char *const server_args[] = {"-cert", CERT("noakid.pem"), "-cert_chain", CERT("intermediate.pem"),
                                       "-key", CERT("leaf-key.pem"), NULL};
    char port[16];
    const char *argv[] = {"python3", "-c", script, port, CERT("root.pem"), NULL};
    tlsd_test_server srv;

    if (!have("python3", version, tlsd_test_python_ssl_file()))
        return;
    CU_ASSERT_FATAL(tlsd_test_s_server_start(&srv, server_args, without_module));
    snprintf(port, sizeof(port), "%d", srv.port);
    CU_ASSERT_EQUAL(tlsd_test_run(argv, without_module, "", output, sizeof(output), 20), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(output, "connected"));
    CU_ASSERT(tlsd_test_refused(tlsd_test_run(argv, with(module_cnf), "", output, sizeof(output), 20),
                                "python3 under the module", output));
    if (strstr(output, "Missing Authority Key Identifier") == NULL)
        fprintf(stderr, "\n  python3 said: %s\n", output);
    CU_ASSERT_PTR_NOT_NULL(strstr(output, "Missing Authority Key Identifier"));
    tlsd_test_s_server_stop(&srv);
}

/* A Python program that chose CERT_NONE keeps its choice: CPython sets
 * the verify mode with the verify callback it reads back from the
 * context, so the module cannot tell a choice by the callback. */
static void test_python_cert_none_is_a_choice(void)
{
    const char *const version[] = {"python3", "--version", NULL};
    static const char script[] =
        "import socket, ssl, sys, warnings\n"
        "warnings.simplefilter('ignore')\n"
        "if sys.argv[2] == 'tls':\n"
        "    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS)\n"
        "    ctx.verify_mode = ssl.CERT_NONE\n"
        "elif sys.argv[2] == 'tls_client':\n"
        "    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n"
        "    ctx.check_hostname = False\n"
        "    ctx.verify_mode = ssl.CERT_NONE\n"
        "else:\n"
        "    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n"
        "try:\n"
        "    with socket.create_connection(('127.0.0.1', int(sys.argv[1]))) as s:\n"
        "        with ctx.wrap_socket(s, server_hostname='localhost') as t:\n"
        "            print('connected, verify_mode', int(ctx.verify_mode))\n"
        "except ssl.SSLError as e:\n"
        "    print('refused:', e)\n"
        "    sys.exit(1)\n";
    const char *const server_args[] = {"-cert", CERT("selfsigned.pem"), "-key", CERT("leaf-key.pem"), NULL};
    static const struct {
        const char *how;
        int connects;
    } cases[] = {{"tls", 1}, {"tls_client", 1}, {"verifies", 0}};
    char port[16];
    tlsd_test_server srv;

    if (!have("python3", version, tlsd_test_python_ssl_file()))
        return;
    CU_ASSERT_FATAL(tlsd_test_s_server_start(&srv, server_args, without_module));
    snprintf(port, sizeof(port), "%d", srv.port);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *argv[] = {"python3", "-c", script, port, cases[i].how, NULL};

        for (int with_module = 0; with_module <= 1; with_module++) {
            int status = tlsd_test_run(argv, with_module ? with(module_cnf) : without_module, "",
                                       output, sizeof(output), 20);

            if ((status == 0) != cases[i].connects)
                fprintf(stderr, "\n  python3 %s, %s: %s\n", cases[i].how,
                        with_module ? "module" : "no module", output);
            CU_ASSERT_EQUAL(status == 0, cases[i].connects);
            /* A refusal is a verification failure, never a crash. */
            CU_ASSERT(status == 0 || status == 1);
        }
    }
    tlsd_test_s_server_stop(&srv);
}

/* A Python program that turned the host name check off while verifying
 * (check_hostname = False, CERT_REQUIRED, server_hostname set: CPython's
 * test_httplib test_local_bad_hostname) meets HostnameCheck on a wrong-host
 * server: refused, and the trace names HostnameCheck. Without the module,
 * and with a Programs entry for the interpreter's executable that sets
 * HostnameCheck = no (the documented exemption), it connects. */
static void test_python_check_hostname_off(void)
{
    const char *const version[] = {"python3", "--version", NULL};
    const char *const server_args[] = {"-cert", CERT("wronghost.pem"), "-cert_chain", CERT("intermediate.pem"),
                                       "-key", CERT("leaf-key.pem"), NULL};
    char port[16], exempt_cnf[512], keys[1024], real[4096];
    const char *argv[] = {"python3", "-c", python_client_script, port, CERT("root.pem"),
                          "check_hostname_off", NULL};
    const char *base;
    tlsd_test_server srv;
    int status;

    if (!have("python3", version, tlsd_test_python_ssl_file()))
        return;
    /* The entry names the executable the kernel runs (python3.11, behind
     * a symbolic link or a pyenv shim). */
    {
        const char *const exe_argv[] = {"python3", "-c",
                                        "import os; print(os.path.basename(os.readlink('/proc/self/exe')))",
                                        NULL};

        CU_ASSERT_EQUAL_FATAL(tlsd_test_run(exe_argv, without_module, "", real, sizeof(real), 10), 0);
        real[strcspn(real, "\n")] = '\0';
        base = real;
    }
    snprintf(keys, sizeof(keys), "Programs = exempt_programs");
    {
        char extra[4400];

        snprintf(extra, sizeof(extra), "[exempt_programs]\n%s = no_hostname_check\n"
                                       "[no_hostname_check]\nHostnameCheck = no\n", base);
        snprintf(exempt_cnf, sizeof(exempt_cnf), "%s",
                 tlsd_test_write_cnf("programs-exempt", NULL, NULL, keys, extra));
    }
    CU_ASSERT_FATAL(tlsd_test_s_server_start(&srv, server_args, without_module));
    snprintf(port, sizeof(port), "%d", srv.port);
    status = tlsd_test_run(argv, without_module, "", output, sizeof(output), 20);
    if (status != 0)
        fprintf(stderr, "\n  python3 without the module: %s\n", output);
    CU_ASSERT_EQUAL(status, 0);
    status = tlsd_test_run(argv, tlsd_test_env_with(module_cnf, 1), "", output, sizeof(output), 20);
    CU_ASSERT(tlsd_test_refused(status, "python3 check_hostname = False, wrong host", output));
    if (strstr(output, "Hostname mismatch") == NULL || strstr(output, "HostnameCheck: refused") == NULL)
        fprintf(stderr, "\n  python3 under the module said: %s\n", output);
    CU_ASSERT_PTR_NOT_NULL(strstr(output, "Hostname mismatch"));
    CU_ASSERT_PTR_NOT_NULL(strstr(output, "HostnameCheck: refused"));
    status = tlsd_test_run(argv, with(exempt_cnf), "", output, sizeof(output), 20);
    if (status != 0)
        fprintf(stderr, "\n  python3 (%s) exempted by its Programs entry: %s\n", base, output);
    CU_ASSERT_EQUAL(status, 0);
    tlsd_test_s_server_stop(&srv);
}

/* A Programs entry whose section holds a value only OpenSSL rejects
 * (CipherString = NOSUCHCIPHER): every program refuses TLS, the entry's
 * program and the others alike ("fail closed whichever program runs").
 * openssl s_client is the program: an entry names it (the file name of
 * its real executable) or another program (nginx). A valid section: both
 * connect (the negative control), as without the module. With
 * config_diagnostics = 1, the load fails, naming the entry and the key. */
static void test_broken_program_section_fails_closed_everywhere(void)
{
    const char *const cert_file[] = {"TLSDEFAULTS_DEBUG=", NULL};
    char real[PATH_MAX], extra[512], cnf[600], connect[32];
    const char *argv[] = {OPENSSL_PROGRAM, "s_client", "-connect", connect, "-servername",
                          "localhost", "-CAfile", CERT("root.pem"), "-verify_return_error",
                          "-brief", NULL};
    const char *self;
    tlsd_test_server srv;

    CU_ASSERT_FATAL(realpath(OPENSSL_PROGRAM, real) != NULL);
    self = strrchr(real, '/') + 1;
    CU_ASSERT_FATAL(tlsd_test_s_server_start_cert(&srv, "leaf.pem", NULL, without_module));
    snprintf(connect, sizeof(connect), "127.0.0.1:%d", srv.port);
    CU_ASSERT_EQUAL(tlsd_test_run(argv, cert_file, "", output, sizeof(output), 20), 0);
    for (int broken = 0; broken <= 1; broken++) {
        for (int own = 0; own <= 1; own++) {
            const char *who = own ? "the entry's program" : "another program than the entry's";
            int status;

            snprintf(extra, sizeof(extra), "[progs]\n%s = entry_policy\n[entry_policy]\nCipherString = %s\n",
                     own ? self : "nginx", broken ? "NOSUCHCIPHER" : "DEFAULT");
            snprintf(cnf, sizeof(cnf), "%s",
                     tlsd_test_write_cnf("programs-cipher", NULL, NULL, "Programs = progs", extra));
            status = tlsd_test_run(argv, with(cnf), "", output, sizeof(output), 20);
            if (!broken) {
                if (status != 0)
                    fprintf(stderr, "\n  %s, valid section: %s\n", who, output);
                CU_ASSERT_EQUAL(status, 0);
                continue;
            }
            CU_ASSERT(tlsd_test_refused(status, who, output));
            if (strstr(output, "key=CipherString value=NOSUCHCIPHER") == NULL)
                fprintf(stderr, "\n  %s: the refusal does not name the key:\n%s\n", who, output);
            CU_ASSERT_PTR_NOT_NULL(strstr(output, "key=CipherString value=NOSUCHCIPHER"));
        }
    }
    tlsd_test_s_server_stop(&srv);

    snprintf(extra, sizeof(extra), "[progs]\nnginx = entry_policy\n[entry_policy]\nCipherString = NOSUCHCIPHER\n");
    snprintf(cnf, sizeof(cnf), "%s", tlsd_test_write_cnf("programs-cipher-diag", "config_diagnostics = 1",
                                                        NULL, "Programs = progs", extra));
    CU_ASSERT(CONF_modules_load_file(cnf, NULL, 0) <= 0);
    CU_ASSERT(tlsd_test_take_error(TLSD_R_BAD_VALUE,
                                   "section entry_policy (program nginx): key=CipherString value=NOSUCHCIPHER"));
    CONF_modules_unload(0);
}

/* The same for a range only OpenSSL's bounds show (MaxProtocol below the
 * module section's MinProtocol in another program's section): in this
 * process, with the checks deferred to its first context, the handshake
 * is refused; without that entry it succeeds (the control). */
static void test_program_section_range_fails_closed(void)
{
    for (int broken = 0; broken <= 1; broken++) {
        SSL_CTX *client, *server;
        tlsd_test_result r;

        tlsd_test_load_module("programs-range", "MinProtocol = TLSv1.2\nPrograms = progs",
                              broken ? "[progs]\nnginx = p\n[p]\nMaxProtocol = TLSv1.1\n"
                                     : "[progs]\nnginx = p\n[p]\nMaxProtocol = TLSv1.2\n");
        client = tlsd_test_client_ctx(CERT("root.pem"));
        server = tlsd_test_server_ctx(CERT("leaf-chain.pem"));
        CU_ASSERT_PTR_NOT_NULL_FATAL(client);
        CU_ASSERT_PTR_NOT_NULL_FATAL(server);
        CU_ASSERT_EQUAL(tlsd_test_handshake(client, server, "localhost", "localhost", &r), !broken);
        if (broken)
            CU_ASSERT_PTR_NOT_NULL(strstr(r.client_error, "tlsdefaults configuration is invalid"));
        SSL_CTX_free(client);
        SSL_CTX_free(server);
        CONF_modules_unload(0);
    }
}

static int init(void)
{
    if (tlsd_test_certs_dir() == NULL)
        return -1;
    snprintf(module_cnf, sizeof(module_cnf), "%s", tlsd_test_write_cnf("programs", NULL, NULL, NULL, NULL));
    snprintf(enforce_cnf, sizeof(enforce_cnf), "%s",
             tlsd_test_write_cnf("programs-enforce", NULL, NULL, "Enforce = yes", NULL));
    return 0;
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"nginx: Enforce holds the floor against its ssl_protocols", test_nginx_server},
        {"Python's ssl module gets X509 strict", test_python_client},
        {"Python's CERT_NONE is a choice the module keeps", test_python_cert_none_is_a_choice},
        {"Python's check_hostname = False meets HostnameCheck, which names itself", test_python_check_hostname_off},
        {"a program section only OpenSSL rejects fails every program", test_broken_program_section_fails_closed_everywhere},
        {"a program section's protocol range fails every program", test_program_section_range_fails_closed},
        CU_TEST_INFO_NULL,
    };

    return tlsd_test_main("real programs", init, NULL, tests);
}
