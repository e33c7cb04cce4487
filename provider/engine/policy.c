/* SPDX-License-Identifier: Apache-2.0 */
/* A policy's life: made from a profile, read key by key, freed. The other
 * phases have their own files: the key table (policy_keys.c), parsing
 * (policy_set.c), OpenSSL's checks (policy_check.c), applying
 * (policy_apply.c) and describing (policy_describe.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "errors.h"
#include "policy_internal.h"
#include "profile.h"

/* Whether this thread is inside tlsd_policy_scratch_new(), so that the
 * module's hook leaves that context alone: a CRYPTO_THREAD_LOCAL, not a
 * _Thread_local, which glibc cannot allocate for a dlopen()ed module
 * without ending the process. Made once and never freed: it has no
 * destructor, and the module stays mapped (-z nodelete). */
static CRYPTO_THREAD_LOCAL scratch_key;
static CRYPTO_ONCE scratch_once = CRYPTO_ONCE_STATIC_INIT;
static int scratch_key_made;

static void make_scratch_key(void)
{
    scratch_key_made = CRYPTO_THREAD_init_local(&scratch_key, NULL);
}

int tlsd_policy_in_scratch(void)
{
    return CRYPTO_THREAD_run_once(&scratch_once, make_scratch_key) && scratch_key_made
           && CRYPTO_THREAD_get_local(&scratch_key) != NULL;
}

SSL_CTX *tlsd_policy_scratch_new(const SSL_METHOD *method)
{
    SSL_CTX *ctx;
    void *outer;

    /* No mark, no scratch context: the hook would apply the policy being
     * built to it, and wait for its own build. */
    if (!CRYPTO_THREAD_run_once(&scratch_once, make_scratch_key) || !scratch_key_made)
        return NULL;
    outer = CRYPTO_THREAD_get_local(&scratch_key);
    if (!CRYPTO_THREAD_set_local(&scratch_key, &scratch_key))
        return NULL;
    ctx = SSL_CTX_new(method);
    /* Back to NULL (or a value already stored): allocates nothing. */
    CRYPTO_THREAD_set_local(&scratch_key, outer);
    return ctx;
}

/* The profile's settings as this OpenSSL has them (tlsd_profile_value). */
static int set_profile(tlsd_policy *p, const tlsd_profile *data)
{
    char origin[64], value[1024];

    snprintf(origin, sizeof(origin), "profile %s", p->profile->name);
    for (size_t i = 0; i < data->count; i++) {
        if (!tlsd_profile_value(&data->settings[i], value, sizeof(value), p->left_out,
                                TLSD_MAX_LEFT_OUT, &p->n_left_out)) {
            TLSD_RAISE(TLSD_R_BAD_VALUE, "%s: key=%s: value too long", origin, data->settings[i].key);
            return 0;
        }
        if (!tlsd_policy_set(p, data->settings[i].key, value, origin))
            return 0;
    }
    if (p->n_left_out > TLSD_MAX_LEFT_OUT)
        p->n_left_out = TLSD_MAX_LEFT_OUT;
    return 1;
}

tlsd_policy *tlsd_policy_new(const char *profile_name)
{
    const tlsd_profile *profile = tlsd_profile_find(profile_name);
    tlsd_policy *p;

    if (profile == NULL) {
        char known[512];

        tlsd_profile_names(known, sizeof(known));
        TLSD_RAISE(TLSD_R_UNKNOWN_PROFILE, "key=Profile value=%.256s (known: %s)", profile_name, known);
        return NULL;
    }
    p = calloc(1, sizeof(*p));
    if (p != NULL) {
        p->profile = profile;
        p->deferred = tlsd_policy_check_deferring();
        p->pending_tail = &p->pending;
    }
    if (p == NULL || (!p->deferred && (p->scratch = tlsd_policy_scratch_new(TLS_method())) == NULL)) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        tlsd_policy_free(p);
        return NULL;
    }
    if (!set_profile(p, tlsd_profile_data(profile))) {
        tlsd_policy_free(p);
        return NULL;
    }
    return p;
}

void tlsd_policy_free(tlsd_policy *p)
{
    if (p == NULL)
        return;
    tlsd_policy_check_free(p);
    tlsd_policy_free(p->candidate);
    while (p->other_candidates != NULL) {
        tlsd_policy *c = p->other_candidates;

        p->other_candidates = c->next_candidate;
        tlsd_policy_free(c);
    }
    for (size_t i = 0; i < p->n_peers; i++)
        tlsd_policy_free(p->peers[i].policy);
    free(p->peers);
    free(p->peer_names);
    for (int i = 0; i < TLSD_KEY_COUNT; i++) {
        free(p->s[i].value);
        free(p->s[i].origin);
    }
    SSL_CTX_free(p->scratch);
    free(p);
}

const char *tlsd_policy_profile(const tlsd_policy *p)
{
    return p->profile->name;
}

