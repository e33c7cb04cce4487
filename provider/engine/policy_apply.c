/* SPDX-License-Identifier: Apache-2.0 */
/* Applying a policy to an SSL_CTX. */
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "method_role.h"
#include "policy_internal.h"

/* Runs one SSL_CONF command on ctx. SSL_CONF_FLAG_FILE gives the
 * openssl.cnf spelling and case-insensitive names. */
int tlsd_policy_apply_conf_cmd(SSL_CTX *ctx, const char *name, const char *value,
                               unsigned int extra_flags)
{
    SSL_CONF_CTX *cctx = SSL_CONF_CTX_new();
    int ok;

    if (cctx == NULL)
        return 0;
    SSL_CONF_CTX_set_flags(cctx, SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_CLIENT
                                     | SSL_CONF_FLAG_SERVER | extra_flags);
    SSL_CONF_CTX_set_ssl_ctx(cctx, ctx);
    ok = SSL_CONF_cmd(cctx, name, value) > 0;
    SSL_CONF_CTX_free(cctx);
    return ok;
}

/* DTLS has no 1.3 in OpenSSL 3.x and numbers its versions apart, so a TLS
 * bound maps to the nearest DTLS bound that is not weaker. */
static int dtls_bound(int tls_version)
{
    if (tls_version == 0)
        return 0;
    return tls_version >= TLS1_2_VERSION ? DTLS1_2_VERSION : DTLS1_VERSION;
}

/* The keys Audit names are left out of a context (skip_audited): their
 * effect is reported by the audit (audit.c), not applied. */
static int apply_settings(const tlsd_policy *p, SSL_CTX *ctx, int skip_audited)
{
    int ok = 1, dtls = tlsd_method_role_info(SSL_CTX_get_ssl_method(ctx)).dtls;
    X509_VERIFY_PARAM *param = SSL_CTX_get0_param(ctx);
    unsigned audited = skip_audited && p->s[TLSD_KEY_AUDIT].set ? (unsigned)p->s[TLSD_KEY_AUDIT].bits : 0;

    for (int i = 0; i < TLSD_KEY_COUNT; i++) {
        const tlsd_setting_value *st = &p->s[i];

        if (!st->set || (tlsd_policy_keys[i].kind != KEY_REPLACE && tlsd_policy_keys[i].kind != KEY_EDIT_LIST))
            continue;
        if ((dtls && (i == TLSD_KEY_MIN_PROTOCOL || i == TLSD_KEY_MAX_PROTOCOL)) || (audited & tlsd_policy_keys[i].audit_bit))
            continue;
        if (!tlsd_policy_apply_conf_cmd(ctx, tlsd_policy_keys[i].name, st->value, 0))
            ok = 0;
    }
    if (dtls) {
        int max = p->max_version;

        if (!(audited & TLSD_AUDIT_MIN_PROTOCOL))
            ok &= SSL_CTX_set_min_proto_version(ctx, dtls_bound(p->min_version));
        ok &= SSL_CTX_set_max_proto_version(ctx, max != 0 && max < TLS1_2_VERSION ? dtls_bound(max) : 0);
    }
    if (p->s[TLSD_KEY_VERIFY_FLAGS].set && !(audited & TLSD_AUDIT_VERIFY_FLAGS)) {
        unsigned long mask = 0;

        for (const tlsd_flag_name *f = tlsd_verify_flag_names; f->name != NULL; f++)
            mask |= f->bit;
        X509_VERIFY_PARAM_clear_flags(param, mask & ~p->s[TLSD_KEY_VERIFY_FLAGS].bits);
        X509_VERIFY_PARAM_set_flags(param, p->s[TLSD_KEY_VERIFY_FLAGS].bits);
    }
    if (p->s[TLSD_KEY_HOST_FLAGS].set)
        X509_VERIFY_PARAM_set_hostflags(param, (unsigned int)p->s[TLSD_KEY_HOST_FLAGS].bits);
    if (p->s[TLSD_KEY_MODE].set) {
        SSL_CTX_clear_mode(ctx, SSL_MODE_RELEASE_BUFFERS & ~p->s[TLSD_KEY_MODE].bits);
        SSL_CTX_set_mode(ctx, (long)p->s[TLSD_KEY_MODE].bits);
    }
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
