/* SPDX-License-Identifier: Apache-2.0 */
#include "profile.h"

#include <strings.h>

#define PROFILE(name, table) {name, table, sizeof(table) / sizeof(table[0])}

/* Python's cipher string (CPython 3.10+, Modules/_ssl.c PY_SSL_DEFAULT_CIPHER_STRING). */
#define PYTHON_CIPHERS \
    "@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM"

/* Python's options: SSL_OP_ALL without DONT_INSERT_EMPTY_FRAGMENTS and
 * LEGACY_SERVER_CONNECT, plus NO_SSLv3, NO_COMPRESSION, server preference
 * and middlebox compatibility: 0x82520050 on OpenSSL 3.0. */
#define PYTHON_OPTIONS \
    "Bugs,EmptyFragments,-UnsafeLegacyServerConnect,-Compression,ServerPreference,MiddleboxCompat"

/* ssl.create_default_context() of CPython 3.13 after its minimum version,
 * with what it gives a client that a careless program forgets: peer
 * verification, a trust store, the host name checked. */
#define PYTHON_SETTINGS                                          \
    {"Protocol", "-SSLv3"},                                      \
    {"Options", PYTHON_OPTIONS},                                 \
    {"CipherString", PYTHON_CIPHERS},                            \
    {"VerifyFlags", "X509Strict,PartialChain,TrustedFirst"},     \
    {"HostFlags", "NoPartialWildcards"},                         \
    {"Mode", "ReleaseBuffers"},                                  \
    {"VerifyPeer", "yes"}, {"TrustStore", "system"}, {"HostnameCheck", "yes"}

/* The default: ssl.create_default_context() of CPython 3.13. */
static const tlsd_setting python_profile[] = {
    {"MinProtocol", "TLSv1.2"},
    PYTHON_SETTINGS,
};

/* OpenSSL's own defaults with the legacy cut off, and without X509 strict,
 * which rejects some real certificates still in use. */
static const tlsd_setting system_profile[] = {
    {"MinProtocol", "TLSv1.2"},
    {"CipherString", "DEFAULT:!RC4:!3DES:!aNULL:!eNULL:!MD5"},
    {"VerifyFlags", "TrustedFirst"},
    {"HostFlags", "NoPartialWildcards"},
};

/* TLS 1.3 only; otherwise the python profile. */
static const tlsd_setting strict_profile[] = {
    {"MinProtocol", "TLSv1.3"},
    PYTHON_SETTINGS,
};

static const tlsd_profile profiles[] = {
    PROFILE("python", python_profile),
    PROFILE("system", system_profile),
    PROFILE("strict", strict_profile),
};

const tlsd_profile *tlsd_profile_find(const char *name)
{
    for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
        if (strcasecmp(profiles[i].name, name) == 0)
            return &profiles[i];
    return NULL;
}

const char *tlsd_profile_names(void)
{
    return "python, system, strict";
}
