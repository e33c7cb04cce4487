/* SPDX-License-Identifier: Apache-2.0 */
/* The policy engine shared by the config module, the helper library and the
 * inspector. A policy is data: filled from a profile, then edited key by key
 * with the same keys an openssl.cnf section uses, then applied to contexts. */
#ifndef TLSD_POLICY_H
#define TLSD_POLICY_H

#include <openssl/bio.h>
#include <openssl/conf.h>
#include <openssl/ssl.h>

#include "peer_match.h"
#include "policy_keys.h"
#include "profile.h"
#include "program.h"

typedef struct tlsd_policy tlsd_policy;

/* A policy holding the named profile (profile.c: "python", "mozilla-intermediate-6.0", ...).
 * NULL with an error raised when the profile is unknown, or when out of
 * memory. */
tlsd_policy *tlsd_policy_new(const char *profile);

/* Sets one key as written in a configuration section. origin says where it
 * comes from ("section tlsdefaults_sect") and is named in errors.
 * Returns 1, or 0 with an error naming the key and value. */
int tlsd_policy_set(tlsd_policy *p, const char *key, const char *value,
                    const char *origin);

/* Checks the policy as a whole: its protocol range (MinProtocol not above
 * MaxProtocol), and records the bounds for Enforce. 1, or 0 with the error
 * raised. A deferred policy is finished by tlsd_policy_check() instead. */
int tlsd_policy_check_finish(tlsd_policy *p);

/* Deferred checks, for the config module's start-up cost: while on (this
 * thread), new policies take values without OpenSSL's checks (no scratch
 * context is made), and only the checks that need no OpenSSL (keys, flags,
 * choices, paths) fail tlsd_policy_set(). tlsd_policy_check() then runs
 * OpenSSL's checks and tlsd_policy_check_finish(), with the errors the immediate
 * checks would have raised; it must run before the policy is applied or
 * described. It returns 1 at once for a policy built without deferral.
 * tlsd_policy_check_defer() returns 0 when this thread's setting could not
 * be stored (no memory): turning it on failed, and policies check at once;
 * turning it off never fails. */
int tlsd_policy_check_defer(int on);
/* first: the context being made when the check runs (or NULL); it may
 * serve as the checker, and must then get the policy applied or refuse. */
int tlsd_policy_check(tlsd_policy *p, SSL_CTX *first);

/* Programs, deferred: side is the policy of a program entry this process
 * does not get (or the module section's, when an entry applies). The
 * checks of p do not cover it: its own section's values (those set with
 * origin own_origin; NULL: none) and its protocol range join p's, and
 * tlsd_policy_check(p) fails when they fail, so that a broken program
 * section fails closed whichever program runs. side is freed, whatever
 * the outcome. 1, or 0 when out of memory (raised). Without deferral
 * (side checked at once), it only frees side. */
int tlsd_policy_check_also(tlsd_policy *p, tlsd_policy *side, const char *own_origin);

/* Applies the policy to ctx, except the keys Audit names. OpenSSL errors
 * raised on the way are kept off the caller's error queue. Returns 1 when
 * every setting was applied. */
int tlsd_policy_apply(const tlsd_policy *p, SSL_CTX *ctx);

/* Writes the effective policy: "Profile: name", then one "Label: value
 * (origin)" line per row of tlsd_policy_describe_each(), on a context
 * made with the policy (tlsd_policy_sample_ctx). 0 when that fails. */
int tlsd_policy_describe(const tlsd_policy *p, BIO *out);

/* One key as described. */
typedef struct {
    const char *key;    /* its name as a section writes it */
    const char *label;  /* what it is shown as ("Ciphers" for CipherString) */
    const char *value;  /* read back from the context (read_back), else the
                         * policy's value, else unset, else "default" */
    const char *origin; /* where the policy's value comes from; NULL: unset */
    const char *unset;  /* tlsd_policy_unset_value(key) */
    int read_back;      /* value read from the context, not the policy */
    int ssl_conf;       /* an SSL_CONF command: system_default may set it too */
} tlsd_policy_row;

typedef void tlsd_policy_row_cb(const tlsd_policy_row *row, void *arg);

/* The one describer: calls emit for every key described, in the key
 * table's order, with its value as ctx holds it; Audit and AuditLog only
 * when Audit is set. p may be NULL (no policy: every key unset). The row's
 * strings last until emit returns. */
