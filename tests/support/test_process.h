/* SPDX-License-Identifier: Apache-2.0 */
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

/* What a status of tlsd_test_run says, for messages: "exit 1", "killed by
 * signal 11 (Segmentation fault)", "not started". Returns buf. */
const char *tlsd_test_status_text(int status, char *buf, size_t cap);

/* 1 when status is a refusal: the program ran and exited with a non-zero
 * status of its own. A program killed by a signal (a crash, or the time
 * limit: 128+signal), one that did not start (-1, 126, 127) or exited 0
 * did not refuse anything. */
int tlsd_test_is_refusal(int status);

/* tlsd_test_is_refusal, and when it is not one, a line on stderr naming
 * who and what happened (a crash is never counted as a refusal), with the
 * program's output. For CU_ASSERT(tlsd_test_refused(...)). */
int tlsd_test_refused(int status, const char *who, const char *output);

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

/* The same, serving the test certificate cert (its key leaf-key.pem, the
 * chain intermediate.pem) with up to 25 more arguments; on failure, its
 * output on stderr. */
int tlsd_test_s_server_start_cert(tlsd_test_server *srv, const char *cert,
                                  const char *const *extra, const char *const env_set[]);

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
