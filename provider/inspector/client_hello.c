/* SPDX-License-Identifier: Apache-2.0 */
#include "client_hello.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#define EXT_SUPPORTED_GROUPS 10
#define EXT_KEY_SHARE 51

typedef struct {
    unsigned char *hello; /* the ClientHello handshake message, copied */
    size_t len;
} capture;

static void keep_client_hello(int write_p, int version, int content_type, const void *buf,
                              size_t len, SSL *ssl, void *arg)
{
    capture *c = arg;

    (void)version, (void)ssl;
    if (write_p && content_type == SSL3_RT_HANDSHAKE && len > 4
        && ((const unsigned char *)buf)[0] == SSL3_MT_CLIENT_HELLO && c->hello == NULL
        && (c->hello = OPENSSL_memdup(buf, len)) != NULL)
        c->len = len;
}

/* A big-endian length of n bytes at *p, moved past; 0 when it does not
 * fit in what is left. */
static int take_len(const unsigned char **p, const unsigned char *end, int n, size_t *out)
{
    if ((size_t)(end - *p) < (size_t)n)
        return 0;
    *out = n == 1 ? (*p)[0] : ((size_t)(*p)[0] << 8) | (*p)[1];
    *p += n;
    return *out <= (size_t)(end - *p);
}

/* Moves past a vector with an n-byte length; 0 when it does not fit. */
static int skip_vector(const unsigned char **p, const unsigned char *end, int n)
{
    size_t len;

    if (!take_len(p, end, n, &len))
        return 0;
    *p += len;
    return 1;
}

/* In a vector (2-byte length) of entries "2-byte tag, 2-byte length,
 * body" (extensions, key shares), the entry with this tag. */
static int find_tagged(const unsigned char *p, const unsigned char *end, unsigned tag,
                       const unsigned char **body, size_t *body_len)
{
    size_t n;

    if (!take_len(&p, end, 2, &n))
        return 0;
    for (end = p + n; end - p >= 4; p += n) {
        unsigned t = ((unsigned)p[0] << 8) | p[1];

        p += 2;
        if (!take_len(&p, end, 2, &n))
            return 0;
        if (t == tag) {
            *body = p;
            *body_len = n;
            return 1;
        }
    }
    return 0;
}

/* The extension of this type in a ClientHello message. */
static int find_extension(const unsigned char *msg, size_t len, unsigned type,
                          const unsigned char **body, size_t *body_len)
{
    const unsigned char *p = msg + 4, *end = msg + len;

    /* version and random, then session id, suites, compression methods */
    if ((size_t)(end - p) < 34)
        return 0;
    p += 34;
    if (!skip_vector(&p, end, 1) || !skip_vector(&p, end, 2) || !skip_vector(&p, end, 1))
        return 0;
    return find_tagged(p, end, type, body, body_len);
}

static int has_key_share(const unsigned char *shares, size_t len, unsigned group)
{
    const unsigned char *body;
    size_t n;

    return find_tagged(shares, shares + len, group, &body, &n);
}

int tlsd_client_hello_groups(SSL_CTX *client, char *buf, size_t cap)
{
    capture c = {NULL, 0};
    const unsigned char *groups, *shares = NULL, *p, *end;
    size_t groups_len, shares_len = 0, n;
    SSL *ssl = SSL_new(client);
    BIO *a = NULL, *b = NULL;

    buf[0] = '\0';
    ERR_set_mark();
    if (ssl != NULL && BIO_new_bio_pair(&a, 0, &b, 0)) {
        SSL_set_bio(ssl, a, a);
        SSL_set_msg_callback(ssl, keep_client_hello);
        SSL_set_msg_callback_arg(ssl, &c);
        SSL_connect(ssl);
    }
    ERR_pop_to_mark();
    if (c.hello != NULL && find_extension(c.hello, c.len, EXT_SUPPORTED_GROUPS, &groups, &groups_len)) {
        find_extension(c.hello, c.len, EXT_KEY_SHARE, &shares, &shares_len);
        p = groups;
        end = groups + groups_len;
        if (take_len(&p, end, 2, &n)) {
            for (end = p + n; end - p >= 2; p += 2) {
                unsigned id = ((unsigned)p[0] << 8) | p[1];
                const char *name = SSL_group_to_name(ssl, (int)(TLSEXT_nid_unknown | id));
                size_t used = strlen(buf);

                snprintf(buf + used, cap - used, "%s%s", used ? ":" : "",
                         shares != NULL && has_key_share(shares, shares_len, id) ? "*" : "");
                used = strlen(buf);
                if (name != NULL)
                    snprintf(buf + used, cap - used, "%s", name);
                else
                    snprintf(buf + used, cap - used, "0x%04x", id);
            }
        }
    }
    OPENSSL_free(c.hello);
    SSL_free(ssl);
    BIO_free(b);
    return buf[0] != '\0';
}
