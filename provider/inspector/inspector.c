/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults-info [--config FILE] [--program NAME] [--peer NAME] [--json]
 *                  --profile NAME [--json]
 *                  --diff A B [--program NAME] [--json]
 *
 * Loads a configuration as any OpenSSL program would (the module, ssl_conf,
 * providers), creates a client and a server context, and prints what they
 * got and where each value came from: the profile, a key of the module's
 * section, system_default, or OpenSSL's default. --profile NAME: the
 * same for a profile alone, no configuration read (profile_inspection.c).
 * --diff A B: the rows whose values differ between two of those, each
 * inspected by a child process of this program (policy_diff.c).
 *
 * The steps are in their own files (inspection.h names them); this one
 * runs them in order.
 *
 * Exit status: 0 the module ran and its section is valid; 1 the
 * configuration is broken (TLS is refused, or OpenSSL fails to load it);
 * 2 the configuration does not name the module; 3 programs using it get
 * no policy at all (OpenSSL ignores a file it cannot read or parse, and
 * skips a module it cannot load); 64 bad usage. --diff has its own
 * (policy_diff.h): 0 nothing differs, 1 something does, 2 trouble.
 *
 * --program NAME: the policy of that program (a file name or an absolute
 * path) under the module section's Programs entries. A file name that is
 * not the name of the file the command NAME runs (a link: python3 runs
 * python3.11) gets a warning naming that file and the entry it gets.
 * --peer NAME|ADDRESS: and the client policy a connection to that
 * destination gets, the Peers entry it matches (peer_rows.c). */
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
#include "policy_diff.h"
#include "probe.h"
#include "profile_list.h"

static int usage(const char *argv0)
{
    fprintf(stderr, "usage: %s [--config FILE] [--program NAME] [--peer NAME|ADDRESS] [--json]\n"
                    "       %s --profile NAME [--json]\n"
                    "       %s --diff A B [--program NAME] [--json]"
                    "   (A, B: a profile name or a configuration file)\n"
                    "       %s --audit-report FILE|- [--json | --suggest [--config FILE]]\n"
                    "       %s --inventory-report FILE|- [--json | --cbom]\n"
                    "       %s --profiles [--json]\n"
                    "       %s --probe HOST:PORT [--servername NAME] [--config FILE] [--program NAME] [--json]\n",
            argv0, argv0, argv0, argv0, argv0, argv0, argv0);
    return 64;
}

