/* SPDX-License-Identifier: Apache-2.0 */
/* The policy engine shared by the config module, the helper library and the
 * inspector. A policy is data: filled from a profile, then edited key by key
 * with the same keys an openssl.cnf section uses, then applied to contexts. */
#ifndef TLSD_POLICY_H
#define TLSD_POLICY_H

#include <openssl/bio.h>
#include <openssl/conf.h>
#include <openssl/ssl.h>

typedef struct tlsd_policy tlsd_policy;

/* A policy holding the named profile ("python", "system", "strict").
 * NULL with an error raised when the profile is unknown. */
tlsd_policy *tlsd_policy_new(const char *profile);

/* Sets one key as written in a configuration section. origin says where it
 * comes from ("section tlsdefaults_sect") and is named in errors.
 * Returns 1, or 0 with an error naming the key and value. */
int tlsd_policy_set(tlsd_policy *p, const char *key, const char *value,
                    const char *origin);

/* Checks the policy as a whole (protocol range, ciphers left). 1 or 0. */
int tlsd_policy_finish(tlsd_policy *p);

/* Applies the policy to ctx. OpenSSL errors raised on the way are kept off
 * the caller's error queue. Returns 1 when every setting was applied. */
int tlsd_policy_apply(const tlsd_policy *p, SSL_CTX *ctx);

/* Writes the effective policy, one "Name: value (origin)" line per setting. */
int tlsd_policy_describe(const tlsd_policy *p, BIO *out);

/* HostnameCheck: what a client that set no host of its own gets. */
enum {
    TLSD_HOSTNAME_CHECK_OFF = 0,
    TLSD_HOSTNAME_CHECK_SNI = 1,    /* its SNI name is checked, if it set one */
    TLSD_HOSTNAME_CHECK_REQUIRE = 2 /* as SNI; no SNI at all fails verification */
};

/* What the module does to contexts beyond their settings: the keys
 * VerifyPeer, TrustStore, HostnameCheck, Enforce and KeyLog. */
typedef struct {
    int verify_peer;
    int hostname_check;      /* TLSD_HOSTNAME_CHECK_* */
    const char *trust_store; /* "system", an absolute path, or NULL (none) */
    int enforce;
    int key_log;
    int min_version;         /* the protocol floor Enforce holds */
} tlsd_policy_guards;

/* Pointers stay valid as long as the policy. */
void tlsd_policy_get_guards(const tlsd_policy *p, tlsd_policy_guards *out);

/* A new context, of method, with the policy applied and no hook of the
 * module run on it: what the policy alone gives. NULL on error. */
SSL_CTX *tlsd_policy_sample_ctx(const tlsd_policy *p, const SSL_METHOD *method);

/* The value and origin of a key as the policy holds them, or NULL when the
 * key is not set (OpenSSL's default is in effect) or unknown. */
const char *tlsd_policy_value(const tlsd_policy *p, const char *key);
const char *tlsd_policy_origin(const tlsd_policy *p, const char *key);

/* For a key of the module alone (VerifyPeer, TrustStore, HostnameCheck,
 * Enforce, KeyLog): what it means when no policy sets it ("no", "none").
 * NULL for keys that OpenSSL has a default for. */
const char *tlsd_policy_unset_value(const char *key);

const char *tlsd_policy_profile(const tlsd_policy *p);

/* Readers of a context's effective settings, shared by describe() and the
 * inspector. "TLSv1.2", or "any" for 0. */
const char *tlsd_version_name(int version);

/* The suites of ctx, TLS 1.3 ones (tls13) or the others, ':'-separated. */
void tlsd_ctx_cipher_names(SSL_CTX *ctx, int tls13, char *buf, size_t cap);

/* The names of the bits of a flag key (VerifyFlags, HostFlags, Mode) set
 * in bits, ", "-separated; "none" when there are none. */
void tlsd_flag_names(const char *key, unsigned long bits, char *buf, size_t cap);
void tlsd_policy_free(tlsd_policy *p);

/* Reads a policy from a configuration section: "Profile" first wherever it
 * stands, then every other key in file order. "path" is skipped, and
 * required when require_path is set (a module section); a mis-cased one
 * ("Path") is an error, as OpenSSL reads only "path". Reports every bad
 * key, not just the first. NULL on error. */
tlsd_policy *tlsd_policy_from_section(const CONF *cnf, const char *section,
                                      int require_path);

/* The "path" OpenSSL's module loader finds for a section (exact case; the
 * default section's when the section has none), or NULL. */
const char *tlsd_section_path(const CONF *cnf, const char *section);

/* True while this thread builds a context for the engine's own checks:
 * hooks on SSL_CTX creation must leave such contexts alone. */
int tlsd_policy_in_scratch(void);

#endif
