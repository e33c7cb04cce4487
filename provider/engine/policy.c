/* SPDX-License-Identifier: Apache-2.0 */
#include "policy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "errors.h"
#include "method_role.h"
#include "profiles.h"

/* How a key's value combines with the value before it. */
enum key_kind {
    KEY_REPLACE,   /* an SSL_CONF command; the last value wins */
    KEY_EDIT_LIST, /* an SSL_CONF command whose items edit the previous ones */
    KEY_FLAGS,     /* our own flag list: "A, B, -C" edits the previous bits */
    KEY_CHOICE,    /* one name of a table (yes/no and the like) */
    KEY_TRUST,     /* "system", "none" or an absolute path */
    KEY_AUDIT,     /* yes, no, or a list of the keys audited */
    KEY_AUDIT_LOG, /* syslog, stderr or an absolute path */
};

typedef struct {
    const char *name;
    unsigned long bit;
} flag_name;

typedef struct {
    const char *name;
    enum key_kind kind;
    const flag_name *flags; /* KEY_FLAGS and KEY_CHOICE */
} key_def;

static const flag_name verify_flag_names[] = {
    {"X509Strict", X509_V_FLAG_X509_STRICT},
    {"PartialChain", X509_V_FLAG_PARTIAL_CHAIN},
    {"TrustedFirst", X509_V_FLAG_TRUSTED_FIRST},
    {"NoAltChains", X509_V_FLAG_NO_ALT_CHAINS},
    {"CheckSelfSignedSignature", X509_V_FLAG_CHECK_SS_SIGNATURE},
    {"CRLCheck", X509_V_FLAG_CRL_CHECK},
    {"CRLCheckAll", X509_V_FLAG_CRL_CHECK_ALL},
    {"PolicyCheck", X509_V_FLAG_POLICY_CHECK},
    {"ExplicitPolicy", X509_V_FLAG_EXPLICIT_POLICY},
    {NULL, 0},
};

static const flag_name host_flag_names[] = {
    {"AlwaysCheckSubject", X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT},
    {"NoWildcards", X509_CHECK_FLAG_NO_WILDCARDS},
    {"NoPartialWildcards", X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS},
    {"MultiLabelWildcards", X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS},
    {"SingleLabelSubdomains", X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS},
    {"NeverCheckSubject", X509_CHECK_FLAG_NEVER_CHECK_SUBJECT},
    {NULL, 0},
};

static const flag_name mode_names[] = {
    {"ReleaseBuffers", SSL_MODE_RELEASE_BUFFERS},
    {NULL, 0},
};

#define BOOLEAN_NAMES \
    {"yes", 1}, {"no", 0}, {"on", 1}, {"off", 0}, \
    {"true", 1}, {"false", 0}, {"1", 1}, {"0", 0}

static const flag_name boolean_names[] = {BOOLEAN_NAMES, {NULL, 0}};

static const flag_name verify_peer_names[] = {
    {"force", TLSD_VERIFY_PEER_FORCE}, BOOLEAN_NAMES, {NULL, 0},
};

static const flag_name hostname_check_names[] = {
    {"require", TLSD_HOSTNAME_CHECK_REQUIRE}, BOOLEAN_NAMES, {NULL, 0},
};

/* Every key a section may hold, in the order they are applied. The
 * SSL_CONF names are OpenSSL's own, so OpenSSL parses their values. */
enum key_id {
    K_MIN_PROTOCOL,
    K_MAX_PROTOCOL,
    K_PROTOCOL,
    K_OPTIONS,
    K_CIPHER_STRING,
    K_CIPHERSUITES,
    K_GROUPS,
    K_SIGNATURE_ALGORITHMS,
    K_VERIFY_FLAGS,
    K_HOST_FLAGS,
    K_MODE,
    K_VERIFY_PEER,
    K_TRUST_STORE,
    K_HOSTNAME_CHECK,
    K_ENFORCE,
    K_KEY_LOG,
    K_AUDIT,
    K_AUDIT_LOG,
    K_COUNT
};

static const key_def keys[K_COUNT] = {
    [K_MIN_PROTOCOL] = {"MinProtocol", KEY_REPLACE, NULL},
    [K_MAX_PROTOCOL] = {"MaxProtocol", KEY_REPLACE, NULL},
    [K_PROTOCOL] = {"Protocol", KEY_EDIT_LIST, NULL},
    [K_OPTIONS] = {"Options", KEY_EDIT_LIST, NULL},
    [K_CIPHER_STRING] = {"CipherString", KEY_REPLACE, NULL},
    [K_CIPHERSUITES] = {"Ciphersuites", KEY_REPLACE, NULL},
    [K_GROUPS] = {"Groups", KEY_REPLACE, NULL},
    [K_SIGNATURE_ALGORITHMS] = {"SignatureAlgorithms", KEY_REPLACE, NULL},
    [K_VERIFY_FLAGS] = {"VerifyFlags", KEY_FLAGS, verify_flag_names},
    [K_HOST_FLAGS] = {"HostFlags", KEY_FLAGS, host_flag_names},
    [K_MODE] = {"Mode", KEY_FLAGS, mode_names},
    [K_VERIFY_PEER] = {"VerifyPeer", KEY_CHOICE, verify_peer_names},
    [K_TRUST_STORE] = {"TrustStore", KEY_TRUST, NULL},
    [K_HOSTNAME_CHECK] = {"HostnameCheck", KEY_CHOICE, hostname_check_names},
    [K_ENFORCE] = {"Enforce", KEY_CHOICE, boolean_names},
    [K_KEY_LOG] = {"KeyLog", KEY_CHOICE, boolean_names},
    [K_AUDIT] = {"Audit", KEY_AUDIT, NULL},
    [K_AUDIT_LOG] = {"AuditLog", KEY_AUDIT_LOG, NULL},
};

