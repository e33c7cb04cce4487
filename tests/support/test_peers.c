/* SPDX-License-Identifier: Apache-2.0 */
#include "test_peers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/opensslv.h>

#include "test_process.h"

const char *tlsd_test_which(const char *program)
{
    static char path[4096];
    const char *dirs = getenv("PATH"), *end;

    if (strchr(program, '/') != NULL)
        return access(program, X_OK) == 0 ? program : NULL;
    for (; dirs != NULL && *dirs != '\0'; dirs = *end ? end + 1 : end) {
        size_t len;

        end = strchr(dirs, ':');
        if (end == NULL)
            end = dirs + strlen(dirs);
        len = (size_t)(end - dirs);
        /* An empty entry is the current directory, as for execvp(). */
        if (snprintf(path, sizeof(path), "%.*s%s%s", (int)len, dirs, len ? "/" : "", program)
                < (int)sizeof(path)
            && access(path, X_OK) == 0)
            return path;
    }
    return NULL;
}

int tlsd_test_libssl_major(const char *file)
{
    static char out[32768];
    const char *argv[] = {"ldd", file, NULL};
    const char *p;

    if (file == NULL || tlsd_test_run(argv, NULL, "", out, sizeof(out), 20) != 0)
        return 0;
    p = strstr(out, "libssl.so.");
    return p != NULL ? atoi(p + strlen("libssl.so.")) : 0;
}

const char *tlsd_test_python_ssl_file(void)
{
    static char out[4096];
    static const char script[] =
        "import sys\n"
        "try:\n"
        "    import _ssl\n"
        "    print(getattr(_ssl, '__file__', sys.executable))\n"
        "except ImportError:\n"
        "    print(sys.executable)\n";
    const char *argv[] = {"python3", "-c", script, NULL};
    char *nl;

    if (tlsd_test_run(argv, NULL, "", out, sizeof(out), 30) != 0)
        return NULL;
    if ((nl = strchr(out, '\n')) != NULL)
        *nl = '\0';
    return out[0] != '\0' ? out : NULL;
}

int tlsd_test_peer_usable(const char *who, const char *file)
{
    int major = tlsd_test_libssl_major(file);

    if (major == OPENSSL_VERSION_MAJOR)
        return 1;
    if (major == 0)
        fprintf(stderr, "\n  SKIP: %s (%s) loads no libssl that ldd can see: "
                        "the module would not be loaded into it\n",
                who, file != NULL ? file : "not found");
    else
        fprintf(stderr, "\n  SKIP: %s loads libssl.so.%d (OpenSSL %d, %s), this tree is built "
                        "against OpenSSL %s: loaded into it, the module would meet a libcrypto "
                        "of another major version and give it no policy\n",
                who, major, major, file, OPENSSL_VERSION_STR);
    return 0;
}
