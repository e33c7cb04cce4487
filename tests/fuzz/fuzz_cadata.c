/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: cadata, PEM text or DER bytes told apart by content, loaded
 * all or nothing into a context's store. */
#include <stdint.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tlsdefaults.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    if (ctx != NULL)
        tlsd_load_verify_locations(ctx, NULL, NULL, size ? data : (const void *)"", size);
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return 0;
}
