/* The system trust store, read once per process and consulted by each
 * context through a lookup method, so that no context re-reads the bundle
 * and no context's own additions leak into another. */
#include <pthread.h>

#include <openssl/x509_vfy.h>

#include "errors.h"
#include "tlsdefaults.h"

static X509_STORE *system_store;
static X509_LOOKUP_METHOD *system_lookup;
static pthread_once_t system_once = PTHREAD_ONCE_INIT;

/* Finds the certificates with this subject in the system store and adds
 * them to the asking context's store, as OpenSSL's hashed-directory lookup
 * does, so that chain building sees them like any other anchor. */
static int find_in_system_store(X509_LOOKUP *lookup, X509_LOOKUP_TYPE type,
                                const X509_NAME *name, X509_OBJECT *ret)
{
    X509_STORE *own = X509_LOOKUP_get_store(lookup);
    X509_STORE_CTX *sctx;
    STACK_OF(X509) *certs;
    int found = 0;

    if (type != X509_LU_X509 || (sctx = X509_STORE_CTX_new()) == NULL)
        return 0;
    if (X509_STORE_CTX_init(sctx, system_store, NULL, NULL)) {
        ERR_set_mark();
        certs = X509_STORE_CTX_get1_certs(sctx, (X509_NAME *)name);
        ERR_pop_to_mark();
        for (int i = 0; i < sk_X509_num(certs); i++) {
            X509 *cert = sk_X509_value(certs, i);

            if (X509_STORE_add_cert(own, cert) && !found)
                found = X509_OBJECT_set1_X509(ret, cert);
        }
        sk_X509_pop_free(certs, X509_free);
    }
    X509_STORE_CTX_free(sctx);
    return found;
}

static void load_system_store(void)
{
    X509_LOOKUP_METHOD *method = X509_LOOKUP_meth_new("tlsdefaults system store");
    X509_STORE *store = X509_STORE_new();

    if (method == NULL || store == NULL
        || !X509_LOOKUP_meth_set_get_by_subject(method, find_in_system_store)) {
        X509_LOOKUP_meth_free(method);
        X509_STORE_free(store);
        return;
    }
    /* Honours SSL_CERT_FILE and SSL_CERT_DIR. A missing bundle is not an
     * error here (as in Python): verification fails later, and says so. */
    ERR_set_mark();
    X509_STORE_set_default_paths(store);
    ERR_pop_to_mark();
    system_store = store;
    system_lookup = method;
}

int tlsd_use_system_trust_store(SSL_CTX *ctx)
{
    pthread_once(&system_once, load_system_store);
    if (system_lookup == NULL
        || X509_STORE_add_lookup(SSL_CTX_get_cert_store(ctx), system_lookup) == NULL) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, "system trust store");
        return 0;
    }
    return 1;
}
