/* SPDX-License-Identifier: Apache-2.0 */
#include "test_config.h"

#include <limits.h>
#include <stdio.h>

#include <CUnit/CUnit.h>
#include <openssl/conf.h>

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

void tlsd_test_load_module(const char *name, const char *keys, const char *extra)
{
    const char *path = tlsd_test_write_cnf(name, NULL, NULL, keys, extra);

    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    CU_ASSERT_EQUAL_FATAL(CONF_modules_load_file(path, NULL, 0), 1);
}

const char *const *tlsd_test_env_with(const char *cnf, int debug)
{
    static char env[4200];
    static const char *list[] = {env, NULL, NULL};

    snprintf(env, sizeof(env), "OPENSSL_CONF=%s", cnf);
    list[1] = debug ? "TLSDEFAULTS_DEBUG=1" : "TLSDEFAULTS_DEBUG=";
    return list;
}

CONF *tlsd_test_conf_from_text(const char *text)
{
    CONF *conf = NCONF_new(NULL);
    BIO *bio = BIO_new_mem_buf(text, -1);
    long line = 0;

    CU_ASSERT_FATAL(conf != NULL && bio != NULL);
    CU_ASSERT_FATAL(NCONF_load_bio(conf, bio, &line) > 0);
    BIO_free(bio);
    return conf;
}
