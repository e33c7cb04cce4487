/* NSS key log files, shared by the library and the module. */
#ifndef TLSD_KEYLOG_H
#define TLSD_KEYLOG_H

#include <openssl/ssl.h>

/* An open key log file, reference counted by the contexts that use it. */
typedef struct tlsd_keylog tlsd_keylog;

/* SSLKEYLOGFILE (secure_getenv; empty is unset), or NULL when unset or
 * when OpenSSL writes it itself (3.5+ built with enable-sslkeylog). */
const char *tlsd_keylog_env_path(void);

/* Opens (creates with mode 0600, appends) path. NULL with an error. */
tlsd_keylog *tlsd_keylog_open(const char *path);

/* Logs ctx's secrets to kl (NULL: stop); ctx takes its own reference. */
int tlsd_keylog_attach(tlsd_keylog *kl, SSL_CTX *ctx);

void tlsd_keylog_release(tlsd_keylog *kl);

#endif
