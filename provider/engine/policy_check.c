/* SPDX-License-Identifier: Apache-2.0 */
/* OpenSSL's checks of the values it parses, run on a scratch context at
 * once, or deferred to the load's first context (tlsd_policy_check), and
 * the checks of the policy as a whole (its protocol range). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "errors.h"
#include "method_role.h"
#include "policy_internal.h"

/* Whether this thread's policies defer OpenSSL's checks: a
 * CRYPTO_THREAD_LOCAL, for the reason tlsd_policy_in_scratch() has one. */
static CRYPTO_THREAD_LOCAL defer_key;
static CRYPTO_ONCE defer_once = CRYPTO_ONCE_STATIC_INIT;
static int defer_key_made;

static void make_defer_key(void)
{
    defer_key_made = CRYPTO_THREAD_init_local(&defer_key, NULL);
}

int tlsd_policy_check_defer(int on)
{
    static char deferring;

    if (!CRYPTO_THREAD_run_once(&defer_once, make_defer_key) || !defer_key_made)
        return !on;
    /* Off stores NULL, which allocates nothing: it never fails. */
    return CRYPTO_THREAD_set_local(&defer_key, on ? &deferring : NULL);
}

int tlsd_policy_check_deferring(void)
{
    return CRYPTO_THREAD_run_once(&defer_once, make_defer_key) && defer_key_made
           && CRYPTO_THREAD_get_local(&defer_key) != NULL;
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

static int check_conf_value(SSL_CTX *scratch, const tlsd_key_def *def, const char *key,
                            const char *value, const char *origin)
{
    /* A bound OpenSSL ignores must not leave the one before it standing
     * (sets_tls_bound reads it back). */
    if (def == &tlsd_policy_keys[TLSD_KEY_MIN_PROTOCOL])
        SSL_CTX_set_min_proto_version(scratch, 0);
    else if (def == &tlsd_policy_keys[TLSD_KEY_MAX_PROTOCOL])
        SSL_CTX_set_max_proto_version(scratch, 0);
    /* Parsed by OpenSSL itself on a scratch context: its own message
     * (SHOW_ERRORS) comes first on the queue, ours names key and origin. */
    if (!tlsd_policy_apply_conf_cmd(scratch, def->name, value, SSL_CONF_FLAG_SHOW_ERRORS)) {
        TLSD_RAISE(TLSD_R_BAD_VALUE, "%.128s: key=%.128s value=%.256s", origin, key, value);
        return 0;
    }
    if ((def == &tlsd_policy_keys[TLSD_KEY_MIN_PROTOCOL] || def == &tlsd_policy_keys[TLSD_KEY_MAX_PROTOCOL])
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
static int defer_check(tlsd_policy *p, const tlsd_key_def *def, const char *key,
                       const char *value, const char *origin)
{
    tlsd_pending_check *c = calloc(1, sizeof(*c));

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

int tlsd_policy_check_value(tlsd_policy *p, const tlsd_key_def *def, const char *key,
                            const char *value, const char *origin)
{
    return p->deferred ? defer_check(p, def, key, value, origin)
                       : check_conf_value(p->scratch, def, key, value, origin);
}

static void free_checks(tlsd_pending_check *c)
{
    while (c != NULL) {
        tlsd_pending_check *next = c->next;

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

static void free_side(tlsd_side_check *s)
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
        tlsd_side_check *s = p->sides;

        p->sides = s->next;
        free_side(s);
    }
}

void tlsd_policy_check_free(tlsd_policy *p)
{
    free_pending(p);
    free_sides(p);
}

/* The bounds that MinProtocol and MaxProtocol as set (min_s, max_s) give,
 * read back from a context they were applied to: scratch (a TLS_method()
 * context, the checker), or a new one when NULL. 0 when that context
 * cannot be made: no floor is ever assumed. */
static int applied_bounds(const tlsd_setting_value *min_s, const tlsd_setting_value *max_s, SSL_CTX *scratch,
                          int *min, int *max)
{
    SSL_CTX *ctx = scratch != NULL ? scratch : tlsd_policy_scratch_new(TLS_method());

    *min = *max = 0;
    if (ctx == NULL)
        return 0;
    if (min_s->value != NULL)
        tlsd_policy_apply_conf_cmd(ctx, "MinProtocol", min_s->value, 0);
    if (max_s->value != NULL)
        tlsd_policy_apply_conf_cmd(ctx, "MaxProtocol", max_s->value, 0);
    *min = (int)SSL_CTX_get_min_proto_version(ctx);
    *max = (int)SSL_CTX_get_max_proto_version(ctx);
    if (ctx != scratch)
        SSL_CTX_free(ctx);
    return 1;
}

/* The range check, naming where both bounds come from. */
static int range_ok(int min, int max, const tlsd_setting_value *min_s, const tlsd_setting_value *max_s)
{
    if (min != 0 && max != 0 && max < min) {
        TLSD_RAISE(TLSD_R_PROTOCOL_RANGE, "%.128s: key=MaxProtocol value=%.256s; %.128s: key=MinProtocol value=%.256s",
                   max_s->origin, max_s->value, min_s->origin, min_s->value);
        return 0;
    }
    return 1;
}

/* scratch: as for applied_bounds(). */
static int finish_with(tlsd_policy *p, SSL_CTX *scratch)
{
    int min, max, ok = 1;

    if (!applied_bounds(&p->s[TLSD_KEY_MIN_PROTOCOL], &p->s[TLSD_KEY_MAX_PROTOCOL], scratch, &min, &max)) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "computing the protocol bounds");
        ok = 0;
    }
    p->min_version = min;
    p->max_version = max;
    if (!range_ok(min, max, &p->s[TLSD_KEY_MIN_PROTOCOL], &p->s[TLSD_KEY_MAX_PROTOCOL]))
        ok = 0;
    /* The checker has done its work; a finished policy is read-only. */
    SSL_CTX_free(p->scratch);
    p->scratch = NULL;
    return ok;
}

int tlsd_policy_check_finish(tlsd_policy *p)
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
    unsigned audited = p->s[TLSD_KEY_AUDIT].set ? (unsigned)p->s[TLSD_KEY_AUDIT].bits : 0;
    tlsd_method_info info;

    if (ctx == NULL)
        return 0;
    info = tlsd_method_role_info(SSL_CTX_get_ssl_method(ctx));
    return info.version_flexible && !info.dtls
           && !(audited & (TLSD_AUDIT_MIN_PROTOCOL | TLSD_AUDIT_CIPHER_STRING | TLSD_AUDIT_CIPHERSUITES
                           | TLSD_AUDIT_GROUPS | TLSD_AUDIT_SIGNATURE_ALGORITHMS));
}

static int copy_setting(tlsd_setting_value *to, const tlsd_setting_value *from)
{
    return (from->value == NULL || (to->value = strdup(from->value)) != NULL)
           && (from->origin == NULL || (to->origin = strdup(from->origin)) != NULL);
}

/* What side carries for its checks becomes p's: its candidates, its
 * Peers entries' policies (side's entries keep none) and its sides. */
static void adopt_checks(tlsd_policy *p, tlsd_policy *side)
{
    if (side->candidate != NULL) {
        side->candidate->next_candidate = p->other_candidates;
        p->other_candidates = side->candidate;
        side->candidate = NULL;
    }
    while (side->other_candidates != NULL) {
        tlsd_policy *c = side->other_candidates;

        side->other_candidates = c->next_candidate;
        c->next_candidate = p->other_candidates;
        p->other_candidates = c;
    }
    /* Its Peers entries' checks too (side's entries keep no policy). */
    for (size_t i = 0; i < side->n_peers; i++) {
        side->peers[i].policy->next_candidate = p->other_candidates;
        p->other_candidates = side->peers[i].policy;
        side->peers[i].policy = NULL;
    }
    /* The sides side carried become p's. */
    while (side->sides != NULL) {
        tlsd_side_check *t = side->sides;

        side->sides = t->next;
        t->next = p->sides;
        p->sides = t;
    }
}

int tlsd_policy_check_also(tlsd_policy *p, tlsd_policy *side, const char *own_origin)
{
    tlsd_side_check *s;
    tlsd_pending_check **keep;
    int ok = 1;

    if (!p->deferred || !side->deferred) {
        /* Built with every check: side passed them already. */
        tlsd_policy_free(side);
        return 1;
    }
    if ((s = calloc(1, sizeof(*s))) == NULL
        || !copy_setting(&s->bounds[0], &side->s[TLSD_KEY_MIN_PROTOCOL])
        || !copy_setting(&s->bounds[1], &side->s[TLSD_KEY_MAX_PROTOCOL])) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        ok = 0;
    } else {
        /* Only the values of its own section: the profile's and the
         * module section's are among p's checks too. */
        keep = &s->pending;
        for (tlsd_pending_check **c = &side->pending; *c != NULL;) {
            tlsd_pending_check *one = *c;

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
    adopt_checks(p, side);
    tlsd_policy_free(side);
    return ok;
}

static int same_value(const char *a, const char *b)
{
    return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* A side with no values of its own and p's bounds: p's checks were its. */
static int side_is_covered(const tlsd_policy *p, const tlsd_side_check *s)
{
    return s->pending == NULL && same_value(s->bounds[0].value, p->s[TLSD_KEY_MIN_PROTOCOL].value)
           && same_value(s->bounds[1].value, p->s[TLSD_KEY_MAX_PROTOCOL].value);
}

/* The checks of the programs this process is not: one checker for all
 * (made only when some section sets a value OpenSSL checks, or other
 * bounds), its bounds as made before each program's are read. */
static int check_sides(tlsd_policy *p)
{
    SSL_CTX *checker;
    long base_min, base_max;
    int ok = 1, needed = 0;

    for (const tlsd_side_check *s = p->sides; s != NULL && !needed; s = s->next)
        needed = !side_is_covered(p, s);
    if (!needed)
        return 1;
    if ((checker = tlsd_policy_scratch_new(TLS_method())) == NULL) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        return 0;
    }
    base_min = SSL_CTX_get_min_proto_version(checker);
    base_max = SSL_CTX_get_max_proto_version(checker);
    for (const tlsd_side_check *s = p->sides; s != NULL; s = s->next) {
        int min, max;

        for (const tlsd_pending_check *c = s->pending; c != NULL; c = c->next)
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
    else if ((checker = p->scratch = tlsd_policy_scratch_new(TLS_method())) == NULL) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        ok = 0;
    }
    /* Every value, in the order it was set: the errors are those the
     * immediate checks give, with every bad value reported. */
    for (const tlsd_pending_check *c = p->pending; checker != NULL && c != NULL; c = c->next)
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
    /* The candidates and Peers entries too: a broken one fails closed as a
     * broken section. */
    if (p->candidate != NULL && !tlsd_policy_check(p->candidate, NULL))
        ok = 0;
    for (size_t i = 0; i < p->n_peers; i++)
        if (!tlsd_policy_check(p->peers[i].policy, NULL))
            ok = 0;
    while (p->other_candidates != NULL) {
        tlsd_policy *c = p->other_candidates;

        p->other_candidates = c->next_candidate;
        if (!tlsd_policy_check(c, NULL))
            ok = 0;
        tlsd_policy_free(c);
    }
    return ok;
}
