/* SPDX-License-Identifier: Apache-2.0 */
/* A connection's audit record: what the policy would have refused in it
 * (audit.h decides that), kept in the SSL's ex_data and written as one
 * line to the audit log (audit_log.h) at the end of the handshake, or
 * when the SSL is freed (a failed handshake, or a program whose own info
 * callback replaced the guard's). */
#ifndef TLSD_AUDIT_RECORD_H
#define TLSD_AUDIT_RECORD_H

#include <openssl/ssl.h>

#include "audit_log.h"

/* What the policy would have refused in one connection. */
enum {
    TLSD_AUDIT_RECORD_UNVERIFIED = 1 << 0,   /* verification left to the policy fails */
    TLSD_AUDIT_RECORD_VERIFY_OFF = 1 << 1,   /* the program chose none, and it fails */
    TLSD_AUDIT_RECORD_HOSTNAME = 1 << 2,     /* the SNI name does not match */
    TLSD_AUDIT_RECORD_NO_SNI = 1 << 3,       /* HostnameCheck = require, no name */
    TLSD_AUDIT_RECORD_VERIFY_FLAGS = 1 << 4, /* fails with the policy's VerifyFlags only */
    TLSD_AUDIT_RECORD_VERSION = 1 << 5,      /* negotiated below the floor */
    TLSD_AUDIT_RECORD_CIPHER = 1 << 6,       /* a suite the policy does not allow */
    TLSD_AUDIT_RECORD_LEVEL = 1 << 7,        /* the chain fails at Enforce's security level */
    TLSD_AUDIT_RECORD_NO_CERT = 1 << 8,      /* the server sent no certificate (aNULL) */
    TLSD_AUDIT_RECORD_GROUP = 1 << 9,        /* a group the policy does not set */
    TLSD_AUDIT_RECORD_SIGALG = 1 << 10,      /* a peer signature algorithm it does not set */
    TLSD_AUDIT_RECORD_WEAK_KEY = 1 << 11,    /* a chain key below the policy's security level */
    TLSD_AUDIT_RECORD_SHA1 = 1 << 12,        /* a chain signature (SHA-1) below it */
    TLSD_AUDIT_RECORD_WEAK_DH = 1 << 13,     /* the server's DH parameters below it */
};

typedef struct {
    tlsd_audit_log *log;       /* its own reference: the context may go first */
    int server;
    unsigned reasons;          /* the bits above */
    int x509_error;
    int version;
    char cipher[64];
    char peer[160];
    char key_version[16], key_cipher[16]; /* the key each of those is refused by */
    char group[32], sigalg[48];           /* the group, the peer's signature (code point) */
    char peer_key[48];                    /* WEAK_KEY: the key refused, "RSA-1024" */
    int dh_bits;                          /* WEAK_DH: the parameters' size */
    int floor;
    int negotiated_checked, written;
    const void *audit;              /* Inventory: the audit whose end to run (audit.c) */
    char candidate[160];            /* the candidate's section; "": the audit's own */
    char peer_entry[160];           /* the Peers entry the connection got; "": none */
    unsigned long inventory_done;   /* the last handshake its line was written for */
} tlsd_audit_record;

/* Registers the SSL ex_data index of the records, once per process.
 * Returns 1, or 0 when OpenSSL has no index to give. */
int tlsd_audit_record_register(void);


/* ssl's record if it has one, else NULL. */
tlsd_audit_record *tlsd_audit_record_find(const SSL *ssl);

/* The same in a slot: 0 the audit's record, 1 the candidate's, whose line
 * ends with "candidate=SECTION". */
#define TLSD_AUDIT_RECORD_SLOTS 2
tlsd_audit_record *tlsd_audit_record_of_in(tlsd_audit_log *log, const SSL *ssl, int slot,
                                           const char *candidate);
tlsd_audit_record *tlsd_audit_record_find_in(const SSL *ssl, int slot);

/* Writes r's line, once, when it holds a reason: "audit program=NAME
 * pid=N role=client peer=NAME reasons=Key:what,... [x509_error=N
 * x509_text="..."] [version=V floor=F] [cipher=C] [candidate=SECTION]
 * [peer_entry=NAME]". */
void tlsd_audit_record_write(tlsd_audit_record *r);

#endif
