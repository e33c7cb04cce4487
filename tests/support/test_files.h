/* Reading back the files that tests make the code under test write. */
#ifndef TLSD_TEST_FILES_H
#define TLSD_TEST_FILES_H

/* How many lines of the file at path start with prefix; -1 if it cannot be
 * read. */
int tlsd_test_count_lines(const char *path, const char *prefix);

#endif
