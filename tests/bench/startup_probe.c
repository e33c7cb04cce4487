/* SPDX-License-Identifier: Apache-2.0 */
/* tlsd-probe-config: a process that loads OpenSSL's configuration and,
 * with "ctx", makes one SSL_CTX. Linked with libssl and libcrypto. The
 * start-up rows of tlsd-bench run it as a whole process, with and without
 * the module in OPENSSL_CONF. Exits 0 on success. */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

int main(int argc, char **argv)
{
    int ctx_too = argc > 1 && strcmp(argv[1], "ctx") == 0;

    if (!OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL)) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    if (ctx_too) {
        SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

        if (ctx == NULL) {
            ERR_print_errors_fp(stderr);
            return 1;
        }
        SSL_CTX_free(ctx);
    }
    return 0;
}
