/* SPDX-License-Identifier: Apache-2.0 */
/* The names of Peers entries (a host, a wildcard, an address, a CIDR
 * block) and the choice of the entry for one connection: the most specific
 * entry wins, an exact host name first, then the longest wildcard, then
 * the longest address prefix. */
#ifndef TLSD_PEER_MATCH_H
#define TLSD_PEER_MATCH_H

#include <stddef.h>

#include <openssl/ssl.h>

enum tlsd_peer_kind { TLSD_PEER_HOST, TLSD_PEER_WILDCARD, TLSD_PEER_ADDRESS };

/* A peer's address: family AF_INET or AF_INET6 (0: none), in network
 * order. An IPv4-mapped IPv6 address is held as the IPv4 one. */
typedef struct {
    int family;
    unsigned char bytes[16];
} tlsd_peer_address;

/* One entry's name, parsed. Plain data: copied by value. */
typedef struct {
    enum tlsd_peer_kind kind;
    char host[256];            /* HOST: the name; WILDCARD: the part after "*." (lower case, no trailing dot) */
    tlsd_peer_address address; /* ADDRESS: the block's first address */
    int prefix;                /* ADDRESS: its length in bits (32 or 128 for one address) */
} tlsd_peer_name;

/* Parses an entry name as written in a Peers section. OpenSSL's
 * configuration syntax lets a key hold ':' only escaped, so an IPv6
 * address is written 2001\:db8\:\:/32: the backslashes are dropped. 1, or
 * 0 with *why set to the reason. */
int tlsd_peer_match_parse_name(const char *text, tlsd_peer_name *out, const char **why);

/* 1 when two parsed names are the same destination. */
int tlsd_peer_match_same(const tlsd_peer_name *a, const tlsd_peer_name *b);

/* An IP literal (after the rules of tlsd_peer_match_parse_name) as an address;
 * 0 when text is none. */
int tlsd_peer_match_parse_address(const char *text, tlsd_peer_address *out);

/* The index in names[0..n) of the entry that wins for a connection to
 * host (the name the program gave; NULL: none) at address (family 0:
 * unknown), or -1 when none matches. Address entries match only a
 * connection to an address (no name, or an IP literal): one to a DNS name
 * gets name entries only, whatever address the name resolved to. */
int tlsd_peer_match_best(const tlsd_peer_name *names, size_t n, const char *host,
                         const tlsd_peer_address *address);

/* What a client connection is known to connect to: the name the program
 * gave (SSL_set1_host, else its SNI name) into host (cap bytes; "" when
 * none), and the address of the socket's peer (family 0 when there is no
 * socket or it is not connected). */
void tlsd_peer_match_of_connection(const SSL *ssl, char *host, size_t cap, tlsd_peer_address *address);

/* The name part alone. */
void tlsd_peer_match_name_of_connection(const SSL *ssl, char *host, size_t cap);

/* Writes an address as text ("192.0.2.1", "2001:db8::1"). */
void tlsd_peer_match_address_text(const tlsd_peer_address *a, char *buf, size_t cap);

#endif
