/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenSSL config module: loaded from a section of [openssl_init] with
 * "path = .../tlsdefaults.so", it applies the section's policy to every
 * SSL_CTX the process creates from then on.
 *
 * The same code is built a second time as libtlsdefaults-module.so.0, which
 * libtlsdefaults.so.0 needs first: a section without a lower-case path
 * makes OpenSSL load libtlsdefaults.so by its default DSO name, and the
 * entry points it finds then are these. Such a section is broken (no path):
 * contexts refuse TLS, or the load fails under config_diagnostics. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/conf.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include "audit_log.h"
#include "context_hook.h"
#include "debug.h"
#include "errors.h"
#include "fork_locks.h"
#include "keylog.h"
#include "load.h"
#include "loader_check.h"
#include "loads.h"
#include "policy.h"
#include "trust_store.h"

static int config_diagnostics(const CONF *cnf)
{
    long value = 0;

    ERR_set_mark();
    if (!NCONF_get_number_e(cnf, NULL, "config_diagnostics", &value))
        value = 0;
    ERR_pop_to_mark();
    return value != 0;
}

/* <openssl/crypto.h> declares an unrelated void OPENSSL_init(void), so the
 * entry points get their symbol names from assembler labels. */
int tlsd_module_init(CONF_IMODULE *md, const CONF *cnf)
    __asm__("OPENSSL_init") __attribute__((visibility("default")));
void tlsd_module_finish(CONF_IMODULE *md)
    __asm__("OPENSSL_finish") __attribute__((visibility("default")));

/* Whether this load builds its policy now. Otherwise only the checks that
 * need no OpenSSL run now (a key, flag, choice or path that is wrong still
 * fails here), and OpenSSL's checks, the protocol bounds and the guard are
 * left to the load's first SSL_CTX: a process that makes none (it only
 * hashes, say) pays for no scratch context. Built now when the
 * administrator asked for hard failures (config_diagnostics: a value only
 * OpenSSL rejects must still fail the load) or for the trace (which shows
 * the effective policy at load). */
static int build_at_load(const CONF *cnf)
{
    return config_diagnostics(cnf) || tlsd_debug_enabled();
}

/* The locks fork() takes, in the order they nest: the list's and the
 * build's, then the ones the deferred build takes inside the build's
 * lock (registering one there would take the registry's lock inside it,
 * the reverse of fork()'s order). */
static void prepare_process(void)
{
    tlsd_context_hook_fork_locks();
    tlsd_loads_fork_locks();
    tlsd_load_fork_locks();
    tlsd_trust_store_fork_locks();
    tlsd_keylog_fork_locks();
    /* The audit's rate limit, shared with children forked from now on. */
    tlsd_audit_log_prepare();
}

/* Reads l's policy from section, inside the caller's error mark. Returns
 * whether its build is deferred to the first context. */
static int read_policy(tlsd_load *l, const CONF *cnf, const char *section)
{
    int deferred = 0;

    if (section == NULL) {
        /* No section name to read (OpenSSL always passes one today): a
         * broken section, refused like any other. */
        TLSD_RAISE(TLSD_R_MISSING_SECTION, "section=(none)");
        return 0;
    }
    /* Without memory to defer, the policy is built now. */
    if (!build_at_load(cnf) && tlsd_policy_check_defer(1)) {
        l->policy = tlsd_policy_section_read(cnf, section, 1);
        tlsd_policy_check_defer(0);
        deferred = l->policy != NULL;
        if (!deferred) {
            /* Broken already: read again with every check, so that every
             * error is reported, in the file's order. */
            ERR_pop_to_mark();
            ERR_set_mark();
        }
    }
    if (!deferred)
        l->policy = tlsd_policy_section_read(cnf, section, 1);
    return deferred;
}

/* Keeps SSLKEYLOGFILE as read once, when the configuration is loaded
 * (secure_getenv: never for set-user-ID programs), for the build now or
 * later. 0 when out of memory (raised). */
static int keep_keylog_env(tlsd_load *l)
{
    const char *env = secure_getenv("SSLKEYLOGFILE");

    if (env != NULL && (l->keylog_env = strdup(env)) == NULL) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "SSLKEYLOGFILE");
        return 0;
    }
    return 1;
}

/* After read_policy: gives l its guard unless deferred, and closes the
 * error mark. A policy that cannot be kept or built for lack of memory is
 * a broken section. Returns 0 when the load must fail (l then is freed). */
static int settle(tlsd_load *l, const CONF *cnf, int deferred, int queue_was_empty)
{
    if (l->policy != NULL) {
        ERR_pop_to_mark();
        ERR_set_mark();
        if (!keep_keylog_env(l) || (!deferred && !tlsd_load_build(l))) {
            tlsd_policy_free(l->policy);
            l->policy = NULL;
        }
    }
    if (l->policy == NULL && config_diagnostics(cnf)) {
        /* The administrator asked for hard failures: OpenSSL reports our
         * errors and refuses to initialise. */
        ERR_clear_last_mark();
        tlsd_debug("section %s is invalid; config_diagnostics is set, failing the load",
                   l->section);
        tlsd_load_free(l);
        return 0;
    }
    if (l->policy == NULL) {
        tlsd_load_finish(l, 0, queue_was_empty);
        ERR_clear_last_mark();
        return 1;
    }
    ERR_pop_to_mark();
    return 1;
}

