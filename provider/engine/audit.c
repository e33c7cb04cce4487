/* SPDX-License-Identifier: Apache-2.0 */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509_vfy.h>

#include "audit_log.h"
#include "audit_record.h"
#include "debug.h"
#include "errors.h"
#include "inventory.h"
#include "log_fields.h"
#include "policy_floor.h"
#include "server_name.h"

struct tlsd_audit {
    unsigned keys;             /* TLSD_AUDIT_* */
    int verify_peer, hostname_check, enforce;
    int floor;                 /* the policy's MinProtocol, 0: none */
    int security_level;        /* Enforce: the level it holds */
    int verify_flags_set;
    unsigned long verify_flags, verify_flags_known;
    int inventory;             /* Inventory: a line per handshake */
    int forced;                /* VerifyPeer = force, enforced */
    tlsd_cipher_set ciphers;   /* the suites the policy allows */
    tlsd_audit_log *log;
    int slot;                  /* its records: 0 the audit's, 1 a candidate's */
    char name[128];            /* a candidate: its section */
    struct tlsd_audit *candidate; /* Candidate = SECTION: audited beside */
};

/* A refused AuditLog file costs neither the policy nor the audit (audit
 * mode must never break a program): the lines go to syslog, the first one
 * saying why. NULL only when memory is short. */
static tlsd_audit_log *open_log(const char *spec)
{
    tlsd_audit_log *log;

    ERR_set_mark();
    log = tlsd_audit_log_open(spec);
    if (log == NULL) {
        const char *data = "";
        int flags = 0;
        char line[512];

        ERR_peek_last_error_data(&data, &flags);
        snprintf(line, sizeof(line), "audit: AuditLog refused (%s); writing to syslog",
                 (flags & ERR_TXT_STRING) ? data : spec);
        tlsd_debug("%s", line);
        log = tlsd_audit_log_open("syslog");
        tlsd_audit_log_write(log, line);
    }
    ERR_pop_to_mark();
    return log;
}

/* The audit of p: its Audit keys (a candidate: every key), its lines to
 * log (NULL: p's AuditLog, opened). */
static tlsd_audit *audit_make(const tlsd_policy *p, tlsd_audit_log *log, int candidate)
{
    tlsd_audit *a = calloc(1, sizeof(*a));
    tlsd_policy_guards keys;

    if (a == NULL || !tlsd_audit_record_register()) {
        free(a);
        tlsd_audit_log_free(log);
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        return NULL;
    }
    a->log = log;
    tlsd_policy_get_enforced_guards(p, &keys);
    a->forced = keys.verify_peer == TLSD_VERIFY_PEER_FORCE;
    tlsd_policy_get_guards(p, &keys);
    /* A candidate reports all it would refuse, and never applies. */
    a->keys = candidate ? TLSD_AUDIT_ALL : keys.audit;
    a->inventory = !candidate && keys.inventory;
    a->verify_peer = keys.verify_peer;
    a->hostname_check = keys.hostname_check;
    a->enforce = keys.enforce;
    a->floor = keys.min_version;
    a->verify_flags_set = keys.verify_flags_set;
    a->verify_flags = keys.verify_flags;
    a->verify_flags_known = keys.verify_flags_known;
    /* The suites of the whole policy, audited keys included; only when a
     * suite list is audited: a sample context is a start-up cost. */
    if ((a->keys & (TLSD_AUDIT_CIPHER_STRING | TLSD_AUDIT_CIPHERSUITES | TLSD_AUDIT_GROUPS
                    | TLSD_AUDIT_SIGNATURE_ALGORITHMS)
         || (a->enforce && (a->keys & TLSD_AUDIT_ENFORCE)))
        && !tlsd_policy_floor_ciphers(&a->ciphers, p)) {
        tlsd_audit_free(a);
        return NULL;
    }
    a->security_level = a->ciphers.security_level;
    if (a->log == NULL && (a->log = open_log(keys.audit_log)) == NULL) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        tlsd_audit_free(a);
        return NULL;
    }
    return a;
}

tlsd_audit *tlsd_audit_new_for_peer(const tlsd_policy *entry, const tlsd_audit *base)
{
    return audit_make(entry, tlsd_audit_log_ref(base->log), 0);
}

tlsd_audit *tlsd_audit_new(const tlsd_policy *p)
{
    tlsd_audit *a = audit_make(p, NULL, 0);
    const tlsd_policy *candidate = tlsd_policy_candidate(p);

    if (a == NULL || candidate == NULL)
        return a;
    if ((a->candidate = audit_make(candidate, tlsd_audit_log_ref(a->log), 1)) == NULL) {
        tlsd_audit_free(a);
        return NULL;
    }
    a->candidate->slot = 1;
    snprintf(a->candidate->name, sizeof(a->candidate->name), "%s", tlsd_policy_candidate_name(p));
    return a;
}

