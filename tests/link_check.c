/* SPDX-License-Identifier: Apache-2.0 */
/* A program linked with -ltlsdefaults before -lssl -lcrypto, as pkg-config
 * and find_package() link it, that calls libcrypto's OPENSSL_init(): the
 * call must reach libcrypto, never the config module's entry point of the
 * same name that libtlsdefaults.so.0 pulls in for OpenSSL's default-name
 * rule. Prints where the call went; exit 0 when it went to libcrypto and
 * the link order really was the one that matters (libtlsdefaults loaded
 * before libcrypto), 1 otherwise. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr, dl_iterate_phdr */
#endif
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

#include <openssl/conf.h>
#include <openssl/crypto.h>

#include "tlsdefaults.h"

static int position, tlsd_at = -1, crypto_at = -1;

static int note(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size, (void)data;
    if (strstr(info->dlpi_name, "/libtlsdefaults.so.") != NULL && tlsd_at < 0)
        tlsd_at = position;
    if (strstr(info->dlpi_name, "/libcrypto.so.") != NULL && crypto_at < 0)
        crypto_at = position;
    position++;
    return 0;
}

/* The file an address lives in, NULL if none. */
static const char *file_of(void (*fn)(void), Dl_info *info)
{
    union {
        void (*fn)(void);
        void *p;
    } u = {fn};

    return dladdr(u.p, info) ? info->dli_fname : NULL;
}

int main(void)
{
    void (*init)(void) = OPENSSL_init;
    Dl_info called, crypto;
    const char *where, *libcrypto;

    /* Something of the library's, so the link keeps it. */
    if (file_of((void (*)(void))tlsd_create_default_context, &called) == NULL)
        return 1;
    OPENSSL_init();
    where = file_of(init, &called);
    libcrypto = file_of((void (*)(void))CONF_modules_load, &crypto);
    dl_iterate_phdr(note, NULL);
    printf("OPENSSL_init: %s\n", where != NULL ? where : "(unknown)");
    printf("load order: libtlsdefaults %d, libcrypto %d\n", tlsd_at, crypto_at);
    if (tlsd_at < 0 || crypto_at < 0 || tlsd_at > crypto_at) {
        printf("not linked with libtlsdefaults before libcrypto: nothing checked\n");
        return 1;
    }
    if (where == NULL || libcrypto == NULL || called.dli_fbase != crypto.dli_fbase) {
        printf("FAIL: OPENSSL_init() did not reach libcrypto (%s)\n", libcrypto ? libcrypto : "?");
        return 1;
    }
    printf("ok: libcrypto's OPENSSL_init\n");
    return 0;
}
