/* SPDX-License-Identifier: Apache-2.0 */
/* One load of the module's section: its policy and guard, shared by
 * reference between the list of loads in effect (loads.h) and every
 * SSL_CTX_new inside the hook at that moment, so that an unload never
 * frees what a context being made still uses. */
#ifndef TLSD_LOAD_H
#define TLSD_LOAD_H

#include <stdatomic.h>

#include <openssl/ssl.h>

#include "guard.h"
#include "policy.h"

typedef struct tlsd_load {
    tlsd_policy *policy; /* NULL when the section is broken: fail closed */
    /* What contexts get beyond the policy's settings; NULL while the build
     * is deferred to the first context (tlsd_load_guard). Published last,
     * with release order: policy is final once guard is seen. */
    _Atomic(tlsd_guard *) guard;
    char *section;
    char *keylog_env;    /* SSLKEYLOGFILE as read at load, for that build */
    atomic_int refs;
    struct tlsd_load *next; /* loads.c's list, under its lock */
} tlsd_load;

/* A load of section (copied) with one reference, no policy and no guard
 * yet. NULL when out of memory (raised). */
tlsd_load *tlsd_load_new(const char *section);

/* Takes one more reference. */
void tlsd_load_up_ref(tlsd_load *l);

/* Drops a reference; the last one frees the load. */
void tlsd_load_free(tlsd_load *l);

/* The load in effect when a module call could not allocate its own: every
 * context refuses TLS. Static (it needs no memory), never freed. */
tlsd_load *tlsd_load_out_of_memory(void);

/* Gives l the guard of its policy, which passed its checks. 0 when that
 * guard cannot be built (raised; no memory, or an AuditLog that cannot be
 * opened): l's policy is freed, l has no guard yet. */
int tlsd_load_build(tlsd_load *l);

/* Gives l its guard: tlsd_load_build() when valid, else (or when that
 * fails) a refusing one (fail closed) whose detail is our errors, taken
 * off the queue (all of them when queue_was_empty, else only the last).
 * Returns whether the policy's guard was built. Not for a load already
 * shared. */
int tlsd_load_finish(tlsd_load *l, int valid, int queue_was_empty);

/* The guard of l, built on first use with first as the context OpenSSL's
 * deferred checks run against: exactly one thread builds, under one lock;
 * the others wait for it, and later ones find the guard at once. Never
 * NULL: a build that fails (no memory included) leaves the load refusing. */
tlsd_guard *tlsd_load_guard(tlsd_load *l, SSL_CTX *first, int queue_was_empty);

/* Registers the build's lock with fork_locks.h. */
void tlsd_load_fork_locks(void);

#endif
