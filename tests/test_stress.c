/* SPDX-License-Identifier: Apache-2.0 */
/* The module under concurrency: threads creating contexts and doing
 * handshakes while the configuration is loaded and unloaded, contexts that
 * outlive their load, first contexts of a load (its deferred build) from
 * several threads while it is loaded or unloaded, and a child after
 * fork(). Run under ThreadSanitizer (the tsan preset) and valgrind as well
 * as plainly. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tlsdefaults.h"
#include "test_certs.h"
#include "test_config.h"
#include "test_errors.h"
#include "test_handshake.h"
#include "test_main.h"

#define WORKERS 4
#define ROUNDS_PER_WORKER 60

/* Paths made once by the main thread: the helpers' buffers are not
 * thread-safe. */
static char root[512], chain[512], cnf_python[512], cnf_enforce[512], cnf_fork[512], keylog[512];
static char cnf_tls13[512], cnf_no_ciphers[512];

static atomic_int stop;

typedef struct {
    int handshakes, failures;
    char last_failure[800];
} worker;

/* A careful program: its own verification and name, so that every
 * handshake must succeed whatever the module's state. */
static void *handshake_loop(void *arg)
{
    worker *w = arg;

    for (int i = 0; i < ROUNDS_PER_WORKER && !atomic_load(&stop); i++) {
        SSL_CTX *client = tlsd_test_client_ctx(root), *server = tlsd_test_server_ctx(chain);
        tlsd_test_result r;

        if (client == NULL || server == NULL) {
            w->failures++;
        } else if (!tlsd_test_handshake(client, server, "localhost", "localhost", &r)) {
            w->failures++;
            snprintf(w->last_failure, sizeof(w->last_failure), "%s", tlsd_test_result_str(&r));
        }
        w->handshakes++;
        SSL_CTX_free(client);
        SSL_CTX_free(server);
    }
    return NULL;
}

static void test_reload_while_threads_work(void)
{
    pthread_t threads[WORKERS];
    worker workers[WORKERS];
    int reloads = 0, total = 0, failures = 0;

    atomic_store(&stop, 0);
    memset(workers, 0, sizeof(workers));
    for (int i = 0; i < WORKERS; i++)
        CU_ASSERT_FATAL(pthread_create(&threads[i], NULL, handshake_loop, &workers[i]) == 0);
    /* Load, switch and unload policies while the workers run. */
    for (int i = 0; i < 40; i++) {
        CU_ASSERT_EQUAL(CONF_modules_load_file(i % 2 ? cnf_enforce : cnf_python, NULL, 0), 1);
        reloads++;
        usleep(2000);
        if (i % 3 == 0)
            CONF_modules_unload(0);
    }
    for (int i = 0; i < WORKERS; i++) {
        pthread_join(threads[i], NULL);
        total += workers[i].handshakes;
        failures += workers[i].failures;
        if (workers[i].failures)
            fprintf(stderr, "\n  worker %d: %d failures, last: %s\n", i, workers[i].failures,
                    workers[i].last_failure);
    }
    CONF_modules_unload(0);
    CU_ASSERT_EQUAL(total, WORKERS * ROUNDS_PER_WORKER);
    CU_ASSERT_EQUAL(failures, 0);
    CU_ASSERT(reloads == 40);
}

/* --- first contexts of a load, from several threads, and an unload ----- */

#define RACERS 4
#define RACE_ROUNDS 8
#define RACE_CONTEXTS 20

typedef struct {
    int broken;        /* the load in effect is broken: contexts refuse */
    int unloading;     /* the main thread unloads meanwhile */
    int bad;           /* contexts that got neither the policy nor no policy */
    int not_refused;   /* broken: first contexts that did not refuse */
    const void *guard; /* the guard on this thread's first context */
} racer;

static pthread_barrier_t race_start;

/* Whether ctx refuses TLS with the module's error: a client that sends
 * nothing at all, so no peer is needed. */
