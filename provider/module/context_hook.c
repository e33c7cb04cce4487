/* SPDX-License-Identifier: Apache-2.0 */
#include "context_hook.h"

#include <pthread.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "debug.h"
#include "fork_locks.h"
#include "guard.h"
#include "loads.h"
#include "method_role.h"
#include "policy.h"

/* The SSL_CTX ex_data index whose new_func reaches every new context; each
 * context keeps a reference to its guard there. It is registered once and
 * never freed: the module is linked with -z nodelete, so the callbacks stay
 * mapped after OpenSSL's dlclose, and with no load in effect the hook
 * leaves contexts alone. */
static int ctx_index = -1;
static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;

/* Refuses TLS on ctx (an impossible protocol range). */
static void refuse(SSL_CTX *ctx)
{
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
}

/* Applies l to ctx: 1 applied, 0 in part, -1 refused (broken section, or
 * memory that failed: never a context below the policy).
 * Runs inside SSL_CTX_new(): what fails here must not show up on the
 * application's error queue as if its own call had failed. */
static int apply_load(tlsd_load *l, SSL_CTX *ctx, CRYPTO_EX_DATA *ad, int idx)
{
    int queue_was_empty = ERR_peek_error() == 0, applied = -1;
    tlsd_guard *g;

    ERR_set_mark();
    g = tlsd_load_guard(l, ctx, queue_was_empty);
    if (l->policy != NULL) {
        applied = tlsd_policy_apply(l->policy, ctx);
        /* Every value passed OpenSSL's checks on a TLS context: on one, a
         * value not applied is memory that failed, and the context would
         * be below the policy. (Other methods have limits of their own.) */
        if (!applied && tlsd_method_role_info(SSL_CTX_get_ssl_method(ctx)).version_flexible
            && !tlsd_method_role_info(SSL_CTX_get_ssl_method(ctx)).dtls)
            g = NULL; /* the refusal that needs no memory */
    }
    switch (tlsd_guard_install(g, ctx, ad, idx)) {
    case -1:
        applied = -1;
        break;
    case 0:
        applied = applied < 0 ? applied : 0;
        break;
    default:
        break;
    }
    if (applied < 0)
        refuse(ctx);
    ERR_pop_to_mark();
    return applied;
}

static void trace_context(const SSL_CTX *ctx, const char *section, int applied)
{
    if (applied < 0)
        tlsd_debug("SSL_CTX %p (%s): TLS refused, section %s is invalid",
                   (void *)ctx, tlsd_method_role_of_ctx(ctx), section);
    else
        tlsd_debug("SSL_CTX %p (%s): policy of section %s applied%s",
                   (void *)ctx, tlsd_method_role_of_ctx(ctx), section,
                   applied ? "" : " in part (see OpenSSL's method limits)");
}

/* No lock is held while the policy is applied: the reference keeps the
 * load alive across an unload by another thread. */
static void new_ctx_cb(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
                       long argl, void *argp)
{
    SSL_CTX *ctx = parent;
    tlsd_load *l;
    int applied;

    (void)ptr, (void)argl, (void)argp;
    if (ctx == NULL || tlsd_policy_in_scratch() || (l = tlsd_loads_current()) == NULL)
        return;
    applied = apply_load(l, ctx, ad, idx);
    if (tlsd_debug_enabled())
        trace_context(ctx, l->section, applied);
    tlsd_load_free(l);
}

int tlsd_context_hook_register(void)
{
    int ok;

    pthread_mutex_lock(&index_lock);
    if (ctx_index < 0)
        ctx_index = tlsd_guard_register_index(new_ctx_cb);
    ok = ctx_index >= 0;
    pthread_mutex_unlock(&index_lock);
    return ok;
}

void tlsd_context_hook_fork_locks(void)
{
    tlsd_fork_locks_add(&index_lock);
}
