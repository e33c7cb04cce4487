/* SPDX-License-Identifier: Apache-2.0 */
/* tlsd-test-certs DIR: writes the test certificate set into DIR (for the
 * demo and for trying things by hand). */
#include <stdio.h>

#include "test_certs.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    if (!tlsd_test_certs_write(argv[1])) {
        fprintf(stderr, "%s: could not write certificates into %s\n", argv[0], argv[1]);
        return 1;
    }
    return 0;
}
