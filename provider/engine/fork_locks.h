/* SPDX-License-Identifier: Apache-2.0 */
/* The engine's own locks, taken around fork() so that a thread inside the
 * engine at that moment never leaves the child a lock held by a thread the
 * child does not have. */
#ifndef TLSD_FORK_LOCKS_H
#define TLSD_FORK_LOCKS_H

#include <pthread.h>

/* Adds a lock (once is enough; again is harmless), with no limit on how
 * many. fork() then takes them in the order they were added, and releases
 * them in both parent and child. Returns 1, or 0 with TLSD_R_OUT_OF_MEMORY
 * raised when memory is short (the lock is then not taken around fork()).
 * Mutexes only: a glibc rwlock
 * knows its writer by thread ID, and the child's thread has another one,
 * so a child could not release it. No program code may run while such a
 * lock is held, or a fork() from it would deadlock. */
int tlsd_fork_locks_add(pthread_mutex_t *lock);

#endif
