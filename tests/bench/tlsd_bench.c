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
 *
 * Times are medians of interleaved rounds; each figure is printed with its
 * ratio and the target of issue 5. Not a test: it never fails on a number.
 * usage: tlsd-bench [--quick | --profile | --startup [--quick] | --threads [--quick]] */
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
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
#include "lock_hold.h"

#define ROUNDS 7

static int quick;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), compare_doubles);
    return v[n / 2];
}

/* --- what is measured ---------------------------------------------------- */

typedef SSL_CTX *(*ctx_maker)(void);

static SSL_CTX *bare_client(void) { return SSL_CTX_new(TLS_client_method()); }
static SSL_CTX *bare_server(void) { return SSL_CTX_new(TLS_server_method()); }

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

/* Seconds per context made and freed, n times. */
static double time_contexts(ctx_maker make, int n)
{
    double start = now();

    for (int i = 0; i < n; i++) {
        SSL_CTX *ctx = make();

        if (ctx == NULL) {
            ERR_print_errors_fp(stderr);
            exit(1);
        }
        SSL_CTX_free(ctx);
    }
    return (now() - start) / n;
}

static double resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;

    if (f != NULL) {
        if (fscanf(f, "%ld %ld", &size, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return (double)resident * (double)sysconf(_SC_PAGESIZE);
}

static double last_resident_per_context;

/* Heap bytes per context held alive, over n contexts (malloc's count, exact);
 * the resident growth is kept in last_resident_per_context (pages, coarser). */
static double heap_per_context(ctx_maker make, int n)
{
    SSL_CTX **held = calloc((size_t)n, sizeof(*held));
    struct mallinfo2 before, after;
    double rss_before;

    if (held == NULL)
        exit(1);
    malloc_trim(0);
    before = mallinfo2();
    rss_before = resident_bytes();
    for (int i = 0; i < n; i++)
        held[i] = make();
    after = mallinfo2();
    last_resident_per_context = (resident_bytes() - rss_before) / n;
    for (int i = 0; i < n; i++)
        SSL_CTX_free(held[i]);
    free(held);
    return ((double)after.uordblks - (double)before.uordblks) / n;
}

static const char *module_cnf;

static int module_loaded;

static void module_load(void)
{
    if (CONF_modules_load_file(module_cnf, NULL, 0) != 1) {
        ERR_print_errors_fp(stderr);
        exit(1);
    }
    module_loaded = 1;
}

static void module_unload(void)
{
    CONF_modules_unload(0);
    module_loaded = 0;
}

/* One side of a comparison: a measure of n operations, with the module
 * loaded meanwhile or not. */
typedef struct {
    double (*measure)(ctx_maker make, int n);
    ctx_maker make;
    int with_module;
} side;

static double measure_side(const side *s, int n)
{
    double v;

    if (s->with_module)
        module_load();
    v = s->measure(s->make, n);
    if (s->with_module)
        module_unload();
    return v;
}

/* Medians of ROUNDS interleaved rounds (a, b, a, b...), so that drift on
 * the machine hits both sides alike. */
static void interleaved(side a, side b, int n, double *median_a, double *median_b)
{
    double x[ROUNDS], y[ROUNDS];

    for (int r = 0; r < ROUNDS; r++) {
        x[r] = measure_side(&a, n);
        y[r] = measure_side(&b, n);
    }
    *median_a = median(x, ROUNDS);
    *median_b = median(y, ROUNDS);
}

static void report(const char *what, const char *a_name, double a, const char *b_name,
                   double b, const char *unit, double scale, const char *target)
{
    printf("  %-44s %s %9.2f %s   %s %9.2f %s   ratio %6.3f   (target %s)\n", what,
           a_name, a * scale, unit, b_name, b * scale, unit, b / a, target);
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

/* --- 6. threads ---------------------------------------------------------- */

typedef struct {
    ctx_maker make;
    int n;
} thread_job;

static void *make_contexts(void *arg)
{
    thread_job *j = arg;

    time_contexts(j->make, j->n);
    return NULL;
}

static double contexts_per_second(int threads, ctx_maker make, int n)
{
    pthread_t t[2];
    thread_job job = {make, n};
    double start = now();

    for (int i = 0; i < threads; i++)
        pthread_create(&t[i], NULL, make_contexts, &job);
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    return threads * n / (now() - start);
}

static double one_thread(ctx_maker make, int n) { return contexts_per_second(1, make, n); }
static double two_threads(ctx_maker make, int n) { return contexts_per_second(2, make, n); }

/* The busiest of the module's locks, per context made from one thread
 * after the load's first:
 * the time it is held, which caps a process at 1 / that many contexts per
 * second whatever its cores, and how often it is taken. */
static void lock_hold_row(int n)
{
    double held;
    long taken;

    module_load();
    /* The load's first context runs its deferred build, once, under a
     * lock of its own: not the per-context path. */
    SSL_CTX_free(bare_client());
    if (!lock_hold_start("/tlsdefaults.so")) {
        printf("  %-44s (not measured: the module's locks are not interposed)\n", "lock hold");
        module_unload();
        return;
    }
    time_contexts(bare_client, n);
    lock_hold_stop(&held, &taken);
    module_unload();
    printf("  %-44s %9.0f ns per context (taken %.1f times)   ceiling %.2g contexts/s\n",
           "busiest module lock, held", held / n * 1e9, (double)taken / n,
           held > 0 ? n / held : 0.0);
}

static void threads_rows(int n)
{
    double a, b, scaling[2];

    printf("\n6. contexts per second from 1 and 2 threads (SSL_CTX_new(TLS_client_method))\n");
    for (int with = 0; with <= 1; with++) {
        interleaved((side){one_thread, bare_client, with}, (side){two_threads, bare_client, with},
                    n / 2, &a, &b);
        scaling[with] = b / a;
        printf("  %-44s 1 thread %9.0f /s   2 threads %9.0f /s   scaling %5.2f   (target > 1)\n",
               with ? "module loaded" : "without the module (OpenSSL alone)", a, b, b / a);
    }
    printf("  %-44s module %5.2f   OpenSSL %5.2f   ratio %6.3f   (target >= 1)\n",
           "1->2 thread scaling, module vs OpenSSL's", scaling[1], scaling[0], scaling[1] / scaling[0]);
    lock_hold_row(n);
}

/* --- 7. start-up: whole processes ---------------------------------------- */

extern char **environ;

/* One process run to its end with OPENSSL_CONF=cnf (and preload, if not
 * NULL, as LD_PRELOAD), its output discarded: seconds of wall time, or a
 * negative number when it did not exit 0. */
static double run_process(const char *const argv[], const char *cnf, const char *preload)
{
    posix_spawn_file_actions_t fa;
    double start;
    pid_t pid;
    int status, rc;

    setenv("OPENSSL_CONF", cnf, 1);
    if (preload != NULL)
        setenv("LD_PRELOAD", preload, 1);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    start = now();
    rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    if (rc == 0 && waitpid(pid, &status, 0) != pid)
        rc = -1;
    start = now() - start;
    posix_spawn_file_actions_destroy(&fa);
    unsetenv("LD_PRELOAD");
    return rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? start : -1;
}

#define STARTUP_ROUNDS 7

/* Processes run in pairs, without then with (A, B, A, B...), in
 * STARTUP_ROUNDS rounds of per_round pairs: the ratio of the medians over
 * all runs, and the spread of the rounds' ratios (min-max). b_preload:
 * LD_PRELOAD of the B side instead of the module's configuration. */
static void startup_row(const char *what, const char *const argv[], const char *cnf_a,
                        const char *cnf_b, const char *b_preload, int per_round,
                        const char *target)
{
    int n = STARTUP_ROUNDS * per_round, failed = 0;
    double *a = calloc((size_t)n, sizeof(double)), *b = calloc((size_t)n, sizeof(double));
    double ratios[STARTUP_ROUNDS], ra[64], rb[64], ma, mb;

    if (a == NULL || b == NULL || per_round > 64)
        exit(1);
    /* One of each first: page cache and the server's session warm. */
    run_process(argv, cnf_a, NULL);
    run_process(argv, cnf_b, b_preload);
    for (int r = 0; r < STARTUP_ROUNDS; r++) {
        for (int i = 0; i < per_round; i++) {
            ra[i] = a[r * per_round + i] = run_process(argv, cnf_a, NULL);
            rb[i] = b[r * per_round + i] = run_process(argv, cnf_b, b_preload);
            failed += ra[i] < 0 || rb[i] < 0;
        }
        ma = median(ra, per_round);
        mb = median(rb, per_round);
        ratios[r] = mb / ma;
    }
    ma = median(a, n);
    mb = median(b, n);
    qsort(ratios, STARTUP_ROUNDS, sizeof(double), compare_doubles);
    printf("  %-44s without %7.2f ms   with %7.2f ms   ratio %6.3f  rounds %5.3f-%5.3f  (target %s)\n",
           what, ma * 1e3, mb * 1e3, mb / ma, ratios[0], ratios[STARTUP_ROUNDS - 1], target);
    if (failed)
        printf("  %-44s (%d of %d pairs had a run that did not exit 0: figures not valid)\n", "",
               failed, n);
    free(a);
    free(b);
}

static int have_program(const char *name)
{
    char out[256];
    const char *argv[] = {name, "--version", NULL};

    return tlsd_test_run(argv, NULL, "", out, sizeof(out), 30) == 0;
}

static void startup_rows(void)
{
    int per_round = quick ? 5 : 30;
    const char *without = strdup(tlsd_test_write_cnf("bench-startup-none", NULL, NULL, NULL, NULL));
    /* TLSD_BENCH_WITH_CNF: another configuration for the "with" side, e.g.
     * one loading an older build of the module, for a before/after. */
    const char *with = getenv("TLSD_BENCH_WITH_CNF") != NULL ? getenv("TLSD_BENCH_WITH_CNF") : module_cnf;
    const char *config_only[] = {TLSD_PROBE_CONFIG, NULL};
    const char *one_ctx[] = {TLSD_PROBE_CONFIG, "ctx", NULL};
    const char *crypto_only[] = {TLSD_PROBE_CRYPTO, NULL};
    const char *server_env[] = {NULL, "TLSDEFAULTS_DEBUG=", NULL};
    char env_line[600], port[16], connect_to[64], url[64], root_pem[512];
    tlsd_test_server srv;

    snprintf(root_pem, sizeof(root_pem), "%s", tlsd_test_cert_path("root.pem"));

    printf("7. start-up: whole processes, with the module in OPENSSL_CONF vs without\n"
           "   (%d rounds of %d interleaved pairs; ratio of the medians, and the rounds' range)\n",
           STARTUP_ROUNDS, per_round);
    startup_row("config-only probe (libssl linked, no SSL_CTX)", config_only, without, with, NULL,
                per_round, "<= 1.05");
    startup_row("the same, then one SSL_CTX_new", one_ctx, without, with, NULL, per_round,
                "<= 1.03");
    startup_row("libcrypto-only probe", crypto_only, without, with, NULL, per_round, "<= 1.10");
    startup_row("libcrypto-only probe, libssl preloaded", crypto_only, without, without,
                TLSD_LIBSSL_FILE, per_round, "what loading libssl costs");

    /* A local server, without the module, for the one-shot clients. */
    snprintf(env_line, sizeof(env_line), "OPENSSL_CONF=%s", without);
    server_env[0] = env_line;
    {
        const char *args[] = {"-cert", tlsd_test_cert_path("leaf.pem"), "-cert_chain",
                              tlsd_test_cert_path("intermediate.pem"), "-key",
                              tlsd_test_cert_path("leaf-key.pem"), "-www", NULL};
        char *copies[7];

        for (int i = 0; i < 6; i++)
            copies[i] = strdup(args[i]);
        copies[6] = NULL;
        for (int i = 0; i < 6; i++)
            args[i] = copies[i];
        if (!tlsd_test_s_server_start(&srv, args, server_env)) {
            printf("  s_server did not start: %s\n", srv.log);
            return;
        }
        for (int i = 0; i < 6; i++)
            free(copies[i]);
    }
    snprintf(port, sizeof(port), "%d", srv.port);
    snprintf(connect_to, sizeof(connect_to), "localhost:%d", srv.port);
    snprintf(url, sizeof(url), "https://localhost:%d/", srv.port);
    {
        const char *s_client[] = {OPENSSL_PROGRAM, "s_client", "-connect", connect_to,
                                  "-servername", "localhost", "-verify_return_error",
                                  "-verify_hostname", "localhost", NULL};
        const char *curl[] = {"curl", "-sSf", "--cacert", root_pem, "-o", "/dev/null", url, NULL};

        startup_row("openssl s_client one-shot", s_client, without, with, NULL,
                    quick ? 3 : 10, "<= 1.03");
        tlsd_test_s_server_drain(&srv);
        if (have_program("curl"))
            startup_row("curl one-shot", curl, without, with, NULL, quick ? 3 : 10, "<= 1.03");
        else
            printf("  curl one-shot: skipped, no curl in PATH\n");
    }
    tlsd_test_s_server_stop(&srv);
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

int main(int argc, char **argv)
{
    int n = 2000, mem_n = 2000, hs_n = 1000, py_n = 100;
    double a, b, py_s, py_b, helper_s, bare_s;
    char cpu[256] = "unknown";
    FILE *f;

    quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    /* --startup [--quick]: section 7 alone. */
    if (argc > 1 && strcmp(argv[1], "--startup") == 0) {
        quick = argc > 2 && strcmp(argv[2], "--quick") == 0;
        if (tlsd_test_certs_dir() == NULL)
            return 1;
        setenv("SSL_CERT_FILE", tlsd_test_cert_path("root.pem"), 1);
        setenv("TLSDEFAULTS_DEBUG", "", 1);
        module_cnf = strdup(tlsd_test_write_cnf("bench", NULL, NULL, getenv("TLSD_BENCH_KEYS"), NULL));
        startup_rows();
        return 0;
    }
    /* --threads [--quick]: section 6 alone. */
    if (argc > 1 && strcmp(argv[1], "--threads") == 0) {
        if (tlsd_test_certs_dir() == NULL)
            return 1;
        setenv("SSL_CERT_FILE", tlsd_test_cert_path("root.pem"), 1);
        module_cnf = strdup(tlsd_test_write_cnf("bench", NULL, NULL, getenv("TLSD_BENCH_KEYS"), NULL));
        time_contexts(bare_client, 50);
        threads_rows(argc > 2 && strcmp(argv[2], "--quick") == 0 ? 200 : 2000);
        return 0;
    }
    /* --profile: only contexts made with the module loaded, for
     * valgrind --tool=callgrind (see docs/performance.md). */
    if (argc > 1 && strcmp(argv[1], "--profile") == 0) {
        if (tlsd_test_certs_dir() == NULL)
            return 1;
        module_cnf = strdup(tlsd_test_write_cnf("bench", NULL, NULL, NULL, NULL));
        module_load();
        time_contexts(bare_client, 500);
        module_unload();
        return 0;
    }
    if (quick)
        n = 200, mem_n = 200, hs_n = 100, py_n = 20;
    if (tlsd_test_certs_dir() == NULL)
        return 1;
    /* The "system" store of this process: the test root, so that the
     * module's TrustStore verifies the test server in 5. */
    setenv("SSL_CERT_FILE", tlsd_test_cert_path("root.pem"), 1);
    /* TLSD_BENCH_KEYS: extra keys for the module's section, to see what
     * one setting costs (e.g. "TrustStore = none"). */
    module_cnf = strdup(tlsd_test_write_cnf("bench", NULL, NULL, getenv("TLSD_BENCH_KEYS"), NULL));
    if ((f = fopen("/proc/cpuinfo", "r")) != NULL) {
        char line[512];

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

    /* Warm up OpenSSL's fetch caches and the shared store. */
    time_contexts(bare_client, 50);
    time_contexts(helper_client, 50);

    printf("1. SSL_CTX_new with the module loaded vs without (per context)\n");
    interleaved((side){time_contexts, bare_client, 0}, (side){time_contexts, bare_client, 1}, n, &a, &b);
    report("TLS_client_method", "without", a, "with", b, "us", 1e6, "<= 1.05");
    interleaved((side){time_contexts, bare_server, 0}, (side){time_contexts, bare_server, 1}, n, &a, &b);
    report("TLS_server_method", "without", a, "with", b, "us", 1e6, "<= 1.05");
    interleaved((side){time_contexts, client_with_own_cipher_list, 0},
                (side){time_contexts, bare_client, 1}, n, &a, &b);
    report("vs a program setting the cipher list itself", "itself", a, "module", b, "us", 1e6,
           "the floor: OpenSSL's parse");

    printf("\n2. tlsd_create_default_context(SERVER_AUTH), system store, vs bare SSL_CTX_new\n");
    interleaved((side){time_contexts, bare_client, 0}, (side){time_contexts, helper_client, 0}, n,
                &bare_s, &helper_s);
    report("per context", "bare", bare_s, "helper", helper_s, "us", 1e6, "<= 1.10");

    printf("\n4. memory per additional context (heap bytes, %d contexts held)\n", mem_n);
    {
        double rss_bare, rss_b;

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

    printf("\n5. full handshakes per second (memory BIOs, TLS 1.3, RSA-2048 leaf)\n");
    {
        interleaved((side){handshakes_per_second, NULL, 0}, (side){handshakes_per_second, NULL, 1},
                    hs_n / ROUNDS + 1, &a, &b);
        printf("  %-44s without %9.1f /s   with %9.1f /s   ratio %6.3f   (target >= 0.97)\n",
               "hostname check, strict flags, shared store", a, b, b / a);
    }

    threads_rows(n);
    printf("\n");
    setenv("TLSDEFAULTS_DEBUG", "", 1);
    startup_rows();
    return 0;
}
