/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults-info [--config FILE] [--program NAME] [--json]
 *
 * Loads a configuration as any OpenSSL program would (the module, ssl_conf,
 * providers), creates a client and a server context, and prints what they
 * got and where each value came from: the profile, a key of the module's
 * section, system_default, or OpenSSL's default.
 *
 * Whether the module ran is read from a new context, not inferred from the
 * file: the module puts its security callback on every context it handles,
 * so the callback of a context made after the load must live in a
 * tlsdefaults file; and whether TLS works, from a handshake started on it.
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
#include <dlfcn.h>
#include <limits.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "client_hello.h"
#include "keylog.h"
#include "audit_report.h"
#include "policy.h"
#include "trust_store.h"

enum { STATUS_OK = 0, STATUS_BROKEN = 1, STATUS_NOT_LOADED = 2, STATUS_NO_POLICY = 3 };

typedef struct {
    const char *name;
    char value[4096];
    char origin[512];
} row;

#define MAX_ROWS 20

typedef struct {
    const char *config;
    const char *program;   /* --program NAME, or NULL */
    tlsd_program prog;
    CONF *cnf;
    char *module_section;  /* the last tlsdefaults section, NULL if none */
    char module_dso[PATH_MAX]; /* the file OpenSSL loads for it */
    char *system_default;  /* ssl_conf's system_default section, NULL if none */
    tlsd_policy *policy;   /* NULL when not configured or broken */
    int status;
    char module_file[PATH_MAX]; /* where a new context's security callback is, if ours */
    char verdict[1024];    /* what programs using the configuration get */
    char warning[4096];    /* --program NAME is not what the command NAME runs */
    char groups[1024];     /* what a new client context offers */
    char errors[4096];
} inspection;

static const char *const status_names[] = {"ok", "broken", "module not loaded", "no policy"};

static void take_errors(inspection *in)
{
    const char *data, *lib, *reason;
    unsigned long e;
    int flags;

    while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
        size_t used = strlen(in->errors);

        lib = ERR_lib_error_string(e);
        reason = ERR_reason_error_string(e);
        snprintf(in->errors + used, sizeof(in->errors) - used, "  %s: %s%s%s\n",
                 lib != NULL ? lib : "?", reason != NULL ? reason : "error",
                 (flags & ERR_TXT_STRING) && *data ? ": " : "",
                 (flags & ERR_TXT_STRING) ? data : "");
        /* The module reports what the inspector's own reading did. */
        if (strstr(in->errors, in->errors + used) != in->errors + used)
            in->errors[used] = '\0';
    }
}

/* The value of key in section, compared without case as OpenSSL's ssl_conf
 * compares command names; NULL when absent. */
static const char *section_value(CONF *cnf, const char *section, const char *key)
{
    STACK_OF(CONF_VALUE) *values = section != NULL ? NCONF_get_section(cnf, section) : NULL;
    const char *found = NULL;

    for (int i = 0; i < sk_CONF_VALUE_num(values); i++) {
        CONF_VALUE *v = sk_CONF_VALUE_value(values, i);

        if (strcasecmp(v->name, key) == 0)
            found = v->value;
    }
    return found;
}

/* A module name in [openssl_init] is matched up to its last '.'. */
static int module_named(const char *entry, const char *module)
{
    const char *dot = strrchr(entry, '.');
    size_t len = dot != NULL ? (size_t)(dot - entry) : strlen(entry);

    return len == strlen(module) && strncmp(entry, module, len) == 0;
}

/* A file of this project: the module (tlsdefaults.so), the library
 * (libtlsdefaults.so) or the module's entry points beside it. */
static int ours(const char *file)
{
    const char *base = file != NULL ? strrchr(file, '/') : NULL;

    base = base != NULL ? base + 1 : file;
    return base != NULL
           && (strncmp(base, "tlsdefaults", 11) == 0 || strncmp(base, "libtlsdefaults", 14) == 0);
}

