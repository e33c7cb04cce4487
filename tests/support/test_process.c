/* SPDX-License-Identifier: Apache-2.0 */
#include "test_process.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_certs.h"

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Under a sanitizer build (cmake/Sanitizers.cmake) children that load the
 * instrumented module need its runtime first: TLSD_TEST_CHILD_ENV holds
 * NAME=value entries separated by '|'. */
static void apply_child_env(void)
{
    const char *list = getenv("TLSD_TEST_CHILD_ENV");
    char buf[2048], *save = NULL;

    if (list == NULL || *list == '\0' || strlen(list) >= sizeof(buf))
        return;
    strcpy(buf, list);
    for (char *e = strtok_r(buf, "|", &save); e != NULL; e = strtok_r(NULL, "|", &save)) {
        char *eq = strchr(e, '=');

        if (eq != NULL) {
            *eq = '\0';
            setenv(e, eq + 1, 1);
        }
    }
}

/* fork + exec with pipes for input and merged output. */
static pid_t spawn(const char *const argv[], const char *const env_set[],
                   int *in_fd, int *out_fd)
{
    int in[2], out[2];
    pid_t pid;

    if (pipe2(in, O_CLOEXEC) != 0)
        return -1;
    if (pipe2(out, O_CLOEXEC) != 0) {
        close(in[0]), close(in[1]);
        return -1;
    }
    pid = fork();
    if (pid == 0) {
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        dup2(out[1], STDERR_FILENO);
        for (size_t i = 0; env_set != NULL && env_set[i] != NULL; i++) {
            const char *eq = strchr(env_set[i], '=');
            char name[256];

            if (eq == NULL || (size_t)(eq - env_set[i]) >= sizeof(name))
                continue;
            memcpy(name, env_set[i], (size_t)(eq - env_set[i]));
            name[eq - env_set[i]] = '\0';
            if (eq[1] == '\0')
                unsetenv(name);
            else
                setenv(name, eq + 1, 1);
        }
        apply_child_env();
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    if (pid < 0) {
        close(in[1]), close(out[0]);
        return -1;
    }
    *in_fd = in[1];
    *out_fd = out[0];
    return pid;
}

/* Appends what fd has to buf (NUL-terminated) until deadline_ms, EOF, or
 * until needle appears; deadline_ms 0: only what is there already.
 * Returns 1 on EOF, 0 otherwise. */
static int collect(int fd, char *buf, size_t cap, long deadline_ms, const char *needle)
{
    size_t len = strlen(buf);

    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        long left = deadline_ms == 0 ? 0 : deadline_ms - now_ms();
        char chunk[4096];
        ssize_t n;

        if (needle != NULL && strstr(buf, needle) != NULL)
            return 0;
        if ((deadline_ms != 0 && left <= 0) || poll(&p, 1, (int)left) <= 0)
            return 0;
        n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 1;
        if (len + 1 < cap) {
            size_t take = (size_t)n < cap - 1 - len ? (size_t)n : cap - 1 - len;

            memcpy(buf + len, chunk, take);
            len += take;
            buf[len] = '\0';
        }
    }
}

static int wait_status(pid_t pid, long deadline_ms)
{
    int status;

    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (r < 0)
            return -1;
        if (now_ms() >= deadline_ms) {
            kill(pid, SIGKILL);
            if (waitpid(pid, &status, 0) == pid)
                return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL);
            return -1;
        }
        usleep(10000);
    }
}

int tlsd_test_run(const char *const argv[], const char *const env_set[],
                  const char *stdin_text, char *out, size_t cap, int timeout_s)
{
    long deadline = now_ms() + timeout_s * 1000L;
    int in_fd, out_fd, status;
    pid_t pid;

    out[0] = '\0';
    signal(SIGPIPE, SIG_IGN);
    pid = spawn(argv, env_set, &in_fd, &out_fd);
    if (pid < 0)
        return -1;
    if (stdin_text != NULL && write(in_fd, stdin_text, strlen(stdin_text)) < 0)
        perror("write to child");
    close(in_fd);
    collect(out_fd, out, cap, deadline, NULL);
    close(out_fd);
    status = wait_status(pid, deadline);
    return status;
}

const char *tlsd_test_status_text(int status, char *buf, size_t cap)
{
    if (status < 0 || status == 126 || status == 127)
        snprintf(buf, cap, "not started (%d)", status);
    else if (status >= 128)
        snprintf(buf, cap, "killed by signal %d (%s%s)", status - 128, strsignal(status - 128),
                 status - 128 == SIGKILL ? ", as at the time limit" : "");
    else
        snprintf(buf, cap, "exit %d", status);
    return buf;
}

