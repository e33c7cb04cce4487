/* SPDX-License-Identifier: Apache-2.0 */
/* NSS key log files, shared by the library and the module. */
#ifndef TLSD_KEYLOG_H
#define TLSD_KEYLOG_H

#include <openssl/ssl.h>

/* An open key log file, reference counted by the contexts that use it. */
typedef struct tlsd_keylog tlsd_keylog;

/* True when this process's libssl writes SSLKEYLOGFILE itself, for every
 * context (3.5+ built with enable-sslkeylog), whatever KeyLog says. Decided
 * at run time, from the libssl in use. */
int tlsd_keylog_openssl_writes(void);

/* SSLKEYLOGFILE (secure_getenv; empty is unset), or NULL when unset or
 * when OpenSSL writes it itself. */
const char *tlsd_keylog_env_path(void);

/* The same for a value of SSLKEYLOGFILE read earlier: path, or NULL. */
const char *tlsd_keylog_path_of(const char *path);

/* Registers the writers' lock with fork_locks.h, as tlsd_keylog_open()
 * does: for a caller about to hold a registered lock around that call. */
void tlsd_keylog_fork_locks(void);

/* Opens path for appending with tlsd_private_file_open (created 0600; a
 * symbolic link, another user's file, a file with more than one link or
 * open to group or others is refused). NULL with an error whose data is
 * "path=PATH: why", and why also in why[cap] when why is not NULL (e.g.
 * "a symbolic link"; "" after a success). */
tlsd_keylog *tlsd_keylog_open(const char *path, char *why, size_t cap);

/* Logs ctx's secrets to kl (NULL: stop); ctx takes its own reference.
 * Returns 1, or 0 with TLSD_R_OUT_OF_MEMORY raised (ctx unchanged). */
int tlsd_keylog_install(tlsd_keylog *kl, SSL_CTX *ctx);

/* Drops a reference (NULL: nothing); the last closes the file. */
void tlsd_keylog_free(tlsd_keylog *kl);

#endif
