/* SPDX-License-Identifier: Apache-2.0 */
#include "profile.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#define FROZEN(name, day, source, description, table) \
    {name, NULL, day, source, description, table, sizeof(table) / sizeof(table[0])}
#define MOVING(name, target, description) {name, target, NULL, NULL, description, NULL, 0}

/* Python's cipher string (CPython 3.10+, Modules/_ssl.c PY_SSL_DEFAULT_CIPHER_STRING). */
#define PYTHON_CIPHERS \
    "@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM"

/* Python's options: SSL_OP_ALL without DONT_INSERT_EMPTY_FRAGMENTS and
 * LEGACY_SERVER_CONNECT, plus NO_SSLv3, NO_COMPRESSION, server preference
 * and middlebox compatibility: 0x82520050 on OpenSSL 3.0. */
#define PYTHON_OPTIONS \
    "Bugs,EmptyFragments,-UnsafeLegacyServerConnect,-Compression,ServerPreference,MiddleboxCompat"

/* What ssl.create_default_context() gives a client that a careless
 * program forgets: the peer verified against a trust store, the host name
 * checked, with Python's verify and host flags. */
#define PYTHON_VERIFICATION                                      \
    {"VerifyFlags", "X509Strict,PartialChain,TrustedFirst"},     \
    {"HostFlags", "NoPartialWildcards"},                         \
    {"VerifyPeer", "yes"}, {"TrustStore", "system"}, {"HostnameCheck", "yes"}

/* ssl.create_default_context() of CPython 3.13 after its minimum version. */
#define PYTHON_SETTINGS                                          \
    {"Protocol", "-SSLv3"},                                      \
    {"Options", PYTHON_OPTIONS},                                 \
    {"CipherString", PYTHON_CIPHERS},                            \
    {"Mode", "ReleaseBuffers"},                                  \
    PYTHON_VERIFICATION

static const tlsd_setting python_3_13[] = {
    {"MinProtocol", "TLSv1.2"},
    PYTHON_SETTINGS,
};

/* TLS 1.3 only; otherwise python-3.13. */
static const tlsd_setting strict_202612[] = {
    {"MinProtocol", "TLSv1.3"},
    PYTHON_SETTINGS,
};

/* Mozilla's Server Side TLS guidelines 6.0 (guidelines/6.0.json), the
 * algorithms of its intermediate configuration: the six ECDHE AEAD suites
 * in its order, its TLS 1.3 suites and groups, no server preference.
 * @SECLEVEL=2 holds its 2048-bit RSA and 256-bit ECDH minimums on every
 * OpenSSL (3.0 defaults to level 1). Python's options without
 * ServerPreference. */
#define MOZILLA_6_0_ALGORITHMS                                                  \
    {"Protocol", "-SSLv3"},                                                     \
    {"Options", "Bugs,EmptyFragments,-UnsafeLegacyServerConnect,-Compression,"  \
                "MiddleboxCompat"},                                             \
    {"CipherString", "@SECLEVEL=2:ECDHE-ECDSA-AES128-GCM-SHA256:"              \
                     "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:" \
                     "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:" \
                     "ECDHE-RSA-CHACHA20-POLY1305"},                            \
    {"Ciphersuites", "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"          \
                     "TLS_CHACHA20_POLY1305_SHA256"},                           \
    {"Groups", "X25519MLKEM768:X25519:prime256v1:secp384r1"}

/* Mozilla speaks only of a server's algorithms: the verification is
 * python-3.13's. */
static const tlsd_setting mozilla_intermediate_6_0[] = {
    {"MinProtocol", "TLSv1.2"},
    MOZILLA_6_0_ALGORITHMS,
    {"Mode", "ReleaseBuffers"},
    PYTHON_VERIFICATION,
};

static const tlsd_setting mozilla_modern_6_0[] = {
    {"MinProtocol", "TLSv1.3"},
    MOZILLA_6_0_ALGORITHMS,
    {"Mode", "ReleaseBuffers"},
    PYTHON_VERIFICATION,
};

/* OpenSSL's own defaults with the legacy cut off, and without X509 strict,
 * which rejects some real certificates still in use. */
static const tlsd_setting system_settings[] = {
    {"MinProtocol", "TLSv1.2"},
    {"CipherString", "DEFAULT:!RC4:!3DES:!aNULL:!eNULL:!MD5"},
    {"VerifyFlags", "TrustedFirst"},
    {"HostFlags", "NoPartialWildcards"},
};

#define PYTHON_SOURCE "CPython 3.13: Lib/ssl.py create_default_context(), Modules/_ssl.c"
#define MOZILLA_SOURCE "Mozilla Server Side TLS 6.0 (ssl-config.mozilla.org/guidelines/6.0.json)"

