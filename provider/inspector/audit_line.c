/* SPDX-License-Identifier: Apache-2.0 */
#include "audit_line.h"

#include <string.h>

#include "log_lines.h"

#define DIGITS TLSD_LOG_LINES_DIGITS
#define LOWER TLSD_LOG_LINES_LOWER
#define UPPER TLSD_LOG_LINES_UPPER
#define F_PROGRAM TLSD_AUDIT_LINE_PROGRAM
#define F_PID TLSD_AUDIT_LINE_PID
#define F_ROLE TLSD_AUDIT_LINE_ROLE
#define F_PEER TLSD_AUDIT_LINE_PEER
#define F_REASONS TLSD_AUDIT_LINE_REASONS
#define F_X509_ERROR TLSD_AUDIT_LINE_X509_ERROR
#define F_X509_TEXT TLSD_AUDIT_LINE_X509_TEXT
#define F_VERSION TLSD_AUDIT_LINE_VERSION
#define F_FLOOR TLSD_AUDIT_LINE_FLOOR
#define F_CIPHER TLSD_AUDIT_LINE_CIPHER
#define F_FIELDS TLSD_AUDIT_LINE_FIELDS

static const char *const field_names[] = {"program", "pid", "role", "peer", "reasons",
                                          "x509_error", "x509_text", "version", "floor",
                                          "cipher", "peer_key", "dh_bits", "group", "sigalg",
                                          "candidate", "peer_entry"};

/* "Key:what,Key:what": the reasons audit_record.c writes (a what may hold
 * digits: SecurityLevel:sha1-signature). */
static int reasons_shape(const char *s, size_t len)
{
    while (len > 0) {
        size_t one = strcspn(s, ",");
        const char *colon = memchr(s, ':', one < len ? one : len);

        if (one > len)
            one = len;
        if (colon == NULL || !tlsd_log_lines_all_of(s, (size_t)(colon - s), UPPER LOWER)
            || !tlsd_log_lines_all_of(colon + 1, one - (size_t)(colon + 1 - s), LOWER DIGITS "-"))
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

static int is(const tlsd_audit_line *f, int k, const char *word)
{
    return f->len[k] == strlen(word) && strncmp(f->value[k], word, f->len[k]) == 0;
}

/* The values of their shapes. */
static int shapes(const tlsd_audit_line *f)
{
    const char *err = f->value[F_X509_ERROR];
    int minus = err != NULL && *err == '-';

    return f->len[F_PROGRAM] > 0 && f->len[F_PEER] > 0
           && tlsd_log_lines_all_of(f->value[F_PID], f->len[F_PID], DIGITS)
           && (is(f, F_ROLE, "client") || is(f, F_ROLE, "server"))
           && reasons_shape(f->value[F_REASONS], f->len[F_REASONS])
           && (err == NULL || tlsd_log_lines_all_of(err + minus, f->len[F_X509_ERROR] - (size_t)minus, DIGITS))
           && (f->value[F_VERSION] == NULL || (f->len[F_VERSION] > 0 && f->len[F_FLOOR] > 0))
           && (f->value[F_CIPHER] == NULL || f->len[F_CIPHER] > 0)
           && (f->value[TLSD_AUDIT_LINE_CANDIDATE] == NULL || f->len[TLSD_AUDIT_LINE_CANDIDATE] > 0)
           && (f->value[TLSD_AUDIT_LINE_PEER_ENTRY] == NULL || f->len[TLSD_AUDIT_LINE_PEER_ENTRY] > 0);
}

/* msg: what follows the tag. The fields in audit.c's order, optional ones
 * in theirs, nothing else, nothing after. */
int tlsd_audit_line_parse(const char *msg, tlsd_audit_line *f)
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
        for (k = next; k < F_FIELDS; k++)
            if (strlen(field_names[k]) == nlen && strncmp(p, field_names[k], nlen) == 0)
                break;
        /* In order (k >= next): the required ones each in turn, and the
         * second of a pair (x509_text, floor) right after the first. */
        if (k == F_FIELDS
            || ((next <= F_REASONS || next == F_X509_TEXT || next == F_FLOOR) && k != next)
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
    return next > F_REASONS && next != F_X509_TEXT && next != F_FLOOR && shapes(f);
}

void tlsd_audit_line_each_reason(const tlsd_audit_line *f,
                                 void (*each)(const char *reason, size_t len, void *arg), void *arg)
{
    const char *reasons = f->value[F_REASONS];
    size_t rlen = f->len[F_REASONS];

    while (rlen > 0) {
        size_t one = strcspn(reasons, ",");

        if (one > rlen)
            one = rlen;
        each(reasons, one, arg);
        reasons += one;
        rlen -= one;
        if (rlen > 0) {
            reasons++;
            rlen--;
        }
    }
}
