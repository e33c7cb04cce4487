/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the module's configuration section, as OpenSSL's parser
 * hands it over, through the policy engine (parse, check, describe, apply). */
#include <stdint.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char header[] = "[s]\n";
    BIO *in = BIO_new(BIO_s_mem());
    CONF *cnf = NCONF_new(NULL);
    tlsd_policy *p = NULL;
    long line;

    if (in != NULL && cnf != NULL && BIO_write(in, header, sizeof(header) - 1) > 0
        && (size == 0 || BIO_write(in, data, (int)size) > 0) && NCONF_load_bio(cnf, in, &line) > 0)
        p = tlsd_policy_section_read(cnf, "s", 0);
    if (p != NULL) {
        BIO *out = BIO_new(BIO_s_mem());
        SSL_CTX *ctx = SSL_CTX_new(TLS_method());
        tlsd_policy_guards guards;

        tlsd_policy_describe(p, out);
        tlsd_policy_get_guards(p, &guards);
        if (ctx != NULL)
            tlsd_policy_apply(p, ctx);
        SSL_CTX_free(ctx);
        BIO_free(out);
        tlsd_policy_free(p);
    }
    NCONF_free(cnf);
    BIO_free(in);
    ERR_clear_error();
    return 0;
}
