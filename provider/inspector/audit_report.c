/* SPDX-License-Identifier: Apache-2.0 */
#include "audit_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_output.h"

#define MAX_PROGRAMS 64
#define MAX_ITEMS 32 /* reasons, X509 errors, peers per program */
#define TEXT_PEERS 5 /* peers the text report lists */

typedef struct {
    char name[128];
    unsigned long count;
    unsigned long over; /* peers: how much of count may belong to others */
} item;

typedef struct {
    char name[128];
    unsigned long connections;
    item reasons[MAX_ITEMS], errors[MAX_ITEMS], peers[MAX_ITEMS];
    int n_reasons, n_errors, n_peers;
    unsigned long more_peers; /* connections of the peers not kept */
    int peers_evicted;        /* more distinct peers than MAX_ITEMS */
} program;

typedef struct {
    program programs[MAX_PROGRAMS];
    int n_programs;
    unsigned long connections, suppressed, other_programs;
} report;

static int count_item(item *items, int *n, const char *name, size_t len)
{
    if (len >= sizeof(items[0].name))
        len = sizeof(items[0].name) - 1;
    for (int i = 0; i < *n; i++) {
        if (strlen(items[i].name) == len && strncmp(items[i].name, name, len) == 0) {
            items[i].count++;
            return 1;
        }
    }
    if (*n == MAX_ITEMS)
        return 0;
    memcpy(items[*n].name, name, len);
    items[*n].name[len] = '\0';
    items[(*n)++].count = 1;
    return 1;
}

/* The peers a client names itself (SNI): a flood of distinct names must
 * not push out the one that matters. The space-saving count: when the
 * table is full, a new name takes the place of the least counted one and
 * its count, less one; "over" keeps that inherited part. Any peer with
 * more than 1/MAX_ITEMS of a program's connections is kept, and
 * count - over never exceeds a peer's true count. */
static void count_peer(program *prog, const char *name, size_t len)
{
    item *least;

    if (len >= sizeof(prog->peers[0].name))
        len = sizeof(prog->peers[0].name) - 1;
    if (count_item(prog->peers, &prog->n_peers, name, len))
        return;
    least = &prog->peers[0];
    for (int i = 1; i < prog->n_peers; i++)
        if (prog->peers[i].count < least->count)
            least = &prog->peers[i];
    memcpy(least->name, name, len);
    least->name[len] = '\0';
    least->over = least->count;
    least->count++;
    prog->peers_evicted = 1;
}

static unsigned long peer_count(const item *peer)
{
    return peer->count - peer->over;
}

/* The peers kept, by count (most first), and the connections of the rest. */
static unsigned long sorted_peers(const program *p, item *out)
{
    unsigned long listed = 0;

    memcpy(out, p->peers, sizeof(p->peers[0]) * (size_t)p->n_peers);
    for (int i = 1; i < p->n_peers; i++)
        for (int j = i; j > 0 && peer_count(&out[j]) > peer_count(&out[j - 1]); j--) {
            item t = out[j];

            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    for (int i = 0; i < p->n_peers; i++)
        listed += peer_count(&out[i]);
    return p->connections - listed;
}

/* One audit line of the module's exact shape (tlsd_audit_record_write):
 * "audit program=P pid=N role=client|server peer=S reasons=K:w,...
 * [x509_error=N x509_text="..."] [version=V floor=F] [cipher=C]". */
typedef struct {
    const char *value[10];
    size_t len[10];
} fields;

enum { F_PROGRAM, F_PID, F_ROLE, F_PEER, F_REASONS, F_X509_ERROR, F_X509_TEXT, F_VERSION,
       F_FLOOR, F_CIPHER };

static const char *const field_names[] = {"program", "pid", "role", "peer", "reasons",
                                          "x509_error", "x509_text", "version", "floor",
                                          "cipher"};

static int all_of(const char *s, size_t len, const char *set)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\0' || strchr(set, s[i]) == NULL)
            return 0;
    return len > 0;
}

