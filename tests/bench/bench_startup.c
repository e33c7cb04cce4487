/* SPDX-License-Identifier: Apache-2.0 */
/* tlsd-bench section 7: start-up, whole processes with the module in
 * OPENSSL_CONF vs without (issue 15). */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "test_certs.h"
#include "test_config.h"
#include "test_process.h"

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

/* A local server, without the module (cnf), for the one-shot clients. */
static int start_server(tlsd_test_server *srv, const char *cnf)
{
    char env_line[600];
    const char *server_env[] = {env_line, "TLSDEFAULTS_DEBUG=", NULL};
    const char *args[] = {"-cert", tlsd_test_cert_path("leaf.pem"), "-cert_chain",
                          tlsd_test_cert_path("intermediate.pem"), "-key",
                          tlsd_test_cert_path("leaf-key.pem"), "-www", NULL};
    char *copies[7];
    int ok;

    snprintf(env_line, sizeof(env_line), "OPENSSL_CONF=%s", cnf);
    for (int i = 0; i < 6; i++)
        copies[i] = strdup(args[i]);
    copies[6] = NULL;
    for (int i = 0; i < 6; i++)
        args[i] = copies[i];
    ok = tlsd_test_s_server_start(srv, args, server_env);
    if (!ok)
        printf("  s_server did not start: %s\n", srv->log);
    for (int i = 0; i < 6; i++)
        free(copies[i]);
    return ok;
}

void startup_rows(void)
{
    int per_round = quick ? 5 : 30;
    const char *without = strdup(tlsd_test_write_cnf("bench-startup-none", NULL, NULL, NULL, NULL));
    /* TLSD_BENCH_WITH_CNF: another configuration for the "with" side, e.g.
     * one loading an older build of the module, for a before/after. */
    const char *with = getenv("TLSD_BENCH_WITH_CNF") != NULL ? getenv("TLSD_BENCH_WITH_CNF") : module_cnf;
    const char *config_only[] = {TLSD_PROBE_CONFIG, NULL};
    const char *one_ctx[] = {TLSD_PROBE_CONFIG, "ctx", NULL};
    const char *crypto_only[] = {TLSD_PROBE_CRYPTO, NULL};
    char port[16], connect_to[64], url[64], root_pem[512];
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

    if (!start_server(&srv, without))
        return;
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

