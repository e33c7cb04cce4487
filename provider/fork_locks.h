/* The engine's own locks, taken around fork() so that a thread inside the
 * engine at that moment never leaves the child a lock held by a thread the
 * child does not have. */
#ifndef TLSD_FORK_LOCKS_H
#define TLSD_FORK_LOCKS_H

#include <pthread.h>

/* Adds a statically initialised lock (once is enough; again is harmless).
 * fork() then takes it (a rwlock for writing), releases it in the parent
 * and initialises it anew in the child: glibc's rwlock knows its writer by
 * thread ID, and the child's one thread has another. No program code may
 * run while such a lock is held, or a fork() from it would deadlock. */
void tlsd_fork_locks_add_mutex(pthread_mutex_t *lock);
void tlsd_fork_locks_add_rwlock(pthread_rwlock_t *lock);

#endif
