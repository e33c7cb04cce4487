/* SPDX-License-Identifier: Apache-2.0 */
#include "test_handshake.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "test_certs.h"

/* Keeps the first error of a failed step; the queue is per thread and
 * shared by both in-process peers, so it is read right after each step. */
static void take_error(char *buf, size_t cap)
{
    unsigned long e = ERR_peek_error();

    if (e != 0 && buf[0] == '\0')
        ERR_error_string_n(e, buf, cap);
    ERR_clear_error();
}

/* After a call that did not complete: 0 wants more, -1 failed. */
static int retry_or_fail(SSL *ssl, int rc, char *err, size_t cap)
{
    switch (SSL_get_error(ssl, rc)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        return 0;
    default:
        take_error(err, cap);
        return -1;
    }
}

/* One step of one side: 1 done, 0 wants more, -1 failed. */
static int step(SSL *ssl, int is_client, char *err, size_t cap)
{
    int rc = is_client ? SSL_connect(ssl) : SSL_accept(ssl);

    return rc == 1 ? 1 : retry_or_fail(ssl, rc, err, cap);
}

static int set_check_host(SSL *ssl, const char *host)
{
    X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
    ASN1_OCTET_STRING *ip = a2i_IPADDRESS(host);

    if (ip != NULL) {
        ASN1_OCTET_STRING_free(ip);
        return X509_VERIFY_PARAM_set1_ip_asc(param, host);
    }
    return X509_VERIFY_PARAM_set1_host(param, host, 0);
}

typedef struct {
    const char *sni, *check_host;
} names;

static int set_names(SSL *client, void *arg)
{
    const names *n = arg;

    return (n->sni == NULL || SSL_set_tlsext_host_name(client, n->sni))
           && (n->check_host == NULL || set_check_host(client, n->check_host));
}

int tlsd_test_handshake(SSL_CTX *client_ctx, SSL_CTX *server_ctx,
                        const char *sni, const char *check_host, tlsd_test_result *out)
{
    names n = {sni, check_host};

    return tlsd_test_handshake_with(client_ctx, server_ctx, set_names, &n, out);
}

/* Two UDP sockets on loopback, each connected to the other: DTLS needs
 * datagrams, which a BIO pair does not keep. Non-blocking, as the pair. */
