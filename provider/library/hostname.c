/* SPDX-License-Identifier: Apache-2.0 */
/* A client connection's server name: SNI and the certificate check. */
#include <string.h>

#include <openssl/crypto.h>

#include "errors.h"
#include "server_name.h"
#include "tlsdefaults.h"

int tlsd_set_server_hostname_len(SSL *ssl, const char *hostname, size_t len)
{
    int verifies = (SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) != 0;
    const char *refused;
    char *name;
    int ok;

    if ((refused = tlsd_server_name_normalize(hostname, len, &name)) != NULL) {
        TLSD_RAISE(TLSD_R_BAD_HOSTNAME, "%s", refused);
        return 0;
    }
    /* SNI is sent for names only (RFC 6066 forbids literals). */
    ok = (tlsd_server_name_is_ip(name) || SSL_set_tlsext_host_name(ssl, name))
         && (!verifies || tlsd_server_name_expect(SSL_get0_param(ssl), name));
    if (!ok)
        TLSD_RAISE(TLSD_R_BAD_HOSTNAME, "server_hostname=%s", name);
    OPENSSL_free(name);
    return ok;
}

int tlsd_set_server_hostname(SSL *ssl, const char *hostname)
{
    return tlsd_set_server_hostname_len(ssl, hostname, hostname ? strlen(hostname) : 0);
}
