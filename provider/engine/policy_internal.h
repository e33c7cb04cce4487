/* SPDX-License-Identifier: Apache-2.0 */
/* Inside the policy engine: the key table, a policy's data, and what one
 * phase's file calls in another's. Only policy*.c include this. */
#ifndef TLSD_POLICY_INTERNAL_H
#define TLSD_POLICY_INTERNAL_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "peer_match.h"
#include "policy.h"
#include "profile.h"

/* How a key's value is read, and how it combines with the one before. */
enum tlsd_key_kind {
    KEY_REPLACE,   /* an SSL_CONF command; the last value wins */
    KEY_EDIT_LIST, /* an SSL_CONF command whose items edit the previous ones */
    KEY_FLAGS,     /* our own flag list: "A, B, -C" edits the previous bits */
    KEY_CHOICE,    /* one name of a table (yes/no and the like) */
    KEY_TRUST,     /* "system", "none" or an absolute path */
    KEY_AUDIT,     /* yes, no, or a list of the keys audited */
    KEY_AUDIT_LOG, /* syslog, stderr or an absolute path */
};

enum { TLSD_SHOW_ALWAYS, TLSD_SHOW_WITH_AUDIT };

typedef struct {
    const char *name;
    unsigned long bit;
} tlsd_flag_name;

/* Writes a key's effective value, as a context holds it, into buf. */
typedef void tlsd_key_reader(SSL_CTX *ctx, char *buf, size_t cap);

/* One row of policy_keys.h. */
typedef struct {
    const char *name;
    enum tlsd_key_kind kind;
    const tlsd_flag_name *names;
    unsigned audit_bit; /* TLSD_AUDIT_<id>; 0: Audit may not name it */
    const char *unset;
    const char *label;
    tlsd_key_reader *read;
    int show;
    int peer; /* a Peers entry may set it */
} tlsd_key_def;

/* The names tables rows point at (policy_keys.c). */
extern const tlsd_flag_name tlsd_verify_flag_names[], tlsd_host_flag_names[],
    tlsd_mode_names[], tlsd_boolean_names[], tlsd_verify_peer_names[],
    tlsd_hostname_check_names[];

/* The readers rows point at (policy_describe.c). */
tlsd_key_reader tlsd_policy_describe_min_protocol, tlsd_policy_describe_max_protocol, tlsd_policy_describe_cipher_list,
    tlsd_policy_describe_ciphersuite_list, tlsd_policy_describe_options, tlsd_policy_describe_verify_flags,
    tlsd_policy_describe_host_flags, tlsd_policy_describe_mode;

/* policy_keys.c: the table, indexed by enum tlsd_key_id. */
extern const tlsd_key_def tlsd_policy_keys[TLSD_KEY_COUNT];

/* The key named name (any case), its id in *id; NULL when unknown. */
const tlsd_key_def *tlsd_policy_keys_find(const char *name, enum tlsd_key_id *id);

/* The names of names whose bits are in bits (all: every name),
 * ", "-separated; "" when none. */
void tlsd_policy_keys_names(char *buf, size_t cap, const tlsd_flag_name *names,
                            unsigned long bits, int all);

/* The same for the keys Audit may name. */
void tlsd_policy_keys_audit_names(char *buf, size_t cap, unsigned bits, int all);

typedef struct {
    char *value;        /* SSL_CONF value; NULL leaves OpenSSL's default */
    unsigned long bits; /* KEY_FLAGS: the resulting bits */
    int set;
    char *origin;       /* "profile python", "section x", or both joined */
} tlsd_setting_value;

/* A value OpenSSL has yet to check (deferred mode), with what the check's
 * error names; checked in the order the values were set. */
typedef struct tlsd_pending_check {
    const tlsd_key_def *def;
    char *key, *value, *origin;
    struct tlsd_pending_check *next;
} tlsd_pending_check;

/* Deferred mode, Programs: the checks of a program's policy that this
 * process does not get (tlsd_policy_check_also), run with its own. */
typedef struct tlsd_side_check {
    tlsd_pending_check *pending;  /* the values its program section set */
    tlsd_setting_value bounds[2]; /* its MinProtocol and MaxProtocol */
    struct tlsd_side_check *next;
} tlsd_side_check;

