/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults-info --audit-report: per program, how many connections the
 * policy would have refused, and why, from an audit log (a file, or the
 * lines of journalctl -t tlsdefaults). Only the module's own lines count:
 * its tag "tlsdefaults[PID]: " at the start of the line or right after a
 * syslog or journal header, then exactly the shapes audit_record.c and
 * audit_log.c write; another program's line that holds such text (sshd
 * logs the user names clients send) counts for nothing. What is printed
 * is escaped, and the peers kept per program are the most frequent ones
 * (bounded memory), with the count of the rest. */
#ifndef TLSD_AUDIT_REPORT_H
#define TLSD_AUDIT_REPORT_H

#include <stdio.h>

/* Reads in to its end and writes the summary to out, as text or JSON
 * (json_output.h). Returns 0, or 1 when in holds no audit line at all or
 * the JSON could not be made or written. */
int tlsd_audit_report(FILE *in, FILE *out, int json);

#endif
