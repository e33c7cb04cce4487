/* SPDX-License-Identifier: Apache-2.0 */
#include "policy.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "errors.h"

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

tlsd_policy *tlsd_policy_from_section(const CONF *cnf, const char *section,
                                      int require_path)
{
    STACK_OF(CONF_VALUE) *values = NCONF_get_section(cnf, section);
    const char *profile = NULL, *miscased_path = NULL;
    int have_path, ok = 1;
    tlsd_policy *p;
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

    /* Every bad key is reported, not only the first. */
    for (int i = 0; i < sk_CONF_VALUE_num(values); i++) {
        const CONF_VALUE *v = sk_CONF_VALUE_value(values, i);

        if (strcasecmp(v->name, "path") == 0 || strcasecmp(v->name, "Profile") == 0)
            continue;
        if (!tlsd_policy_set(p, v->name, v->value, origin))
            ok = 0;
    }
    if (ok)
        ok = tlsd_policy_finish(p);
    if (!ok) {
        tlsd_policy_free(p);
        return NULL;
    }
    return p;
}
