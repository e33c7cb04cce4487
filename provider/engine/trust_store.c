/* SPDX-License-Identifier: Apache-2.0 */
/* Shared trust stores, consulted by each context's verifications through
 * its store's issuer and certificate lookups: no context re-reads the
 * bundle, nothing is copied into a context's own store (what is there is
 * the program's), and what a program adds to one context never reaches
 * another. */
#include "trust_store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/x509_vfy.h>

#include "errors.h"
#include "fork_locks.h"
#include "tlsdefaults.h"

/* OpenSSL 4.0 made the certificate of the issuer lookup, and the context
 * of the certificate lookup, const. */
#if OPENSSL_VERSION_MAJOR >= 4
typedef const X509 subject_cert;
typedef const X509_STORE_CTX lookup_ctx;
#else
typedef X509 subject_cert;
typedef X509_STORE_CTX lookup_ctx;
#endif

/* A source as one use of it: what a context's store points to. */
typedef struct {
    const tlsd_trust_source *src;
    tlsd_trust_use use;
} binding;

struct tlsd_trust_source {
    char *source; /* "system" or an absolute path */
    _Atomic(X509_STORE *) store; /* read by the first lookup that needs it */
    binding uses[2];             /* indexed by tlsd_trust_use */
    struct tlsd_trust_source *next;
};

static pthread_mutex_t sources_lock = PTHREAD_MUTEX_INITIALIZER;
static tlsd_trust_source *sources;

/* The X509_STORE ex_data index holding a context store's binding. */
static int store_index = -1;
static CRYPTO_ONCE store_index_once = CRYPTO_ONCE_STATIC_INIT;

/* Held by a thread inside a shared store, so that fork() (which takes it)
 * finds no thread inside one: their own locks are OpenSSL's, which a child
 * could not release. (OpenSSL's store lock serialises these lookups
 * already: a mutex costs nothing more.) */
static pthread_mutex_t inside_shared = PTHREAD_MUTEX_INITIALIZER;

static void load_source(tlsd_trust_source *src)
{
    X509_STORE *store = X509_STORE_new();
    struct stat sb;

    if (store == NULL)
        return;
    /* A missing or unreadable bundle is not an error here (as in Python):
     * verification fails later, and says so. */
    ERR_set_mark();
    if (strcmp(src->source, "system") == 0)
        X509_STORE_set_default_paths(store);
    else if (stat(src->source, &sb) == 0 && S_ISDIR(sb.st_mode))
        X509_STORE_load_path(store, src->source);
    else
        X509_STORE_load_file(store, src->source);
    ERR_pop_to_mark();
    atomic_store(&src->store, store);
}

/* Read by the first lookup that needs it, under inside_shared (which every
 * caller holds): no thread-local to hand src to a pthread_once(). A store
 * that could not be made (no memory) is tried again by the next lookup. */
static X509_STORE *source_store(const tlsd_trust_source *src)
{
    if (atomic_load(&src->store) == NULL)
        load_source((tlsd_trust_source *)src);
    return atomic_load(&src->store);
}

/* True when the store holds a certificate: the program chose anchors (the
 * module never puts any there), and they are never widened. */
static int holds_certificates(X509_STORE *store)
{
    STACK_OF(X509_OBJECT) *objs;
    int found = 0;

    if (!X509_STORE_lock(store))
        return 1;
    objs = X509_STORE_get0_objects(store);
    for (int i = 0; i < sk_X509_OBJECT_num(objs) && !found; i++)
        found = X509_OBJECT_get_type(sk_X509_OBJECT_value(objs, i)) == X509_LU_X509;
    X509_STORE_unlock(store);
    return found;
}

/* The SSL ex_data index of a connection's own source (a Peers entry's
 * TrustStore), registered with the store index; &no_source: none. */
static int connection_index = -1;
static const binding no_source = {NULL, TLSD_TRUST_ANCHORLESS_CLIENTS};

/* The source this verification may consult, or NULL. */
static const tlsd_trust_source *source_for(const X509_STORE_CTX *sctx)
{
    X509_STORE *own = X509_STORE_CTX_get0_store(sctx);
    const binding *b = own != NULL ? X509_STORE_get_ex_data(own, store_index) : NULL;
    const binding *of_connection;
    SSL *ssl;

    if (b == NULL)
        return NULL;
    if (b->use == TLSD_TRUST_ALWAYS)
        return b->src;
    ssl = X509_STORE_CTX_get_ex_data(sctx, SSL_get_ex_data_X509_STORE_CTX_idx());
    if (ssl == NULL || SSL_is_server(ssl) || holds_certificates(own))
        return NULL;
    if (connection_index >= 0 && (of_connection = SSL_get_ex_data(ssl, connection_index)) != NULL)
        return of_connection->src;
    return b->src;
}

/* A verification context on the shared store, to ask it with OpenSSL's own
 * lookups (its cache, then its hashed directory). */
