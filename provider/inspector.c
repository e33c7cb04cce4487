/* tlsdefaults-info [--config FILE] [--json]
 *
 * Loads a configuration as any OpenSSL program would (the module, ssl_conf,
 * providers), creates a client and a server context, and prints what they
 * got and where each value came from: the profile, a key of the module's
 * section, system_default, or OpenSSL's default.
 *
 * Exit status: 0 the module is loaded and its section is valid; 1 the
 * configuration is broken (TLS is refused, or OpenSSL cannot load it);
 * 2 the configuration does not load the module; 64 bad usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "policy.h"
#include "trust_store.h"

enum { STATUS_OK = 0, STATUS_BROKEN = 1, STATUS_NOT_LOADED = 2 };

typedef struct {
    const char *name;
    char value[4096];
    char origin[512];
} row;

#define MAX_ROWS 20

typedef struct {
    const char *config;
    CONF *cnf;
    char *module_section;  /* the last tlsdefaults section, NULL if none */
    char *system_default;  /* ssl_conf's system_default section, NULL if none */
    tlsd_policy *policy;   /* NULL when not configured or broken */
    int status;
    char errors[4096];
} inspection;

static const char *const status_names[] = {"ok", "broken", "module not loaded"};

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

/* Finds the module's section (a section whose path is a tlsdefaults
 * module; the last one is the one in effect) and system_default. */
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
        const char *path = section_value(in->cnf, v->value, "path");
        const char *base = path != NULL ? strrchr(path, '/') : NULL;

        base = base != NULL ? base + 1 : path;
        if (module_named(v->name, "ssl_conf")) {
            ssl_conf = v->value;
            sd = section_value(in->cnf, ssl_conf, "system_default");
            free(in->system_default);
            in->system_default = sd != NULL ? strdup(sd) : NULL;
        } else if (base != NULL && strncmp(base, "tlsdefaults", 11) == 0) {
            free(in->module_section);
            in->module_section = strdup(v->value);
        }
    }
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
    snprintf(r->value, sizeof(r->value), "%s", value);
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
    conf_row(in, rows, &n, "Groups", NULL);
    conf_row(in, rows, &n, "SignatureAlgorithms", NULL);
    snprintf(text, sizeof(text), "0x%08llx", (unsigned long long)SSL_CTX_get_options(ctx));
    conf_row(in, rows, &n, "Options", text);

    r = add(rows, &n, "VerifyMode");
    snprintf(r->value, sizeof(r->value), "%s", verify_mode_name(SSL_CTX_get_verify_mode(ctx)));
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
    printf(",\n  \"status\": ");
    json_string(status_names[in->status]);
    printf(",\n  \"module_section\": ");
    if (in->module_section != NULL) json_string(in->module_section); else printf("null");
    printf(",\n  \"profile\": ");
    if (in->policy != NULL) json_string(tlsd_policy_profile(in->policy)); else printf("null");
    printf(",\n  \"system_default\": ");
    if (in->system_default != NULL) json_string(in->system_default); else printf("null");
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
    if (in->module_section != NULL)
        printf("module: section %s, profile %s\n", in->module_section,
               in->policy != NULL ? tlsd_policy_profile(in->policy) : "(invalid)");
    else
        printf("module: not loaded by this configuration\n");
    printf("system_default: %s\n", in->system_default != NULL ? in->system_default : "none");
    printf("status: %s\n", status_names[in->status]);
    if (in->errors[0] != '\0')
        printf("errors:\n%s", in->errors);
    if (in->status == STATUS_BROKEN) {
        printf("every TLS handshake of a program using this configuration is refused\n");
        return;
    }
    for (int s = 0; s < 2; s++) {
        printf("\n%s context (%s)\n", s == 0 ? "client" : "server",
               s == 0 ? "TLS_client_method" : "TLS_server_method");
        for (int i = 0; i < counts[s]; i++)
            printf("  %-20s %s  (%s)\n", sets[s][i].name, sets[s][i].value, sets[s][i].origin);
    }
}

static int usage(const char *argv0)
{
    fprintf(stderr, "usage: %s [--config FILE] [--json]\n", argv0);
    return 64;
}

int main(int argc, char **argv)
{
    inspection in = {0};
    row client_rows[MAX_ROWS], server_rows[MAX_ROWS];
    int json = 0, nc = 0, ns = 0;
    char *default_config = NULL;
    SSL_CTX *client = NULL, *server = NULL;
    long line = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            in.config = argv[++i];
        else
            return usage(argv[0]);
    }
    /* The configuration is loaded below, by hand, to see its errors. */
    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    OPENSSL_load_builtin_modules();
    if (in.config == NULL)
        in.config = default_config = CONF_get1_default_config_file();

    in.cnf = NCONF_new(NULL);
    if (in.cnf == NULL || NCONF_load(in.cnf, in.config, &line) <= 0) {
        in.status = STATUS_BROKEN;
        take_errors(&in);
    } else {
        find_sections(&in);
        if (in.module_section != NULL
            && (in.policy = tlsd_policy_from_section(in.cnf, in.module_section, 1)) == NULL)
            in.status = STATUS_BROKEN;
        take_errors(&in);
        /* As an application would: the module, ssl_conf, providers. */
        if (CONF_modules_load(in.cnf, NULL, 0) <= 0)
            in.status = STATUS_BROKEN;
        take_errors(&in);
        if (in.status == STATUS_OK && in.module_section == NULL)
            in.status = STATUS_NOT_LOADED;
    }
    if (in.status != STATUS_BROKEN) {
        client = SSL_CTX_new(TLS_client_method());
        server = SSL_CTX_new(TLS_server_method());
        if (client == NULL || server == NULL) {
            in.status = STATUS_BROKEN;
            take_errors(&in);
        } else {
            nc = context_rows(&in, client, 0, client_rows);
            ns = context_rows(&in, server, 1, server_rows);
        }
    }
    if (json)
        print_json(&in, client_rows, nc, server_rows, ns);
    else
        print_text(&in, client_rows, nc, server_rows, ns);

    SSL_CTX_free(client);
    SSL_CTX_free(server);
    tlsd_policy_free(in.policy);
    free(in.module_section);
    free(in.system_default);
    NCONF_free(in.cnf);
    OPENSSL_free(default_config);
    return in.status;
}
