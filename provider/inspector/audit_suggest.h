/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults-info --audit-report FILE --suggest: configuration that
 * exempts exactly what an audit log shows, as audit2allow does for
 * SELinux. Per program (hosts merged: one configuration for all), the keys
 * its refusals name set to what lets the logged connections through, each
 * program section headed by a comment with its count and reasons; a
 * program whose refusals are all for a few peers gets a Peers entry per
 * peer instead. Printed as sections to append to the configuration as
 * is: OpenSSL's reader continues a section whose header comes again, and
 * a key given again replaces the earlier value. */
#ifndef TLSD_AUDIT_SUGGEST_H
#define TLSD_AUDIT_SUGGEST_H

#include <stdio.h>

/* Reads in to its end; config is the file the suggestion is for (NULL:
 * OpenSSL's default), read for its module section, Programs section and
 * entries. Returns 0, or 1 when in holds no audit line. */
int tlsd_audit_suggest(FILE *in, FILE *out, const char *config);

#endif
