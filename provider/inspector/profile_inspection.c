/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults-info --profile NAME: what a profile alone gives, with no
 * configuration read. The policy is made as the helper library makes it
 * (tlsd_policy_new, OpenSSL's checks at once), and the contexts get it in
 * tlsd_inspection_rows_build() exactly as the module gives a program its
 * policy: one engine, no second list of settings. */
#include <stdio.h>

#include "inspection.h"

void tlsd_profile_inspection_load(inspection *in, SSL_CTX *program_ctx[2])
{
    in->status = STATUS_OK;
    in->policy = tlsd_policy_new(in->profile);
    if (in->policy != NULL) {
        program_ctx[0] = SSL_CTX_new(TLS_client_method());
        program_ctx[1] = SSL_CTX_new(TLS_server_method());
    }
    tlsd_config_scan_errors(in);
    if (in->policy == NULL || program_ctx[0] == NULL || program_ctx[1] == NULL) {
        in->status = STATUS_BROKEN;
        snprintf(in->verdict, sizeof(in->verdict), "profile %.200s cannot be %s", in->profile,
                 in->policy == NULL ? "made on this OpenSSL" : "given to a new TLS context");
        return;
    }
    snprintf(in->verdict, sizeof(in->verdict),
             "what profile %.200s gives, applied as the module applies it; no configuration is read",
             in->profile);
}

int tlsd_profile_inspection_unknown(const char *name, const char *option, int or_file)
{
    char names[1024];

    tlsd_profile_names(names, sizeof(names));
    fprintf(stderr, "tlsdefaults-info: %s: %s is no profile%s; the profiles are: %s\n", option, name,
            or_file ? " and no file" : "", names);
    return 64;
}
