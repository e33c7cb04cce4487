/* SPDX-License-Identifier: Apache-2.0 */
#include "method_role.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

/* The fixed-version methods are deprecated and hidden from this build
 * (OPENSSL_NO_DEPRECATED), but careless programs still use them (Perl's
 * Net::SSLeay, Python's PROTOCOL_TLSv1_2): they are looked up by name in
 * the libssl that provides TLS_method(), with QUIC's, which a module built
 * with 3.0's headers cannot name otherwise. A release without one simply
 * has no row for it (4.0 removed the fixed-version ones). */
static const struct {
    const char *symbol;
    tlsd_role role;
    int dtls;
} fixed_methods[] = {
    {"TLSv1_method", TLSD_ROLE_GENERIC, 0},
    {"TLSv1_client_method", TLSD_ROLE_CLIENT, 0},
    {"TLSv1_server_method", TLSD_ROLE_SERVER, 0},
    {"TLSv1_1_method", TLSD_ROLE_GENERIC, 0},
    {"TLSv1_1_client_method", TLSD_ROLE_CLIENT, 0},
    {"TLSv1_1_server_method", TLSD_ROLE_SERVER, 0},
    {"TLSv1_2_method", TLSD_ROLE_GENERIC, 0},
    {"TLSv1_2_client_method", TLSD_ROLE_CLIENT, 0},
    {"TLSv1_2_server_method", TLSD_ROLE_SERVER, 0},
    {"DTLSv1_method", TLSD_ROLE_GENERIC, 1},
    {"DTLSv1_client_method", TLSD_ROLE_CLIENT, 1},
    {"DTLSv1_server_method", TLSD_ROLE_SERVER, 1},
    {"DTLSv1_2_method", TLSD_ROLE_GENERIC, 1},
    {"DTLSv1_2_client_method", TLSD_ROLE_CLIENT, 1},
    {"DTLSv1_2_server_method", TLSD_ROLE_SERVER, 1},
    /* QUIC (3.2+; its server, 3.5+): TLS 1.3 only, its own transport. Not
     * declared by 3.0's headers, so looked up by name too. */
    {"OSSL_QUIC_client_method", TLSD_ROLE_CLIENT, 0},
    {"OSSL_QUIC_client_thread_method", TLSD_ROLE_CLIENT, 0},
    {"OSSL_QUIC_server_method", TLSD_ROLE_SERVER, 0},
};

#define N_FIXED (sizeof(fixed_methods) / sizeof(fixed_methods[0]))

static const SSL_METHOD *fixed_method_ptrs[N_FIXED];
static pthread_once_t fixed_once = PTHREAD_ONCE_INIT;

static void find_fixed_methods(void)
{
    Dl_info info;
    void *libssl;

    if (dladdr((void *)TLS_method, &info) == 0 || info.dli_fname == NULL
        || (libssl = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD)) == NULL)
        return;
    for (size_t i = 0; i < N_FIXED; i++) {
        const SSL_METHOD *(*get)(void);
        void *sym = dlsym(libssl, fixed_methods[i].symbol);

        /* POSIX's way from a data pointer to a function pointer. */
        *(void **)&get = sym;
        fixed_method_ptrs[i] = sym != NULL ? get() : NULL;
    }
    dlclose(libssl); /* libssl stays: the module is linked with it */
}

tlsd_method_info tlsd_method_role_info(const SSL_METHOD *m)
{
    tlsd_method_info info = {TLSD_ROLE_OTHER, 0, 0};

    if (m == TLS_client_method() || m == DTLS_client_method())
        info.role = TLSD_ROLE_CLIENT;
    else if (m == TLS_server_method() || m == DTLS_server_method())
        info.role = TLSD_ROLE_SERVER;
    else if (m == TLS_method() || m == DTLS_method())
        info.role = TLSD_ROLE_GENERIC;
    if (info.role != TLSD_ROLE_OTHER) {
        info.dtls = m == DTLS_client_method() || m == DTLS_server_method() || m == DTLS_method();
        info.version_flexible = 1;
        return info;
    }
    pthread_once(&fixed_once, find_fixed_methods);
    for (size_t i = 0; i < N_FIXED; i++) {
        if (fixed_method_ptrs[i] != NULL && fixed_method_ptrs[i] == m) {
            info.role = fixed_methods[i].role;
            info.dtls = fixed_methods[i].dtls;
            break;
        }
    }
    return info;
}

const char *tlsd_method_role_name(tlsd_role role)
{
    switch (role) {
    case TLSD_ROLE_CLIENT: return "client";
    case TLSD_ROLE_SERVER: return "server";
    case TLSD_ROLE_GENERIC: return "generic";
    default: return "other";
    }
}

const char *tlsd_method_role_of_ctx(const SSL_CTX *ctx)
{
    return tlsd_method_role_name(tlsd_method_role_info(SSL_CTX_get_ssl_method(ctx)).role);
}
