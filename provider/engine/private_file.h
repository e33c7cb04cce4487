/* SPDX-License-Identifier: Apache-2.0 */
/* Files tlsdefaults writes for the user (key logs, the debug trace), opened
 * without trusting whatever is already at the path. */
#ifndef TLSD_PRIVATE_FILE_H
#define TLSD_PRIVATE_FILE_H

#include <stddef.h>

/* Opens path for appending, creating it with mode 0600 (never through a
 * symbolic link, never waiting for a FIFO's reader). What was opened must be
 * a regular file owned by the effective user, with one link and no
 * permission for group or others; anything else is closed and refused.
 * Returns the descriptor, or -1 with errno set (EPERM for a refusal) and
 * why (a buffer of why_len bytes) saying what is wrong: "a symbolic link",
 * "not a regular file: a FIFO", "owned by uid 65534, not the effective
 * user 0", "2 links", "mode 0644 gives access to group or others", or the
 * system's error text. */
int tlsd_private_file_open(const char *path, char *why, size_t why_len);

#endif