void tlsd_audit_free(tlsd_audit *a)
{
    if (a == NULL)
        return;
    tlsd_audit_free(a->candidate);
    tlsd_audit_log_free(a->log);
    tlsd_policy_floor_ciphers_free(&a->ciphers);
    free(a);
}

int tlsd_audit_verifies_peer(const tlsd_audit *a)
{
    return (a->keys & TLSD_AUDIT_VERIFY_PEER) && a->verify_peer;
}

static tlsd_audit_record *record_of(const tlsd_audit *a, const SSL *ssl)
{
    return tlsd_audit_record_of_in(a->log, ssl, a->slot, a->slot != 0 ? a->name : NULL);
}

/* On an SSL whose context's info callback is the program's: the
 * program's first, as it would have run, then the end of the handshake. */
static void chained_info_cb(const SSL *ssl, int where, int ret)
{
    SSL_CTX *ctx = SSL_get_SSL_CTX(ssl);
    void (*program)(const SSL *, int, int) = ctx != NULL ? SSL_CTX_get_info_callback(ctx) : NULL;
    tlsd_audit_record *c;

    if (program != NULL && program != chained_info_cb)
        program(ssl, where, ret);
    if ((where & SSL_CB_HANDSHAKE_DONE) && (c = tlsd_audit_record_find(ssl)) != NULL && c->audit != NULL)
        tlsd_audit_handshake_done(c->audit, ssl);
}

void tlsd_audit_handshake_seen(const tlsd_audit *a, const SSL *cssl, int guard_ends_it)
{
    SSL *ssl = (SSL *)cssl;
    tlsd_audit_record *c;

    if (!a->inventory || guard_ends_it || SSL_get_info_callback(ssl) != NULL)
        return;
    /* The SSL outlives neither its context nor the guard that holds a. */
    if ((c = record_of(a, ssl)) == NULL)
        return;
    c->audit = a;
    SSL_set_info_callback(ssl, chained_info_cb);
}

/* The group negotiated, against the policy's Groups when it sets them:
 * at the end of the handshake. */
static void check_group(const tlsd_audit *a, const SSL *ssl, tlsd_audit_record *c)
{
    int nid = SSL_get_negotiated_group((SSL *)ssl);
    const char *name = nid != 0 ? SSL_group_to_name((SSL *)ssl, nid) : NULL;

    if ((a->keys & TLSD_AUDIT_GROUPS) && name != NULL && !tlsd_policy_offer_has_group(&a->ciphers.offer, name)) {
        c->reasons |= TLSD_AUDIT_RECORD_GROUP;
        tlsd_log_fields_token(c->group, sizeof(c->group), name);
    }
}

/* The level is the policy's to report: the cipher string that sets it is
 * audited (every key is, for a candidate). */
static int level_audited(const tlsd_audit *a)
{
    return (a->keys & TLSD_AUDIT_CIPHER_STRING) && a->security_level > 0;
}

/* A client weighing the server's DH parameters (TLS 1.2 DHE). */
static void check_dh(const tlsd_audit *a, const SSL *ssl, int op, int bits, const void *other)
{
    static const int min_bits[] = {0, 80, 112, 128, 192, 256};
    int level = a->security_level > 5 ? 5 : a->security_level;
    tlsd_audit_record *c;

    if (op != SSL_SECOP_TMP_DH || !level_audited(a) || level <= 0 || bits >= min_bits[level]
        || SSL_get_security_level(ssl) >= level || (c = record_of(a, ssl)) == NULL)
        return;
    c->reasons |= TLSD_AUDIT_RECORD_WEAK_DH;
    c->dh_bits = other != NULL ? EVP_PKEY_get_bits((EVP_PKEY *)other) : bits;
}

void tlsd_audit_security_check(const tlsd_audit *a, const SSL *ssl, int op, int bits, const void *other)
{
    tlsd_audit_record *c;

    if (a->candidate != NULL)
        tlsd_audit_security_check(a->candidate, ssl, op, bits, other);
    check_dh(a, ssl, op, bits, other);
    /* The peer's signature as it checks it: the server's, a client's. */
    if (op != SSL_SECOP_SIGALG_CHECK || other == NULL || !(a->keys & TLSD_AUDIT_SIGNATURE_ALGORITHMS)
        || tlsd_policy_offer_allows(&a->ciphers.offer, op, other) || (c = record_of(a, ssl)) == NULL)
        return;
    c->reasons |= TLSD_AUDIT_RECORD_SIGALG;
    snprintf(c->sigalg, sizeof(c->sigalg), "0x%02x%02x", ((const unsigned char *)other)[0],
             ((const unsigned char *)other)[1]);
}

