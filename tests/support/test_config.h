/* SPDX-License-Identifier: Apache-2.0 */
/* openssl.cnf files that load the module built in this tree. */
#ifndef TLSD_TEST_CONFIG_H
#define TLSD_TEST_CONFIG_H

/* Writes <certs dir>/<name>.cnf and returns its path (valid until the next
 * call). default_lines go to the default section (e.g.
 * "config_diagnostics = 1"), init_first into [openssl_init] before the
 * module, keys into the module's section [tlsdefaults_sect]; extra is
 * appended as is. Any of them may be NULL. */
const char *tlsd_test_write_cnf(const char *name, const char *default_lines,
                                const char *init_first, const char *keys,
                                const char *extra);

/* Writes <name>.cnf with these keys and extra (as above) and loads it in
 * this process; a CUnit fatal failure when either step fails. */
void tlsd_test_load_module(const char *name, const char *keys, const char *extra);

/* The environment edits (see tlsd_test_run) of a child process that loads
 * cnf, with the module's debug trace on stderr when debug is set. Static
 * storage: valid until the next call. */
const char *const *tlsd_test_env_with(const char *cnf, int debug);

/* A configuration parsed from text; a CUnit fatal failure when it does
 * not parse. NCONF_free() it. */
#include <openssl/conf.h>
CONF *tlsd_test_conf_from_text(const char *text);

#endif
