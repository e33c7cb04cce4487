/* SPDX-License-Identifier: Apache-2.0 */
#include "audit_log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "audit_journal.h"
#include "debug.h"
#include "errors.h"
#include "private_file.h"

enum sink { SINK_SYSLOG, SINK_JOURNAL, SINK_STDERR, SINK_FILE };

struct tlsd_audit_log {
    atomic_int refs;
    enum sink sink;
    int fd;                        /* SINK_FILE: the file; SINK_SYSLOG, _JOURNAL: the socket */
    struct sockaddr_un addr;       /* SINK_SYSLOG, SINK_JOURNAL */
};

/* One bucket whatever the number of logs (a busy server with many
 * contexts still writes at most the rate), in a page shared with the
 * processes forked after it is made: a fork-per-connection server gets
 * one rate for all its children, not a full burst in each. Lock-free, so
 * no lock is held across fork() or shared between processes. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2 && ATOMIC_LONG_LOCK_FREE == 2,
               "the rate limit is shared by processes: its atomics must be lock-free");

static pthread_once_t bucket_once = PTHREAD_ONCE_INIT;
static tlsd_audit_log_rate *bucket;
static tlsd_audit_log_rate private_bucket; /* without a shared page: per process */

#define US_PER_LINE (1000000LL / TLSD_AUDIT_PER_SECOND)

