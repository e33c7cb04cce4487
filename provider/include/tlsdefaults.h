/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults: safe TLS defaults for OpenSSL 3 programs.
 *
 * The explicit, purpose-based counterpart of Python's
 * ssl.create_default_context(purpose, cafile, capath, cadata): one call
 * gives an SSL_CTX with the "python" policy of the tlsdefaults config
 * module (TLS 1.2 minimum, Python's cipher list and options, X509 strict,
 * partial chains), peer verification for clients and a trust store.
 *
 * Every function puts its errors on OpenSSL's error queue under the library
 * name "tlsdefaults"; ERR_print_errors_fp(stderr) shows them. */
#ifndef TLSDEFAULTS_H
#define TLSDEFAULTS_H

#include <stddef.h>

#include <openssl/ssl.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define TLSD_API __attribute__((visibility("default")))
#else
#define TLSD_API
#endif

/* Whom the context will authenticate, as in Python's ssl.Purpose. */
typedef enum {
    TLSD_PURPOSE_SERVER_AUTH = 1, /* a client context: verifies servers */
    TLSD_PURPOSE_CLIENT_AUTH = 2  /* a server context: may verify clients */
} tlsd_purpose;

/* A new context with the default policy for purpose:
 * - SERVER_AUTH: TLS_client_method(), SSL_VERIFY_PEER |
 *   SSL_VERIFY_FAIL_IF_NO_PEER_CERT; give each connection its server name
 *   with tlsd_set_server_hostname().
 * - CLIENT_AUTH: TLS_server_method(), SSL_VERIFY_NONE.
 * Trust anchors: cafile, capath and cadata (see tlsd_load_verify_locations)
 * when any is given; otherwise, for SERVER_AUTH, the system trust store,
 * read once per process and shared (see tlsd_use_system_trust_store).
 * SSLKEYLOGFILE, when set and not empty, names a key log file (as
 * tlsd_set_keylog_file: a refused file makes this call fail).
 * Returns NULL on any error, with nothing leaked. */
TLSD_API SSL_CTX *tlsd_create_default_context(tlsd_purpose purpose, const char *cafile,
                                     const char *capath, const void *cadata,
                                     size_t cadata_len);

/* Adds trust anchors to ctx, like Python's load_verify_locations():
 * cadata first (PEM text holding one or more certificates, or DER bytes
 * holding one or more concatenated certificates, told apart by content),
 * then cafile (PEM) and capath (a hashed directory, read lazily).
 * At least one must be given. All or nothing: on error ctx is unchanged.
 * 1 on success, 0 on error. */
TLSD_API int tlsd_load_verify_locations(SSL_CTX *ctx, const char *cafile, const char *capath,
                               const void *cadata, size_t cadata_len);

/* Lets ctx trust the system's CA certificates (SSL_CERT_FILE and
 * SSL_CERT_DIR when set, else OpenSSL's defaults). The bundle is read once
 * per process and shared; certificates are found in it on demand, and what
 * the application adds to ctx's own store stays private to ctx. A process
 * sees the bundle as it was at its first use. 1 on success, 0 on error. */
TLSD_API int tlsd_use_system_trust_store(SSL_CTX *ctx);

/* Configures a client connection for a server name, as Python's
 * server_hostname does: SNI for names (never for IP literals), and, when
 * the SSL verifies its peer, the name checked against the certificate
 * (X509_VERIFY_PARAM_set1_host, or set1_ip for an IPv4/IPv6 literal) with
 * the context's host flags (no partial wildcards by default).
 * Refused: NULL, an empty name, a leading dot. 1 on success, 0 on error. */
TLSD_API int tlsd_set_server_hostname(SSL *ssl, const char *hostname);

/* The same for a name of len bytes: an embedded NUL byte is refused. */
TLSD_API int tlsd_set_server_hostname_len(SSL *ssl, const char *hostname, size_t len);

/* Appends TLS secrets of every connection of ctx to path in the NSS key
 * log format (what Wireshark reads). path must be a private file: opened
 * without following a symbolic link, created with mode 0600 when new, and
 * otherwise refused unless it is a regular file owned by the effective
 * user, with one link and no permission for group or others. An empty
 * file gets a comment line first. Lines are written whole, under one lock
 * shared by all contexts. path NULL turns key logging off.
 * 1 on success; 0 on error (ctx unchanged), with TLSD_R_CANNOT_OPEN_KEYLOG
 * whose data is "path=PATH: why", e.g. "a symbolic link", "2 links". */
TLSD_API int tlsd_set_keylog_file(SSL_CTX *ctx, const char *path);

/* Reason codes of the "tlsdefaults" errors (ERR_GET_REASON). */
#define TLSD_R_UNKNOWN_KEY 100
#define TLSD_R_BAD_VALUE 101
#define TLSD_R_UNKNOWN_PROFILE 102
#define TLSD_R_MISSING_PATH 104
#define TLSD_R_MISSING_SECTION 105
#define TLSD_R_PROTOCOL_RANGE 106
#define TLSD_R_TLS_REFUSED 108
#define TLSD_R_OUT_OF_MEMORY 109
#define TLSD_R_BAD_PURPOSE 110
#define TLSD_R_NO_VERIFY_LOCATIONS 111
#define TLSD_R_EMPTY_CADATA 112
#define TLSD_R_BAD_CADATA 113
#define TLSD_R_CANNOT_LOAD_CAFILE 114
#define TLSD_R_BAD_HOSTNAME 115
#define TLSD_R_CANNOT_OPEN_KEYLOG 116
#define TLSD_R_NO_SERVER_NAME 117
/* Refusals of the module's policy, raised where the refusal is decided. */
#define TLSD_R_VERIFY_REQUIRED 130
#define TLSD_R_VERSION_BELOW_FLOOR 131
#define TLSD_R_CANNOT_OPEN_AUDIT_LOG 132
#define TLSD_R_PEER_NOT_AUTHENTICATED 133
#define TLSD_R_HOSTNAME_MISMATCH 134
#define TLSD_R_BELOW_SECURITY_LEVEL 135
/* A key in a Peers entry that cannot apply to one connection. */
#define TLSD_R_NOT_PER_CONNECTION 136
/* A connection its Peers entry cannot follow (reused for another name). */
#define TLSD_R_PEER_ENTRY_MISMATCH 137

#ifdef __cplusplus
}
#endif

#endif
