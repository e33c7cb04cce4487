/* SPDX-License-Identifier: Apache-2.0 */
/* nginx, unmodified, as a reverse proxy to an HTTPS backend, for the tests
 * of what the module does to a real program's upstream connections. */
#ifndef TLSD_TEST_NGINX_H
#define TLSD_TEST_NGINX_H

#include "test_process.h"

/* Writes DIR/nginx.conf (DIR made if needed) for a proxy on a free port
 * of 127.0.0.1 to upstream ("https://127.0.0.1:PORT"), with directives
 * added to its location (NULL: none), and starts nginx with env_set (as
 * tlsd_test_run). 1 once it listens, srv->port its port; 0 on failure,
 * nginx's output in srv->log and on stderr. */
int tlsd_test_nginx_proxy_start(tlsd_test_server *srv, const char *dir, const char *upstream,
                                const char *directives, const char *const env_set[]);

#endif
