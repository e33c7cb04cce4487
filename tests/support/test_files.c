#include "test_files.h"

#include <stdio.h>
#include <string.h>

int tlsd_test_count_lines(const char *path, const char *prefix)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    int n = 0;

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL)
        n += strncmp(line, prefix, strlen(prefix)) == 0;
    fclose(f);
    return n;
}
