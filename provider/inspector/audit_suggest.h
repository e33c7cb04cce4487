/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults-info --audit-report FILE --suggest: configuration that
 * exempts exactly what an audit log shows, as audit2allow does for
 * SELinux. Per program (hosts merged: one configuration for all), the keys
 * its refusals name set to what lets the logged connections through, each
 * program section headed by a comment with its count and reasons. A
 * program whose every refusal is as a client, for at most three
 * destinations, each a host name or an IP address (peer=IP:PORT: the
 * address, the port left out), gets a Peers entry per destination
 * instead, its own section holding only Peers (suggest_peers.h); when an
 * entry cannot hold a key its refusals need, or the configuration's
 * entries do not allow an exact exemption, it gets the whole program's
 * keys, a comment saying why. Printed as sections to append to the
 * configuration as is: OpenSSL's reader continues a section whose header
 * comes again, and a key given again replaces the earlier value. */
#ifndef TLSD_AUDIT_SUGGEST_H
#define TLSD_AUDIT_SUGGEST_H

#include <stdio.h>

/* Reads in to its end; config is the file the suggestion is for (NULL:
 * OpenSSL's default), read for its module section, Programs section and
 * entries. Returns 0, or 1 when in holds no audit line. */
int tlsd_audit_suggest(FILE *in, FILE *out, const char *config);

#endif
