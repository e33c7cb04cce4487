/* The OpenSSL config module: loaded from a section of [openssl_init] with
 * "path = .../tlsdefaults.so", it applies the section's policy to every
 * SSL_CTX the process creates from then on. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/conf.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "debug.h"
#include "errors.h"
#include "policy.h"

/* One load of the module's section. A configuration may be loaded more than
 * once; the newest load is the one in effect, and OPENSSL_finish of a load
 * removes only that one. */
typedef struct instance {
    tlsd_policy *policy; /* NULL when the section is broken: fail closed */
    char *section;
    struct instance *next;
} instance;

static pthread_rwlock_t instances_lock = PTHREAD_RWLOCK_INITIALIZER;
static instance *instances; /* newest first */

/* What was wrong with the last broken section, for the error raised each
 * time a fail-closed context refuses a handshake. Static, because such
 * contexts outlive the load that made them. */
static char broken_detail[512];

/* The SSL_CTX ex_data index whose new_func reaches every new context. It is
 * registered once and never freed: the module is linked with -z nodelete,
 * so the callback stays mapped after OpenSSL's dlclose, and with no load in
 * effect it leaves contexts alone. */
static int ctx_index = -1;
static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;

typedef int (*security_cb)(const SSL *s, const SSL_CTX *ctx, int op, int bits,
                           int nid, void *other, void *ex);
static _Atomic(security_cb) openssl_security_cb;

static const char *method_kind(const SSL_CTX *ctx)
{
    const SSL_METHOD *m = SSL_CTX_get_ssl_method(ctx);

    if (m == TLS_client_method())
        return "client";
    if (m == TLS_server_method())
        return "server";
    if (m == TLS_method())
        return "generic";
    return "other";
}

/* Fail closed: refuse every protocol version, so that no handshake can
 * start, and say why on the error queue. Everything else goes to OpenSSL's
 * own callback (security levels keep working). */
static int refuse_tls(const SSL *s, const SSL_CTX *ctx, int op, int bits,
                      int nid, void *other, void *ex)
{
    if (op == SSL_SECOP_VERSION) {
        /* Called once per candidate version: report it once. */
        if (ERR_GET_LIB(ERR_peek_last_error()) != tlsd_err_lib()) {
            pthread_rwlock_rdlock(&instances_lock);
            TLSD_RAISE(TLSD_R_TLS_REFUSED, "%s", broken_detail);
            pthread_rwlock_unlock(&instances_lock);
        }
        return 0;
    }
    return atomic_load(&openssl_security_cb)(s, ctx, op, bits, nid, other, ex);
}

static void on_new_ctx(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
                       long argl, void *argp)
{
    SSL_CTX *ctx = parent;
    const char *section = NULL;
    int applied = -1;

    (void)ptr, (void)ad, (void)idx, (void)argl, (void)argp;
    if (ctx == NULL || tlsd_policy_in_scratch())
        return;
    pthread_rwlock_rdlock(&instances_lock);
    if (instances != NULL) {
        section = instances->section;
        if (instances->policy != NULL) {
            applied = tlsd_policy_apply(instances->policy, ctx);
        } else {
            atomic_store(&openssl_security_cb, SSL_CTX_get_security_callback(ctx));
            SSL_CTX_set_security_callback(ctx, refuse_tls);
        }
    }
    if (section != NULL && tlsd_debug_enabled()) {
        if (applied < 0)
            tlsd_debug("SSL_CTX %p (%s): TLS refused, section %s is invalid",
                       (void *)ctx, method_kind(ctx), section);
        else
            tlsd_debug("SSL_CTX %p (%s): policy of section %s applied%s",
                       (void *)ctx, method_kind(ctx), section,
                       applied ? "" : " in part (see OpenSSL's method limits)");
    }
    pthread_rwlock_unlock(&instances_lock);
}

static int register_ctx_hook(void)
{
    int ok;

    pthread_mutex_lock(&index_lock);
    if (ctx_index < 0)
        ctx_index = CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL_CTX, 0, NULL,
                                            on_new_ctx, NULL, NULL);
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

int tlsd_module_init(CONF_IMODULE *md, const CONF *cnf)
{
    const char *section = CONF_imodule_get_value(md);
    int queue_was_empty = ERR_peek_error() == 0;
    instance *inst;

    inst = calloc(1, sizeof(*inst));
    if (inst == NULL || (inst->section = strdup(section)) == NULL) {
        free(inst);
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        return 0;
    }
    ERR_set_mark();
    inst->policy = tlsd_policy_from_section(cnf, section, 1);
    if (inst->policy == NULL && config_diagnostics(cnf)) {
        /* The administrator asked for hard failures: OpenSSL reports
         * our errors and refuses to initialise. */
        ERR_clear_last_mark();
        tlsd_debug("section %s is invalid; config_diagnostics is set, failing the load",
                   section);
        free(inst->section);
        free(inst);
        return 0;
    }
    if (inst->policy == NULL) {
        char detail[sizeof(broken_detail)];

        take_errors(detail, sizeof(detail), queue_was_empty);
        ERR_clear_last_mark();
        pthread_rwlock_wrlock(&instances_lock);
        memcpy(broken_detail, detail, sizeof(broken_detail));
        pthread_rwlock_unlock(&instances_lock);
        tlsd_debug("section %s is invalid, every new SSL_CTX will refuse TLS: %s",
                   section, detail);
    } else {
        ERR_pop_to_mark();
        trace_policy(inst->policy, section);
    }
    if (!register_ctx_hook()) {
        tlsd_policy_free(inst->policy);
        free(inst->section);
        free(inst);
        return 0;
    }
    pthread_rwlock_wrlock(&instances_lock);
    inst->next = instances;
    instances = inst;
    pthread_rwlock_unlock(&instances_lock);
    CONF_imodule_set_usr_data(md, inst);
    return 1;
}

void tlsd_module_finish(CONF_IMODULE *md)
{
    instance *inst = CONF_imodule_get_usr_data(md);

    if (inst == NULL)
        return;
    pthread_rwlock_wrlock(&instances_lock);
    for (instance **link = &instances; *link != NULL; link = &(*link)->next) {
        if (*link == inst) {
            *link = inst->next;
            break;
        }
    }
    pthread_rwlock_unlock(&instances_lock);
    tlsd_debug("section %s unloaded", inst->section);
    tlsd_policy_free(inst->policy);
    free(inst->section);
    free(inst);
    CONF_imodule_set_usr_data(md, NULL);
}
