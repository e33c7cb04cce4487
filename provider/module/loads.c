/* SPDX-License-Identifier: Apache-2.0 */
#include "loads.h"

#include <pthread.h>

#include "fork_locks.h"

/* A mutex, not a read-write lock: fork_locks.h takes mutexes only, and
 * what it guards is a pointer read and a count, nothing longer. */
static pthread_mutex_t loads_lock = PTHREAD_MUTEX_INITIALIZER;
static tlsd_load *loads; /* newest first */

void tlsd_loads_add(tlsd_load *l)
{
    pthread_mutex_lock(&loads_lock);
    /* The static out-of-memory load may come twice: once in the list. */
    for (tlsd_load **link = &loads; *link != NULL; link = &(*link)->next) {
        if (*link == l) {
            *link = l->next;
            break;
        }
    }
    l->next = loads;
    loads = l;
    pthread_mutex_unlock(&loads_lock);
}

void tlsd_loads_remove(tlsd_load *l)
{
    pthread_mutex_lock(&loads_lock);
    for (tlsd_load **link = &loads; *link != NULL; link = &(*link)->next) {
        if (*link == l) {
            *link = l->next;
            break;
        }
    }
    pthread_mutex_unlock(&loads_lock);
    tlsd_load_free(l);
}

tlsd_load *tlsd_loads_current(void)
{
    tlsd_load *l;

    pthread_mutex_lock(&loads_lock);
    l = loads;
    if (l != NULL)
        tlsd_load_up_ref(l);
    pthread_mutex_unlock(&loads_lock);
    return l;
}

void tlsd_loads_fork_locks(void)
{
    tlsd_fork_locks_add(&loads_lock);
}
