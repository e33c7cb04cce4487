/* Shared trust stores, consulted by each context through a lookup method:
 * no context re-reads the bundle, and what an application adds to one
 * context's store never reaches another. */
#include "trust_store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/x509_vfy.h>

#include "errors.h"
#include "tlsdefaults.h"

struct tlsd_trust_source {
    char *source; /* "system" or an absolute path */
    int defer_to_own;
    pthread_once_t once;
    _Atomic(X509_STORE *) store; /* read by the first lookup that needs it */
    struct tlsd_trust_source *next;
};

static pthread_mutex_t sources_lock = PTHREAD_MUTEX_INITIALIZER;
static tlsd_trust_source *sources;
static _Atomic(X509_LOOKUP_METHOD *) lookup_method;

/* pthread_once() takes no argument: the source being read is handed over
 * in a thread-local. */
static _Thread_local tlsd_trust_source *loading;

static void load_source(void)
{
    tlsd_trust_source *src = loading;
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

static X509_STORE *source_store(tlsd_trust_source *src)
{
    loading = src;
    pthread_once(&src->once, load_source);
    return atomic_load(&src->store);
}

/* True when own holds a certificate that the shared store does not: the
 * application chose its anchors, and the shared store must not widen them.
 * (Certificates copied in by the lookup below are in the shared store.) */
static int has_own_anchors(X509_STORE *own, X509_STORE *shared)
{
    STACK_OF(X509_OBJECT) *objs;
    int own_anchor = 0;

    if (!X509_STORE_lock(own))
        return 1;
    objs = X509_STORE_get0_objects(own);
    for (int i = 0; i < sk_X509_OBJECT_num(objs) && !own_anchor; i++) {
        X509_OBJECT *obj = sk_X509_OBJECT_value(objs, i);

        if (X509_OBJECT_get_type(obj) != X509_LU_X509)
            continue;
        /* Not read yet: nothing can have been copied from it. */
        if (shared == NULL || !X509_STORE_lock(shared)) {
            own_anchor = 1;
            break;
        }
        own_anchor = X509_OBJECT_retrieve_match(X509_STORE_get0_objects(shared), obj) == NULL;
        X509_STORE_unlock(shared);
    }
    X509_STORE_unlock(own);
    return own_anchor;
}

/* The certificates with this subject in the shared store's cache, taken
 * without allocating a verification context: a bundle file is all there.
 * NULL on error. */
static STACK_OF(X509) *cached_certs(X509_STORE *shared, const X509_NAME *name)
{
    STACK_OF(X509) *certs = sk_X509_new_null();
    STACK_OF(X509_OBJECT) *objs;
    int idx;

    if (certs == NULL || !X509_STORE_lock(shared)) {
        sk_X509_free(certs);
        return NULL;
    }
    objs = X509_STORE_get0_objects(shared);
    idx = X509_OBJECT_idx_by_subject(objs, X509_LU_X509, name);
    for (int i = idx; i >= 0 && i < sk_X509_OBJECT_num(objs); i++) {
        X509 *cert = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));

        if (cert == NULL || X509_NAME_cmp(X509_get_subject_name(cert), name) != 0)
            break;
        if (X509_up_ref(cert) && !sk_X509_push(certs, cert))
            X509_free(cert);
    }
    X509_STORE_unlock(shared);
    return certs;
}

/* The same through the shared store's own lookups (its hashed directory),
 * for a subject that is not cached. NULL when there is none. */
static STACK_OF(X509) *looked_up_certs(X509_STORE *shared, const X509_NAME *name)
{
    X509_STORE_CTX *sctx = X509_STORE_CTX_new();
    STACK_OF(X509) *certs = NULL;

    if (sctx != NULL && X509_STORE_CTX_init(sctx, shared, NULL, NULL)) {
        ERR_set_mark();
        certs = X509_STORE_CTX_get1_certs(sctx, (X509_NAME *)name);
        ERR_pop_to_mark();
    }
    X509_STORE_CTX_free(sctx);
    return certs;
}

/* Finds the certificates with this subject in the shared store and adds
 * them to the asking context's store, as OpenSSL's hashed-directory lookup
 * does, so that chain building (and the partial-chain check, which looks
 * in the store's cache) sees them like any other anchor. */
