/* SPDX-License-Identifier: Apache-2.0 */
/* Parsing a value into a setting: one parser per kind of key (policy_keys.h);
 * the values OpenSSL parses go to its checks (policy_check.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/conf.h>

#include "errors.h"
#include "policy_internal.h"

static char *join(const char *a, const char *sep, const char *b)
{
    size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
    char *r = malloc(la + ls + lb + 1);

    if (r == NULL)
        return NULL;
    memcpy(r, a, la);
    memcpy(r + la, sep, ls);
    memcpy(r + la + ls, b, lb + 1);
    return r;
}

/* Replaces *slot with a new string; keeps the old one on failure. */
static int store(char **slot, char *fresh)
{
    if (fresh == NULL) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        return 0;
    }
    free(*slot);
    *slot = fresh;
    return 1;
}

static int record_origin(tlsd_setting_value *st, int edits, const char *origin)
{
    if (edits && st->origin != NULL && strstr(st->origin, origin) == NULL)
        return store(&st->origin, join(st->origin, " + ", origin));
    return store(&st->origin, strdup(origin));
}

typedef struct {
    const tlsd_flag_name *names;
    unsigned long bits;
    const char *bad; /* first unknown item */
    int bad_len;
} flag_parse;

/* Keeps the item no name matched, for the error; stops the list. */
static int unknown_item(flag_parse *fp, const char *item, int len)
{
    fp->bad = item != NULL ? item : "";
    fp->bad_len = item != NULL ? len : 0;
    return 0;
}

static int parse_flag_item(const char *item, int len, void *arg)
{
    flag_parse *fp = arg;
    int remove = 0;
    const char *name = item;
    int name_len = len;

    if (item != NULL && len > 0 && (item[0] == '-' || item[0] == '+')) {
        remove = item[0] == '-';
        name++;
        name_len--;
    }
    for (const tlsd_flag_name *f = fp->names; name != NULL && f->name != NULL; f++) {
        if (name_len > 0 && (size_t)name_len == strlen(f->name)
            && strncasecmp(f->name, name, (size_t)name_len) == 0) {
            if (remove)
                fp->bits &= ~f->bit;
            else
                fp->bits |= f->bit;
            return 1;
        }
    }
    return unknown_item(fp, item, len);
}

static int set_flags(tlsd_setting_value *st, const tlsd_key_def *def, const char *key,
                     const char *value, const char *origin)
{
    flag_parse fp = {def->names, st->bits, NULL, 0};

    if (!CONF_parse_list(value, ',', 1, parse_flag_item, &fp)) {
        char known[512];

        tlsd_policy_keys_names(known, sizeof(known), def->names, 0, 1);
        TLSD_RAISE(TLSD_R_BAD_VALUE,
                   "%.128s: key=%.128s value=%.256s: unknown flag '%.*s' (known: %s; "
                   "prefix with '-' to remove)",
                   origin, key, value, fp.bad_len > 128 ? 128 : fp.bad_len, fp.bad, known);
        return 0;
    }
    st->bits = fp.bits;
    return 1;
}

static int set_choice(tlsd_setting_value *st, const tlsd_key_def *def, const char *key,
                      const char *value, const char *origin)
{
    char known[256];

    for (const tlsd_flag_name *f = def->names; f->name != NULL; f++) {
        if (strcasecmp(f->name, value) == 0) {
            st->bits = f->bit;
            return store(&st->value, strdup(f->name));
        }
    }
    tlsd_policy_keys_names(known, sizeof(known), def->names, 0, 1);
    /* Values are cut in messages: OpenSSL drops the whole text of an error
     * longer than its buffer (1 KiB), and with it the key's name. */
    TLSD_RAISE(TLSD_R_BAD_VALUE, "%.128s: key=%.128s value=%.256s: expected one of %s",
               origin, key, value, known);
    return 0;
}

/* A trust store named by path must be there when the policy is loaded: a
 * typo found at the first handshake would be found too late. */
static int set_trust_store(tlsd_setting_value *st, const char *key, const char *value,
                           const char *origin)
{
    struct stat sb;

    if (strcasecmp(value, "system") == 0 || strcasecmp(value, "none") == 0)
        return store(&st->value, strdup(value[0] == 's' || value[0] == 'S' ? "system" : "none"));
    if (value[0] != '/') {
        TLSD_RAISE(TLSD_R_BAD_VALUE,
                   "%.128s: key=%.128s value=%.256s: expected system, none or an absolute path",
                   origin, key, value);
        return 0;
    }
    if (stat(value, &sb) != 0 || access(value, R_OK) != 0) {
        TLSD_RAISE(TLSD_R_BAD_VALUE, "%.128s: key=%.128s value=%.256s: %s", origin, key,
                   value, strerror(errno));
        return 0;
    }
    if (!S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode)) {
        TLSD_RAISE(TLSD_R_BAD_VALUE, "%.128s: key=%.128s value=%.256s: not a file or a directory",
                   origin, key, value);
        return 0;
    }
    return store(&st->value, strdup(value));
}

/* An item of Audit's list: the name of a key Audit may name. */
static int parse_audit_item(const char *item, int len, void *arg)
{
    flag_parse *fp = arg;

    for (int i = 0; item != NULL && i < TLSD_KEY_COUNT; i++) {
        const tlsd_key_def *def = &tlsd_policy_keys[i];

        if (def->audit_bit != 0 && len > 0 && (size_t)len == strlen(def->name)
            && strncasecmp(def->name, item, (size_t)len) == 0) {
            fp->bits |= def->audit_bit;
            return 1;
        }
    }
    return unknown_item(fp, item, len);
}

