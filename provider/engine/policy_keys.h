/* SPDX-License-Identifier: Apache-2.0 */
/* The key list: one row per key a section may hold, in the order the keys
 * are applied, each with everything the engine knows about it. This list
 * makes the key ids, the Audit bits and the table (policy_keys.c), so a
 * new key is one row here, plus a parser (policy_set.c) only when its
 * kind is new. Columns:
 *   id      TLSD_KEY_<id>, and TLSD_AUDIT_<id> (0 when Audit may not name it)
 *   name    as written in a section (SSL_CONF's own name for its commands)
 *   kind    enum tlsd_key_kind: which parser reads it, how values combine
 *   names   its flag or choice names (KEY_FLAGS, KEY_CHOICE), or NULL
 *   audit   1: Audit may name it (it refuses connections), 0: not
 *   unset   what it means when no policy sets it; NULL: OpenSSL's default
 *   label   what describe calls it; NULL: not described
 *   read    how its effective value is read back from a context
 *           (policy_describe.c); NULL: the policy's value
 *   show    TLSD_SHOW_ALWAYS, or TLSD_SHOW_WITH_AUDIT (only when Audit or
 *           Inventory is set: a policy without them reads as it always has)
 *   peer    1: a Peers entry may set it for one destination (it acts on one
 *           client connection at its start); 0: it is the whole policy's */
#ifndef TLSD_POLICY_KEYS_H
#define TLSD_POLICY_KEYS_H

#define TLSD_POLICY_KEYS(X) \
    X(MIN_PROTOCOL, "MinProtocol", KEY_REPLACE, NULL, 1, NULL, \
      "MinProtocol", tlsd_policy_describe_min_protocol, TLSD_SHOW_ALWAYS, 1) \
    X(MAX_PROTOCOL, "MaxProtocol", KEY_REPLACE, NULL, 0, NULL, \
      "MaxProtocol", tlsd_policy_describe_max_protocol, TLSD_SHOW_ALWAYS, 1) \
    X(PROTOCOL, "Protocol", KEY_EDIT_LIST, NULL, 0, NULL, \
      NULL, NULL, TLSD_SHOW_ALWAYS, 0) \
    X(CIPHER_STRING, "CipherString", KEY_REPLACE, NULL, 1, NULL, \
      "Ciphers", tlsd_policy_describe_cipher_list, TLSD_SHOW_ALWAYS, 1) \
    X(CIPHERSUITES, "Ciphersuites", KEY_REPLACE, NULL, 1, NULL, \
      "Ciphersuites", tlsd_policy_describe_ciphersuite_list, TLSD_SHOW_ALWAYS, 1) \
    X(GROUPS, "Groups", KEY_REPLACE, NULL, 1, NULL, \
      "Groups", NULL, TLSD_SHOW_ALWAYS, 1) \
    X(SIGNATURE_ALGORITHMS, "SignatureAlgorithms", KEY_REPLACE, NULL, 1, NULL, \
      "SignatureAlgorithms", NULL, TLSD_SHOW_ALWAYS, 1) \
    X(OPTIONS, "Options", KEY_EDIT_LIST, NULL, 0, NULL, \
      "Options", tlsd_policy_describe_options, TLSD_SHOW_ALWAYS, 0) \
    X(VERIFY_FLAGS, "VerifyFlags", KEY_FLAGS, tlsd_verify_flag_names, 1, NULL, \
      "VerifyFlags", tlsd_policy_describe_verify_flags, TLSD_SHOW_ALWAYS, 1) \
    X(HOST_FLAGS, "HostFlags", KEY_FLAGS, tlsd_host_flag_names, 0, NULL, \
      "HostFlags", tlsd_policy_describe_host_flags, TLSD_SHOW_ALWAYS, 1) \
    X(MODE, "Mode", KEY_FLAGS, tlsd_mode_names, 0, NULL, \
      "Mode", tlsd_policy_describe_mode, TLSD_SHOW_ALWAYS, 0) \
    X(VERIFY_PEER, "VerifyPeer", KEY_CHOICE, tlsd_verify_peer_names, 1, "no", \
      "VerifyPeer", NULL, TLSD_SHOW_ALWAYS, 1) \
    X(TRUST_STORE, "TrustStore", KEY_TRUST, NULL, 0, "none", \
      "TrustStore", NULL, TLSD_SHOW_ALWAYS, 1) \
    X(HOSTNAME_CHECK, "HostnameCheck", KEY_CHOICE, tlsd_hostname_check_names, 1, "no", \
      "HostnameCheck", NULL, TLSD_SHOW_ALWAYS, 1) \
    X(ENFORCE, "Enforce", KEY_CHOICE, tlsd_boolean_names, 1, "no", \
      "Enforce", NULL, TLSD_SHOW_ALWAYS, 0) \
    X(KEY_LOG, "KeyLog", KEY_CHOICE, tlsd_boolean_names, 0, "no", \
      "KeyLog", NULL, TLSD_SHOW_ALWAYS, 0) \
    X(AUDIT, "Audit", KEY_AUDIT, NULL, 0, "no", \
      "Audit", NULL, TLSD_SHOW_WITH_AUDIT, 0) \
    X(INVENTORY, "Inventory", KEY_CHOICE, tlsd_boolean_names, 0, "no", \
      "Inventory", NULL, TLSD_SHOW_WITH_AUDIT, 0) \
    X(AUDIT_LOG, "AuditLog", KEY_AUDIT_LOG, NULL, 0, "syslog", \
      "AuditLog", NULL, TLSD_SHOW_WITH_AUDIT, 0)

#define TLSD_KEY_ID_(id, ...) TLSD_KEY_##id,
enum tlsd_key_id { TLSD_POLICY_KEYS(TLSD_KEY_ID_) TLSD_KEY_COUNT };
#undef TLSD_KEY_ID_

/* Audit's bits: a key's bit is 1u << its id; 0 for a key Audit may not
 * name, so that testing it is always false. */
#define TLSD_AUDIT_BIT_(id, name, kind, names, audit, ...) \
    TLSD_AUDIT_##id = (audit) ? 1u << TLSD_KEY_##id : 0u,
#define TLSD_AUDIT_OR_(id, name, kind, names, audit, ...) | TLSD_AUDIT_##id
enum tlsd_audit_bits {
    TLSD_POLICY_KEYS(TLSD_AUDIT_BIT_)
    /* Audit = yes: every key Audit may name. */
    TLSD_AUDIT_ALL = 0u TLSD_POLICY_KEYS(TLSD_AUDIT_OR_)
};
#undef TLSD_AUDIT_BIT_
#undef TLSD_AUDIT_OR_

#endif
