/* SPDX-License-Identifier: Apache-2.0 */
/* --program NAME, a file name: the module matches a process by the file
 * the kernel runs, and the command NAME may run another (python3 is a link
 * to python3.11, a script runs its interpreter): the warning says which
 * file, and which entry that one gets. */
#include <stdio.h>
#include <string.h>

#include "inspection.h"

/* Which entry a program gets, in words. */
static void describe_entry(const CONF_VALUE *e, const char *programs, char *buf, size_t cap)
{
    if (e != NULL)
        snprintf(buf, cap, "the entry %.200s = %.200s of section %.200s", e->name, e->value, programs);
    else if (programs != NULL)
        snprintf(buf, cap, "no entry of section %.200s (the module section's policy)", programs);
    else
        snprintf(buf, cap, "the module section's policy (no Programs)");
}

/* The "#!" line of a script at path (without "#!"), for a warning: the
 * kernel runs the interpreter it names. 0 when the file is no script. */
static int script_interpreter(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    char line[256];
    int script = 0;

    if (f == NULL)
        return 0;
    if (fgets(line, sizeof(line), f) != NULL && strncmp(line, "#!", 2) == 0) {
        line[strcspn(line, "\r\n")] = '\0';
        snprintf(buf, cap, "%s", line + 2 + strspn(line + 2, " \t"));
        script = 1;
    }
    fclose(f);
    return script;
}

void tlsd_program_warning_check(inspection *in)
{
    const CONF_VALUE *shown, *real;
    const char *programs;
    tlsd_program runs;
    char real_text[700], shown_text[700], interpreter[256];

    if (in->program == NULL || in->module_section == NULL
        || tlsd_program_entry_kind(in->program) != 0)
        return; /* a path is resolved as the kernel would (tlsd_program_named) */
    if (!tlsd_program_command(&runs, in->program)) {
        snprintf(in->warning, sizeof(in->warning),
                 "%.256s is not found in PATH: shown is what a program whose executable file "
                 "is named %.256s gets", in->program, in->program);
        return;
    }
    if (script_interpreter(runs.path, interpreter, sizeof(interpreter))) {
        snprintf(in->warning, sizeof(in->warning),
                 "the command %.256s runs %.512s, a script (#!%.256s): the process is its "
                 "interpreter, and the module matches that, not %.256s",
                 in->program, runs.path, interpreter, in->program);
        return;
    }
    if (strcmp(runs.base, in->program) == 0)
        return;
    shown = tlsd_policy_section_program_entry(in->cnf, in->module_section, &in->prog, &programs);
    real = tlsd_policy_section_program_entry(in->cnf, in->module_section, &runs, &programs);
    describe_entry(real, programs, real_text, sizeof(real_text));
    if (shown == real)
        snprintf(shown_text, sizeof(shown_text), "as shown below");
    else if (shown != NULL)
        snprintf(shown_text, sizeof(shown_text), "not the entry %.200s = %.200s shown below",
                 shown->name, shown->value);
    else
        snprintf(shown_text, sizeof(shown_text), "not the module section's policy shown below");
    snprintf(in->warning, sizeof(in->warning),
             "the command %.256s runs %.512s; the module matches that process as %.256s, which "
             "gets %.700s, %.700s (--program %.256s shows its policy)",
             in->program, runs.path, runs.base, real_text, shown_text, runs.base);
}