static int refuses(SSL_CTX *ctx)
{
    SSL *ssl = SSL_new(ctx);
    BIO *a = NULL, *b = NULL;
    int refused = 0;

    ERR_clear_error();
    if (ssl != NULL && BIO_new_bio_pair(&a, 0, &b, 0)) {
        SSL_set_bio(ssl, a, a);
        refused = SSL_connect(ssl) <= 0 && tlsd_test_take_error(TLSD_R_TLS_REFUSED, "key=CipherString");
    }
    ERR_clear_error();
    SSL_free(ssl);
    BIO_free(b);
    return refused;
}

static void *race_contexts(void *arg)
{
    racer *rc = arg;

    pthread_barrier_wait(&race_start);
    for (int i = 0; i < RACE_CONTEXTS; i++) {
        SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
        long min = ctx != NULL ? SSL_CTX_get_min_proto_version(ctx) : -1;

        if (i == 0 && ctx != NULL)
            rc->guard = SSL_CTX_get0_security_ex_data(ctx); /* the module's guard */
        if (ctx == NULL)
            rc->bad++;
        else if (!rc->broken && min != TLS1_3_VERSION && !(rc->unloading && min == 0))
            rc->bad++;
        else if (rc->broken && !rc->unloading && i == 0 && !refuses(ctx))
            rc->not_refused++;
        SSL_CTX_free(ctx);
    }
    return NULL;
}

/* Loads cnf and lets RACERS threads make their first contexts of the load
 * at once (its deferred build), then more; with unloading, the main thread
 * unloads while they do. Returns the racers' faults. */
static int race_round(const char *cnf, int broken, int unloading, int *not_refused)
{
    pthread_t t[RACERS];
    racer rc[RACERS];
    int bad = 0;

    memset(rc, 0, sizeof(rc));
    CU_ASSERT_FATAL(CONF_modules_load_file(cnf, NULL, 0) == 1);
    CU_ASSERT_FATAL(pthread_barrier_init(&race_start, NULL, RACERS + 1) == 0);
    for (int i = 0; i < RACERS; i++) {
        rc[i].broken = broken, rc[i].unloading = unloading;
        CU_ASSERT_FATAL(pthread_create(&t[i], NULL, race_contexts, &rc[i]) == 0);
    }
    pthread_barrier_wait(&race_start);
    if (unloading)
        CONF_modules_unload(0); /* while they are inside SSL_CTX_new */
    for (int i = 0; i < RACERS; i++) {
        pthread_join(t[i], NULL);
        bad += rc[i].bad;
        *not_refused += rc[i].not_refused;
        /* One build for the load: one guard on every first context. */
        if (!unloading && (rc[i].guard == NULL || rc[i].guard != rc[0].guard))
            bad++;
    }
    pthread_barrier_destroy(&race_start);
    CONF_modules_unload(0);
    return bad;
}

static void test_first_contexts_race(const char *cnf, int broken)
{
    int bad = 0, not_refused = 0;

    for (int round = 0; round < RACE_ROUNDS; round++)
        bad += race_round(cnf, broken, round % 2, &not_refused);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(not_refused, 0);
}

static void test_first_contexts_race_valid(void)
{
    test_first_contexts_race(cnf_tls13, 0);
}

/* Broken in a way only OpenSSL finds (the build's checks): every first
 * context refuses, whichever thread ran the build. */
static void test_first_contexts_race_broken(void)
{
    test_first_contexts_race(cnf_no_ciphers, 1);
}

/* Contexts made under a load keep working, with that load's policy, after
 * OPENSSL_finish has removed it; then they are freed without harm. */
