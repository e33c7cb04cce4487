/* SPDX-License-Identifier: Apache-2.0 */
#include "audit_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/x509_vfy.h>

#include "debug.h"
#include "guard_peer.h"
#include "log_fields.h"
#include "policy_floor.h"
#include "program.h"

/* One index per slot: the audit's record, and the candidate's. */
static int record_index[TLSD_AUDIT_RECORD_SLOTS] = {-1, -1};
static CRYPTO_ONCE record_index_once = CRYPTO_ONCE_STATIC_INIT;

static void free_record_cb(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
                        void *argp)
{
    tlsd_audit_record *r = ptr;

    /* parent is not read: libssl may have freed its state by now. */
    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    if (r == NULL)
        return;
    tlsd_audit_record_write(r);
    tlsd_audit_log_free(r->log);
    free(r);
}

/* SSL_dup() copies ex_data pointers: the copy starts without a record. */
static int dup_record_cb(CRYPTO_EX_DATA *to, const CRYPTO_EX_DATA *from, void **from_d, int idx,
                      long argl, void *argp)
{
    (void)to, (void)from, (void)idx, (void)argl, (void)argp;
    *from_d = NULL;
    return 1;
}

static void register_record_index(void)
{
    for (int i = 0; i < TLSD_AUDIT_RECORD_SLOTS; i++)
        record_index[i] = CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL, 0, NULL, NULL, dup_record_cb,
                                                  free_record_cb);
}

int tlsd_audit_record_register(void)
{
    return CRYPTO_THREAD_run_once(&record_index_once, register_record_index) && record_index[0] >= 0
           && record_index[TLSD_AUDIT_RECORD_SLOTS - 1] >= 0;
}

tlsd_audit_record *tlsd_audit_record_find_in(const SSL *ssl, int slot)
{
    return record_index[slot] < 0 ? NULL : SSL_get_ex_data(ssl, record_index[slot]);
}

tlsd_audit_record *tlsd_audit_record_find(const SSL *ssl)
{
    return tlsd_audit_record_find_in(ssl, 0);
}

tlsd_audit_record *tlsd_audit_record_of_in(tlsd_audit_log *log, const SSL *cssl, int slot,
                                           const char *candidate)
{
    SSL *ssl = (SSL *)cssl;
    tlsd_audit_record *r = tlsd_audit_record_find_in(ssl, slot);

    if (r != NULL)
        return r;
    if ((r = calloc(1, sizeof(*r))) == NULL)
        return NULL;
    r->log = tlsd_audit_log_ref(log);
    r->server = SSL_is_server(ssl);
    tlsd_log_fields_peer(ssl, r->peer, sizeof(r->peer));
    /* Chosen at the handshake's first check, before any reason. */
    if (tlsd_guard_peer_entry(ssl) != NULL)
        tlsd_log_fields_token(r->peer_entry, sizeof(r->peer_entry), tlsd_guard_peer_entry(ssl));
    if (candidate != NULL)
        tlsd_log_fields_token(r->candidate, sizeof(r->candidate), candidate);
    if (!SSL_set_ex_data(ssl, record_index[slot], r)) {
        tlsd_audit_log_free(r->log);
        free(r);
        return NULL;
    }
    return r;
}

static void append(char *buf, size_t cap, const char *fmt, const char *a, const char *b)
{
    size_t used = strlen(buf);

    snprintf(buf + used, cap - used, fmt, a, b);
}

