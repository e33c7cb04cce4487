/* SPDX-License-Identifier: Apache-2.0 */
#include "audit.h"

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/x509_vfy.h>

#include "audit_log.h"
#include "debug.h"
#include "errors.h"
#include "guards.h"
#include "policy_floor.h"
#include "program_match.h"

struct tlsd_audit {
    unsigned keys;             /* TLSD_AUDIT_* */
    int verify_peer, hostname_check, enforce;
    int floor;                 /* the policy's MinProtocol, 0: none */
    int security_level;        /* Enforce: the level it holds */
    int verify_flags_set;
    unsigned long verify_flags, verify_flags_known;
    tlsd_cipher_set ciphers;   /* the suites the policy allows */
    tlsd_audit_log *log;
};

/* What the policy would have refused in one connection. */
enum {
    R_UNVERIFIED = 1 << 0,     /* verification left to the policy fails */
    R_VERIFY_OFF = 1 << 1,     /* the program chose none, and it fails */
    R_HOSTNAME = 1 << 2,       /* the SNI name does not match */
    R_NO_SNI = 1 << 3,         /* HostnameCheck = require, no name */
    R_VERIFY_FLAGS = 1 << 4,   /* fails with the policy's VerifyFlags only */
    R_VERSION = 1 << 5,        /* negotiated below the floor */
    R_CIPHER = 1 << 6,         /* a suite the policy does not allow */
    R_LEVEL = 1 << 7,          /* the chain fails at Enforce's security level */
    R_NO_CERT = 1 << 8,        /* the server sent no certificate (aNULL) */
};

/* The record of one connection, in the SSL's ex_data; written at the end
 * of the handshake, or when the SSL is freed (a failed handshake, or a
 * program whose own info callback replaced ours). */
typedef struct {
    tlsd_audit_log *log;       /* its own reference: the context may go first */
    int server;
    unsigned reasons;
    int x509_error;
    int version;
    char cipher[64];
    char peer[160];
    char key_version[16], key_cipher[16];
    int floor;
    int negotiated_checked, written;
} conn;

static int conn_index = -1;
static pthread_once_t conn_index_once = PTHREAD_ONCE_INIT;

static void conn_write(conn *c);

static void conn_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    conn *c = ptr;

    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    if (c == NULL)
        return;
    conn_write(c);
    tlsd_audit_log_release(c->log);
    free(c);
}

/* SSL_dup() copies ex_data pointers: the copy starts without a record. */
static int conn_dup(CRYPTO_EX_DATA *to, const CRYPTO_EX_DATA *from, void **from_d, int idx,
                    long argl, void *argp)
{
    (void)to, (void)from, (void)idx, (void)argl, (void)argp;
    *from_d = NULL;
    return 1;
}

static void register_conn_index(void)
{
    conn_index = CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL, 0, NULL, NULL, conn_dup, conn_free);
}

tlsd_audit *tlsd_audit_new(const tlsd_policy *p)
{
    tlsd_audit *a = calloc(1, sizeof(*a));
    tlsd_policy_guards keys;

    pthread_once(&conn_index_once, register_conn_index);
    if (a == NULL || conn_index < 0) {
        free(a);
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        return NULL;
    }
    tlsd_policy_get_guards(p, &keys);
    a->keys = keys.audit;
    a->verify_peer = keys.verify_peer;
    a->hostname_check = keys.hostname_check;
    a->enforce = keys.enforce;
    a->floor = keys.min_version;
    a->verify_flags_set = keys.verify_flags_set;
    a->verify_flags = keys.verify_flags;
    a->verify_flags_known = keys.verify_flags_known;
    /* The suites of the whole policy, audited keys included; only when a
     * suite list is audited: a sample context is a start-up cost. */
    if ((a->keys & (TLSD_AUDIT_CIPHER_STRING | TLSD_AUDIT_CIPHERSUITES)
         || (a->enforce && (a->keys & TLSD_AUDIT_ENFORCE)))
        && !tlsd_cipher_set_of_policy(&a->ciphers, p)) {
        tlsd_audit_free(a);
        return NULL;
    }
    a->security_level = a->ciphers.security_level;
    /* A refused AuditLog file costs neither the policy nor the audit
     * (audit mode must never break a program): the lines go to syslog,
     * the first one saying why. */
    ERR_set_mark();
    a->log = tlsd_audit_log_open(keys.audit_log);
    if (a->log == NULL) {
        const char *data = "";
        int flags = 0;
        char line[512];

        ERR_peek_last_error_data(&data, &flags);
        snprintf(line, sizeof(line), "audit: AuditLog refused (%s); writing to syslog",
                 (flags & ERR_TXT_STRING) ? data : keys.audit_log);
        tlsd_debug("%s", line);
        a->log = tlsd_audit_log_open("syslog");
        tlsd_audit_log_write(a->log, line);
    }
    ERR_pop_to_mark();
    if (a->log == NULL) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        tlsd_audit_free(a);
        return NULL;
    }
    return a;
}

