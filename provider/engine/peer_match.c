/* SPDX-License-Identifier: Apache-2.0 */
#include "peer_match.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

/* text without backslashes, lower case, without one trailing dot. */
static int unescape(const char *text, char *out, size_t cap)
{
    size_t n = 0;

    for (const char *c = text; *c != '\0'; c++) {
        if (*c == '\\')
            continue;
        if (n + 1 >= cap)
            return 0;
        out[n++] = (char)tolower((unsigned char)*c);
    }
    if (n > 0 && out[n - 1] == '.')
        n--;
    out[n] = '\0';
    return 1;
}

/* A DNS name: labels of letters, digits, '-' and '_' (which real zones
 * hold), 1 to 63 bytes each, none empty. */
static int is_host_name(const char *name)
{
    size_t label = 0;

    if (*name == '\0' || strlen(name) > 253)
        return 0;
    for (const char *c = name;; c++) {
        if (*c == '.' || *c == '\0') {
            if (label == 0 || label > 63)
                return 0;
            if (*c == '\0')
                return 1;
            label = 0;
        } else if (isalnum((unsigned char)*c) || *c == '-' || *c == '_') {
            label++;
        } else {
            return 0;
        }
    }
}

int tlsd_peer_match_parse_address(const char *text, tlsd_peer_address *out)
{
    unsigned char v6[16];
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, text, out->bytes) == 1) {
        out->family = AF_INET;
        return 1;
    }
    if (inet_pton(AF_INET6, text, v6) != 1)
        return 0;
    if (memcmp(v6, mapped, sizeof(mapped)) == 0) {
        out->family = AF_INET;
        memcpy(out->bytes, v6 + 12, 4);
    } else {
        out->family = AF_INET6;
        memcpy(out->bytes, v6, 16);
    }
    return 1;
}

/* "ADDRESS/BITS": the block, with no bit set past its prefix (a typo
 * such as 192.0.2.1/24 would otherwise cover what the writer did not
 * mean to). */
static int parse_block(char *text, tlsd_peer_name *out, const char **why)
{
    char *slash = strchr(text, '/'), *end;
    int max;
    long bits = -1;

    if (slash != NULL) {
        *slash = '\0';
        if (slash[1] < '0' || slash[1] > '9' || (bits = strtol(slash + 1, &end, 10), *end != '\0')) {
            *why = "expected ADDRESS/BITS";
            return 0;
        }
    }
    if (!tlsd_peer_match_parse_address(text, &out->address)) {
        *why = slash != NULL ? "not an IP address before the /" : "not an IP address";
        return 0;
    }
    max = out->address.family == AF_INET ? 32 : 128;
    if (bits > max) {
        *why = "prefix longer than the address";
        return 0;
    }
    out->prefix = bits < 0 ? max : (int)bits;
    for (int bit = out->prefix; bit < max; bit++)
        if (out->address.bytes[bit / 8] & (0x80 >> (bit % 8))) {
            *why = "address has bits set past its prefix";
            return 0;
        }
    out->kind = TLSD_PEER_ADDRESS;
    return 1;
}

int tlsd_peer_match_parse_name(const char *text, tlsd_peer_name *out, const char **why)
{
    char name[sizeof(out->host)];

    memset(out, 0, sizeof(*out));
    if (!unescape(text, name, sizeof(name)) || name[0] == '\0') {
        *why = name[0] == '\0' ? "empty name" : "name too long";
        return 0;
    }
    if (strchr(name, '/') != NULL || strchr(name, ':') != NULL || tlsd_peer_match_parse_address(name, &out->address))
        return parse_block(name, out, why);
    if (strncmp(name, "*.", 2) == 0 && is_host_name(name + 2) && strchr(name + 2, '*') == NULL) {
        out->kind = TLSD_PEER_WILDCARD;
        snprintf(out->host, sizeof(out->host), "%s", name + 2);
        return 1;
    }
    if (!is_host_name(name)) {
        *why = strchr(name, '*') != NULL ? "a wildcard is written *.DOMAIN, as the whole first label"
                                         : "not a host name, an IP address or a CIDR block";
        return 0;
    }
    /* "10.1" or "1.2.3" are names to a resolver, and no address here:
     * written as an address by mistake, such an entry would never match. */
    for (const char *c = name; *c != '\0'; c++)
        if (!isdigit((unsigned char)*c) && *c != '.') {
            out->kind = TLSD_PEER_HOST;
            snprintf(out->host, sizeof(out->host), "%s", name);
            return 1;
        }
    *why = "not a full IPv4 address";
    return 0;
}

