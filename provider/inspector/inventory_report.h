/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults-info --inventory-report: per program (and per host when the
 * log names more than one), the connections of the inventory lines
 * (inventory.h): the share of each protocol version and of post-quantum
 * key exchange, the weakest peer key, SHA-1 chains, unverified
 * connections and the top peers; as text or JSON (json_output.h). */
#ifndef TLSD_INVENTORY_REPORT_H
#define TLSD_INVENTORY_REPORT_H

#include <stdio.h>

#include "inventory_table.h"

/* Reads in to its end and writes the report, or the CycloneDX BOM
 * (cbom.h), to out. Returns 0, or 1 when in holds no inventory line or
 * the output could not be made or written. */
int tlsd_inventory_report(FILE *in, FILE *out, int json, int cbom);

/* Writes the report of inv to out. Returns 1, or 0 when the JSON could
 * not be made or written. */
int tlsd_inventory_report_print(const tlsd_inventory *inv, FILE *out, int json);

#endif
