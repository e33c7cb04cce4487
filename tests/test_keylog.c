/* Key logging under load: many threads, many contexts and shared contexts
 * writing to one file at once. Every line must come out whole. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/ssl.h>

#include "tlsdefaults.h"
#include "test_certs.h"
#include "test_handshake.h"
#include "test_main.h"

#define THREADS 8
#define HANDSHAKES 20

static char path[512];
static SSL_CTX *shared_client, *shared_server;

/* Each thread's client and server: its own pair, or the shared one.
 * (Made by the main thread: the test helpers' paths are not thread-safe.) */
typedef struct {
    SSL_CTX *client, *server;
    int ok;
} job;

static SSL_CTX *logging(SSL_CTX *ctx)
{
    if (ctx != NULL && !tlsd_set_keylog_file(ctx, path)) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

static void *run_handshakes(void *arg)
{
    job *j = arg;
    tlsd_test_result r;

    for (int i = 0; i < HANDSHAKES; i++)
        j->ok += tlsd_test_handshake(j->client, j->server, "localhost", "localhost", &r);
    return NULL;
}

static void make_pair(SSL_CTX **client, SSL_CTX **server)
{
    *client = logging(tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH,
                                                  tlsd_test_cert_path("root.pem"), NULL, NULL, 0));
    *server = logging(tlsd_test_server_ctx(tlsd_test_cert_path("leaf-chain.pem")));
    CU_ASSERT_PTR_NOT_NULL_FATAL(*client);
    CU_ASSERT_PTR_NOT_NULL_FATAL(*server);
}

static const char *const tls13_labels[] = {
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET",
};
#define LABELS (sizeof(tls13_labels) / sizeof(tls13_labels[0]))

static int hex_run(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* "LABEL <64 hex> <hex>": returns the label's index, or -1. */
static int parse_line(const char *line)
{
    const char *sp1 = strchr(line, ' '), *sp2;
    size_t secret_len;

    if (sp1 == NULL || (sp2 = strchr(sp1 + 1, ' ')) == NULL)
        return -1;
    secret_len = strlen(sp2 + 1);
    if (sp2 - sp1 - 1 != 64 || !hex_run(sp1 + 1, 64) || secret_len < 64
        || secret_len > 128 || !hex_run(sp2 + 1, secret_len))
        return -1;
    for (size_t i = 0; i < LABELS; i++)
        if ((size_t)(sp1 - line) == strlen(tls13_labels[i])
            && strncmp(line, tls13_labels[i], (size_t)(sp1 - line)) == 0)
            return (int)i;
    return -1;
}

static void check_file(int handshakes)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    int counts[LABELS] = {0}, headers = 0, bad = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    while (fgets(line, sizeof(line), f) != NULL) {
        size_t len = strlen(line);
        int label;

        if (len == 0 || line[len - 1] != '\n') {
            bad++;
            continue;
        }
        line[len - 1] = '\0';
        if (line[0] == '#') {
            headers++;
            continue;
        }
        if ((label = parse_line(line)) < 0) {
            if (bad++ == 0)
                fprintf(stderr, "\n  torn or malformed line: %s\n", line);
            continue;
        }
        counts[label]++;
    }
    fclose(f);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(headers, 1);
    /* Both ends log each secret of each handshake: two lines per label. */
    for (size_t i = 0; i < LABELS; i++) {
        if (counts[i] != 2 * handshakes)
            fprintf(stderr, "\n  %s: %d lines, expected %d\n", tls13_labels[i], counts[i], 2 * handshakes);
        CU_ASSERT_EQUAL(counts[i], 2 * handshakes);
    }
}

static void run_threads(int own_contexts)
{
    pthread_t threads[THREADS];
    job jobs[THREADS];
    int total = 0;

    unlink(path);
    if (!own_contexts)
        make_pair(&shared_client, &shared_server);
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (job){shared_client, shared_server, 0};
        if (own_contexts)
            make_pair(&jobs[i].client, &jobs[i].server);
    }
    for (int i = 0; i < THREADS; i++)
        CU_ASSERT_FATAL(pthread_create(&threads[i], NULL, run_handshakes, &jobs[i]) == 0);
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        total += jobs[i].ok;
        if (own_contexts) {
            SSL_CTX_free(jobs[i].client);
            SSL_CTX_free(jobs[i].server);
        }
    }
    CU_ASSERT_EQUAL(total, THREADS * HANDSHAKES);
    if (!own_contexts) {
        SSL_CTX_free(shared_client);
        SSL_CTX_free(shared_server);
        shared_client = shared_server = NULL;
    }
    check_file(total);
}

static void test_many_contexts_one_file(void)
{
    run_threads(1);
}

static void test_shared_contexts_many_threads(void)
{
    run_threads(0);
}

static int init(void)
{
    if (tlsd_test_certs_dir() == NULL)
        return -1;
    snprintf(path, sizeof(path), "%s/threads-keylog.txt", tlsd_test_certs_dir());
    unsetenv("SSLKEYLOGFILE");
    return 0;
}

int main(void)
{
    CU_TestInfo tests[] = {
        {"8 threads, own contexts, one key log", test_many_contexts_one_file},
        {"8 threads sharing one context pair", test_shared_contexts_many_threads},
        CU_TEST_INFO_NULL,
    };

    return tlsd_test_main("key log under load", init, NULL, tests);
}
