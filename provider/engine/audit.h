/* SPDX-License-Identifier: Apache-2.0 */
/* Audit: the keys Audit names report instead of refusing; and Inventory,
 * whose lines go to the same log under the same rate limit. For every
 * connection the policy would have refused, one line in the audit log
 * (audit_record.h): the program, the peer and each reason. The outcome is
 * the program's own: the policy's checks run on the side.
 *
 * The guard (guard.h) owns the context's callbacks and calls in here:
 * from its cert-verify callback (a client's verification, run again on the
 * side as libssl set it up, with the policy's flags, host name and
 * security level, and the version and suite already negotiated then), and
 * from its info callback at the end of the handshake (a server's version
 * and suite). A program that installs its own cert-verify callback or info
 * callback takes that place: those connections are not audited, or only at
 * their end. */
#ifndef TLSD_AUDIT_H
#define TLSD_AUDIT_H

#include <openssl/ssl.h>

#include "policy.h"

typedef struct tlsd_audit tlsd_audit;

/* The audit of a policy whose Audit names keys; opens its AuditLog. A log
 * that cannot be opened is replaced by syslog, whose first line says why.
 * NULL with an error raised only when memory is short. */
tlsd_audit *tlsd_audit_new(const tlsd_policy *p);

/* The audit of a Peers entry's policy, for the connections that get the
 * entry: its lines go to base's log; no Candidate is compared with them
 * (an entry is an exception to whichever policy is enforced). NULL with an
 * error raised when memory is short. */
tlsd_audit *tlsd_audit_new_for_peer(const tlsd_policy *entry, const tlsd_audit *base);

void tlsd_audit_free(tlsd_audit *a);

/* 1 when VerifyPeer is audited (and on): the guard then marks a client or
 * generic context's verification as left to the policy. */
int tlsd_audit_verifies_peer(const tlsd_audit *a);

/* In the cert-verify callback of a client connection, in place of
 * X509_verify_cert(sctx): runs the policy's checks on the side, then the
 * program's own verification, and records what the audited keys would
 * have refused. unchosen: the program left verification to the policy
 * (the guard's mark is still in place). Returns the program's verdict;
 * leaves the error queue as that verification left it. */
int tlsd_audit_verify(const tlsd_audit *a, X509_STORE_CTX *sctx, SSL *ssl, int unchosen);

/* When a client connection's server chose a suite that sends no
 * certificate (aNULL): records it where the audited VerifyPeer would
 * refuse it (VerifyPeer:no-certificate); unchosen as above. */
void tlsd_audit_no_certificate(const tlsd_audit *a, const SSL *ssl, int unchosen);

/* Inventory: at every check of a connection's handshake (the guard's
 * security callback). Where the program's own info callback replaced the
 * guard's on the context (guard_ends_it 0: nginx does that), the SSL gets
 * an info callback that runs the program's, then the end of the
 * handshake; an SSL with an info callback of its own is left alone.
 * Nothing without Inventory. */
void tlsd_audit_handshake_seen(const tlsd_audit *a, const SSL *ssl, int guard_ends_it);

/* At every security check of a connection (the guard's callback): the
 * peer's signature algorithm against an audited SignatureAlgorithms
 * (SignatureAlgorithms:sigalg-not-allowed), the server's DH parameters
 * against an audited level (SecurityLevel:weak-dh; bits: their security
 * bits, as OpenSSL weighs them). */
void tlsd_audit_security_check(const tlsd_audit *a, const SSL *ssl, int op, int bits, const void *other);

/* At the end of a handshake: checks the version and suite negotiated, and
 * writes the connection's line (once), and with Inventory the handshake's
 * inventory line (once per handshake). */
void tlsd_audit_handshake_done(const tlsd_audit *a, const SSL *ssl);

#endif
