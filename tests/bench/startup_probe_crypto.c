/* SPDX-License-Identifier: Apache-2.0 */
/* tlsd-probe-crypto: a program linked with libcrypto only (as ssh is) that
 * loads OpenSSL's configuration and hashes a few bytes. The module it loads
 * may pull in libssl: that cost is what this probe shows. Exits 0. */
#include <stdio.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

int main(void)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;

    if (!OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL)
        || !EVP_Digest("abc", 3, md, &len, EVP_sha256(), NULL)) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    return 0;
}
