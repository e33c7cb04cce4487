/* SPDX-License-Identifier: Apache-2.0 */
/* What tlsd-bench's sections share: timing, the module loaded or not, and
 * interleaved rounds of two sides with their medians (bench.c). */
#ifndef TLSD_BENCH_H
#define TLSD_BENCH_H

#include <openssl/ssl.h>

#define ROUNDS 7

extern int quick;              /* --quick: fewer operations */
extern const char *module_cnf; /* the configuration loading the module */
extern int module_loaded;
extern double last_resident_per_context; /* set by heap_per_context */

double now(void);
int compare_doubles(const void *a, const void *b);
double median(double *v, int n);

typedef SSL_CTX *(*ctx_maker)(void);

SSL_CTX *bare_client(void);
SSL_CTX *bare_server(void);

/* Seconds per context made and freed, n times. */
double time_contexts(ctx_maker make, int n);

/* Heap bytes per context held alive, over n contexts. */
double heap_per_context(ctx_maker make, int n);

void module_load(void);
void module_unload(void);

/* One side of a comparison: a measure of n operations, with the module
 * loaded meanwhile or not. */
typedef struct {
    double (*measure)(ctx_maker make, int n);
    ctx_maker make;
    int with_module;
} side;

double measure_side(const side *s, int n);

/* Medians of ROUNDS interleaved rounds (a, b, a, b...). */
void interleaved(side a, side b, int n, double *median_a, double *median_b);

/* One row: both figures (times scale, in unit), their ratio and target. */
void report(const char *what, const char *a_name, double a, const char *b_name, double b,
            const char *unit, double scale, const char *target);

/* Section 6: contexts per second from 1 and 2 threads (bench_threads.c). */
void threads_rows(int n);

/* Section 7: start-up of whole processes (bench_startup.c). */
void startup_rows(void);

#endif
