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
/* Not instrumented: AddressSanitizer calls dl_iterate_phdr() while it
 * starts, before its shadow memory exists. */
#define TLSD_NO_ASAN __attribute__((no_sanitize("address")))

TLSD_NO_ASAN static void note_caller(const void *addr)
{
    Dl_info info;

    if (module_file != NULL && dladdr(addr, &info) != 0 && info.dli_fname != NULL
        && strcmp(info.dli_fname, module_file) == 0)
        module_called = 1;
}

TLSD_NO_ASAN int dl_iterate_phdr(int (*cb)(struct dl_phdr_info *, size_t, void *), void *arg)
{
    if (real_iterate == NULL) /* before main (ASan's start) */
        real_iterate = (iterate_fn *)dlsym(RTLD_NEXT, "dl_iterate_phdr");
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

/* A careless client: it never chooses peer verification, and lowers the
 * security level (TLS 1.1 needs level 0 from OpenSSL 3.0 on), and under
 * Enforce the protocol floor too: the policy must hold what it may. */
static SSL_CTX *careless_ctx(const tlsd_sweep_config *c)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    if (ctx != NULL) {
        SSL_CTX_set_security_level(ctx, 0);
        if (c->enforce)
            SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    }
    return ctx;
}

static void mark(tlsd_sweep_state *st, int step)
{
    if (st->slot->hit_step < 0 && tlsd_fail_alloc_hit())
        st->slot->hit_step = step;
}

/* A phase's outcome, worst first. */
static int phase_outcome(const tlsd_sweep_state *st, int good_ok, int refused)
{
    if (st->weak_through)
        return module_called ? TLSD_SWEEP_BELOW_POLICY : TLSD_SWEEP_WITHOUT_MODULE;
    if (good_ok)
        return TLSD_SWEEP_HELD;
    return refused ? TLSD_SWEEP_REFUSED : TLSD_SWEEP_ERROR;
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

void tlsd_sweep_begin(tlsd_sweep_state *st, const tlsd_sweep_config *c, const char *cnf,
                      const tlsd_sweep_servers *s, tlsd_sweep_slot *slot)
{
    memset(st, 0, sizeof(*st));
    st->c = c, st->cnf = cnf, st->s = s, st->slot = slot;
    st->outcome = TLSD_SWEEP_HELD;
    slot->hit_step = -1;
    module_called = 0;
}

/* The steps: the load; the careless context and the TLS 1.1 server; the
 * self-signed server; the good server; the reload; a new context and the
 * TLS 1.1 server (the cheaper weak handshake: does the policy still
 * hold); the unload. */
static void first_phase(tlsd_sweep_state *st, int step)
{
    char err[256];
    int good_ok;

    if (step == 1 && (st->ctx = careless_ctx(st->c)) != NULL)
        st->weak_through |= handshake(st->ctx, st->s->weak_version, err, sizeof(err));
    if (step == 2 && st->ctx != NULL)
        st->weak_through |= handshake(st->ctx, st->s->weak_cert, err, sizeof(err));
    if (step != 3)
        return;
    good_ok = st->ctx != NULL && handshake(st->ctx, st->s->good, err, sizeof(err));
    /* The library's name in the error: the module refused. */
    st->outcome = phase_outcome(st, good_ok, !good_ok && strstr(err, "tlsdefaults") != NULL);
    SSL_CTX_free(st->ctx);
    st->ctx = NULL;
    mark(st, TLSD_SWEEP_CONTEXT);
}

void tlsd_sweep_step(tlsd_sweep_state *st, int step)
{
    char err[256];

    st->slot->at_checkpoint[step] = tlsd_fail_alloc_count();

    if (st->stopped && step < TLSD_SWEEP_CHECKPOINTS - 1)
        return;
    if (step == 0) {
        /* config_diagnostics: a failed load fails OPENSSL_init_ssl(), and
         * the program stops. */
        st->stopped = CONF_modules_load_file(st->cnf, NULL, 0) <= 0 && st->c->diagnostics;
        mark(st, TLSD_SWEEP_LOAD);
    } else if (step <= 3) {
        first_phase(st, step);
    } else if (step == 4) {
        (void)CONF_modules_load_file(st->cnf, NULL, 0);
        mark(st, TLSD_SWEEP_RELOAD);
    } else if (step == 5) {
        /* A reload that OpenSSL gave up before calling the module leaves
         * the first load in effect, which must still hold. */
        st->weak_through = 0;
        if ((st->ctx = careless_ctx(st->c)) != NULL)
            st->weak_through |= handshake(st->ctx, st->s->weak_version, err, sizeof(err));
        st->outcome = worse(st->outcome, phase_outcome(st, 1, 0));
        SSL_CTX_free(st->ctx);
        st->ctx = NULL;
        mark(st, TLSD_SWEEP_CONTEXT2);
    } else {
        CONF_modules_unload(1);
        mark(st, TLSD_SWEEP_UNLOAD);
    }
    ERR_clear_error();
}

int tlsd_sweep_end(tlsd_sweep_state *st)
{
    tlsd_fail_alloc_disarm();
    st->slot->module_called = module_called;
    st->slot->allocations = tlsd_fail_alloc_count();
    return st->stopped ? TLSD_SWEEP_LOAD_FAILED : st->outcome;
}
