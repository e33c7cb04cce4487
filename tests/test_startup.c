/* SPDX-License-Identifier: Apache-2.0 */
/* The module's deferred build (issue 15): a load checks only what needs no
 * OpenSSL and leaves OpenSSL's checks, the protocol bounds and the guard
 * to its first SSL_CTX. Many threads making their first contexts at the
 * same moment must find one build, done once: every context with the
 * policy and the same guard (the security callback's ex_data, public API),
 * and a section that only OpenSSL finds broken refused in every thread.
 * Run under ThreadSanitizer (the tsan preset) as well as plainly. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tlsdefaults.h"
#include "test_certs.h"
#include "test_config.h"
#include "test_errors.h"
#include "test_handshake.h"
#include "test_main.h"

#define THREADS 16

/* Made once by the main thread: the helpers' buffers are not thread-safe. */
static char root[512], chain[512], cnf_tls13[512], cnf_no_ciphers[512], cnf_no_ciphers_diag[512];

static pthread_barrier_t start;

typedef struct {
    SSL_CTX *ctx;
    int handshake_ok;     /* a full handshake with a context of this thread */
    int refused;          /* refused with our error naming the key */
    char failure[800];
} first_context;

/* Waits for the other threads, then makes this thread's first context of
 * the load, and a handshake from it to a server context of its own. */
static void *make_first_context(void *arg)
{
    first_context *fc = arg;
    SSL_CTX *server;
    SSL *ssl = NULL;
    BIO *a = NULL, *b = NULL;
    tlsd_test_result r;

    pthread_barrier_wait(&start);
    fc->ctx = SSL_CTX_new(TLS_client_method());
    if (fc->ctx == NULL)
        return NULL;
    SSL_CTX_up_ref(fc->ctx); /* kept for the main thread, after the handshake */
    SSL_CTX_set_verify(fc->ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_load_verify_locations(fc->ctx, root, NULL);
    server = tlsd_test_server_ctx(chain);
    fc->handshake_ok = server != NULL
                       && tlsd_test_handshake(fc->ctx, server, "localhost", "localhost", &r);
    if (!fc->handshake_ok)
        snprintf(fc->failure, sizeof(fc->failure), "%s", tlsd_test_result_str(&r));
    SSL_CTX_free(server);

    /* A failed one: the refusal's reason, on this thread's queue, from a
     * client that sends nothing at all. */
    ERR_clear_error();
    if (!fc->handshake_ok && (ssl = SSL_new(fc->ctx)) != NULL && BIO_new_bio_pair(&a, 0, &b, 0)) {
        SSL_set_bio(ssl, a, a);
        fc->refused = SSL_connect(ssl) <= 0
                      && tlsd_test_take_error(TLSD_R_TLS_REFUSED, "key=CipherString");
    }
    ERR_clear_error();
    SSL_free(ssl);
    BIO_free(b);
    SSL_CTX_free(fc->ctx);
    return NULL;
}

/* Loads cnf, then lets THREADS threads make their first contexts at once. */
static void race_first_contexts(const char *cnf, first_context *fc)
{
    pthread_t t[THREADS];

    memset(fc, 0, sizeof(*fc) * THREADS);
    CU_ASSERT_FATAL(CONF_modules_load_file(cnf, NULL, 0) == 1);
    CU_ASSERT_FATAL(pthread_barrier_init(&start, NULL, THREADS) == 0);
    for (int i = 0; i < THREADS; i++)
        CU_ASSERT_FATAL(pthread_create(&t[i], NULL, make_first_context, &fc[i]) == 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start);
}

/* The guard the module installed on ctx (NULL: none), as OpenSSL hands it
 * to the security callback. */
static const void *guard_of(const SSL_CTX *ctx)
{
    return SSL_CTX_get0_security_ex_data(ctx);
}

static void test_one_build_for_many_first_contexts(void)
{
    first_context fc[THREADS];
    const void *guard;
    SSL_CTX *later;

    race_first_contexts(cnf_tls13, fc);
    CU_ASSERT_FATAL(fc[0].ctx != NULL);
    guard = guard_of(fc[0].ctx);
    CU_ASSERT_PTR_NOT_NULL(guard);
    for (int i = 0; i < THREADS; i++) {
        CU_ASSERT_FATAL(fc[i].ctx != NULL);
        /* The section's setting, on every context. */
        CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(fc[i].ctx), TLS1_3_VERSION);
        /* One build: one guard, shared by all of them. */
        CU_ASSERT_PTR_EQUAL(guard_of(fc[i].ctx), guard);
        CU_ASSERT_TRUE(fc[i].handshake_ok);
        CU_ASSERT_FALSE(fc[i].refused);
        if (!fc[i].handshake_ok)
            fprintf(stderr, "\n  thread %d: %s\n", i, fc[i].failure);
    }
    /* And the contexts after them get it too, built no more. */
    later = SSL_CTX_new(TLS_client_method());
    CU_ASSERT_FATAL(later != NULL);
    CU_ASSERT_PTR_EQUAL(guard_of(later), guard);
    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(later), TLS1_3_VERSION);
    SSL_CTX_free(later);
    for (int i = 0; i < THREADS; i++)
        SSL_CTX_free(fc[i].ctx);
    CONF_modules_unload(0);

    /* Negative control: unloaded, a context has neither. */
    later = SSL_CTX_new(TLS_client_method());
    CU_ASSERT_FATAL(later != NULL);
    CU_ASSERT_PTR_NULL(guard_of(later));
    CU_ASSERT_NOT_EQUAL(SSL_CTX_get_min_proto_version(later), TLS1_3_VERSION);
    SSL_CTX_free(later);
}

