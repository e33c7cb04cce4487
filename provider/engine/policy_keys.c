/* SPDX-License-Identifier: Apache-2.0 */
/* The key table, made from the rows of policy_keys.h, and its lookups. */
#include <string.h>
#include <strings.h>

#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "policy_internal.h"

const tlsd_flag_name tlsd_verify_flag_names[] = {
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

const tlsd_flag_name tlsd_host_flag_names[] = {
    {"AlwaysCheckSubject", X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT},
    {"NoWildcards", X509_CHECK_FLAG_NO_WILDCARDS},
    {"NoPartialWildcards", X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS},
    {"MultiLabelWildcards", X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS},
    {"SingleLabelSubdomains", X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS},
    {"NeverCheckSubject", X509_CHECK_FLAG_NEVER_CHECK_SUBJECT},
    {NULL, 0},
};

const tlsd_flag_name tlsd_mode_names[] = {
    {"ReleaseBuffers", SSL_MODE_RELEASE_BUFFERS},
    {NULL, 0},
};

#define BOOLEAN_NAMES \
    {"yes", 1}, {"no", 0}, {"on", 1}, {"off", 0}, \
    {"true", 1}, {"false", 0}, {"1", 1}, {"0", 0}

const tlsd_flag_name tlsd_boolean_names[] = {BOOLEAN_NAMES, {NULL, 0}};

const tlsd_flag_name tlsd_verify_peer_names[] = {
    {"force", TLSD_VERIFY_PEER_FORCE}, BOOLEAN_NAMES, {NULL, 0},
};

const tlsd_flag_name tlsd_hostname_check_names[] = {
    {"require", TLSD_HOSTNAME_CHECK_REQUIRE}, BOOLEAN_NAMES, {NULL, 0},
};

#define TLSD_KEY_ROW_(id, name, kind, names, audit, unset, label, read, show, peer) \
    [TLSD_KEY_##id] = {name, kind, names, TLSD_AUDIT_##id, unset, label, read, show, peer},

const tlsd_key_def tlsd_policy_keys[TLSD_KEY_COUNT] = {TLSD_POLICY_KEYS(TLSD_KEY_ROW_)};

const tlsd_key_def *tlsd_policy_keys_find(const char *name, enum tlsd_key_id *id)
{
    for (int i = 0; i < TLSD_KEY_COUNT; i++) {
        if (strcasecmp(tlsd_policy_keys[i].name, name) == 0) {
            *id = (enum tlsd_key_id)i;
            return &tlsd_policy_keys[i];
        }
    }
    return NULL;
}

static void append_name(char *buf, size_t cap, const char *name)
{
    if (buf[0] != '\0')
        strncat(buf, ", ", cap - strlen(buf) - 1);
    strncat(buf, name, cap - strlen(buf) - 1);
}

void tlsd_policy_keys_names(char *buf, size_t cap, const tlsd_flag_name *names,
                            unsigned long bits, int all)
{
    buf[0] = '\0';
    for (const tlsd_flag_name *f = names; f->name != NULL; f++)
        if (all || (bits & f->bit) != 0)
            append_name(buf, cap, f->name);
}

void tlsd_policy_keys_audit_names(char *buf, size_t cap, unsigned bits, int all)
{
    buf[0] = '\0';
    for (int i = 0; i < TLSD_KEY_COUNT; i++) {
        unsigned bit = tlsd_policy_keys[i].audit_bit;

        if (bit != 0 && (all || (bits & bit) != 0))
            append_name(buf, cap, tlsd_policy_keys[i].name);
    }
}
