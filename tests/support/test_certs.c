/* SPDX-License-Identifier: Apache-2.0 */
#include "test_certs.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#define DAY (24L * 60 * 60)

static char certs_dir[PATH_MAX];
static int certs_ok;
static pthread_once_t certs_once = PTHREAD_ONCE_INIT;

typedef struct {
    int nid;
    const char *value;
} extension;

static const extension ca_extensions[] = {
    {NID_basic_constraints, "critical,CA:TRUE"},
    {NID_key_usage, "critical,keyCertSign,cRLSign"},
    {NID_subject_key_identifier, "hash"},
    {NID_authority_key_identifier, "keyid:always"},
    {NID_undef, NULL},
};

#define LEAF_EXTENSIONS(san, akid)                                         \
    {NID_basic_constraints, "critical,CA:FALSE"},                          \
    {NID_key_usage, "critical,digitalSignature,keyEncipherment"},          \
    {NID_ext_key_usage, "serverAuth,clientAuth"},                          \
    {NID_subject_key_identifier, "hash"},                                  \
    {NID_subject_alt_name, san},                                           \
    {akid ? NID_authority_key_identifier : NID_undef, "keyid:always"},     \
    {NID_undef, NULL}

#define LOCAL_NAMES "DNS:localhost,IP:127.0.0.1,IP:::1"

static const extension leaf_extensions[] = {LEAF_EXTENSIONS(LOCAL_NAMES, 1)};
static const extension wronghost_extensions[] = {LEAF_EXTENSIONS("DNS:wrong.example", 1)};
static const extension noakid_extensions[] = {LEAF_EXTENSIONS(LOCAL_NAMES, 0)};
static const extension wildcard_extensions[] = {LEAF_EXTENSIONS("DNS:*.example.test", 1)};
static const extension partial_extensions[] = {LEAF_EXTENSIONS("DNS:f*.example.test", 1)};
static const extension idna_extensions[] = {LEAF_EXTENSIONS("DNS:xn--bcher-kva.example.test", 1)};

/* Leaves for the hostname table, each written as NAME.pem and NAME-chain.pem. */
static const struct {
    const char *name, *cn;
    const extension *exts;
} named_leaves[] = {
    {"wildcard", "*.example.test", wildcard_extensions},
    {"partial-wildcard", "f*.example.test", partial_extensions},
    {"idna", "xn--bcher-kva.example.test", idna_extensions},
};

