/* SPDX-License-Identifier: Apache-2.0 */
/* Enforce's part of a guard on a connection (guard.c): the floor's refusal
 * reported, and the security level held against the program's own. */
#include "guard_floor.h"

#include <stdint.h>

#include <openssl/err.h>

#include "debug.h"
#include "errors.h"
#include "method_role.h"
#include "policy_floor.h"

/* Says who refused, once the refusal is certain: every version the
 * connection may use is below the floor (a fixed-version method, or a
 * maximum below it). A candidate refused while others remain is no
 * failure, and a successful handshake leaves the queue clean. */
void tlsd_guard_floor_report(const SSL *s, int floor, int version)
{
    SSL *ssl = (SSL *)s;
    long max = SSL_get_max_proto_version(ssl);
    int fixed = !tlsd_method_role_info(SSL_get_ssl_method(ssl)).version_flexible;
    unsigned long last = ERR_peek_last_error();

    if (!(fixed || (max != 0 && tlsd_policy_floor_version_below((int)max, floor))))
        return;
    if (ERR_GET_LIB(last) == tlsd_errors_lib() && ERR_GET_REASON(last) == TLSD_R_VERSION_BELOW_FLOOR)
        return; /* asked again for the same connection */
    TLSD_RAISE(TLSD_R_VERSION_BELOW_FLOOR, "%s is below the floor %s held by Enforce",
               tlsd_policy_describe_version(version), tlsd_policy_describe_version(floor));
    tlsd_debug("Enforce: %s refused, below the floor %s", tlsd_policy_describe_version(version),
               tlsd_policy_describe_version(floor));
}

/* The SSL ex_data index where Enforce keeps the level a program had set
 * (plus one) before the floor raised it: a refusal at the raised level is
 * then the floor's, and says so. */
static int lowered_index = -1;
static CRYPTO_ONCE lowered_index_once = CRYPTO_ONCE_STATIC_INIT;

static void register_lowered_index(void)
{
    lowered_index = CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL, 0, NULL, NULL, NULL, NULL);
}

/* Enforce's security level. Every check with an SSL passes here first (the
 * first of each handshake is its start, before any key, digest, group or
 * suite is weighed), so a level the program lowered on the context (its
 * own @SECLEVEL, SSL_CTX_set_security_level) or on the SSL is raised back
 * before it counts: OpenSSL's own callback then judges at the policy's
 * level, and libssl gives that level to the peer chain's verification (the
 * X509 auth level: key sizes, SHA-1 signatures). */
void tlsd_guard_floor_hold_level(const SSL *s, int policy_level)
{
    SSL *ssl = (SSL *)s;
    int level = SSL_get_security_level(ssl);

    if (level >= policy_level)
        return;
    (void)CRYPTO_THREAD_run_once(&lowered_index_once, register_lowered_index);
    ERR_set_mark();
    if (lowered_index >= 0)
        SSL_set_ex_data(ssl, lowered_index, (void *)(intptr_t)(level + 1));
    ERR_pop_to_mark();
    SSL_set_security_level(ssl, policy_level);
    tlsd_debug("Enforce: security level %d of the program raised to the policy's %d", level,
               policy_level);
}

int tlsd_guard_floor_program_level(const SSL *ssl)
{
    if (lowered_index < 0)
        return -1;
    return (int)(intptr_t)SSL_get_ex_data(ssl, lowered_index) - 1;
}
