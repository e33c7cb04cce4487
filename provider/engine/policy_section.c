/* SPDX-License-Identifier: Apache-2.0 */
/* Reading a policy from a configuration section, with its Programs. */
#include "policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "debug.h"
#include "errors.h"
#include "policy_internal.h"
#include "program.h"

const char *tlsd_policy_section_path(const CONF *cnf, const char *section)
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

/* Keys a candidate section may not hold: where lines go, and what only
 * the enforced policy can name. */
static int not_in_candidate(const char *name)
{
    static const char *const keys[] = {"path", "Programs", "Candidate", "Peers", "Audit", "AuditLog",
                                       "Inventory", "KeyLog"};

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strcasecmp(name, keys[i]) == 0)
            return 1;
    return 0;
}

/* A key a Peers entry may not set: one that is not about one client
 * connection (the key table's peer column), or a section's own key. */
static int refused_in_peer(const CONF_VALUE *v, const char *origin)
{
    enum tlsd_key_id id;
    const tlsd_key_def *def = tlsd_policy_keys_find(v->name, &id);

    if (def != NULL && def->peer)
        return 0;
    if (def == NULL && !module_only_key(v->name) && strcasecmp(v->name, "Candidate") != 0
        && strcasecmp(v->name, "Peers") != 0)
        return 0; /* unknown: tlsd_policy_set() names it */
    char keys[512] = "";

    /* The keys an entry may set, from the key table's peer column. */
    for (int i = 0; i < TLSD_KEY_COUNT; i++)
        if (tlsd_policy_keys[i].peer)
            snprintf(keys + strlen(keys), sizeof(keys) - strlen(keys), "%s%s", keys[0] ? ", " : "",
                     tlsd_policy_keys[i].name);
    TLSD_RAISE(TLSD_R_NOT_PER_CONNECTION, "%.200s: key=%.128s: this key is the whole policy's; a Peers "
               "entry sets only %s", origin, v->name, keys);
    return 1;
}

/* Sets every key of values but the section's own ones (Candidate, Peers,
 * and for a module section path, Profile and Programs); reports every bad
 * key, not only the first. 1 when all were good. */
int tlsd_policy_section_set_keys(tlsd_policy *p, STACK_OF(CONF_VALUE) *values, const char *origin,
                                 enum tlsd_section_kind kind)
{
    int ok = 1;