static const extension selfsigned_extensions[] = {
    {NID_basic_constraints, "critical,CA:FALSE"},
    {NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"},
    {NID_undef, NULL},
};

/* issuer == NULL: self-signed with key; signed with md. */
static X509 *make_cert_md(const char *cn, EVP_PKEY *key, X509 *issuer,
                          EVP_PKEY *issuer_key, const extension *exts,
                          long not_before, long not_after, const EVP_MD *md)
{
    static long serial = 1;
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    X509V3_CTX ctx;

    if (x == NULL || name == NULL)
        goto err;
    X509_set_version(x, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    X509_gmtime_adj(X509_getm_notBefore(x), not_before);
    X509_gmtime_adj(X509_getm_notAfter(x), not_after);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_subject_name(x, name);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
    X509_set_pubkey(x, key);
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    for (const extension *e = exts; e->value != NULL; e++) {
        X509_EXTENSION *ext;

        if (e->nid == NID_undef)
            continue;
        ext = X509V3_EXT_conf_nid(NULL, &ctx, e->nid, e->value);
        if (ext == NULL || !X509_add_ext(x, ext, -1)) {
            X509_EXTENSION_free(ext);
            goto err;
        }
        X509_EXTENSION_free(ext);
    }
    if (!X509_sign(x, issuer_key ? issuer_key : key, md))
        goto err;
    X509_NAME_free(name);
    return x;
err:
    ERR_print_errors_fp(stderr);
    X509_NAME_free(name);
    X509_free(x);
    return NULL;
}

static int write_pem(const char *dir, const char *file, X509 *a, X509 *b, EVP_PKEY *key);

static X509 *make_cert(const char *cn, EVP_PKEY *key, X509 *issuer,
                       EVP_PKEY *issuer_key, const extension *exts,
                       long not_before, long not_after)
{
    return make_cert_md(cn, key, issuer, issuer_key, exts, not_before, not_after, EVP_sha256());
}

/* What a security level refuses in a peer's chain: an RSA-1024 leaf
 * (80 bits), and a leaf signed with SHA-1 by the intermediate. Both
 * verify against root.pem at @SECLEVEL=0. */
static int write_weak_leaves(const char *dir, X509 *inter, EVP_PKEY *int_key, EVP_PKEY *leaf_key)
{
    EVP_PKEY *weak_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
    X509 *weak = weak_key ? make_cert("localhost", weak_key, inter, int_key, leaf_extensions, -DAY,
                                      365 * DAY)
                          : NULL;
    X509 *sha1 = make_cert_md("localhost", leaf_key, inter, int_key, leaf_extensions, -DAY,
                              365 * DAY, EVP_sha1());
    int ok = weak != NULL && sha1 != NULL
             && write_pem(dir, "rsa1024-key.pem", NULL, NULL, weak_key)
             && write_pem(dir, "rsa1024-chain.pem", weak, inter, NULL)
             && write_pem(dir, "sha1-chain.pem", sha1, inter, NULL);

    X509_free(weak), X509_free(sha1), EVP_PKEY_free(weak_key);
    return ok;
}

static int write_pem(const char *dir, const char *file, X509 *a, X509 *b, EVP_PKEY *key)
{
    char path[PATH_MAX];
    FILE *f;
    int ok = 1;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    if ((f = fopen(path, "w")) == NULL)
        return 0;
    if (a != NULL)
        ok &= PEM_write_X509(f, a);
    if (b != NULL)
        ok &= PEM_write_X509(f, b);
    if (key != NULL)
        ok &= PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
    return fclose(f) == 0 && ok;
}

int tlsd_test_certs_write(const char *dir)
{
    EVP_PKEY *root_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    EVP_PKEY *int_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    EVP_PKEY *leaf_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    EVP_PKEY *other_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    X509 *root = NULL, *inter = NULL, *leaf = NULL, *wrong = NULL;
    X509 *expired = NULL, *self = NULL, *noakid = NULL, *other_root = NULL, *other_leaf = NULL;
    int ok = 0;

    if (root_key == NULL || int_key == NULL || leaf_key == NULL || other_key == NULL)
        goto done;
    root = make_cert("tlsdefaults test root", root_key, NULL, NULL, ca_extensions, -DAY, 3650 * DAY);
    inter = make_cert("tlsdefaults test intermediate", int_key, root, root_key, ca_extensions,
                      -DAY, 3650 * DAY);
    if (root == NULL || inter == NULL)
        goto done;
    leaf = make_cert("localhost", leaf_key, inter, int_key, leaf_extensions, -DAY, 365 * DAY);
    wrong = make_cert("wrong.example", leaf_key, inter, int_key, wronghost_extensions, -DAY, 365 * DAY);
    expired = make_cert("localhost", leaf_key, inter, int_key, leaf_extensions, -30 * DAY, -DAY);
    self = make_cert("localhost", leaf_key, NULL, NULL, selfsigned_extensions, -DAY, 365 * DAY);
    noakid = make_cert("localhost", leaf_key, inter, int_key, noakid_extensions, -DAY, 365 * DAY);
    other_root = make_cert("tlsdefaults other root", other_key, NULL, NULL, ca_extensions, -DAY,
                           3650 * DAY);
    other_leaf = other_root ? make_cert("localhost", leaf_key, other_root, other_key, leaf_extensions,
                                        -DAY, 365 * DAY) : NULL;
    ok = leaf && wrong && expired && self && noakid && other_leaf
         && write_pem(dir, "root.pem", root, NULL, NULL)
         && write_pem(dir, "root-key.pem", NULL, NULL, root_key)
         && write_pem(dir, "intermediate.pem", inter, NULL, NULL)
         && write_pem(dir, "intermediate-key.pem", NULL, NULL, int_key)
         && write_pem(dir, "leaf-key.pem", NULL, NULL, leaf_key)
         && write_pem(dir, "leaf.pem", leaf, NULL, NULL)
         && write_pem(dir, "leaf-chain.pem", leaf, inter, NULL)
         && write_pem(dir, "wronghost.pem", wrong, NULL, NULL)
         && write_pem(dir, "wronghost-chain.pem", wrong, inter, NULL)
         && write_pem(dir, "expired.pem", expired, NULL, NULL)
         && write_pem(dir, "expired-chain.pem", expired, inter, NULL)
         && write_pem(dir, "selfsigned.pem", self, NULL, NULL)
         && write_pem(dir, "noakid.pem", noakid, NULL, NULL)
         && write_pem(dir, "noakid-chain.pem", noakid, inter, NULL)
         && write_pem(dir, "other-root.pem", other_root, NULL, NULL)
         && write_pem(dir, "other-leaf.pem", other_leaf, NULL, NULL)
         && write_pem(dir, "system-bundle.pem", root, other_root, NULL)
         && write_weak_leaves(dir, inter, int_key, leaf_key);
    for (size_t i = 0; ok && i < sizeof(named_leaves) / sizeof(named_leaves[0]); i++) {
        X509 *x = make_cert(named_leaves[i].cn, leaf_key, inter, int_key, named_leaves[i].exts,
                            -DAY, 365 * DAY);
        char file[64], chain[64];

        snprintf(file, sizeof(file), "%s.pem", named_leaves[i].name);
        snprintf(chain, sizeof(chain), "%s-chain.pem", named_leaves[i].name);
        ok = x != NULL && write_pem(dir, file, x, NULL, NULL) && write_pem(dir, chain, x, inter, NULL);
        X509_free(x);
    }
done:
    X509_free(root), X509_free(inter), X509_free(leaf), X509_free(wrong);
    X509_free(expired), X509_free(self), X509_free(noakid);
    X509_free(other_root), X509_free(other_leaf);
    EVP_PKEY_free(root_key), EVP_PKEY_free(int_key), EVP_PKEY_free(leaf_key);
    EVP_PKEY_free(other_key);
    return ok;
}

static void remove_dir(void)
{
    DIR *d;
    struct dirent *e;
    char path[PATH_MAX + 256];

    if (getenv("TLSD_TEST_KEEP") != NULL || (d = opendir(certs_dir)) == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", certs_dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(certs_dir);
}

static void make_set(void)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(certs_dir, sizeof(certs_dir), "%s/tlsd-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(certs_dir) == NULL) {
        perror("mkdtemp");
        return;
    }
    atexit(remove_dir);
    certs_ok = tlsd_test_certs_write(certs_dir);
    if (!certs_ok)
        fprintf(stderr, "could not write the test certificates into %s\n", certs_dir);
}

const char *tlsd_test_certs_dir(void)
{
    pthread_once(&certs_once, make_set);
    return certs_ok ? certs_dir : NULL;
}

const char *tlsd_test_cert_path(const char *name)
{
    /* Per thread: handshake helpers call this from worker threads. */
    static _Thread_local char ring[16][PATH_MAX + 256];
    static _Thread_local unsigned next;
    char *slot = ring[next++ % 16];
    const char *dir = tlsd_test_certs_dir();

    snprintf(slot, sizeof(ring[0]), "%s/%.255s", dir ? dir : "/nonexistent", name);
    return slot;
}
