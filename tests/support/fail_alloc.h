/* SPDX-License-Identifier: Apache-2.0 */
/* Allocation failure injection: fail_alloc.c defines malloc, calloc,
 * realloc, free, strdup, strndup and the aligned allocators. Compiled into
 * an executable (never a library), they come first in the process's symbol
 * lookup, so libc, libcrypto, libssl and the module all allocate through
 * them. Unarmed they only forward: to glibc's allocator, or to
 * AddressSanitizer's where it runs (its __interceptor_ functions), so that
 * the ASan build still sees every allocation. */
#ifndef TLSD_FAIL_ALLOC_H
#define TLSD_FAIL_ALLOC_H

/* From now on, counts allocations; the nth one (1 = the next) fails with
 * ENOMEM, once. nth 0: count only. */
void tlsd_fail_alloc_arm(long nth);

/* The nth allocation counted since tlsd_fail_alloc_arm() fails, from
 * now on (the count goes on). */
void tlsd_fail_alloc_fail_at(long nth);

/* Stops counting and failing. */
void tlsd_fail_alloc_disarm(void);

/* While paused (1), allocations are neither counted nor failed: the test's
 * own peers (an in-process server) are not what is swept. */
void tlsd_fail_alloc_pause(int paused);

/* Allocations counted since tlsd_fail_alloc_arm(). */
long tlsd_fail_alloc_count(void);

/* Whether the armed failure happened. */
int tlsd_fail_alloc_hit(void);

/* Whether AddressSanitizer's allocator is the one behind these. */
int tlsd_fail_alloc_under_asan(void);

#endif
