/* SPDX-License-Identifier: Apache-2.0 */
#include "json_output.h"

#include <stdlib.h>
#include <string.h>

int tlsd_json_output_dump(const json_t *j, FILE *out)
{
    /* Not JSON_COMPACT: jansson then separates with ", " and ": ". */
    if (json_dumpf(j, out, JSON_INDENT(0) | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER) != 0)
        return 0;
    return fputc('\n', out) != EOF;
}

/* bytes as UTF-8, each byte one character; to free(). */
static char *utf8_of(const char *bytes)
{
    size_t len = strlen(bytes), o = 0;
    char *out = malloc(2 * len + 1);

    if (out == NULL)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)bytes; *p != '\0'; p++) {
        if (*p < 0x80) {
            out[o++] = (char)*p;
        } else {
            out[o++] = (char)(0xc0 | (*p >> 6));
            out[o++] = (char)(0x80 | (*p & 0x3f));
        }
    }
    out[o] = '\0';
    return out;
}

json_t *tlsd_json_output_string(const char *bytes)
{
    char *text = utf8_of(bytes);
    json_t *s = text != NULL ? json_string(text) : NULL;

    free(text);
    return s;
}

int tlsd_json_output_set(json_t *object, const char *key, json_t *value)
{
    char *text = utf8_of(key);
    int ok = text != NULL && value != NULL && json_object_set_new(object, text, value) == 0;

    if (text == NULL)
        json_decref(value);
    free(text);
    return ok;
}