void tlsd_policy_describe_each(const tlsd_policy *p, SSL_CTX *ctx, tlsd_policy_row_cb *emit,
                               void *arg);

/* Readers of a context's effective settings, used by the describer and the
 * audit. "TLSv1.2", or "any" for 0. */
const char *tlsd_policy_describe_version(int version);

/* The suites of ctx, TLS 1.3 ones (tls13) or the others, ':'-separated. */
void tlsd_policy_describe_ciphers(SSL_CTX *ctx, int tls13, char *buf, size_t cap);

/* The names of the bits of a flag key (VerifyFlags, HostFlags, Mode) set
 * in bits, ", "-separated; "none" when there are none. */
void tlsd_policy_describe_flags(const char *key, unsigned long bits, char *buf, size_t cap);

/* HostnameCheck: what a client that set no host of its own gets. */
enum {
    TLSD_HOSTNAME_CHECK_OFF = 0,
    TLSD_HOSTNAME_CHECK_SNI = 1,    /* its SNI name is checked, if it set one */
    TLSD_HOSTNAME_CHECK_REQUIRE = 2 /* as SNI; no SNI at all fails verification */
};

/* VerifyPeer: 0 (no), 1 (yes: careless clients verify), or the lock. */
enum {
    TLSD_VERIFY_PEER_FORCE = 2 /* clients verify whatever the program chose */
};

/* Audit: the keys whose refusals are reported instead (audit.h) are the
 * bits TLSD_AUDIT_<key> and TLSD_AUDIT_ALL of policy_keys.h, made from the
 * key table. */

/* What the module does to contexts beyond their settings: the keys
 * VerifyPeer, TrustStore, HostnameCheck, Enforce, KeyLog, Audit and
 * AuditLog, with the floor and VerifyFlags the audit compares against. */
typedef struct {
    int verify_peer;         /* 0, 1 or TLSD_VERIFY_PEER_FORCE */
    int hostname_check;      /* TLSD_HOSTNAME_CHECK_* */
    const char *trust_store; /* "system", an absolute path, or NULL (none) */
    int enforce;
    int key_log;
    int min_version;         /* the protocol floor Enforce holds */
    unsigned audit;          /* TLSD_AUDIT_* bits of the keys audited */
    int inventory;           /* Inventory: a line per completed handshake */
    const char *audit_log;   /* "syslog", "stderr", "journal[:NS]" or an absolute path */
    int verify_flags_set;    /* VerifyFlags: set, and its bits */
    unsigned long verify_flags;
    unsigned long verify_flags_known; /* every bit VerifyFlags can name */
} tlsd_policy_guards;

/* Pointers stay valid as long as the policy. */
void tlsd_policy_get_guards(const tlsd_policy *p, tlsd_policy_guards *out);

/* A new context, of method, with the policy applied (audited keys too)
 * and no hook of the module run on it: what the policy alone gives. NULL
 * on error. */
SSL_CTX *tlsd_policy_sample_ctx(const tlsd_policy *p, const SSL_METHOD *method);

/* tlsd_policy_get_guards() with the keys Audit names off: what the guards
 * enforce (an audited key reports, audit.h, and enforces nothing). */
void tlsd_policy_get_enforced_guards(const tlsd_policy *p, tlsd_policy_guards *out);

/* The value and origin of a key as the policy holds them, or NULL when the
 * key is not set (OpenSSL's default, or tlsd_policy_unset_value(), is in
 * effect) or unknown. The flag keys (VerifyFlags, HostFlags, Mode) keep
 * bits, not text: their value is NULL, set or not. */
const char *tlsd_policy_value(const tlsd_policy *p, const char *key);
const char *tlsd_policy_origin(const tlsd_policy *p, const char *key);

/* For a key of the module alone (VerifyPeer, TrustStore, HostnameCheck,
 * Enforce, KeyLog, Audit, AuditLog): what it means when no policy sets it
 * ("no", "none", "syslog"; the key table's unset column). NULL for keys
 * that OpenSSL has a default for, and for unknown keys. */
const char *tlsd_policy_unset_value(const char *key);

/* The profile as named ("python"), and the frozen profile a moving name
 * points at ("python-3.13"; NULL when the name is its own data). */
