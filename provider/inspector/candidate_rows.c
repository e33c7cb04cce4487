/* SPDX-License-Identifier: Apache-2.0 */
/* The Candidate's effective policy, shown next to the enforced one: its
 * policy given to contexts made before the configuration was loaded, as
 * the module gives a program its policy (tlsd_inspection_rows_build, as
 * for --profile). The candidate is never applied to a program: these
 * contexts exist only to read it back. */
#include "inspection.h"

int tlsd_candidate_rows_build(const inspection *in, SSL_CTX *base[2], inspection_rows *rows)
{
    const tlsd_policy *candidate = in->policy != NULL ? tlsd_policy_candidate(in->policy) : NULL;

    if (candidate == NULL || base[0] == NULL || base[1] == NULL)
        return 0;
    tlsd_inspection_rows_of_policy(in, candidate, tlsd_policy_candidate_name(in->policy), base, rows);
    return 1;
}
