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

#endif