/* Audit: a boolean for every refusing key at once, or the keys by name. */
static int set_audit(tlsd_setting_value *st, const char *key, const char *value,
                     const char *origin)
{
    flag_parse fp = {NULL, 0, NULL, 0};
    char known[256], canonical[256];

    for (const tlsd_flag_name *f = tlsd_boolean_names; f->name != NULL; f++) {
        if (strcasecmp(f->name, value) == 0) {
            st->bits = f->bit ? TLSD_AUDIT_ALL : 0;
            return store(&st->value, strdup(f->bit ? "yes" : "no"));
        }
    }
    tlsd_policy_keys_audit_names(known, sizeof(known), 0, 1);
    if (!CONF_parse_list(value, ',', 1, parse_audit_item, &fp)) {
        TLSD_RAISE(TLSD_R_BAD_VALUE,
                   "%.128s: key=%.128s value=%.256s: '%.*s' cannot be audited (expected yes, no "
                   "or a list of: %s)",
                   origin, key, value, fp.bad_len > 128 ? 128 : fp.bad_len, fp.bad, known);
        return 0;
    }
    st->bits = fp.bits;
    tlsd_policy_keys_audit_names(canonical, sizeof(canonical), (unsigned)fp.bits, 0);
    return store(&st->value, strdup(canonical));
}

/* A journal namespace as journald names them: letters, digits, "_-.". */
static int journal_namespace_ok(const char *ns)
{
    if (*ns == '\0' || strlen(ns) > 64)
        return 0;
    for (const char *c = ns; *c != '\0'; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')
              || strchr("_-.", *c) != NULL))
            return 0;
    return 1;
}

/* AuditLog: where audit lines go. A path is opened when the policy is put
 * in effect, with the key log's rules; here it only has to be absolute. */
static int set_audit_log(tlsd_setting_value *st, const char *key, const char *value,
                         const char *origin)
{
    static const char *const sinks[] = {"syslog", "stderr", "journal"};

    for (size_t i = 0; i < sizeof(sinks) / sizeof(sinks[0]); i++)
        if (strcasecmp(value, sinks[i]) == 0)
            return store(&st->value, strdup(sinks[i]));
    if (strncasecmp(value, "journal:", 8) == 0 && journal_namespace_ok(value + 8)) {
        char spec[80];

        snprintf(spec, sizeof(spec), "journal:%s", value + 8);
        return store(&st->value, strdup(spec));
    }
    if (value[0] != '/') {
        TLSD_RAISE(TLSD_R_BAD_VALUE,
                   "%.128s: key=%.128s value=%.256s: expected syslog, stderr, journal, "
                   "journal:NAMESPACE or an absolute path", origin, key, value);
        return 0;
    }
    return store(&st->value, strdup(value));
}

/* An SSL_CONF command: OpenSSL checks the value (policy_check.c). */
static int set_conf_value(tlsd_policy *p, tlsd_setting_value *st, const tlsd_key_def *def,
                          const char *key, const char *value, const char *origin)
{
    if (!tlsd_policy_check_value(p, def, key, value, origin))
        return 0;
    if (def->kind == KEY_EDIT_LIST && st->value != NULL)
        return store(&st->value, join(st->value, ",", value));
    return store(&st->value, strdup(value));
}

/* The parser of the key's kind. */
static int set_by_kind(tlsd_policy *p, tlsd_setting_value *st, const tlsd_key_def *def,
                       const char *key, const char *value, const char *origin)
{
    switch (def->kind) {
    case KEY_FLAGS:
        return set_flags(st, def, key, value, origin);
    case KEY_CHOICE:
        return set_choice(st, def, key, value, origin);
    case KEY_TRUST:
        return set_trust_store(st, key, value, origin);
    case KEY_AUDIT:
        return set_audit(st, key, value, origin);
    case KEY_AUDIT_LOG:
        return set_audit_log(st, key, value, origin);
    default:
        return set_conf_value(p, st, def, key, value, origin);
    }
}

int tlsd_policy_set(tlsd_policy *p, const char *key, const char *value,
                    const char *origin)
{
    enum tlsd_key_id id;
    const tlsd_key_def *def = tlsd_policy_keys_find(key, &id);
    tlsd_setting_value *st;

    if (def == NULL) {
        TLSD_RAISE(TLSD_R_UNKNOWN_KEY, "%.128s: key=%.128s value=%.256s", origin, key, value);
        return 0;
    }
    if (value == NULL || *value == '\0') {
        TLSD_RAISE(TLSD_R_BAD_VALUE, "%.128s: key=%.128s value=(empty)", origin, key);
        return 0;
    }
    if (p->scratch == NULL && !p->deferred) {
        /* Set after tlsd_policy_check_finish(): build the checker again. */
        if ((p->scratch = tlsd_policy_scratch_new(TLS_method())) == NULL)
            return 0;
    }
    st = &p->s[id];
    if (!set_by_kind(p, st, def, key, value, origin)
        || !record_origin(st, def->kind == KEY_EDIT_LIST || def->kind == KEY_FLAGS, origin))
        return 0;
    st->set = 1;
    return 1;
}