/* The keys that refuse connections, which Audit may turn into reports. */
static const flag_name audit_key_names[] = {
    {"MinProtocol", TLSD_AUDIT_MIN_PROTOCOL},
    {"CipherString", TLSD_AUDIT_CIPHER_STRING},
    {"Ciphersuites", TLSD_AUDIT_CIPHERSUITES},
    {"VerifyFlags", TLSD_AUDIT_VERIFY_FLAGS},
    {"VerifyPeer", TLSD_AUDIT_VERIFY_PEER},
    {"HostnameCheck", TLSD_AUDIT_HOSTNAME_CHECK},
    {"Enforce", TLSD_AUDIT_ENFORCE},
    {NULL, 0},
};

typedef struct {
    char *value;        /* SSL_CONF value; NULL leaves OpenSSL's default */
    unsigned long bits; /* KEY_FLAGS: the resulting bits */
    int set;
    char *origin;       /* "profile python", "section x", or both joined */
} setting;

/* A value OpenSSL has yet to check (deferred mode), with what the check's
 * error names; checked in the order the values were set. */
typedef struct pending_check {
    const key_def *def;
    char *key, *value, *origin;
    struct pending_check *next;
} pending_check;

/* Deferred mode, Programs: the checks of a program's policy that this
 * process does not get (tlsd_policy_check_also), run with its own. */
typedef struct side_check {
    pending_check *pending;       /* the values its program section set */
    setting bounds[2];            /* its MinProtocol and MaxProtocol */
    struct side_check *next;
} side_check;

struct tlsd_policy {
    char *profile;
    setting s[K_COUNT];
    SSL_CTX *scratch; /* validates values while the policy is being built */
    int min_version, max_version; /* the TLS bounds, known once finished */
    int deferred;     /* built without OpenSSL's checks: tlsd_policy_check() */
    pending_check *pending, **pending_tail;
    side_check *sides;
};

static _Thread_local int in_scratch;
static _Thread_local int defer_checks;

void tlsd_policy_defer_checks(int on)
{
    defer_checks = on;
}

int tlsd_policy_in_scratch(void)
{
    return in_scratch;
}

static SSL_CTX *scratch_ctx_of(const SSL_METHOD *method)
{
    SSL_CTX *ctx;

    in_scratch++;
    ctx = SSL_CTX_new(method);
    in_scratch--;
    return ctx;
}

static SSL_CTX *scratch_ctx_new(void)
{
    return scratch_ctx_of(TLS_method());
}

static const key_def *find_key(const char *name, enum key_id *id)
{
    for (int i = 0; i < K_COUNT; i++) {
        if (strcasecmp(keys[i].name, name) == 0) {
            *id = (enum key_id)i;
            return &keys[i];
        }
    }
    return NULL;
}

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

static int record_origin(setting *st, int edits, const char *origin)
{
    if (edits && st->origin != NULL && strstr(st->origin, origin) == NULL)
        return store(&st->origin, join(st->origin, " + ", origin));
    return store(&st->origin, strdup(origin));
}

/* Runs one SSL_CONF command on ctx. SSL_CONF_FLAG_FILE gives the
 * openssl.cnf spelling and case-insensitive names. */
static int conf_cmd(SSL_CTX *ctx, const char *name, const char *value,
                    unsigned int extra_flags)
{
    SSL_CONF_CTX *cctx = SSL_CONF_CTX_new();
    int ok;

    if (cctx == NULL)
        return 0;
    SSL_CONF_CTX_set_flags(cctx, SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_CLIENT
                                     | SSL_CONF_FLAG_SERVER | extra_flags);
    SSL_CONF_CTX_set_ssl_ctx(cctx, ctx);
    ok = SSL_CONF_cmd(cctx, name, value) > 0;
    SSL_CONF_CTX_free(cctx);
    return ok;
}

typedef struct {
    const flag_name *names;
    unsigned long bits;
    const char *bad; /* first unknown item */
    int bad_len;
} flag_parse;

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
    for (const flag_name *f = fp->names; name != NULL && f->name != NULL; f++) {
        if (name_len > 0 && (size_t)name_len == strlen(f->name)
            && strncasecmp(f->name, name, (size_t)name_len) == 0) {
            if (remove)
                fp->bits &= ~f->bit;
            else
                fp->bits |= f->bit;
            return 1;
        }
    }
    fp->bad = item != NULL ? item : "";
    fp->bad_len = item != NULL ? len : 0;
    return 0;
}

static void append_flag_names(char *buf, size_t cap, const flag_name *names,
                              unsigned long bits, int all)
{
    buf[0] = '\0';
    for (const flag_name *f = names; f->name != NULL; f++) {
        if (!all && (bits & f->bit) == 0)
            continue;
        if (buf[0] != '\0')
            strncat(buf, ", ", cap - strlen(buf) - 1);
        strncat(buf, f->name, cap - strlen(buf) - 1);
    }
}

