/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TLSD_PROFILE_LIST_H
#define TLSD_PROFILE_LIST_H

#include <stdio.h>

/* --profiles [--json]: 0, or 1 when the output cannot be written. */
int tlsd_profile_list_print(FILE *out, int json);

#endif
