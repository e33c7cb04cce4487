/* SPDX-License-Identifier: Apache-2.0 */
/* What tlsd-bench's sections share (bench.h). */
#include "bench.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <openssl/conf.h>
#include <openssl/err.h>

int quick;

double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), compare_doubles);
    return v[n / 2];
}

/* --- what is measured ---------------------------------------------------- */

SSL_CTX *bare_client(void) { return SSL_CTX_new(TLS_client_method()); }
SSL_CTX *bare_server(void) { return SSL_CTX_new(TLS_server_method()); }

/* Seconds per context made and freed, n times. */
double time_contexts(ctx_maker make, int n)
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

double last_resident_per_context;

/* Heap bytes per context held alive, over n contexts (malloc's count, exact);
 * the resident growth is kept in last_resident_per_context (pages, coarser). */
double heap_per_context(ctx_maker make, int n)
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

const char *module_cnf;

int module_loaded;

void module_load(void)
{
    if (CONF_modules_load_file(module_cnf, NULL, 0) != 1) {
        ERR_print_errors_fp(stderr);
        exit(1);
    }
    module_loaded = 1;
}

void module_unload(void)
{
    CONF_modules_unload(0);
    module_loaded = 0;
}

double measure_side(const side *s, int n)
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
void interleaved(side a, side b, int n, double *median_a, double *median_b)
{
    double x[ROUNDS], y[ROUNDS];

    for (int r = 0; r < ROUNDS; r++) {
        x[r] = measure_side(&a, n);
        y[r] = measure_side(&b, n);
    }
    *median_a = median(x, ROUNDS);
    *median_b = median(y, ROUNDS);
}

void report(const char *what, const char *a_name, double a, const char *b_name,
                   double b, const char *unit, double scale, const char *target)
{
    printf("  %-44s %s %9.2f %s   %s %9.2f %s   ratio %6.3f   (target %s)\n", what,
           a_name, a * scale, unit, b_name, b * scale, unit, b / a, target);
}