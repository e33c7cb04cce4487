#include "fork_locks.h"

#include <stddef.h>

/* The engine has a handful of locks; taken in the order they were added. */
#define MAX_LOCKS 8

static struct {
    pthread_mutex_t *mutex;
    pthread_rwlock_t *rwlock;
} locks[MAX_LOCKS];
static int n_locks;
static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t handlers_once = PTHREAD_ONCE_INIT;

static void lock_all(void)
{
    pthread_mutex_lock(&registry);
    for (int i = 0; i < n_locks; i++) {
        if (locks[i].mutex != NULL)
            pthread_mutex_lock(locks[i].mutex);
        else
            pthread_rwlock_wrlock(locks[i].rwlock);
    }
}

static void unlock_all_in_parent(void)
{
    for (int i = n_locks - 1; i >= 0; i--) {
        if (locks[i].mutex != NULL)
            pthread_mutex_unlock(locks[i].mutex);
        else
            pthread_rwlock_unlock(locks[i].rwlock);
    }
    pthread_mutex_unlock(&registry);
}

static void init_all_in_child(void)
{
    for (int i = 0; i < n_locks; i++) {
        if (locks[i].mutex != NULL)
            pthread_mutex_init(locks[i].mutex, NULL);
        else
            pthread_rwlock_init(locks[i].rwlock, NULL);
    }
    pthread_mutex_init(&registry, NULL);
}

static void register_handlers(void)
{
    pthread_atfork(lock_all, unlock_all_in_parent, init_all_in_child);
}

static void add(pthread_mutex_t *mutex, pthread_rwlock_t *rwlock)
{
    int known = 0;

    pthread_once(&handlers_once, register_handlers);
    pthread_mutex_lock(&registry);
    for (int i = 0; i < n_locks && !known; i++)
        known = locks[i].mutex == mutex && locks[i].rwlock == rwlock;
    if (!known && n_locks < MAX_LOCKS) {
        locks[n_locks].mutex = mutex;
        locks[n_locks].rwlock = rwlock;
        n_locks++;
    }
    pthread_mutex_unlock(&registry);
}

void tlsd_fork_locks_add_mutex(pthread_mutex_t *lock)
{
    add(lock, NULL);
}

void tlsd_fork_locks_add_rwlock(pthread_rwlock_t *lock)
{
    add(NULL, lock);
}