static int set_flags(setting *st, const key_def *def, const char *key,
                     const char *value, const char *origin)
{
    flag_parse fp = {def->flags, st->bits, NULL, 0};

    if (!CONF_parse_list(value, ',', 1, parse_flag_item, &fp)) {
        char known[512];

        append_flag_names(known, sizeof(known), def->flags, 0, 1);
        TLSD_RAISE(TLSD_R_BAD_VALUE,
                   "%.128s: key=%.128s value=%.256s: unknown flag '%.*s' (known: %s; "
                   "prefix with '-' to remove)",
                   origin, key, value, fp.bad_len > 128 ? 128 : fp.bad_len, fp.bad, known);
        return 0;
    }
    st->bits = fp.bits;
    return 1;
}

static int set_choice(setting *st, const key_def *def, const char *key,
                      const char *value, const char *origin)
{
    char known[256];

    for (const flag_name *f = def->flags; f->name != NULL; f++) {
        if (strcasecmp(f->name, value) == 0) {
            st->bits = f->bit;
            return store(&st->value, strdup(f->name));
        }
    }
    append_flag_names(known, sizeof(known), def->flags, 0, 1);
    /* Values are cut in messages: OpenSSL drops the whole text of an error
     * longer than its buffer (1 KiB), and with it the key's name. */
    TLSD_RAISE(TLSD_R_BAD_VALUE, "%.128s: key=%.128s value=%.256s: expected one of %s",
               origin, key, value, known);
    return 0;
}

/* A trust store named by path must be there when the policy is loaded: a
 * typo found at the first handshake would be found too late. */