    for (int i = 0; i < sk_CONF_VALUE_num(values); i++) {
        const CONF_VALUE *v = sk_CONF_VALUE_value(values, i);

        if (kind == PEER_SECTION && refused_in_peer(v, origin)) {
            ok = 0;
            continue;
        }
        if (strcasecmp(v->name, "Peers") == 0 && kind != CANDIDATE_SECTION)
            continue;

        if (kind == CANDIDATE_SECTION && not_in_candidate(v->name)) {
            TLSD_RAISE(TLSD_R_UNKNOWN_KEY, "%.200s: key=%.128s: a candidate section holds a Profile "
                       "and policy keys; where lines go is the enforced policy's", origin, v->name);
            ok = 0;
            continue;
        }
        if (strcasecmp(v->name, "Candidate") == 0 || (kind == CANDIDATE_SECTION && strcasecmp(v->name, "Profile") == 0))
            continue;
        if (module_only_key(v->name)) {
            if (kind == PROGRAM_SECTION) {
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

/* The value of key in values (any case; the last one), or NULL. */
static const char *value_of(STACK_OF(CONF_VALUE) *values, const char *key)
{
    const char *found = NULL;

    for (int i = 0; i < sk_CONF_VALUE_num(values); i++)
        if (strcasecmp(sk_CONF_VALUE_value(values, i)->name, key) == 0)
            found = sk_CONF_VALUE_value(values, i)->value;
    return found;
}

/* Candidate = name, read by origin's section: the candidate's own Profile
 * (default: the enforced one's), then its keys. Attached to p; 1, or 0
 * with the error raised (p is then broken: it fails closed). */
static int attach_candidate(const CONF *cnf, tlsd_policy *p, const char *name, const char *origin)
{
    STACK_OF(CONF_VALUE) *values = NCONF_get_section(cnf, name);
    const char *profile;
    char own[256];
    tlsd_policy *c;
    int ok;

    if (values == NULL) {
        TLSD_RAISE(TLSD_R_MISSING_SECTION, "%.200s: key=Candidate value=%.128s: no such section", origin, name);
        return 0;
    }
    if (strlen(name) >= sizeof(p->candidate_name)) {
        TLSD_RAISE(TLSD_R_BAD_VALUE, "%.200s: key=Candidate value=%.128s: name too long", origin, name);
        return 0;
    }
    profile = value_of(values, "Profile");
    if ((c = tlsd_policy_new(profile != NULL ? profile : tlsd_policy_profile(p))) == NULL)
        return 0;
    snprintf(own, sizeof(own), "section %.200s (candidate)", name);
    ok = tlsd_policy_section_set_keys(c, values, own, CANDIDATE_SECTION);
    if (!tlsd_policy_check_finish(c) || !ok) {
        tlsd_policy_free(c);
        return 0;
    }
    tlsd_policy_free(p->candidate);
    p->candidate = c;
    snprintf(p->candidate_name, sizeof(p->candidate_name), "%s", name);
    return 1;
}

/* A policy of profile with the keys of layers[0..n): the errors of the
 * last are reported; those before were read into a policy of their own
 * already, with their errors reported there, and only memory can fail
 * them here (a key left out would weaken the new policy: out of memory,
 * naming what). NULL on error. */
tlsd_policy *tlsd_policy_section_layered(const char *profile, const tlsd_section_layer *layers, size_t n,
                                         const char *what)
{
    tlsd_policy *p = tlsd_policy_new(profile);
    int ok = p != NULL;

    for (size_t i = 0; ok && i + 1 < n; i++) {
        ERR_set_mark();
        ok = tlsd_policy_section_set_keys(p, layers[i].values, layers[i].origin, layers[i].kind);
        ERR_pop_to_mark();
        if (!ok)
            TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "%.256s", what);
    }
    if (ok)
        ok = tlsd_policy_section_set_keys(p, layers[n - 1].values, layers[n - 1].origin, layers[n - 1].kind);
    if (!ok) {
        tlsd_policy_free(p);
        return NULL;
    }
    return p;
}

/* The policy of one Programs entry: the module section's, then the program
 * section's keys. Errors of the module section were reported already. */
static tlsd_policy *program_policy(const CONF *cnf, const char *profile,
                                   STACK_OF(CONF_VALUE) *module_values,
                                   const char *module_origin, const CONF_VALUE *entry,
                                   const char *programs, char *origin, size_t origin_cap)
{
    STACK_OF(CONF_VALUE) *values = NCONF_get_section(cnf, entry->value);
    tlsd_section_layer layers[2];
    tlsd_policy *p;
    int ok = 1;

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
    snprintf(origin, origin_cap, "section %.200s (program %.200s)", entry->value, entry->name);
    layers[0] = (tlsd_section_layer){module_values, module_origin, MODULE_SECTION};
    layers[1] = (tlsd_section_layer){values, origin, PROGRAM_SECTION};
    if ((p = tlsd_policy_section_layered(profile, layers, 2, origin)) == NULL)
        ok = 0;
    /* Its own Candidate and Peers, else the module section's. */
    if (p != NULL && value_of(values, "Candidate") != NULL)
        ok &= attach_candidate(cnf, p, value_of(values, "Candidate"), origin);
    else if (p != NULL && value_of(module_values, "Candidate") != NULL)
        ok &= attach_candidate(cnf, p, value_of(module_values, "Candidate"), module_origin);
    if (p != NULL && value_of(values, "Peers") != NULL)
        ok &= tlsd_policy_peers_attach(cnf, p, value_of(values, "Peers"), layers, 2);
    else if (p != NULL && value_of(module_values, "Peers") != NULL)
        ok &= tlsd_policy_peers_attach(cnf, p, value_of(module_values, "Peers"), layers, 2);
    /* The range check names both origins. */
    if (p == NULL || !tlsd_policy_check_finish(p) || !ok) {
        tlsd_policy_free(p);
        return NULL;
    }
    return p;
}

/* The entry of entries that names prog: an absolute path names a program
 * more precisely than a file name; of equals, the first. */
static const CONF_VALUE *entry_for(STACK_OF(CONF_VALUE) *entries, const tlsd_program *prog)
{
    const CONF_VALUE *chosen = NULL;

    for (int i = 0; i < sk_CONF_VALUE_num(entries); i++) {
        const CONF_VALUE *e = sk_CONF_VALUE_value(entries, i);

        if (tlsd_program_matches(e->name, prog)
            && (chosen == NULL || tlsd_program_entry_kind(e->name) > tlsd_program_entry_kind(chosen->name)))
            chosen = e;
    }
    return chosen;
}

/* The value of the module section's Programs key (any case), or NULL. */
static const char *programs_of(STACK_OF(CONF_VALUE) *values)
{
    const char *programs = NULL;

    for (int i = 0; i < sk_CONF_VALUE_num(values); i++) {
        const CONF_VALUE *v = sk_CONF_VALUE_value(values, i);

        if (strcasecmp(v->name, "Programs") == 0)
            programs = v->value;
    }
    return programs;
}

const CONF_VALUE *tlsd_policy_section_program_entry(const CONF *cnf, const char *section,
                                     const tlsd_program *prog, const char **programs)
{
    *programs = programs_of(NCONF_get_section(cnf, section));
    return *programs != NULL ? entry_for(NCONF_get_section(cnf, *programs), prog) : NULL;
}

/* The module section's own policy: its profile, wherever it stands (the
 * base the other keys edit), then its keys. *ok is cleared on any error;
 * NULL only when no policy could be made. */
static tlsd_policy *module_policy(const CONF *cnf, const char *section,
                                  STACK_OF(CONF_VALUE) *values, int require_path,
                                  const char *origin, int *ok)
{
    const char *profile = NULL, *miscased_path = NULL;
    int have_path;
    tlsd_policy *p;

    /* OpenSSL's parser keeps only the last of a key given twice. */
    for (int i = 0; i < sk_CONF_VALUE_num(values); i++) {
        const CONF_VALUE *v = sk_CONF_VALUE_value(values, i);

        if (strcasecmp(v->name, "path") == 0 && strcmp(v->name, "path") != 0)
            miscased_path = v->name;
        if (strcasecmp(v->name, "Profile") == 0)
            profile = v->value;
    }
    /* OpenSSL never sees a "Path": without a "path" it loads lib<name>.so
     * from the library path instead of the file named. */
    have_path = tlsd_policy_section_path(cnf, section) != NULL;
    if (miscased_path != NULL) {
        TLSD_RAISE(require_path && !have_path ? TLSD_R_MISSING_PATH : TLSD_R_UNKNOWN_KEY,
                   "%.128s: key=%s: OpenSSL reads only the lower-case path", origin,
                   miscased_path);
        *ok = 0;
    } else if (require_path && !have_path) {
        TLSD_RAISE(TLSD_R_MISSING_PATH, "%.128s: key=path is required", origin);
        *ok = 0;
    }
    p = tlsd_policy_new(profile != NULL ? profile : "python");
    if (p == NULL)
        return NULL;
    if (!tlsd_policy_section_set_keys(p, values, origin, MODULE_SECTION))
        *ok = 0;
    if (value_of(values, "Candidate") != NULL && !attach_candidate(cnf, p, value_of(values, "Candidate"), origin))
        *ok = 0;
    if (value_of(values, "Peers") != NULL
        && !tlsd_policy_peers_attach(cnf, p, value_of(values, "Peers"), &(tlsd_section_layer){values, origin, MODULE_SECTION}, 1))
        *ok = 0;
    if (*ok)
        *ok = tlsd_policy_check_finish(p);
    return p;
}

/* Every program section is checked, whichever program this is: a broken
 * one fails closed everywhere, as tlsdefaults-info shows. Deferred, the
 * checks of the sections this program does not get join those of the
 * policy it gets (tlsd_policy_check_also). The policy of the entry chosen
 * is returned in *program_p. 1, or 0 on error. */
static int check_programs(const CONF *cnf, tlsd_policy *p, STACK_OF(CONF_VALUE) *values,
                          const char *origin, const char *programs,
                          STACK_OF(CONF_VALUE) *entries, const CONF_VALUE *chosen,
                          tlsd_policy **program_p)
{
    int ok = 1;

    for (int i = 0; ok && i < sk_CONF_VALUE_num(entries); i++) {
        const CONF_VALUE *e = sk_CONF_VALUE_value(entries, i);
        char program_origin[512];
        tlsd_policy *q = program_policy(cnf, tlsd_policy_profile(p), values, origin, e,
                                        programs, program_origin, sizeof(program_origin));

        if (q == NULL)
            ok = 0;
        else if (e == chosen)
            *program_p = q;
        else if (!tlsd_policy_check_also(p, q, program_origin))
            ok = 0;
    }
    return ok;
}

tlsd_policy *tlsd_policy_section_read_for(const CONF *cnf, const char *section,
                                          int require_path, const tlsd_program *prog)
{
    STACK_OF(CONF_VALUE) *values = NCONF_get_section(cnf, section);
    STACK_OF(CONF_VALUE) *entries = NULL;
    const char *programs;
    const CONF_VALUE *chosen;
    int ok = 1;
    tlsd_policy *p, *program_p = NULL;
    char origin[256];

    if (values == NULL) {
        TLSD_RAISE(TLSD_R_MISSING_SECTION, "section=%s", section);
        return NULL;
    }
    snprintf(origin, sizeof(origin), "section %s", section);
    programs = programs_of(values);
    if ((p = module_policy(cnf, section, values, require_path, origin, &ok)) == NULL)
        return NULL;
    if (programs != NULL && (entries = NCONF_get_section(cnf, programs)) == NULL) {
        TLSD_RAISE(TLSD_R_MISSING_SECTION, "%.128s: key=Programs value=%.128s: no such section",
                   origin, programs);
        ok = 0;
    }
    chosen = prog != NULL ? entry_for(entries, prog) : NULL;
    if (ok)
        ok = check_programs(cnf, p, values, origin, programs, entries, chosen, &program_p);
    /* The module section's policy, for the programs no entry names: its
     * values are among program_p's, its range is not. */
    if (ok && program_p != NULL) {
        ok = tlsd_policy_check_also(program_p, p, NULL);
        p = NULL;
    }
    if (!ok) {
        tlsd_policy_free(program_p);
        tlsd_policy_free(p);
        return NULL;
    }
    if (program_p == NULL)
        return p;
    tlsd_debug("program %s: %s = %s in section %s applies",
               prog->path[0] != '\0' ? prog->path : prog->base, chosen->name, chosen->value,
               programs);
    return program_p;
}

tlsd_policy *tlsd_policy_section_read(const CONF *cnf, const char *section,
                                      int require_path)
{
    tlsd_program self;

    return tlsd_policy_section_read_for(cnf, section, require_path,
                                        tlsd_program_self(&self) ? &self : NULL);
}