int tlsd_peer_match_same(const tlsd_peer_name *a, const tlsd_peer_name *b)
{
    if (a->kind != b->kind)
        return 0;
    if (a->kind != TLSD_PEER_ADDRESS)
        return strcmp(a->host, b->host) == 0;
    return a->prefix == b->prefix && a->address.family == b->address.family
           && memcmp(a->address.bytes, b->address.bytes, sizeof(a->address.bytes)) == 0;
}

static int in_block(const tlsd_peer_name *n, const tlsd_peer_address *a)
{
    if (a->family != n->address.family)
        return 0;
    for (int bit = 0; bit < n->prefix; bit++) {
        unsigned char mask = (unsigned char)(0x80 >> (bit % 8));

        if ((a->bytes[bit / 8] & mask) != (n->address.bytes[bit / 8] & mask))
            return 0;
    }
    return 1;
}

/* How specific a match is: 0 none; an exact name above any wildcard,
 * a wildcard above any address; within a kind, the longer the better.
 * host: a DNS name, or "" (none, or an IP literal: host_address). */
static int score(const tlsd_peer_name *n, const char *host, const tlsd_peer_address *host_address,
                 const tlsd_peer_address *address)
{
    size_t h, s;

    switch (n->kind) {
    case TLSD_PEER_HOST:
        return host[0] != '\0' && strcmp(host, n->host) == 0 ? 3000 : 0;
    case TLSD_PEER_WILDCARD:
        h = strlen(host), s = strlen(n->host);
        return h > s + 1 && host[h - s - 1] == '.' && strcmp(host + h - s, n->host) == 0 ? 2000 + (int)s : 0;
    case TLSD_PEER_ADDRESS:
        /* Not for a connection to a name: whoever answers for that name in
         * DNS could point it into an exempt block and choose its policy. */
        if (host[0] != '\0')
            return 0;
        return in_block(n, address) || in_block(n, host_address) ? 1000 + n->prefix : 0;
    }
    return 0;
}

int tlsd_peer_match_best(const tlsd_peer_name *names, size_t n, const char *host,
                         const tlsd_peer_address *address)
{
    char name[sizeof(names->host)] = "";
    tlsd_peer_address host_address = {0};
    tlsd_peer_address none = {0};
    int best = -1, best_score = 0;

    if (host != NULL && unescape(host, name, sizeof(name)) && !tlsd_peer_match_parse_address(name, &host_address))
        host_address.family = 0;
    if (host_address.family != 0)
        name[0] = '\0'; /* an IP literal is no host name */
    for (size_t i = 0; i < n; i++) {
        int s = score(&names[i], name, &host_address, address != NULL ? address : &none);

        if (s > best_score) {
            best = (int)i;
            best_score = s;
        }
    }
    return best;
}

static void address_of_socket(const SSL *ssl, tlsd_peer_address *out)
{
    struct sockaddr_storage sa;
    socklen_t len = sizeof(sa);
    int fd = SSL_get_fd(ssl);

    memset(out, 0, sizeof(*out));
    if (fd < 0 || getpeername(fd, (struct sockaddr *)&sa, &len) != 0)
        return;
    if (sa.ss_family == AF_INET) {
        out->family = AF_INET;
        memcpy(out->bytes, &((struct sockaddr_in *)&sa)->sin_addr, 4);
    } else if (sa.ss_family == AF_INET6) {
        char text[INET6_ADDRSTRLEN];

        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, text, sizeof(text));
        tlsd_peer_match_parse_address(text, out); /* IPv4-mapped ones as IPv4 */
    }
}

void tlsd_peer_match_name_of_connection(const SSL *ssl, char *host, size_t cap)
{
    const char *name = X509_VERIFY_PARAM_get0_host(SSL_get0_param((SSL *)ssl), 0);
    char *ip = NULL;

    if (name == NULL) {
        /* Raises an error when no address is set. */
        ERR_set_mark();
        name = ip = X509_VERIFY_PARAM_get1_ip_asc(SSL_get0_param((SSL *)ssl));
        ERR_pop_to_mark();
    }
    if (name == NULL)
        name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    snprintf(host, cap, "%s", name != NULL ? name : "");
    OPENSSL_free(ip);
}

void tlsd_peer_match_of_connection(const SSL *ssl, char *host, size_t cap, tlsd_peer_address *address)
{
    tlsd_peer_match_name_of_connection(ssl, host, cap);
    address_of_socket(ssl, address);
}

void tlsd_peer_match_address_text(const tlsd_peer_address *a, char *buf, size_t cap)
{
    char text[INET6_ADDRSTRLEN] = "none";

    if (a->family != 0)
        inet_ntop(a->family, a->bytes, text, sizeof(text));
    snprintf(buf, cap, "%s", text);
}
