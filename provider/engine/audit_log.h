/* SPDX-License-Identifier: Apache-2.0 */
/* Where audit lines go (AuditLog): the system log, standard error or a
 * file. The module lives inside other programs, so the writer never blocks
 * (a full socket or pipe drops the line), never changes the program's own
 * syslog identity (no openlog()), and is rate-limited, one limit for a
 * process and its forked children. */
#ifndef TLSD_AUDIT_LOG_H
#define TLSD_AUDIT_LOG_H

#include <stdatomic.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

typedef struct tlsd_audit_log tlsd_audit_log;

/* spec: "syslog" (the datagram socket /dev/log), "journal" or
 * "journal:NAMESPACE" (journald's native socket: audit_journal.h; without
 * one, syslog, whose first line says why), "stderr", or an absolute path
 * opened with tlsd_private_file_open(). NULL with TLSD_R_CANNOT_OPEN_
 * AUDIT_LOG raised (data "path=PATH: why") when the file is refused.
 * syslog never fails here: a missing socket drops lines. */
tlsd_audit_log *tlsd_audit_log_open(const char *spec);

/* The syslog writer on another datagram socket than /dev/log: for the
 * tests only (not reachable from a configuration or the environment). */
tlsd_audit_log *tlsd_audit_log_open_syslog_at(const char *socket_path);

/* Another reference; free each. The last free writes the count of lines
 * the rate limit suppressed, if any. */
tlsd_audit_log *tlsd_audit_log_ref(tlsd_audit_log *log);
void tlsd_audit_log_free(tlsd_audit_log *log);

/* Makes the rate limit's state, shared with every process forked after
 * it (a page mapped MAP_SHARED), as the first open does: the module calls
 * it at load, so that a server that forks after loading the configuration
 * (before its first context, or after) keeps one rate for itself and its
 * children. */
void tlsd_audit_log_prepare(void);

/* Writes one line (no newline): rate-limited, whole, never blocking. */
void tlsd_audit_log_write(tlsd_audit_log *log, const char *line);

/* The same in two steps, for a line that costs something to make: admit
 * takes the rate limit's token (1: write it now with put, which must
 * follow; 0: suppressed and counted, do not make it). */
int tlsd_audit_log_admit(tlsd_audit_log *log);
void tlsd_audit_log_put(tlsd_audit_log *log, const char *line);

/* The syslog datagram for message: "<12>Mmm dd hh:mm:ss tlsdefaults[pid]: "
 * (facility user, severity warning, RFC 3164 as glibc writes it) and the
 * message. Returns the length (cut to cap - 1). */
size_t tlsd_audit_log_syslog_format(char *buf, size_t cap, time_t when, pid_t pid,
                                    const char *message);

/* The rate limit: a burst of TLSD_AUDIT_BURST lines, then
 * TLSD_AUDIT_PER_SECOND lines a second, for a process and the children it
 * forks after the load together. */
#define TLSD_AUDIT_BURST 100
#define TLSD_AUDIT_PER_SECOND 10

/* The rate limit's token bucket, apart from the clock (now: seconds of a
 * monotonic clock), so that it can be checked without timing anything.
 * Lock-free: it may live in memory shared by several processes (its
 * atomics are lock-free, checked at build time). Kept as the time at which
 * the bucket would be full again less one line per token (the generic
 * cell rate algorithm: the same limits as tokens refilled at the rate,
 * in one word that a compare-and-swap updates). */
typedef struct {
    atomic_llong full_at;        /* microseconds */
    atomic_ulong suppressed;     /* lines dropped since the last note */
} tlsd_audit_log_rate;

void tlsd_audit_log_rate_init(tlsd_audit_log_rate *r, double now);

/* 1 when a line may be written now; then *note is the number of lines
 * suppressed before it (0: none), to be reported first (that note costs
 * a token too). 0 when the line is suppressed (counted). */
int tlsd_audit_log_rate_take(tlsd_audit_log_rate *r, double now, unsigned long *note);

/* The suppressed count, taken (reset to 0): for the last note. */
unsigned long tlsd_audit_log_rate_take_suppressed(tlsd_audit_log_rate *r);

#endif
