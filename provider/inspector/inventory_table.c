/* SPDX-License-Identifier: Apache-2.0 */
#include "inventory_table.h"

#include <stdlib.h>
#include <string.h>

#include "log_lines.h"

enum { I_PROGRAM, I_PID, I_ROLE, I_PEER, I_VERSION, I_CIPHER, I_GROUP, I_PQ, I_SIGALG, I_PEER_KEY,
       I_CHAIN_SHA1, I_VERIFIED, I_RESUMED, I_PEER_ENTRY, I_FIELDS };

static const char *const field_names[I_FIELDS] = {
    "program", "pid", "role", "peer", "version", "cipher", "group", "pq", "sigalg", "peer_key",
    "chain_sha1", "verified", "resumed", "peer_entry"};

typedef struct {
    char value[I_FIELDS][TLSD_LOG_LINES_NAME]; /* decoded; "" when absent */
} entry;

static int is(const char *value, const char *words)
{
    /* words: "a|b|c" */
    size_t len = strlen(value);

    for (const char *w = words; *w != '\0'; w += strcspn(w, "|"), w += *w == '|')
        if (strcspn(w, "|") == len && strncmp(w, value, len) == 0)
            return 1;
    return 0;
}

/* "TYPE-BITS": the position of the last '-', or NULL. */
static const char *bits_dash(const char *key)
{
    const char *dash = strrchr(key, '-');

    return dash != NULL && dash > key && tlsd_log_lines_all_of(dash + 1, strlen(dash + 1), TLSD_LOG_LINES_DIGITS)
               ? dash
               : NULL;
}

static int shapes(const entry *e)
{
    return tlsd_log_lines_all_of(e->value[I_PID], strlen(e->value[I_PID]), TLSD_LOG_LINES_DIGITS)
           && is(e->value[I_ROLE], "client|server") && is(e->value[I_PQ], "yes|no")
           && is(e->value[I_CHAIN_SHA1], "yes|no") && is(e->value[I_VERIFIED], "yes|no|none")
           && is(e->value[I_RESUMED], "yes|no")
           && (strcmp(e->value[I_PEER_KEY], "none") == 0 || bits_dash(e->value[I_PEER_KEY]) != NULL);
}

/* msg: what follows the tag. Every field in its order, peer_entry only
 * last and optional, nothing else, nothing after. */
static int parse(const char *msg, entry *e)
{
    static const char head[] = "inventory";
    const char *p = msg + sizeof(head) - 1;

    if (strncmp(msg, head, sizeof(head) - 1) != 0)
        return 0;
    memset(e, 0, sizeof(*e));
    for (int k = 0; k < I_FIELDS; k++) {
        size_t nlen = strlen(field_names[k]), vlen;

        if (k == I_PEER_ENTRY && *p == '\0')
            break;
        if (*p != ' ' || strncmp(p + 1, field_names[k], nlen) != 0 || p[1 + nlen] != '=')
            return 0;
        p += nlen + 2;
        vlen = strcspn(p, " ");
        if (vlen == 0 || !tlsd_log_lines_unescape(e->value[k], sizeof(e->value[k]), p, vlen))
            return 0;
        p += vlen;
    }
    return *p == '\0' && shapes(e);
}

/* RSA, DSA, DH: the canonical sizes of OpenSSL's
 * ossl_ifc_ffc_compute_security_bits(), a size between two counted as the
 * lower. */
static int modulus_bits(long n)
{
    static const long size[] = {15360, 8192, 7680, 6144, 4096, 3072, 2048, 1024, 512};
    static const int bits[] = {256, 200, 192, 176, 152, 128, 112, 80, 56};

    for (size_t i = 0; i < sizeof(size) / sizeof(size[0]); i++)
        if (n >= size[i])
            return bits[i];
    return 0;
}

