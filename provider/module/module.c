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
#include <stdlib.h>
#include <string.h>

#include <openssl/conf.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "audit_log.h"
#include "debug.h"
#include "errors.h"
#include "fork_locks.h"
#include "guards.h"
#include "keylog.h"
#include "method_role.h"
#include "loader_check.h"
#include "policy.h"
#include "trust_store.h"

/* One load of the module's section. A configuration may be loaded more than
 * once; the newest load is the one in effect, and OPENSSL_finish of a load
 * removes only that one. */
typedef struct instance {
    tlsd_policy *policy; /* NULL when the section is broken: fail closed */
    tlsd_guard *guard;   /* what contexts get beyond the policy's settings;
                          * NULL while the build is deferred (below) */
    char *section;
    char *keylog_env;    /* SSLKEYLOGFILE as read at load, for that build */
    struct instance *next;
} instance;

static pthread_mutex_t instances_lock = PTHREAD_MUTEX_INITIALIZER;
static instance *instances; /* newest first */

/* The SSL_CTX ex_data index whose new_func reaches every new context; each
 * context keeps a reference to its guard there. It is registered once and
 * never freed: the module is linked with -z nodelete, so the callbacks stay
 * mapped after OpenSSL's dlclose, and with no load in effect the hook
 * leaves contexts alone. */
static int ctx_index = -1;
static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;

static void finish_instance(instance *inst, int valid, int queue_was_empty);

/* The deferred part of a load (see tlsd_module_init), done by the first
 * context of the load, under instances_lock: the others wait for it, and
 * the ones after find the guard made. Scratch contexts made meanwhile
 * leave this hook at once (tlsd_policy_in_scratch). */
static void build_deferred(instance *inst, SSL_CTX *first, int queue_was_empty)
{
    int valid = tlsd_policy_check(inst->policy, first);

    finish_instance(inst, valid, queue_was_empty);
}

static void on_new_ctx(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
                       long argl, void *argp)
{
    SSL_CTX *ctx = parent;
    const char *section = NULL;
    int applied = -1;

    (void)ptr, (void)argl, (void)argp;
    if (ctx == NULL || tlsd_policy_in_scratch())
        return;
    pthread_mutex_lock(&instances_lock);
    if (instances != NULL) {
        int queue_was_empty = ERR_peek_error() == 0;

        section = instances->section;
        /* Runs inside SSL_CTX_new(): what fails here must not show up on
         * the application's error queue as if its own call had failed. */
        ERR_set_mark();
        if (instances->guard == NULL)
            build_deferred(instances, ctx, queue_was_empty);
        if (instances->guard == NULL) {
            /* No memory for the build: this context refuses TLS (an
             * impossible protocol range), the next one tries again. */
            SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
            SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
        } else {
            if (instances->policy != NULL)
                applied = tlsd_policy_apply(instances->policy, ctx);
            if (!tlsd_guard_install(instances->guard, ctx, ad, idx))
                applied = applied < 0 ? applied : 0;
        }
        ERR_pop_to_mark();
    }
    if (section != NULL && tlsd_debug_enabled()) {
        if (applied < 0)
            tlsd_debug("SSL_CTX %p (%s): TLS refused, section %s is invalid",
                       (void *)ctx, tlsd_ctx_role_name(ctx), section);
        else
            tlsd_debug("SSL_CTX %p (%s): policy of section %s applied%s",
                       (void *)ctx, tlsd_ctx_role_name(ctx), section,
                       applied ? "" : " in part (see OpenSSL's method limits)");
    }
    pthread_mutex_unlock(&instances_lock);
}

static int register_ctx_hook(void)
{
    int ok;

    pthread_mutex_lock(&index_lock);
    if (ctx_index < 0)
        ctx_index = tlsd_guard_register_index(on_new_ctx);
    ok = ctx_index >= 0;
    pthread_mutex_unlock(&index_lock);
    return ok;
}

static int config_diagnostics(const CONF *cnf)
{
    long value = 0;

    ERR_set_mark();
    if (!NCONF_get_number_e(cnf, NULL, "config_diagnostics", &value))
        value = 0;
    ERR_pop_to_mark();
    return value != 0;
}

/* Moves our errors into one line, for the refusals to repeat later:
 * OpenSSL drops a module's errors when its init returns success. Errors
 * that were queued before ours belong to the caller: then only the last,
 * most precise one of ours is copied. */
static void take_errors(char *buf, size_t cap, int queue_was_empty)
{
    const char *data;
    int flags;
    unsigned long e;

    buf[0] = '\0';
    if (!queue_was_empty) {
        e = ERR_peek_last_error_data(&data, &flags);
        snprintf(buf, cap, "%s: %s", ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "error",
                 (flags & ERR_TXT_STRING) ? data : "");
        return;
    }
    while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
        const char *reason = ERR_reason_error_string(e);
        size_t used = strlen(buf);

        snprintf(buf + used, cap - used, "%s%s%s%s", used ? "; " : "",
                 reason != NULL ? reason : "error",
                 (flags & ERR_TXT_STRING) && *data ? ": " : "",
                 (flags & ERR_TXT_STRING) ? data : "");
    }
}

static void trace_policy(const tlsd_policy *p, const char *section)
{
    BIO *mem;
    char *text;
    long len;

    if (!tlsd_debug_enabled() || (mem = BIO_new(BIO_s_mem())) == NULL)
        return;
    BIO_printf(mem, "section %s loaded; effective policy:\n", section);
    tlsd_policy_describe(p, mem);
    BIO_write(mem, "", 1);
    len = BIO_get_mem_data(mem, &text);
    if (len > 0)
        tlsd_debug_lines(text);
    BIO_free(mem);
}