static int set_trust_store(setting *st, const char *key, const char *value,
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

static int parse_audit_item(const char *item, int len, void *arg)
{
    flag_parse *fp = arg;

    for (const flag_name *f = audit_key_names; item != NULL && f->name != NULL; f++) {
        if (len > 0 && (size_t)len == strlen(f->name) && strncasecmp(f->name, item, (size_t)len) == 0) {
            fp->bits |= f->bit;
            return 1;
        }
    }
    fp->bad = item != NULL ? item : "";
    fp->bad_len = item != NULL ? len : 0;
    return 0;
}

/* Audit: a boolean for every refusing key at once, or the keys by name. */
static int set_audit(setting *st, const char *key, const char *value, const char *origin)
{
    flag_parse fp = {audit_key_names, 0, NULL, 0};
    char known[256], canonical[256];

    for (const flag_name *f = boolean_names; f->name != NULL; f++) {
        if (strcasecmp(f->name, value) == 0) {
            st->bits = f->bit ? TLSD_AUDIT_ALL : 0;
            return store(&st->value, strdup(f->bit ? "yes" : "no"));
        }
    }
    append_flag_names(known, sizeof(known), audit_key_names, 0, 1);
    if (!CONF_parse_list(value, ',', 1, parse_audit_item, &fp)) {
        TLSD_RAISE(TLSD_R_BAD_VALUE,
                   "%.128s: key=%.128s value=%.256s: '%.*s' cannot be audited (expected yes, no "
                   "or a list of: %s)",
                   origin, key, value, fp.bad_len > 128 ? 128 : fp.bad_len, fp.bad, known);
        return 0;
    }
    st->bits = fp.bits;
    append_flag_names(canonical, sizeof(canonical), audit_key_names, fp.bits, 0);
    return store(&st->value, strdup(canonical));
}

/* AuditLog: where audit lines go. A path is opened when the policy is put
 * in effect, with the key log's rules; here it only has to be absolute. */
static int set_audit_log(setting *st, const char *key, const char *value, const char *origin)
{
    if (strcasecmp(value, "syslog") == 0 || strcasecmp(value, "stderr") == 0) {
        char lower[8];

        for (size_t i = 0; i <= strlen(value); i++)
            lower[i] = (char)(value[i] >= 'A' && value[i] <= 'Z' ? value[i] - 'A' + 'a' : value[i]);
        return store(&st->value, strdup(lower));
    }
    if (value[0] != '/') {
        TLSD_RAISE(TLSD_R_BAD_VALUE,
                   "%.128s: key=%.128s value=%.256s: expected syslog, stderr or an absolute path",
                   origin, key, value);
        return 0;
    }
    return store(&st->value, strdup(value));
}

/* OpenSSL accepts a DTLS version as a bound of a TLS context and ignores
 * it: such a value would set no floor, and Enforce would hold none. Only
 * "None" may leave a TLS context without a bound. */
static int sets_tls_bound(SSL_CTX *scratch, const char *name, const char *value)
{
    /* Read back from the checker, where the value was just set over a
     * bound cleared first (check_conf_value): no fresh context needed. */
    long bound = strcmp(name, "MinProtocol") == 0 ? SSL_CTX_get_min_proto_version(scratch)
                                                  : SSL_CTX_get_max_proto_version(scratch);

    return bound != 0 || strcasecmp(value, "None") == 0;
}

static int check_conf_value(SSL_CTX *scratch, const key_def *def, const char *key,
                            const char *value, const char *origin)
{
    /* A bound OpenSSL ignores must not leave the one before it standing
     * (sets_tls_bound reads it back). */
    if (def == &keys[K_MIN_PROTOCOL])
        SSL_CTX_set_min_proto_version(scratch, 0);
    else if (def == &keys[K_MAX_PROTOCOL])
        SSL_CTX_set_max_proto_version(scratch, 0);
    /* Parsed by OpenSSL itself on a scratch context: its own message
     * (SHOW_ERRORS) comes first on the queue, ours names key and origin. */
    if (!conf_cmd(scratch, def->name, value, SSL_CONF_FLAG_SHOW_ERRORS)) {
        TLSD_RAISE(TLSD_R_BAD_VALUE, "%.128s: key=%.128s value=%.256s", origin, key, value);
        return 0;
    }
    if ((def == &keys[K_MIN_PROTOCOL] || def == &keys[K_MAX_PROTOCOL])
        && !sets_tls_bound(scratch, def->name, value)) {
        TLSD_RAISE(TLSD_R_BAD_VALUE,
                   "%.128s: key=%.128s value=%.256s: sets no bound on TLS contexts "
                   "(DTLS contexts get the DTLS bound that matches a TLS version: "
                   "TLSv1.2 means DTLSv1.2)", origin, key, value);
        return 0;
    }
    return 1;
}

/* Deferred mode: the check is remembered, to run in tlsd_policy_check(). */
static int defer_check(tlsd_policy *p, const key_def *def, const char *key,
                       const char *value, const char *origin)
{
    pending_check *c = calloc(1, sizeof(*c));

    if (c == NULL || (c->key = strdup(key)) == NULL || (c->value = strdup(value)) == NULL
        || (c->origin = strdup(origin)) == NULL) {
        if (c != NULL) {
            free(c->key);
            free(c->value);
        }
        free(c);
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        return 0;
    }
    c->def = def;
    *p->pending_tail = c;
    p->pending_tail = &c->next;
    return 1;
}

static int set_conf_value(tlsd_policy *p, setting *st, const key_def *def,
                          const char *key, const char *value,
                          const char *origin)
{
    if (!(p->deferred ? defer_check(p, def, key, value, origin)
                      : check_conf_value(p->scratch, def, key, value, origin)))
        return 0;
    if (def->kind == KEY_EDIT_LIST && st->value != NULL)
        return store(&st->value, join(st->value, ",", value));
    return store(&st->value, strdup(value));
}

int tlsd_policy_set(tlsd_policy *p, const char *key, const char *value,
                    const char *origin)
{
    enum key_id id;
    const key_def *def = find_key(key, &id);
    setting *st;
    int ok;

    if (def == NULL) {
        TLSD_RAISE(TLSD_R_UNKNOWN_KEY, "%.128s: key=%.128s value=%.256s", origin, key, value);
        return 0;
    }
    if (value == NULL || *value == '\0') {
        TLSD_RAISE(TLSD_R_BAD_VALUE, "%.128s: key=%.128s value=(empty)", origin, key);
        return 0;
    }
    if (p->scratch == NULL && !p->deferred) {
        /* Set after tlsd_policy_finish(): build the checker again. */
        if ((p->scratch = scratch_ctx_new()) == NULL)
            return 0;
    }
    st = &p->s[id];
    switch (def->kind) {
    case KEY_FLAGS:
        ok = set_flags(st, def, key, value, origin);
        break;
    case KEY_CHOICE:
        ok = set_choice(st, def, key, value, origin);
        break;
    case KEY_TRUST:
        ok = set_trust_store(st, key, value, origin);
        break;
    case KEY_AUDIT:
        ok = set_audit(st, key, value, origin);
        break;
    case KEY_AUDIT_LOG:
        ok = set_audit_log(st, key, value, origin);
        break;
    default:
        ok = set_conf_value(p, st, def, key, value, origin);
        break;
    }
    if (!ok || !record_origin(st, def->kind == KEY_EDIT_LIST || def->kind == KEY_FLAGS, origin))
        return 0;
    st->set = 1;
    return 1;
}

tlsd_policy *tlsd_policy_new(const char *profile_name)
{
    const tlsd_profile *profile = tlsd_profile_find(profile_name);
    tlsd_policy *p;
    char origin[64];

    if (profile == NULL) {
        TLSD_RAISE(TLSD_R_UNKNOWN_PROFILE, "key=Profile value=%.256s (known: %s)",
                   profile_name, tlsd_profile_names());
        return NULL;
    }
    p = calloc(1, sizeof(*p));
    if (p != NULL) {
        p->deferred = defer_checks;
        p->pending_tail = &p->pending;
    }
    if (p == NULL || (p->profile = strdup(profile->name)) == NULL
        || (!p->deferred && (p->scratch = scratch_ctx_new()) == NULL)) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        tlsd_policy_free(p);
        return NULL;
    }
    snprintf(origin, sizeof(origin), "profile %s", profile->name);
    for (size_t i = 0; i < profile->count; i++) {
        if (!tlsd_policy_set(p, profile->settings[i].key,
                             profile->settings[i].value, origin)) {
            tlsd_policy_free(p);
            return NULL;
        }
    }
    return p;
}

static void free_checks(pending_check *c)
{
    while (c != NULL) {
        pending_check *next = c->next;

        free(c->key);
        free(c->value);
        free(c->origin);
        free(c);
        c = next;
    }
}

static void free_pending(tlsd_policy *p)
{
    free_checks(p->pending);
    p->pending = NULL;
    p->pending_tail = &p->pending;
}

