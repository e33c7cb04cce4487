/* SPDX-License-Identifier: Apache-2.0 */
/* The verdict: what programs using the configuration get. Whether the
 * module ran is read from a new context, not inferred from the file: the
 * module puts its security callback on every context it handles, so the
 * callback of a context made after the load must live in a tlsdefaults
 * file; and whether TLS works, from a handshake started on it. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "inspection.h"

/* The file that a context's security callback lives in, when it is one of
 * ours: the module put it there, so the module ran. */
static int module_ran(SSL_CTX *fresh, SSL_CTX *before, char *file, size_t cap)
{
    union {
        int (*cb)(const SSL *, const SSL_CTX *, int, int, int, void *, void *);
        void *p;
    } u = {SSL_CTX_get_security_callback(fresh)};
    Dl_info info;

    file[0] = '\0';
    if (u.cb == NULL || u.cb == SSL_CTX_get_security_callback(before)
        || !dladdr(u.p, &info) || !tlsd_config_scan_is_ours(info.dli_fname))
        return 0;
    snprintf(file, cap, "%s", info.dli_fname);
    return 1;
}

/* Starts a handshake on a new SSL of ctx, over a memory pair: 0 when the
 * ClientHello goes out, 1 when it is refused (why in detail). */
static int refuses(SSL_CTX *ctx, char *detail, size_t cap)
{
    SSL *ssl = SSL_new(ctx);
    BIO *a = NULL, *b = NULL;
    const char *data;
    unsigned long e;
    int flags, refused = 1;

    detail[0] = '\0';
    ERR_set_mark();
    if (ssl != NULL && BIO_new_bio_pair(&a, 0, &b, 0)) {
        SSL_set_bio(ssl, a, a);
        refused = SSL_connect(ssl) <= 0 && BIO_ctrl_pending(b) == 0;
    }
    /* The module's reason, else the first error. */
    while (refused && (e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
        const char *lib = ERR_lib_error_string(e), *reason = ERR_reason_error_string(e);

        if (detail[0] == '\0' || (lib != NULL && strcmp(lib, "tlsdefaults") == 0))
            snprintf(detail, cap, "%s%s%s", reason != NULL ? reason : "error",
                     (flags & ERR_TXT_STRING) && *data ? ": " : "",
                     (flags & ERR_TXT_STRING) ? data : "");
    }
    ERR_pop_to_mark();
    SSL_free(ssl);
    BIO_free(b);
    return refused;
}

#define VERDICT(in, st, ...) \
    ((in)->status = (st), (void)snprintf((in)->verdict, sizeof((in)->verdict), __VA_ARGS__))

/* Reads and parses the file, and the module section's policy. 0 when
 * OpenSSL cannot: then it ignores the file in every program. */
static int read_config(inspection *in, long *diagnostics)
{
    long line = 0;

    in->cnf = NCONF_new(NULL);
    if (in->cnf == NULL || NCONF_load(in->cnf, in->config, &line) <= 0) {
        tlsd_config_scan_errors(in);
        VERDICT(in, STATUS_NO_POLICY,
                "programs using this configuration get NO policy: OpenSSL cannot read or parse "
                "the file and ignores all of it, even with config_diagnostics = 1");
        return 0;
    }
    ERR_set_mark();
    if (!NCONF_get_number_e(in->cnf, NULL, "config_diagnostics", diagnostics))
        *diagnostics = 0;
    ERR_pop_to_mark();
    tlsd_config_scan_sections(in);
    if (in->module_section != NULL)
        in->policy = in->program != NULL
                         ? tlsd_policy_section_read_for(in->cnf, in->module_section, 1, &in->prog)
                         : tlsd_policy_section_read(in->cnf, in->module_section, 1);
    tlsd_config_scan_errors(in);
    return 1;
}

/* What the load, the module's run and a handshake on its context say. */
static void decide(inspection *in, int loaded, long diagnostics, int refused, const char *detail)
{
    if (refused)
        VERDICT(in, STATUS_BROKEN,
                "every TLS handshake of a program using this configuration is refused: %s", detail);
    else if (!loaded && diagnostics)
        VERDICT(in, STATUS_BROKEN,
                "OpenSSL fails to load this configuration (config_diagnostics = 1): "
                "programs using it cannot start TLS");
    else if (!loaded && (in->module_file[0] != '\0' || in->module_section == NULL))
        /* Another module fails (after ours, if ours ran). */
        VERDICT(in, STATUS_BROKEN,
                "OpenSSL stops at the module that fails: in programs, the entries of "
                "[openssl_init] after it are skipped");
    else if (in->module_file[0] != '\0')
        VERDICT(in, STATUS_OK, "programs using this configuration get the policy of section %.200s",
                in->module_section != NULL ? in->module_section : "(unknown)");
    else if (in->module_section != NULL)
        VERDICT(in, STATUS_NO_POLICY,
                "programs using this configuration get NO policy: the module of section %.200s "
                "did not run (OpenSSL loads %.512s for it), and without config_diagnostics = 1 "
                "OpenSSL goes on without it",
                in->module_section, in->module_dso);
    else
        VERDICT(in, STATUS_NOT_LOADED,
                "programs using this configuration get OpenSSL's defaults: it does not name "
                "the module");
}

void tlsd_verdict_inspect(inspection *in, SSL_CTX *before, SSL_CTX **client, SSL_CTX **server)
{
    long diagnostics = 0;
    int loaded, refused = 0;
    char detail[512] = "";

    if (!read_config(in, &diagnostics))
        return;
    /* As an application would: the module, ssl_conf, providers. */
    loaded = CONF_modules_load(in->cnf, NULL, 0) > 0;
    tlsd_config_scan_errors(in);
    *client = SSL_CTX_new(TLS_client_method());
    *server = SSL_CTX_new(TLS_server_method());
    if (*client == NULL || *server == NULL) {
        tlsd_config_scan_errors(in);
        VERDICT(in, STATUS_BROKEN, "programs using this configuration cannot create a TLS context");
        return;
    }
    if (module_ran(*client, before, in->module_file, sizeof(in->module_file)))
        refused = refuses(*client, detail, sizeof(detail));
    decide(in, loaded, diagnostics, refused, detail);
}

const char *tlsd_verdict_status_name(int status)
{
    static const char *const names[] = {"ok", "broken", "module not loaded", "no policy"};

    return names[status];
}
