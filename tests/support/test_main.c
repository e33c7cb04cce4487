/* SPDX-License-Identifier: Apache-2.0 */
#include "test_main.h"

#include <CUnit/Basic.h>

int tlsd_test_main(const char *suite, CU_InitializeFunc init,
                   CU_CleanupFunc cleanup, CU_TestInfo *tests)
{
    CU_SuiteInfo suites[] = {
        {(char *)suite, init, cleanup, NULL, NULL, tests},
        CU_SUITE_INFO_NULL,
    };
    unsigned int failed;

    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    if (CU_register_suites(suites) != CUE_SUCCESS) {
        CU_cleanup_registry();
        return 2;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    /* A suite whose set-up failed has run nothing: that is a failure too. */
    failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed()
             + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed == 0 ? 0 : 1;
}
