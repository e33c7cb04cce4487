/* SPDX-License-Identifier: Apache-2.0 */
/* tlsd-bench: what tlsdefaults costs, measured side by side in one run.
 *
 *   1. SSL_CTX_new with the module loaded vs without (client, server)
 *   2. tlsd_create_default_context(SERVER_AUTH), system store, vs a bare
 *      SSL_CTX_new(TLS_client_method())
 *   3. the same vs Python's ssl.create_default_context() (python_contexts.py)
 *   4. memory per additional context (helper and module-injected)
 *   5. full handshakes per second with the module vs without
 *   6. contexts per second from 1 and 2 threads, with the module and
 *      without (OpenSSL's own scaling), and how long the module holds its
 *      busiest lock per context (lock_hold.h)
 *   7. start-up: whole processes with the module in OPENSSL_CONF vs
 *      without (issue 15): a process that only loads the configuration,
 *      the same making one SSL_CTX, a program linked with libcrypto only,
 *      openssl s_client and curl one-shots to a local server
 *   8. full handshakes per second with Inventory = yes and AuditLog =
 *      syslog vs the module without it (issue 25: at most 3 % slower)
 *   9. full handshakes per second with a Peers entry chosen and applied
 *      to every connection vs the module without Peers (issue 24)
 *
 * Times are medians of interleaved rounds; each figure is printed with its
 * ratio and the target of issue 5. Not a test: it never fails on a number.
 * usage: tlsd-bench [--quick | --profile | --startup [--quick] | --threads [--quick] |
 *                   --inventory [--quick] | --peers [--quick]] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tlsdefaults.h"
#include "python_parity.h"
#include "test_certs.h"
#include "test_config.h"
#include "test_handshake.h"
#include "test_process.h"

#include "bench.h"

/* What a program that sets Python's cipher list itself pays: OpenSSL
 * parses a cipher list in SSL_CTX_new() and again here, the floor of any
 * policy that changes the cipher list. */
static SSL_CTX *client_with_own_cipher_list(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    if (ctx != NULL)
        SSL_CTX_set_cipher_list(ctx, PYTHON_CIPHER_STRING);
    return ctx;
}

static SSL_CTX *helper_client(void)
{
    return tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, NULL, NULL, NULL, 0);
}

/* --- 5. handshakes ------------------------------------------------------- */

static double handshakes_per_second(ctx_maker unused, int n)
{
    SSL_CTX *client, *server;
    tlsd_test_result r;
    double start;
    int ok = 0, with_module = module_loaded;

    (void)unused;
    /* Without the module the client does by hand what the module gives a
     * careless one: verification, the system store (here the test root,
     * SSL_CERT_FILE), the name. */
    client = SSL_CTX_new(TLS_client_method());
    server = tlsd_test_server_ctx(tlsd_test_cert_path("leaf-chain.pem"));
    if (!with_module) {
        SSL_CTX_set_verify(client, SSL_VERIFY_PEER, NULL);
        SSL_CTX_set_default_verify_paths(client);
    }
    start = now();
    for (int i = 0; i < n; i++)
        ok += tlsd_test_handshake(client, server, "localhost", with_module ? NULL : "localhost", &r);
    start = now() - start;
    if (ok != n)
        fprintf(stderr, "  (%d of %d handshakes failed: %s)\n", n - ok, n, tlsd_test_result_str(&r));
    SSL_CTX_free(client);
    SSL_CTX_free(server);
    return n / start;
}

/* --- 8. Inventory, 9. Peers ---------------------------------------------- */

static const char *other_cnf;

/* Section 5's measure with the module of other_cnf in place of the one
 * measure_side() loaded. */
static double other_module_handshakes_per_second(ctx_maker unused, int n)
{
    const char *plain = module_cnf;
    double rate;

    module_unload();
    module_cnf = other_cnf;
    module_load();
    rate = handshakes_per_second(unused, n);
    module_unload();
    module_cnf = plain;
    module_load();
    return rate;
}

/* One row: section 5's handshakes with the module alone vs with keys and
 * extra in its configuration (named name). */
static void other_module_row(int hs_n, const char *name, const char *keys, const char *extra, const char *label)
{
    double a, b;

    other_cnf = strdup(tlsd_test_write_cnf(name, NULL, NULL, keys, extra));
    interleaved((side){handshakes_per_second, NULL, 1}, (side){other_module_handshakes_per_second, NULL, 1},
                hs_n / ROUNDS + 1, &a, &b);
    printf("  %-44s without %9.1f /s   with %9.1f /s   ratio %6.3f   (target >= 0.97)\n", label, a, b, b / a);
}

