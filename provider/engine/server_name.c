/* SPDX-License-Identifier: Apache-2.0 */
#include "server_name.h"

#include <string.h>

#include <openssl/crypto.h>
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
