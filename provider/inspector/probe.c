/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults-info --probe HOST:PORT: one handshake as a careless client
 * (a program that calls SSL_CTX_new() and sets only the SNI name) under the
 * effective policy, and one more under the Candidate when there is one.
 * The contexts get each policy as the module gives it to a program: the
 * engine's tlsd_policy_apply() and guard (peer verification, trust store,
 * host name, floor), installed from an SSL_CTX ex_data hook of the
 * inspector's own once the configuration is unloaded (the module's hook
 * then leaves new contexts alone). No application data is ever sent. */
#include "probe.h"

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "guard.h"
#include "guard_peer.h"
#include "inventory.h"
#include "json_output.h"

static const tlsd_policy *pending_policy;
static tlsd_guard *pending_guard;

static void install_pending(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    (void)ptr, (void)argl, (void)argp;
    if (pending_guard == NULL)
        return;
    tlsd_policy_apply(pending_policy, parent);
    tlsd_guard_install(pending_guard, parent, ad, idx);
}

/* A client context of p, as the module would make it for a program. */
static SSL_CTX *context_of(const tlsd_policy *p)
{
    static int index = -2;
    SSL_CTX *ctx;

    if (index == -2)
        index = tlsd_guard_register_index(install_pending);
    if (index < 0 || (pending_guard = tlsd_guard_new(p, NULL)) == NULL)
        return NULL;
    pending_policy = p;
    ctx = SSL_CTX_new(TLS_client_method());
    tlsd_guard_free(pending_guard); /* the context holds its own reference */
    pending_guard = NULL;
    return ctx;
}

/* A TCP connection to host:port, with a time limit on every step. -1
 * when it cannot be made. */
static int connect_to(const char *host, const char *port)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    struct timeval limit = {10, 0};
    int fd = -1;

    if (getaddrinfo(host, port, &hints, &res) != 0)
        return -1;
    for (struct addrinfo *a = res; a != NULL && fd < 0; a = a->ai_next) {
        if ((fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol)) < 0)
            continue;
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
        if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

/* The chain's signature algorithms, as OpenSSL names them. */
static void chain_signatures(const SSL *ssl, char *buf, size_t cap)
{
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);

    buf[0] = '\0';
    for (int i = 0; i < sk_X509_num(chain); i++) {
        const char *name = OBJ_nid2sn(X509_get_signature_nid(sk_X509_value(chain, i)));

        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", i > 0 ? "," : "", name);
    }
}

/* The keys behind one of libssl's own refusals (the module's errors name
 * their key themselves), or NULL. */
static const char *keys_of(unsigned long e, long x509_error)
{
    if (ERR_GET_LIB(e) != ERR_LIB_SSL)
        return NULL;
    switch (ERR_GET_REASON(e)) {
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
    case SSL_R_NO_PROTOCOLS_AVAILABLE:
    case SSL_R_WRONG_SSL_VERSION:
        return "MinProtocol, MaxProtocol";
    case SSL_R_NO_SHARED_CIPHER:
    case SSL_R_NO_CIPHERS_AVAILABLE:
    case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
    case SSL_R_WRONG_CIPHER_RETURNED:
        return "CipherString, Ciphersuites, Groups, SignatureAlgorithms";
    case SSL_R_CERTIFICATE_VERIFY_FAILED:
        return x509_error == X509_V_ERR_EE_KEY_TOO_SMALL || x509_error == X509_V_ERR_CA_KEY_TOO_SMALL
                       || x509_error == X509_V_ERR_CA_MD_TOO_WEAK
                   ? "the security level (CipherString's @SECLEVEL, Enforce)"
                   : "VerifyPeer, TrustStore, VerifyFlags, HostnameCheck";
    default:
        return NULL;
    }
}

/* OpenSSL's error queue, one "reason: detail" per line; for libssl's own
 * refusals, the keys that decide them. */
