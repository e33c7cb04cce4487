/* Real programs (openssl s_server, s_client, ...) as child processes on loopback. */
#ifndef TLSD_TEST_PROCESS_H
#define TLSD_TEST_PROCESS_H

#include <stddef.h>
#include <sys/types.h>

/* Runs argv (argv[0] looked up in PATH) with the current environment edited
 * by env_set ("NAME=value"; "NAME=" unsets NAME; NULL-terminated, may be
 * NULL). stdin_text (NULL: empty) is its input; stdout and stderr, merged,
 * go to out (NUL-terminated, truncated to cap). Killed after timeout_s.
 * Returns the exit status, 128+signal when killed, -1 if not started. */
int tlsd_test_run(const char *const argv[], const char *const env_set[],
                  const char *stdin_text, char *out, size_t cap, int timeout_s);

typedef struct {
    pid_t pid;
    int port;
    int out_fd;   /* its merged output */
    int in_fd;    /* held open: s_server stops at the end of its input */
    char log[8192];
} tlsd_test_server;

/* Starts "openssl s_server -accept 127.0.0.1:PORT extra_args..." on a free
 * port, with env_set as above. 1 once it accepts, 0 on failure (its output
 * in srv->log). */
int tlsd_test_s_server_start(tlsd_test_server *srv, const char *const extra_args[],
                             const char *const env_set[]);

/* A free TCP port on 127.0.0.1 (free when asked). */
int tlsd_test_free_port(void);

/* Starts argv (a server that listens on 127.0.0.1:port) with env_set as
 * above; 1 once the port accepts connections, 0 if it exits or times out
 * (its output in srv->log). Stop it with tlsd_test_s_server_stop(). */
int tlsd_test_daemon_start(tlsd_test_server *srv, const char *const argv[],
                           const char *const env_set[], int port);

/* Reads what the server wrote so far into srv->log (keeping its end when
 * full) without waiting: a server that serves many clients must not block
 * on a full output pipe. */
void tlsd_test_s_server_drain(tlsd_test_server *srv);

/* Stops it and appends the rest of its output to srv->log. */
void tlsd_test_s_server_stop(tlsd_test_server *srv);

#endif
