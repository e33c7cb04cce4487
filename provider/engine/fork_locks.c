/* SPDX-License-Identifier: Apache-2.0 */
#include "fork_locks.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "errors.h"

/* One registered lock. Nodes are never freed: the list lives as long as
 * the process (the module stays mapped). */
struct node {
    pthread_mutex_t *lock;
    _Atomic(struct node *) next;
};

/* Newest first, so that fork() takes the locks in the reverse order of
 * their registration and releases them in that order. Read without the
 * registry by tlsd_fork_locks_add()'s fast path: a lock already known is
 * not added again, and takes no lock to find out, so that code holding a
 * registered lock (the module's deferred build holds its build lock, in
 * load.c) may call it without reversing fork()'s order. A node is complete before it
 * is published, so a reader sees a consistent list. */
static _Atomic(struct node *) head;
static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t handlers_once = PTHREAD_ONCE_INIT;

/* Oldest first, the order they were added in: the list is newest first,
 * and the engine registers only a handful of locks. */
static void lock_from(struct node *n)
{
    if (n == NULL)
        return;
    lock_from(atomic_load(&n->next));
    pthread_mutex_lock(n->lock);
}

static void lock_all(void)
{
    pthread_mutex_lock(&registry);
    lock_from(atomic_load(&head));
}

/* In the parent and in the child alike: the child's one thread is the one
 * that took them. Newest first: the reverse of lock_all(). */
static void unlock_all(void)
{
    for (struct node *n = atomic_load(&head); n != NULL; n = atomic_load(&n->next))
        pthread_mutex_unlock(n->lock);
    pthread_mutex_unlock(&registry);
}

static void register_handlers(void)
{
    pthread_atfork(lock_all, unlock_all, unlock_all);
}

static int known(pthread_mutex_t *lock)
{
    for (struct node *n = atomic_load(&head); n != NULL; n = atomic_load(&n->next))
        if (n->lock == lock)
            return 1;
    return 0;
}

int tlsd_fork_locks_add(pthread_mutex_t *lock)
{
    struct node *n;
    int ok = 1;

    pthread_once(&handlers_once, register_handlers);
    if (known(lock))
        return 1;
    pthread_mutex_lock(&registry);
    if (!known(lock)) {
        if ((n = malloc(sizeof(*n))) != NULL) {
            n->lock = lock;
            atomic_init(&n->next, atomic_load(&head));
            atomic_store(&head, n);
        } else {
            ok = 0;
        }
    }
    pthread_mutex_unlock(&registry);
    if (!ok)
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "fork_locks: no memory to register a lock");
    return ok;
}
