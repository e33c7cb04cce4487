/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded counting for the log reports: a table of names and counts of
 * fixed size, exact while it has room; the space-saving count for names a
 * peer chooses; and the (host, program) groups a report keeps. However
 * long the log, the memory is that of the tables. */
#ifndef TLSD_LOG_COUNTS_H
#define TLSD_LOG_COUNTS_H

#include <stddef.h>

#include <jansson.h>

#include "log_lines.h"

#define TLSD_LOG_COUNTS_CAP 32 /* names per table */

typedef struct {
    char name[TLSD_LOG_LINES_NAME];
    unsigned long count;
    unsigned long over; /* space-saving: how much of count may be others' */
} tlsd_log_count;

typedef struct {
    tlsd_log_count item[TLSD_LOG_COUNTS_CAP];
    int n;
    int evicted;        /* peers: more distinct names than the table */
    unsigned long rest; /* exact tables: counts of names with no room */
} tlsd_log_counts;

/* One more for name[0..len) (cut to the name size). Exact: a name with no
 * room goes to t->rest. Returns its entry, or NULL. */
tlsd_log_count *tlsd_log_counts_add(tlsd_log_counts *t, const char *name, size_t len);

/* The same for a name a peer chooses (its SNI name): when the table is
 * full, the new name takes the place of the least counted one, and its
 * count less one (kept in over). Any name with more than 1/CAP of the
 * counts is kept, and count - over never exceeds its true count. */
void tlsd_log_counts_add_peer(tlsd_log_counts *t, const char *name, size_t len);

/* A name's count that is surely its own. */
unsigned long tlsd_log_counts_value(const tlsd_log_count *c);

/* t's entries into out, most counted first; returns their number, and in
 * *listed (if not NULL) the sum of their counts. */
int tlsd_log_counts_sorted(const tlsd_log_counts *t, tlsd_log_count *out, unsigned long *listed);

/* {name: count, ...}, most counted first; NULL when memory is short. */
json_t *tlsd_log_counts_json(const tlsd_log_counts *t);

/* Groups: an array of records, each beginning with this key. */
typedef struct {
    char host[TLSD_LOG_LINES_NAME];
    char program[TLSD_LOG_LINES_NAME];
} tlsd_log_counts_key;

/* The record of (host, program[0..len)) in base (n records of size bytes,
 * cap at most), added zeroed when new; NULL when the array is full. */
void *tlsd_log_counts_group(void *base, size_t size, int *n, int cap, const char *host,
                            const char *program, size_t len);

/* The distinct hosts of the groups, in order of first appearance, into
 * hosts (at most cap); returns their number. */
int tlsd_log_counts_hosts(const void *base, size_t size, int n, const char **hosts, int cap);

#endif