void tlsd_audit_free(tlsd_audit *a)
{
    if (a == NULL)
        return;
    tlsd_audit_log_release(a->log);
    tlsd_cipher_set_free(&a->ciphers);
    free(a);
}

unsigned tlsd_audit_keys(const tlsd_audit *a)
{
    return a->keys;
}

/* Copies text as one token: bytes outside a safe set become \xNN (an SNI
 * name comes from the peer). */
static void token(char *out, size_t cap, const char *text)
{
    size_t o = 0;

    for (const unsigned char *p = (const unsigned char *)text; *p != '\0' && o + 5 < cap; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
            || strchr(".-_:[]*", *p) != NULL)
            out[o++] = (char)*p;
        else
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", *p);
    }
    out[o] = '\0';
}

static void peer_of(const SSL *ssl, char *out, size_t cap)
{
    const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char addr[INET6_ADDRSTRLEN + 8] = "unknown";
    int fd = SSL_get_fd(ssl);

    if (sni != NULL && *sni != '\0') {
        token(out, cap, sni);
        return;
    }
    if (fd >= 0 && getpeername(fd, (struct sockaddr *)&ss, &len) == 0) {
        char ip[INET6_ADDRSTRLEN];

        if (ss.ss_family == AF_INET
            && inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, ip, sizeof(ip)) != NULL)
            snprintf(addr, sizeof(addr), "%s:%u", ip, ntohs(((struct sockaddr_in *)&ss)->sin_port));
        else if (ss.ss_family == AF_INET6
                 && inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, ip, sizeof(ip)) != NULL)
            snprintf(addr, sizeof(addr), "[%s]:%u", ip, ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
    }
    token(out, cap, addr);
}

static conn *conn_of(const tlsd_audit *a, const SSL *cssl)
{
    SSL *ssl = (SSL *)cssl;
    conn *c = SSL_get_ex_data(ssl, conn_index);

    if (c != NULL)
        return c;
    if ((c = calloc(1, sizeof(*c))) == NULL)
        return NULL;
    c->log = tlsd_audit_log_ref(a->log);
    c->server = SSL_is_server(ssl);
    peer_of(ssl, c->peer, sizeof(c->peer));
    if (!SSL_set_ex_data(ssl, conn_index, c)) {
        tlsd_audit_log_release(c->log);
        free(c);
        return NULL;
    }
    return c;
}