#define DIGITS "0123456789"
#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

/* "Key:what,Key:what": the reasons audit.c writes. */
static int reasons_shape(const char *s, size_t len)
{
    while (len > 0) {
        size_t one = strcspn(s, ",");
        const char *colon = memchr(s, ':', one < len ? one : len);

        if (one > len)
            one = len;
        if (colon == NULL || !all_of(s, (size_t)(colon - s), UPPER LOWER)
            || !all_of(colon + 1, one - (size_t)(colon + 1 - s), LOWER "-"))
            return 0;
        s += one;
        len -= one;
        if (len > 0) {
            s++;
            if (--len == 0)
                return 0; /* a trailing comma */
        }
    }
    return 1;
}

/* msg: what follows the tag. The fields in audit.c's order, optional ones
 * in theirs, nothing else, nothing after. */
static int parse_audit(const char *msg, fields *f)
{
    static const char head[] = "audit";
    const char *p = msg;
    int next = F_PROGRAM;

    memset(f, 0, sizeof(*f));
    if (strncmp(p, head, sizeof(head) - 1) != 0)
        return 0;
    p += sizeof(head) - 1;
    while (*p != '\0') {
        size_t nlen, vlen;
        int k;

        if (*p++ != ' ')
            return 0;
        nlen = strcspn(p, "= ");
        if (p[nlen] != '=')
            return 0;
        for (k = next; k < 10; k++)
            if (strlen(field_names[k]) == nlen && strncmp(p, field_names[k], nlen) == 0)
                break;
        /* In order (k >= next): the required ones each in turn, and the
         * second of a pair (x509_text, floor) right after the first. */
        if (k == 10 || ((next <= F_REASONS || next == F_X509_TEXT || next == F_FLOOR) && k != next)
            || ((k == F_X509_TEXT || k == F_FLOOR) && k != next))
            return 0;
        p += nlen + 1;
        if (k == F_X509_TEXT) {
            const char *end = *p == '"' ? strchr(p + 1, '"') : NULL;

            if (end == NULL)
                return 0;
            f->value[k] = p + 1;
            vlen = (size_t)(end - p - 1);
            p = end + 1;
        } else {
            vlen = strcspn(p, " ");
            f->value[k] = p;
            p += vlen;
        }
        f->len[k] = vlen;
        next = k == F_X509_ERROR ? F_X509_TEXT : k == F_VERSION ? F_FLOOR : k + 1;
    }
    /* Pairs complete, values of their shapes. */
    return next > F_REASONS && next != F_X509_TEXT && next != F_FLOOR
           && f->len[F_PROGRAM] > 0 && f->len[F_PEER] > 0
           && all_of(f->value[F_PID], f->len[F_PID], DIGITS)
           && ((f->len[F_ROLE] == 6 && strncmp(f->value[F_ROLE], "client", 6) == 0)
               || (f->len[F_ROLE] == 6 && strncmp(f->value[F_ROLE], "server", 6) == 0))
           && f->len[F_REASONS] > 0 && reasons_shape(f->value[F_REASONS], f->len[F_REASONS])
           && (f->value[F_X509_ERROR] == NULL
               || all_of(f->value[F_X509_ERROR] + (*f->value[F_X509_ERROR] == '-'),
                         f->len[F_X509_ERROR] - (*f->value[F_X509_ERROR] == '-'), DIGITS))
           && (f->value[F_VERSION] == NULL || (f->len[F_VERSION] > 0 && f->len[F_FLOOR] > 0))
           && (f->value[F_CIPHER] == NULL || f->len[F_CIPHER] > 0);
}

/* "audit: N lines suppressed (rate limit)", exactly. */
static int parse_note(const char *msg, unsigned long *n)
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

