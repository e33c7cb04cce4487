/* SPDX-License-Identifier: Apache-2.0 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "lock_hold.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#define SLOTS 32
#define NESTED 8

typedef int (*mutex_fn)(pthread_mutex_t *);

static mutex_fn real_lock, real_unlock;
static atomic_int measuring;
static uintptr_t module_lo, module_hi; /* the module's text, set while idle */

static struct {
    _Atomic(pthread_mutex_t *) mutex;
    atomic_llong ns, taken;
} slots[SLOTS];

/* This thread's mutexes held, taken from the module's code. */
static _Thread_local struct {
    pthread_mutex_t *mutex;
    long long since;
} held[NESTED];
static _Thread_local int n_held;

__attribute__((constructor)) static void find_real(void)
{
    real_lock = (mutex_fn)dlsym(RTLD_NEXT, "pthread_mutex_lock");
    real_unlock = (mutex_fn)dlsym(RTLD_NEXT, "pthread_mutex_unlock");
}

static long long ns_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void count(pthread_mutex_t *m, long long ns)
{
    for (int i = 0; i < SLOTS; i++) {
        pthread_mutex_t *expected = NULL;

        if (atomic_load(&slots[i].mutex) == m
            || atomic_compare_exchange_strong(&slots[i].mutex, &expected, m)
            || expected == m) {
            atomic_fetch_add(&slots[i].ns, ns);
            atomic_fetch_add(&slots[i].taken, 1);
            return;
        }
    }
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
    uintptr_t caller = (uintptr_t)__builtin_return_address(0);
    int rc = real_lock(m);

    if (rc == 0 && atomic_load_explicit(&measuring, memory_order_relaxed) && caller >= module_lo
        && caller < module_hi && n_held < NESTED) {
        held[n_held].mutex = m;
        held[n_held++].since = ns_now();
    }
    return rc;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
    for (int i = n_held - 1; i >= 0; i--) {
        if (held[i].mutex == m) {
            count(m, ns_now() - held[i].since);
            held[i] = held[--n_held];
            break;
        }
    }
    return real_unlock(m);
}

static int find_module(struct dl_phdr_info *info, size_t size, void *arg)
{
    const char *name = arg;
    size_t len = strlen(info->dlpi_name), want = strlen(name);

    (void)size;
    if (len < want || strcmp(info->dlpi_name + len - want, name) != 0)
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
            module_lo = info->dlpi_addr + ph->p_vaddr;
            module_hi = module_lo + ph->p_memsz;
            return 1;
        }
    }
    return 0;
}

int lock_hold_start(const char *module_name)
{
    module_lo = module_hi = 0;
    if (real_lock == NULL || real_unlock == NULL
        || !dl_iterate_phdr(find_module, (void *)module_name))
        return 0;
    for (int i = 0; i < SLOTS; i++) {
        atomic_store(&slots[i].mutex, NULL);
        atomic_store(&slots[i].ns, 0);
        atomic_store(&slots[i].taken, 0);
    }
    atomic_store(&measuring, 1);
    return 1;
}

int lock_hold_stop(double *seconds, long *acquisitions)
{
    long long best = -1;

    atomic_store(&measuring, 0);
    *seconds = 0, *acquisitions = 0;
    for (int i = 0; i < SLOTS; i++) {
        if (atomic_load(&slots[i].mutex) != NULL && atomic_load(&slots[i].ns) > best) {
            best = atomic_load(&slots[i].ns);
            *seconds = (double)best / 1e9;
            *acquisitions = (long)atomic_load(&slots[i].taken);
        }
    }
    return best >= 0;
}