/* A module call without memory for its load: every context refuses TLS,
 * or under config_diagnostics the load fails. */
static int refuse_all(CONF_IMODULE *md, const CONF *cnf)
{
    tlsd_load *l;

    if (config_diagnostics(cnf))
        return 0;
    l = tlsd_load_out_of_memory();
    tlsd_debug("no memory for the load of section %s: every new SSL_CTX will refuse TLS",
               CONF_imodule_get_value(md) != NULL ? CONF_imodule_get_value(md) : "(none)");
    tlsd_loads_add(l);
    CONF_imodule_set_usr_data(md, l);
    return 1;
}

/* The load that init returned last, on which thread, and the last error
 * then: OpenSSL calls finish right after a successful init when it cannot
 * record the module (conf_mod.c, module_init: an ERR_LIB_CONF error, then
 * finish). Without config_diagnostics the program goes on, and must not
 * go on without a policy. */
static _Atomic(tlsd_load *) just_loaded;
static pthread_t just_loaded_by;
static unsigned long just_loaded_error;

static void note_loaded(tlsd_load *l, const CONF *cnf)
{
    if (config_diagnostics(cnf)) {
        atomic_store(&just_loaded, NULL); /* the failure is reported: OpenSSL's load fails */
        return;
    }
    just_loaded_by = pthread_self();
    just_loaded_error = ERR_peek_last_error();
    atomic_store(&just_loaded, l);
}

static int dropped_by_openssl(const tlsd_load *l)
{
    unsigned long last = ERR_peek_last_error();
    tlsd_load *expected = (tlsd_load *)l;

    if (!atomic_compare_exchange_strong(&just_loaded, &expected, NULL))
        return 0;
    /* 3.0 to 3.1 raise ERR_R_MALLOC_FAILURE there, later ones ERR_R_CRYPTO_LIB. */
    return pthread_equal(just_loaded_by, pthread_self()) && last != just_loaded_error
           && ERR_GET_LIB(last) == ERR_LIB_CONF
           && (ERR_GET_REASON(last) == ERR_R_MALLOC_FAILURE
               || ERR_GET_REASON(last) == ERR_R_CRYPTO_LIB);
}

/* Both entry points first make sure that the libcrypto calling them is the
 * one this module is linked with (loader_check.h). A libcrypto of another
 * major version hands over its own CONF_IMODULE and CONF: nothing of this
 * module's libcrypto may touch them (4.0's struct conf_imodule_st has one
 * more field than 3.x's: reading one with the other's accessors crashed),
 * and hooks registered in this module's libcrypto would never reach the
 * program's contexts. Such a load is refused: OPENSSL_init returns 0
 * without touching its arguments, so that OpenSSL skips the module (and the
 * rest of [openssl_init]), or fails the load under config_diagnostics = 1,
 * and OPENSSL_finish, which OpenSSL calls after a failed init too, does
 * nothing. */
int tlsd_module_init(CONF_IMODULE *md, const CONF *cnf)
{
    const void *caller = __builtin_return_address(0);
    const char *section;
    int queue_was_empty, deferred;
    tlsd_load *l;

    if (!tlsd_loader_check_is_own(caller)) {
        tlsd_loader_check_refuse(caller, "OPENSSL_init");
        return 0;
    }
    atomic_store(&just_loaded, NULL);
    section = CONF_imodule_get_value(md);
    queue_was_empty = ERR_peek_error() == 0;
    prepare_process();
    /* First the hook: without it nothing can refuse a context, so a
     * failure (memory: its ex_data index) is tried once more. */
    if (!tlsd_context_hook_register() && !tlsd_context_hook_register())
        return 0;
    if ((l = tlsd_load_new(section != NULL ? section : "(none)")) == NULL)
        return refuse_all(md, cnf);
    ERR_set_mark();
    deferred = read_policy(l, cnf, section);
    if (!settle(l, cnf, deferred, queue_was_empty))
        return 0;
    tlsd_loads_add(l);
    CONF_imodule_set_usr_data(md, l);
    note_loaded(l, cnf);
    return 1;
}

void tlsd_module_finish(CONF_IMODULE *md)
{
    tlsd_load *l;

    if (!tlsd_loader_check_is_own(__builtin_return_address(0)))
        return; /* its init was refused: nothing to undo, md is not ours to read */
    l = CONF_imodule_get_usr_data(md);
    if (l == NULL)
        return;
    CONF_imodule_set_usr_data(md, NULL);
    if (dropped_by_openssl(l)) {
        /* OpenSSL could not record the module it had just initialised (no
         * memory for its list) and undoes it: the program would go on with
         * no policy. Every context refuses TLS instead. */
        tlsd_debug("section %s: OpenSSL dropped the module after loading it (%s): every new "
                   "SSL_CTX will refuse TLS", l->section,
                   ERR_reason_error_string(ERR_peek_last_error()) != NULL
                       ? ERR_reason_error_string(ERR_peek_last_error()) : "error");
        tlsd_loads_add(tlsd_load_out_of_memory());
    } else {
        tlsd_debug("section %s unloaded", l->section);
    }
    tlsd_loads_remove(l);
}
