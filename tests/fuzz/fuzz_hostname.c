/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: a server name of any bytes given to a client connection. */
#include <stdint.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tlsdefaults.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static SSL_CTX *ctx;
    SSL *ssl;

    if (ctx == NULL && (ctx = SSL_CTX_new(TLS_client_method())) != NULL)
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (ctx == NULL || (ssl = SSL_new(ctx)) == NULL)
        return 0;
    tlsd_set_server_hostname_len(ssl, (const char *)data, size);
    SSL_free(ssl);
    ERR_clear_error();
    return 0;
}
