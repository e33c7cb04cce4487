/* SPDX-License-Identifier: Apache-2.0 */
/* connect HOST PORT [CAFILE]: a TLS client with libtlsdefaults.
 *
 * Connects to HOST:PORT, verifies the server's certificate and its name
 * (against CAFILE, or the system trust store without it), prints the
 * protocol, the cipher and the server's subject, and exits 0. On any
 * failure it prints OpenSSL's errors and the verification result, and
 * exits 1.
 *
 * Build: see README.md in this directory. */
#define _POSIX_C_SOURCE 200112L /* getaddrinfo() under -std=c11 */

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <tlsdefaults.h>

/* A connected TCP socket to host:port, or -1. Tries every address the name
 * resolves to (IPv6 and IPv4), as a client should. */
static int tcp_connect(const char *host, const char *port)
{
    struct addrinfo hints, *res, *ai;
    int fd = -1, rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
        fprintf(stderr, "%s:%s: %s\n", host, port, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        perror("connect");
    return fd;
}

int main(int argc, char **argv)
{
    const char *host, *port, *cafile;
    SSL_CTX *ctx = NULL;
    SSL *ssl = NULL;
    X509 *peer = NULL;
    int fd = -1, ok = 0;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s HOST PORT [CAFILE]\n", argv[0]);
        return 2;
    }
    host = argv[1];
    port = argv[2];
    cafile = argc == 4 ? argv[3] : NULL;

    /* The five lines: a client context with the safe policy (TLS 1.2+,
     * AEAD ciphers, peer verification, X509 strict); trust CAFILE if given,
     * else the system store; SNI and the name check for this host. */
    ctx = tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, cafile, NULL, NULL, 0);
    if (ctx == NULL || (fd = tcp_connect(host, port)) < 0)
        goto done;
    if ((ssl = SSL_new(ctx)) == NULL || !tlsd_set_server_hostname(ssl, host)
        || !SSL_set_fd(ssl, fd) || SSL_connect(ssl) != 1)
        goto done;

    /* Verified: the handshake fails unless the chain and the name check. */
    printf("protocol: %s\n", SSL_get_version(ssl));
    printf("cipher:   %s\n", SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
    if ((peer = SSL_get1_peer_certificate(ssl)) != NULL) {
        printf("subject:  ");
        X509_NAME_print_ex_fp(stdout, X509_get_subject_name(peer), 0, XN_FLAG_ONELINE);
        printf("\n");
    }
    SSL_shutdown(ssl); /* close_notify; the server's reply is not awaited */
    ok = 1;

done:
    if (!ok) {
        fprintf(stderr, "%s:%s: TLS connection failed\n", host, port);
        ERR_print_errors_fp(stderr);
        /* Why the certificate was refused, if it was (e.g. "hostname mismatch"). */
        if (ssl != NULL && SSL_get_verify_result(ssl) != X509_V_OK)
            fprintf(stderr, "verify result: %s\n",
                    X509_verify_cert_error_string(SSL_get_verify_result(ssl)));
    }
    X509_free(peer);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    if (fd >= 0)
        close(fd);
    return ok ? 0 : 1;
}
