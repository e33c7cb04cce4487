/* SPDX-License-Identifier: Apache-2.0 */
/* The TLS inventory (Inventory = yes): one line per connection, read from
 * a log in one pass into bounded tables per (host, program), for
 * --inventory-report (inventory_report.c) and --cbom (cbom.c). The line,
 * after the module's tag (log_lines.h):
 *   inventory program=P pid=N role=client|server peer=S version=V
 *   cipher=C group=G pq=yes|no sigalg=A|none peer_key=TYPE-BITS|none
 *   chain_sha1=yes|no verified=yes|no|none resumed=yes|no [peer_entry=E]
 * in that order, values escaped as the module escapes them (\xNN). */
#ifndef TLSD_INVENTORY_TABLE_H
#define TLSD_INVENTORY_TABLE_H

#include <stdio.h>

#include "log_counts.h"

#define TLSD_INVENTORY_GROUPS 128 /* (host, program) pairs kept */

typedef struct {
    tlsd_log_counts_key key; /* first: log_counts.h's groups */
    unsigned long connections, clients, pq, sha1_chains, unverified, no_certificate, resumed;
    tlsd_log_counts versions; /* "TLSv1.3" */
    tlsd_log_counts suites;   /* "TLSv1.3 TLS_AES_128_GCM_SHA256": version, space, suite */
    tlsd_log_counts groups;   /* key exchange groups, "none" left out */
    tlsd_log_counts sigalgs;  /* the peer's signature algorithms, "none" left out */
    tlsd_log_counts keys;     /* the peer's key, "RSA-2048"; "none" left out */
    tlsd_log_counts peers;    /* space-saving (log_counts.h) */
    char weakest[TLSD_LOG_LINES_NAME]; /* "" until a key of known strength is seen */
    int weakest_bits;
    unsigned long weakest_count;
} tlsd_inventory_table_program;

typedef struct {
    tlsd_inventory_table_program programs[TLSD_INVENTORY_GROUPS];
    int n_programs;
    unsigned long connections, suppressed, other_programs;
} tlsd_inventory;

/* Reads in to its end into inv (zeroed first). Returns 1 when in held an
 * inventory line or a suppressed note of the module's, else 0. */
int tlsd_inventory_table_read(FILE *in, tlsd_inventory *inv);

/* A peer key's security bits, as OpenSSL counts them (RSA-1024: 80,
 * RSA-2048: 112, EC-256: 128, ED25519-253: 128, ...), or -1 when its type
 * is not known here. */
int tlsd_inventory_table_key_bits(const char *peer_key);

#endif
