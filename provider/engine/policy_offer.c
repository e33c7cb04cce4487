/* SPDX-License-Identifier: Apache-2.0 */
#include "policy_offer.h"

#include <stdio.h>
#include <strings.h>

#include <openssl/err.h>

#include "errors.h"

typedef int (*security_fn)(const SSL *s, const SSL_CTX *ctx, int op, int bits, int nid, void *other, void *ex);

typedef struct {
    tlsd_policy_offer *offer;
    security_fn openssl;
} capture;

static void add(tlsd_policy_offer_list *l, const unsigned char *code)
{
    uint16_t id = (uint16_t)(code[0] << 8 | code[1]);

    for (size_t i = 0; i < l->n; i++)
        if (l->ids[i] == id)
            return;
    if (l->n < TLSD_POLICY_OFFER_MAX)
        l->ids[l->n++] = id;
}

/* OpenSSL's verdict, and what it lets through is what the policy offers. */
static int capture_cb(const SSL *s, const SSL_CTX *ctx, int op, int bits, int nid, void *other, void *ex)
{
    capture *c = ex;
    int ok = c->openssl(s, ctx, op, bits, nid, other, NULL);

    if (ok && other != NULL && op == SSL_SECOP_CURVE_SUPPORTED) {
        const unsigned char *code = other;
        const char *name = SSL_group_to_name((SSL *)s, TLSEXT_nid_unknown | (code[0] << 8 | code[1]));
        size_t before = c->offer->groups.n;

        add(&c->offer->groups, other);
        if (c->offer->groups.n > before)
            snprintf(c->offer->group_names[before], sizeof(c->offer->group_names[before]), "%s",
                     name != NULL ? name : "");
    }
    else if (ok && other != NULL && op == SSL_SECOP_SIGALG_SUPPORTED)
        add(&c->offer->sigalgs, other);
    return ok;
}

int tlsd_policy_offer_read(tlsd_policy_offer *offer, const tlsd_policy *p)
{
    capture c = {offer, NULL};
    SSL_CTX *ctx;
    SSL *ssl = NULL;
    BIO *a = NULL, *b = NULL;

    offer->groups.n = offer->sigalgs.n = 0;
    offer->groups.set = tlsd_policy_value(p, "Groups") != NULL;
    offer->sigalgs.set = tlsd_policy_value(p, "SignatureAlgorithms") != NULL;
    if (!offer->groups.set && !offer->sigalgs.set)
        return 1;
    if ((ctx = tlsd_policy_sample_ctx(p, TLS_client_method())) == NULL) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "reading the policy's groups and signature algorithms");
        return 0;
    }
    c.openssl = (security_fn)SSL_CTX_get_security_callback(ctx);
    SSL_CTX_set_security_callback(ctx, capture_cb);
    SSL_CTX_set0_security_ex_data(ctx, &c);
    ERR_set_mark();
    if ((ssl = SSL_new(ctx)) != NULL && BIO_new_bio_pair(&a, 0, &b, 0)) {
        SSL_set_bio(ssl, a, a);
        /* Writes the ClientHello and waits for an answer that never comes. */
        (void)SSL_connect(ssl);
    }
    ERR_pop_to_mark();
    SSL_free(ssl);
    BIO_free(b);
    SSL_CTX_free(ctx);
    if ((offer->groups.set && offer->groups.n == 0) || (offer->sigalgs.set && offer->sigalgs.n == 0)) {
        /* Nothing offered (none allowed at the policy's level, or no
         * memory for the ClientHello): Enforce would hold an empty list
         * and refuse every connection, so it fails closed, saying so. */
        TLSD_RAISE(TLSD_R_BAD_VALUE, "key=%s: a client of the policy offers none of it",
                   offer->groups.set && offer->groups.n == 0 ? "Groups" : "SignatureAlgorithms");
        return 0;
    }
    return 1;
}

static int listed(const tlsd_policy_offer_list *l, const unsigned char *code)
{
    uint16_t id = (uint16_t)(code[0] << 8 | code[1]);

    for (size_t i = 0; i < l->n; i++)
        if (l->ids[i] == id)
            return 1;
    return 0;
}

int tlsd_policy_offer_allows(const tlsd_policy_offer *offer, int op, const void *other)
{
    if (other == NULL)
        return 1;
    if ((op & SSL_SECOP_OTHER_TYPE) == SSL_SECOP_OTHER_CURVE)
        return !offer->groups.set || listed(&offer->groups, other);
    if ((op & SSL_SECOP_OTHER_TYPE) == SSL_SECOP_OTHER_SIGALG)
        return !offer->sigalgs.set || listed(&offer->sigalgs, other);
    return 1;
}

int tlsd_policy_offer_has_group(const tlsd_policy_offer *offer, const char *name)
{
    if (!offer->groups.set)
        return 1;
    for (size_t i = 0; i < offer->groups.n; i++)
        if (strcasecmp(offer->group_names[i], name) == 0)
            return 1;
    return 0;
}
