/* SPDX-License-Identifier: Apache-2.0 */
/* The main() of every CUnit test program. */
#ifndef TLSD_TEST_MAIN_H
#define TLSD_TEST_MAIN_H

#include <CUnit/CUnit.h>

/* Runs one suite verbosely; returns the process exit status: 0 only when
 * every test ran and passed. */
int tlsd_test_main(const char *suite, CU_InitializeFunc init,
                   CU_CleanupFunc cleanup, CU_TestInfo *tests);

#endif
