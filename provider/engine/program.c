/* SPDX-License-Identifier: Apache-2.0 */
#include "program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void set_base(tlsd_program *out)
{
    const char *slash = strrchr(out->path, '/');
    const char *name = slash != NULL ? slash + 1 : out->path;

    /* A file name is at most NAME_MAX bytes: it fits. */
    snprintf(out->base, sizeof(out->base), "%.*s", (int)(sizeof(out->base) - 1), name);
}

int tlsd_program_self(tlsd_program *out)
{
    static const char deleted[] = " (deleted)";
    struct stat sb;
    ssize_t n;
    size_t len;

    out->path[0] = out->base[0] = '\0';
    n = readlink("/proc/self/exe", out->path, sizeof(out->path) - 1);
    if (n <= 0 || (size_t)n >= sizeof(out->path) - 1)
        return 0;
    out->path[n] = '\0';
    /* A binary replaced by an upgrade while it runs (nginx after apt
     * upgrade) reads as "PATH (deleted)": it is still that program. */
    len = (size_t)n;
    if (len > sizeof(deleted) - 1 && strcmp(out->path + len - (sizeof(deleted) - 1), deleted) == 0
        && stat(out->path, &sb) != 0)
        out->path[len - (sizeof(deleted) - 1)] = '\0';
    set_base(out);
    return 1;
}

int tlsd_program_named(tlsd_program *out, const char *name)
{
    out->path[0] = out->base[0] = '\0';
    switch (tlsd_program_entry_kind(name)) {
    case 1:
        /* As the kernel would show it: links resolved. A path that is not
         * there (yet) is taken as written. */
        if (realpath(name, out->path) == NULL)
            snprintf(out->path, sizeof(out->path), "%s", name);
        set_base(out);
        return 1;
    case 0:
        if (strlen(name) >= sizeof(out->base))
            return 0;
        snprintf(out->base, sizeof(out->base), "%s", name);
        return 1;
    default:
        return 0;
    }
}

/* execvp()'s search, without running anything: the first directory of
 * PATH (unset: confstr's default path) holding an executable regular file
 * name. An empty PATH element is the current directory. */
static int search_path(const char *name, char *found, size_t cap)
{
    const char *path = getenv("PATH");
    char fallback[256];
    struct stat sb;

    if (path == NULL) {
        if (confstr(_CS_PATH, fallback, sizeof(fallback)) == 0 || fallback[0] == '\0')
            snprintf(fallback, sizeof(fallback), "/bin:/usr/bin");
        path = fallback;
    }
    for (const char *dir = path;; dir++) {
        size_t len = strcspn(dir, ":");
        int n = len == 0 ? snprintf(found, cap, "%s", name)
                         : snprintf(found, cap, "%.*s/%s", (int)len, dir, name);

        if (n > 0 && (size_t)n < cap && stat(found, &sb) == 0 && S_ISREG(sb.st_mode)
            && access(found, X_OK) == 0)
            return 1;
        dir += len;
        if (*dir == '\0')
            return 0;
    }
}

int tlsd_program_command(tlsd_program *out, const char *name)
{
    char found[PATH_MAX];

    out->path[0] = out->base[0] = '\0';
    switch (tlsd_program_entry_kind(name)) {
    case 1:
        snprintf(found, sizeof(found), "%s", name);
        break;
    case 0:
        if (!search_path(name, found, sizeof(found)))
            return 0;
        break;
    default:
        return 0;
    }
    if (realpath(found, out->path) == NULL) {
        out->path[0] = '\0';
        return 0;
    }
    set_base(out);
    return 1;
}

int tlsd_program_entry_kind(const char *entry)
{
    if (entry == NULL || *entry == '\0')
        return -1;
    if (entry[0] == '/')
        return 1;
    return strchr(entry, '/') == NULL ? 0 : -1;
}

int tlsd_program_matches(const char *entry, const tlsd_program *prog)
{
    char resolved[PATH_MAX];

    switch (tlsd_program_entry_kind(entry)) {
    case 1:
        if (prog->path[0] == '\0')
            return 0;
        /* /usr/bin/python3 names the file it links to, which is what
         * /proc/self/exe shows. */
        if (realpath(entry, resolved) != NULL && strcmp(resolved, prog->path) == 0)
            return 1;
        return strcmp(entry, prog->path) == 0;
    case 0:
        return prog->base[0] != '\0' && strcmp(entry, prog->base) == 0;
    default:
        return 0;
    }
}
