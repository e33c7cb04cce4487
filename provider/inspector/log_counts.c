/* SPDX-License-Identifier: Apache-2.0 */
#include "log_counts.h"

#include <string.h>

#include "json_output.h"

static size_t name_len(size_t len)
{
    return len < TLSD_LOG_LINES_NAME ? len : TLSD_LOG_LINES_NAME - 1;
}

static tlsd_log_count *find(tlsd_log_counts *t, const char *name, size_t len)
{
    for (int i = 0; i < t->n; i++)
        if (strlen(t->item[i].name) == len && strncmp(t->item[i].name, name, len) == 0)
            return &t->item[i];
    return NULL;
}

static void set_name(tlsd_log_count *c, const char *name, size_t len)
{
    memcpy(c->name, name, len);
    c->name[len] = '\0';
}

tlsd_log_count *tlsd_log_counts_add(tlsd_log_counts *t, const char *name, size_t len)
{
    tlsd_log_count *c = find(t, name, len = name_len(len));

    if (c == NULL) {
        if (t->n == TLSD_LOG_COUNTS_CAP) {
            t->rest++;
            return NULL;
        }
        c = &t->item[t->n++];
        set_name(c, name, len);
    }
    c->count++;
    return c;
}

void tlsd_log_counts_add_peer(tlsd_log_counts *t, const char *name, size_t len)
{
    tlsd_log_count *c = find(t, name, len = name_len(len)), *least;

    if (c != NULL || t->n < TLSD_LOG_COUNTS_CAP) {
        tlsd_log_counts_add(t, name, len);
        return;
    }
    least = &t->item[0];
    for (int i = 1; i < t->n; i++)
        if (t->item[i].count < least->count)
            least = &t->item[i];
    set_name(least, name, len);
    least->over = least->count;
    least->count++;
    t->evicted = 1;
}

unsigned long tlsd_log_counts_value(const tlsd_log_count *c)
{
    return c->count - c->over;
}

int tlsd_log_counts_sorted(const tlsd_log_counts *t, tlsd_log_count *out, unsigned long *listed)
{
    unsigned long sum = 0;

    memcpy(out, t->item, sizeof(t->item[0]) * (size_t)t->n);
    for (int i = 1; i < t->n; i++)
        for (int j = i; j > 0 && tlsd_log_counts_value(&out[j]) > tlsd_log_counts_value(&out[j - 1]); j--) {
            tlsd_log_count c = out[j];

            out[j] = out[j - 1];
            out[j - 1] = c;
        }
    for (int i = 0; i < t->n; i++)
        sum += tlsd_log_counts_value(&out[i]);
    if (listed != NULL)
        *listed = sum;
    return t->n;
}

/* Names from the log and the peers: json_output.h takes any bytes. */
json_t *tlsd_log_counts_json(const tlsd_log_counts *t)
{
    tlsd_log_count sorted[TLSD_LOG_COUNTS_CAP];
    int n = tlsd_log_counts_sorted(t, sorted, NULL);
    json_t *o = json_object();
    int ok = o != NULL;

    for (int i = 0; ok && i < n; i++)
        ok = tlsd_json_output_set(o, sorted[i].name, json_integer((json_int_t)tlsd_log_counts_value(&sorted[i])));
    if (!ok)
        json_decref(o);
    return ok ? o : NULL;
}

void *tlsd_log_counts_group(void *base, size_t size, int *n, int cap, const char *host,
                            const char *program, size_t len)
{
    tlsd_log_counts_key *k;

    len = name_len(len);
    for (int i = 0; i < *n; i++) {
        k = (tlsd_log_counts_key *)((char *)base + (size_t)i * size);
        if (strcmp(k->host, host) == 0 && strlen(k->program) == len
            && strncmp(k->program, program, len) == 0)
            return k;
    }
    if (*n == cap)
        return NULL;
    k = (tlsd_log_counts_key *)((char *)base + (size_t)(*n)++ * size);
    memset(k, 0, size);
    snprintf(k->host, sizeof(k->host), "%s", host);
    memcpy(k->program, program, len);
    k->program[len] = '\0';
    return k;
}

int tlsd_log_counts_hosts(const void *base, size_t size, int n, const char **hosts, int cap)
{
    int found = 0;

    for (int i = 0; i < n; i++) {
        const char *h = ((const tlsd_log_counts_key *)((const char *)base + (size_t)i * size))->host;
        int known = 0;

        for (int j = 0; j < found && !known; j++)
            known = strcmp(hosts[j], h) == 0;
        if (!known && found < cap)
            hosts[found++] = h;
    }
    return found;
}
