/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults-info [--config FILE] [--program NAME] [--json]
 *
 * Loads a configuration as any OpenSSL program would (the module, ssl_conf,
 * providers), creates a client and a server context, and prints what they
 * got and where each value came from: the profile, a key of the module's
 * section, system_default, or OpenSSL's default.
 *
 * The steps are in their own files (inspection.h names them); this one
 * builds the rows of each context and runs the steps in order.
 *
 * Exit status: 0 the module ran and its section is valid; 1 the
 * configuration is broken (TLS is refused, or OpenSSL fails to load it);
 * 2 the configuration does not name the module; 3 programs using it get
 * no policy at all (OpenSSL ignores a file it cannot read or parse, and
 * skips a module it cannot load); 64 bad usage.
 *
 * --program NAME: the policy of that program (a file name or an absolute
 * path) under the module section's Programs entries. A file name that is
 * not the name of the file the command NAME runs (a link: python3 runs
 * python3.11) gets a warning naming that file and the entry it gets. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "audit_report.h"
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

/* A setting applied by OpenSSL's SSL_CONF (module and system_default). */
static void conf_row(const inspection *in, row *rows, int *n, const char *name,
                     const char *value)
{
    row *r = add(rows, n, name);
    const char *sd = tlsd_config_scan_value(in->cnf, in->system_default, name);

    snprintf(r->value, sizeof(r->value), "%s", value != NULL ? value : sd != NULL ? sd : policy_value(in, name));
    origin_of(in, name, name, r->origin, sizeof(r->origin));
}

/* A key of the module alone; client_only: servers are not given it. */
static void guard_row(const inspection *in, row *rows, int *n, const char *name,
                      int client_only, int server, const char *value)
{
    row *r = add(rows, n, name);

    if (client_only && server) {
        snprintf(r->value, sizeof(r->value), "%s", tlsd_policy_unset_value(name));
        snprintf(r->origin, sizeof(r->origin), "not applied to servers");
        return;
    }
    snprintf(r->value, sizeof(r->value), "%s",
             in->policy != NULL && tlsd_policy_audits(in->policy, name)
                 ? tlsd_policy_unset_value(name) : value);
    origin_of(in, name, NULL, r->origin, sizeof(r->origin));
}

static const char *verify_mode_name(int mode)
{
    if (!(mode & SSL_VERIFY_PEER))
        return "none";
    return (mode & SSL_VERIFY_FAIL_IF_NO_PEER_CERT) ? "peer, fail if no peer certificate" : "peer";
}

static int context_rows(const inspection *in, SSL_CTX *ctx, int server, row *rows)
{
    X509_VERIFY_PARAM *param = SSL_CTX_get0_param(ctx);
    const char *store = policy_value(in, "TrustStore");
    tlsd_policy_guards enforced;
    int forced = 0;
    char text[4096];
    row *r;
    int n = 0;

    conf_row(in, rows, &n, "MinProtocol", tlsd_version_name((int)SSL_CTX_get_min_proto_version(ctx)));
    conf_row(in, rows, &n, "MaxProtocol", tlsd_version_name((int)SSL_CTX_get_max_proto_version(ctx)));
    tlsd_ctx_cipher_names(ctx, 0, text, sizeof(text));
    conf_row(in, rows, &n, "CipherString", text);
    rows[n - 1].name = "Ciphers";
    tlsd_ctx_cipher_names(ctx, 1, text, sizeof(text));
    conf_row(in, rows, &n, "Ciphersuites", text);
    conf_row(in, rows, &n, "Groups", in->groups[0] != '\0' ? in->groups : NULL);
    conf_row(in, rows, &n, "SignatureAlgorithms", NULL);
    snprintf(text, sizeof(text), "0x%08llx", (unsigned long long)SSL_CTX_get_options(ctx));
    conf_row(in, rows, &n, "Options", text);

    if (in->policy != NULL) {
        tlsd_policy_get_enforced_guards(in->policy, &enforced);
        forced = enforced.verify_peer == TLSD_VERIFY_PEER_FORCE;
    }
    r = add(rows, &n, "VerifyMode");
    snprintf(r->value, sizeof(r->value), "%s%s", verify_mode_name(SSL_CTX_get_verify_mode(ctx)),
             !server && forced ? ", forced (VerifyPeer = force)" : "");
    origin_of(in, server ? NULL : "VerifyPeer", "VerifyMode", r->origin, sizeof(r->origin));
    r = add(rows, &n, "VerifyFlags");
    tlsd_flag_names("VerifyFlags", X509_VERIFY_PARAM_get_flags(param), r->value, sizeof(r->value));
    origin_of(in, "VerifyFlags", NULL, r->origin, sizeof(r->origin));
    r = add(rows, &n, "HostFlags");
    tlsd_flag_names("HostFlags", X509_VERIFY_PARAM_get_hostflags(param), r->value, sizeof(r->value));
    origin_of(in, "HostFlags", NULL, r->origin, sizeof(r->origin));

    if (strcmp(store, "system") == 0) {
        char where[1024];

        tlsd_trust_system_locations(where, sizeof(where));
        snprintf(text, sizeof(text), "system (%s)", where);
    } else {
        snprintf(text, sizeof(text), "%s", store);
    }
    guard_row(in, rows, &n, "TrustStore", 1, server, text);
    guard_row(in, rows, &n, "HostnameCheck", 1, server, policy_value(in, "HostnameCheck"));
    guard_row(in, rows, &n, "Enforce", 0, server, policy_value(in, "Enforce"));
    guard_row(in, rows, &n, "KeyLog", 0, server, policy_value(in, "KeyLog"));
    if (in->policy != NULL && tlsd_policy_value(in->policy, "Audit") != NULL) {
        guard_row(in, rows, &n, "Audit", 0, server, policy_value(in, "Audit"));
        guard_row(in, rows, &n, "AuditLog", 0, server, policy_value(in, "AuditLog"));
        if (tlsd_policy_origin(in->policy, "AuditLog") == NULL)
            snprintf(rows[n - 1].origin, sizeof(rows[n - 1].origin), "not set: the default");
    }
    r = add(rows, &n, "KeyLogWriter");
    if (tlsd_openssl_writes_keylog()) {
        snprintf(r->value, sizeof(r->value), "OpenSSL itself, for every context");
        snprintf(r->origin, sizeof(r->origin),
                 "libssl built with enable-sslkeylog; KeyLog cannot stop it");
    } else {
        snprintf(r->value, sizeof(r->value), "%s",
                 strcmp(policy_value(in, "KeyLog"), "yes") == 0 ? "the module" : "nobody");
        snprintf(r->origin, sizeof(r->origin), "KeyLog; this libssl does not read SSLKEYLOGFILE");
    }
    return n;
}

