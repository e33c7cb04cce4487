/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults-info run again as a child, its output kept. --diff needs a
 * process per side: the module hooks SSL_CTX_new, so a process holds one
 * configuration only. The child is /proc/self/exe, this very build
 * whatever PATH holds, started with posix_spawn: no shell reads the
 * arguments. */
#include "child_capture.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* What fd gives up to its end, NUL-terminated; NULL on error. */
static char *read_all(int fd)
{
    size_t len = 0, cap = 0;
    char *buf = NULL, *more;
    ssize_t n;

    for (;;) {
        if (cap - len < 4096) {
            if ((more = realloc(buf, cap + 65536)) == NULL)
                break;
            buf = more;
            cap += 65536;
        }
        n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n < 0)
                break;
            buf[len] = '\0';
            return buf;
        }
        len += (size_t)n;
    }
    free(buf);
    return NULL;
}

/* The child's end: waits for it. 1 when it exited, with its status. */
static int wait_for(pid_t pid, int *exit_status)
{
    int ws;

    while (waitpid(pid, &ws, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "tlsdefaults-info: waiting for the inspection: %s\n", strerror(errno));
            return 0;
        }
    }
    if (!WIFEXITED(ws)) {
        fprintf(stderr, "tlsdefaults-info: the inspection was killed by signal %d\n",
                WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
        return 0;
    }
    *exit_status = WEXITSTATUS(ws);
    return 1;
}

int tlsd_child_capture_run(char *const argv[], char **out, int *exit_status)
{
    posix_spawn_file_actions_t actions;
    int fds[2], rc;
    pid_t pid;

    *out = NULL;
    /* Close-on-exec: the child keeps only the copy dup2 makes. */
    if (pipe2(fds, O_CLOEXEC) != 0) {
        fprintf(stderr, "tlsdefaults-info: pipe: %s\n", strerror(errno));
        return 0;
    }
    rc = posix_spawn_file_actions_init(&actions);
    if (rc == 0) {
        rc = posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
        if (rc == 0)
            rc = posix_spawn(&pid, "/proc/self/exe", &actions, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
    }
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        fprintf(stderr, "tlsdefaults-info: cannot run /proc/self/exe: %s\n", strerror(rc));
        return 0;
    }
    *out = read_all(fds[0]);
    close(fds[0]);
    if (!wait_for(pid, exit_status) || *out == NULL) {
        if (*out == NULL)
            fprintf(stderr, "tlsdefaults-info: cannot read the inspection's output\n");
        free(*out);
        *out = NULL;
        return 0;
    }
    return 1;
}