/* The version and suite negotiated, against the policy's floor and list. */
static void check_negotiated(const tlsd_audit *a, const SSL *ssl, tlsd_audit_record *c)
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
    if (by_floor && tlsd_policy_floor_version_below(version, a->floor)) {
        c->reasons |= TLSD_AUDIT_RECORD_VERSION;
        snprintf(c->key_version, sizeof(c->key_version), "%s",
                 by_floor & TLSD_AUDIT_ENFORCE ? "Enforce" : "MinProtocol");
    }
    {
        int tls13 = strcmp(SSL_CIPHER_get_version(cipher), "TLSv1.3") == 0;
        unsigned list_key = tls13 ? TLSD_AUDIT_CIPHERSUITES : TLSD_AUDIT_CIPHER_STRING;
        unsigned by_list = a->keys & (list_key | (a->enforce ? TLSD_AUDIT_ENFORCE : 0));

        if (by_list && !tlsd_policy_floor_has_cipher(&a->ciphers, cipher)) {
            c->reasons |= TLSD_AUDIT_RECORD_CIPHER;
            snprintf(c->key_cipher, sizeof(c->key_cipher), "%s",
                     by_list & TLSD_AUDIT_ENFORCE ? "Enforce"
                     : tls13                      ? "Ciphersuites"
                                                  : "CipherString");
        }
    }
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
 * else 0 and *error, and in *extra TLSD_AUDIT_RECORD_NO_SNI when
 * HostnameCheck = require finds no name, TLSD_AUDIT_RECORD_LEVEL when the
 * level alone was raised and refuses. */
typedef struct {
    int error;
    unsigned extra;
    char peer_key[48]; /* TLSD_AUDIT_RECORD_WEAK_KEY: the key refused */
} side_result;

/* A level error of the side verification as a reason of its own. */
static void level_reason(X509_STORE_CTX *side, side_result *r)
{
    X509 *x = X509_STORE_CTX_get_current_cert(side);

    if (r->error == X509_V_ERR_CA_MD_TOO_WEAK) {
        r->extra |= TLSD_AUDIT_RECORD_SHA1;
        return;
    }
    r->extra |= TLSD_AUDIT_RECORD_WEAK_KEY;
    tlsd_log_fields_key(x != NULL ? X509_get0_pubkey(x) : NULL, r->peer_key, sizeof(r->peer_key));
}

static int policy_verify(const tlsd_audit *a, X509_STORE_CTX *sctx, SSL *ssl, side_result *r)
{
    X509_STORE_CTX *side = X509_STORE_CTX_new();
    X509_VERIFY_PARAM *param;
    int ok = 0, raised = 0;

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
    } else if (level_audited(a) && X509_VERIFY_PARAM_get_auth_level(param) < a->security_level) {
        X509_VERIFY_PARAM_set_auth_level(param, a->security_level);
        raised = 2;
    }
    if ((a->keys & TLSD_AUDIT_HOSTNAME_CHECK) && a->hostname_check != TLSD_HOSTNAME_CHECK_OFF) {
        const char *why = NULL;
        enum tlsd_server_name_check name = tlsd_server_name_expect_sni(side, ssl, &why);

        if (name == TLSD_SERVER_NAME_REFUSED) {
            r->error = X509_V_ERR_HOSTNAME_MISMATCH;
            X509_STORE_CTX_free(side);
            return 0;
        }
        if (name == TLSD_SERVER_NAME_NONE && a->hostname_check == TLSD_HOSTNAME_CHECK_REQUIRE)
            r->extra |= TLSD_AUDIT_RECORD_NO_SNI;
    }
    ok = X509_verify_cert(side) > 0;
    if (!ok) {
        r->error = X509_STORE_CTX_get_error(side);
        if (raised == 1 && tlsd_policy_floor_x509_error(r->error))
            r->extra |= TLSD_AUDIT_RECORD_LEVEL;
        else if (raised == 2 && tlsd_policy_floor_x509_error(r->error))
            level_reason(side, r);
    }
    X509_STORE_CTX_free(side);
    return ok;
}

/* The policy's side verification, when a verification key is audited:
 * 1 when it passes (or is not run); else 0, with *error and *extra. */
static int side_verdict(const tlsd_audit *a, X509_STORE_CTX *sctx, SSL *ssl, side_result *r)
{
    int ok;

    r->error = X509_V_OK;
    r->extra = 0;
    r->peer_key[0] = '\0';
    if (!(a->keys & (TLSD_AUDIT_VERIFY_PEER | TLSD_AUDIT_VERIFY_FLAGS | TLSD_AUDIT_HOSTNAME_CHECK))
        && !((a->keys & TLSD_AUDIT_ENFORCE) && a->enforce) && !level_audited(a))
        return 1;
    ERR_set_mark();
    ok = policy_verify(a, sctx, ssl, r) && (r->extra & TLSD_AUDIT_RECORD_NO_SNI) == 0;
    ERR_pop_to_mark();
    return ok;
}

