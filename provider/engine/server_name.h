/* SPDX-License-Identifier: Apache-2.0 */
/* One set of rules for the name a client expects its server to have,
 * whether the program gives it (tlsd_set_server_hostname) or the module
 * takes it from the SNI a careless program sent (HostnameCheck). */
#ifndef TLSD_SERVER_NAME_H
#define TLSD_SERVER_NAME_H

#include <stddef.h>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

/* Checks name (len bytes, not necessarily NUL-terminated) by Python's
 * server_hostname rules: not empty, no leading dot (OpenSSL would read it
 * as "any subdomain of"), no NUL byte. On success *out is the name without
 * its trailing dot ("host." is the fully qualified "host"), NUL-terminated,
 * to OPENSSL_free(), and the result is NULL; otherwise the result says why
 * the name is refused (*out NULL). */
const char *tlsd_server_name_normalize(const char *name, size_t len, char **out);

/* 1 when a normalized name is an IPv4 or IPv6 literal in canonical form
 * (a2i_IPADDRESS: "1.2.3" and "0x7f.1" are names, as in Python). */
int tlsd_server_name_is_ip(const char *name);

/* Makes param expect a normalized name: as an address for an IP literal,
 * else as a host name. 0 when OpenSSL refuses the name (4.0 validates host
 * names) or memory is short: the name can then match no certificate. */
int tlsd_server_name_expect(X509_VERIFY_PARAM *param, const char *name);

/* 1 when param names the peer to check: a host, an email or an IP. */
int tlsd_server_name_names_peer(const X509_VERIFY_PARAM *param);

/* What a client's verification found to check the certificate against. */
enum tlsd_server_name_check {
    TLSD_SERVER_NAME_OF_PROGRAM, /* the program set a host, IP or email of its own */
    TLSD_SERVER_NAME_FROM_SNI,   /* the SNI name, now expected by the verification */
    TLSD_SERVER_NAME_NONE,       /* no SNI either */
    TLSD_SERVER_NAME_REFUSED     /* an SNI name no certificate may match */
};

/* Makes sctx's verification expect ssl's SNI name when the program set no
 * host, IP or email of its own (HostnameCheck, enforced or audited); *why
 * is set to the reason when the result is TLSD_SERVER_NAME_REFUSED. */
enum tlsd_server_name_check tlsd_server_name_expect_sni(X509_STORE_CTX *sctx, const SSL *ssl,
                                                        const char **why);

#endif
