/* SPDX-License-Identifier: Apache-2.0 */
/* What --suggest needs of the configuration it appends to, read as
 * OpenSSL reads it (NCONF, the module not run): the module's section, its
 * Programs section, a program's entry, and the suite lists a program's
 * policy holds now (for a list that adds the logged suites to them). */
#ifndef TLSD_SUGGEST_CONFIG_H
#define TLSD_SUGGEST_CONFIG_H

#include <stddef.h>

#include <openssl/conf.h>

#include "policy.h"

typedef struct {
    CONF *cnf;            /* NULL: the file could not be read */
    char *module_section; /* NULL: no section names the module */
    const char *programs; /* the module section's Programs, or NULL */
} tlsd_suggest_config;

/* Reads path (NULL: OpenSSL's default file). Always fills c; what could
 * not be found is NULL. */
void tlsd_suggest_config_read(tlsd_suggest_config *c, const char *path);
void tlsd_suggest_config_free(tlsd_suggest_config *c);

/* The section of program's Programs entry (a file name entry), or NULL. */
const char *tlsd_suggest_config_entry(const tlsd_suggest_config *c, const char *program);

/* The program's policy under the configuration: its Programs entry's
 * (with its Peers entries), else the module section's. NULL without a
 * module section, or when it does not read. tlsd_policy_free() it. */
tlsd_policy *tlsd_suggest_config_policy(const tlsd_suggest_config *c, const char *program);

/* 1 when the configuration has a section of that name. */
int tlsd_suggest_config_has_section(const tlsd_suggest_config *c, const char *name);

/* A policy's TLS 1.2-and-below suites now, by name, colon-separated, and
 * its security level; and its TLS 1.3 suites. policy NULL: the default
 * profile's. */
void tlsd_suggest_config_suites(const tlsd_policy *policy, char *list, size_t cap, int *level,
                                char *suites13, size_t cap13);

#endif
