/* SPDX-License-Identifier: Apache-2.0 */
#include "cbom.h"

#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "json_output.h"

/* The BOM being built: components in order, and where each bom-ref is. */
typedef struct {
    json_t *components, *where; /* where: bom-ref -> index in components */
    SSL_CTX *all;               /* every suite OpenSSL knows, to look names up */
} bom;

/* The component of ref, added by make() when new; NULL when memory is short. */
static json_t *component(bom *b, const char *ref, json_t *(*make)(const char *name, void *arg),
                         const char *name, void *arg)
{
    json_t *key = tlsd_json_output_string(ref), *at, *c;

    at = key != NULL ? json_object_get(b->where, json_string_value(key)) : NULL;
    json_decref(key);

    if (at != NULL)
        return json_array_get(b->components, (size_t)json_integer_value(at));
    if ((c = make(name, arg)) == NULL || !tlsd_json_output_set(c, "bom-ref", tlsd_json_output_string(ref))
        || !tlsd_json_output_set(b->where, ref, json_integer((json_int_t)json_array_size(b->components)))
        || json_array_append_new(b->components, c) != 0)
        return NULL;
    return c;
}

typedef struct {
    const char *primitive;
    int classical, quantum; /* -1: not given */
    const char *parameter;  /* NULL: not given */
} algorithm;

static json_t *algorithm_json(const char *name, void *arg)
{
    const algorithm *a = arg;
    json_t *props = json_pack("{s:s}", "primitive", a->primitive);

    if (props != NULL && a->parameter != NULL)
        json_object_set_new(props, "parameterSetIdentifier", json_string(a->parameter));
    if (props != NULL && a->classical >= 0)
        json_object_set_new(props, "classicalSecurityLevel", json_integer(a->classical));
    if (props != NULL && a->quantum >= 0)
        json_object_set_new(props, "nistQuantumSecurityLevel", json_integer(a->quantum));
    return json_pack("{s:s, s:o, s:{s:s, s:o}}", "type", "cryptographic-asset", "name",
                     tlsd_json_output_string(name), "cryptoProperties", "assetType", "algorithm",
                     "algorithmProperties", props);
}

/* A ref into deps (a program's dependsOn) once; 0 when memory is short. */
static int depend(json_t *deps, const char *ref)
{
    json_t *s = tlsd_json_output_string(ref);

    for (size_t i = 0; s != NULL && i < json_array_size(deps); i++)
        if (json_equal(json_array_get(deps, i), s)) {
            json_decref(s);
            return 1;
        }
    return s != NULL && json_array_append_new(deps, s) == 0;
}

static int add_algorithm(bom *b, json_t *deps, const char *name, algorithm *a, char *ref, size_t cap)
{
    snprintf(ref, cap, "crypto/algorithm/%s", name);
    return component(b, ref, algorithm_json, name, a) != NULL && depend(deps, ref);
}

/* Key exchange groups: ML-KEM hybrids are KEMs at ML-KEM's NIST category;
 * the others classical key agreement, with no quantum security. */
static int add_group(bom *b, json_t *deps, const char *g)
{
    static const struct { const char *name; int classical, quantum; } known[] = {
        {"X25519MLKEM768", 128, 3}, {"SecP256r1MLKEM768", 128, 3}, {"SecP384r1MLKEM1024", 192, 5},
        {"MLKEM512", 128, 1}, {"MLKEM768", 192, 3}, {"MLKEM1024", 256, 5},
        {"x25519", 128, 0}, {"X25519", 128, 0}, {"x448", 224, 0}, {"X448", 224, 0},
        {"secp256r1", 128, 0}, {"prime256v1", 128, 0}, {"P-256", 128, 0}, {"secp384r1", 192, 0},
        {"P-384", 192, 0}, {"secp521r1", 256, 0}, {"P-521", 256, 0}, {"ffdhe2048", 112, 0},
        {"ffdhe3072", 128, 0}, {"ffdhe4096", 152, 0}, {"ffdhe6144", 176, 0}, {"ffdhe8192", 200, 0}};
    algorithm a = {strstr(g, "MLKEM") != NULL ? "kem" : "key-agree", -1, -1, NULL};
    char ref[300];

    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strcmp(g, known[i].name) == 0) {
            a.classical = known[i].classical;
            a.quantum = known[i].quantum;
        }
    return add_algorithm(b, deps, g, &a, ref, sizeof(ref));
}