static X509_STORE_CTX *shared_ctx(const tlsd_trust_source *src, const X509_STORE_CTX *asking)
{
    X509_STORE *shared = source_store(src);
    X509_STORE_CTX *sctx = shared != NULL ? X509_STORE_CTX_new() : NULL;

    if (sctx == NULL || !X509_STORE_CTX_init(sctx, shared, X509_STORE_CTX_get0_cert(asking), NULL)) {
        X509_STORE_CTX_free(sctx);
        return NULL;
    }
    /* Same time and flags as the verification that asks. */
    X509_VERIFY_PARAM_set1(X509_STORE_CTX_get0_param(sctx), X509_STORE_CTX_get0_param(asking));
    return sctx;
}

/* The store's get_issuer_cb: its own certificates first, then the source. */
static int get_issuer_cb(X509 **issuer, X509_STORE_CTX *sctx, subject_cert *x)
{
    const tlsd_trust_source *src;
    X509_STORE_CTX *shared;
    int ret = X509_STORE_CTX_get1_issuer(issuer, sctx, x);

    if (ret != 0 || (src = source_for(sctx)) == NULL)
        return ret;
    pthread_mutex_lock(&inside_shared);
    if ((shared = shared_ctx(src, sctx)) != NULL) {
        ERR_set_mark();
        ret = X509_STORE_CTX_get1_issuer(issuer, shared, x);
        ERR_pop_to_mark();
        X509_STORE_CTX_free(shared);
    }
    pthread_mutex_unlock(&inside_shared);
    return ret;
}

/* The store's lookup_certs_cb (used for the partial-chain check): the same. */
static STACK_OF(X509) *lookup_certs_cb(lookup_ctx *sctx, const X509_NAME *name)
{
    const tlsd_trust_source *src;
    X509_STORE_CTX *shared;
    STACK_OF(X509) *certs;

    ERR_set_mark();
    certs = X509_STORE_CTX_get1_certs(sctx, (X509_NAME *)name);
    if ((certs == NULL || sk_X509_num(certs) == 0) && (src = source_for(sctx)) != NULL) {
        pthread_mutex_lock(&inside_shared);
        if ((shared = shared_ctx(src, sctx)) != NULL) {
            sk_X509_pop_free(certs, X509_free);
            certs = X509_STORE_CTX_get1_certs(shared, (X509_NAME *)name);
            X509_STORE_CTX_free(shared);
        }
        pthread_mutex_unlock(&inside_shared);
    }
    ERR_pop_to_mark();
    return certs;
}

static void register_store_index(void)
{
    store_index = X509_STORE_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    connection_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

void tlsd_trust_store_fork_locks(void)
{
    tlsd_fork_locks_add(&sources_lock);
    tlsd_fork_locks_add(&inside_shared);
}

const tlsd_trust_source *tlsd_trust_store_source(const char *source)
{
    tlsd_trust_source *src;

    tlsd_trust_store_fork_locks();
    pthread_mutex_lock(&sources_lock);
    for (src = sources; src != NULL; src = src->next)
        if (strcmp(src->source, source) == 0)
            break;
    if (src == NULL && (src = calloc(1, sizeof(*src))) != NULL) {
        if ((src->source = strdup(source)) == NULL) {
            free(src);
            src = NULL;
        } else {
            for (int use = 0; use < 2; use++)
                src->uses[use] = (binding){src, (tlsd_trust_use)use};
            src->next = sources;
            sources = src;
        }
    }
    pthread_mutex_unlock(&sources_lock);
    if (src == NULL)
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "trust store %s", source);
    return src;
}

int tlsd_trust_store_install(const tlsd_trust_source *src, SSL_CTX *ctx, tlsd_trust_use use)
{
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    const binding *b = src != NULL ? &src->uses[use] : &no_source;

    if (!CRYPTO_THREAD_run_once(&store_index_once, register_store_index) || store_index < 0
        || connection_index < 0 || store == NULL
        || !X509_STORE_set_ex_data(store, store_index, (void *)b)) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "trust store %s", src != NULL ? src->source : "none");
        return 0;
    }
    X509_STORE_set_get_issuer(store, get_issuer_cb);
    X509_STORE_set_lookup_certs(store, lookup_certs_cb);
    return 1;
}

int tlsd_trust_store_for_connection(SSL *ssl, const tlsd_trust_source *src)
{
    const binding *b = src != NULL ? &src->uses[TLSD_TRUST_ANCHORLESS_CLIENTS] : &no_source;

    if (!CRYPTO_THREAD_run_once(&store_index_once, register_store_index) || connection_index < 0
        || !SSL_set_ex_data(ssl, connection_index, (void *)b)) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "trust store %s", src != NULL ? src->source : "none");
        return 0;
    }
    return 1;
}

void tlsd_trust_store_system_locations(char *buf, size_t cap)
{
    const char *file = secure_getenv(X509_get_default_cert_file_env());
    const char *dir = secure_getenv(X509_get_default_cert_dir_env());

    snprintf(buf, cap, "file %s, directory %s",
             file != NULL ? file : X509_get_default_cert_file(),
             dir != NULL ? dir : X509_get_default_cert_dir());
}
