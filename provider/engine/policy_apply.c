/* SPDX-License-Identifier: Apache-2.0 */
/* Applying a policy to an SSL_CTX, and a Peers entry to one connection. */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "method_role.h"
#include "policy_internal.h"

/* What settings go on: a context, or one connection (a Peers entry's). */
typedef struct {
    SSL_CTX *ctx;
    SSL *ssl;
} target;

/* Runs one SSL_CONF command on t. SSL_CONF_FLAG_FILE gives the
 * openssl.cnf spelling and case-insensitive names. */
static int conf_cmd(target t, const char *name, const char *value, unsigned int extra_flags)
{
    SSL_CONF_CTX *cctx = SSL_CONF_CTX_new();
    int ok;

    if (cctx == NULL)
        return 0;
    SSL_CONF_CTX_set_flags(cctx, SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_CLIENT
                                     | SSL_CONF_FLAG_SERVER | extra_flags);
    if (t.ssl != NULL)
        SSL_CONF_CTX_set_ssl(cctx, t.ssl);
    else
        SSL_CONF_CTX_set_ssl_ctx(cctx, t.ctx);
    ok = SSL_CONF_cmd(cctx, name, value) > 0;
    SSL_CONF_CTX_free(cctx);
    return ok;
}

int tlsd_policy_apply_conf_cmd(SSL_CTX *ctx, const char *name, const char *value,
                               unsigned int extra_flags)
{
    return conf_cmd((target){ctx, NULL}, name, value, extra_flags);
}

/* DTLS has no 1.3 in OpenSSL 3.x and numbers its versions apart, so a TLS
 * bound maps to the nearest DTLS bound that is not weaker. */
static int dtls_bound(int tls_version)
{
    if (tls_version == 0)
        return 0;
    return tls_version >= TLS1_2_VERSION ? DTLS1_2_VERSION : DTLS1_VERSION;
}

/* The values of s[] on t, but the keys in audited: their effect is
 * reported by the audit (audit.c), not applied. */
static int apply_values(const tlsd_setting_value *s, unsigned audited, target t)
{
    int ok = 1, dtls = tlsd_method_role_info(t.ssl != NULL ? SSL_get_ssl_method(t.ssl)
                                                          : SSL_CTX_get_ssl_method(t.ctx)).dtls;
    X509_VERIFY_PARAM *param = t.ssl != NULL ? SSL_get0_param(t.ssl) : SSL_CTX_get0_param(t.ctx);

    for (int i = 0; i < TLSD_KEY_COUNT; i++) {
        const tlsd_setting_value *st = &s[i];

        if (!st->set || (tlsd_policy_keys[i].kind != KEY_REPLACE && tlsd_policy_keys[i].kind != KEY_EDIT_LIST))
            continue;
        if ((dtls && (i == TLSD_KEY_MIN_PROTOCOL || i == TLSD_KEY_MAX_PROTOCOL)) || (audited & tlsd_policy_keys[i].audit_bit))
            continue;
        if (!conf_cmd(t, tlsd_policy_keys[i].name, st->value, 0))
            ok = 0;
    }
    if (s[TLSD_KEY_VERIFY_FLAGS].set && !(audited & TLSD_AUDIT_VERIFY_FLAGS)) {
        unsigned long mask = 0;

        for (const tlsd_flag_name *f = tlsd_verify_flag_names; f->name != NULL; f++)
            mask |= f->bit;
        X509_VERIFY_PARAM_clear_flags(param, mask & ~s[TLSD_KEY_VERIFY_FLAGS].bits);
        X509_VERIFY_PARAM_set_flags(param, s[TLSD_KEY_VERIFY_FLAGS].bits);
    }
    if (s[TLSD_KEY_HOST_FLAGS].set)
        X509_VERIFY_PARAM_set_hostflags(param, (unsigned int)s[TLSD_KEY_HOST_FLAGS].bits);
    return ok;
}

static unsigned audited_keys(const tlsd_policy *p)
{
    return p->s[TLSD_KEY_AUDIT].set ? (unsigned)p->s[TLSD_KEY_AUDIT].bits : 0;
}

static int apply_settings(const tlsd_policy *p, SSL_CTX *ctx, int skip_audited)
{
    int ok, dtls = tlsd_method_role_info(SSL_CTX_get_ssl_method(ctx)).dtls;
    unsigned audited = skip_audited ? audited_keys(p) : 0;

    ok = apply_values(p->s, audited, (target){ctx, NULL});
    if (dtls) {
        int max = p->max_version;

        if (!(audited & TLSD_AUDIT_MIN_PROTOCOL))
            ok &= SSL_CTX_set_min_proto_version(ctx, dtls_bound(p->min_version));
        ok &= SSL_CTX_set_max_proto_version(ctx, max != 0 && max < TLS1_2_VERSION ? dtls_bound(max) : 0);
    }
    if (p->s[TLSD_KEY_MODE].set) {
        SSL_CTX_clear_mode(ctx, SSL_MODE_RELEASE_BUFFERS & ~p->s[TLSD_KEY_MODE].bits);
        SSL_CTX_set_mode(ctx, (long)p->s[TLSD_KEY_MODE].bits);
    }
    return ok;
}

struct tlsd_peer_settings {
    tlsd_setting_value s[TLSD_KEY_COUNT]; /* the entry's own keys only */
    unsigned audited;
};

void tlsd_policy_apply_peer_free(tlsd_peer_settings *ps)
{
    if (ps == NULL)
        return;
    for (int i = 0; i < TLSD_KEY_COUNT; i++)
        free(ps->s[i].value);
    free(ps);
}

tlsd_peer_settings *tlsd_policy_apply_peer_new(const tlsd_policy *p, size_t i)
{
    const tlsd_peer_entry *e = &p->peers[i];
    tlsd_peer_settings *ps = calloc(1, sizeof(*ps));

    if (ps == NULL)
        return NULL;
    ps->audited = audited_keys(e->policy);
    for (int k = 0; k < TLSD_KEY_COUNT; k++) {
        const tlsd_setting_value *st = &e->policy->s[k];

        if (!(e->keys & (1u << k)) || !st->set)
            continue;
        ps->s[k].set = 1;
        ps->s[k].bits = st->bits;
        if (st->value != NULL && (ps->s[k].value = strdup(st->value)) == NULL) {
            tlsd_policy_apply_peer_free(ps);
            return NULL;
        }
    }
    return ps;
}

int tlsd_policy_apply_peer(const tlsd_peer_settings *ps, SSL *ssl)
{
    int ok;

    ERR_set_mark();
    ok = apply_values(ps->s, ps->audited, (target){NULL, ssl});
    ERR_pop_to_mark();
    return ok;
}

int tlsd_policy_apply(const tlsd_policy *p, SSL_CTX *ctx)
{
    int ok;

    /* Runs inside SSL_CTX_new(): whatever fails must not show up on the
     * application's error queue as if its own call had failed. */
    ERR_set_mark();
    ok = apply_settings(p, ctx, 1);
    ERR_pop_to_mark();
    return ok;
}

SSL_CTX *tlsd_policy_sample_ctx(const tlsd_policy *p, const SSL_METHOD *method)
{
    SSL_CTX *ctx = tlsd_policy_scratch_new(method);

    if (ctx != NULL) {
        ERR_set_mark();
        apply_settings(p, ctx, 0);
        ERR_pop_to_mark();
    }
    return ctx;
}
