/* SPDX-License-Identifier: Apache-2.0 */
/* tlsd_set_keylog_file(): an NSS key log for one context, written by the
 * engine's key log writer (engine/keylog.c), which the module's KeyLog
 * uses too. */
#include "keylog.h"
#include "tlsdefaults.h"

int tlsd_set_keylog_file(SSL_CTX *ctx, const char *path)
{
    tlsd_keylog *kl = NULL;
    int ok;

    if (path != NULL && (kl = tlsd_keylog_open(path, NULL, 0)) == NULL)
        return 0;
    ok = tlsd_keylog_install(kl, ctx);
    tlsd_keylog_free(kl);
    return ok;
}
