/* SPDX-License-Identifier: Apache-2.0 */
/* Inventory: one line per completed handshake, client and server alike,
 * saying what was really negotiated (version, suite, group, post-quantum
 * or not, the peer's signature and key, SHA-1 in its chain, verified or
 * not, resumed or not), to the AuditLog destination under the audit's
 * rate limit. Names and numbers only: never a secret. */
#ifndef TLSD_INVENTORY_H
#define TLSD_INVENTORY_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "audit_log.h"

/* "inventory program=... pid=... role=... peer=... version=... cipher=...
 * group=... pq=yes|no sigalg=... peer_key=TYPE-BITS|none chain_sha1=yes|no
 * verified=yes|no|none resumed=yes|no[ peer_entry=NAME]" of ssl's
 * handshake (peer_entry: the Peers entry it got). forced: the
 * policy's lock (VerifyPeer = force) verified the peer whatever the
 * program's mode. */
void tlsd_inventory_line(const SSL *ssl, int forced, char *buf, size_t cap);

/* Writes ssl's line to log once per handshake: *done keeps a fingerprint
 * of the last handshake written (its Finished messages), so that the
 * repeated end a TLS 1.3 client sees for each session ticket writes
 * nothing, while a new handshake on the same SSL (renegotiation,
 * SSL_clear()) writes its own. Called at the end of a handshake (the
 * info callback's SSL_CB_HANDSHAKE_DONE); nothing while in the handshake. */
void tlsd_inventory_write(tlsd_audit_log *log, const SSL *ssl, int forced, unsigned long *done);

/* 1 when group (OpenSSL's name) is post-quantum: ML-KEM, alone or in a
 * hybrid (X25519MLKEM768 and its kin), or a Kyber draft. */
int tlsd_inventory_is_pq_group(const char *group);

#endif