#define TLSD_MAX_LEFT_OUT 8

/* One entry of Peers = SECTION: the policy its destination gets (the
 * module's and program's keys, then its own section's). */
typedef struct {
    char name[256];     /* as written */
    char section[128];
    tlsd_policy *policy;
    unsigned keys;      /* 1u << id for each key its own section sets */
} tlsd_peer_entry;

struct tlsd_policy {
    const tlsd_profile *profile; /* as named: a moving name stays itself */
    const tlsd_profile_gate *left_out[TLSD_MAX_LEFT_OUT]; /* what this OpenSSL lacks */
    size_t n_left_out;
    tlsd_setting_value s[TLSD_KEY_COUNT];
    SSL_CTX *scratch; /* validates values while the policy is being built */
    int min_version, max_version; /* the TLS bounds, known once finished */
    int deferred;     /* built without OpenSSL's checks: tlsd_policy_check() */
    tlsd_pending_check *pending, **pending_tail;
    tlsd_side_check *sides;
    /* Candidate = SECTION: the policy audited beside this one, never
     * applied; deferred, the candidates and Peers entries of the programs
     * this process is not, kept for their checks (next_candidate links
     * them). */
    struct tlsd_policy *candidate, *other_candidates, *next_candidate;
    char candidate_name[128];
    /* Peers = SECTION: names[i] chooses peers[i] (peer_match.h). */
    char peers_name[128];
    tlsd_peer_name *peer_names;
    tlsd_peer_entry *peers;
    size_t n_peers;
};

/* policy.c: a context of method for the engine's own use, made so that
 * tlsd_policy_in_scratch() is true while SSL_CTX_new() runs; NULL also
 * when that cannot be marked (no memory). */
SSL_CTX *tlsd_policy_scratch_new(const SSL_METHOD *method);

/* policy_check.c: 1 while this thread defers checks. */
int tlsd_policy_check_deferring(void);
/* OpenSSL's check of an SSL_CONF value, at once on p's checker or
 * remembered (deferred mode). 1, or 0 with the error raised. */
int tlsd_policy_check_value(tlsd_policy *p, const tlsd_key_def *def, const char *key,
                            const char *value, const char *origin);
/* Frees p's remembered checks and its sides. */
void tlsd_policy_check_free(tlsd_policy *p);

/* policy_section.c: the kinds of section, and one section's keys in the
 * order a policy takes them. */
enum tlsd_section_kind { MODULE_SECTION, PROGRAM_SECTION, CANDIDATE_SECTION, PEER_SECTION };

typedef struct {
    STACK_OF(CONF_VALUE) *values;
    const char *origin;
    enum tlsd_section_kind kind;
} tlsd_section_layer;

/* Sets every key of values but the section's own ones; reports every bad
 * key. 1 when all were good. */
int tlsd_policy_section_set_keys(tlsd_policy *p, STACK_OF(CONF_VALUE) *values, const char *origin,
                                 enum tlsd_section_kind kind);

/* A policy of profile with the keys of layers[0..n): the errors of the
 * last are reported; those before were reported when their own policy was
 * read, and only memory fails them here (raised as out of memory, naming
 * what). NULL on error. */
tlsd_policy *tlsd_policy_section_layered(const char *profile, const tlsd_section_layer *layers, size_t n,
                                         const char *what);

/* policy_peers.c: Peers = name, read by the last of base's layers, each
 * entry's policy made of base's layers and the entry's section; attached
 * to p. Every bad entry is reported. 1, or 0 (p then fails closed). */
int tlsd_policy_peers_attach(const CONF *cnf, tlsd_policy *p, const char *name,
                             const tlsd_section_layer *base, size_t n_base);

/* policy_apply.c: runs one SSL_CONF command on ctx, with OpenSSL's
 * openssl.cnf spelling (SSL_CONF_FLAG_FILE). 1 when it took. */
int tlsd_policy_apply_conf_cmd(SSL_CTX *ctx, const char *name, const char *value,
                               unsigned int extra_flags);

#endif