/* The version and suite negotiated, against the policy's floor and list. */
static void check_negotiated(const tlsd_audit *a, const SSL *ssl, conn *c)
{
    const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);
    int version = SSL_version(ssl);
    unsigned by_floor = a->keys & (TLSD_AUDIT_MIN_PROTOCOL | (a->enforce ? TLSD_AUDIT_ENFORCE : 0));

    if (c->negotiated_checked || cipher == NULL)
        return;
    c->negotiated_checked = 1;
    c->version = version;
    c->floor = a->floor;
    snprintf(c->cipher, sizeof(c->cipher), "%s", SSL_CIPHER_get_name(cipher));
    if (by_floor && tlsd_version_below_floor(version, a->floor)) {
        c->reasons |= R_VERSION;
        snprintf(c->key_version, sizeof(c->key_version), "%s",
                 by_floor & TLSD_AUDIT_ENFORCE ? "Enforce" : "MinProtocol");
    }
    {
        int tls13 = strcmp(SSL_CIPHER_get_version(cipher), "TLSv1.3") == 0;
        unsigned list_key = tls13 ? TLSD_AUDIT_CIPHERSUITES : TLSD_AUDIT_CIPHER_STRING;
        unsigned by_list = a->keys & (list_key | (a->enforce ? TLSD_AUDIT_ENFORCE : 0));

        if (by_list && !tlsd_cipher_set_has(&a->ciphers, cipher)) {
            c->reasons |= R_CIPHER;
            snprintf(c->key_cipher, sizeof(c->key_cipher), "%s",
                     by_list & TLSD_AUDIT_ENFORCE ? "Enforce"
                     : tls13                      ? "Ciphersuites"
                                                  : "CipherString");
        }
    }
}

static void append(char *buf, size_t cap, const char *fmt, const char *a, const char *b)
{
    size_t used = strlen(buf);

    snprintf(buf + used, cap - used, fmt, a, b);
}

/* One line: "audit program=NAME pid=N role=client peer=NAME
 * reasons=Key:what,... [x509_error=N x509_text="..."] [version=V floor=F]
 * [cipher=C]". Keys and values carry no secret: names, numbers, the peer's
 * name or address. */
static void conn_write(conn *c)
{
    char line[1024], prog[256], text[160];
    const char *sep = "";
    tlsd_program self; /* the executable the kernel runs: argv[0] can say anything */

    if (c->written || c->reasons == 0)
        return;
    c->written = 1;
    token(prog, sizeof(prog), tlsd_program_self(&self) ? self.base : "unknown");
    snprintf(line, sizeof(line), "audit program=%s pid=%ld role=%s peer=%s reasons=", prog,
             (long)getpid(), c->server ? "server" : "client", c->peer);
#define REASON(bit, what, key)                                   \
    if (c->reasons & (bit)) {                                    \
        append(line, sizeof(line), "%s%s", sep, key);            \
        append(line, sizeof(line), ":%s%s", what, "");           \
        sep = ",";                                               \
    }
    REASON(R_UNVERIFIED, "unverified", "VerifyPeer")
    REASON(R_VERIFY_OFF, "verification-off", "VerifyPeer")
    REASON(R_NO_CERT, "no-certificate", "VerifyPeer")
    REASON(R_HOSTNAME, "mismatch", "HostnameCheck")
    REASON(R_NO_SNI, "no-server-name", "HostnameCheck")
    REASON(R_VERIFY_FLAGS, "failed", "VerifyFlags")
    REASON(R_VERSION, "version-below-floor", c->key_version)
    REASON(R_CIPHER, "cipher-not-allowed", c->key_cipher)
    REASON(R_LEVEL, "below-security-level", "Enforce")
#undef REASON
    if (c->reasons & (R_UNVERIFIED | R_VERIFY_OFF | R_HOSTNAME | R_VERIFY_FLAGS | R_LEVEL)) {
        char num[16];

        snprintf(num, sizeof(num), "%d", c->x509_error);
        /* The library's text for the error, quoted: it has spaces. */
        snprintf(text, sizeof(text), "%s", X509_verify_cert_error_string(c->x509_error));
        for (char *p = text; *p != '\0'; p++)
            if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
                *p = '?';
        append(line, sizeof(line), " x509_error=%s x509_text=\"%s\"", num, text);
    }
    if (c->reasons & R_VERSION)
        append(line, sizeof(line), " version=%s floor=%s", tlsd_policy_describe_version(c->version),
               tlsd_policy_describe_version(c->floor));
    if ((c->reasons & R_CIPHER) || ((c->reasons & R_NO_CERT) && c->cipher[0] != '\0'))
        append(line, sizeof(line), " cipher=%s%s", c->cipher, "");
    tlsd_debug("%s", line);
    tlsd_audit_log_write(c->log, line);
}

