/* SPDX-License-Identifier: Apache-2.0 */
#include "audit_journal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int tlsd_audit_journal_socket_path(const char *ns, char *buf, size_t cap)
{
    int n = ns == NULL || *ns == '\0' ? snprintf(buf, cap, "/run/systemd/journal/socket")
                                      : snprintf(buf, cap, "/run/systemd/journal.%s/socket", ns);

    return n > 0 && (size_t)n < cap;
}

typedef struct {
    char *buf;
    size_t cap, used;
    int full;
} entry;

static void put(entry *e, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (e->full)
        return;
    va_start(ap, fmt);
    n = vsnprintf(e->buf + e->used, e->cap - e->used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= e->cap - e->used)
        e->full = 1;
    else
        e->used += (size_t)n;
}

/* key=value (value to the next blank, or "quoted") as TLSDEFAULTS_KEY;
 * returns what follows it. A word without '=' is skipped. */
static const char *put_field(entry *e, const char *p)
{
    size_t key_len = strcspn(p, "= "), value_len;
    const char *value;

    if (p[key_len] != '=')
        return p + key_len;
    value = p + key_len + 1;
    if (*value == '"') {
        value++;
        value_len = strcspn(value, "\"");
    } else {
        value_len = strcspn(value, " ");
    }
    put(e, "TLSDEFAULTS_");
    for (size_t i = 0; i < key_len; i++)
        put(e, "%c", p[i] >= 'a' && p[i] <= 'z' ? p[i] - 'a' + 'A' : p[i]);
    put(e, "=%.*s\n", (int)value_len, value);
    return value + value_len + (value[value_len] == '"');
}

size_t tlsd_audit_journal_format(char *buf, size_t cap, pid_t pid, const char *line)
{
    entry e = {buf, cap, 0, 0};
    size_t kind_len = strcspn(line, " ");
    int note = kind_len > 0 && line[kind_len - 1] == ':';
    int inventory = !note && strncmp(line, "inventory ", 10) == 0;

    if (cap == 0)
        return 0;
    buf[0] = '\0';
    put(&e, "MESSAGE=%s\nMESSAGE_ID=%s\nPRIORITY=%d\nSYSLOG_IDENTIFIER=tlsdefaults\nSYSLOG_PID=%ld\n",
        line,
        note ? TLSD_AUDIT_JOURNAL_ID_NOTE : inventory ? TLSD_AUDIT_JOURNAL_ID_INVENTORY : TLSD_AUDIT_JOURNAL_ID_AUDIT,
        inventory ? 6 : 4, (long)pid);
    put(&e, "TLSDEFAULTS_KIND=%s\n", note ? "note" : inventory ? "inventory" : "audit");
    if (!note)
        for (const char *p = line + kind_len; *p != '\0';)
            p = *p == ' ' ? p + 1 : put_field(&e, p);
    return e.full ? 0 : e.used;
}
