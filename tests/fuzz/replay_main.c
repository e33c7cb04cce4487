/* SPDX-License-Identifier: Apache-2.0 */
/* Runs a fuzz target over files (or every file of directories) without
 * libFuzzer: the corpus, crash inputs included, replayed as a regression
 * test in every build. Exit 0 when every input ran. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long size;
    int ok = 0;

    if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0
        && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)size + 1)) != NULL
        && fread(buf, 1, (size_t)size, f) == (size_t)size) {
        LLVMFuzzerTestOneInput(buf, (size_t)size);
        ok = 1;
    }
    if (!ok)
        fprintf(stderr, "cannot read %s\n", path);
    free(buf);
    if (f != NULL)
        fclose(f);
    return ok;
}

int main(int argc, char **argv)
{
    int inputs = 0, ok = 1;

    for (int i = 1; i < argc; i++) {
        struct stat sb;
        DIR *d;
        struct dirent *e;

        if (stat(argv[i], &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            ok &= replay_file(argv[i]);
            inputs++;
            continue;
        }
        if ((d = opendir(argv[i])) == NULL)
            return 1;
        while ((e = readdir(d)) != NULL) {
            char path[4096];

            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
            ok &= replay_file(path);
            inputs++;
        }
        closedir(d);
    }
    printf("%d inputs replayed\n", inputs);
    return ok && inputs > 0 ? 0 : 1;
}
