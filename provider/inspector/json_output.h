/* SPDX-License-Identifier: Apache-2.0 */
/* The inspector's JSON, through jansson: one formatting for every report
 * (inspector only: never the module or the helper library), and strings
 * from bytes that need not be UTF-8 (a log's program names, a peer's SNI
 * name). */
#ifndef TLSD_JSON_OUTPUT_H
#define TLSD_JSON_OUTPUT_H

#include <stdio.h>

#include <jansson.h>

/* Writes j to out on one line with ", " and ": " between items, keys in
 * the order they were set, ASCII only (every other character as \uXXXX),
 * and a newline. Returns 1, or 0 when the write fails. */
int tlsd_json_output_dump(const json_t *j, FILE *out);

/* A JSON string of bytes, each byte the character of its code (as Latin-1
 * reads it): any bytes are accepted, and printable ASCII is kept as is.
 * NULL when memory is short. */
json_t *tlsd_json_output_string(const char *bytes);

/* Sets object[key] to value, key read from bytes as above; steals value
 * (freed on failure too). Returns 1, or 0 when memory is short. */
int tlsd_json_output_set(json_t *object, const char *key, json_t *value);

#endif
