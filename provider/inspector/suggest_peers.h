/* SPDX-License-Identifier: Apache-2.0 */
/* --suggest's Peers form (issue 24's Peers = SECTION): for a program
 * whose refusals are all for a few destinations, one Peers entry per
 * destination, each lifting what the log shows for it, instead of an
 * exemption of the whole program.
 *
 * A program's own Peers replaces the module section's, and the program
 * section may have one already: the suggested Peers section copies every
 * entry of the one that applies to the program now, but those for the
 * same destinations as ours, so the program keeps what its other
 * destinations get. A destination whose refusals were under an entry
 * (peer_entry= in the log) gets a section that copies that entry's keys
 * before ours. */
#ifndef TLSD_SUGGEST_PEERS_H
#define TLSD_SUGGEST_PEERS_H

#include <stddef.h>
#include <stdio.h>

#include "policy.h"
#include "suggest_config.h"
#include "suggest_keys.h"

/* The entry name for a logged peer (peer= of an audit line, unescaped):
 * a host name as the engine matches it (lower case, no trailing dot), or
 * the address of IP:PORT or [IPv6]:PORT, the port left out (an IPv6 one
 * with its ':' escaped, as openssl.cnf's keys need). 0 when it is
 * neither (no such entry could match it). */
int tlsd_suggest_peers_destination(const char *peer, char *out, size_t cap);

typedef struct {
    const char *name;         /* tlsd_suggest_peers_destination()'s */
    const char *logged_entry; /* peer_entry= of its lines, "" none; NULL: they differ */
    const tlsd_suggest_need *need;
} tlsd_suggest_peer;

typedef struct {
    int entry[8]; /* per destination: the index of the entry whose keys its section copies, or -1 */
    char why[1024]; /* when not: why, for a comment */
} tlsd_suggest_peers_plan;

/* Whether n (at most 8) destinations of a program whose policy under c
 * is policy (NULL: none reads; there is no module section, or it does
 * not read) can each have an entry that exempts exactly what was logged.
 * 1 and plan->entry, or 0 and plan->why. */
int tlsd_suggest_peers_plan_for(const tlsd_suggest_peer *peers, int n, const tlsd_policy *policy,
                                const tlsd_suggest_config *c, tlsd_suggest_peers_plan *plan);

/* Prints, into the program's section being written, its Peers key and
 * then the Peers section and one section per destination, named after
 * base (unique in c). */
void tlsd_suggest_peers_print(FILE *out, const tlsd_suggest_peer *peers, int n, const tlsd_policy *policy,
                              const tlsd_suggest_config *c, const tlsd_suggest_peers_plan *plan,
                              const char *base);

#endif
