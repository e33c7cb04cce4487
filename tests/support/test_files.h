/* SPDX-License-Identifier: Apache-2.0 */
/* Reading back the files that tests make the code under test write. */
#ifndef TLSD_TEST_FILES_H
#define TLSD_TEST_FILES_H

#include <stddef.h>

/* How many lines of the file at path start with prefix; -1 if it cannot be
 * read. */
int tlsd_test_count_lines(const char *path, const char *prefix);

/* The file at path into buf (NUL-terminated, truncated to cap); "" when
 * it cannot be read. Returns buf. */
const char *tlsd_test_read_file(const char *path, char *buf, size_t cap);

/* The SSLKEYLOGFILE lines of one label that OpenSSL itself writes for one
 * handshake between two contexts made now: 2 where libssl was built with
 * enable-sslkeylog (3.5+; both ends log), else 0. Call it with the module
 * not loaded; SSLKEYLOGFILE is unset afterwards. */
int tlsd_test_openssl_key_lines(void);

#endif
