#include "debug.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int debug_fd = -1;
static pthread_once_t debug_once = PTHREAD_ONCE_INIT;

static void open_debug_target(void)
{
    /* secure_getenv: a set-uid program must not be made to write files. */
    const char *target = secure_getenv("TLSDEFAULTS_DEBUG");

    if (target == NULL || *target == '\0' || strcmp(target, "0") == 0)
        return;
    if (strcmp(target, "1") == 0) {
        debug_fd = STDERR_FILENO;
        return;
    }
    debug_fd = open(target, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

int tlsd_debug_enabled(void)
{
    pthread_once(&debug_once, open_debug_target);
    return debug_fd >= 0;
}

static void write_line(const char *text, size_t len)
{
    char line[1024];
    int head = snprintf(line, sizeof(line), "tlsdefaults[%ld]: ", (long)getpid());
    size_t room = sizeof(line) - (size_t)head - 1;

    if (len > room)
        len = room;
    memcpy(line + head, text, len);
    line[(size_t)head + len] = '\n';
    /* One write per line: with O_APPEND, lines of concurrent threads and
     * processes never interleave. */
    if (write(debug_fd, line, (size_t)head + len + 1) < 0)
        return;
}

void tlsd_debug(const char *fmt, ...)
{
    char text[896];
    va_list ap;
    int n;

    if (!tlsd_debug_enabled())
        return;
    va_start(ap, fmt);
    n = vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    write_line(text, strlen(text));
}

void tlsd_debug_lines(const char *text)
{
    if (!tlsd_debug_enabled())
        return;
    while (*text != '\0') {
        size_t len = strcspn(text, "\n");

        write_line(text, len);
        text += len;
        if (*text == '\n')
            text++;
    }
}
