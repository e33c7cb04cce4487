/* SPDX-License-Identifier: Apache-2.0 */
#include "policy.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "debug.h"
#include "errors.h"
#include "program_match.h"

const char *tlsd_section_path(const CONF *cnf, const char *section)
{
    const char *path;

    /* NCONF_get_string() reads keys as OpenSSL's module loader does:
     * exact case, in the section, else in the default section. */
    ERR_set_mark();
    path = NCONF_get_string(cnf, section, "path");
    ERR_pop_to_mark();
    return path;
}

/* Keys only a module section holds: a program section edits its policy. */
static int module_only_key(const char *name)
{
    return strcasecmp(name, "path") == 0 || strcasecmp(name, "Profile") == 0
           || strcasecmp(name, "Programs") == 0;
}

/* Sets every key of values but the module's own ones; reports every bad
 * key, not only the first. 1 when all were good. */
static int set_keys(tlsd_policy *p, STACK_OF(CONF_VALUE) *values, const char *origin,
                    int program_section)
{
    int ok = 1;

    for (int i = 0; i < sk_CONF_VALUE_num(values); i++) {
        const CONF_VALUE *v = sk_CONF_VALUE_value(values, i);

        if (module_only_key(v->name)) {
            if (program_section) {
                TLSD_RAISE(TLSD_R_UNKNOWN_KEY,
                           "%.200s: key=%.128s: a program section edits the module section's "
                           "policy; path, Profile and Programs belong there", origin, v->name);
                ok = 0;
            }
            continue;
        }
        if (!tlsd_policy_set(p, v->name, v->value, origin))
            ok = 0;
    }
    return ok;
}

/* The policy of one Programs entry: the module section's, then the program
 * section's keys. Errors of the module section were reported already. */
static tlsd_policy *program_policy(const CONF *cnf, const char *profile,
                                   STACK_OF(CONF_VALUE) *module_values,
                                   const char *module_origin, const CONF_VALUE *entry,
                                   const char *programs)
{
    STACK_OF(CONF_VALUE) *values = NCONF_get_section(cnf, entry->value);
    tlsd_policy *p;
    char origin[512];
    int ok;

    if (tlsd_program_entry_kind(entry->name) < 0) {
        TLSD_RAISE(TLSD_R_BAD_VALUE,
                   "section %.128s: key=%.128s value=%.128s: expected an executable's file "
                   "name or an absolute path", programs, entry->name, entry->value);
        return NULL;
    }
    if (values == NULL) {
        TLSD_RAISE(TLSD_R_MISSING_SECTION, "section %.128s: key=%.128s value=%.128s: "
                   "no section %.128s", programs, entry->name, entry->value, entry->value);
        return NULL;
    }
    if ((p = tlsd_policy_new(profile)) == NULL)
        return NULL;
    ERR_set_mark();
    set_keys(p, module_values, module_origin, 0);
    ERR_pop_to_mark();
    snprintf(origin, sizeof(origin), "section %.200s (program %.200s)", entry->value, entry->name);
    ok = set_keys(p, values, origin, 1);
    /* The range check names both origins. */
    if (!tlsd_policy_finish(p) || !ok) {
        tlsd_policy_free(p);
        return NULL;
    }
    return p;
}

tlsd_policy *tlsd_policy_from_section_for(const CONF *cnf, const char *section,
                                          int require_path, const tlsd_program *prog)
{
    STACK_OF(CONF_VALUE) *values = NCONF_get_section(cnf, section);
    STACK_OF(CONF_VALUE) *entries = NULL;
    const char *profile = NULL, *miscased_path = NULL, *programs = NULL;
    const CONF_VALUE *chosen = NULL;
    int have_path, ok = 1;
    tlsd_policy *p, *program_p = NULL;
    char origin[256];

    if (values == NULL) {
        TLSD_RAISE(TLSD_R_MISSING_SECTION, "section=%s", section);
        return NULL;
    }
    snprintf(origin, sizeof(origin), "section %s", section);

    /* The profile is the base the other keys edit, wherever it stands.
     * (OpenSSL's parser keeps only the last of a key given twice.) */
    for (int i = 0; i < sk_CONF_VALUE_num(values); i++) {
        const CONF_VALUE *v = sk_CONF_VALUE_value(values, i);

        if (strcasecmp(v->name, "path") == 0 && strcmp(v->name, "path") != 0)
            miscased_path = v->name;
        if (strcasecmp(v->name, "Profile") == 0)
            profile = v->value;
        if (strcasecmp(v->name, "Programs") == 0)
            programs = v->value;
    }
    /* OpenSSL never sees a "Path": without a "path" it loads lib<name>.so
     * from the library path instead of the file named. */
    have_path = tlsd_section_path(cnf, section) != NULL;
    if (miscased_path != NULL) {
        TLSD_RAISE(require_path && !have_path ? TLSD_R_MISSING_PATH : TLSD_R_UNKNOWN_KEY,
                   "%.128s: key=%s: OpenSSL reads only the lower-case path", origin,
                   miscased_path);
        ok = 0;
    } else if (require_path && !have_path) {
        TLSD_RAISE(TLSD_R_MISSING_PATH, "%.128s: key=path is required", origin);
        ok = 0;
    }
    p = tlsd_policy_new(profile != NULL ? profile : "python");
    if (p == NULL)
        return NULL;
    if (!set_keys(p, values, origin, 0))
        ok = 0;
    if (ok)
        ok = tlsd_policy_finish(p);

    if (programs != NULL && (entries = NCONF_get_section(cnf, programs)) == NULL) {
        TLSD_RAISE(TLSD_R_MISSING_SECTION, "%.128s: key=Programs value=%.128s: no such section",
                   origin, programs);
        ok = 0;
    }
    /* Every program section is checked, whichever program this is: a
     * broken one fails closed everywhere, as tlsdefaults-info shows. An
     * absolute path names a program more precisely than a file name. */
    for (int i = 0; ok && i < sk_CONF_VALUE_num(entries); i++) {
        const CONF_VALUE *e = sk_CONF_VALUE_value(entries, i);
        tlsd_policy *q = program_policy(cnf, tlsd_policy_profile(p), values, origin, e,
                                          programs);

        if (q == NULL) {
            ok = 0;
        } else if (prog != NULL && tlsd_program_matches(e->name, prog)
                   && (chosen == NULL || tlsd_program_entry_kind(e->name) > tlsd_program_entry_kind(chosen->name))) {
            tlsd_policy_free(program_p);
            program_p = q;
            chosen = e;
        } else {
            tlsd_policy_free(q);
        }
    }
    if (!ok) {
        tlsd_policy_free(program_p);
        tlsd_policy_free(p);
        return NULL;
    }
    if (program_p != NULL) {
        tlsd_debug("program %s: %s = %s in section %s applies",
                   prog->path[0] != '\0' ? prog->path : prog->base, chosen->name, chosen->value,
                   programs);
        tlsd_policy_free(p);
        return program_p;
    }
    return p;
}

tlsd_policy *tlsd_policy_from_section(const CONF *cnf, const char *section,
                                      int require_path)
{
    tlsd_program self;

    return tlsd_policy_from_section_for(cnf, section, require_path,
                                        tlsd_program_self(&self) ? &self : NULL);
}
