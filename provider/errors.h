/* The project's own error library on OpenSSL's error queue. */
#ifndef TLSD_ERRORS_H
#define TLSD_ERRORS_H

#include <openssl/err.h>

/* Reason codes; their strings are in errors.c. Values are part of what
 * users may grep for, so never renumber them. */
enum {
    TLSD_R_UNKNOWN_KEY = 100,
    TLSD_R_BAD_VALUE = 101,
    TLSD_R_UNKNOWN_PROFILE = 102,
    TLSD_R_MISSING_PATH = 104,
    TLSD_R_MISSING_SECTION = 105,
    TLSD_R_PROTOCOL_RANGE = 106,
    TLSD_R_TLS_REFUSED = 108,
    TLSD_R_OUT_OF_MEMORY = 109,
};

/* The library code, registered with its strings on first use. */
int tlsd_err_lib(void);

#define TLSD_RAISE(reason, ...) \
    ERR_raise_data(tlsd_err_lib(), (reason), __VA_ARGS__)

#endif
