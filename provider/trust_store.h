/* Trust stores read once per process and shared between contexts: the
 * system store (SSL_CERT_FILE, SSL_CERT_DIR, else OpenSSL's defaults), or a
 * CA file or directory named in the configuration. */
#ifndef TLSD_TRUST_STORE_H
#define TLSD_TRUST_STORE_H

#include <openssl/ssl.h>

typedef struct tlsd_trust_source tlsd_trust_source;

/* The shared source "system" or an absolute path. With defer_to_own, a
 * context whose store holds certificates of its own (the application
 * loaded anchors) does not consult the source. Sources live as long as the
 * process; the bundle is read at the first verification that needs it.
 * NULL when out of memory. */
const tlsd_trust_source *tlsd_trust_source_get(const char *source, int defer_to_own);

/* Lets ctx consult src. Nothing is read or copied now. 1 or 0. */
int tlsd_trust_source_attach(const tlsd_trust_source *src, SSL_CTX *ctx);

/* What "system" means in this process: "file F, directory D". */
void tlsd_trust_system_locations(char *buf, size_t cap);

#endif
