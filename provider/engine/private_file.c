/* SPDX-License-Identifier: Apache-2.0 */
#include "private_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "of an unknown type";
}

/* Why the file opened as fd cannot hold secrets; NULL when it can. */
static const char *check(int fd, char *why, size_t why_len)
{
    struct stat sb;

    if (fstat(fd, &sb) != 0)
        snprintf(why, why_len, "fstat: %s", strerror(errno));
    else if (!S_ISREG(sb.st_mode))
        snprintf(why, why_len, "not a regular file: %s", kind(sb.st_mode));
    else if (sb.st_uid != geteuid())
        snprintf(why, why_len, "owned by uid %lu, not the effective user %lu",
                 (unsigned long)sb.st_uid, (unsigned long)geteuid());
    else if (sb.st_nlink != 1)
        snprintf(why, why_len, "%lu links", (unsigned long)sb.st_nlink);
    else if ((sb.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        snprintf(why, why_len, "mode %04o gives access to group or others",
                 (unsigned)(sb.st_mode & 07777));
    else
        return NULL;
    return why;
}

int tlsd_private_file_open(const char *path, char *why, size_t why_len)
{
    /* O_NONBLOCK: opening a FIFO for writing would wait for a reader; it
     * fails with ENXIO instead (or opens, and the check refuses it). */
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY
                            | O_NONBLOCK, 0600);
    int saved = errno, flags;

    if (fd < 0) {
        if (saved == ELOOP)
            snprintf(why, why_len, "a symbolic link");
        else if (saved == EISDIR)
            snprintf(why, why_len, "not a regular file: a directory");
        else if (saved == ENXIO)
            snprintf(why, why_len, "not a regular file: a FIFO without a reader, a socket or a device");
        else
            snprintf(why, why_len, "%s", strerror(saved));
        errno = saved;
        return -1;
    }
    if (check(fd, why, why_len) != NULL) {
        close(fd);
        errno = EPERM;
        return -1;
    }
    /* A regular file: writes block as usual. */
    if ((flags = fcntl(fd, F_GETFL)) == -1 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1) {
        saved = errno;
        snprintf(why, why_len, "fcntl: %s", strerror(saved));
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}