static void test_contexts_outlive_their_load(void)
{
    SSL_CTX *client, *server, *old_client;
    tlsd_test_result r;

    CU_ASSERT_EQUAL_FATAL(CONF_modules_load_file(cnf_enforce, NULL, 0), 1);
    client = tlsd_test_client_ctx(root);
    server = tlsd_test_server_ctx(chain);
    CONF_modules_unload(0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(client);
    CU_ASSERT_PTR_NOT_NULL_FATAL(server);
    /* Still the load's floor: a TLS 1.1 client is refused by Enforce. */
    old_client = tlsd_test_client_ctx(root);
    CU_ASSERT(SSL_CTX_set_cipher_list(old_client, "ALL:@SECLEVEL=0"));
    CU_ASSERT(SSL_CTX_set_max_proto_version(old_client, TLS1_1_VERSION));
    CU_ASSERT(SSL_CTX_set_min_proto_version(server, TLS1_VERSION));
    CU_ASSERT(SSL_CTX_set_cipher_list(server, "ALL:@SECLEVEL=0"));
    CU_ASSERT_FALSE(tlsd_test_handshake(old_client, server, "localhost", "localhost", &r));
    /* And a good handshake still works through the guard's callbacks. */
    CU_ASSERT(tlsd_test_handshake(client, server, "localhost", "localhost", &r));
    SSL_CTX_free(old_client);
    SSL_CTX_free(client);
    SSL_CTX_free(server);
}

/* A child after fork() inherits the loaded policy and uses it: a context
 * that reads the shared trust store and logs its keys, and a reload of the
 * configuration, which takes the module's locks for writing. The module's
 * fork handlers made them anew in the child (its thread is not the one
 * that held them in the parent). */
static void test_child_after_fork(void)
{
    pid_t pid;
    int status = -1;

    CU_ASSERT_FATAL(setenv("SSLKEYLOGFILE", keylog, 1) == 0);
    CU_ASSERT_EQUAL_FATAL(CONF_modules_load_file(cnf_fork, NULL, 0), 1);
    fflush(NULL);
    pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        SSL_CTX *client = SSL_CTX_new(TLS_client_method()), *server = tlsd_test_server_ctx(chain);
        tlsd_test_result r;
        int ok = client != NULL && server != NULL
                 && SSL_CTX_get_min_proto_version(client) == TLS1_2_VERSION
                 && tlsd_test_handshake(client, server, "localhost", NULL, &r)
                 && CONF_modules_load_file(cnf_python, NULL, 0) == 1;

        /* Freed, so that valgrind in the child has nothing to report. */
        SSL_CTX_free(client);
        SSL_CTX_free(server);
        _exit(ok ? 0 : 1);
    }
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CONF_modules_unload(0);
    unsetenv("SSLKEYLOGFILE");
}

static int init(void)
{
    if (tlsd_test_certs_dir() == NULL)
        return -1;
    snprintf(root, sizeof(root), "%s", tlsd_test_cert_path("root.pem"));
    snprintf(chain, sizeof(chain), "%s", tlsd_test_cert_path("leaf-chain.pem"));
    snprintf(cnf_python, sizeof(cnf_python), "%s", tlsd_test_write_cnf("stress-python", NULL, NULL, NULL, NULL));
    snprintf(cnf_enforce, sizeof(cnf_enforce), "%s",
             tlsd_test_write_cnf("stress-enforce", NULL, NULL, "Enforce = yes\nMinProtocol = TLSv1.2", NULL));
    snprintf(cnf_fork, sizeof(cnf_fork), "%s",
             tlsd_test_write_cnf("stress-fork", NULL, NULL, "KeyLog = yes\nHostnameCheck = no", NULL));
    snprintf(cnf_tls13, sizeof(cnf_tls13), "%s",
             tlsd_test_write_cnf("stress-tls13", NULL, NULL, "MinProtocol = TLSv1.3", NULL));
    snprintf(cnf_no_ciphers, sizeof(cnf_no_ciphers), "%s",
             tlsd_test_write_cnf("stress-no-ciphers", NULL, NULL, "CipherString = aNULL:!aNULL", NULL));
    snprintf(keylog, sizeof(keylog), "%s/stress-keylog.txt", tlsd_test_certs_dir());
    /* The shared "system" store: the test root. */
    setenv("SSL_CERT_FILE", root, 1);
    setenv("SSL_CERT_DIR", "/nonexistent", 1);
    return 0;
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"reload while 4 threads create contexts and handshake", test_reload_while_threads_work},
        {"4 threads' first contexts of a load, and an unload meanwhile", test_first_contexts_race_valid},
        {"the same, a section only OpenSSL rejects: all refuse", test_first_contexts_race_broken},
        {"contexts outlive their load", test_contexts_outlive_their_load},
        {"a child after fork() uses the policy", test_child_after_fork},
        CU_TEST_INFO_NULL,
    };

    return tlsd_test_main("concurrency", init, NULL, tests);
}