static void add_line(report *r, const fields *f)
{
    const char *reasons = f->value[F_REASONS];
    size_t len = f->len[F_PROGRAM], rlen = f->len[F_REASONS];
    program *prog = NULL;

    r->connections++;
    if (len >= sizeof(prog->name))
        len = sizeof(prog->name) - 1;
    for (int i = 0; i < r->n_programs && prog == NULL; i++)
        if (strlen(r->programs[i].name) == len
            && strncmp(r->programs[i].name, f->value[F_PROGRAM], len) == 0)
            prog = &r->programs[i];
    if (prog == NULL) {
        if (r->n_programs == MAX_PROGRAMS) {
            r->other_programs++;
            return;
        }
        prog = &r->programs[r->n_programs++];
        memcpy(prog->name, f->value[F_PROGRAM], len);
        prog->name[len] = '\0';
    }
    prog->connections++;
    while (rlen > 0) {
        size_t one = strcspn(reasons, ",");

        if (one > rlen)
            one = rlen;
        count_item(prog->reasons, &prog->n_reasons, reasons, one);
        reasons += one;
        rlen -= one;
        if (rlen > 0) {
            reasons++;
            rlen--;
        }
    }
    if (f->value[F_X509_ERROR] != NULL) {
        char both[160];

        snprintf(both, sizeof(both), "%.*s %.*s", (int)f->len[F_X509_ERROR], f->value[F_X509_ERROR],
                 (int)f->len[F_X509_TEXT], f->value[F_X509_TEXT]);
        count_item(prog->errors, &prog->n_errors, both, strlen(both));
    }
    count_peer(prog, f->value[F_PEER], f->len[F_PEER]);
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

    if (!all_of(p, 2, DIGITS) || p[2] != ':' || !all_of(p + 3, 2, DIGITS) || p[5] != ':'
        || !all_of(p + 6, 2, DIGITS))
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
    if (all_of(p, 4, DIGITS) && p[4] == '-' && all_of(p + 5, 2, DIGITS) && p[7] == '-'
        && all_of(p + 8, 2, DIGITS) && p[10] == 'T' && (t = clock_time(p + 11)) != 0) {
        n = 11 + t;
        if (p[n] == 'Z')
            n++;
        else if (p[n] == '+' || p[n] == '-')
            n += 1 + strspn(p + n + 1, DIGITS ":");
        return n;
    }
    return 0;
}

/* The message of one of the module's lines, or NULL: the tag
 * "tlsdefaults[PID]: " at the start (a file or standard error), or after a
 * syslog or journal header (time stamp, then the host unless the line is
 * syslog's own datagram, "<PRI>" first). Anything else before the tag, such
 * as another program's tag, is another program's line, whatever it holds
 * (sshd logs the user names that clients send). */
static const char *module_message(const char *line)
{
    static const char tag[] = "tlsdefaults[";
    const char *p = line;
    size_t n;

    if (strncmp(p, tag, sizeof(tag) - 1) != 0) {
        int datagram = 0;

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
            p += n + 1;
        }
        if (strncmp(p, tag, sizeof(tag) - 1) != 0)
            return NULL;
    }
    p += sizeof(tag) - 1;
    n = strspn(p, DIGITS);
    if (n == 0 || strncmp(p + n, "]: ", 3) != 0)
        return NULL;
    return p + n + 3;
}

/* Names from the log and the peers: json_output.h takes any bytes. */
static json_t *items_json(const item *items, int n, int peers)
{
    json_t *o = json_object();
    int ok = o != NULL;

    for (int i = 0; ok && i < n; i++)
        ok = tlsd_json_output_set(o, items[i].name,
                                  json_integer(peers ? peer_count(&items[i]) : items[i].count));
    if (!ok)
        json_decref(o);
    return ok ? o : NULL;
}

static json_t *program_json(const program *p)
{
    item peers[MAX_ITEMS];
    unsigned long rest = sorted_peers(p, peers);

    return json_pack("{s:o, s:I, s:o, s:o, s:o, s:I}", "program", tlsd_json_output_string(p->name),
                     "connections", (json_int_t)p->connections,
                     "reasons", items_json(p->reasons, p->n_reasons, 0),
                     "x509_errors", items_json(p->errors, p->n_errors, 0),
                     "peers", items_json(peers, p->n_peers, 1), "more_peers", (json_int_t)rest);
}

