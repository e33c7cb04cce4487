/* SPDX-License-Identifier: Apache-2.0 */
#include "debug.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "private_file.h"

static int debug_fd = -1;
static pthread_once_t debug_once = PTHREAD_ONCE_INIT;

static void open_debug_target(void)
{
    /* secure_getenv: a set-uid program must not be made to write files. */
    const char *target = secure_getenv("TLSDEFAULTS_DEBUG");
    char why[160];

    if (target == NULL || *target == '\0' || strcmp(target, "0") == 0)
        return;
    if (strcmp(target, "1") == 0) {
        debug_fd = STDERR_FILENO;
        return;
    }
    /* The trace says what a program does: a private file only. */
    if ((debug_fd = tlsd_private_file_open(target, why, sizeof(why))) < 0) {
        /* No trace to say it in: one line on stderr, as the user asked for
         * debug output. */
        char line[1024];
        int len = snprintf(line, sizeof(line),
                           "tlsdefaults[%ld]: TLSDEFAULTS_DEBUG: cannot use %s (%s); debug trace off\n",
                           (long)getpid(), target, why);

        if (len >= (int)sizeof(line)) {
            len = (int)sizeof(line);
            line[len - 1] = '\n';
        }
        if (len > 0 && write(STDERR_FILENO, line, (size_t)len) < 0)
            return;
    }
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
