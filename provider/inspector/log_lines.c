/* SPDX-License-Identifier: Apache-2.0 */
#include "log_lines.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define DIGITS TLSD_LOG_LINES_DIGITS
#define LOWER TLSD_LOG_LINES_LOWER
#define UPPER TLSD_LOG_LINES_UPPER

void tlsd_log_lines_init(tlsd_log_lines *r, FILE *in)
{
    memset(r, 0, sizeof(*r));
    r->in = in;
}

int tlsd_log_lines_all_of(const char *s, size_t len, const char *set)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\0' || strchr(set, s[i]) == NULL)
            return 0;
    return len > 0;
}

static int month_name(const char *p)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

    for (int i = 0; i < 12; i++)
        if (strncmp(p, months + 3 * i, 3) == 0)
            return 1;
    return 0;
}

/* "hh:mm:ss" and a fraction ("short-precise"); its length, or 0. */
static size_t clock_time(const char *p)
{
    size_t n;

    if (!tlsd_log_lines_all_of(p, 2, DIGITS) || p[2] != ':' || !tlsd_log_lines_all_of(p + 3, 2, DIGITS)
        || p[5] != ':' || !tlsd_log_lines_all_of(p + 6, 2, DIGITS))
        return 0;
    n = 8;
    if (p[n] == '.' && (p[n + 1] >= '0' && p[n + 1] <= '9'))
        n += 1 + strspn(p + n + 1, DIGITS);
    return n;
}

/* A syslog or journal time stamp at p: "Mmm dd hh:mm:ss[.frac]" (RFC 3164,
 * journalctl's short), or "YYYY-MM-DDThh:mm:ss[.frac][zone]" (RFC 3339,
 * journalctl's short-iso); its length, or 0. */
static size_t time_stamp(const char *p)
{
    size_t n, t;

    if (month_name(p) && p[3] == ' ') {
        n = 4 + (p[4] == ' ');
        n += strspn(p + n, DIGITS);
        if (n < 5 || n > 6 || p[n] != ' ' || (t = clock_time(p + n + 1)) == 0)
            return 0;
        return n + 1 + t;
    }
    if (tlsd_log_lines_all_of(p, 4, DIGITS) && p[4] == '-' && tlsd_log_lines_all_of(p + 5, 2, DIGITS)
        && p[7] == '-' && tlsd_log_lines_all_of(p + 8, 2, DIGITS) && p[10] == 'T'
        && (t = clock_time(p + 11)) != 0) {
        n = 11 + t;
        if (p[n] == 'Z')
            n++;
        else if (p[n] == '+' || p[n] == '-')
            n += 1 + strspn(p + n + 1, DIGITS ":");
        return n;
    }
    return 0;
}

static void set_host(tlsd_log_lines *r, const char *host, size_t len)
{
    if (len >= sizeof(r->host))
        len = sizeof(r->host) - 1;
    memcpy(r->host, host, len);
    r->host[len] = '\0';
}

/* The tag "tlsdefaults[PID]: " at p: what follows it, or NULL. */
static const char *after_tag(const char *p)
{
    static const char tag[] = "tlsdefaults[";
    size_t n;

    if (strncmp(p, tag, sizeof(tag) - 1) != 0)
        return NULL;
    p += sizeof(tag) - 1;
    n = strspn(p, DIGITS);
    if (n == 0 || strncmp(p + n, "]: ", 3) != 0)
        return NULL;
    return p + n + 3;
}

/* A text line: the tag at the start, or after a syslog or journal header
 * (time stamp, then the host unless the line is syslog's own datagram,
 * "<PRI>" first). */
static const char *text_message(tlsd_log_lines *r, const char *p)
{
    const char *msg = after_tag(p);
    int datagram = 0;
    size_t n;

    if (msg != NULL)
        return msg;
    if (*p == '<') {
        n = strspn(p + 1, DIGITS);
        if (n == 0 || p[n + 1] != '>')
            return NULL;
        p += n + 2;
        datagram = 1;
    }
    if ((n = time_stamp(p)) == 0 || p[n] != ' ')
        return NULL;
    p += n + 1;
    if (!datagram) {
        /* The host: one name, as syslog and journalctl write it. */
        n = strspn(p, UPPER LOWER DIGITS ".-_:");
        if (n == 0 || p[n] != ' ')
            return NULL;
        set_host(r, p, n);
        p += n + 1;
    }
    return after_tag(p);
}

