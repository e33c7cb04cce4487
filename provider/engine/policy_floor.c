/* SPDX-License-Identifier: Apache-2.0 */
#include "policy_floor.h"

#include <stdlib.h>

#include <openssl/x509_vfy.h>

#include "errors.h"

static int compare_ids(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return (x > y) - (x < y);
}

int tlsd_policy_floor_ciphers(tlsd_cipher_set *set, const tlsd_policy *p)
{
    SSL_CTX *ctx = tlsd_policy_sample_ctx(p, TLS_method());
    STACK_OF(SSL_CIPHER) *ciphers;
    int n;

    set->ids = NULL;
    set->n = 0;
    set->security_level = 0;
    if (ctx == NULL)
        return 0;
    set->security_level = SSL_CTX_get_security_level(ctx);
    ciphers = SSL_CTX_get_ciphers(ctx);
    n = sk_SSL_CIPHER_num(ciphers);
    set->ids = calloc(n > 0 ? (size_t)n : 1, sizeof(uint32_t));
    for (int i = 0; set->ids != NULL && i < n; i++)
        set->ids[i] = SSL_CIPHER_get_id(sk_SSL_CIPHER_value(ciphers, i));
    SSL_CTX_free(ctx);
    if (set->ids == NULL) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        return 0;
    }
    set->n = n > 0 ? (size_t)n : 0;
    qsort(set->ids, set->n, sizeof(uint32_t), compare_ids);
    return tlsd_policy_offer_read(&set->offer, p);
}

int tlsd_policy_floor_has_cipher(const tlsd_cipher_set *set, const SSL_CIPHER *c)
{
    uint32_t id = SSL_CIPHER_get_id(c);

    return bsearch(&id, set->ids, set->n, sizeof(uint32_t), compare_ids) != NULL;
}

void tlsd_policy_floor_ciphers_free(tlsd_cipher_set *set)
{
    free(set->ids);
    set->ids = NULL;
    set->n = 0;
}

int tlsd_policy_floor_version_below(int version, int floor)
{
    if (floor == 0)
        return 0;
    if ((version >> 8) == 0xFE)
        return version > (floor >= TLS1_2_VERSION ? DTLS1_2_VERSION : DTLS1_VERSION);
    return version < floor;
}

int tlsd_policy_floor_x509_error(int error)
{
    return error == X509_V_ERR_EE_KEY_TOO_SMALL || error == X509_V_ERR_CA_KEY_TOO_SMALL
           || error == X509_V_ERR_CA_MD_TOO_WEAK;
}