/* Whether a section names one of our files in a key OpenSSL never reads
 * ("Path = .../tlsdefaults.so"): still meant as the module's section. */
static int miscased_path_is_ours(CONF *cnf, const char *section)
{
    STACK_OF(CONF_VALUE) *values = NCONF_get_section(cnf, section);

    for (int i = 0; i < sk_CONF_VALUE_num(values); i++) {
        CONF_VALUE *v = sk_CONF_VALUE_value(values, i);

        if (strcasecmp(v->name, "path") == 0 && ours(v->value))
            return 1;
    }
    return 0;
}

/* Finds the module's section (the last one is the one in effect) and
 * system_default. A section is the module's when the file OpenSSL loads
 * for it is ours: its lower-case path, or without one lib<name>.so from
 * the library path (libtlsdefaults.so for "tlsdefaults = ..."). */
static void find_sections(inspection *in)
{
    const char *init, *ssl_conf, *sd;
    STACK_OF(CONF_VALUE) *entries;

    ERR_set_mark();
    init = NCONF_get_string(in->cnf, NULL, "openssl_conf");
    ERR_pop_to_mark();
    entries = init != NULL ? NCONF_get_section(in->cnf, init) : NULL;
    for (int i = 0; i < sk_CONF_VALUE_num(entries); i++) {
        CONF_VALUE *v = sk_CONF_VALUE_value(entries, i);
        const char *path = tlsd_section_path(in->cnf, v->value);
        char dso[PATH_MAX];

        /* OpenSSL's rule: the path, else the module's name, made into
         * lib<name>.so when it holds no '/'. */
        snprintf(dso, sizeof(dso), "%s%s%s", path == NULL && strchr(v->name, '/') == NULL ? "lib" : "",
                 path != NULL ? path : v->name,
                 path == NULL && strchr(v->name, '/') == NULL ? ".so" : "");
        if (module_named(v->name, "ssl_conf")) {
            ssl_conf = v->value;
            sd = section_value(in->cnf, ssl_conf, "system_default");
            free(in->system_default);
            in->system_default = sd != NULL ? strdup(sd) : NULL;
        } else if (ours(dso) || miscased_path_is_ours(in->cnf, v->value)) {
            free(in->module_section);
            in->module_section = strdup(v->value);
            snprintf(in->module_dso, sizeof(in->module_dso), "%s", dso);
        }
    }
}

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
        || !dladdr(u.p, &info) || !ours(info.dli_fname))
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

    if (ssl_conf_key != NULL && section_value(in->cnf, in->system_default, ssl_conf_key) != NULL)
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
    const char *sd = section_value(in->cnf, in->system_default, name);

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
    if (tlsd_keylog_openssl_writes()) {
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

static void json_string(const char *s)
{
    putchar('"');
    for (; s != NULL && *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c == '\n')
            printf("\\n");
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void print_json(const inspection *in, row *client, int nc, row *server, int ns)
{
    row *sets[2] = {client, server};
    int counts[2] = {nc, ns};

    printf("{\n  \"config\": ");
    json_string(in->config);
    if (in->program != NULL) {
        printf(",\n  \"program\": ");
        json_string(in->program);
    }
    if (in->warning[0] != '\0') {
        printf(",\n  \"warning\": ");
        json_string(in->warning);
    }
    printf(",\n  \"status\": ");
    json_string(status_names[in->status]);
    printf(",\n  \"module_section\": ");
    if (in->module_section != NULL) json_string(in->module_section); else printf("null");
    printf(",\n  \"module_file\": ");
    if (in->module_file[0] != '\0') json_string(in->module_file); else printf("null");
    printf(",\n  \"profile\": ");
    if (in->policy != NULL) json_string(tlsd_policy_profile(in->policy)); else printf("null");
    printf(",\n  \"system_default\": ");
    if (in->system_default != NULL) json_string(in->system_default); else printf("null");
    printf(",\n  \"verdict\": ");
    json_string(in->verdict);
    printf(",\n  \"errors\": ");
    json_string(in->errors);
    for (int s = 0; s < 2; s++) {
        printf(",\n  \"%s\": {", s == 0 ? "client" : "server");
        for (int i = 0; i < counts[s]; i++) {
            printf("%s\n    ", i ? "," : "");
            json_string(sets[s][i].name);
            printf(": {\"value\": ");
            json_string(sets[s][i].value);
            printf(", \"origin\": ");
            json_string(sets[s][i].origin);
            printf("}");
        }
        printf("\n  }");
    }
    printf("\n}\n");
}

static void print_text(const inspection *in, row *client, int nc, row *server, int ns)
{
    row *sets[2] = {client, server};
    int counts[2] = {nc, ns};

    printf("configuration: %s\n", in->config);
    if (in->program != NULL)
        printf("program: %s\n", in->program);
    if (in->warning[0] != '\0')
        printf("warning: %s\n", in->warning);
    if (in->module_section != NULL)
        printf("module: section %s, profile %s\n", in->module_section,
               in->policy != NULL ? tlsd_policy_profile(in->policy) : "(invalid)");
    else if (in->status == STATUS_NO_POLICY)
        printf("module: unknown, the file does not load\n");
    else
        printf("module: not loaded by this configuration\n");
    if (in->module_file[0] != '\0')
        printf("module ran: yes, a new context carries its security callback (%s)\n",
               in->module_file);
    else if (in->module_section != NULL)
        printf("module ran: no, new contexts do not carry its security callback\n");
    printf("system_default: %s\n", in->system_default != NULL ? in->system_default : "none");
    printf("status: %s\n", status_names[in->status]);
    if (in->errors[0] != '\0')
        printf("errors:\n%s", in->errors);
    if (in->verdict[0] != '\0')
        printf("%s\n", in->verdict);
    if (in->status == STATUS_BROKEN || in->status == STATUS_NO_POLICY)
        return;
    for (int s = 0; s < 2; s++) {
        printf("\n%s context (%s)\n", s == 0 ? "client" : "server",
               s == 0 ? "TLS_client_method" : "TLS_server_method");
        for (int i = 0; i < counts[s]; i++)
            printf("  %-20s %s  (%s)\n", sets[s][i].name, sets[s][i].value, sets[s][i].origin);
    }
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

/* Which entry a program gets, in words. */
static void describe_entry(const CONF_VALUE *e, const char *programs, char *buf, size_t cap)
{
    if (e != NULL)
        snprintf(buf, cap, "the entry %.200s = %.200s of section %.200s", e->name, e->value, programs);
    else if (programs != NULL)
        snprintf(buf, cap, "no entry of section %.200s (the module section's policy)", programs);
    else
        snprintf(buf, cap, "the module section's policy (no Programs)");
}

/* The "#!" line of a script at path (without "#!"), for a warning: the
 * kernel runs the interpreter it names. 0 when the file is no script. */
static int script_interpreter(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    char line[256];
    int script = 0;

    if (f == NULL)
        return 0;
    if (fgets(line, sizeof(line), f) != NULL && strncmp(line, "#!", 2) == 0) {
        line[strcspn(line, "\r\n")] = '\0';
        snprintf(buf, cap, "%s", line + 2 + strspn(line + 2, " \t"));
        script = 1;
    }
    fclose(f);
    return script;
}

/* --program NAME, a file name: the module matches a process by the file
 * the kernel runs, and the command NAME may run another (python3 is a link
 * to python3.11): then say which file, and which entry that one gets. */
static void check_program_name(inspection *in)
{
    const CONF_VALUE *shown, *real;
    const char *programs;
    tlsd_program runs;
    char real_text[700], shown_text[700], interpreter[256];

    if (in->program == NULL || in->module_section == NULL
        || tlsd_program_entry_kind(in->program) != 0)
        return; /* a path is resolved as the kernel would (tlsd_program_named) */
    if (!tlsd_program_command(&runs, in->program)) {
        snprintf(in->warning, sizeof(in->warning),
                 "%.256s is not found in PATH: shown is what a program whose executable file "
                 "is named %.256s gets", in->program, in->program);
        return;
    }
    if (script_interpreter(runs.path, interpreter, sizeof(interpreter))) {
        snprintf(in->warning, sizeof(in->warning),
                 "the command %.256s runs %.512s, a script (#!%.256s): the process is its "
                 "interpreter, and the module matches that, not %.256s",
                 in->program, runs.path, interpreter, in->program);
        return;
    }
    if (strcmp(runs.base, in->program) == 0)
        return;
    shown = tlsd_program_entry(in->cnf, in->module_section, &in->prog, &programs);
    real = tlsd_program_entry(in->cnf, in->module_section, &runs, &programs);
    describe_entry(real, programs, real_text, sizeof(real_text));
    if (shown == real)
        snprintf(shown_text, sizeof(shown_text), "as shown below");
    else if (shown != NULL)
        snprintf(shown_text, sizeof(shown_text), "not the entry %.200s = %.200s shown below",
                 shown->name, shown->value);
    else
        snprintf(shown_text, sizeof(shown_text), "not the module section's policy shown below");
    snprintf(in->warning, sizeof(in->warning),
             "the command %.256s runs %.512s; the module matches that process as %.256s, which "
             "gets %.700s, %.700s (--program %.256s shows its policy)",
             in->program, runs.path, runs.base, real_text, shown_text, runs.base);
}

/* Loads the file, then reads from new contexts what programs using it get. */
static void inspect(inspection *in, SSL_CTX *before, SSL_CTX **client, SSL_CTX **server)
{
    long line = 0, diagnostics = 0;
    int loaded, refused = 0;
    char detail[512];

    in->cnf = NCONF_new(NULL);
    if (in->cnf == NULL || NCONF_load(in->cnf, in->config, &line) <= 0) {
        take_errors(in);
        in->status = STATUS_NO_POLICY;
        snprintf(in->verdict, sizeof(in->verdict),
                 "programs using this configuration get NO policy: OpenSSL cannot read or parse "
                 "the file and ignores all of it, even with config_diagnostics = 1");
        return;
    }
    ERR_set_mark();
    if (!NCONF_get_number_e(in->cnf, NULL, "config_diagnostics", &diagnostics))
        diagnostics = 0;
    ERR_pop_to_mark();
    find_sections(in);
    if (in->module_section != NULL)
        in->policy = in->program != NULL
                         ? tlsd_policy_from_section_for(in->cnf, in->module_section, 1, &in->prog)
                         : tlsd_policy_from_section(in->cnf, in->module_section, 1);
    take_errors(in);
    /* As an application would: the module, ssl_conf, providers. */
    loaded = CONF_modules_load(in->cnf, NULL, 0) > 0;
    take_errors(in);
    *client = SSL_CTX_new(TLS_client_method());
    *server = SSL_CTX_new(TLS_server_method());
    if (*client == NULL || *server == NULL) {
        take_errors(in);
        in->status = STATUS_BROKEN;
        snprintf(in->verdict, sizeof(in->verdict),
                 "programs using this configuration cannot create a TLS context");
        return;
    }
    tlsd_offered_groups(*client, in->groups, sizeof(in->groups));
    if (module_ran(*client, before, in->module_file, sizeof(in->module_file)))
        refused = refuses(*client, detail, sizeof(detail));
    if (refused) {
        in->status = STATUS_BROKEN;
        snprintf(in->verdict, sizeof(in->verdict),
                 "every TLS handshake of a program using this configuration is refused: %s", detail);
    } else if (!loaded && diagnostics) {
        in->status = STATUS_BROKEN;
        snprintf(in->verdict, sizeof(in->verdict),
                 "OpenSSL fails to load this configuration (config_diagnostics = 1): "
                 "programs using it cannot start TLS");
    } else if (!loaded && (in->module_file[0] != '\0' || in->module_section == NULL)) {
        /* Another module fails (after ours, if ours ran). */
        in->status = STATUS_BROKEN;
        snprintf(in->verdict, sizeof(in->verdict),
                 "OpenSSL stops at the module that fails: in programs, the entries of "
                 "[openssl_init] after it are skipped");
    } else if (in->module_file[0] != '\0') {
        in->status = STATUS_OK;
        snprintf(in->verdict, sizeof(in->verdict),
                 "programs using this configuration get the policy of section %.200s",
                 in->module_section != NULL ? in->module_section : "(unknown)");
    } else if (in->module_section != NULL) {
        in->status = STATUS_NO_POLICY;
        snprintf(in->verdict, sizeof(in->verdict),
                 "programs using this configuration get NO policy: the module of section %.200s "
                 "did not run (OpenSSL loads %.512s for it), and without config_diagnostics = 1 "
                 "OpenSSL goes on without it",
                 in->module_section, in->module_dso);
    } else {
        in->status = STATUS_NOT_LOADED;
        snprintf(in->verdict, sizeof(in->verdict),
                 "programs using this configuration get OpenSSL's defaults: it does not name "
                 "the module");
    }
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

int main(int argc, char **argv)
{
    inspection in = {0};
    row client_rows[MAX_ROWS], server_rows[MAX_ROWS];
    int json = 0, nc = 0, ns = 0;
    char *default_config = NULL;
    SSL_CTX *before, *client = NULL, *server = NULL, *program_client = NULL, *program_server = NULL;

    const char *audit_log = NULL;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            in.config = argv[++i];
        else if (strcmp(argv[i], "--program") == 0 && i + 1 < argc
                 && tlsd_program_named(&in.prog, argv[i + 1]))
            in.program = argv[++i];
        else if (strcmp(argv[i], "--audit-report") == 0 && i + 1 < argc)
            audit_log = argv[++i];
        else
            return usage(argv[0]);
    }
    if (audit_log != NULL)
        return audit_report(audit_log, json);
    /* The configuration is loaded below, by hand, to see its errors. */
    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    OPENSSL_load_builtin_modules();
    if (in.config == NULL)
        in.config = default_config = CONF_get1_default_config_file();
    /* Made before any module can run: OpenSSL's own security callback. */
    before = SSL_CTX_new(TLS_client_method());
    if (before == NULL) {
        ERR_print_errors_fp(stderr);
        return STATUS_BROKEN;
    }
    if (in.program != NULL) {
        program_client = SSL_CTX_new(TLS_client_method());
        program_server = SSL_CTX_new(TLS_server_method());
    }
    inspect(&in, before, &client, &server);
    if (in.cnf != NULL && in.status != STATUS_NO_POLICY)
        check_program_name(&in);
    if (in.status == STATUS_OK || in.status == STATUS_NOT_LOADED) {
        client = as_program(&in, client, program_client, 0);
        server = as_program(&in, server, program_server, 1);
        if (client == program_client)
            program_client = NULL; /* freed as client */
        if (server == program_server)
            program_server = NULL;
        nc = context_rows(&in, client, 0, client_rows);
        ns = context_rows(&in, server, 1, server_rows);
    }
    if (json)
        print_json(&in, client_rows, nc, server_rows, ns);
    else
        print_text(&in, client_rows, nc, server_rows, ns);

    SSL_CTX_free(before);
    SSL_CTX_free(program_client);
    SSL_CTX_free(program_server);
    SSL_CTX_free(client);
    SSL_CTX_free(server);
    tlsd_policy_free(in.policy);
    free(in.module_section);
    free(in.system_default);
    NCONF_free(in.cnf);
    OPENSSL_free(default_config);
    return in.status;
}
