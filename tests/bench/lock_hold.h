/* SPDX-License-Identifier: Apache-2.0 */
/* How long the module holds its locks, measured from outside: tlsd-bench
 * exports its own pthread_mutex_lock/unlock (the module binds to them,
 * the executable comes first in the lookup), which time each mutex locked
 * from the module's code and pass on to libc's. */
#ifndef TLSD_LOCK_HOLD_H
#define TLSD_LOCK_HOLD_H

/* Starts counting afresh, for the module whose file name ends in
 * module_name (found among the loaded objects: load it first). Returns 0
 * when it is not loaded or the interposition did not take. */
int lock_hold_start(const char *module_name);

/* Stops; gives the busiest of the module's mutexes: its total hold time in
 * seconds and how many times it was taken. 0 if none was taken. */
int lock_hold_stop(double *seconds, long *acquisitions);

#endif
