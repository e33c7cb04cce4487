/* SPDX-License-Identifier: Apache-2.0 */
/* The engine's fork locks (fork_locks.h): every lock registered is taken
 * around fork(), however many there are (the registry once kept eight and
 * silently dropped the ninth). */
#include <pthread.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "fork_locks.h"
#include "test_main.h"

#define LOCKS 12 /* more than the eight the registry once held */

static pthread_mutex_t locks[LOCKS];

static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static int ready;

/* Holds the last lock a while, then lets it go. */
static void *hold_last(void *arg)
{
    struct timespec pause = {0, 200 * 1000 * 1000};

    (void)arg;
    pthread_mutex_lock(&locks[LOCKS - 1]);
    pthread_mutex_lock(&ready_lock);
    ready = 1;
    pthread_cond_signal(&ready_cond);
    pthread_mutex_unlock(&ready_lock);
    nanosleep(&pause, NULL);
    pthread_mutex_unlock(&locks[LOCKS - 1]);
    return NULL;
}

/* In the child: every lock is free (none held by a thread it lacks). */
static int all_free(void)
{
    for (int i = 0; i < LOCKS; i++) {
        if (pthread_mutex_trylock(&locks[i]) != 0)
            return 0;
        pthread_mutex_unlock(&locks[i]);
    }
    return 1;
}

static void test_every_lock_taken_around_fork(void)
{
    pthread_t t;
    pid_t pid;
    int status = -1;

    for (int i = 0; i < LOCKS; i++) {
        pthread_mutex_init(&locks[i], NULL);
        CU_ASSERT_EQUAL(tlsd_fork_locks_add(&locks[i]), 1);
    }
    CU_ASSERT_EQUAL(tlsd_fork_locks_add(&locks[0]), 1); /* again: harmless */
    /* Detached: the child has a record of it (no thread to join there,
     * and a sanitizer would call it leaked). */
    CU_ASSERT_FATAL(pthread_create(&t, NULL, hold_last, NULL) == 0);
    pthread_detach(t);
    pthread_mutex_lock(&ready_lock);
    while (!ready)
        pthread_cond_wait(&ready_cond, &ready_lock);
    pthread_mutex_unlock(&ready_lock);
    /* fork() waits for the holder: the child gets the lock free. */
    pid = fork();
    if (pid == 0)
        _exit(all_free() ? 0 : 1);
    CU_ASSERT_FATAL(pid > 0);
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* The parent has them all back: fork() took the last one only once
     * the holder let it go. */
    CU_ASSERT(all_free());
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"twelve locks, all taken around fork", test_every_lock_taken_around_fork},
        CU_TEST_INFO_NULL,
    };

    return tlsd_test_main("fork locks", NULL, NULL, tests);
}