/* A cipher string that selects nothing: only OpenSSL can tell. The load
 * succeeds (config_diagnostics unset), and every first context refuses. */
static void test_broken_section_refused_in_every_thread(void)
{
    first_context fc[THREADS];
    const void *guard;

    race_first_contexts(cnf_no_ciphers, fc);
    CU_ASSERT_FATAL(fc[0].ctx != NULL);
    guard = guard_of(fc[0].ctx); /* read before the loop frees fc[0] */
    for (int i = 0; i < THREADS; i++) {
        CU_ASSERT_FATAL(fc[i].ctx != NULL);
        CU_ASSERT_PTR_EQUAL(guard_of(fc[i].ctx), guard);
        CU_ASSERT_FALSE(fc[i].handshake_ok);
        CU_ASSERT_TRUE(fc[i].refused);
        SSL_CTX_free(fc[i].ctx);
    }
    CONF_modules_unload(0);

    /* Negative control: unloaded, the same threads' handshakes succeed. */
    race_first_contexts(tlsd_test_write_cnf("startup-none", NULL, NULL, NULL, NULL), fc);
    CONF_modules_unload(0);
    for (int i = 0; i < THREADS; i++) {
        CU_ASSERT_TRUE(fc[i].handshake_ok);
        SSL_CTX_free(fc[i].ctx);
    }
}

/* config_diagnostics = 1: the same section fails the load itself, with
 * OpenSSL's and our errors, as before the build was deferred. */
static void test_diagnostics_fail_at_load(void)
{
    ERR_clear_error();
    CU_ASSERT(CONF_modules_load_file(cnf_no_ciphers_diag, NULL, 0) <= 0);
    CU_ASSERT_TRUE(tlsd_test_take_error(TLSD_R_BAD_VALUE, "key=CipherString value=aNULL:!aNULL"));
    CONF_modules_unload(0);
}

/* The deferred checks run on the load's first context when it is a
 * version-flexible TLS one, on a scratch context otherwise: a first context
 * of another kind, or an audited bound (never applied), must not change
 * what the contexts get. */