/* A peer key "TYPE-BITS": a signature algorithm, its size the parameter. */
static int add_key(bom *b, json_t *deps, const char *key)
{
    const char *dash = strrchr(key, '-');
    int bits = tlsd_inventory_table_key_bits(key);
    algorithm a = {"signature", bits, bits < 0 ? -1 : 0, dash != NULL ? dash + 1 : NULL};
    char ref[300];

    if (strncmp(key, "ML-DSA-", 7) == 0) /* ML-DSA-44, -65, -87: categories 2, 3, 5 */
        a.quantum = bits == 128 ? 2 : bits == 192 ? 3 : 5;
    return add_algorithm(b, deps, key, &a, ref, sizeof(ref));
}

static const SSL_CIPHER *find_suite(const bom *b, const char *name)
{
    STACK_OF(SSL_CIPHER) *all = b->all != NULL ? SSL_CTX_get_ciphers(b->all) : NULL;

    for (int i = 0; i < sk_SSL_CIPHER_num(all); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(all, i);
        const char *std = SSL_CIPHER_standard_name(c);

        if (strcmp(SSL_CIPHER_get_name(c), name) == 0 || (std != NULL && strcmp(std, name) == 0))
            return c;
    }
    return NULL;
}

/* A suite: its name, identifiers and the algorithms OpenSSL says it uses
 * (the cipher; the handshake hash), those added as assets too. */
static json_t *suite_json(bom *b, json_t *deps, const char *name)
{
    const SSL_CIPHER *c = find_suite(b, name);
    json_t *s = json_pack("{s:o}", "name", tlsd_json_output_string(name)), *algs = json_array();
    char ref[300], id[2][8];

    if (c != NULL && s != NULL && algs != NULL) {
        const EVP_MD *md = SSL_CIPHER_get_handshake_digest(c);
        int bits = SSL_CIPHER_get_bits(c, NULL), nid = SSL_CIPHER_get_cipher_nid(c);
        uint16_t code = (uint16_t)SSL_CIPHER_get_protocol_id(c);
        char param[16];
        /* NIST's categories are AES key search: 128 bits 1, 192 3, 256 5. */
        algorithm cipher = {SSL_CIPHER_is_aead(c) ? "ae" : "block-cipher", bits,
                            bits >= 256 ? 5 : bits >= 192 ? 3 : bits >= 128 ? 1 : 0, param};
        algorithm hash = {"hash", -1, -1, NULL};

        snprintf(param, sizeof(param), "%d", bits);
        if (nid != NID_undef && add_algorithm(b, deps, OBJ_nid2ln(nid), &cipher, ref, sizeof(ref)))
            json_array_append_new(algs, json_string(ref));
        if (md != NULL && add_algorithm(b, deps, EVP_MD_get0_name(md), &hash, ref, sizeof(ref)))
            json_array_append_new(algs, json_string(ref));
        snprintf(id[0], sizeof(id[0]), "0x%02X", code >> 8);
        snprintf(id[1], sizeof(id[1]), "0x%02X", code & 0xff);
        json_object_set_new(s, "algorithms", algs);
        json_object_set_new(s, "identifiers", json_pack("[s, s]", id[0], id[1]));
        return s;
    }
    json_decref(algs);
    return s;
}

/* "TLSv1.3" -> type tls, version "1.3"; "TLSv1" -> "1.0"; DTLS as other. */
static json_t *protocol_json(const char *name, void *arg)
{
    const char *v = strchr(name, 'v');
    char version[32];

    (void)arg;
    snprintf(version, sizeof(version), "%s%s", v != NULL ? v + 1 : name,
             v != NULL && strchr(v, '.') == NULL ? ".0" : "");
    return json_pack("{s:s, s:o, s:{s:s, s:{s:s, s:o, s:[]}}}", "type", "cryptographic-asset", "name",
                     tlsd_json_output_string(name), "cryptoProperties", "assetType", "protocol",
                     "protocolProperties", "type", strncmp(name, "TLS", 3) == 0 ? "tls" : "other",
                     "version", tlsd_json_output_string(version), "cipherSuites");
}

static int has_suite(json_t *suites, const char *name)
{
    json_t *want = tlsd_json_output_string(name);
    int found = 0;

    for (size_t i = 0; want != NULL && !found && i < json_array_size(suites); i++)
        found = json_equal(json_object_get(json_array_get(suites, i), "name"), want);
    json_decref(want);
    return found;
}