static const tlsd_profile profiles[] = {
    MOVING("python", "python-3.13", "Python's ssl.create_default_context(), the newest frozen one"),
    FROZEN("python-3.13", "2026-12-02", PYTHON_SOURCE,
           "ssl.create_default_context() of CPython 3.13: TLS 1.2 floor, peer and host name verified",
           python_3_13),
    MOVING("mozilla-intermediate", "mozilla-intermediate-6.0", "Mozilla's intermediate configuration, the newest version"),
    FROZEN("mozilla-intermediate-6.0", "2026-12-02", MOZILLA_SOURCE,
           "TLS 1.2 and 1.3, six ECDHE AEAD suites, X25519MLKEM768 first, no server preference; "
           "python-3.13's verification", mozilla_intermediate_6_0),
    MOVING("mozilla-modern", "mozilla-modern-6.0", "Mozilla's modern configuration, the newest version"),
    FROZEN("mozilla-modern-6.0", "2026-12-02", MOZILLA_SOURCE,
           "TLS 1.3 only, Mozilla's TLS 1.3 suites and groups; python-3.13's verification",
           mozilla_modern_6_0),
    MOVING("strict", "strict-202612", "the strictest profile tlsdefaults recommends, the newest one"),
    FROZEN("strict-202612", "2026-12-02", "tlsdefaults: python-3.13 with MinProtocol = TLSv1.3",
           "python-3.13 with TLS 1.3 only", strict_202612),
    MOVING("next", "mozilla-intermediate-6.0",
           "tlsdefaults' planned next default: python-3.13's verification with "
           "mozilla-intermediate-6.0's algorithms; audit it as a Candidate before adopting it"),
    /* Not frozen: its ciphers are this OpenSSL's DEFAULT, which moves. */
    {"system", NULL, NULL, "OpenSSL's DEFAULT cipher list",
     "OpenSSL's defaults with the legacy cut off (TLS 1.2 floor, no RC4, 3DES, MD5 or anonymous "
     "suites); no peer verification added; moves with OpenSSL",
     system_settings, sizeof(system_settings) / sizeof(system_settings[0])},
};

#define N_PROFILES (sizeof(profiles) / sizeof(profiles[0]))

/* The items of a profile older OpenSSLs lack. */
static const tlsd_profile_gate gates[] = {
    {"Groups", "X25519MLKEM768", 0x30500000L, "3.5"},
};

const tlsd_profile *tlsd_profile_find(const char *name)
{
    for (size_t i = 0; i < N_PROFILES; i++)
        if (strcasecmp(profiles[i].name, name) == 0)
            return &profiles[i];
    return NULL;
}

const tlsd_profile *tlsd_profile_data(const tlsd_profile *profile)
{
    const tlsd_profile *target = profile->target != NULL ? tlsd_profile_find(profile->target) : NULL;

    return target != NULL ? target : profile;
}

const tlsd_profile *tlsd_profile_at(size_t i)
{
    return i < N_PROFILES ? &profiles[i] : NULL;
}

void tlsd_profile_names(char *buf, size_t cap)
{
    size_t used = 0;

    if (cap > 0)
        buf[0] = '\0';
    for (size_t i = 0; i < N_PROFILES && used < cap; i++) {
        int n = snprintf(buf + used, cap - used, "%s%s", i > 0 ? ", " : "", profiles[i].name);

        used += n > 0 ? (size_t)n : 0;
    }
}

/* The gate that keeps item of key out of this OpenSSL, or NULL. */
static const tlsd_profile_gate *gate_closed(const char *key, const char *item, size_t len)
{
    for (size_t i = 0; i < sizeof(gates) / sizeof(gates[0]); i++)
        if (strcasecmp(gates[i].key, key) == 0 && strlen(gates[i].item) == len
            && strncasecmp(gates[i].item, item, len) == 0 && OpenSSL_version_num() < gates[i].since)
            return &gates[i];
    return NULL;
}

int tlsd_profile_value(const tlsd_setting *s, char *buf, size_t cap,
                       const tlsd_profile_gate **left_out, size_t cap_left, size_t *n_left)
{
    size_t used = 0;

    if (cap == 0)
        return 0;
    buf[0] = '\0';
    for (const char *item = s->value; *item != '\0';) {
        size_t len = strcspn(item, ":");
        const tlsd_profile_gate *gate = gate_closed(s->key, item, len);

        if (gate != NULL) {
            if (*n_left < cap_left)
                left_out[*n_left] = gate;
            (*n_left)++;
        } else {
            if (used + (used > 0) + len + 1 > cap)
                return 0;
            if (used > 0)
                buf[used++] = ':';
            memcpy(buf + used, item, len);
            used += len;
            buf[used] = '\0';
        }
        item += len + (item[len] == ':');
    }
    return 1;
}
