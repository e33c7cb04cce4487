/* SPDX-License-Identifier: Apache-2.0 */
/* The fields every log line of the module shares (audit and inventory):
 * text as one token, and the peer. */
#include "log_fields.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/objects.h>

/* Copies text as one token: bytes outside a safe set become \xNN (an SNI
 * name comes from the peer). */
void tlsd_log_fields_token(char *out, size_t cap, const char *text)
{
    size_t o = 0;

    for (const unsigned char *p = (const unsigned char *)text; *p != '\0' && o + 5 < cap; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
            || strchr(".-_:[]*+", *p) != NULL)
            out[o++] = (char)*p;
        else
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", *p);
    }
    out[o] = '\0';
}

void tlsd_log_fields_peer(const SSL *ssl, char *out, size_t cap)
{
    const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char addr[INET6_ADDRSTRLEN + 8] = "unknown";
    int fd = SSL_get_fd(ssl);

    if (sni != NULL && *sni != '\0') {
        tlsd_log_fields_token(out, cap, sni);
        return;
    }
    if (fd >= 0 && getpeername(fd, (struct sockaddr *)&ss, &len) == 0) {
        char ip[INET6_ADDRSTRLEN];

        if (ss.ss_family == AF_INET
            && inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, ip, sizeof(ip)) != NULL)
            snprintf(addr, sizeof(addr), "%s:%u", ip, ntohs(((struct sockaddr_in *)&ss)->sin_port));
        else if (ss.ss_family == AF_INET6
                 && inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, ip, sizeof(ip)) != NULL)
            snprintf(addr, sizeof(addr), "[%s]:%u", ip, ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
    }
    tlsd_log_fields_token(out, cap, addr);
}

void tlsd_log_fields_key(const EVP_PKEY *key, char *out, size_t cap)
{
    const char *type = key != NULL ? EVP_PKEY_get0_type_name(key) : NULL;
    char text[96];

    if (key == NULL) {
        snprintf(out, cap, "none");
        return;
    }
    snprintf(text, sizeof(text), "%s-%d", type != NULL ? type : OBJ_nid2sn(EVP_PKEY_get_base_id(key)),
             EVP_PKEY_get_bits(key));
    tlsd_log_fields_token(out, cap, text);
}