static void test_first_context_as_checker(void)
{
    char audited[512], broken[512];
    SSL_CTX *first, *next;

    /* tlsd_test_write_cnf() returns a buffer of its own: copied. */
    snprintf(audited, sizeof(audited), "%s",
             tlsd_test_write_cnf("startup-audit-min", NULL, NULL,
                                 "MinProtocol = TLSv1.3\nAudit = MinProtocol\nAuditLog = stderr", NULL));
    snprintf(broken, sizeof(broken), "%s",
             tlsd_test_write_cnf("startup-broken-dtls", NULL, NULL, "CipherString = aNULL:!aNULL", NULL));

    /* A DTLS first context: the TLS bound is still computed (scratch). */
    CU_ASSERT_FATAL(CONF_modules_load_file(cnf_tls13, NULL, 0) == 1);
    first = SSL_CTX_new(DTLS_client_method());
    next = SSL_CTX_new(TLS_client_method());
    CU_ASSERT_FATAL(first != NULL && next != NULL);
    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(first), DTLS1_2_VERSION);
    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(next), TLS1_3_VERSION);
    CU_ASSERT_PTR_EQUAL(guard_of(first), guard_of(next));
    SSL_CTX_free(first);
    SSL_CTX_free(next);
    CONF_modules_unload(0);

    /* Audit = MinProtocol: the first context is checked but keeps no floor
     * (the same section without Audit sets it: test above). */
    CU_ASSERT_FATAL(CONF_modules_load_file(audited, NULL, 0) == 1);
    first = SSL_CTX_new(TLS_client_method());
    next = SSL_CTX_new(TLS_client_method());
    CU_ASSERT_FATAL(first != NULL && next != NULL);
    CU_ASSERT_NOT_EQUAL(SSL_CTX_get_min_proto_version(first), TLS1_3_VERSION);
    CU_ASSERT_NOT_EQUAL(SSL_CTX_get_min_proto_version(next), TLS1_3_VERSION);
    SSL_CTX_free(first);
    SSL_CTX_free(next);
    CONF_modules_unload(0);

    /* A broken section found by a DTLS first context refuses TLS later. */
    CU_ASSERT_FATAL(CONF_modules_load_file(broken, NULL, 0) == 1);
    first = SSL_CTX_new(DTLS_client_method());
    next = SSL_CTX_new(TLS_client_method());
    CU_ASSERT_FATAL(first != NULL && next != NULL);
    {
        SSL *ssl = SSL_new(next);
        BIO *a = NULL, *b = NULL;

        CU_ASSERT_FATAL(ssl != NULL && BIO_new_bio_pair(&a, 0, &b, 0));
        SSL_set_bio(ssl, a, a);
        ERR_clear_error();
        CU_ASSERT(SSL_connect(ssl) <= 0);
        CU_ASSERT_TRUE(tlsd_test_take_error(TLSD_R_TLS_REFUSED, "key=CipherString"));
        SSL_free(ssl);
        BIO_free(b);
    }
    SSL_CTX_free(first);
    SSL_CTX_free(next);
    CONF_modules_unload(0);
}

static int init(void)
{
    if (tlsd_test_certs_dir() == NULL)
        return -1;
    snprintf(root, sizeof(root), "%s", tlsd_test_cert_path("root.pem"));
    snprintf(chain, sizeof(chain), "%s", tlsd_test_cert_path("leaf-chain.pem"));
    /* Enforce: the build also makes the guard's cipher list. */
    snprintf(cnf_tls13, sizeof(cnf_tls13), "%s",
             tlsd_test_write_cnf("startup-tls13", NULL, NULL,
                                 "MinProtocol = TLSv1.3\nEnforce = yes", NULL));
    snprintf(cnf_no_ciphers, sizeof(cnf_no_ciphers), "%s",
             tlsd_test_write_cnf("startup-no-ciphers", NULL, NULL, "CipherString = aNULL:!aNULL",
                                 NULL));
    snprintf(cnf_no_ciphers_diag, sizeof(cnf_no_ciphers_diag), "%s",
             tlsd_test_write_cnf("startup-no-ciphers-diag", "config_diagnostics = 1", NULL,
                                 "CipherString = aNULL:!aNULL", NULL));
    return 0;
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"16 threads' first contexts share one deferred build", test_one_build_for_many_first_contexts},
        {"a section only OpenSSL rejects refuses in every thread", test_broken_section_refused_in_every_thread},
        {"config_diagnostics = 1 still fails at load", test_diagnostics_fail_at_load},
        {"the first context checks, unless DTLS or an audited bound", test_first_context_as_checker},
        CU_TEST_INFO_NULL,
    };

    return tlsd_test_main("deferred build", init, NULL, tests);
}
