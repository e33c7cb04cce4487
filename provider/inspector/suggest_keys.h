/* SPDX-License-Identifier: Apache-2.0 */
/* What --suggest asks of a policy for a set of refusals: the keys that
 * let each logged refusal through, by its reason (audit_record.c writes
 * them), and their printing, for a program's section and for a Peers
 * entry's alike. */
#ifndef TLSD_SUGGEST_KEYS_H
#define TLSD_SUGGEST_KEYS_H

#include <stdio.h>

#include "audit_line.h"
#include "log_counts.h"
#include "log_lines.h"
#include "policy.h"

#define TLSD_SUGGEST_KEYS_NAME_CHARS TLSD_LOG_LINES_LOWER TLSD_LOG_LINES_UPPER TLSD_LOG_LINES_DIGITS "_-"

/* What may stand as a key or value of openssl.cnf as is: no '$' (a
 * variable there), '#' (a comment), space or '=' from a forged line;
 * dots: '.' too. */
int tlsd_suggest_keys_plain(const char *s, int dots);

typedef struct {
    unsigned long connections;
    unsigned keys;   /* what to set, a bit each (suggest_keys.c) */
    int min_version; /* the lowest version refused; -1: none */
    tlsd_log_counts ciphers, suites13, reasons;
} tlsd_suggest_need;

/* One more refusal: f's reasons. */
void tlsd_suggest_keys_add(tlsd_suggest_need *n, const tlsd_audit_line *f);

/* "# N connections: Key:what N, ..." */
void tlsd_suggest_keys_print_reasons(FILE *out, const tlsd_suggest_need *n);

/* The names of the keys n sets, in the order printed, into names (at
 * most cap); returns their number. */
int tlsd_suggest_keys_of(const tlsd_suggest_need *n, const char **names, int cap);

/* The first key n sets that a Peers entry may not hold (it is the whole
 * policy's), or NULL. */
const char *tlsd_suggest_keys_not_per_peer(const tlsd_suggest_need *n);

/* The keys that lift n, one "Key = value" line each. The suite lists are
 * those of policy now (NULL: the default profile's) with the logged
 * suites added; flags_before (NULL: none) is a VerifyFlags value that
 * stays, ours edit it after. */
void tlsd_suggest_keys_print(FILE *out, const tlsd_suggest_need *n, const tlsd_policy *policy,
                             const char *flags_before);

#endif
