/* SPDX-License-Identifier: Apache-2.0 */
/* Checks on OpenSSL's error queue for the project's own errors. */
#ifndef TLSD_TEST_ERRORS_H
#define TLSD_TEST_ERRORS_H

/* 1 when the thread's queue holds an error of the "tlsdefaults" library
 * with this reason (0: any) whose data contains needle (NULL: any).
 * The queue is cleared either way; on a miss the queue is printed. */
int tlsd_test_take_error(int reason, const char *needle);

/* Number of "tlsdefaults" errors on the queue, which is left untouched
 * except that it is cleared. */
int tlsd_test_count_errors(void);

#include <openssl/ssl.h>

/* A handshake started on a new SSL of ctx fails at once, with
 * TLSD_R_TLS_REFUSED and needle in its text: a context that refuses TLS. */
void tlsd_test_expect_refused(SSL_CTX *ctx, const char *needle);

#endif
