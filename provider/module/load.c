/* SPDX-License-Identifier: Apache-2.0 */
#include "load.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "debug.h"
#include "errors.h"
#include "fork_locks.h"
#include "keylog.h"

/* Held only while a load's deferred build runs, once per load: not on the
 * path of the contexts after it. One for all loads, so that fork() knows
 * it (fork_locks.h has room for a handful of locks, not one per load). */
static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER;

tlsd_load *tlsd_load_new(const char *section)
{
    tlsd_load *l = calloc(1, sizeof(*l));

    if (l == NULL || (l->section = strdup(section)) == NULL) {
        free(l);
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        return NULL;
    }
    atomic_init(&l->guard, NULL);
    atomic_init(&l->refs, 1);
    return l;
}

void tlsd_load_up_ref(tlsd_load *l)
{
    atomic_fetch_add_explicit(&l->refs, 1, memory_order_relaxed);
}

/* The load of a module call that could not allocate its own: static, its
 * guard the refusal that needs no memory. Never freed. */
static char out_of_memory_section[] = "(out of memory)";
static tlsd_load out_of_memory = {.section = out_of_memory_section, .refs = 1};

tlsd_load *tlsd_load_out_of_memory(void)
{
    tlsd_guard *none = NULL, *g;

    if (atomic_load_explicit(&out_of_memory.guard, memory_order_acquire) == NULL) {
        g = tlsd_guard_new_refusing("out of memory: the module could not allocate its load");
        if (!atomic_compare_exchange_strong(&out_of_memory.guard, &none, g))
            tlsd_guard_free(g);
    }
    return &out_of_memory;
}

void tlsd_load_free(tlsd_load *l)
{
    if (l == NULL || l == &out_of_memory
        || atomic_fetch_sub_explicit(&l->refs, 1, memory_order_acq_rel) != 1)
        return;
    tlsd_guard_free(atomic_load(&l->guard));
    tlsd_policy_free(l->policy);
    free(l->section);
    free(l->keylog_env);
    free(l);
}

/* Moves our errors into one line, for the refusals to repeat later:
 * OpenSSL drops a module's errors when its init returns success. Errors
 * that were queued before ours belong to the caller: then only the last,
 * most precise one of ours is copied. */
static void take_errors(char *buf, size_t cap, int queue_was_empty)
{
    const char *data;
    int flags;
    unsigned long e;

    buf[0] = '\0';
    if (!queue_was_empty) {
        e = ERR_peek_last_error_data(&data, &flags);
        snprintf(buf, cap, "%s: %s", ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "error",
                 (flags & ERR_TXT_STRING) ? data : "");
        return;
    }
    while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
        const char *reason = ERR_reason_error_string(e);
        size_t used = strlen(buf);

        snprintf(buf + used, cap - used, "%s%s%s%s", used ? "; " : "",
                 reason != NULL ? reason : "error",
                 (flags & ERR_TXT_STRING) && *data ? ": " : "",
                 (flags & ERR_TXT_STRING) ? data : "");
    }
}

static void trace_policy(const tlsd_policy *p, const char *section)
{
    BIO *mem;
    char *text;
    long len;

    if (!tlsd_debug_enabled() || (mem = BIO_new(BIO_s_mem())) == NULL)
        return;
    BIO_printf(mem, "section %s loaded; effective policy:\n", section);
    tlsd_policy_describe(p, mem);
    BIO_write(mem, "", 1);
    len = BIO_get_mem_data(mem, &text);
    if (len > 0)
        tlsd_debug_lines(text);
    BIO_free(mem);
}

int tlsd_load_build(tlsd_load *l)
{
    tlsd_guard *g = tlsd_guard_new(l->policy, tlsd_keylog_path_of(l->keylog_env));

    if (g == NULL) {
        tlsd_policy_free(l->policy);
        l->policy = NULL;
        return 0;
    }
    trace_policy(l->policy, l->section);
    atomic_store_explicit(&l->guard, g, memory_order_release);
    return 1;
}

int tlsd_load_finish(tlsd_load *l, int valid, int queue_was_empty)
{
    char detail[512];

    if (valid && tlsd_load_build(l))
        return 1;
    /* Broken, or no memory for the policy's guard: the refusing one. */
    take_errors(detail, sizeof(detail), queue_was_empty);
    tlsd_policy_free(l->policy);
    l->policy = NULL;
    tlsd_debug("section %s is invalid, every new SSL_CTX will refuse TLS: %s", l->section, detail);
    atomic_store_explicit(&l->guard, tlsd_guard_new_refusing(detail), memory_order_release);
    return 0;
}

/* Scratch contexts the checks make leave the hook at once
 * (tlsd_policy_in_scratch), so this thread never waits for itself. */
tlsd_guard *tlsd_load_guard(tlsd_load *l, SSL_CTX *first, int queue_was_empty)
{
    tlsd_guard *g = atomic_load_explicit(&l->guard, memory_order_acquire);

    if (g != NULL)
        return g;
    pthread_mutex_lock(&build_lock);
    g = atomic_load_explicit(&l->guard, memory_order_acquire);
    if (g == NULL) {
        tlsd_load_finish(l, l->policy != NULL && tlsd_policy_check(l->policy, first),
                         queue_was_empty);
        g = atomic_load_explicit(&l->guard, memory_order_acquire);
    }
    pthread_mutex_unlock(&build_lock);
    return g;
}

void tlsd_load_fork_locks(void)
{
    tlsd_fork_locks_add(&build_lock);
}
