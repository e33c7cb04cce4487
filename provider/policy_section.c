#include "policy.h"

#include <stdio.h>
#include <strings.h>

#include "errors.h"

tlsd_policy *tlsd_policy_from_section(const CONF *cnf, const char *section,
                                      int require_path)
{
    STACK_OF(CONF_VALUE) *values = NCONF_get_section(cnf, section);
    const char *profile = NULL;
    int have_path = 0, ok = 1;
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

        if (strcasecmp(v->name, "path") == 0)
            have_path = 1;
        if (strcasecmp(v->name, "Profile") == 0)
            profile = v->value;
    }
    if (require_path && !have_path) {
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
