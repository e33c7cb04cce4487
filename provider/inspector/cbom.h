/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults-info --cbom: the inventory (inventory.h) as a CycloneDX 1.6
 * cryptographic bill of materials, the JSON that PQC-migration tools read
 * (IBM's cbomkit, OWASP Dependency-Track): each program an "application"
 * component; each protocol version, cipher (and its handshake hash),
 * key exchange group and peer key type a "cryptographic-asset" component;
 * each program depends on the assets its connections used. */
#ifndef TLSD_CBOM_H
#define TLSD_CBOM_H

#include <stdio.h>

#include "inventory_table.h"

/* Writes the BOM of inv to out. Returns 1, or 0 when it could not be
 * made (memory, OpenSSL's random bytes) or written. */
int tlsd_cbom_print(const tlsd_inventory *inv, FILE *out);

#endif
