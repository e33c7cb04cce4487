/* SPDX-License-Identifier: Apache-2.0 */
/* AuditLog = journal: a line as a systemd journal entry, in journald's
 * native protocol (one datagram of FIELD=value lines to its socket; no
 * library). Every key=value of the line becomes a field of its own,
 * TLSDEFAULTS_KEY, so that `journalctl TLSDEFAULTS_PROGRAM=nginx` finds it
 * and journal shipping keeps the fields. */
#ifndef TLSD_AUDIT_JOURNAL_H
#define TLSD_AUDIT_JOURNAL_H

#include <stddef.h>
#include <sys/types.h>

/* The MESSAGE_ID of each kind of line. */
#define TLSD_AUDIT_JOURNAL_ID_AUDIT "3eab6aac2d0c41af8993f92bc3e254f5"
#define TLSD_AUDIT_JOURNAL_ID_INVENTORY "246fdd19eaa24e2287d633bddf4238a8"
#define TLSD_AUDIT_JOURNAL_ID_NOTE "8d222480dd0445168b62233974545f11"

/* The journal socket of namespace ns (NULL or "": the system's). 0 when
 * it does not fit. */
int tlsd_audit_journal_socket_path(const char *ns, char *buf, size_t cap);

/* The entry of line: MESSAGE=line, MESSAGE_ID of its kind ("audit ...",
 * "inventory ...", or a note "audit: ..."), PRIORITY (warning for audit
 * lines and notes, info for inventory), SYSLOG_IDENTIFIER=tlsdefaults,
 * SYSLOG_PID, TLSDEFAULTS_KIND, and TLSDEFAULTS_<KEY>=value for each
 * key=value of the line ("x509_text" unquoted). Returns its length; 0
 * when it does not fit in cap. */
size_t tlsd_audit_journal_format(char *buf, size_t cap, pid_t pid, const char *line);

#endif
