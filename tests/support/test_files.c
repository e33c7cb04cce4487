/* SPDX-License-Identifier: Apache-2.0 */
#include "test_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "test_certs.h"
#include "test_handshake.h"

int tlsd_test_count_lines(const char *path, const char *prefix)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    int n = 0;

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL)
        n += strncmp(line, prefix, strlen(prefix)) == 0;
    fclose(f);
    return n;
}

const char *tlsd_test_read_file(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    size_t n = 0;

    if (f != NULL) {
        n = fread(buf, 1, cap - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
    return buf;
}

int tlsd_test_openssl_key_lines(void)
{
    const char *path = tlsd_test_cert_path("openssl-own-keylog.txt");
    SSL_CTX *client, *server;
    tlsd_test_result r;
    int lines;

    unlink(path);
    setenv("SSLKEYLOGFILE", path, 1);
    client = SSL_CTX_new(TLS_client_method());
    server = tlsd_test_server_ctx(tlsd_test_cert_path("leaf-chain.pem"));
    if (client != NULL && server != NULL)
        tlsd_test_handshake(client, server, "localhost", NULL, &r);
    SSL_CTX_free(client);
    SSL_CTX_free(server);
    unsetenv("SSLKEYLOGFILE");
    lines = tlsd_test_count_lines(path, "CLIENT_TRAFFIC_SECRET_0 ");
    unlink(path);
    return lines < 0 ? 0 : lines;
}

int tlsd_test_count_in_file(const char *path, const char *needle, char *buf, size_t cap)
{
    int n = 0;

    tlsd_test_read_file(path, buf, cap);
    for (const char *p = buf; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}