static int find_in_shared_store(X509_LOOKUP *lookup, X509_LOOKUP_TYPE type,
                                const X509_NAME *name, X509_OBJECT *ret)
{
    tlsd_trust_source *src = X509_LOOKUP_get_method_data(lookup);
    X509_STORE *own = X509_LOOKUP_get_store(lookup);
    X509_STORE *shared;
    STACK_OF(X509) *certs;
    int found = 0;

    if (type != X509_LU_X509 || src == NULL)
        return 0;
    /* Decided before the bundle is read: a program with anchors of its
     * own never pays for it. */
    if (src->defer_to_own && has_own_anchors(own, atomic_load(&src->store)))
        return 0;
    if ((shared = source_store(src)) == NULL || (certs = cached_certs(shared, name)) == NULL)
        return 0;
    if (sk_X509_num(certs) == 0) {
        sk_X509_free(certs);
        certs = looked_up_certs(shared, name);
    }
    /* The own store is locked only now, with the shared one released:
     * has_own_anchors() takes them in the other order. */
    for (int i = 0; i < sk_X509_num(certs); i++) {
        X509 *cert = sk_X509_value(certs, i);

        if (X509_STORE_add_cert(own, cert) && !found)
            found = X509_OBJECT_set1_X509(ret, cert);
    }
    sk_X509_pop_free(certs, X509_free);
    return found;
}

/* One method for the process, made on first use and never freed: every
 * context's lookup points to it. */
static X509_LOOKUP_METHOD *get_lookup_method(void)
{
    X509_LOOKUP_METHOD *method = atomic_load(&lookup_method), *expected = NULL;

    if (method != NULL)
        return method;
    method = X509_LOOKUP_meth_new("tlsdefaults shared trust store");
    if (method == NULL || !X509_LOOKUP_meth_set_get_by_subject(method, find_in_shared_store)) {
        X509_LOOKUP_meth_free(method);
        return NULL;
    }
    if (!atomic_compare_exchange_strong(&lookup_method, &expected, method)) {
        X509_LOOKUP_meth_free(method);
        method = expected;
    }
    return method;
}

const tlsd_trust_source *tlsd_trust_source_get(const char *source, int defer_to_own)
{
    tlsd_trust_source *src;

    pthread_mutex_lock(&sources_lock);
    for (src = sources; src != NULL; src = src->next)
        if (src->defer_to_own == defer_to_own && strcmp(src->source, source) == 0)
            break;
    if (src == NULL && (src = calloc(1, sizeof(*src))) != NULL) {
        if ((src->source = strdup(source)) == NULL) {
            free(src);
            src = NULL;
        } else {
            src->defer_to_own = defer_to_own;
            src->once = (pthread_once_t)PTHREAD_ONCE_INIT;
            src->next = sources;
            sources = src;
        }
    }
    pthread_mutex_unlock(&sources_lock);
    if (src == NULL)
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "trust store %s", source);
    return src;
}

int tlsd_trust_source_attach(const tlsd_trust_source *src, SSL_CTX *ctx)
{
    X509_LOOKUP_METHOD *method = get_lookup_method();
    X509_LOOKUP *lookup;

    if (method == NULL
        || (lookup = X509_STORE_add_lookup(SSL_CTX_get_cert_store(ctx), method)) == NULL
        || !X509_LOOKUP_set_method_data(lookup, (void *)src)) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "trust store %s", src->source);
        return 0;
    }
    return 1;
}

void tlsd_trust_system_locations(char *buf, size_t cap)
{
    const char *file = secure_getenv(X509_get_default_cert_file_env());
    const char *dir = secure_getenv(X509_get_default_cert_dir_env());

    snprintf(buf, cap, "file %s, directory %s",
             file != NULL ? file : X509_get_default_cert_file(),
             dir != NULL ? dir : X509_get_default_cert_dir());
}

int tlsd_use_system_trust_store(SSL_CTX *ctx)
{
    const tlsd_trust_source *src = tlsd_trust_source_get("system", 0);

    return src != NULL && tlsd_trust_source_attach(src, ctx);
}