static void take_errors(char *buf, size_t cap, long x509_error)
{
    const char *data;
    int flags;
    unsigned long e;

    buf[0] = '\0';
    while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
        const char *lib = ERR_lib_error_string(e), *reason = ERR_reason_error_string(e);

        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s: %s%s%s", buf[0] ? "\n" : "",
                 lib != NULL ? lib : "?", reason != NULL ? reason : "error",
                 (flags & ERR_TXT_STRING) && *data ? ": " : "", (flags & ERR_TXT_STRING) ? data : "");
        if (keys_of(e, x509_error) != NULL)
            snprintf(buf + strlen(buf), cap - strlen(buf), " (keys: %s)", keys_of(e, x509_error));
    }
}

int tlsd_probe_handshake(const tlsd_policy *p, const char *host, const char *port, const char *servername,
                         tlsd_probe_result *r)
{
    SSL_CTX *ctx;
    SSL *ssl = NULL;
    int fd;

    memset(r, 0, sizeof(*r));
    ERR_clear_error();
    if ((ctx = context_of(p)) == NULL || (ssl = SSL_new(ctx)) == NULL) {
        take_errors(r->errors, sizeof(r->errors), 0);
        SSL_CTX_free(ctx);
        return r->outcome = TLSD_PROBE_REFUSED;
    }
    if ((fd = connect_to(host, port)) < 0) {
        SSL_free(ssl);
        SSL_CTX_free(ctx);
        return r->outcome = TLSD_PROBE_UNREACHABLE;
    }
    SSL_set_fd(ssl, fd);
    if (servername != NULL)
        SSL_set_tlsext_host_name(ssl, servername);
    if (SSL_connect(ssl) == 1) {
        r->outcome = TLSD_PROBE_CONNECTED;
        tlsd_inventory_line(ssl, 0, r->negotiated, sizeof(r->negotiated));
        chain_signatures(ssl, r->chain, sizeof(r->chain));
        SSL_shutdown(ssl);
    } else {
        r->outcome = TLSD_PROBE_REFUSED;
        r->x509_error = SSL_get_verify_result(ssl);
        take_errors(r->errors, sizeof(r->errors), r->x509_error);
    }
    /* Chosen by the guard as the module's would, at the handshake's start. */
    if (tlsd_guard_peer_entry(ssl) != NULL)
        snprintf(r->peer_entry, sizeof(r->peer_entry), "%s", tlsd_guard_peer_entry(ssl));
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return r->outcome;
}

void tlsd_probe_text(const char *who, const tlsd_probe_result *r)
{
    /* The inventory line's fields, after its "inventory program=... pid=...". */
    const char *fields = strstr(r->negotiated, " version=");

    if (r->peer_entry[0] != '\0')
        printf("%s: Peers entry %s applies\n", who, r->peer_entry);
    if (r->outcome == TLSD_PROBE_UNREACHABLE) {
        printf("%s: unreachable\n", who);
    } else if (r->outcome == TLSD_PROBE_CONNECTED) {
        printf("%s: connected:%s chain=%s\n", who, fields != NULL ? fields : "", r->chain);
    } else {
        if (r->x509_error != X509_V_OK)
            printf("%s: refused (X509 error %ld: %s)\n", who, r->x509_error,
                   X509_verify_cert_error_string(r->x509_error));
        else
            printf("%s: refused\n", who);
        for (const char *line = r->errors; *line != '\0';) {
            size_t n = strcspn(line, "\n");

            printf("  %.*s\n", (int)n, line);
            line += n + (line[n] == '\n');
        }
    }
}

/* The key=value pairs of an inventory line, as members of o. */
static void set_fields(json_t *o, const char *fields)
{
    for (const char *f = fields; f != NULL && *f != '\0';) {
        const char *eq, *end;
        char key[32], value[256];

        f += strspn(f, " ");
        eq = strchr(f, '=');
        end = f + strcspn(f, " ");
        if (eq == NULL || eq > end)
            break;
        snprintf(key, sizeof(key), "%.*s", (int)(eq - f), f);
        snprintf(value, sizeof(value), "%.*s", (int)(end - eq - 1), eq + 1);
        json_object_set_new(o, key, tlsd_json_output_string(value));
        f = end;
    }
}

