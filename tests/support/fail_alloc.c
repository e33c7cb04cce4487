/* SPDX-License-Identifier: Apache-2.0 */
#include "fail_alloc.h"

#include <errno.h>
#include <execinfo.h>
#include <stdatomic.h>
#include <stddef.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

/* glibc's allocator under its exported internal names. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_memalign(size_t alignment, size_t size);

/* AddressSanitizer's, when its runtime is loaded (weak: NULL otherwise). */
extern void *__interceptor_malloc(size_t size) __attribute__((weak));
extern void *__interceptor_calloc(size_t n, size_t size) __attribute__((weak));
extern void *__interceptor_realloc(void *ptr, size_t size) __attribute__((weak));
extern void __interceptor_free(void *ptr) __attribute__((weak));
extern int __interceptor_posix_memalign(void **out, size_t alignment, size_t size)
    __attribute__((weak));
extern void *__interceptor_memalign(size_t alignment, size_t size) __attribute__((weak));
extern void *__interceptor_aligned_alloc(size_t alignment, size_t size) __attribute__((weak));
extern char *__interceptor_strdup(const char *s) __attribute__((weak));
extern char *__interceptor_strndup(const char *s, size_t n) __attribute__((weak));

static atomic_int armed;
static atomic_long counted;
static long fail_at;
static atomic_int hit;
static _Thread_local int paused; /* the test program's own, never the module's */

/* TLSD_FAIL_ALLOC_TRACE set: the failed allocation's caller stack goes
 * to stderr, to find the code behind a failing run. */
static int trace;

void tlsd_fail_alloc_arm(long nth)
{
    void *frames[1];

    trace = getenv("TLSD_FAIL_ALLOC_TRACE") != NULL;
    if (trace)
        backtrace(frames, 1); /* loads libgcc_s now, not inside the failure */
    atomic_store(&counted, 0);
    atomic_store(&hit, 0);
    fail_at = nth;
    atomic_store(&armed, 1);
}

void tlsd_fail_alloc_fail_at(long nth)
{
    atomic_store(&hit, 0);
    fail_at = nth;
}

void tlsd_fail_alloc_disarm(void)
{
    atomic_store(&armed, 0);
}

void tlsd_fail_alloc_pause(int on)
{
    paused = on;
}

long tlsd_fail_alloc_count(void)
{
    return atomic_load(&counted);
}

int tlsd_fail_alloc_hit(void)
{
    return atomic_load(&hit);
}

int tlsd_fail_alloc_under_asan(void)
{
    return __interceptor_malloc != NULL;
}

/* Counts one allocation; 1 when it is the one to fail. */
static int fails_now(void)
{
    if (!atomic_load_explicit(&armed, memory_order_relaxed) || paused)
        return 0;
    if (atomic_fetch_add(&counted, 1) + 1 != fail_at)
        return 0;
    atomic_store(&hit, 1);
    if (trace) {
        void *frames[32];

        backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
    }
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t size)
{
    if (fails_now())
        return NULL;
    return __interceptor_malloc != NULL ? __interceptor_malloc(size) : __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    if (fails_now())
        return NULL;
    return __interceptor_calloc != NULL ? __interceptor_calloc(n, size) : __libc_calloc(n, size);
}

void *realloc(void *ptr, size_t size)
{
    if (fails_now())
        return NULL;
    return __interceptor_realloc != NULL ? __interceptor_realloc(ptr, size)
                                         : __libc_realloc(ptr, size);
}

void free(void *ptr)
{
    if (__interceptor_free != NULL)
        __interceptor_free(ptr);
    else
        __libc_free(ptr);
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
    void *p;

    if (fails_now())
        return ENOMEM;
    if (__interceptor_posix_memalign != NULL)
        return __interceptor_posix_memalign(out, alignment, size);
    if ((p = __libc_memalign(alignment, size)) == NULL)
        return ENOMEM;
    *out = p;
    return 0;
}

void *memalign(size_t alignment, size_t size)
{
    if (fails_now())
        return NULL;
    return __interceptor_memalign != NULL ? __interceptor_memalign(alignment, size)
                                          : __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size)
{
    if (fails_now())
        return NULL;
    return __interceptor_aligned_alloc != NULL ? __interceptor_aligned_alloc(alignment, size)
                                               : __libc_memalign(alignment, size);
}

/* glibc's strdup calls malloc (counted there); ASan's does not. */
char *strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy;

    if (__interceptor_strdup != NULL)
        return fails_now() ? NULL : __interceptor_strdup(s);
    if ((copy = malloc(n)) != NULL)
        memcpy(copy, s, n);
    return copy;
}

char *strndup(const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    char *copy;

    if (__interceptor_strndup != NULL)
        return fails_now() ? NULL : __interceptor_strndup(s, max);
    if ((copy = malloc(n + 1)) != NULL) {
        memcpy(copy, s, n);
        copy[n] = '\0';
    }
    return copy;
}