/* reasons=Key:what,... */
static void append_reasons(char *line, size_t cap, const tlsd_audit_record *r)
{
    const char *sep = "";

#define REASON(bit, what, key)                              \
    if (r->reasons & (bit)) {                               \
        append(line, cap, "%s%s", sep, key);                \
        append(line, cap, ":%s%s", what, "");               \
        sep = ",";                                          \
    }
    REASON(TLSD_AUDIT_RECORD_UNVERIFIED, "unverified", "VerifyPeer")
    REASON(TLSD_AUDIT_RECORD_VERIFY_OFF, "verification-off", "VerifyPeer")
    REASON(TLSD_AUDIT_RECORD_NO_CERT, "no-certificate", "VerifyPeer")
    REASON(TLSD_AUDIT_RECORD_HOSTNAME, "mismatch", "HostnameCheck")
    REASON(TLSD_AUDIT_RECORD_NO_SNI, "no-server-name", "HostnameCheck")
    REASON(TLSD_AUDIT_RECORD_VERIFY_FLAGS, "failed", "VerifyFlags")
    REASON(TLSD_AUDIT_RECORD_VERSION, "version-below-floor", r->key_version)
    REASON(TLSD_AUDIT_RECORD_CIPHER, "cipher-not-allowed", r->key_cipher)
    REASON(TLSD_AUDIT_RECORD_LEVEL, "below-security-level", "Enforce")
    REASON(TLSD_AUDIT_RECORD_WEAK_KEY, "weak-key", "SecurityLevel")
    REASON(TLSD_AUDIT_RECORD_SHA1, "sha1-signature", "SecurityLevel")
    REASON(TLSD_AUDIT_RECORD_WEAK_DH, "weak-dh", "SecurityLevel")
    REASON(TLSD_AUDIT_RECORD_GROUP, "group-not-allowed", "Groups")
    REASON(TLSD_AUDIT_RECORD_SIGALG, "sigalg-not-allowed", "SignatureAlgorithms")
#undef REASON
}

/* Keys and values carry no secret: names, numbers, the peer's name or
 * address. */
void tlsd_audit_record_write(tlsd_audit_record *r)
{
    char line[1024], prog[256], text[160];
    tlsd_program self; /* the executable the kernel runs: argv[0] can say anything */

    if (r->written || r->reasons == 0)
        return;
    r->written = 1;
    tlsd_log_fields_token(prog, sizeof(prog), tlsd_program_self(&self) ? self.base : "unknown");
    snprintf(line, sizeof(line), "audit program=%s pid=%ld role=%s peer=%s reasons=", prog,
             (long)getpid(), r->server ? "server" : "client", r->peer);
    append_reasons(line, sizeof(line), r);
    if (r->reasons & (TLSD_AUDIT_RECORD_UNVERIFIED | TLSD_AUDIT_RECORD_VERIFY_OFF
                      | TLSD_AUDIT_RECORD_HOSTNAME | TLSD_AUDIT_RECORD_VERIFY_FLAGS
                      | TLSD_AUDIT_RECORD_LEVEL | TLSD_AUDIT_RECORD_WEAK_KEY | TLSD_AUDIT_RECORD_SHA1)) {
        char num[16];

        snprintf(num, sizeof(num), "%d", r->x509_error);
        /* The library's text for the error, quoted: it has spaces. */
        snprintf(text, sizeof(text), "%s", X509_verify_cert_error_string(r->x509_error));
        for (char *p = text; *p != '\0'; p++)
            if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
                *p = '?';
        append(line, sizeof(line), " x509_error=%s x509_text=\"%s\"", num, text);
    }
    if (r->reasons & TLSD_AUDIT_RECORD_VERSION)
        append(line, sizeof(line), " version=%s floor=%s", tlsd_policy_describe_version(r->version),
               tlsd_policy_describe_version(r->floor));
    if ((r->reasons & TLSD_AUDIT_RECORD_CIPHER)
        || ((r->reasons & TLSD_AUDIT_RECORD_NO_CERT) && r->cipher[0] != '\0'))
        append(line, sizeof(line), " cipher=%s%s", r->cipher, "");
    if (r->reasons & TLSD_AUDIT_RECORD_WEAK_KEY)
        append(line, sizeof(line), " peer_key=%s%s", r->peer_key, "");
    if (r->reasons & TLSD_AUDIT_RECORD_WEAK_DH) {
        char bits[16];

        snprintf(bits, sizeof(bits), "%d", r->dh_bits);
        append(line, sizeof(line), " dh_bits=%s%s", bits, "");
    }
    if (r->reasons & TLSD_AUDIT_RECORD_GROUP)
        append(line, sizeof(line), " group=%s%s", r->group, "");
    if (r->reasons & TLSD_AUDIT_RECORD_SIGALG)
        append(line, sizeof(line), " sigalg=%s%s", r->sigalg, "");
    if (r->candidate[0] != '\0')
        append(line, sizeof(line), " candidate=%s%s", r->candidate, "");
    if (r->peer_entry[0] != '\0')
        append(line, sizeof(line), " peer_entry=%s%s", r->peer_entry, "");
    tlsd_debug("%s", line);
    tlsd_audit_log_write(r->log, line);
}