static void inventory_rows(int hs_n)
{
    char keys[256];

    snprintf(keys, sizeof(keys), "Inventory = yes\nAuditLog = syslog\n%s",
             getenv("TLSD_BENCH_KEYS") != NULL ? getenv("TLSD_BENCH_KEYS") : "");
    printf("\n8. full handshakes per second, Inventory = yes, AuditLog = syslog (2 lines each)\n");
    other_module_row(hs_n, "bench-inventory", keys, NULL, "the module, Inventory off vs on");
}

/* Every client handshake matches the localhost entry, among others, and
 * gets its suites put on the connection. */
static void peers_rows(int hs_n)
{
    printf("\n9. full handshakes per second, a Peers entry chosen and applied per connection\n");
    other_module_row(hs_n, "bench-peers", "Peers = bench_peers\n",
                     "[bench_peers]\nlocalhost = bench_local\n*.example = bench_net\n10.0.0.0/8 = bench_net\n"
                     "backend.internal = bench_net\n[bench_local]\nCiphersuites = TLS_AES_256_GCM_SHA384\n"
                     "[bench_net]\nVerifyPeer = no\n",
                     "the module, no Peers vs an entry per connection");
}

/* --- 3. Python ----------------------------------------------------------- */

static int python_figures(int n, double *seconds, double *bytes)
{
    char count[16], out[4096];
    const char *argv[] = {"python3", TLSD_SOURCE_DIR "/tests/bench/python_contexts.py", count, NULL};
    const char *s, *b;

    snprintf(count, sizeof(count), "%d", n);
    if (tlsd_test_run(argv, NULL, "", out, sizeof(out), 600) != 0
        || (s = strstr(out, "seconds_per_context=")) == NULL
        || (b = strstr(out, "bytes_per_context=")) == NULL) {
        printf("  python3 not available: %s\n", out);
        return 0;
    }
    *seconds = atof(s + strlen("seconds_per_context="));
    *bytes = atof(b + strlen("bytes_per_context="));
    return 1;
}
/* Section 1: SSL_CTX_new with the module loaded vs without. */
static void module_rows(int n)
{
    double a, b;

    printf("1. SSL_CTX_new with the module loaded vs without (per context)\n");
    interleaved((side){time_contexts, bare_client, 0}, (side){time_contexts, bare_client, 1}, n, &a, &b);
    report("TLS_client_method", "without", a, "with", b, "us", 1e6, "<= 1.05");
    interleaved((side){time_contexts, bare_server, 0}, (side){time_contexts, bare_server, 1}, n, &a, &b);
    report("TLS_server_method", "without", a, "with", b, "us", 1e6, "<= 1.05");
    interleaved((side){time_contexts, client_with_own_cipher_list, 0},
                (side){time_contexts, bare_client, 1}, n, &a, &b);
    report("vs a program setting the cipher list itself", "itself", a, "module", b, "us", 1e6,
           "the floor: OpenSSL's parse");
}

/* Section 4: memory per additional context, helper and module-injected. */
static void memory_rows(int mem_n)
{
    double a, b, rss_bare, rss_b;

    printf("\n4. memory per additional context (heap bytes, %d contexts held)\n", mem_n);
    a = heap_per_context(bare_client, mem_n);
    rss_bare = last_resident_per_context;
    b = heap_per_context(helper_client, mem_n);
    rss_b = last_resident_per_context;
    report("helper vs bare (heap)", "bare", a, "helper", b, "KiB", 1.0 / 1024, "<= 16 KiB more");
    report("helper vs bare (resident)", "bare", rss_bare, "helper", rss_b, "KiB", 1.0 / 1024,
           "<= 16 KiB more");
    printf("  %-44s heap %.2f KiB, resident %.2f KiB\n", "  helper, beyond a bare SSL_CTX",
           (b - a) / 1024, (rss_b - rss_bare) / 1024);
    module_load();
    b = heap_per_context(bare_client, mem_n);
    rss_b = last_resident_per_context;
    module_unload();
    report("module-injected vs bare (heap)", "bare", a, "module", b, "KiB", 1.0 / 1024,
           "<= 16 KiB more");
    report("module-injected vs bare (resident)", "bare", rss_bare, "module", rss_b, "KiB",
           1.0 / 1024, "<= 16 KiB more");
    printf("  %-44s heap %.2f KiB, resident %.2f KiB\n", "  module, beyond a bare SSL_CTX",
           (b - a) / 1024, (rss_b - rss_bare) / 1024);
}

