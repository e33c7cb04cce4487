/* SPDX-License-Identifier: Apache-2.0 */
#include "test_errors.h"

#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <openssl/err.h>

#include "tlsdefaults.h"

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

void tlsd_test_expect_refused(SSL_CTX *ctx, const char *needle)
{
    SSL *ssl = SSL_new(ctx);
    BIO *a, *b;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ssl);
    CU_ASSERT_FATAL(BIO_new_bio_pair(&a, 0, &b, 0));
    SSL_set_bio(ssl, a, a);
    ERR_clear_error();
    CU_ASSERT(SSL_connect(ssl) <= 0);
    CU_ASSERT(tlsd_test_take_error(TLSD_R_TLS_REFUSED, needle));
    SSL_free(ssl);
    BIO_free(b);
}