/* Returns 1, or 0 when memory is short or the write fails. */
static int print_json(const report *r, FILE *out)
{
    json_t *programs = json_array(), *j;
    int ok = programs != NULL;

    for (int i = 0; ok && i < r->n_programs; i++)
        ok = json_array_append_new(programs, program_json(&r->programs[i])) == 0;
    if (!ok) {
        json_decref(programs);
        return 0;
    }
    j = json_pack("{s:I, s:I, s:o, s:I}", "connections", (json_int_t)r->connections,
                  "suppressed", (json_int_t)r->suppressed, "programs", programs,
                  "other_programs", (json_int_t)r->other_programs);
    ok = j != NULL && tlsd_json_output_dump(j, out);
    json_decref(j);
    return ok;
}

/* Names come from the log, peers' from the peer: what is not printable
 * ASCII reaches no terminal as is (an ESC would drive it). */
static const char *printable(const char *s, char *buf, size_t cap)
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

static void print_text(const report *r, FILE *out)
{
    char a[600];

    fprintf(out, "Connections the policy would have refused: %lu, in %d program%s\n",
            r->connections, r->n_programs, r->n_programs == 1 ? "" : "s");
    if (r->suppressed > 0)
        fprintf(out, "Lines suppressed by the rate limit: %lu (not counted above)\n", r->suppressed);
    for (int i = 0; i < r->n_programs; i++) {
        const program *p = &r->programs[i];
        item peers[MAX_ITEMS];
        unsigned long shown = 0;

        sorted_peers(p, peers);

        fprintf(out, "\n%s: %lu connection%s, %d peer%s%s\n", printable(p->name, a, sizeof(a)),
                p->connections, p->connections == 1 ? "" : "s", p->n_peers,
                p->n_peers == 1 ? "" : "s", p->peers_evicted ? " (and more)" : "");
        for (int j = 0; j < p->n_reasons; j++)
            fprintf(out, "  %-40s %lu\n", printable(p->reasons[j].name, a, sizeof(a)),
                    p->reasons[j].count);
        for (int j = 0; j < p->n_errors; j++)
            fprintf(out, "  X509 error %-29s %lu\n", printable(p->errors[j].name, a, sizeof(a)),
                    p->errors[j].count);
        for (int j = 0; j < p->n_peers && j < TEXT_PEERS; j++) {
            fprintf(out, "  peer %-35s %lu\n", printable(peers[j].name, a, sizeof(a)),
                    peer_count(&peers[j]));
            shown += peer_count(&peers[j]);
        }
        if (p->connections > shown)
            fprintf(out, "  %-40s %lu\n", "other peers", p->connections - shown);
    }
    if (r->other_programs > 0)
        fprintf(out, "\n%lu connections of further programs not shown\n", r->other_programs);
}

int tlsd_audit_report(FILE *in, FILE *out, int json)
{
    report *r = calloc(1, sizeof(*r));
    char line[4096];
    int any = 0, cut = 0;

    if (r == NULL)
        return 1;
    while (fgets(line, sizeof(line), in) != NULL) {
        size_t len = strlen(line);
        int whole = len > 0 && line[len - 1] == '\n', was_cut = cut;
        const char *msg;
        unsigned long n;
        fields f;

        /* The rest of a line too long for the buffer is no line of its
         * own: a tag there is text of that line. */
        cut = !whole && !feof(in);
        if (was_cut || cut)
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        if ((msg = module_message(line)) == NULL)
            continue;
        if (parse_audit(msg, &f)) {
            add_line(r, &f);
            any = 1;
        } else if (parse_note(msg, &n)) {
            r->suppressed += n;
            any = 1;
        }
    }
    if (json && !print_json(r, out))
        any = 0;
    else if (!json)
        print_text(r, out);
    free(r);
    return any ? 0 : 1;
}
