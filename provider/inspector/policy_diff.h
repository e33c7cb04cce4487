/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TLSD_POLICY_DIFF_H
#define TLSD_POLICY_DIFF_H

/* tlsdefaults-info --diff A B [--program NAME] [--json]: A and B are each a
 * configuration file (it holds a '/' or names an existing file; program:
 * its Programs entry for that program) or a profile name. Prints every row
 * of the client and the server context whose value differs. Returns as
 * diff(1) does: 0 nothing differs, 1 something does, 2 trouble (a side
 * whose inspection is not "ok", said why); 64 for a side that is neither a
 * file nor a profile. */
int tlsd_policy_diff_run(const char *a, const char *b, const char *program, int json);

#endif