static void free_side(side_check *s)
{
    if (s == NULL)
        return;
    free_checks(s->pending);
    for (int i = 0; i < 2; i++) {
        free(s->bounds[i].value);
        free(s->bounds[i].origin);
    }
    free(s);
}

static void free_sides(tlsd_policy *p)
{
    while (p->sides != NULL) {
        side_check *s = p->sides;

        p->sides = s->next;
        free_side(s);
    }
}

void tlsd_policy_free(tlsd_policy *p)
{
    if (p == NULL)
        return;
    free_pending(p);
    free_sides(p);
    for (int i = 0; i < K_COUNT; i++) {
        free(p->s[i].value);
        free(p->s[i].origin);
    }
    SSL_CTX_free(p->scratch);
    free(p->profile);
    free(p);
}

const char *tlsd_policy_profile(const tlsd_policy *p)
{
    return p->profile;
}

static const setting *find_setting(const tlsd_policy *p, const char *key)
{
    enum key_id id;

    if (find_key(key, &id) == NULL || !p->s[id].set)
        return NULL;
    return &p->s[id];
}

const char *tlsd_policy_value(const tlsd_policy *p, const char *key)
{
    const setting *st = find_setting(p, key);

    return st != NULL ? st->value : NULL;
}

const char *tlsd_policy_origin(const tlsd_policy *p, const char *key)
{
    const setting *st = find_setting(p, key);

    return st != NULL ? st->origin : NULL;
}

const char *tlsd_policy_unset_value(const char *key)
{
    enum key_id id;
    const key_def *def = find_key(key, &id);

    if (def == NULL)
        return NULL;
    switch (def->kind) {
    case KEY_CHOICE:
    case KEY_AUDIT:
        return "no";
    case KEY_TRUST:
        return "none";
    case KEY_AUDIT_LOG:
        return "syslog";
    default:
        return NULL;
    }
}

void tlsd_policy_get_guards(const tlsd_policy *p, tlsd_policy_guards *out)
{
    const char *store = p->s[K_TRUST_STORE].set ? p->s[K_TRUST_STORE].value : NULL;

    out->verify_peer = p->s[K_VERIFY_PEER].set ? (int)p->s[K_VERIFY_PEER].bits : 0;
    out->hostname_check = p->s[K_HOSTNAME_CHECK].set ? (int)p->s[K_HOSTNAME_CHECK].bits
                                                     : TLSD_HOSTNAME_CHECK_OFF;
    out->trust_store = store != NULL && strcmp(store, "none") != 0 ? store : NULL;
    out->enforce = p->s[K_ENFORCE].set && p->s[K_ENFORCE].bits;
    out->key_log = p->s[K_KEY_LOG].set && p->s[K_KEY_LOG].bits;
    out->min_version = p->min_version;
    out->audit = p->s[K_AUDIT].set ? (unsigned)p->s[K_AUDIT].bits : 0;
    out->audit_log = p->s[K_AUDIT_LOG].set ? p->s[K_AUDIT_LOG].value : "syslog";
    out->verify_flags_set = p->s[K_VERIFY_FLAGS].set;
    out->verify_flags = p->s[K_VERIFY_FLAGS].bits;
    out->verify_flags_known = 0;
    for (const flag_name *f = verify_flag_names; f->name != NULL; f++)
        out->verify_flags_known |= f->bit;
}

static int apply_settings(const tlsd_policy *p, SSL_CTX *ctx, int skip_audited);

SSL_CTX *tlsd_policy_sample_ctx(const tlsd_policy *p, const SSL_METHOD *method)
{
    SSL_CTX *ctx = scratch_ctx_of(method);

    if (ctx != NULL) {
        ERR_set_mark();
        apply_settings(p, ctx, 0);
        ERR_pop_to_mark();
    }
    return ctx;
}

void tlsd_policy_get_enforced_guards(const tlsd_policy *p, tlsd_policy_guards *out)
{
    tlsd_policy_get_guards(p, out);
    if (out->audit & TLSD_AUDIT_VERIFY_PEER)
        out->verify_peer = 0;
    if (out->audit & TLSD_AUDIT_HOSTNAME_CHECK)
        out->hostname_check = TLSD_HOSTNAME_CHECK_OFF;
    if (out->audit & TLSD_AUDIT_ENFORCE)
        out->enforce = 0;
}

/* DTLS has no 1.3 in OpenSSL 3.x and numbers its versions apart, so a TLS
 * bound maps to the nearest DTLS bound that is not weaker. */
static int dtls_bound(int tls_version)
{
    if (tls_version == 0)
        return 0;
    return tls_version >= TLS1_2_VERSION ? DTLS1_2_VERSION : DTLS1_VERSION;
}

/* The bounds that MinProtocol and MaxProtocol as set (min_s, max_s) give,
 * read back from a context they were applied to: scratch (a TLS_method()
 * context, the checker), or a new one when NULL. 0 when that context
 * cannot be made: no floor is ever assumed. */
static int applied_bounds(const setting *min_s, const setting *max_s, SSL_CTX *scratch,
                          int *min, int *max)
{
    SSL_CTX *ctx = scratch != NULL ? scratch : scratch_ctx_new();

    *min = *max = 0;
    if (ctx == NULL)
        return 0;
    if (min_s->value != NULL)
        conf_cmd(ctx, "MinProtocol", min_s->value, 0);
    if (max_s->value != NULL)
        conf_cmd(ctx, "MaxProtocol", max_s->value, 0);
    *min = (int)SSL_CTX_get_min_proto_version(ctx);
    *max = (int)SSL_CTX_get_max_proto_version(ctx);
    if (ctx != scratch)
        SSL_CTX_free(ctx);
    return 1;
}