const char *tlsd_policy_profile(const tlsd_policy *p);
const char *tlsd_policy_profile_target(const tlsd_policy *p);

/* The i-th item the profile left out because this OpenSSL lacks it, or
 * NULL past the last. */
const tlsd_profile_gate *tlsd_policy_profile_left_out(const tlsd_policy *p, size_t i);

/* Candidate = SECTION: the policy audited beside p (never applied), and
 * the name of its section; NULL without one. */
const tlsd_policy *tlsd_policy_candidate(const tlsd_policy *p);
const char *tlsd_policy_candidate_name(const tlsd_policy *p);

/* Peers = SECTION: the section's name (NULL without one), and its entries
 * in file order. An entry's policy is the one its destination gets: the
 * module section's keys, the program section's, then the entry's own
 * section's (keys: 1u << TLSD_KEY_<id> for each key that section sets). */
const char *tlsd_policy_peers_name(const tlsd_policy *p);
size_t tlsd_policy_peer_count(const tlsd_policy *p);

typedef struct {
    const char *name;    /* as written in the Peers section */
    const char *section; /* the entry's section */
    const tlsd_policy *policy;
    unsigned keys;
    const tlsd_peer_name *match;
} tlsd_policy_peer;

/* 1 when a Peers entry's section may set key (the key table's peer
 * column); 0 for the keys of the whole policy and unknown ones. */
int tlsd_policy_key_per_connection(const char *key);

/* The i-th entry; 0 past the last. */
int tlsd_policy_peer_at(const tlsd_policy *p, size_t i, tlsd_policy_peer *out);

/* The index of the entry a client connection to host (NULL: none) at
 * address (NULL: unknown) gets, as the module chooses it; -1: none. */
int tlsd_policy_peer_for(const tlsd_policy *p, const char *host, const tlsd_peer_address *address);

/* What a Peers entry puts on a client connection when it starts: the
 * values of the keys its own section sets (but those Audit names), copied
 * out of the policy (contexts and their connections outlive it). */
typedef struct tlsd_peer_settings tlsd_peer_settings;
/* Of entry i of p; NULL when out of memory. */
tlsd_peer_settings *tlsd_policy_apply_peer_new(const tlsd_policy *p, size_t i);
/* 1 when every value took on ssl; OpenSSL's errors are kept off the queue. */
int tlsd_policy_apply_peer(const tlsd_peer_settings *ps, SSL *ssl);
void tlsd_policy_apply_peer_free(tlsd_peer_settings *ps);

/* 1 when Audit names key: the policy reports instead of applying it. */
int tlsd_policy_audits(const tlsd_policy *p, const char *key);

void tlsd_policy_free(tlsd_policy *p);

/* Reads a policy from a configuration section: "Profile" first wherever it
 * stands, then every other key in file order. "path" is skipped, and
 * required when require_path is set (a module section); a mis-cased one
 * ("Path") is an error, as OpenSSL reads only "path". Reports every bad
 * key, not just the first. NULL on error. */
tlsd_policy *tlsd_policy_section_read(const CONF *cnf, const char *section,
                                      int require_path);

/* The same for a given program: a section's "Programs = S" names a section
 * S of "program = section" entries (an executable's file name or absolute
 * path), and the section of the entry that names prog edits the policy
 * after the module section's keys. tlsd_policy_section_read() reads it for
 * the running process (program.h); prog NULL: no entry applies. Every
 * program section is checked either way. */
tlsd_policy *tlsd_policy_section_read_for(const CONF *cnf, const char *section,
                                          int require_path, const tlsd_program *prog);

/* The Programs entry of the module section that applies to prog (as
 * tlsd_policy_section_read_for() chooses it), or NULL; *programs is the
 * value of the section's Programs key (NULL without one). */
const CONF_VALUE *tlsd_policy_section_program_entry(const CONF *cnf, const char *section,
                                     const tlsd_program *prog, const char **programs);

/* The "path" OpenSSL's module loader finds for a section (exact case; the
 * default section's when the section has none), or NULL. */
const char *tlsd_policy_section_path(const CONF *cnf, const char *section);

/* True while this thread builds a context for the engine's own checks:
 * hooks on SSL_CTX creation must leave such contexts alone. */
int tlsd_policy_in_scratch(void);

#endif
