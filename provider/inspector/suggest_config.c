/* SPDX-License-Identifier: Apache-2.0 */
#include "suggest_config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "inspection.h"

void tlsd_suggest_config_read(tlsd_suggest_config *c, const char *path)
{
    char *default_path = path == NULL ? CONF_get1_default_config_file() : NULL;
    inspection in = {0};

    memset(c, 0, sizeof(*c));
    /* Never the module's own run: a scratch context below must be bare. */
    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    ERR_set_mark();
    c->cnf = NCONF_new(NULL);
    if (c->cnf != NULL && NCONF_load(c->cnf, path != NULL ? path : default_path, NULL) <= 0) {
        NCONF_free(c->cnf);
        c->cnf = NULL;
    }
    if (c->cnf != NULL) {
        in.cnf = c->cnf;
        tlsd_config_scan_sections(&in);
        free(in.system_default);
        c->module_section = in.module_section;
        c->programs = tlsd_config_scan_value(c->cnf, c->module_section, "Programs");
    }
    ERR_pop_to_mark();
    OPENSSL_free(default_path);
}

void tlsd_suggest_config_free(tlsd_suggest_config *c)
{
    free(c->module_section);
    NCONF_free(c->cnf);
}

const char *tlsd_suggest_config_entry(const tlsd_suggest_config *c, const char *program)
{
    const char *programs;
    const CONF_VALUE *e;
    tlsd_program prog;

    if (c->module_section == NULL || !tlsd_program_named(&prog, program))
        return NULL;
    e = tlsd_policy_section_program_entry(c->cnf, c->module_section, &prog, &programs);
    return e != NULL ? e->value : NULL;
}

static void names(SSL_CTX *ctx, int tls13, char *buf, size_t cap)
{
    STACK_OF(SSL_CIPHER) *all = SSL_CTX_get_ciphers(ctx);
    size_t used = 0;

    buf[0] = '\0';
    for (int i = 0; i < sk_SSL_CIPHER_num(all); i++) {
        const SSL_CIPHER *s = sk_SSL_CIPHER_value(all, i);

        if ((strcmp(SSL_CIPHER_get_version(s), "TLSv1.3") == 0) != tls13)
            continue;
        used += (size_t)snprintf(buf + used, used < cap ? cap - used : 0, "%s%s",
                                 used > 0 ? ":" : "", SSL_CIPHER_get_name(s));
    }
    if (used >= cap)
        buf[0] = '\0'; /* better none than a cut name */
}

tlsd_policy *tlsd_suggest_config_policy(const tlsd_suggest_config *c, const char *program)
{
    tlsd_policy *p = NULL;
    tlsd_program prog;

    ERR_set_mark();
    if (c->module_section != NULL && tlsd_program_named(&prog, program))
        p = tlsd_policy_section_read_for(c->cnf, c->module_section, 1, &prog);
    ERR_pop_to_mark();
    return p;
}

int tlsd_suggest_config_has_section(const tlsd_suggest_config *c, const char *name)
{
    return c->cnf != NULL && NCONF_get_section(c->cnf, name) != NULL;
}

void tlsd_suggest_config_suites(const tlsd_policy *policy, char *list, size_t cap, int *level,
                                char *suites13, size_t cap13)
{
    tlsd_policy *fallback = NULL;
    const tlsd_policy *p = policy;
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    const char *cs, *s13;

    ERR_set_mark();
    if (p == NULL)
        p = fallback = tlsd_policy_new("python");
    cs = p != NULL ? tlsd_policy_value(p, "CipherString") : NULL;
    s13 = p != NULL ? tlsd_policy_value(p, "Ciphersuites") : NULL;
    list[0] = suites13[0] = '\0';
    *level = 1;
    if (ctx != NULL && SSL_CTX_set_cipher_list(ctx, cs != NULL ? cs : "DEFAULT")
        && (s13 == NULL || SSL_CTX_set_ciphersuites(ctx, s13))) {
        names(ctx, 0, list, cap);
        names(ctx, 1, suites13, cap13);
        *level = SSL_CTX_get_security_level(ctx);
    }
    ERR_pop_to_mark();
    SSL_CTX_free(ctx);
    tlsd_policy_free(fallback);
}