static const char *string_of(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A line of journalctl -o json: the module's when its SYSLOG_IDENTIFIER
 * is; MESSAGE is then what follows the tag. */
static const char *journal_message(tlsd_log_lines *r, const char *line)
{
    json_t *o;
    const char *id, *msg, *host;
    const char *found = NULL;

    /* Most of a journal is other programs': not parsed. */
    if (strstr(line, "tlsdefaults") == NULL
        || (o = json_loads(line, JSON_REJECT_DUPLICATES, NULL)) == NULL)
        return NULL;
    id = string_of(o, "SYSLOG_IDENTIFIER");
    msg = string_of(o, "MESSAGE");
    host = string_of(o, "_HOSTNAME");
    if (id != NULL && strcmp(id, "tlsdefaults") == 0 && msg != NULL
        && strlen(msg) < sizeof(r->message) && strchr(msg, '\n') == NULL) {
        strcpy(r->message, msg);
        if (host != NULL)
            set_host(r, host, strlen(host));
        found = r->message;
    }
    json_decref(o);
    return found;
}

static void note_host(tlsd_log_lines *r)
{
    if (r->hosts_seen == 0) {
        strcpy(r->first_host, r->host);
        r->hosts_seen = 1;
    } else if (r->hosts_seen == 1 && strcmp(r->first_host, r->host) != 0) {
        r->hosts_seen = 2;
    }
}

const char *tlsd_log_lines_next(tlsd_log_lines *r)
{
    while (fgets(r->line, sizeof(r->line), r->in) != NULL) {
        size_t len = strlen(r->line);
        int whole = len > 0 && r->line[len - 1] == '\n', was_cut = r->cut;
        const char *msg;

        /* The rest of a line too long for the buffer is no line of its
         * own: a tag there is text of that line. */
        r->cut = !whole && !feof(r->in);
        if (was_cut || r->cut)
            continue;
        r->line[strcspn(r->line, "\r\n")] = '\0';
        r->host[0] = '\0';
        msg = r->line[0] == '{' ? journal_message(r, r->line) : text_message(r, r->line);
        if (msg != NULL) {
            note_host(r);
            return msg;
        }
    }
    return NULL;
}

int tlsd_log_lines_note(const char *msg, unsigned long *n)
{
    static const char head[] = "audit: ", tail[] = " lines suppressed (rate limit)";
    const char *p = msg + sizeof(head) - 1;
    size_t digits;

    if (strncmp(msg, head, sizeof(head) - 1) != 0)
        return 0;
    digits = strspn(p, DIGITS);
    if (digits == 0 || digits > 19 || strcmp(p + digits, tail) != 0)
        return 0;
    *n = strtoul(p, NULL, 10);
    return 1;
}

static int hex_digit(char c)
{
    const char *d = strchr("0123456789abcdef", c);

    return c != '\0' && d != NULL ? (int)(d - "0123456789abcdef") : -1;
}

int tlsd_log_lines_unescape(char *out, size_t cap, const char *s, size_t len)
{
    size_t o = 0;

    for (size_t i = 0; i < len && o + 1 < cap; i++) {
        int hi, lo;

        if (s[i] != '\\') {
            out[o++] = s[i];
            continue;
        }
        if (i + 3 >= len || s[i + 1] != 'x' || (hi = hex_digit(s[i + 2])) < 0 || (lo = hex_digit(s[i + 3])) < 0
            || (hi | lo) == 0)
            return 0;
        out[o++] = (char)(hi * 16 + lo);
        i += 3;
    }
    out[o] = '\0';
    return 1;
}

const char *tlsd_log_lines_printable(const char *s, char *buf, size_t cap)
{
    size_t o = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p != '\0' && o + 5 < cap; p++) {
        if (*p >= 0x20 && *p < 0x7f && *p != '\\')
            buf[o++] = (char)*p;
        else
            o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", *p);
    }
    buf[o] = '\0';
    return buf;
}