/* <openssl/crypto.h> declares an unrelated void OPENSSL_init(void), so the
 * entry points get their symbol names from assembler labels. */
int tlsd_module_init(CONF_IMODULE *md, const CONF *cnf)
    __asm__("OPENSSL_init") __attribute__((visibility("default")));
void tlsd_module_finish(CONF_IMODULE *md)
    __asm__("OPENSSL_finish") __attribute__((visibility("default")));

static void free_instance(instance *inst)
{
    tlsd_guard_free(inst->guard);
    tlsd_policy_free(inst->policy);
    free(inst->section);
    free(inst->keylog_env);
    free(inst);
}

/* Gives inst its guard: from a policy that passed its checks, or a
 * refusing one (fail closed) whose detail is our errors, taken off the
 * queue. inst->guard stays NULL when out of memory (raised). */
static void finish_instance(instance *inst, int valid, int queue_was_empty)
{
    if (!valid) {
        char detail[512];

        take_errors(detail, sizeof(detail), queue_was_empty);
        tlsd_policy_free(inst->policy);
        inst->policy = NULL;
        inst->guard = tlsd_guard_new_refusing(detail);
        tlsd_debug("section %s is invalid, every new SSL_CTX will refuse TLS: %s",
                   inst->section, detail);
        return;
    }
    inst->guard = tlsd_guard_new(inst->policy, tlsd_keylog_path_of(inst->keylog_env));
    trace_policy(inst->policy, inst->section);
}

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
    int queue_was_empty, deferred = 0;
    instance *inst;

    if (!tlsd_loader_is_own(caller)) {
        tlsd_loader_refuse(caller, "OPENSSL_init");
        return 0;
    }
    section = CONF_imodule_get_value(md);
    queue_was_empty = ERR_peek_error() == 0;

    tlsd_fork_locks_add(&index_lock);
    tlsd_fork_locks_add(&instances_lock);
    /* And now the locks the deferred build takes under instances_lock:
     * registering one there would take the registry's lock inside
     * instances_lock, the reverse of fork()'s order. */
    tlsd_trust_store_fork_locks();
    tlsd_keylog_fork_locks();
    /* The audit's rate limit, shared with children forked from now on. */
    tlsd_audit_log_prepare();

    inst = calloc(1, sizeof(*inst));
    if (inst == NULL
        || (inst->section = strdup(section != NULL ? section : "(none)")) == NULL) {
        free(inst);
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        return 0;
    }
    ERR_set_mark();
    if (section == NULL) {
        /* No section name to read (OpenSSL always passes one today): a
         * broken section, refused like any other. */
        TLSD_RAISE(TLSD_R_MISSING_SECTION, "section=(none)");
        inst->policy = NULL;
    } else {
        if (!build_at_load(cnf)) {
            tlsd_policy_defer_checks(1);
            inst->policy = tlsd_policy_from_section(cnf, section, 1);
            tlsd_policy_defer_checks(0);
            deferred = inst->policy != NULL;
            if (!deferred) {
                /* Broken already: read again with every check, so that
                 * every error is reported, in the file's order. */
                ERR_pop_to_mark();
                ERR_set_mark();
            }
        }
        if (!deferred)
            inst->policy = tlsd_policy_from_section(cnf, section, 1);
    }
    section = inst->section;
    if (inst->policy == NULL && config_diagnostics(cnf)) {
        /* The administrator asked for hard failures: OpenSSL reports
         * our errors and refuses to initialise. */
        ERR_clear_last_mark();
        tlsd_debug("section %s is invalid; config_diagnostics is set, failing the load",
                   section);
        free_instance(inst);
        return 0;
    }
    if (inst->policy == NULL) {
        finish_instance(inst, 0, queue_was_empty);
        ERR_clear_last_mark();
    } else {
        const char *env = secure_getenv("SSLKEYLOGFILE");

        ERR_pop_to_mark();
        /* Read once, when the configuration is loaded (secure_getenv:
         * never for set-user-ID programs), for the build now or later. */
        if (env != NULL && (inst->keylog_env = strdup(env)) == NULL) {
            free_instance(inst);
            TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
            return 0;
        }
        if (!deferred)
            finish_instance(inst, 1, queue_was_empty);
    }
    if ((inst->guard == NULL && !deferred) || !register_ctx_hook()) {
        free_instance(inst);
        return 0;
    }
    pthread_mutex_lock(&instances_lock);
    inst->next = instances;
    instances = inst;
    pthread_mutex_unlock(&instances_lock);
    CONF_imodule_set_usr_data(md, inst);
    return 1;
}

void tlsd_module_finish(CONF_IMODULE *md)
{
    instance *inst;

    if (!tlsd_loader_is_own(__builtin_return_address(0)))
        return; /* its init was refused: nothing to undo, md is not ours to read */
    inst = CONF_imodule_get_usr_data(md);
    if (inst == NULL)
        return;
    pthread_mutex_lock(&instances_lock);
    for (instance **link = &instances; *link != NULL; link = &(*link)->next) {
        if (*link == inst) {
            *link = inst->next;
            break;
        }
    }
    pthread_mutex_unlock(&instances_lock);
    tlsd_debug("section %s unloaded", inst->section);
    free_instance(inst);
    CONF_imodule_set_usr_data(md, NULL);
}