int tlsd_inventory_table_key_bits(const char *key)
{
    static const struct { const char *type; int bits; } fixed[] = {
        {"ED25519", 128}, {"ED448", 224}, {"ML-DSA-44", 128}, {"ML-DSA-65", 192}, {"ML-DSA-87", 256}};
    const char *dash = bits_dash(key);
    char type[TLSD_LOG_LINES_NAME];
    long n;

    if (dash == NULL || (size_t)(dash - key) >= sizeof(type))
        return -1;
    memcpy(type, key, (size_t)(dash - key));
    type[dash - key] = '\0';
    n = strtol(dash + 1, NULL, 10);
    if (is(type, "RSA|RSA-PSS|DSA|DH|DHX"))
        return modulus_bits(n);
    if (is(type, "EC|SM2")) /* half the order's size, as OpenSSL's EC keys */
        return n >= 512 ? 256 : (int)(n / 2);
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        if (strcmp(type, fixed[i].type) == 0)
            return fixed[i].bits;
    return -1;
}

static void add_name(tlsd_log_counts *t, const char *name)
{
    if (strcmp(name, "none") != 0)
        tlsd_log_counts_add(t, name, strlen(name));
}

static void weakest(tlsd_inventory_table_program *p, const char *key)
{
    int bits = tlsd_inventory_table_key_bits(key);

    if (bits < 0)
        return;
    if (p->weakest[0] == '\0' || bits < p->weakest_bits) {
        snprintf(p->weakest, sizeof(p->weakest), "%s", key);
        p->weakest_bits = bits;
        p->weakest_count = 0;
    }
    if (bits == p->weakest_bits)
        p->weakest_count++;
}

static void add_entry(tlsd_inventory *inv, const entry *e, const char *host)
{
    tlsd_inventory_table_program *p;
    char suite[2 * TLSD_LOG_LINES_NAME + 2];

    inv->connections++;
    p = tlsd_log_counts_group(inv->programs, sizeof(inv->programs[0]), &inv->n_programs,
                              TLSD_INVENTORY_GROUPS, host, e->value[I_PROGRAM],
                              strlen(e->value[I_PROGRAM]));
    if (p == NULL) {
        inv->other_programs++;
        return;
    }
    p->connections++;
    p->clients += strcmp(e->value[I_ROLE], "client") == 0;
    p->pq += strcmp(e->value[I_PQ], "yes") == 0;
    p->sha1_chains += strcmp(e->value[I_CHAIN_SHA1], "yes") == 0;
    p->unverified += strcmp(e->value[I_VERIFIED], "no") == 0;
    p->no_certificate += strcmp(e->value[I_VERIFIED], "none") == 0;
    p->resumed += strcmp(e->value[I_RESUMED], "yes") == 0;
    tlsd_log_counts_add(&p->versions, e->value[I_VERSION], strlen(e->value[I_VERSION]));
    snprintf(suite, sizeof(suite), "%s %s", e->value[I_VERSION], e->value[I_CIPHER]);
    tlsd_log_counts_add(&p->suites, suite, strlen(suite));
    add_name(&p->groups, e->value[I_GROUP]);
    add_name(&p->sigalgs, e->value[I_SIGALG]);
    add_name(&p->keys, e->value[I_PEER_KEY]);
    weakest(p, e->value[I_PEER_KEY]);
    tlsd_log_counts_add_peer(&p->peers, e->value[I_PEER], strlen(e->value[I_PEER]));
}

int tlsd_inventory_table_read(FILE *in, tlsd_inventory *inv)
{
    tlsd_log_lines *lines = malloc(sizeof(*lines));
    entry *e = malloc(sizeof(*e));
    const char *msg;
    int any = 0;

    memset(inv, 0, sizeof(*inv));
    if (lines == NULL || e == NULL) {
        free(lines);
        free(e);
        return 0;
    }
    tlsd_log_lines_init(lines, in);
    while ((msg = tlsd_log_lines_next(lines)) != NULL) {
        unsigned long n;

        if (parse(msg, e)) {
            add_entry(inv, e, lines->host);
            any = 1;
        } else if (tlsd_log_lines_note(msg, &n)) {
            inv->suppressed += n;
            any = 1;
        }
    }
    free(lines);
    free(e);
    return any;
}
