/* SPDX-License-Identifier: Apache-2.0 */
/* Enforce on a connection, for the guard's security callback: the protocol
 * floor's refusal said once it is certain, the security level held. */
#ifndef TLSD_GUARD_FLOOR_H
#define TLSD_GUARD_FLOOR_H

#include <openssl/ssl.h>

/* Raises TLSD_R_VERSION_BELOW_FLOOR for version, refused below floor, once
 * every version the connection may use is below it. */
void tlsd_guard_floor_report(const SSL *s, int floor, int version);

/* Raises the connection's security level to policy_level when the program
 * set a lower one, and keeps the program's. */
void tlsd_guard_floor_hold_level(const SSL *s, int policy_level);

/* The level the program had set before Enforce raised it, or -1 when not
 * raised. */
int tlsd_guard_floor_program_level(const SSL *ssl);

#endif