static int dgram_pair(BIO **a, BIO **b)
{
    int fd[2] = {-1, -1}, ok = 1;
    struct sockaddr_in sin[2];
    BIO *bio[2] = {NULL, NULL};

    for (int i = 0; i < 2 && ok; i++) {
        socklen_t len = sizeof(sin[i]);

        memset(&sin[i], 0, sizeof(sin[i]));
        sin[i].sin_family = AF_INET;
        sin[i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ok = (fd[i] = socket(AF_INET, SOCK_DGRAM, 0)) >= 0
             && bind(fd[i], (struct sockaddr *)&sin[i], sizeof(sin[i])) == 0
             && getsockname(fd[i], (struct sockaddr *)&sin[i], &len) == 0;
    }
    for (int i = 0; i < 2 && ok; i++) {
        BIO_ADDR *peer = BIO_ADDR_new();

        ok = peer != NULL && connect(fd[i], (struct sockaddr *)&sin[1 - i], sizeof(sin[0])) == 0
             && BIO_socket_nbio(fd[i], 1)
             && BIO_ADDR_rawmake(peer, AF_INET, &sin[1 - i].sin_addr, sizeof(sin[0].sin_addr),
                                 sin[1 - i].sin_port)
             && (bio[i] = BIO_new_dgram(fd[i], BIO_CLOSE)) != NULL;
        if (ok)
            fd[i] = -1; /* the BIO's now */
        if (ok)
            BIO_ctrl_set_connected(bio[i], peer);
        BIO_ADDR_free(peer);
    }
    for (int i = 0; i < 2; i++)
        if (fd[i] >= 0)
            close(fd[i]);
    if (!ok) {
        BIO_free(bio[0]);
        BIO_free(bio[1]);
        return 0;
    }
    *a = bio[0];
    *b = bio[1];
    return 1;
}

/* Runs both sides until both finished or one failed, a bounded number
 * of rounds; fills out. */
static void drive(SSL *client, SSL *server, int c, tlsd_test_result *out)
{
    int s = 0;

    for (int round = 0; round < 64 && c >= 0 && s >= 0 && !(c == 1 && s == 1); round++) {
        if (c == 0)
            c = step(client, 1, out->client_error, sizeof(out->client_error));
        if (s == 0 && c >= 0)
            s = step(server, 0, out->server_error, sizeof(out->server_error));
    }
    /* Let the server read the client's alert, so its side is final too. */
    if (c < 0 && s == 0)
        s = step(server, 0, out->server_error, sizeof(out->server_error));
    out->client_ok = c == 1;
    out->server_ok = s == 1;
    out->ok = out->client_ok && out->server_ok;
    out->verify_result = SSL_get_verify_result(client);
    if (out->ok) {
        snprintf(out->version, sizeof(out->version), "%s", SSL_get_version(client));
        snprintf(out->cipher, sizeof(out->cipher), "%s", SSL_get_cipher_name(client));
    }
}

int tlsd_test_handshake_ssl(SSL *client, SSL_CTX *server_ctx, int (*setup)(SSL *client, void *arg),
                            void *arg, SSL **server_out, tlsd_test_result *out)
{
    SSL *server = SSL_new(server_ctx);
    BIO *cb = NULL, *sb = NULL;
    int c = 0;

    memset(out, 0, sizeof(*out));
    ERR_clear_error();
    if (server == NULL
        || !(SSL_is_dtls(client) ? dgram_pair(&cb, &sb) : BIO_new_bio_pair(&cb, 0, &sb, 0))) {
        take_error(out->client_error, sizeof(out->client_error));
        SSL_free(server);
        return 0;
    }
    SSL_set_bio(client, cb, cb);
    SSL_set_bio(server, sb, sb);
    if (setup != NULL && !setup(client, arg)) {
        take_error(out->client_error, sizeof(out->client_error));
        c = -1;
    }
    drive(client, server, c, out);
    if (server_out != NULL)
        *server_out = server;
    else
        SSL_free(server);
    ERR_clear_error();
    return out->ok;
}

int tlsd_test_handshake_with(SSL_CTX *client_ctx, SSL_CTX *server_ctx,
                             int (*setup)(SSL *client, void *arg), void *arg,
                             tlsd_test_result *out)
{
    SSL *client = SSL_new(client_ctx);
    int ok;

    if (client == NULL) {
        memset(out, 0, sizeof(*out));
        take_error(out->client_error, sizeof(out->client_error));
        return 0;
    }
    ok = tlsd_test_handshake_ssl(client, server_ctx, setup, arg, NULL, out);
    SSL_free(client);
    ERR_clear_error();
    return ok;
}

/* One read by a side of a connection that sends no data: 0 wants more,
 * -1 failed. Renegotiation messages are handled inside SSL_read(). */
static int read_step(SSL *ssl, char *err, size_t cap)
{
    char byte;
    int rc = SSL_read(ssl, &byte, 1);

    if (rc > 0)
        return -1; /* no data is sent */
    return retry_or_fail(ssl, rc, err, cap);
}

int tlsd_test_renegotiate(SSL *client, SSL *server, tlsd_test_result *out)
{
    int c = 0, s = 0;

    memset(out, 0, sizeof(*out));
    ERR_clear_error();
    /* Sends the HelloRequest; the server's handshake runs in SSL_read. */
    if (!SSL_renegotiate(server) || SSL_do_handshake(server) != 1) {
        take_error(out->server_error, sizeof(out->server_error));
        return 0;
    }
    for (int round = 0; round < 64 && c == 0 && s == 0; round++) {
        c = read_step(client, out->client_error, sizeof(out->client_error));
        if (c == 0)
            s = read_step(server, out->server_error, sizeof(out->server_error));
        if (s == 0 && !SSL_renegotiate_pending(server))
            s = 1;
    }
    /* The server's last flight (a full handshake's Finished) is the
     * client's to read. */
    for (int round = 0; round < 4 && s == 1 && c == 0 && SSL_in_init(client); round++)
        c = read_step(client, out->client_error, sizeof(out->client_error));
    out->server_ok = s == 1;
    out->client_ok = c == 0 && !SSL_in_init(client);
    out->ok = out->client_ok && out->server_ok;
    out->verify_result = SSL_get_verify_result(client);
    ERR_clear_error();
    return out->ok;
}

SSL_CTX *tlsd_test_server_ctx(const char *chain_file)
{
    return tlsd_test_server_ctx_of(TLS_server_method(), chain_file);
}

SSL_CTX *tlsd_test_server_ctx_of(const SSL_METHOD *method, const char *chain_file)
{
    SSL_CTX *ctx = SSL_CTX_new(method);

    if (ctx == NULL || SSL_CTX_use_certificate_chain_file(ctx, chain_file) != 1
        || SSL_CTX_use_PrivateKey_file(ctx, tlsd_test_cert_path("leaf-key.pem"), SSL_FILETYPE_PEM) != 1
        || SSL_CTX_check_private_key(ctx) != 1) {
        ERR_print_errors_fp(stderr);
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

SSL_CTX *tlsd_test_client_ctx(const char *ca_file)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    if (ctx == NULL)
        return NULL;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (ca_file != NULL && SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
        ERR_print_errors_fp(stderr);
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

const char *tlsd_test_result_str(const tlsd_test_result *r)
{
    static _Thread_local char line[768];

    snprintf(line, sizeof(line), "ok=%d client=%d server=%d verify=%ld (%s) %s %s client_error=[%s] server_error=[%s]",
             r->ok, r->client_ok, r->server_ok, r->verify_result,
             X509_verify_cert_error_string(r->verify_result), r->version, r->cipher,
             r->client_error, r->server_error);
    return line;
}
