/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TLSD_CHILD_CAPTURE_H
#define TLSD_CHILD_CAPTURE_H

/* Runs this executable again (/proc/self/exe) with argv, no shell, its
 * standard error shared, and keeps its standard output: *out (to free())
 * and its exit status. 1, or 0 with the reason on stderr when it cannot
 * be run, is killed, or its output cannot be read. */
int tlsd_child_capture_run(char *const argv[], char **out, int *exit_status);

#endif
