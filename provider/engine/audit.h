/* SPDX-License-Identifier: Apache-2.0 */
/* Audit: the keys Audit names report instead of refusing. For every
 * connection the policy would have refused, one line in the audit log
 * (audit_log.h): the program, the peer and each reason. The outcome is the
 * program's own: the policy's checks run on the side.
 *
 * Where it looks: the context's cert-verify callback (a client's
 * verification, run again on the side as libssl set it up, with the
 * policy's flags, host name and security level, and
 * the version and suite already negotiated then), and an info callback for
 * the end of the handshake (a server's version and suite). A program that
 * installs its own cert-verify callback or info callback takes that place:
 * those connections are not audited, or only at their end. */
#ifndef TLSD_AUDIT_H
#define TLSD_AUDIT_H

#include <openssl/ssl.h>

#include "policy.h"

typedef struct tlsd_audit tlsd_audit;

/* The audit of a policy whose Audit names keys; opens its AuditLog.
 * NULL with an error raised when the log cannot be opened. */
tlsd_audit *tlsd_audit_new(const tlsd_policy *p);

void tlsd_audit_free(tlsd_audit *a);

/* The TLSD_AUDIT_* bits of the keys audited. */
unsigned tlsd_audit_keys(const tlsd_audit *a);

/* Installs the audit on a new context (peer_verifier: a client or generic
 * context). Returns 1, or 0 on failure. */
int tlsd_audit_install(tlsd_audit *a, SSL_CTX *ctx, int peer_verifier);

/* In the cert-verify callback of a client connection, in place of
 * X509_verify_cert(sctx): runs the policy's checks on the side, then the
 * program's own verification, and records what the audited keys would
 * have refused. Returns the program's verdict; leaves the error queue as
 * that verification left it. */
int tlsd_audit_verify(const tlsd_audit *a, X509_STORE_CTX *sctx, SSL *ssl);

/* When a client connection's server chose a suite that sends no
 * certificate (aNULL): records it where the audited VerifyPeer would
 * refuse it (VerifyPeer:no-certificate). */
void tlsd_audit_no_certificate(const tlsd_audit *a, const SSL *ssl);

#endif
