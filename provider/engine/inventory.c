/* SPDX-License-Identifier: Apache-2.0 */
#include "inventory.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "debug.h"
#include "guard_peer.h"
#include "log_fields.h"
#include "program.h"

int tlsd_inventory_is_pq_group(const char *group)
{
    char lower[64];
    size_t i;

    for (i = 0; group[i] != '\0' && i + 1 < sizeof(lower); i++)
        lower[i] = (char)(group[i] >= 'A' && group[i] <= 'Z' ? group[i] - 'A' + 'a' : group[i]);
    lower[i] = '\0';
    return strstr(lower, "mlkem") != NULL || strstr(lower, "kyber") != NULL;
}

static void group_of(const SSL *ssl, char *out, size_t cap)
{
    int nid = SSL_get_negotiated_group((SSL *)ssl);
    const char *name = nid != 0 ? SSL_group_to_name((SSL *)ssl, nid) : "none";

    tlsd_log_fields_token(out, cap, name != NULL ? name : "unknown");
}

/* A signature's key type as SignatureAlgorithms writes it. */
static const char *signature_type_name(int nid)
{
    switch (nid) {
    case NID_rsaEncryption: return "RSA";
    case NID_rsassaPss: return "RSA-PSS";
    case NID_X9_62_id_ecPublicKey: return "ECDSA";
    case NID_ED25519: return "ed25519";
    case NID_ED448: return "ed448";
    default: return OBJ_nid2sn(nid);
    }
}

/* The peer's handshake signature: "ECDSA+SHA256", "ed25519", "none". */
static void sigalg_of(const SSL *ssl, char *out, size_t cap)
{
    int type = NID_undef, hash = NID_undef;
    char text[96];

    if (!SSL_get_peer_signature_type_nid(ssl, &type) || type == NID_undef) {
        snprintf(out, cap, "none");
        return;
    }
    SSL_get_peer_signature_nid((SSL *)ssl, &hash);
    if (hash != NID_undef)
        snprintf(text, sizeof(text), "%s+%s", signature_type_name(type), OBJ_nid2sn(hash));
    else
        snprintf(text, sizeof(text), "%s", signature_type_name(type));
    tlsd_log_fields_token(out, cap, text);
}

/* A certificate signed with SHA-1; a self-signed one's signature (a
 * root's) counts for nothing. */
static int signed_with_sha1(X509 *x)
{
    int md = NID_undef, pk = NID_undef;

    if (X509_check_issued(x, x) == X509_V_OK)
        return 0;
    return OBJ_find_sigid_algs(X509_get_signature_nid(x), &md, &pk) && md == NID_sha1;
}

/* The chain the peer sent (a client's view holds the leaf; a server's
 * does not, so the leaf is checked on its own). */
static int chain_has_sha1(const SSL *ssl, X509 *peer)
{
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);

    if (peer != NULL && signed_with_sha1(peer))
        return 1;
    for (int i = 0; i < sk_X509_num(chain); i++)
        if (signed_with_sha1(sk_X509_value(chain, i)))
            return 1;
    return 0;
}

/* A client verifies with any mode but SSL_VERIFY_NONE; a server only with
 * SSL_VERIFY_PEER. A completed handshake that verified passed. */
static const char *verified_of(const SSL *ssl, X509 *peer, int forced)
{
    int mode = SSL_get_verify_mode(ssl);
    int verifies = SSL_is_server(ssl) ? (mode & SSL_VERIFY_PEER) != 0 : mode != SSL_VERIFY_NONE || forced;

    if (peer == NULL)
        return "none";
    return verifies && SSL_get_verify_result(ssl) == X509_V_OK ? "yes" : "no";
}

void tlsd_inventory_line(const SSL *ssl, int forced, char *buf, size_t cap)
{
    const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);
    X509 *peer = SSL_get0_peer_certificate(ssl);
    char prog[256], who[160], group[64], sigalg[96], key[96];
    tlsd_program self; /* the executable the kernel runs: argv[0] can say anything */

    tlsd_log_fields_token(prog, sizeof(prog), tlsd_program_self(&self) ? self.base : "unknown");
    tlsd_log_fields_peer(ssl, who, sizeof(who));
    group_of(ssl, group, sizeof(group));
    sigalg_of(ssl, sigalg, sizeof(sigalg));
    tlsd_log_fields_key(peer != NULL ? X509_get0_pubkey(peer) : NULL, key, sizeof(key));
    snprintf(buf, cap,
             "inventory program=%s pid=%ld role=%s peer=%s version=%s cipher=%s group=%s pq=%s "
             "sigalg=%s peer_key=%s chain_sha1=%s verified=%s resumed=%s",
             prog, (long)getpid(), SSL_is_server(ssl) ? "server" : "client", who, SSL_get_version(ssl),
             cipher != NULL ? SSL_CIPHER_get_name(cipher) : "none", group,
             tlsd_inventory_is_pq_group(group) ? "yes" : "no", sigalg, key,
             chain_has_sha1(ssl, peer) ? "yes" : "no", verified_of(ssl, peer, forced),
             SSL_session_reused(ssl) ? "yes" : "no");
    if (tlsd_guard_peer_entry(ssl) != NULL) {
        size_t used = strlen(buf);
        char entry[160];

        tlsd_log_fields_token(entry, sizeof(entry), tlsd_guard_peer_entry(ssl));
        snprintf(buf + used, cap - used, " peer_entry=%s", entry);
    }
}

/* The handshake's Finished messages, folded (FNV-1a): they differ for
 * every handshake. Never written anywhere; never 0. */
static unsigned long handshake_fingerprint(const SSL *ssl)
{
    unsigned char finished[2][EVP_MAX_MD_SIZE];
    size_t n[2] = {SSL_get_finished(ssl, finished[0], sizeof(finished[0])),
                   SSL_get_peer_finished(ssl, finished[1], sizeof(finished[1]))};
    unsigned long h = 1469598103934665603UL;

    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < n[k] && i < sizeof(finished[k]); i++)
            h = (h ^ finished[k][i]) * 1099511628211UL;
    return h | 1;
}

void tlsd_inventory_write(tlsd_audit_log *log, const SSL *ssl, int forced, unsigned long *done)
{
    char line[1024];
    unsigned long fingerprint;

    /* Not SSL_is_init_finished(): a TLS 1.3 server ends in the state of
     * its last session ticket, not TLS_ST_OK. */
    if (SSL_in_init(ssl) || SSL_get_current_cipher(ssl) == NULL)
        return;
    fingerprint = handshake_fingerprint(ssl);
    if (fingerprint == *done)
        return;
    *done = fingerprint;
    /* Under load the rate limit drops most lines: those cost no line. */
    if (!tlsd_audit_log_admit(log))
        return;
    tlsd_inventory_line(ssl, forced, line, sizeof(line));
    tlsd_debug("%s", line);
    tlsd_audit_log_put(log, line);
}
