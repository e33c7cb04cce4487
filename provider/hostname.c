/* A client connection's server name: SNI and the certificate check. */
#include <string.h>

#include <openssl/x509v3.h>

#include "errors.h"
#include "tlsdefaults.h"

static int set_name(SSL *ssl, const char *hostname, size_t len)
{
    X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
    ASN1_OCTET_STRING *ip;
    int ok;

    /* a2i_IPADDRESS takes only canonical IPv4 and IPv6 literals, as Python
     * does: "1.2.3" and "0x7f.1" are names. */
    ip = a2i_IPADDRESS(hostname);
    if (ip != NULL) {
        ok = !(SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER)
             || X509_VERIFY_PARAM_set1_ip(param, ASN1_STRING_get0_data(ip),
                                          (size_t)ASN1_STRING_length(ip));
        ASN1_OCTET_STRING_free(ip);
    } else {
        /* SNI is sent for names only (RFC 6066 forbids literals). */
        ok = SSL_set_tlsext_host_name(ssl, hostname)
             && (!(SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER)
                 || X509_VERIFY_PARAM_set1_host(param, hostname, len));
    }
    if (!ok)
        TLSD_RAISE(TLSD_R_BAD_HOSTNAME, "server_hostname=%s", hostname);
    return ok;
}

int tlsd_set_server_hostname_len(SSL *ssl, const char *hostname, size_t len)
{
    char *name;
    int ok;

    if (hostname == NULL || len == 0 || hostname[0] == '.') {
        TLSD_RAISE(TLSD_R_BAD_HOSTNAME,
                   "server_hostname cannot be an empty string or start with a leading dot.");
        return 0;
    }
    if (memchr(hostname, '\0', len) != NULL) {
        TLSD_RAISE(TLSD_R_BAD_HOSTNAME, "server_hostname contains a NUL byte");
        return 0;
    }
    /* "host." is the fully qualified "host": SNI carries no trailing dot
     * (RFC 6066) and certificates name hosts without one. */
    if (len > 1 && hostname[len - 1] == '.')
        len--;
    /* hostname need not be NUL-terminated: work on a copy that is. */
    if ((name = OPENSSL_strndup(hostname, len)) == NULL) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        return 0;
    }
    ok = set_name(ssl, name, len);
    OPENSSL_free(name);
    return ok;
}

int tlsd_set_server_hostname(SSL *ssl, const char *hostname)
{
    return tlsd_set_server_hostname_len(ssl, hostname, hostname ? strlen(hostname) : 0);
}
