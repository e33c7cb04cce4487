/* SPDX-License-Identifier: Apache-2.0 */
#include "server_name.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

const char *tlsd_server_name_normalize(const char *name, size_t len, char **out)
{
    *out = NULL;
    if (name == NULL || len == 0 || name[0] == '.')
        return "server_hostname cannot be an empty string or start with a leading dot.";
    if (memchr(name, '\0', len) != NULL)
        return "server_hostname contains a NUL byte";
    /* SNI carries no trailing dot (RFC 6066) and certificates name hosts
     * without one. */
    if (len > 1 && name[len - 1] == '.')
        len--;
    if ((*out = OPENSSL_strndup(name, len)) == NULL)
        return "out of memory";
    return NULL;
}

int tlsd_server_name_is_ip(const char *name)
{
    ASN1_OCTET_STRING *ip = a2i_IPADDRESS(name);

    ASN1_OCTET_STRING_free(ip);
    return ip != NULL;
}

int tlsd_server_name_expect(X509_VERIFY_PARAM *param, const char *name)
{
    ASN1_OCTET_STRING *ip = a2i_IPADDRESS(name);
    int ok;

    if (ip != NULL) {
        ok = X509_VERIFY_PARAM_set1_ip(param, ASN1_STRING_get0_data(ip),
                                       (size_t)ASN1_STRING_length(ip));
        ASN1_OCTET_STRING_free(ip);
        return ok;
    }
    return X509_VERIFY_PARAM_set1_host(param, name, 0);
}

int tlsd_server_name_names_peer(const X509_VERIFY_PARAM *param)
{
    char *ip;

    if (X509_VERIFY_PARAM_get0_host((X509_VERIFY_PARAM *)param, 0) != NULL
        || X509_VERIFY_PARAM_get0_email((X509_VERIFY_PARAM *)param) != NULL)
        return 1;
    /* get1_ip_asc() raises an error when there is no IP: not ours to show. */
    ERR_set_mark();
    ip = X509_VERIFY_PARAM_get1_ip_asc((X509_VERIFY_PARAM *)param);
    ERR_pop_to_mark();
    OPENSSL_free(ip);
    return ip != NULL;
}

/* By the library's name rules. */
enum tlsd_server_name_check tlsd_server_name_expect_sni(X509_STORE_CTX *sctx, const SSL *ssl,
                                                        const char **why)
{
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(sctx);
    const char *sni;
    char *name;

    if (tlsd_server_name_names_peer(param))
        return TLSD_SERVER_NAME_OF_PROGRAM;
    sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (sni == NULL || *sni == '\0')
        return TLSD_SERVER_NAME_NONE;
    /* A leading dot would read as "any subdomain of"; an IP literal sent
     * as SNI (RFC 6066 forbids it) is checked as the address it is. */
    if ((*why = tlsd_server_name_normalize(sni, strlen(sni), &name)) != NULL)
        return TLSD_SERVER_NAME_REFUSED;
    ERR_set_mark();
    if (!tlsd_server_name_expect(param, name))
        *why = "refused by OpenSSL's host name rules";
    ERR_pop_to_mark();
    OPENSSL_free(name);
    return *why == NULL ? TLSD_SERVER_NAME_FROM_SNI : TLSD_SERVER_NAME_REFUSED;
}
