/* SPDX-License-Identifier: Apache-2.0 */
#include "fork_locks.h"

/* The engine has a handful of locks; taken in the order they were added. */
#define MAX_LOCKS 8

static pthread_mutex_t *locks[MAX_LOCKS];
static int n_locks;
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

void tlsd_fork_locks_add(pthread_mutex_t *lock)
{
    int known = 0;

    pthread_once(&handlers_once, register_handlers);
    pthread_mutex_lock(&registry);
    for (int i = 0; i < n_locks && !known; i++)
        known = locks[i] == lock;
    if (!known && n_locks < MAX_LOCKS)
        locks[n_locks++] = lock;
    pthread_mutex_unlock(&registry);
}
