/* SPDX-License-Identifier: Apache-2.0 */
/* Debug trace behind TLSDEFAULTS_DEBUG: "1" writes to stderr, any other
 * non-empty value (except "0") is a file that lines are appended to, opened
 * with tlsd_private_file_open(); a file it refuses gets one line on stderr
 * saying why, and no trace. */
#ifndef TLSD_DEBUG_H
#define TLSD_DEBUG_H

int tlsd_debug_enabled(void);

/* One line, prefixed with "tlsdefaults[pid]: ", written in one write(2). */
void tlsd_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes each line of text as its own trace line (for multi-line reports). */
void tlsd_debug_lines(const char *text);

#endif
