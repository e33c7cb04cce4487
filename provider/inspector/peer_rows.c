/* SPDX-License-Identifier: Apache-2.0 */
/* --peer NAME: the policy a client connection to one destination gets, as
 * the module chooses its Peers entry (tlsd_policy_peer_for, the guard's
 * match), given to a context made before the configuration was loaded as
 * the module gives a program its policy (tlsd_inspection_rows_build, as
 * for --profile). Only the client's: a server never takes an entry. */
#include "inspection.h"

int tlsd_peer_rows_build(inspection *in, SSL_CTX *base[2], inspection_rows *rows)
{
    tlsd_peer_address address = {0};
    tlsd_policy_peer entry;
    int is_address;

    in->peer_index = -1;
    if (in->peer == NULL || in->policy == NULL || base[0] == NULL || base[1] == NULL)
        return 0;
    /* An address is matched as the connected peer's, a name as the
     * program's SSL_set1_host() or SNI. */
    is_address = tlsd_peer_match_parse_address(in->peer, &address);
    in->peer_index = tlsd_policy_peer_for(in->policy, is_address ? NULL : in->peer, &address);
    if (in->peer_index < 0 || !tlsd_policy_peer_at(in->policy, (size_t)in->peer_index, &entry))
        return 0;
    tlsd_inspection_rows_of_policy(in, entry.policy, entry.name, base, rows);
    return 1;
}