/* What the audited keys would have refused, given the program's verdict. */
static void record_verdict(const tlsd_audit *a, SSL *ssl, int unchosen, int program_ok, int policy_ok,
                           const side_result *r)
{
    int error = r->error;
    unsigned extra = r->extra, reasons = 0;
    tlsd_audit_record *c;

    if (SSL_get_verify_mode(ssl) != SSL_VERIFY_NONE) {
        /* The program verifies: what the audited keys add to it. */
        if (program_ok > 0 && !policy_ok)
            reasons = (extra & TLSD_AUDIT_RECORD_NO_SNI)      ? TLSD_AUDIT_RECORD_NO_SNI
                      : (extra & TLSD_AUDIT_RECORD_LEVEL)     ? TLSD_AUDIT_RECORD_LEVEL
                      : (extra & TLSD_AUDIT_RECORD_WEAK_KEY)  ? TLSD_AUDIT_RECORD_WEAK_KEY
                      : (extra & TLSD_AUDIT_RECORD_SHA1)      ? TLSD_AUDIT_RECORD_SHA1
                      : error == X509_V_ERR_HOSTNAME_MISMATCH ? TLSD_AUDIT_RECORD_HOSTNAME
                                                              : TLSD_AUDIT_RECORD_VERIFY_FLAGS;
    } else if (!policy_ok && (a->keys & TLSD_AUDIT_VERIFY_PEER) && a->verify_peer
               && (unchosen || a->slot == 0 || a->verify_peer == TLSD_VERIFY_PEER_FORCE)) {
        /* It does not: the policy would have (unchosen), or only a lock
         * would (VerifyPeer = force). Audit reports the latter under yes
         * too (what a lock would add); a candidate only what it refuses. */
        reasons = (unchosen ? TLSD_AUDIT_RECORD_UNVERIFIED : TLSD_AUDIT_RECORD_VERIFY_OFF)
                  | (extra & TLSD_AUDIT_RECORD_NO_SNI);
    }
    if ((c = record_of(a, ssl)) == NULL)
        return;
    if (reasons != 0) {
        c->reasons |= reasons;
        c->x509_error = error;
        snprintf(c->peer_key, sizeof(c->peer_key), "%s", r->peer_key);
    }
    /* A client knows the version and suite by now: checked here, for
     * programs whose own info callback replaced the guard's. */
    check_negotiated(a, ssl, c);
}

int tlsd_audit_verify(const tlsd_audit *a, X509_STORE_CTX *sctx, SSL *ssl, int unchosen)
{
    side_result r[2];
    int policy_ok[2], program_ok;

    /* The side verifications first, the program's own last (audit.h). */
    policy_ok[0] = side_verdict(a, sctx, ssl, &r[0]);
    policy_ok[1] = a->candidate == NULL || side_verdict(a->candidate, sctx, ssl, &r[1]);
    program_ok = X509_verify_cert(sctx);
    record_verdict(a, ssl, unchosen, program_ok, policy_ok[0], &r[0]);
    if (a->candidate != NULL)
        record_verdict(a->candidate, ssl, unchosen, program_ok, policy_ok[1], &r[1]);
    return program_ok;
}

/* As the enforced key would: force refuses every client, yes those that
 * left verification to the policy. */
void tlsd_audit_no_certificate(const tlsd_audit *a, const SSL *ssl, int unchosen)
{
    tlsd_audit_record *c;

    if (a->candidate != NULL)
        tlsd_audit_no_certificate(a->candidate, ssl, unchosen);
    if (!(a->keys & TLSD_AUDIT_VERIFY_PEER) || !a->verify_peer
        || (a->verify_peer != TLSD_VERIFY_PEER_FORCE && !unchosen))
        return;
    if ((c = record_of(a, ssl)) != NULL)
        c->reasons |= TLSD_AUDIT_RECORD_NO_CERT;
}

void tlsd_audit_handshake_done(const tlsd_audit *a, const SSL *ssl)
{
    tlsd_audit_record *c = record_of(a, ssl);

    if (c == NULL)
        return;
    /* A TLS 1.3 client sees "done" again for each session ticket. */
    if (!c->written) {
        check_negotiated(a, ssl, c);
        /* Known only now: a TLS 1.2 client verifies before the key exchange. */
        check_group(a, ssl, c);
        tlsd_audit_record_write(c);
        c->written = 1;
    }
    if (a->inventory)
        tlsd_inventory_write(c->log, ssl, a->forced, &c->inventory_done);
    if (a->candidate != NULL)
        tlsd_audit_handshake_done(a->candidate, ssl);
}
