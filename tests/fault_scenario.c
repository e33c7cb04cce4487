/* SPDX-License-Identifier: Apache-2.0 */
/* One run of the allocation-failure sweep, in a child process: the
 * configuration load, a careless client context and its handshakes (two
 * weak servers the policy must refuse, one good server), a reload and a
 * new context that the TLS 1.1 server must not get through (the cheaper
 * of the two weak handshakes), then the unload. The fault (fail_alloc.c) is armed for all
 * of it. */
#include <dlfcn.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

#include <openssl/conf.h>
#include <openssl/err.h>

#include "fail_alloc.h"
#include "fault_sweep.h"

/* --- whether OpenSSL called the module --------------------------------- */

/* The module's init starts by asking where it was called from
 * (loader_check.c: dl_iterate_phdr) and then for its section
 * (CONF_imodule_get_value): both calls come from inside the module. This
 * executable defines them (exported: the module binds to them) and hands
 * them on to the real ones. */
typedef int iterate_fn(int (*cb)(struct dl_phdr_info *, size_t, void *), void *arg);
typedef const char *get_value_fn(const CONF_IMODULE *md);
static iterate_fn *real_iterate;
static get_value_fn *real_get_value;
static const char *module_file;
static volatile int module_called;

/* dladdr() allocates nothing; the module is found by its file name, as
 * OpenSSL's dlopen() was given it, so that the sweep maps nothing of the
 * module before the fault is armed (its mapping is swept too). */
static void note_caller(const void *addr)
{
    Dl_info info;

    if (module_file != NULL && dladdr(addr, &info) != 0 && info.dli_fname != NULL
        && strcmp(info.dli_fname, module_file) == 0)
        module_called = 1;
}

int dl_iterate_phdr(int (*cb)(struct dl_phdr_info *, size_t, void *), void *arg)
{
    note_caller(__builtin_return_address(0));
    return real_iterate(cb, arg);
}

const char *CONF_imodule_get_value(const CONF_IMODULE *md)
{
    note_caller(__builtin_return_address(0));
    return real_get_value(md);
}

int tlsd_sweep_probes_init(const char *module_path)
{
    real_iterate = (iterate_fn *)dlsym(RTLD_NEXT, "dl_iterate_phdr");
    real_get_value = (get_value_fn *)dlsym(RTLD_NEXT, "CONF_imodule_get_value");
    module_file = module_path;
    return real_iterate != NULL && real_get_value != NULL;
}

/* --- the run ------------------------------------------------------------ */

/* A handshake over a BIO pair in which only the client's allocations are
 * counted (and may fail): the server is the test's. Returns 1 when both
 * sides completed it; err gets the client's first error. */
static int side(SSL *ssl, int server, int *rc)
{
    if (*rc == 1)
        return 1;
    tlsd_fail_alloc_pause(server);
    if ((*rc = SSL_do_handshake(ssl)) != 1) {
        int e = SSL_get_error(ssl, *rc);

        *rc = e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ? 0 : -1;
    }
    tlsd_fail_alloc_pause(0);
    return *rc >= 0;
}

static int handshake(SSL_CTX *client_ctx, SSL_CTX *server_ctx, char *err, size_t cap)
{
    SSL *client = SSL_new(client_ctx), *server;
    BIO *cb = NULL, *sb = NULL;
    int crc = 0, src = 0, ok;

    tlsd_fail_alloc_pause(1);
    server = SSL_new(server_ctx);
    ok = server != NULL && BIO_new_bio_pair(&cb, 0, &sb, 0);
    tlsd_fail_alloc_pause(0);
    if (ok && client != NULL && SSL_set_tlsext_host_name(client, "localhost")) {
        SSL_set_bio(client, cb, cb);
        SSL_set_bio(server, sb, sb);
        cb = sb = NULL;
        SSL_set_connect_state(client);
        SSL_set_accept_state(server);
        for (int round = 0; round < 64 && side(client, 0, &crc) && side(server, 1, &src)
                            && !(crc == 1 && src == 1);
             round++)
            ;
    }
    ok = crc == 1 && src == 1;
    err[0] = '\0';
    if (!ok && ERR_peek_error() != 0)
        ERR_error_string_n(ERR_peek_error(), err, cap);
    ERR_clear_error();
    tlsd_fail_alloc_pause(1);
    SSL_free(server);
    BIO_free(cb);
    BIO_free(sb);
    tlsd_fail_alloc_pause(0);
    SSL_free(client);
    return ok;
}