/* Section 3: vs Python, given the helper's time per context (section 2). */
static void python_rows(int py_n, int mem_n, double helper_s)
{
    double py_s, py_b;

    printf("\n3. vs Python's ssl.create_default_context() (same machine, same bundle)\n");
    setenv("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt", 1);
    if (python_figures(py_n, &py_s, &py_b)) {
        double ours_b = heap_per_context(helper_client, mem_n);

        report("time per context", "python", py_s, "helper", helper_s, "us", 1e6, ">= 100x faster");
        printf("  %-44s %.0fx faster\n", "", py_s / helper_s);
        report("memory per context", "python", py_b, "helper", ours_b, "KiB", 1.0 / 1024,
               ">= 50x less");
        printf("  %-44s %.0fx less\n", "", py_b / ours_b);
    }
    setenv("SSL_CERT_FILE", tlsd_test_cert_path("root.pem"), 1);
}

static void print_machine(void)
{
    char cpu[256] = "unknown", line[512];
    FILE *f = fopen("/proc/cpuinfo", "r");

    if (f != NULL) {
        while (fgets(line, sizeof(line), f) != NULL)
            if (strncmp(line, "model name", 10) == 0) {
                snprintf(cpu, sizeof(cpu), "%s", strchr(line, ':') + 2);
                cpu[strcspn(cpu, "\n")] = '\0';
                break;
            }
        fclose(f);
    }
    printf("tlsdefaults benchmarks: %s; %s, %ld cores; medians of %d interleaved rounds\n\n",
           OpenSSL_version(OPENSSL_VERSION), cpu, sysconf(_SC_NPROCESSORS_ONLN), ROUNDS);
}

/* Every section, in the order they are printed. */
static int all_sections(void)
{
    int n = 2000, mem_n = 2000, hs_n = 1000, py_n = 100;
    double a, b, helper_s, bare_s;

    if (quick)
        n = 200, mem_n = 200, hs_n = 100, py_n = 20;
    print_machine();
    /* Warm up OpenSSL's fetch caches and the shared store. */
    time_contexts(bare_client, 50);
    time_contexts(helper_client, 50);
    module_rows(n);
    printf("\n2. tlsd_create_default_context(SERVER_AUTH), system store, vs bare SSL_CTX_new\n");
    interleaved((side){time_contexts, bare_client, 0}, (side){time_contexts, helper_client, 0}, n,
                &bare_s, &helper_s);
    report("per context", "bare", bare_s, "helper", helper_s, "us", 1e6, "<= 1.10");
    memory_rows(mem_n);
    python_rows(py_n, mem_n, helper_s);
    printf("\n5. full handshakes per second (memory BIOs, TLS 1.3, RSA-2048 leaf)\n");
    interleaved((side){handshakes_per_second, NULL, 0}, (side){handshakes_per_second, NULL, 1},
                hs_n / ROUNDS + 1, &a, &b);
    printf("  %-44s without %9.1f /s   with %9.1f /s   ratio %6.3f   (target >= 0.97)\n",
           "hostname check, strict flags, shared store", a, b, b / a);
    threads_rows(n);
    inventory_rows(hs_n);
    peers_rows(hs_n);
    printf("\n");
    setenv("TLSDEFAULTS_DEBUG", "", 1);
    startup_rows();
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";

    quick = strcmp(mode, "--quick") == 0 || (argc > 2 && strcmp(argv[2], "--quick") == 0);
    if (tlsd_test_certs_dir() == NULL)
        return 1;
    if (strcmp(mode, "--profile") == 0) {
        /* Only contexts made with the module loaded, for valgrind
         * --tool=callgrind (see docs/performance.md). */
        module_cnf = strdup(tlsd_test_write_cnf("bench", NULL, NULL, NULL, NULL));
        module_load();
        time_contexts(bare_client, 500);
        module_unload();
        return 0;
    }
    /* The "system" store of this process: the test root, so that the
     * module's TrustStore verifies the test server in 5. */
    setenv("SSL_CERT_FILE", tlsd_test_cert_path("root.pem"), 1);
    /* TLSD_BENCH_KEYS: extra keys for the module's section, to see what
     * one setting costs (e.g. "TrustStore = none"). */
    module_cnf = strdup(tlsd_test_write_cnf("bench", NULL, NULL, getenv("TLSD_BENCH_KEYS"), NULL));
    if (strcmp(mode, "--startup") == 0) { /* section 7 alone */
        setenv("TLSDEFAULTS_DEBUG", "", 1);
        startup_rows();
    } else if (strcmp(mode, "--inventory") == 0) { /* section 8 alone */
        inventory_rows(quick ? 100 : 2000);
    } else if (strcmp(mode, "--peers") == 0) { /* section 9 alone */
        peers_rows(quick ? 100 : 2000);
    } else if (strcmp(mode, "--threads") == 0) { /* section 6 alone */
        time_contexts(bare_client, 50);
        threads_rows(quick ? 200 : 2000);
    } else {
        return all_sections();
    }
    return 0;
}