/* "TLSv1.3 TLS_AES_128_GCM_SHA256": the protocol's asset, with the suite. */
static int add_suite(bom *b, json_t *deps, const char *both)
{
    const char *space = strchr(both, ' ');
    char version[TLSD_LOG_LINES_NAME], ref[300];
    json_t *protocol, *suites;

    snprintf(version, sizeof(version), "%.*s", (int)(space - both), both);
    snprintf(ref, sizeof(ref), "crypto/protocol/%s", version);
    if ((protocol = component(b, ref, protocol_json, version, NULL)) == NULL || !depend(deps, ref))
        return 0;
    suites = json_object_get(json_object_get(json_object_get(protocol, "cryptoProperties"),
                                             "protocolProperties"), "cipherSuites");
    return has_suite(suites, space + 1) || json_array_append_new(suites, suite_json(b, deps, space + 1)) == 0;
}

static int add_program(bom *b, json_t *dependencies, const tlsd_inventory_table_program *p, int index)
{
    json_t *deps = json_array(), *app;
    char ref[32];
    int ok;

    snprintf(ref, sizeof(ref), "program/%d", index);
    app = json_pack("{s:s, s:o, s:s}", "type", "application", "name",
                    tlsd_json_output_string(p->key.program), "bom-ref", ref);
    if (app != NULL && p->key.host[0] != '\0')
        json_object_set_new(app, "properties", json_pack("[{s:s, s:o}]", "name", "tlsdefaults:host",
                                                         "value", tlsd_json_output_string(p->key.host)));
    ok = deps != NULL && json_array_append_new(b->components, app) == 0;
    for (int i = 0; ok && i < p->suites.n; i++)
        ok = add_suite(b, deps, p->suites.item[i].name);
    for (int i = 0; ok && i < p->groups.n; i++)
        ok = add_group(b, deps, p->groups.item[i].name);
    for (int i = 0; ok && i < p->keys.n; i++)
        ok = add_key(b, deps, p->keys.item[i].name);
    if (!ok) {
        json_decref(deps);
        return 0;
    }
    return json_array_append_new(dependencies, json_pack("{s:s, s:o}", "ref", ref, "dependsOn", deps)) == 0;
}

/* A version 4 UUID from OpenSSL's generator, as RFC 4122 writes it. */
static int serial_number(char *out, size_t cap)
{
    unsigned char u[16];

    if (RAND_bytes(u, sizeof(u)) != 1)
        return 0;
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
    snprintf(out, cap,
             "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
             u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
             u[15]);
    return 1;
}

static json_t *metadata(void)
{
    time_t now = time(NULL);
    struct tm tm;
    char stamp[32];

    if (gmtime_r(&now, &tm) == NULL || strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return NULL;
    return json_pack("{s:s, s:{s:[{s:s, s:s, s:s}]}}", "timestamp", stamp, "tools", "components",
                     "type", "application", "name", "tlsdefaults-info", "version", TLSD_INSPECTOR_VERSION);
}

/* Every suite OpenSSL has, the weak ones too: the log may name them. */
static SSL_CTX *all_suites(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());

    if (ctx != NULL
        && (!SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0")
            || !SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
                                              "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:"
                                              "TLS_AES_128_CCM_8_SHA256"))) {
        SSL_CTX_free(ctx);
        ctx = NULL;
    }
    return ctx;
}

int tlsd_cbom_print(const tlsd_inventory *inv, FILE *out)
{
    bom b = {json_array(), json_object(), NULL};
    json_t *dependencies = json_array(), *j = NULL;
    char serial[64];
    int ok = b.components != NULL && b.where != NULL && dependencies != NULL
             && serial_number(serial, sizeof(serial));

    /* The configuration is not loaded: the module has no say in the names. */
    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    b.all = ok ? all_suites() : NULL;
    for (int i = 0; ok && i < inv->n_programs; i++)
        ok = add_program(&b, dependencies, &inv->programs[i], i);
    if (ok) {
        j = json_pack("{s:s, s:s, s:s, s:i, s:o, s:O, s:O}", "bomFormat", "CycloneDX", "specVersion",
                      "1.6", "serialNumber", serial, "version", 1, "metadata", metadata(),
                      "components", b.components, "dependencies", dependencies);
        ok = j != NULL && tlsd_json_output_dump(j, out);
    }
    json_decref(j);
    json_decref(b.components);
    json_decref(b.where);
    json_decref(dependencies);
    SSL_CTX_free(b.all);
    return ok;
}