static double monotonic_now(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static void bucket_init(void)
{
    void *page = mmap(NULL, sizeof(tlsd_audit_log_rate), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    bucket = page != MAP_FAILED ? page : &private_bucket;
    tlsd_audit_log_rate_init(bucket, monotonic_now());
}

void tlsd_audit_log_prepare(void)
{
    pthread_once(&bucket_once, bucket_init);
}

static long long micros(double seconds)
{
    return (long long)(seconds * 1e6);
}

void tlsd_audit_log_rate_init(tlsd_audit_log_rate *r, double now)
{
    /* Full: a burst may be written at once. */
    atomic_store(&r->full_at, micros(now));
    atomic_store(&r->suppressed, 0);
}

int tlsd_audit_log_rate_take(tlsd_audit_log_rate *r, double now, unsigned long *note)
{
    long long t = micros(now), full_at = atomic_load(&r->full_at), next;

    *note = 0;
    do {
        /* A line costs one token; the note of lines dropped one more. */
        long long cost = atomic_load(&r->suppressed) > 0 ? 2 : 1;

        /* A clock that goes back (another CPU, a suspended VM) adds
         * nothing: the bucket only refills up to now. */
        next = (full_at > t ? full_at : t) + cost * US_PER_LINE;
        if (next - TLSD_AUDIT_BURST * US_PER_LINE > t) {
            atomic_fetch_add(&r->suppressed, 1);
            return 0;
        }
    } while (!atomic_compare_exchange_weak(&r->full_at, &full_at, next));
    /* Whatever any process dropped until now, reported once. */
    *note = atomic_exchange(&r->suppressed, 0);
    return 1;
}

unsigned long tlsd_audit_log_rate_take_suppressed(tlsd_audit_log_rate *r)
{
    return atomic_exchange(&r->suppressed, 0);
}

static tlsd_audit_log *log_new(enum sink sink, int fd)
{
    tlsd_audit_log *log = calloc(1, sizeof(*log));

    if (log == NULL) {
        TLSD_RAISE(TLSD_R_OUT_OF_MEMORY, NULL);
        return NULL;
    }
    atomic_init(&log->refs, 1);
    log->sink = sink;
    log->fd = fd;
    tlsd_audit_log_prepare();
    return log;
}

static tlsd_audit_log *open_datagram(enum sink sink, const char *socket_path)
{
    tlsd_audit_log *log;
    int fd;

    if (strlen(socket_path) >= sizeof(log->addr.sun_path)) {
        TLSD_RAISE(TLSD_R_CANNOT_OPEN_AUDIT_LOG, "path=%.256s: too long", socket_path);
        return NULL;
    }
    /* Non-blocking: a syslog daemon that does not keep up drops lines,
     * never the program's connection. Unconnected: a restarted daemon is
     * found again by name at the next line. */
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if ((log = log_new(sink, fd)) == NULL) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    log->addr.sun_family = AF_UNIX;
    memcpy(log->addr.sun_path, socket_path, strlen(socket_path) + 1);
    return log;
}

tlsd_audit_log *tlsd_audit_log_open_syslog_at(const char *socket_path)
{
    return open_datagram(SINK_SYSLOG, socket_path);
}

static void emit(tlsd_audit_log *log, const char *line);

/* "journal" or "journal:NAMESPACE". Without journald's socket, syslog,
 * whose first line says why. */
static tlsd_audit_log *open_journal(const char *spec)
{
    char path[128], note[256];
    struct stat st;
    tlsd_audit_log *log;

    if (!tlsd_audit_journal_socket_path(spec[7] == ':' ? spec + 8 : NULL, path, sizeof(path))) {
        TLSD_RAISE(TLSD_R_CANNOT_OPEN_AUDIT_LOG, "AuditLog=%.128s: namespace too long", spec);
        return NULL;
    }
    if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        return open_datagram(SINK_JOURNAL, path);
    snprintf(note, sizeof(note), "audit: AuditLog=%s: no journal socket at %s (%s); writing to syslog",
             spec, path, stat(path, &st) == 0 ? "not a socket" : strerror(errno));
    tlsd_debug("%s", note);
    if ((log = tlsd_audit_log_open_syslog_at("/dev/log")) != NULL)
        emit(log, note);
    return log;
}

tlsd_audit_log *tlsd_audit_log_open(const char *spec)
{
    char why[256];
    int fd;

    if (strcmp(spec, "syslog") == 0)
        return tlsd_audit_log_open_syslog_at("/dev/log");
    if (strncmp(spec, "journal", 7) == 0 && (spec[7] == '\0' || spec[7] == ':'))
        return open_journal(spec);
    if (strcmp(spec, "stderr") == 0)
        return log_new(SINK_STDERR, -1);
    if ((fd = tlsd_private_file_open(spec, why, sizeof(why))) < 0) {
        TLSD_RAISE(TLSD_R_CANNOT_OPEN_AUDIT_LOG, "path=%.256s: %s", spec, why);
        return NULL;
    }
    return log_new(SINK_FILE, fd);
}

tlsd_audit_log *tlsd_audit_log_ref(tlsd_audit_log *log)
{
    if (log != NULL)
        atomic_fetch_add(&log->refs, 1);
    return log;
}

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

size_t tlsd_audit_log_syslog_format(char *buf, size_t cap, time_t when, pid_t pid,
                                    const char *message)
{
    struct tm tm;
    int n;

    /* Month names of our own: strftime's %b follows the program's locale. */
    if (localtime_r(&when, &tm) == NULL)
        memset(&tm, 0, sizeof(tm));
    n = snprintf(buf, cap, "<%d>%s %2d %02d:%02d:%02d tlsdefaults[%ld]: %s", 1 * 8 + 4,
                 months[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 (long)pid, message);
    if (n < 0)
        return 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

/* Writes without ever waiting: a descriptor not ready now loses the line. */
static void emit(tlsd_audit_log *log, const char *line)
{
    char buf[4096];
    size_t len;
    int fd = log->sink == SINK_STDERR ? STDERR_FILENO : log->fd;

    if (fd < 0)
        return;
    if (log->sink == SINK_JOURNAL) {
        if ((len = tlsd_audit_journal_format(buf, sizeof(buf), getpid(), line)) > 0)
            (void)!sendto(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL, (const struct sockaddr *)&log->addr,
                          sizeof(log->addr));
        return;
    }
    if (log->sink == SINK_SYSLOG) {
        len = tlsd_audit_log_syslog_format(buf, sizeof(buf), time(NULL), getpid(), line);
        (void)!sendto(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL,
                      (const struct sockaddr *)&log->addr, sizeof(log->addr));
        return;
    }
    if (log->sink == SINK_STDERR) {
        /* The program's descriptor: not ours to make non-blocking. A pipe
         * without room for a line is skipped instead. */
        struct pollfd pfd = {fd, POLLOUT, 0};

        if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLOUT))
            return;
    }
    len = (size_t)snprintf(buf, sizeof(buf), "tlsdefaults[%ld]: %s\n", (long)getpid(), line);
    if (len >= sizeof(buf)) {
        len = sizeof(buf) - 1;
        buf[len - 1] = '\n';
    }
    /* One write(2): O_APPEND keeps lines of several processes whole. */
    (void)!write(fd, buf, len);
}

static void emit_suppressed(tlsd_audit_log *log, unsigned long count)
{
    char note[96];

    snprintf(note, sizeof(note), "audit: %lu lines suppressed (rate limit)", count);
    emit(log, note);
}

int tlsd_audit_log_admit(tlsd_audit_log *log)
{
    unsigned long note;

    if (log == NULL || !tlsd_audit_log_rate_take(bucket, monotonic_now(), &note))
        return 0;
    if (note > 0)
        emit_suppressed(log, note);
    return 1;
}

void tlsd_audit_log_put(tlsd_audit_log *log, const char *line)
{
    if (log != NULL)
        emit(log, line);
}

void tlsd_audit_log_write(tlsd_audit_log *log, const char *line)
{
    if (tlsd_audit_log_admit(log))
        emit(log, line);
}

void tlsd_audit_log_free(tlsd_audit_log *log)
{
    unsigned long note;

    if (log == NULL || atomic_fetch_sub(&log->refs, 1) != 1)
        return;
    /* What was dropped since the last note, in this process or another
     * sharing the bucket. */
    if ((note = tlsd_audit_log_rate_take_suppressed(bucket)) > 0)
        emit_suppressed(log, note);
    if (log->fd >= 0)
        close(log->fd);
    free(log);
}
