/* SPDX-License-Identifier: Apache-2.0 */
/* tlsd-bench section 6: contexts per second from 1 and 2 threads, with the
 * module and without, and the hold time of the module's busiest lock. */
#include <pthread.h>
#include <stdio.h>

#include "bench.h"
#include "lock_hold.h"

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

void threads_rows(int n)
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

