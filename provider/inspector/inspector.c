/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults-info [--config FILE] [--program NAME] [--json]
 *
 * Loads a configuration as any OpenSSL program would (the module, ssl_conf,
 * providers), creates a client and a server context, and prints what they
 * got and where each value came from: the profile, a key of the module's
 * section, system_default, or OpenSSL's default.
 *
 * The steps are in their own files (inspection.h names them); this one
 * runs them in order.
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

#include "audit_report.h"
#include "audit_suggest.h"
#include "inspection.h"
#include "inventory_report.h"
#include "profile_list.h"

static int usage(const char *argv0)
{
    fprintf(stderr, "usage: %s [--config FILE] [--program NAME] [--json]\n"
                    "       %s --audit-report FILE|- [--json | --suggest [--config FILE]]\n"
                    "       %s --inventory-report FILE|- [--json | --cbom]\n"
                    "       %s --profiles [--json]\n", argv0, argv0, argv0, argv0);
    return 64;
}

typedef struct {
    int json, profiles, cbom, suggest;
    const char *audit_log, *inventory_log;
} mode;

/* --audit-report, --inventory-report: 0, 1 when the log holds no line of
 * its kind, 2 when it cannot be read. */
static int log_report(const char *path, const mode *m, const char *config)
{
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    int rc;

    if (in == NULL) {
        fprintf(stderr, "tlsdefaults-info: %s: %s\n", path, strerror(errno));
        return 2;
    }
    if (m->inventory_log != NULL)
        rc = tlsd_inventory_report(in, stdout, m->json, m->cbom);
    else if (m->suggest)
        rc = tlsd_audit_suggest(in, stdout, config);
    else
        rc = tlsd_audit_report(in, stdout, m->json);
    if (in != stdin)
        fclose(in);
    return rc;
}

static int parse_args(int argc, char **argv, inspection *in, mode *m)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            m->json = 1;
        else if (strcmp(argv[i], "--profiles") == 0)
            m->profiles = 1;
        else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            in->config = argv[++i];
        else if (strcmp(argv[i], "--program") == 0 && i + 1 < argc
                 && tlsd_program_named(&in->prog, argv[i + 1]))
            in->program = argv[++i];
        else if (strcmp(argv[i], "--audit-report") == 0 && i + 1 < argc)
            m->audit_log = argv[++i];
        else if (strcmp(argv[i], "--inventory-report") == 0 && i + 1 < argc)
            m->inventory_log = argv[++i];
        else if (strcmp(argv[i], "--cbom") == 0)
            m->cbom = 1;
        else if (strcmp(argv[i], "--suggest") == 0)
            m->suggest = 1;
        else
            return 0;
    }
    return 1;
}

/* One log report at a time, each with its own options. */
static int log_mode_valid(const mode *m)
{
    return !(m->audit_log != NULL && m->inventory_log != NULL)
           && !(m->cbom && (m->inventory_log == NULL || m->json))
           && !(m->suggest && (m->audit_log == NULL || m->json));
}

int main(int argc, char **argv)
{
    inspection in = {0};
    static inspection_rows rows;
    mode m = {0};
    char *default_config = NULL;
    SSL_CTX *before, *ctx[2] = {NULL, NULL}, *program_ctx[2] = {NULL, NULL};

    if (!parse_args(argc, argv, &in, &m) || (m.profiles && (m.audit_log != NULL || in.config != NULL))
        || !log_mode_valid(&m))
        return usage(argv[0]);
    if (m.profiles)
        return tlsd_profile_list_print(stdout, m.json);
    if (m.audit_log != NULL || m.inventory_log != NULL)
        return log_report(m.audit_log != NULL ? m.audit_log : m.inventory_log, &m, in.config);
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
    tlsd_inspection_rows_build(&in, ctx, program_ctx, &rows);
    if (m.json)
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