static int usage(const char *argv0)
{
    fprintf(stderr, "usage: %s [--config FILE] [--program NAME] [--json]\n"
                    "       %s --audit-report FILE|- [--json]\n", argv0, argv0);
    return 64;
}

/* The module in this process applied the policy of tlsdefaults-info
 * itself; with --program the rows are read from a context made before the
 * configuration was loaded (base: no module hook ran on it), given that
 * program's policy as the module gives it (audited keys left out), then
 * system_default, in the order a program gets them. */
static SSL_CTX *as_program(const inspection *in, SSL_CTX *ctx, SSL_CTX *base, int server)
{
    tlsd_policy_guards g;

    if (in->program == NULL || in->policy == NULL || base == NULL)
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

/* --audit-report: 0, 1 when the log holds no audit line, 2 when it
 * cannot be read. */
static int audit_report(const char *path, int json)
{
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    int rc;

    if (in == NULL) {
        fprintf(stderr, "tlsdefaults-info: %s: %s\n", path, strerror(errno));
        return 2;
    }
    rc = tlsd_audit_report(in, stdout, json);
    if (in != stdin)
        fclose(in);
    return rc;
}

static int parse_args(int argc, char **argv, inspection *in, int *json, const char **audit_log)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            *json = 1;
        else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            in->config = argv[++i];
        else if (strcmp(argv[i], "--program") == 0 && i + 1 < argc
                 && tlsd_program_named(&in->prog, argv[i + 1]))
            in->program = argv[++i];
        else if (strcmp(argv[i], "--audit-report") == 0 && i + 1 < argc)
            *audit_log = argv[++i];
        else
            return 0;
    }
    return 1;
}

/* The rows, from the contexts a program gets (as_program). Takes the
 * contexts: *ctx[] are the ones left to free. */
static void build_rows(inspection *in, SSL_CTX *ctx[2], SSL_CTX *program_ctx[2], inspection_rows *rows)
{
    if (in->status != STATUS_OK && in->status != STATUS_NOT_LOADED)
        return;
    for (int server = 0; server < 2; server++) {
        ctx[server] = as_program(in, ctx[server], program_ctx[server], server);
        if (ctx[server] == program_ctx[server])
            program_ctx[server] = NULL; /* freed as ctx */
    }
    rows->n_client = context_rows(in, ctx[0], 0, rows->client);
    rows->n_server = context_rows(in, ctx[1], 1, rows->server);
}

int main(int argc, char **argv)
{
    inspection in = {0};
    static inspection_rows rows;
    int json = 0;
    const char *audit_log = NULL;
    char *default_config = NULL;
    SSL_CTX *before, *ctx[2] = {NULL, NULL}, *program_ctx[2] = {NULL, NULL};

    if (!parse_args(argc, argv, &in, &json, &audit_log))
        return usage(argv[0]);
    if (audit_log != NULL)
        return audit_report(audit_log, json);
    /* The configuration is loaded below, by hand, to see its errors. */
    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    OPENSSL_load_builtin_modules();
    if (in.config == NULL)
        in.config = default_config = CONF_get1_default_config_file();
    /* Made before any module can run: OpenSSL's own security callback. */
    if ((before = SSL_CTX_new(TLS_client_method())) == NULL) {
        ERR_print_errors_fp(stderr);
        return STATUS_BROKEN;
    }
    if (in.program != NULL) {
        program_ctx[0] = SSL_CTX_new(TLS_client_method());
        program_ctx[1] = SSL_CTX_new(TLS_server_method());
    }
    tlsd_verdict_inspect(&in, before, &ctx[0], &ctx[1]);
    if (in.cnf != NULL && in.status != STATUS_NO_POLICY)
        tlsd_program_warning_check(&in);
    build_rows(&in, ctx, program_ctx, &rows);
    if (json)
        tlsd_inspection_json_print(&in, &rows);
    else
        tlsd_inspection_text_print(&in, &rows);

    SSL_CTX_free(before);
    for (int i = 0; i < 2; i++) {
        SSL_CTX_free(program_ctx[i]);
        SSL_CTX_free(ctx[i]);
    }
    tlsd_policy_free(in.policy);
    free(in.module_section);
    free(in.system_default);
    NCONF_free(in.cnf);
    OPENSSL_free(default_config);
    return in.status;
}
