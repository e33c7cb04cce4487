/* SPDX-License-Identifier: Apache-2.0 */
/* Reading the configuration file as OpenSSL will: which section is the
 * module's, which is system_default, and OpenSSL's errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>

#include "inspection.h"

void tlsd_config_scan_errors(inspection *in)
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
const char *tlsd_config_scan_value(CONF *cnf, const char *section, const char *key)
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
int tlsd_config_scan_is_ours(const char *file)
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

        if (strcasecmp(v->name, "path") == 0 && tlsd_config_scan_is_ours(v->value))
            return 1;
    }
    return 0;
}

/* Finds the module's section (the last one is the one in effect) and
 * system_default. A section is the module's when the file OpenSSL loads
 * for it is ours: its lower-case path, or without one lib<name>.so from
 * the library path (libtlsdefaults.so for "tlsdefaults = ..."). */
void tlsd_config_scan_sections(inspection *in)
{
    const char *init, *ssl_conf, *sd;
    STACK_OF(CONF_VALUE) *entries;

    ERR_set_mark();
    init = NCONF_get_string(in->cnf, NULL, "openssl_conf");
    ERR_pop_to_mark();
    entries = init != NULL ? NCONF_get_section(in->cnf, init) : NULL;
    for (int i = 0; i < sk_CONF_VALUE_num(entries); i++) {
        CONF_VALUE *v = sk_CONF_VALUE_value(entries, i);
        const char *path = tlsd_policy_section_path(in->cnf, v->value);
        char dso[PATH_MAX];

        /* OpenSSL's rule: the path, else the module's name, made into
         * lib<name>.so when it holds no '/'. */
        snprintf(dso, sizeof(dso), "%s%s%s", path == NULL && strchr(v->name, '/') == NULL ? "lib" : "",
                 path != NULL ? path : v->name,
                 path == NULL && strchr(v->name, '/') == NULL ? ".so" : "");
        if (module_named(v->name, "ssl_conf")) {
            ssl_conf = v->value;
            sd = tlsd_config_scan_value(in->cnf, ssl_conf, "system_default");
            free(in->system_default);
            in->system_default = sd != NULL ? strdup(sd) : NULL;
        } else if (tlsd_config_scan_is_ours(dso) || miscased_path_is_ours(in->cnf, v->value)) {
            free(in->module_section);
            in->module_section = strdup(v->value);
            snprintf(in->module_dso, sizeof(in->module_dso), "%s", dso);
        }
    }
}