const tlsd_policy *tlsd_policy_candidate(const tlsd_policy *p)
{
    return p->candidate;
}

const char *tlsd_policy_candidate_name(const tlsd_policy *p)
{
    return p->candidate != NULL ? p->candidate_name : NULL;
}

const char *tlsd_policy_peers_name(const tlsd_policy *p)
{
    return p->peers_name[0] != '\0' ? p->peers_name : NULL;
}

size_t tlsd_policy_peer_count(const tlsd_policy *p)
{
    return p->n_peers;
}

int tlsd_policy_peer_at(const tlsd_policy *p, size_t i, tlsd_policy_peer *out)
{
    if (i >= p->n_peers)
        return 0;
    *out = (tlsd_policy_peer){p->peers[i].name, p->peers[i].section, p->peers[i].policy,
                              p->peers[i].keys, &p->peer_names[i]};
    return 1;
}

int tlsd_policy_peer_for(const tlsd_policy *p, const char *host, const tlsd_peer_address *address)
{
    return tlsd_peer_match_best(p->peer_names, p->n_peers, host, address);
}

const char *tlsd_policy_profile_target(const tlsd_policy *p)
{
    return p->profile->target;
}

const tlsd_profile_gate *tlsd_policy_profile_left_out(const tlsd_policy *p, size_t i)
{
    return i < p->n_left_out ? p->left_out[i] : NULL;
}

static const tlsd_setting_value *find_setting(const tlsd_policy *p, const char *key)
{
    enum tlsd_key_id id;

    if (tlsd_policy_keys_find(key, &id) == NULL || !p->s[id].set)
        return NULL;
    return &p->s[id];
}

const char *tlsd_policy_value(const tlsd_policy *p, const char *key)
{
    const tlsd_setting_value *st = find_setting(p, key);

    return st != NULL ? st->value : NULL;
}

const char *tlsd_policy_origin(const tlsd_policy *p, const char *key)
{
    const tlsd_setting_value *st = find_setting(p, key);

    return st != NULL ? st->origin : NULL;
}

const char *tlsd_policy_unset_value(const char *key)
{
    enum tlsd_key_id id;
    const tlsd_key_def *def = tlsd_policy_keys_find(key, &id);

    return def != NULL ? def->unset : NULL;
}

int tlsd_policy_key_per_connection(const char *key)
{
    enum tlsd_key_id id;
    const tlsd_key_def *def = tlsd_policy_keys_find(key, &id);

    return def != NULL && def->peer;
}

int tlsd_policy_audits(const tlsd_policy *p, const char *key)
{
    enum tlsd_key_id id;

    return p->s[TLSD_KEY_AUDIT].set && tlsd_policy_keys_find(key, &id) != NULL
           && (p->s[TLSD_KEY_AUDIT].bits & tlsd_policy_keys[id].audit_bit) != 0;
}

/* What the guards read of a policy (guard.h). */
void tlsd_policy_get_guards(const tlsd_policy *p, tlsd_policy_guards *out)
{
    const char *store = p->s[TLSD_KEY_TRUST_STORE].set ? p->s[TLSD_KEY_TRUST_STORE].value : NULL;

    out->verify_peer = p->s[TLSD_KEY_VERIFY_PEER].set ? (int)p->s[TLSD_KEY_VERIFY_PEER].bits : 0;
    out->hostname_check = p->s[TLSD_KEY_HOSTNAME_CHECK].set ? (int)p->s[TLSD_KEY_HOSTNAME_CHECK].bits
                                                     : TLSD_HOSTNAME_CHECK_OFF;
    out->trust_store = store != NULL && strcmp(store, "none") != 0 ? store : NULL;
    out->enforce = p->s[TLSD_KEY_ENFORCE].set && p->s[TLSD_KEY_ENFORCE].bits;
    out->key_log = p->s[TLSD_KEY_KEY_LOG].set && p->s[TLSD_KEY_KEY_LOG].bits;
    out->min_version = p->min_version;
    out->audit = p->s[TLSD_KEY_AUDIT].set ? (unsigned)p->s[TLSD_KEY_AUDIT].bits : 0;
    out->inventory = p->s[TLSD_KEY_INVENTORY].set && p->s[TLSD_KEY_INVENTORY].bits;
    out->audit_log = p->s[TLSD_KEY_AUDIT_LOG].set ? p->s[TLSD_KEY_AUDIT_LOG].value : "syslog";
    out->verify_flags_set = p->s[TLSD_KEY_VERIFY_FLAGS].set;
    out->verify_flags = p->s[TLSD_KEY_VERIFY_FLAGS].bits;
    out->verify_flags_known = 0;
    for (const tlsd_flag_name *f = tlsd_verify_flag_names; f->name != NULL; f++)
        out->verify_flags_known |= f->bit;
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