/* The range check, naming where both bounds come from. */
static int range_ok(int min, int max, const setting *min_s, const setting *max_s)
{
    if (min != 0 && max != 0 && max < min) {
        TLSD_RAISE(TLSD_R_PROTOCOL_RANGE, "%.128s: key=MaxProtocol value=%.256s; %.128s: key=MinProtocol value=%.256s",
                   max_s->origin, max_s->value, min_s->origin, min_s->value);
        return 0;
    }
    return 1;
}

/* The keys Audit names are left out of a context (skip_audited): their
 * effect is reported by the audit (audit.c), not applied. */
static unsigned audited_bit(int key)
{
    switch (key) {
    case K_MIN_PROTOCOL: return TLSD_AUDIT_MIN_PROTOCOL;
    case K_CIPHER_STRING: return TLSD_AUDIT_CIPHER_STRING;
    case K_CIPHERSUITES: return TLSD_AUDIT_CIPHERSUITES;
    case K_VERIFY_FLAGS: return TLSD_AUDIT_VERIFY_FLAGS;
    case K_VERIFY_PEER: return TLSD_AUDIT_VERIFY_PEER;
    case K_HOSTNAME_CHECK: return TLSD_AUDIT_HOSTNAME_CHECK;
    case K_ENFORCE: return TLSD_AUDIT_ENFORCE;
    default: return 0;
    }
}

int tlsd_policy_audits(const tlsd_policy *p, const char *key)
{
    enum key_id id;

    return p->s[K_AUDIT].set && find_key(key, &id) != NULL
           && (p->s[K_AUDIT].bits & audited_bit((int)id)) != 0;
}

static int apply_settings(const tlsd_policy *p, SSL_CTX *ctx, int skip_audited)
{
    int ok = 1, dtls = tlsd_method_info_of(SSL_CTX_get_ssl_method(ctx)).dtls;
    X509_VERIFY_PARAM *param = SSL_CTX_get0_param(ctx);
    unsigned audited = skip_audited && p->s[K_AUDIT].set ? (unsigned)p->s[K_AUDIT].bits : 0;

    for (int i = 0; i < K_COUNT; i++) {
        const setting *st = &p->s[i];

        if (!st->set || (keys[i].kind != KEY_REPLACE && keys[i].kind != KEY_EDIT_LIST))
            continue;
        if ((dtls && (i == K_MIN_PROTOCOL || i == K_MAX_PROTOCOL)) || (audited & audited_bit(i)))
            continue;
        if (!conf_cmd(ctx, keys[i].name, st->value, 0))
            ok = 0;
    }
    if (dtls) {
        int max = p->max_version;

        if (!(audited & TLSD_AUDIT_MIN_PROTOCOL))
            ok &= SSL_CTX_set_min_proto_version(ctx, dtls_bound(p->min_version));
        ok &= SSL_CTX_set_max_proto_version(ctx, max != 0 && max < TLS1_2_VERSION ? dtls_bound(max) : 0);
    }
    if (p->s[K_VERIFY_FLAGS].set && !(audited & TLSD_AUDIT_VERIFY_FLAGS)) {
        unsigned long mask = 0;

        for (const flag_name *f = verify_flag_names; f->name != NULL; f++)
            mask |= f->bit;
        X509_VERIFY_PARAM_clear_flags(param, mask & ~p->s[K_VERIFY_FLAGS].bits);
        X509_VERIFY_PARAM_set_flags(param, p->s[K_VERIFY_FLAGS].bits);
    }
    if (p->s[K_HOST_FLAGS].set)
        X509_VERIFY_PARAM_set_hostflags(param, (unsigned int)p->s[K_HOST_FLAGS].bits);
    if (p->s[K_MODE].set) {
        SSL_CTX_clear_mode(ctx, SSL_MODE_RELEASE_BUFFERS & ~p->s[K_MODE].bits);
        SSL_CTX_set_mode(ctx, (long)p->s[K_MODE].bits);
    }
    return ok;
}

int tlsd_policy_apply(const tlsd_policy *p, SSL_CTX *ctx)
{
    int ok;

    /* Runs inside SSL_CTX_new(): whatever fails must not show up on the
     * application's error queue as if its own call had failed. */
    ERR_set_mark();
    ok = apply_settings(p, ctx, 1);
    ERR_pop_to_mark();
    return ok;
}

/* scratch: as for applied_bounds(). */
static int finish_with(tlsd_policy *p, SSL_CTX *scratch)
{
    int min, max, ok = 1;

    if (!applied_bounds(&p->s[K_MIN_PROTOCOL], &p->s[K_MAX_PROTOCOL], scratch, &min, &max)) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "computing the protocol bounds");
        ok = 0;
    }
    p->min_version = min;
    p->max_version = max;
    if (!range_ok(min, max, &p->s[K_MIN_PROTOCOL], &p->s[K_MAX_PROTOCOL]))
        ok = 0;
    /* The checker has done its work; a finished policy is read-only. */
    SSL_CTX_free(p->scratch);
    p->scratch = NULL;
    return ok;
}

