/* SPDX-License-Identifier: Apache-2.0 */
/* One audit line of the module's exact shape (tlsd_audit_record_write):
 * "audit program=P pid=N role=client|server peer=S reasons=K:w,...
 * [x509_error=N x509_text="..."] [version=V floor=F] [cipher=C]
 * [peer_key=K] [dh_bits=N] [group=G] [sigalg=0xNNNN] [candidate=SECTION]
 * [peer_entry=NAME]", read by
 * --audit-report and --suggest. */
#ifndef TLSD_AUDIT_LINE_H
#define TLSD_AUDIT_LINE_H

#include <stddef.h>

enum {
    TLSD_AUDIT_LINE_PROGRAM, TLSD_AUDIT_LINE_PID, TLSD_AUDIT_LINE_ROLE, TLSD_AUDIT_LINE_PEER,
    TLSD_AUDIT_LINE_REASONS, TLSD_AUDIT_LINE_X509_ERROR, TLSD_AUDIT_LINE_X509_TEXT,
    TLSD_AUDIT_LINE_VERSION, TLSD_AUDIT_LINE_FLOOR, TLSD_AUDIT_LINE_CIPHER, TLSD_AUDIT_LINE_PEER_KEY,
    TLSD_AUDIT_LINE_DH_BITS, TLSD_AUDIT_LINE_GROUP, TLSD_AUDIT_LINE_SIGALG, TLSD_AUDIT_LINE_CANDIDATE,
    TLSD_AUDIT_LINE_PEER_ENTRY, TLSD_AUDIT_LINE_FIELDS
};

typedef struct {
    const char *value[TLSD_AUDIT_LINE_FIELDS]; /* into the message; NULL: absent */
    size_t len[TLSD_AUDIT_LINE_FIELDS];
} tlsd_audit_line;

/* msg: what follows the tag. The fields in audit.c's order, optional ones
 * in theirs, nothing else, nothing after. Returns 1 and f, else 0. */
int tlsd_audit_line_parse(const char *msg, tlsd_audit_line *f);

/* Calls each(reason, len, arg) for each "Key:what" of the reasons. */
void tlsd_audit_line_each_reason(const tlsd_audit_line *f,
                                 void (*each)(const char *reason, size_t len, void *arg), void *arg);

#endif
