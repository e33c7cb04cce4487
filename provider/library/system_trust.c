/* SPDX-License-Identifier: Apache-2.0 */
/* tlsd_use_system_trust_store(): the system trust store, read once per
 * process and shared (engine/trust_store.c), consulted by every
 * verification of ctx after its own store. */
#include "tlsdefaults.h"
#include "trust_store.h"

int tlsd_use_system_trust_store(SSL_CTX *ctx)
{
    const tlsd_trust_source *src = tlsd_trust_store_source("system");

    return src != NULL && tlsd_trust_store_install(src, ctx, TLSD_TRUST_ALWAYS);
}
