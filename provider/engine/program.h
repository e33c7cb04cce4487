/* SPDX-License-Identifier: Apache-2.0 */
/* Which program a process is, for the Programs section: the real
 * executable the kernel runs (/proc/self/exe, symbolic links resolved),
 * never argv[0], which the caller of execve() chooses freely. */
#ifndef TLSD_PROGRAM_H
#define TLSD_PROGRAM_H

#include <limits.h>


typedef struct {
    char path[PATH_MAX]; /* absolute path of the executable; "" when unknown */
    char base[NAME_MAX + 1]; /* its file name */
} tlsd_program;

/* The running process, from readlink("/proc/self/exe"). 0 when it cannot
 * be read (no /proc mounted): then no Programs entry matches. */
int tlsd_program_self(tlsd_program *out);

/* A program named by an administrator (tlsdefaults-info --program): an
 * absolute path, resolved as the kernel would (realpath), or a file name
 * alone. 0 when name is empty or a relative path. */
int tlsd_program_named(tlsd_program *out, const char *name);

/* The program that running the command name starts, as the module will
 * see it: name looked up in PATH as execvp() does when it holds no '/'
 * (the first executable regular file), then links resolved (realpath).
 * 0 when it is not found, or name is a relative path. */
int tlsd_program_command(tlsd_program *out, const char *name);

/* 1 when the key of a Programs entry names prog: an absolute path matches
 * the executable's path (both with links resolved), a name its file name. */
int tlsd_program_matches(const char *entry, const tlsd_program *prog);

/* 1 when entry is an absolute path, 0 when it is a file name; -1 when it is
 * neither (a relative path with a '/', or empty). */
int tlsd_program_entry_kind(const char *entry);

#endif
