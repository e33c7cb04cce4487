/* SPDX-License-Identifier: Apache-2.0 */
/* The rows of a context: one per key of the shared describer
 * (tlsd_policy_describe_each), read back from the context a program gets,
 * each with where its value comes from: system_default wins over the
 * module, the module over OpenSSL's default. */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "client_hello.h"
#include "inspection.h"
#include "keylog.h"
#include "trust_store.h"

/* Where a value comes from: system_default wins over the module (it is
 * applied after it), the module over OpenSSL's default. */
static void origin_of(const inspection *in, const char *policy_key,
                      const char *ssl_conf_key, char *buf, size_t cap)
{
    /* Keys of the module alone are off unless set: no OpenSSL default. */
    const char *fallback = ssl_conf_key == NULL && policy_key != NULL
                                   && tlsd_policy_unset_value(policy_key) != NULL
                               ? "not set: off" : "OpenSSL default";
    const char *policy_origin = in->policy != NULL && policy_key != NULL
                                    ? tlsd_policy_origin(in->policy, policy_key) : NULL;

    if (ssl_conf_key != NULL && tlsd_config_scan_value(in->cnf, in->system_default, ssl_conf_key) != NULL)
        snprintf(buf, cap, "system_default [%s]%s%s", in->system_default,
                 policy_origin != NULL ? ", over " : "", policy_origin != NULL ? policy_origin : "");
    else if (policy_key != NULL && in->policy != NULL && tlsd_policy_audits(in->policy, policy_key))
        /* What the context shows is the program's own: the policy's value
         * only reports. */
        snprintf(buf, cap, "audited: the value of %s is reported, not applied (Audit, %s)",
                 policy_origin != NULL ? policy_origin : fallback,
                 tlsd_policy_origin(in->policy, "Audit"));
    else
        snprintf(buf, cap, "%s", policy_origin != NULL ? policy_origin : fallback);
}

/* The policy's value of key; unset: the module's "off" value, or "default". */
static const char *policy_value(const inspection *in, const char *key)
{
    const char *v = in->policy != NULL ? tlsd_policy_value(in->policy, key) : NULL;

    if (v == NULL)
        v = tlsd_policy_unset_value(key);
    return v != NULL ? v : "default";
}

static row *add(row *rows, int *n, const char *name)
{
    row *r = &rows[(*n)++];

    r->name = name;
    r->value[0] = r->origin[0] = '\0';
    return r;
}

/* A setting applied by OpenSSL's SSL_CONF (module and system_default):
 * as the context holds it, else system_default's value over the policy's.
 * Groups: what a new client context offers, when known. */
static void conf_row(const inspection *in, row *r, const tlsd_policy_row *k)
{
    const char *sd = tlsd_config_scan_value(in->cnf, in->system_default, k->key);
    const char *value = k->read_back || sd == NULL ? k->value : sd;

    if (strcmp(k->key, "Groups") == 0 && in->groups[0] != '\0')
        value = in->groups;
    snprintf(r->value, sizeof(r->value), "%s", value);
    origin_of(in, k->key, k->key, r->origin, sizeof(r->origin));
}

/* TrustStore = system names where the system store is. */
static void trust_store_value(const char *store, char *buf, size_t cap)
{
    if (strcmp(store, "system") == 0) {
        char where[1024];

        tlsd_trust_store_system_locations(where, sizeof(where));
        snprintf(buf, cap, "system (%s)", where);
    } else {
        snprintf(buf, cap, "%s", store);
    }
}

/* A key of the module alone. TrustStore and HostnameCheck are not given
 * to servers; an audited key applies nothing, so shows as unset. */
static void guard_row(const inspection *in, row *r, const tlsd_policy_row *k, int server)
{
    int client_only = strcmp(k->key, "TrustStore") == 0 || strcmp(k->key, "HostnameCheck") == 0;

    if (client_only && server) {
        snprintf(r->value, sizeof(r->value), "%s", k->unset);
        snprintf(r->origin, sizeof(r->origin), "not applied to servers");
        return;
    }
    if (in->policy != NULL && tlsd_policy_audits(in->policy, k->key))
        snprintf(r->value, sizeof(r->value), "%s", k->unset);
    else if (strcmp(k->key, "TrustStore") == 0)
        trust_store_value(k->value, r->value, sizeof(r->value));
    else
        snprintf(r->value, sizeof(r->value), "%s", k->value);
    origin_of(in, k->key, NULL, r->origin, sizeof(r->origin));
    if (strcmp(k->key, "AuditLog") == 0 && k->origin == NULL)
        snprintf(r->origin, sizeof(r->origin), "not set: the default");
}

static const char *verify_mode_name(int mode)
{
    if (!(mode & SSL_VERIFY_PEER))
        return "none";
    return (mode & SSL_VERIFY_FAIL_IF_NO_PEER_CERT) ? "peer, fail if no peer certificate" : "peer";
}