static void info_callback(const SSL *ssl, int where, int ret)
{
    const tlsd_audit *a;
    conn *c;

    (void)ret;
    if (!(where & SSL_CB_HANDSHAKE_DONE) || (a = tlsd_guard_audit_of(ssl)) == NULL)
        return;
    /* A TLS 1.3 client sees "done" again for each session ticket. */
    c = SSL_get_ex_data((SSL *)ssl, conn_index);
    if (c != NULL && c->written)
        return;
    if (c == NULL && (c = conn_of(a, ssl)) == NULL)
        return;
    check_negotiated(a, ssl, c);
    conn_write(c);
    c->written = 1;
}

/* The verify callback of a context whose program did not choose one, in
 * place of SSL_VERIFY_PEER when VerifyPeer is audited: it changes
 * nothing, and its presence says that the choice was left to the policy
 * (SSL_CTX_set_verify() by the program replaces it). */
static int unchosen_verify(int ok, X509_STORE_CTX *sctx)
{
    (void)sctx;
    return ok;
}

int tlsd_audit_install(tlsd_audit *a, SSL_CTX *ctx, int peer_verifier)
{
    if (SSL_CTX_get_info_callback(ctx) == NULL)
        SSL_CTX_set_info_callback(ctx, info_callback);
    if (peer_verifier && (a->keys & TLSD_AUDIT_VERIFY_PEER) && a->verify_peer)
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, unchosen_verify);
    return 1;
}

static int side_verify_cb(int ok, X509_STORE_CTX *sctx)
{
    (void)sctx;
    return ok;
}

/* The verification the policy would have run: the one libssl set up for
 * the program (its store with the SSL attached, so that TrustStore's
 * shared store answers as it does enforced; DANE; the chain, parameters,
 * flags, host, purpose and security level), with what the audited keys
 * change: VerifyFlags, the SNI name, Enforce's security level. Run before
 * the program's own verification, which then leaves DANE's match state as
 * the program would see it without the audit. Returns 1 when it passes;
 * else 0 and *error, and in *extra R_NO_SNI when HostnameCheck = require
 * finds no name, R_LEVEL when the level alone was raised and refuses. */
static int policy_verify(const tlsd_audit *a, X509_STORE_CTX *sctx, SSL *ssl, int *error,
                         unsigned *extra)
{
    X509_STORE_CTX *side = X509_STORE_CTX_new();
    X509_VERIFY_PARAM *param;
    int ok = 0, raised = 0;

    *error = X509_V_OK;
    if (side == NULL
        || !X509_STORE_CTX_init(side, X509_STORE_CTX_get0_store(sctx), X509_STORE_CTX_get0_cert(sctx),
                                X509_STORE_CTX_get0_untrusted(sctx))
        || !X509_STORE_CTX_set_ex_data(side, SSL_get_ex_data_X509_STORE_CTX_idx(), ssl)) {
        X509_STORE_CTX_free(side);
        return 1; /* nothing known: nothing reported */
    }
    /* X509 looks at DANE only where the program enabled it. */
    X509_STORE_CTX_set0_dane(side, SSL_get0_dane(ssl));
    X509_STORE_CTX_set_default(side, "ssl_server");
    param = X509_STORE_CTX_get0_param(side);
    X509_VERIFY_PARAM_set1(param, X509_STORE_CTX_get0_param(sctx));
    /* The store's own callback belongs to the program: not run twice. */
    X509_STORE_CTX_set_verify_cb(side, side_verify_cb);
    if ((a->keys & TLSD_AUDIT_VERIFY_FLAGS) && a->verify_flags_set) {
        X509_VERIFY_PARAM_clear_flags(param, a->verify_flags_known & ~a->verify_flags);
        X509_VERIFY_PARAM_set_flags(param, a->verify_flags);
    }
    if ((a->keys & TLSD_AUDIT_ENFORCE) && a->enforce
        && X509_VERIFY_PARAM_get_auth_level(param) < a->security_level) {
        X509_VERIFY_PARAM_set_auth_level(param, a->security_level);
        raised = 1;
    }
    if ((a->keys & TLSD_AUDIT_HOSTNAME_CHECK) && a->hostname_check != TLSD_HOSTNAME_CHECK_OFF) {
        const char *why = NULL;
        enum tlsd_sni_check name = tlsd_guard_expect_sni_name(side, ssl, &why);

        if (name == TLSD_NAME_REFUSED) {
            *error = X509_V_ERR_HOSTNAME_MISMATCH;
            X509_STORE_CTX_free(side);
            return 0;
        }
        if (name == TLSD_NAME_NONE && a->hostname_check == TLSD_HOSTNAME_CHECK_REQUIRE)
            *extra |= R_NO_SNI;
    }
    ok = X509_verify_cert(side) > 0;
    if (!ok) {
        *error = X509_STORE_CTX_get_error(side);
        if (raised && tlsd_x509_error_of_level(*error))
            *extra |= R_LEVEL;
    }
    X509_STORE_CTX_free(side);
    return ok;
}

