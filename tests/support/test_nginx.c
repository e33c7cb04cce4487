/* SPDX-License-Identifier: Apache-2.0 */
#include "test_nginx.h"

#include <stdio.h>
#include <sys/stat.h>

int tlsd_test_nginx_proxy_start(tlsd_test_server *srv, const char *dir, const char *upstream,
                                const char *directives, const char *const env_set[])
{
    char conf[600], prefix[600];
    int port = tlsd_test_free_port();
    const char *argv[] = {"nginx", "-p", prefix, "-c", conf, "-g", "daemon off; master_process off;", NULL};
    FILE *f;

    mkdir(dir, 0700);
    snprintf(prefix, sizeof(prefix), "%s/", dir);
    snprintf(conf, sizeof(conf), "%s/nginx.conf", dir);
    if ((f = fopen(conf, "w")) == NULL)
        return 0;
    /* Every path of nginx's own in dir: it runs unprivileged, anywhere. */
    fprintf(f,
            "error_log %s/error.log;\npid %s/nginx.pid;\nevents {}\n"
            "http {\n  access_log off;\n  client_body_temp_path %s;\n  proxy_temp_path %s;\n"
            "  fastcgi_temp_path %s;\n  uwsgi_temp_path %s;\n  scgi_temp_path %s;\n"
            "  server {\n    listen 127.0.0.1:%d;\n"
            "    location / { proxy_pass %s; %s }\n  }\n}\n",
            dir, dir, dir, dir, dir, dir, dir, port, upstream, directives != NULL ? directives : "");
    fclose(f);
    if (tlsd_test_daemon_start(srv, argv, env_set, port))
        return 1;
    fprintf(stderr, "\n  nginx did not start: %s\n", srv->log);
    return 0;
}