/* VerifyPeer's effect: the context's verify mode. */
static void verify_mode_row(const inspection *in, row *r, SSL_CTX *ctx, int server)
{
    tlsd_policy_guards enforced;
    int forced = 0;

    if (in->policy != NULL) {
        tlsd_policy_get_enforced_guards(in->policy, &enforced);
        forced = enforced.verify_peer == TLSD_VERIFY_PEER_FORCE;
    }
    snprintf(r->value, sizeof(r->value), "%s%s", verify_mode_name(SSL_CTX_get_verify_mode(ctx)),
             !server && forced ? ", forced (VerifyPeer = force)" : "");
    origin_of(in, server ? NULL : "VerifyPeer", "VerifyMode", r->origin, sizeof(r->origin));
}

typedef struct {
    const inspection *in;
    SSL_CTX *ctx;
    int server;
    row *rows;
    int n;
} row_walk;

/* One row of the shared describer (tlsd_policy_describe_each), with the
 * inspector's overlays: VerifyMode stands for VerifyPeer, before
 * VerifyFlags; Mode is not shown. */
static void key_row(const tlsd_policy_row *k, void *arg)
{
    row_walk *w = arg;
    row *r;

    if (strcmp(k->key, "VerifyPeer") == 0 || strcmp(k->key, "Mode") == 0)
        return;
    if (strcmp(k->key, "VerifyFlags") == 0)
        verify_mode_row(w->in, add(w->rows, &w->n, "VerifyMode"), w->ctx, w->server);
    r = add(w->rows, &w->n, k->label);
    if (k->ssl_conf)
        conf_row(w->in, r, k);
    else if (k->unset != NULL)
        guard_row(w->in, r, k, w->server);
    else {
        snprintf(r->value, sizeof(r->value), "%s", k->value);
        origin_of(w->in, k->key, NULL, r->origin, sizeof(r->origin));
    }
}

static int context_rows(const inspection *in, SSL_CTX *ctx, int server, row *rows)
{
    row_walk w = {in, ctx, server, rows, 0};
    row *r;

    tlsd_policy_describe_each(in->policy, ctx, key_row, &w);
    r = add(rows, &w.n, "KeyLogWriter");
    if (tlsd_keylog_openssl_writes()) {
        snprintf(r->value, sizeof(r->value), "OpenSSL itself, for every context");
        snprintf(r->origin, sizeof(r->origin),
                 "libssl built with enable-sslkeylog; KeyLog cannot stop it");
    } else {
        snprintf(r->value, sizeof(r->value), "%s",
                 strcmp(policy_value(in, "KeyLog"), "yes") == 0 ? "the module" : "nobody");
        snprintf(r->origin, sizeof(r->origin), "KeyLog; this libssl does not read SSLKEYLOGFILE");
    }
    return w.n;
}

/* The module in this process applied the policy of tlsdefaults-info
 * itself; with --program the rows are read from a context made before the
 * configuration was loaded (base: no module hook ran on it), given that
 * program's policy as the module gives it (audited keys left out), then
 * system_default, in the order a program gets them. With --profile, base
 * gets the profile's policy the same way (no configuration, no ctx). */
static SSL_CTX *as_program(const inspection *in, SSL_CTX *ctx, SSL_CTX *base, int server)
{
    tlsd_policy_guards g;

    if ((in->program == NULL && in->profile == NULL) || in->policy == NULL || base == NULL)
        return ctx;
    ERR_set_mark();
    tlsd_policy_apply(in->policy, base);
    tlsd_policy_get_enforced_guards(in->policy, &g);
    if (!server && g.verify_peer)
        SSL_CTX_set_verify(base, SSL_VERIFY_PEER, NULL);
    if (in->system_default != NULL)
        SSL_CTX_config(base, "system_default");
    ERR_pop_to_mark();
    SSL_CTX_free(ctx);
    return base;
}

/* The rows, from the contexts a program gets (as_program). Takes the
 * contexts: *ctx[] are the ones left to free. */
void tlsd_inspection_rows_build(inspection *in, SSL_CTX *ctx[2], SSL_CTX *program_ctx[2], inspection_rows *rows)
{
    if (in->status != STATUS_OK && in->status != STATUS_NOT_LOADED)
        return;
    for (int server = 0; server < 2; server++) {
        ctx[server] = as_program(in, ctx[server], program_ctx[server], server);
        if (ctx[server] == program_ctx[server])
            program_ctx[server] = NULL; /* freed as ctx */
    }
    /* From the context the rows are read from: a program's own Groups. */
    tlsd_client_hello_groups(ctx[0], in->groups, sizeof(in->groups));
    rows->n_client = context_rows(in, ctx[0], 0, rows->client);
    rows->n_server = context_rows(in, ctx[1], 1, rows->server);
}

void tlsd_inspection_rows_of_policy(const inspection *in, const tlsd_policy *p, const char *label,
                                    SSL_CTX *base[2], inspection_rows *rows)
{
    static inspection view;
    SSL_CTX *ctx[2] = {NULL, NULL};

    view = *in;
    /* Read only: the rows never edit the policy they show. */
    view.policy = (tlsd_policy *)p;
    view.program = NULL;
    view.profile = label;
    view.status = STATUS_OK;
    tlsd_inspection_rows_build(&view, ctx, base, rows);
    for (int i = 0; i < 2; i++) {
        if (ctx[i] == base[i])
            base[i] = NULL;
        SSL_CTX_free(ctx[i]);
    }
}
