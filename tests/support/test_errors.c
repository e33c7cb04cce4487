/* SPDX-License-Identifier: Apache-2.0 */
#include "test_errors.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

static int is_ours(unsigned long e)
{
    const char *lib = ERR_lib_error_string(e);

    return lib != NULL && strcmp(lib, "tlsdefaults") == 0;
}

int tlsd_test_take_error(int reason, const char *needle)
{
    char seen[2048] = "";
    const char *data;
    int flags, found = 0;
    unsigned long e;

    while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
        const char *text = (flags & ERR_TXT_STRING) ? data : "";
        size_t used = strlen(seen);

        if (is_ours(e) && (reason == 0 || ERR_GET_REASON(e) == reason)
            && (needle == NULL || strstr(text, needle) != NULL))
            found = 1;
        snprintf(seen + used, sizeof(seen) - used, "  %s: %s\n",
                 ERR_reason_error_string(e), text);
    }
    if (!found)
        fprintf(stderr, "\n  expected reason %d with \"%s\"; the queue held:\n%s",
                reason, needle ? needle : "", seen);
    return found;
}

int tlsd_test_count_errors(void)
{
    unsigned long e;
    int n = 0;

    while ((e = ERR_get_error()) != 0)
        n += is_ours(e);
    return n;
}
