/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TLSD_PROBE_H
#define TLSD_PROBE_H

#include <jansson.h>

#include "inspection.h"
#include "policy.h"

enum { TLSD_PROBE_CONNECTED, TLSD_PROBE_REFUSED, TLSD_PROBE_UNREACHABLE };

typedef struct {
    int outcome;
    char negotiated[1024]; /* connected: the inventory line of the handshake */
    char chain[512];       /* connected: the chain's signature algorithms */
    long x509_error;       /* refused: the verification's result */
    char errors[2048];     /* refused: OpenSSL's error queue, a line each */
    char peer_entry[256];  /* the Peers entry the connection got; "": none */
} tlsd_probe_result;

/* One handshake to host:port as a careless client under p (SNI:
 * servername, or none), never sending data; the outcome. Call it with no
 * configuration loaded (CONF_modules_unload): the module would otherwise
 * add its own policy to the context. */
int tlsd_probe_handshake(const tlsd_policy *p, const char *host, const char *port, const char *servername,
                         tlsd_probe_result *r);

/* "who: connected: version=... chain=..." or "who: refused (...)" and the
 * errors, to stdout; and the same as a JSON object. */
void tlsd_probe_text(const char *who, const tlsd_probe_result *r);
json_t *tlsd_probe_json(const tlsd_probe_result *r);

/* --probe TARGET [--servername NAME] on the loaded configuration in:
 * prints the handshakes; 0 when the enforced one connects, 1 when the
 * policy refuses it, 2 when the server cannot be reached, 64 on a bad
 * target. */
int tlsd_probe_run(inspection *in, const char *target, const char *servername, int json);

#endif