int tlsd_policy_finish(tlsd_policy *p)
{
    if (p->deferred)
        return 1; /* tlsd_policy_check() finishes it */
    return finish_with(p, NULL);
}

/* The load's first context may serve as the checker: it gets every one of
 * these values right after anyway (tlsd_policy_apply), and a second context
 * is libssl's next most expensive call in a one-shot process. Only a
 * version-flexible TLS context takes the TLS bounds as the checker does,
 * and only when no checked key is audited (apply leaves those out). */
static int may_check_on(const tlsd_policy *p, SSL_CTX *ctx)
{
    unsigned audited = p->s[K_AUDIT].set ? (unsigned)p->s[K_AUDIT].bits : 0;
    tlsd_method_info info;

    if (ctx == NULL)
        return 0;
    info = tlsd_method_info_of(SSL_CTX_get_ssl_method(ctx));
    return info.version_flexible && !info.dtls
           && !(audited & (TLSD_AUDIT_MIN_PROTOCOL | TLSD_AUDIT_CIPHER_STRING | TLSD_AUDIT_CIPHERSUITES));
}

static int copy_setting(setting *to, const setting *from)
{
    return (from->value == NULL || (to->value = strdup(from->value)) != NULL)
           && (from->origin == NULL || (to->origin = strdup(from->origin)) != NULL);
}

int tlsd_policy_check_also(tlsd_policy *p, tlsd_policy *side, const char *own_origin)
{
    side_check *s;
    pending_check **keep;
    int ok = 1;

    if (!p->deferred || !side->deferred) {
        /* Built with every check: side passed them already. */
        tlsd_policy_free(side);
        return 1;
    }
    if ((s = calloc(1, sizeof(*s))) == NULL
        || !copy_setting(&s->bounds[0], &side->s[K_MIN_PROTOCOL])
        || !copy_setting(&s->bounds[1], &side->s[K_MAX_PROTOCOL])) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        ok = 0;
    } else {
        /* Only the values of its own section: the profile's and the
         * module section's are among p's checks too. */
        keep = &s->pending;
        for (pending_check **c = &side->pending; *c != NULL;) {
            pending_check *one = *c;

            if (own_origin != NULL && strcmp(one->origin, own_origin) == 0) {
                *c = one->next;
                one->next = NULL;
                *keep = one;
                keep = &one->next;
            } else {
                c = &one->next;
            }
        }
        s->next = p->sides;
        p->sides = s;
        s = NULL;
    }
    free_side(s); /* NULL once p holds it */
    /* The sides side carried become p's. */
    while (side->sides != NULL) {
        side_check *t = side->sides;

        side->sides = t->next;
        t->next = p->sides;
        p->sides = t;
    }
    tlsd_policy_free(side);
    return ok;
}

static int same_value(const char *a, const char *b)
{
    return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* A side with no values of its own and p's bounds: p's checks were its. */
static int side_is_covered(const tlsd_policy *p, const side_check *s)
{
    return s->pending == NULL && same_value(s->bounds[0].value, p->s[K_MIN_PROTOCOL].value)
           && same_value(s->bounds[1].value, p->s[K_MAX_PROTOCOL].value);
}

/* The checks of the programs this process is not: one checker for all
 * (made only when some section sets a value OpenSSL checks, or other
 * bounds), its bounds as made before each program's are read. */
static int check_sides(tlsd_policy *p)
{
    SSL_CTX *checker;
    long base_min, base_max;
    int ok = 1, needed = 0;

    for (const side_check *s = p->sides; s != NULL && !needed; s = s->next)
        needed = !side_is_covered(p, s);
    if (!needed)
        return 1;
    if ((checker = scratch_ctx_new()) == NULL) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        return 0;
    }
    base_min = SSL_CTX_get_min_proto_version(checker);
    base_max = SSL_CTX_get_max_proto_version(checker);
    for (const side_check *s = p->sides; s != NULL; s = s->next) {
        int min, max;

        for (const pending_check *c = s->pending; c != NULL; c = c->next)
            if (!check_conf_value(checker, c->def, c->key, c->value, c->origin))
                ok = 0;
        SSL_CTX_set_min_proto_version(checker, base_min);
        SSL_CTX_set_max_proto_version(checker, base_max);
        applied_bounds(&s->bounds[0], &s->bounds[1], checker, &min, &max);
        if (!range_ok(min, max, &s->bounds[0], &s->bounds[1]))
            ok = 0;
    }
    SSL_CTX_free(checker);
    return ok;
}

int tlsd_policy_check(tlsd_policy *p, SSL_CTX *first)
{
    SSL_CTX *checker;
    int ok = 1;

    if (!p->deferred)
        return 1;
    if (may_check_on(p, first))
        checker = first;
    else if ((checker = p->scratch = scratch_ctx_new()) == NULL) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        ok = 0;
    }
    /* Every value, in the order it was set: the errors are those the
     * immediate checks give, with every bad value reported. */
    for (const pending_check *c = p->pending; checker != NULL && c != NULL; c = c->next)
        if (!check_conf_value(checker, c->def, c->key, c->value, c->origin))
            ok = 0;
    free_pending(p);
    p->deferred = 0;
    /* The checker holds every value, replayed in order: the bounds too. */
    if (!finish_with(p, checker))
        ok = 0;
    /* A broken program section fails every program, as it does when
     * checked at once. */
    if (!check_sides(p))
        ok = 0;
    free_sides(p);
    return ok;
}

