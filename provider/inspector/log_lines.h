/* SPDX-License-Identifier: Apache-2.0 */
/* The module's own lines in a log, one at a time, for every report of the
 * inspector: an AuditLog file or standard error ("tlsdefaults[PID]: " at
 * the start), a syslog file (rsyslog's RFC 3164 lines, the host field
 * after the time stamp) or datagram ("<PRI>" first, no host), journalctl's
 * short and short-iso lines, and journalctl -o json (one object a line:
 * SYSLOG_IDENTIFIER "tlsdefaults", MESSAGE, _HOSTNAME). Anything else
 * before the tag, such as another program's tag, is another program's
 * line, whatever it holds (sshd logs the user names clients send). Lines
 * longer than TLSD_LOG_LINES_MAX are skipped whole: their rest is no line
 * of its own. Memory: this record, whatever the log. */
#ifndef TLSD_LOG_LINES_H
#define TLSD_LOG_LINES_H

#include <stddef.h>
#include <stdio.h>

#define TLSD_LOG_LINES_MAX 8192
#define TLSD_LOG_LINES_NAME 128 /* a host, program or peer name kept */

typedef struct {
    FILE *in;
    int cut;                            /* inside a line too long to read */
    char line[TLSD_LOG_LINES_MAX];
    char message[TLSD_LOG_LINES_MAX];   /* a journal object's MESSAGE */
    char host[TLSD_LOG_LINES_NAME];     /* "" when the line names none */
    char first_host[TLSD_LOG_LINES_NAME];
    int hosts_seen;                     /* 0, 1, or 2 for "more than one" */
} tlsd_log_lines;

void tlsd_log_lines_init(tlsd_log_lines *r, FILE *in);

/* The next message of the module's (what follows its tag), or NULL at the
 * end of in; r->host is its host. Valid until the next call. */
const char *tlsd_log_lines_next(tlsd_log_lines *r);

/* "audit: N lines suppressed (rate limit)", exactly: 1 and *n, else 0. */
int tlsd_log_lines_note(const char *msg, unsigned long *n);

/* Whether s[0..len) is non-empty and all of it in set. */
int tlsd_log_lines_all_of(const char *s, size_t len, const char *set);

/* A value as the module escapes it (\xNN), decoded into out (at most
 * cap - 1 bytes, NUL-terminated). Returns 0 when the escaping is broken
 * or the value decodes to a NUL. */
int tlsd_log_lines_unescape(char *out, size_t cap, const char *s, size_t len);

/* Names are the log's and the peers': what is not printable ASCII
 * reaches no terminal as is (an ESC would drive it). Returns buf. */
const char *tlsd_log_lines_printable(const char *s, char *buf, size_t cap);

#define TLSD_LOG_LINES_DIGITS "0123456789"
#define TLSD_LOG_LINES_LOWER "abcdefghijklmnopqrstuvwxyz"
#define TLSD_LOG_LINES_UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

#endif