typedef struct {
    int json, profiles, cbom, suggest;
    const char *audit_log, *inventory_log;
    const char *probe, *servername; /* --probe HOST:PORT [--servername NAME] */
    const char *diff[2]; /* --diff A B */
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
        else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
            in->profile = argv[++i];
        else if (strcmp(argv[i], "--diff") == 0 && i + 2 < argc) {
            m->diff[0] = argv[++i];
            m->diff[1] = argv[++i];
        } else if (strcmp(argv[i], "--program") == 0 && i + 1 < argc
                 && tlsd_program_named(&in->prog, argv[i + 1]))
            in->program = argv[++i];
        else if (strcmp(argv[i], "--probe") == 0 && i + 1 < argc)
            m->probe = argv[++i];
        else if (strcmp(argv[i], "--peer") == 0 && i + 1 < argc)
            in->peer = argv[++i];
        else if (strcmp(argv[i], "--servername") == 0 && i + 1 < argc)
            m->servername = argv[++i];
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

/* Options that do not go together: --profile and --diff each stand alone
 * (--diff with --program, for its configuration files). */
static int conflicting(const inspection *in, const mode *m)
{
    int others = m->profiles || m->audit_log != NULL || in->config != NULL;

    /* One log report at a time, each with its own options. */
    if ((m->audit_log != NULL && m->inventory_log != NULL) || (m->cbom && (m->inventory_log == NULL || m->json))
        || (m->suggest && (m->audit_log == NULL || m->json)))
        return 1;

    if (m->profiles && (m->audit_log != NULL || in->config != NULL))
        return 1;
    if (in->profile != NULL && (others || in->program != NULL || m->diff[0] != NULL))
        return 1;
    if (m->probe != NULL && (m->profiles || m->audit_log != NULL || in->profile != NULL || m->diff[0] != NULL))
        return 1;
    if (m->servername != NULL && m->probe == NULL)
        return 1;
    /* --peer: the configuration's policy for one destination. */
    if (in->peer != NULL && (m->profiles || m->audit_log != NULL || m->inventory_log != NULL || in->profile != NULL
                             || m->diff[0] != NULL || m->probe != NULL))
        return 1;
    return m->diff[0] != NULL && others;
}

static void free_contexts(SSL_CTX *before, SSL_CTX *a[2], SSL_CTX *b[2], SSL_CTX *c[2], SSL_CTX *d[2])
{
    SSL_CTX_free(before);
    for (int i = 0; i < 2; i++) {
        SSL_CTX_free(a[i]);
        SSL_CTX_free(b[i]);
        SSL_CTX_free(c[i]);
        SSL_CTX_free(d[i]);
    }
}

/* Loads the configuration (or, with --profile, only makes the policy),
 * prints the inspection, and returns its status. */
static int inspect(inspection *in, const mode *m)
{
    int json = m->json;
    static inspection_rows rows, candidate_rows, peer_rows;
    char *default_config = NULL;
    SSL_CTX *before, *ctx[2] = {NULL, NULL}, *program_ctx[2] = {NULL, NULL}, *candidate_ctx[2], *peer_ctx[2];

    /* The configuration is loaded below, by hand, to see its errors. */
    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    OPENSSL_load_builtin_modules();
    if (in->config == NULL && in->profile == NULL)
        in->config = default_config = CONF_get1_default_config_file();
    /* Made before any module can run: OpenSSL's own security callback. */
    if ((before = SSL_CTX_new(TLS_client_method())) == NULL) {
        ERR_print_errors_fp(stderr);
        return STATUS_BROKEN;
    }
    /* Made before the module runs too: the Candidate's rows, if any. */
    candidate_ctx[0] = SSL_CTX_new(TLS_client_method());
    candidate_ctx[1] = SSL_CTX_new(TLS_server_method());
    peer_ctx[0] = SSL_CTX_new(TLS_client_method());
    peer_ctx[1] = SSL_CTX_new(TLS_server_method());
    if (in->profile != NULL) {
        tlsd_profile_inspection_load(in, program_ctx);
    } else {
        if (in->program != NULL) {
            program_ctx[0] = SSL_CTX_new(TLS_client_method());
            program_ctx[1] = SSL_CTX_new(TLS_server_method());
        }
        tlsd_verdict_inspect(in, before, &ctx[0], &ctx[1]);
        if (in->cnf != NULL && in->status != STATUS_NO_POLICY)
            tlsd_program_warning_check(in);
    }
    if (m->probe != NULL) {
        free_contexts(before, ctx, program_ctx, candidate_ctx, peer_ctx);
        OPENSSL_free(default_config);
        return tlsd_probe_run(in, m->probe, m->servername, json);
    }
    tlsd_inspection_rows_build(in, ctx, program_ctx, &rows);
    if ((in->status == STATUS_OK || in->status == STATUS_NOT_LOADED)
        && tlsd_candidate_rows_build(in, candidate_ctx, &candidate_rows))
        in->candidate_rows = &candidate_rows;
    if ((in->status == STATUS_OK || in->status == STATUS_NOT_LOADED) && tlsd_peer_rows_build(in, peer_ctx, &peer_rows))
        in->peer_rows = &peer_rows;
    if (json)
        tlsd_inspection_json_print(in, &rows);
    else
        tlsd_inspection_text_print(in, &rows);

    free_contexts(before, ctx, program_ctx, candidate_ctx, peer_ctx);
    OPENSSL_free(default_config);
    return in->status;
}

int main(int argc, char **argv)
{
    inspection in = {0};
    mode m = {0};
    int status;

    if (!parse_args(argc, argv, &in, &m) || conflicting(&in, &m))
        return usage(argv[0]);
    if (m.profiles)
        return tlsd_profile_list_print(stdout, m.json);
    if (m.audit_log != NULL || m.inventory_log != NULL)
        return log_report(m.audit_log != NULL ? m.audit_log : m.inventory_log, &m, in.config);
    if (m.diff[0] != NULL)
        return tlsd_policy_diff_run(m.diff[0], m.diff[1], in.program, m.json);
    if (in.profile != NULL && tlsd_profile_find(in.profile) == NULL)
        return tlsd_profile_inspection_unknown(in.profile, "--profile", 0);
    status = inspect(&in, &m);
    tlsd_policy_free(in.policy);
    free(in.module_section);
    free(in.system_default);
    NCONF_free(in.cnf);
    return status;
}
