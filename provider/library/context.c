/* SPDX-License-Identifier: Apache-2.0 */
/* tlsd_create_default_context(): Python's create_default_context() for C,
 * on the same policy engine as the config module. */
#include <pthread.h>
#include <stdlib.h>

#include "errors.h"
#include "keylog.h"
#include "policy.h"
#include "tlsdefaults.h"

static tlsd_policy *python_policy;
static pthread_once_t policy_once = PTHREAD_ONCE_INIT;

/* Built and checked once: making a context must not re-parse anything. */
static void build_policy(void)
{
    tlsd_policy *p = tlsd_policy_new("python");

    if (p != NULL && !tlsd_policy_check_finish(p)) {
        tlsd_policy_free(p);
        p = NULL;
    }
    python_policy = p;
}

SSL_CTX *tlsd_create_default_context(tlsd_purpose purpose, const char *cafile,
                                     const char *capath, const void *cadata,
                                     size_t cadata_len)
{
    const char *keylog;
    SSL_CTX *ctx;

    if (purpose != TLSD_PURPOSE_SERVER_AUTH && purpose != TLSD_PURPOSE_CLIENT_AUTH) {
        TLSD_RAISE(TLSD_R_BAD_PURPOSE, "purpose=%d", (int)purpose);
        return NULL;
    }
    pthread_once(&policy_once, build_policy);
    if (python_policy == NULL) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "default policy");
        return NULL;
    }
    ctx = SSL_CTX_new(purpose == TLSD_PURPOSE_SERVER_AUTH ? TLS_client_method()
                                                          : TLS_server_method());
    if (ctx == NULL)
        return NULL;
    if (!tlsd_policy_apply(python_policy, ctx))
        goto err;
    if (purpose == TLSD_PURPOSE_SERVER_AUTH)
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    else
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);

    if (cafile != NULL || capath != NULL || cadata != NULL) {
        if (!tlsd_load_verify_locations(ctx, cafile, capath, cadata, cadata_len))
            goto err;
    } else if (purpose == TLSD_PURPOSE_SERVER_AUTH) {
        /* A server context loads no default CAs, as in Python. */
        if (!tlsd_use_system_trust_store(ctx))
            goto err;
    }
    keylog = tlsd_keylog_env_path();
    if (keylog != NULL && !tlsd_set_keylog_file(ctx, keylog))
        goto err;
    return ctx;
err:
    SSL_CTX_free(ctx);
    return NULL;
}
