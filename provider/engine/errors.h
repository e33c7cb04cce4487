/* SPDX-License-Identifier: Apache-2.0 */
/* The project's own error library on OpenSSL's error queue. */
#ifndef TLSD_ERRORS_H
#define TLSD_ERRORS_H

#include <openssl/err.h>

/* The reason codes are public, in tlsdefaults.h; their strings are in
 * errors.c. */
#include "tlsdefaults.h"

/* The library code, registered with its strings on first use. */
int tlsd_errors_lib(void);

#define TLSD_RAISE(reason, ...) \
    ERR_raise_data(tlsd_errors_lib(), (reason), __VA_ARGS__)

#endif
