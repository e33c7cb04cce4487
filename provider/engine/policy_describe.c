/* SPDX-License-Identifier: Apache-2.0 */
/* Describing a policy: one walk over the key table (tlsd_policy_describe_each)
 * that both the debug trace (tlsd_policy_describe) and the inspector use,
 * with the readers of a context's effective settings. */
#include <stdio.h>
#include <string.h>

#include <openssl/x509_vfy.h>

#include "policy_internal.h"

const char *tlsd_policy_describe_version(int v)
{
    switch (v) {
    case 0: return "any";
    case TLS1_VERSION: return "TLSv1";
    case TLS1_1_VERSION: return "TLSv1.1";
    case TLS1_2_VERSION: return "TLSv1.2";
    case TLS1_3_VERSION: return "TLSv1.3";
    default: return "?";
    }
}

void tlsd_policy_describe_ciphers(SSL_CTX *ctx, int tls13, char *buf, size_t cap)
{
    STACK_OF(SSL_CIPHER) *ciphers = SSL_CTX_get_ciphers(ctx);

    buf[0] = '\0';
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(ciphers, i);

        if ((strcmp(SSL_CIPHER_get_version(c), "TLSv1.3") == 0) != tls13)
            continue;
        if (buf[0] != '\0')
            strncat(buf, ":", cap - strlen(buf) - 1);
        strncat(buf, SSL_CIPHER_get_name(c), cap - strlen(buf) - 1);
    }
}

void tlsd_policy_describe_flags(const char *key, unsigned long bits, char *buf, size_t cap)
{
    enum tlsd_key_id id;
    const tlsd_key_def *def = tlsd_policy_keys_find(key, &id);

    buf[0] = '\0';
    if (def != NULL && def->kind == KEY_FLAGS)
        tlsd_policy_keys_names(buf, cap, def->names, bits, 0);
    if (buf[0] == '\0')
        snprintf(buf, cap, "none");
}

/* The readers of the table's "read" column. */
void tlsd_policy_describe_min_protocol(SSL_CTX *ctx, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", tlsd_policy_describe_version((int)SSL_CTX_get_min_proto_version(ctx)));
}

void tlsd_policy_describe_max_protocol(SSL_CTX *ctx, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", tlsd_policy_describe_version((int)SSL_CTX_get_max_proto_version(ctx)));
}

void tlsd_policy_describe_cipher_list(SSL_CTX *ctx, char *buf, size_t cap)
{
    tlsd_policy_describe_ciphers(ctx, 0, buf, cap);
}

void tlsd_policy_describe_ciphersuite_list(SSL_CTX *ctx, char *buf, size_t cap)
{
    tlsd_policy_describe_ciphers(ctx, 1, buf, cap);
}

void tlsd_policy_describe_options(SSL_CTX *ctx, char *buf, size_t cap)
{
    snprintf(buf, cap, "0x%08llx", (unsigned long long)SSL_CTX_get_options(ctx));
}

void tlsd_policy_describe_verify_flags(SSL_CTX *ctx, char *buf, size_t cap)
{
    tlsd_policy_describe_flags("VerifyFlags", X509_VERIFY_PARAM_get_flags(SSL_CTX_get0_param(ctx)),
                               buf, cap);
}

void tlsd_policy_describe_host_flags(SSL_CTX *ctx, char *buf, size_t cap)
{
    tlsd_policy_describe_flags("HostFlags", X509_VERIFY_PARAM_get_hostflags(SSL_CTX_get0_param(ctx)),
                               buf, cap);
}

void tlsd_policy_describe_mode(SSL_CTX *ctx, char *buf, size_t cap)
{
    tlsd_policy_describe_flags("Mode", (unsigned long)SSL_CTX_get_mode(ctx), buf, cap);
}

/* One key's row: its value read back from ctx, else the policy's, else
 * what it means unset ("default": OpenSSL's). */
static void make_row(const tlsd_policy *p, SSL_CTX *ctx, int id, char *text, size_t cap,
                     tlsd_policy_row *row)
{
    const tlsd_key_def *def = &tlsd_policy_keys[id];
    const tlsd_setting_value *st = p != NULL && p->s[id].set ? &p->s[id] : NULL;

    row->key = def->name;
    row->label = def->label;
    row->unset = def->unset;
    row->origin = st != NULL ? st->origin : NULL;
    row->read_back = def->read != NULL;
    row->ssl_conf = def->kind == KEY_REPLACE || def->kind == KEY_EDIT_LIST;
    if (def->read != NULL) {
        def->read(ctx, text, cap);
        row->value = text;
    } else {
        row->value = st != NULL ? st->value : def->unset != NULL ? def->unset : "default";
    }
}

void tlsd_policy_describe_each(const tlsd_policy *p, SSL_CTX *ctx, tlsd_policy_row_cb *emit,
                               void *arg)
{
    /* The logging keys show once either is set. */
    int audit_set = p != NULL && (p->s[TLSD_KEY_AUDIT].set || p->s[TLSD_KEY_INVENTORY].set);
    char text[4096];

    for (int i = 0; i < TLSD_KEY_COUNT; i++) {
        const tlsd_key_def *def = &tlsd_policy_keys[i];
        tlsd_policy_row row;

        if (def->label == NULL || (def->show == TLSD_SHOW_WITH_AUDIT && !audit_set))
            continue;
        make_row(p, ctx, i, text, sizeof(text), &row);
        emit(&row, arg);
    }
}

static void print_row(const tlsd_policy_row *row, void *arg)
{
    BIO_printf(arg, "%s: %s (%s)\n", row->label, row->value,
               row->origin != NULL ? row->origin : "OpenSSL default");
}

int tlsd_policy_describe(const tlsd_policy *p, BIO *out)
{
    SSL_CTX *ctx = tlsd_policy_sample_ctx(p, TLS_method());

    if (ctx == NULL)
        return 0;
    BIO_printf(out, "Profile: %s", p->profile->name);
    if (p->profile->target != NULL)
        BIO_printf(out, " (%s)", p->profile->target);
    BIO_printf(out, "\n");
    for (size_t i = 0; i < p->n_left_out; i++)
        BIO_printf(out, "Profile left out: %s %s (OpenSSL %s and later)\n", p->left_out[i]->key,
                   p->left_out[i]->item, p->left_out[i]->since_text);
    tlsd_policy_describe_each(p, ctx, print_row, out);
    SSL_CTX_free(ctx);
    return 1;
}