json_t *tlsd_probe_json(const tlsd_probe_result *r)
{
    static const char *const outcomes[] = {"connected", "refused", "unreachable"};
    json_t *o = json_object();

    if (o == NULL)
        return NULL;
    json_object_set_new(o, "outcome", json_string(outcomes[r->outcome]));
    json_object_set_new(o, "peer_entry", r->peer_entry[0] != '\0' ? tlsd_json_output_string(r->peer_entry) : json_null());
    if (r->outcome == TLSD_PROBE_CONNECTED) {
        set_fields(o, strstr(r->negotiated, " version="));
        json_object_set_new(o, "chain", json_string(r->chain));
    } else if (r->outcome == TLSD_PROBE_REFUSED) {
        json_object_set_new(o, "x509_error", json_integer(r->x509_error));
        json_object_set_new(o, "errors", tlsd_json_output_string(r->errors));
    }
    return o;
}

/* HOST:PORT, [IPv6]:PORT. 0 when malformed. */
static int split_target(const char *target, char *host, size_t cap, const char **port)
{
    const char *colon = strrchr(target, ':');
    size_t len;

    if (colon == NULL || colon[1] == '\0')
        return 0;
    len = (size_t)(colon - target);
    if (len >= 2 && target[0] == '[' && target[len - 1] == ']')
        target++, len -= 2;
    if (len == 0 || len >= cap)
        return 0;
    memcpy(host, target, len);
    host[len] = '\0';
    *port = colon + 1;
    return 1;
}

/* An IP literal names no server: no SNI for it, as clients do. */
static int is_address(const char *host)
{
    tlsd_peer_address a;

    return tlsd_peer_match_parse_address(host, &a);
}

static void report(const inspection *in, const char *target, const char *sni, const tlsd_probe_result r[2],
                   int json)
{
    const char *candidate = tlsd_policy_candidate_name(in->policy);
    char who[200];

    if (!json) {
        printf("probe %s (servername %s) as a careless client, policy of section %s\n", target,
               sni != NULL ? sni : "none", in->module_section != NULL ? in->module_section : "?");
        tlsd_probe_text("enforced", &r[0]);
        snprintf(who, sizeof(who), "candidate %s", candidate != NULL ? candidate : "");
        if (candidate != NULL)
            tlsd_probe_text(who, &r[1]);
        return;
    }
    {
        json_t *top = json_pack("{s:s, s:o, s:o}", "target", target, "servername",
                                sni != NULL ? json_string(sni) : json_null(), "enforced", tlsd_probe_json(&r[0]));

        if (top != NULL && candidate != NULL)
            json_object_set_new(top, "candidate", json_pack("{s:s, s:o}", "section", candidate, "probe",
                                                            tlsd_probe_json(&r[1])));
        if (top != NULL)
            tlsd_json_output_dump(top, stdout);
        json_decref(top);
    }
}

int tlsd_probe_run(inspection *in, const char *target, const char *servername, int json)
{
    char host[256];
    const char *port, *sni;
    tlsd_probe_result r[2];

    if (!split_target(target, host, sizeof(host), &port)) {
        fprintf(stderr, "tlsdefaults-info: --probe %s: expected HOST:PORT\n", target);
        return 64;
    }
    sni = servername != NULL ? servername : is_address(host) ? NULL : host;
    if (in->status != STATUS_OK || in->policy == NULL) {
        fprintf(stderr, "tlsdefaults-info: --probe: the configuration gives no valid policy (status %s)\n%s",
                tlsd_verdict_status_name(in->status), in->errors);
        return 1;
    }
    /* The module's hook leaves contexts made from now on alone. */
    CONF_modules_unload(0);
    tlsd_probe_handshake(in->policy, host, port, sni, &r[0]);
    if (tlsd_policy_candidate(in->policy) != NULL)
        tlsd_probe_handshake(tlsd_policy_candidate(in->policy), host, port, sni, &r[1]);
    report(in, target, sni, r, json);
    return r[0].outcome == TLSD_PROBE_CONNECTED ? 0 : r[0].outcome == TLSD_PROBE_REFUSED ? 1 : 2;
}
