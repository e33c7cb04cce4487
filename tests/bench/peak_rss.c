/* SPDX-License-Identifier: Apache-2.0 */
/* tlsd-peak-rss RESULT COMMAND [ARGS...]: runs COMMAND and writes to the
 * file RESULT "STATUS WALL_S CPU_S PEAK_KIB": its exit status (128 + the
 * signal that killed it), its wall and CPU (user + system) seconds, and
 * its peak resident memory (wait4's ru_maxrss). Exits with its status.
 * Why a program of its own: ru_maxrss counts the memory of the process
 * before its exec too, so a child forked by bash or Python starts at
 * their size (3 to 14 MiB here); forked by this one, at about 1 MiB. And
 * /proc/PID/status's VmHWM is gone before the process can be reaped. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(const struct timeval *t)
{
    return (double)t->tv_sec + (double)t->tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    struct timespec start, end;
    struct rusage use;
    int status, code;
    pid_t pid;
    FILE *result;

    if (argc < 3) {
        fprintf(stderr, "usage: tlsd-peak-rss RESULT COMMAND [ARGS...]\n");
        return 64;
    }
    clock_gettime(CLOCK_MONOTONIC, &start);
    if ((pid = fork()) < 0) {
        perror("tlsd-peak-rss: fork");
        return 70;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        fprintf(stderr, "tlsd-peak-rss: %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    while (wait4(pid, &status, 0, &use) < 0)
        if (errno != EINTR) {
            perror("tlsd-peak-rss: wait4");
            return 70;
        }
    clock_gettime(CLOCK_MONOTONIC, &end);
    code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if ((result = fopen(argv[1], "w")) == NULL) {
        perror(argv[1]);
        return 70;
    }
    fprintf(result, "%d %.3f %.3f %ld\n", code,
            (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9,
            seconds(&use.ru_utime) + seconds(&use.ru_stime), use.ru_maxrss);
    if (fclose(result) != 0) {
        perror(argv[1]);
        return 70;
    }
    return code;
}