int tlsd_test_is_refusal(int status)
{
    return status > 0 && status < 126;
}

int tlsd_test_refused(int status, const char *who, const char *output)
{
    char text[128];

    if (tlsd_test_is_refusal(status))
        return 1;
    fprintf(stderr, "\n  FAIL: %s did not refuse: %s%s; it said:\n%s\n", who,
            tlsd_test_status_text(status, text, sizeof(text)),
            status >= 128 ? " (a crash is not a refusal)" : "", output);
    return 0;
}

int tlsd_test_free_port(void)
{
    struct sockaddr_in a = {0};
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;

    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0
        && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

int tlsd_test_s_server_start(tlsd_test_server *srv, const char *const extra_args[],
                             const char *const env_set[])
{
    /* A port taken between free_port() and s_server's bind: try again. */
    for (int attempt = 0; attempt < 5; attempt++) {
        const char *argv[64] = {OPENSSL_PROGRAM, "s_server", "-accept", NULL};
        char accept[32];
        size_t n = 3;

        memset(srv, 0, sizeof(*srv));
        srv->port = tlsd_test_free_port();
        snprintf(accept, sizeof(accept), "127.0.0.1:%d", srv->port);
        argv[n++] = accept;
        for (size_t i = 0; extra_args != NULL && extra_args[i] != NULL && n < 63; i++)
            argv[n++] = extra_args[i];
        argv[n] = NULL;
        signal(SIGPIPE, SIG_IGN);
        srv->pid = spawn(argv, env_set, &srv->in_fd, &srv->out_fd);
        if (srv->pid < 0)
            return 0;
        collect(srv->out_fd, srv->log, sizeof(srv->log), now_ms() + 10000, "ACCEPT");
        if (strstr(srv->log, "ACCEPT") != NULL)
            return 1;
        tlsd_test_s_server_stop(srv);
        if (strstr(srv->log, "Address already in use") == NULL)
            return 0;
    }
    return 0;
}

int tlsd_test_s_server_start_cert(tlsd_test_server *srv, const char *cert,
                                  const char *const *extra, const char *const env_set[])
{
    const char *args[32] = {"-cert", tlsd_test_cert_path(cert), "-cert_chain",
                            tlsd_test_cert_path("intermediate.pem"), "-key",
                            tlsd_test_cert_path("leaf-key.pem"), NULL};
    size_t n = 6;

    for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 31; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    if (!tlsd_test_s_server_start(srv, args, env_set)) {
        fprintf(stderr, "\n  s_server did not start:\n%s\n", srv->log);
        return 0;
    }
    return 1;
}

static int accepts(int port)
{
    struct sockaddr_in a = {0};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ok;

    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

int tlsd_test_daemon_start(tlsd_test_server *srv, const char *const argv[],
                           const char *const env_set[], int port)
{
    long deadline = now_ms() + 10000;
    int status;

    memset(srv, 0, sizeof(*srv));
    srv->port = port;
    signal(SIGPIPE, SIG_IGN);
    srv->pid = spawn(argv, env_set, &srv->in_fd, &srv->out_fd);
    if (srv->pid < 0)
        return 0;
    while (now_ms() < deadline) {
        if (accepts(port))
            return 1;
        if (waitpid(srv->pid, &status, WNOHANG) == srv->pid) {
            srv->pid = 0;
            collect(srv->out_fd, srv->log, sizeof(srv->log), now_ms() + 1000, NULL);
            close(srv->out_fd);
            close(srv->in_fd);
            return 0;
        }
        usleep(20000);
    }
    tlsd_test_s_server_stop(srv);
    return 0;
}

void tlsd_test_s_server_drain(tlsd_test_server *srv)
{
    size_t len = strlen(srv->log);

    /* Once the log is full, only its end is kept. */
    if (len > sizeof(srv->log) / 2) {
        size_t keep = sizeof(srv->log) / 4;

        memmove(srv->log, srv->log + len - keep, keep + 1);
    }
    collect(srv->out_fd, srv->log, sizeof(srv->log), 0, NULL);
}

void tlsd_test_s_server_stop(tlsd_test_server *srv)
{
    if (srv->pid <= 0)
        return;
    kill(srv->pid, SIGTERM);
    close(srv->in_fd);
    collect(srv->out_fd, srv->log, sizeof(srv->log), now_ms() + 2000, NULL);
    close(srv->out_fd);
    wait_status(srv->pid, now_ms() + 2000);
    srv->pid = 0;
}