const char *tlsd_version_name(int v)
{
    switch (v) {
    case 0: return "any";
    case TLS1_VERSION: return "TLSv1";
    case TLS1_1_VERSION: return "TLSv1.1";
    case TLS1_2_VERSION: return "TLSv1.2";
    case TLS1_3_VERSION: return "TLSv1.3";
    default: return "?";
    }
}

void tlsd_ctx_cipher_names(SSL_CTX *ctx, int tls13, char *buf, size_t cap)
{
    STACK_OF(SSL_CIPHER) *ciphers = SSL_CTX_get_ciphers(ctx);

    buf[0] = '\0';
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(ciphers, i);

        if ((strcmp(SSL_CIPHER_get_version(c), "TLSv1.3") == 0) != tls13)
            continue;
        if (buf[0] != '\0')
            strncat(buf, ":", cap - strlen(buf) - 1);
        strncat(buf, SSL_CIPHER_get_name(c), cap - strlen(buf) - 1);
    }
}

void tlsd_flag_names(const char *key, unsigned long bits, char *buf, size_t cap)
{
    enum key_id id;
    const key_def *def = find_key(key, &id);

    buf[0] = '\0';
    if (def != NULL && def->kind == KEY_FLAGS)
        append_flag_names(buf, cap, def->flags, bits, 0);
    if (buf[0] == '\0')
        snprintf(buf, cap, "none");
}

static const char *origin_or_default(const setting *st)
{
    return st->set ? st->origin : "OpenSSL default";
}

int tlsd_policy_describe(const tlsd_policy *p, BIO *out)
{
    SSL_CTX *ctx = tlsd_policy_sample_ctx(p, TLS_method());
    X509_VERIFY_PARAM *param;
    char text[4096];

    if (ctx == NULL)
        return 0;
    param = SSL_CTX_get0_param(ctx);
    BIO_printf(out, "Profile: %s\n", p->profile);
    BIO_printf(out, "MinProtocol: %s (%s)\n",
               tlsd_version_name((int)SSL_CTX_get_min_proto_version(ctx)),
               origin_or_default(&p->s[K_MIN_PROTOCOL]));
    BIO_printf(out, "MaxProtocol: %s (%s)\n",
               tlsd_version_name((int)SSL_CTX_get_max_proto_version(ctx)),
               origin_or_default(&p->s[K_MAX_PROTOCOL]));
    BIO_printf(out, "Options: 0x%08llx (%s)\n",
               (unsigned long long)SSL_CTX_get_options(ctx),
               origin_or_default(&p->s[K_OPTIONS]));
    tlsd_ctx_cipher_names(ctx, 0, text, sizeof(text));
    BIO_printf(out, "Ciphers: %s (%s)\n", text, origin_or_default(&p->s[K_CIPHER_STRING]));
    tlsd_ctx_cipher_names(ctx, 1, text, sizeof(text));
    BIO_printf(out, "Ciphersuites: %s (%s)\n", text, origin_or_default(&p->s[K_CIPHERSUITES]));
    BIO_printf(out, "Groups: %s (%s)\n",
               p->s[K_GROUPS].set ? p->s[K_GROUPS].value : "default",
               origin_or_default(&p->s[K_GROUPS]));
    BIO_printf(out, "SignatureAlgorithms: %s (%s)\n",
               p->s[K_SIGNATURE_ALGORITHMS].set ? p->s[K_SIGNATURE_ALGORITHMS].value : "default",
               origin_or_default(&p->s[K_SIGNATURE_ALGORITHMS]));
    tlsd_flag_names("VerifyFlags", X509_VERIFY_PARAM_get_flags(param), text, sizeof(text));
    BIO_printf(out, "VerifyFlags: %s (%s)\n", text, origin_or_default(&p->s[K_VERIFY_FLAGS]));
    tlsd_flag_names("HostFlags", X509_VERIFY_PARAM_get_hostflags(param), text, sizeof(text));
    BIO_printf(out, "HostFlags: %s (%s)\n", text, origin_or_default(&p->s[K_HOST_FLAGS]));
    tlsd_flag_names("Mode", (unsigned long)SSL_CTX_get_mode(ctx), text, sizeof(text));
    BIO_printf(out, "Mode: %s (%s)\n", text, origin_or_default(&p->s[K_MODE]));
    for (int i = K_VERIFY_PEER; i <= K_KEY_LOG; i++)
        BIO_printf(out, "%s: %s (%s)\n", keys[i].name,
                   p->s[i].set ? p->s[i].value : tlsd_policy_unset_value(keys[i].name),
                   origin_or_default(&p->s[i]));
    /* Shown when set: a policy without Audit reads as it always has. */
    if (p->s[K_AUDIT].set) {
        BIO_printf(out, "Audit: %s (%s)\n", p->s[K_AUDIT].value, p->s[K_AUDIT].origin);
        BIO_printf(out, "AuditLog: %s (%s)\n",
                   p->s[K_AUDIT_LOG].set ? p->s[K_AUDIT_LOG].value : "syslog",
                   origin_or_default(&p->s[K_AUDIT_LOG]));
    }
    SSL_CTX_free(ctx);
    return 1;
}