int tlsd_audit_verify(const tlsd_audit *a, X509_STORE_CTX *sctx, SSL *ssl)
{
    int mode = SSL_get_verify_mode(ssl), error = X509_V_OK, policy_ok, program_ok;
    int unchosen = mode == SSL_VERIFY_NONE && SSL_get_verify_callback(ssl) == unchosen_verify;
    unsigned extra = 0, reasons = 0;
    conn *c;

    /* A second verification only when a verification key is audited. */
    if (a->keys & (TLSD_AUDIT_VERIFY_PEER | TLSD_AUDIT_VERIFY_FLAGS | TLSD_AUDIT_HOSTNAME_CHECK)
        || ((a->keys & TLSD_AUDIT_ENFORCE) && a->enforce)) {
        ERR_set_mark();
        policy_ok = policy_verify(a, sctx, ssl, &error, &extra) && (extra & R_NO_SNI) == 0;
        ERR_pop_to_mark();
    } else {
        policy_ok = 1;
    }
    program_ok = X509_verify_cert(sctx);
    if (mode != SSL_VERIFY_NONE) {
        /* The program verifies: what the audited keys add to it. */
        if (program_ok > 0 && !policy_ok)
            reasons = (extra & R_NO_SNI) ? R_NO_SNI
                      : (extra & R_LEVEL) ? R_LEVEL
                      : error == X509_V_ERR_HOSTNAME_MISMATCH ? R_HOSTNAME
                                                              : R_VERIFY_FLAGS;
    } else if (!policy_ok && (a->keys & TLSD_AUDIT_VERIFY_PEER) && a->verify_peer) {
        /* It does not: the policy would have (unchosen), or only a lock
         * would (VerifyPeer = force). */
        reasons = (unchosen ? R_UNVERIFIED : R_VERIFY_OFF) | (extra & R_NO_SNI);
    }
    if ((c = conn_of(a, ssl)) == NULL)
        return program_ok;
    if (reasons != 0) {
        c->reasons |= reasons;
        c->x509_error = error;
    }
    /* A client knows the version and suite by now: checked here, for
     * programs whose own info callback replaced the audit's. */
    check_negotiated(a, ssl, c);
    return program_ok;
}

/* As the enforced key would: force refuses every client, yes those that
 * left verification to the policy. */
void tlsd_audit_no_certificate(const tlsd_audit *a, const SSL *ssl)
{
    int unchosen = SSL_get_verify_mode(ssl) == SSL_VERIFY_NONE
                   && SSL_get_verify_callback(ssl) == unchosen_verify;
    conn *c;

    if (!(a->keys & TLSD_AUDIT_VERIFY_PEER) || !a->verify_peer
        || (a->verify_peer != TLSD_VERIFY_PEER_FORCE && !unchosen))
        return;
    if ((c = conn_of(a, ssl)) != NULL)
        c->reasons |= R_NO_CERT;
}
