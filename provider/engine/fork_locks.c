/* SPDX-License-Identifier: Apache-2.0 */
#include "fork_locks.h"

#include <stdatomic.h>

/* The engine has a handful of locks; taken in the order they were added. */
#define MAX_LOCKS 8

/* Read without the registry by tlsd_fork_locks_add()'s fast path: a lock
 * already known is not added again, and takes no lock to find out, so
 * that code holding a registered lock (the module's deferred build holds
 * instances_lock) may call it without reversing fork()'s order. */
static _Atomic(pthread_mutex_t *) locks[MAX_LOCKS];
static atomic_int n_locks;
static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t handlers_once = PTHREAD_ONCE_INIT;

static void lock_all(void)
{
    pthread_mutex_lock(&registry);
    for (int i = 0; i < n_locks; i++)
        pthread_mutex_lock(locks[i]);
}

/* In the parent and in the child alike: the child's one thread is the one
 * that took them. */
static void unlock_all(void)
{
    for (int i = n_locks - 1; i >= 0; i--)
        pthread_mutex_unlock(locks[i]);
    pthread_mutex_unlock(&registry);
}

static void register_handlers(void)
{
    pthread_atfork(lock_all, unlock_all, unlock_all);
}

static int known(pthread_mutex_t *lock)
{
    int n = atomic_load(&n_locks);

    for (int i = 0; i < n; i++)
        if (atomic_load(&locks[i]) == lock)
            return 1;
    return 0;
}

void tlsd_fork_locks_add(pthread_mutex_t *lock)
{
    int n;

    pthread_once(&handlers_once, register_handlers);
    if (known(lock))
        return;
    pthread_mutex_lock(&registry);
    n = atomic_load(&n_locks);
    if (!known(lock) && n < MAX_LOCKS) {
        atomic_store(&locks[n], lock);
        atomic_store(&n_locks, n + 1);
    }
    pthread_mutex_unlock(&registry);
}
