/* SPDX-License-Identifier: Apache-2.0 */
#include "loader_check.h"

#include <dlfcn.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Numbers and version macros only: nothing of the module's own libcrypto
 * is called here. */
#include <openssl/conferr.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/opensslv.h>

#include "debug.h"

/* An address inside this object (the module). */
static const char anchor;

/* The loaded object that holds addr and its link map; NULL if none. */
static struct link_map *object_at(const void *addr, Dl_info *info)
{
    struct link_map *map = NULL;

    memset(info, 0, sizeof(*info));
    if (addr == NULL || dladdr1(addr, info, (void **)&map, RTLD_DL_LINKMAP) == 0)
        return NULL;
    return map;
}

/* name as the already loaded object file finds it: in itself, then in its
 * dependencies. dlsym() gives the definition itself, never the PLT entry
 * of a program that takes the function's address. Loads nothing. */
static void *symbol_of(const char *file, const char *name)
{
    void *handle, *sym = NULL;

    if (file == NULL || *file == '\0')
        return NULL;
    if ((handle = dlopen(file, RTLD_LAZY | RTLD_NOLOAD)) != NULL) {
        sym = dlsym(handle, name);
        dlclose(handle); /* still loaded: NOLOAD only took a reference */
    }
    if (sym == NULL)
        (void)dlerror(); /* leave no message for the program's dlerror() */
    return sym;
}

/* The libcrypto this module is linked with: the object that defines
 * OpenSSL_version_num in the module's own lookup scope. */
static struct link_map *own_libcrypto(Dl_info *self, Dl_info *info)
{
    if (object_at(&anchor, self) == NULL)
        return NULL;
    return object_at(symbol_of(self->dli_fname, "OpenSSL_version_num"), info);
}

/* The loaded object whose segments hold an address: named by its program
 * headers (one table per object) and its file name. dladdr() would say the
 * same but also looks for the nearest symbol, through the whole symbol
 * table of a library as large as libcrypto: at every load and unload of
 * the configuration, most of what the module cost a process that makes no
 * TLS context. */
typedef struct {
    uintptr_t addr;
    const void *object; /* NULL: not found */
    const char *name;
} object_lookup;

static int find_object(struct dl_phdr_info *info, size_t size, void *arg)
{
    object_lookup *l = arg;

    (void)size;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + ph->p_vaddr;

        if (ph->p_type == PT_LOAD && l->addr >= start && l->addr - start < ph->p_memsz) {
            l->object = info->dlpi_phdr;
            l->name = info->dlpi_name;
            return 1;
        }
    }
    return 0;
}

static object_lookup object_holding(const void *addr)
{
    object_lookup l = {(uintptr_t)addr, NULL, NULL};

    if (addr != NULL)
        dl_iterate_phdr(find_object, &l);
    return l;
}

/* OpenSSL_version_num as the module's own lookup scope finds it. When the
 * lookup fails (seen after a dlopen() of the module that failed for lack
 * of memory: the module loaded again could not be found by RTLD_NOLOAD),
 * the module's own binding of the symbol: a libcrypto that is the
 * module's own must not be refused then, or the program goes on without a
 * policy (a program's canonical PLT entry, the case dlsym() avoids, names
 * the program: still refused). */
static void *own_version_num(const char *self)
{
    void *sym = symbol_of(self, "OpenSSL_version_num");

    return sym != NULL ? sym : (void *)(uintptr_t)&OpenSSL_version_num;
}

int tlsd_loader_check_is_own(const void *return_address)
{
    object_lookup from = object_holding(return_address), self = object_holding(&anchor);

    if (from.object == NULL || self.object == NULL)
        return 0;
    /* The libcrypto this module is linked with: the object that defines
     * OpenSSL_version_num in the module's own lookup scope. */
    return object_holding(own_version_num(self.name)).object == from.object;
}

/* A function defined in the caller's object itself, or NULL. */
static void *caller_function(const Dl_info *caller, const char *name)
{
    Dl_info where;
    void *sym = symbol_of(caller->dli_fname, name);

    if (sym == NULL || object_at(sym, &where) == NULL || where.dli_fbase != caller->dli_fbase)
        return NULL;
    return sym;
}

typedef const char *version_fn(int type);
typedef void err_new_fn(void);
typedef void err_set_debug_fn(const char *file, int line, const char *func);
typedef void err_set_error_fn(int lib, int reason, const char *fmt, ...);

void tlsd_loader_check_refuse(const void *return_address, const char *entry)
{
    Dl_info caller, self, own;
    const char *caller_version = NULL;
    char text[640];
    void *sym;

    if (object_at(return_address, &caller) == NULL) {
        tlsd_debug("%s called from outside any loaded object: refused, no policy from this module",
                   entry);
        return;
    }
    own_libcrypto(&self, &own);
    /* OpenSSL_version(OPENSSL_VERSION), 0 in 1.1.1, 3.x and 4.x: a
     * function of the caller on no object of its own. */
    if ((sym = caller_function(&caller, "OpenSSL_version")) != NULL)
        caller_version = ((version_fn *)sym)(0);
    snprintf(text, sizeof(text),
             "%s is built for OpenSSL %d.%d (linked with %s) but was loaded by %s%s%s%s: "
             "refused, this process gets no policy from it; "
             "install the module built for that OpenSSL into its own modules directory",
             self.dli_fname != NULL ? self.dli_fname : "the module",
             OPENSSL_VERSION_MAJOR, OPENSSL_VERSION_MINOR,
             own.dli_fname != NULL ? own.dli_fname : "an unknown libcrypto",
             caller.dli_fname != NULL && *caller.dli_fname ? caller.dli_fname : "the program",
             caller_version != NULL ? " (" : "", caller_version != NULL ? caller_version : "",
             caller_version != NULL ? ")" : "");
    tlsd_debug("%s", text);

    /* The reason, on the caller's own error queue: ERR_raise_data() made of
     * the caller's functions (same prototypes in 3.x and 4.x; 1.1.1 has no
     * ERR_new and gets nothing). ERR_LIB_CONF and
     * CONF_R_MODULE_INITIALIZATION_ERROR are 14 and 109 in both. */
    {
        err_new_fn *err_new = (err_new_fn *)caller_function(&caller, "ERR_new");
        err_set_debug_fn *set_debug = (err_set_debug_fn *)caller_function(&caller, "ERR_set_debug");
        err_set_error_fn *set_error = (err_set_error_fn *)caller_function(&caller, "ERR_set_error");

        if (err_new != NULL && set_debug != NULL && set_error != NULL) {
            err_new();
            set_debug(__FILE__, __LINE__, entry);
            set_error(ERR_LIB_CONF, CONF_R_MODULE_INITIALIZATION_ERROR, "%s", text);
        }
    }
}
