/* SPDX-License-Identifier: Apache-2.0 */
/* Trust anchors from cadata, a CA file and a CA directory, added all or
 * nothing, with Python's rules for cadata. */
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "errors.h"
#include "tlsdefaults.h"

/* PEM: every CERTIFICATE block, junk around blocks ignored. */
static int parse_pem(const void *data, size_t len, STACK_OF(X509) *out)
{
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    X509 *cert;

    if (bio == NULL)
        return 0;
    ERR_set_mark();
    while ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        if (!sk_X509_push(out, cert)) {
            X509_free(cert);
            break;
        }
    }
    BIO_free(bio);
    /* The end of the data shows as "no start line"; anything else, or no
     * certificate at all, is an error. */
    if (ERR_GET_REASON(ERR_peek_last_error()) == PEM_R_NO_START_LINE && sk_X509_num(out) > 0) {
        ERR_pop_to_mark();
        return 1;
    }
    ERR_clear_last_mark();
    TLSD_RAISE(TLSD_R_BAD_CADATA, "PEM cadata: %d certificate(s) read before the error",
               sk_X509_num(out));
    return 0;
}

/* DER: one or more certificates back to back, nothing after them. */
static int parse_der(const void *data, size_t len, STACK_OF(X509) *out)
{
    const unsigned char *p = data, *end = p + len;

    while (p < end) {
        X509 *cert = d2i_X509(NULL, &p, (long)(end - p));

        if (cert == NULL || !sk_X509_push(out, cert)) {
            X509_free(cert);
            TLSD_RAISE(TLSD_R_BAD_CADATA, "DER cadata: no certificate at byte %ld",
                       (long)(p - (const unsigned char *)data));
            return 0;
        }
    }
    return 1;
}

/* DER certificates start with a SEQUENCE tag; anything else is PEM text. */
static int parse_cadata(const void *data, size_t len, STACK_OF(X509) *out)
{
    if (len == 0) {
        TLSD_RAISE(TLSD_R_EMPTY_CADATA, NULL);
        return 0;
    }
    if (len > 0x7fffffff) {
        TLSD_RAISE(TLSD_R_BAD_CADATA, "cadata too large");
        return 0;
    }
    return ((const unsigned char *)data)[0] == 0x30 ? parse_der(data, len, out)
                                                   : parse_pem(data, len, out);
}

/* Adds every certificate and CRL of from to to; duplicates are ignored. */
static int copy_objects(X509_STORE *to, X509_STORE *from)
{
    STACK_OF(X509_OBJECT) *objects = X509_STORE_get0_objects(from);
    int ok = 1;

    for (int i = 0; i < sk_X509_OBJECT_num(objects); i++) {
        X509_OBJECT *o = sk_X509_OBJECT_value(objects, i);

        if (X509_OBJECT_get_type(o) == X509_LU_X509)
            ok &= X509_STORE_add_cert(to, X509_OBJECT_get0_X509(o));
        else if (X509_OBJECT_get_type(o) == X509_LU_CRL)
            ok &= X509_STORE_add_crl(to, X509_OBJECT_get0_X509_CRL(o));
    }
    return ok;
}

int tlsd_load_verify_locations(SSL_CTX *ctx, const char *cafile, const char *capath,
                               const void *cadata, size_t cadata_len)
{
    STACK_OF(X509) *certs = sk_X509_new_null();
    X509_STORE *staging = X509_STORE_new();
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    int ok = 0;

    if (cafile == NULL && capath == NULL && cadata == NULL) {
        TLSD_RAISE(TLSD_R_NO_VERIFY_LOCATIONS, NULL);
        goto done;
    }
    if (certs == NULL || staging == NULL) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        goto done;
    }
    /* Everything is read into a staging store first: on any error the
     * context's own store is left as it was. */
    if (cadata != NULL && !parse_cadata(cadata, cadata_len, certs))
        goto done;
    for (int i = 0; i < sk_X509_num(certs); i++)
        if (!X509_STORE_add_cert(staging, sk_X509_value(certs, i)))
            goto done;
    if (cafile != NULL && !X509_STORE_load_file(staging, cafile)) {
        TLSD_RAISE(TLSD_R_CANNOT_LOAD_CAFILE, "cafile=%s", cafile);
        goto done;
    }
    /* A directory is read lazily, as in Python: one that does not exist
     * only means nothing is found there. */
    if (!copy_objects(store, staging) || (capath != NULL && !X509_STORE_load_path(store, capath))) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        goto done;
    }
    ok = 1;
done:
    sk_X509_pop_free(certs, X509_free);
    X509_STORE_free(staging);
    return ok;
}
