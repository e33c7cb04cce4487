/* SPDX-License-Identifier: Apache-2.0 */
/* The engine's own locks, taken around fork() so that a thread inside the
 * engine at that moment never leaves the child a lock held by a thread the
 * child does not have. */
#ifndef TLSD_FORK_LOCKS_H
#define TLSD_FORK_LOCKS_H

#include <pthread.h>

/* Adds a lock (once is enough; again is harmless). fork() then takes it
 * and releases it in both parent and child. Mutexes only: a glibc rwlock
 * knows its writer by thread ID, and the child's thread has another one,
 * so a child could not release it. No program code may run while such a
 * lock is held, or a fork() from it would deadlock. */
void tlsd_fork_locks_add(pthread_mutex_t *lock);

#endif
