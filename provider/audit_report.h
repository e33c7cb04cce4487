/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults-info --audit-report: per program, how many connections the
 * policy would have refused, and why, from an audit log (a file, or the
 * lines of journalctl -t tlsdefaults: anything before "audit program=" on
 * a line is skipped). */
#ifndef TLSD_AUDIT_REPORT_H
#define TLSD_AUDIT_REPORT_H

#include <stdio.h>

/* Reads in to its end and writes the summary to out, as text or JSON.
 * Returns 0, or 1 when in holds no audit line at all. */
int tlsd_audit_report(FILE *in, FILE *out, int json);

#endif
