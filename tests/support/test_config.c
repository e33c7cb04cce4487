#include "test_config.h"

#include <limits.h>
#include <stdio.h>

#include "test_certs.h"

const char *tlsd_test_write_cnf(const char *name, const char *default_lines,
                                const char *init_first, const char *keys,
                                const char *extra)
{
    static char path[PATH_MAX];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s.cnf", tlsd_test_certs_dir(), name);
    if ((f = fopen(path, "w")) == NULL)
        return NULL;
    fprintf(f, "%s\nopenssl_conf = openssl_init\n"
               "[openssl_init]\n%s\n"
               "tlsdefaults = tlsdefaults_sect\n"
               "[tlsdefaults_sect]\n"
               "path = %s\n"
               "%s\n%s\n",
            default_lines ? default_lines : "", init_first ? init_first : "",
            TLSD_MODULE_PATH, keys ? keys : "", extra ? extra : "");
    return fclose(f) == 0 ? path : NULL;
}

const char *const *tlsd_test_env_with(const char *cnf, int debug)
{
    static char env[4200];
    static const char *list[] = {env, NULL, NULL};

    snprintf(env, sizeof(env), "OPENSSL_CONF=%s", cnf);
    list[1] = debug ? "TLSDEFAULTS_DEBUG=1" : "TLSDEFAULTS_DEBUG=";
    return list;
}