typedef struct {
    int weak_through; /* a weak server's handshake completed */
    int good_ok;      /* the good server's did */
    int refused;      /* the good one was refused by the module (its error) */
} phase_result;


/* A careless client: it never chooses peer verification, and lowers the
 * security level (TLS 1.1 needs level 0 from OpenSSL 3.0 on), and under
 * Enforce the protocol floor too: the policy must hold what it may. */
static void careless_phase(const tlsd_sweep_config *c, const tlsd_sweep_servers *s, int all,
                           phase_result *out)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    char err[256];

    memset(out, 0, sizeof(*out));
    if (ctx == NULL)
        return;
    SSL_CTX_set_security_level(ctx, 0);
    if (c->enforce)
        SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    out->weak_through |= handshake(ctx, s->weak_version, err, sizeof(err));
    if (all) {
        out->weak_through |= handshake(ctx, s->weak_cert, err, sizeof(err));
        out->good_ok = handshake(ctx, s->good, err, sizeof(err));
        /* The library's name in the error: the module refused. */
        out->refused = !out->good_ok && strstr(err, "tlsdefaults") != NULL;
    } else {
        out->good_ok = 1; /* after the reload: only whether the policy holds */
    }
    SSL_CTX_free(ctx);
    ERR_clear_error();
}

static void mark(tlsd_sweep_slot *slot, int step)
{
    slot->by_step[step] = tlsd_fail_alloc_count();
    if (slot->hit_step < 0 && tlsd_fail_alloc_hit())
        slot->hit_step = step;
}

/* A phase's outcome, worst first. */
static int outcome_of(const phase_result *p, int called)
{
    if (p->weak_through)
        return called ? TLSD_SWEEP_BELOW_POLICY : TLSD_SWEEP_WITHOUT_MODULE;
    if (p->good_ok)
        return TLSD_SWEEP_HELD;
    return p->refused ? TLSD_SWEEP_REFUSED : TLSD_SWEEP_ERROR;
}

static int worse(int a, int b)
{
    static const int order[] = {TLSD_SWEEP_BELOW_POLICY, TLSD_SWEEP_WITHOUT_MODULE,
                                TLSD_SWEEP_ERROR, TLSD_SWEEP_REFUSED, TLSD_SWEEP_HELD};

    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (a == order[i] || b == order[i])
            return order[i];
    return a;
}

int tlsd_sweep_run(const tlsd_sweep_config *c, const char *cnf, const tlsd_sweep_servers *s,
                   long nth, tlsd_sweep_slot *slot)
{
    phase_result first, second;
    int loaded, outcome;

    slot->hit_step = -1;
    tlsd_fail_alloc_arm(nth);
    loaded = CONF_modules_load_file(cnf, NULL, 0) > 0;
    mark(slot, TLSD_SWEEP_LOAD);
    ERR_clear_error();
    if (!loaded && c->diagnostics) {
        /* OPENSSL_init_ssl() would have failed: the program stops here. */
        outcome = TLSD_SWEEP_LOAD_FAILED;
    } else {
        careless_phase(c, s, 1, &first);
        mark(slot, TLSD_SWEEP_CONTEXT);
        outcome = outcome_of(&first, module_called);
        (void)CONF_modules_load_file(cnf, NULL, 0); /* the reload */
        mark(slot, TLSD_SWEEP_RELOAD);
        ERR_clear_error();
        careless_phase(c, s, 0, &second);
        mark(slot, TLSD_SWEEP_CONTEXT2);
        /* A reload that OpenSSL gave up before calling the module leaves
         * the first load in effect, which must still hold. */
        outcome = worse(outcome, outcome_of(&second, module_called));
    }
    slot->module_called = module_called;
    CONF_modules_unload(1);
    mark(slot, TLSD_SWEEP_UNLOAD);
    tlsd_fail_alloc_disarm();
    slot->allocations = tlsd_fail_alloc_count();
    return outcome;
}
