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

/* How many times needle occurs in the file at path (read into buf, which
 * is left holding it for messages); 0 when it cannot be read. */
int tlsd_test_count_in_file(const char *path, const char *needle, char *buf, size_t cap);

/* A CUnit check that the file at path holds needle exactly n times; else
 * the file on stderr. buf: as above. */
#define TLSD_TEST_EXPECT_IN_FILE(path, buf, n, needle)                                      \
    do {                                                                                 \
        int got_ = tlsd_test_count_in_file((path), (needle), (buf), sizeof(buf));        \
        if (got_ != (n))                                                                 \
            fprintf(stderr, "\n  expected %d x \"%s\" in %s, got %d:\n%s\n", (n), (needle), \
                    (path), got_, (buf));                                                \
        CU_ASSERT_EQUAL(got_, (n));                                                      \
    } while (0)

#endif
