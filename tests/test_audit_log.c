/* SPDX-License-Identifier: Apache-2.0 */
/* The audit log writer (provider/audit_log.c), linked in: the syslog
 * datagram's format, and the writer sending it to a datagram socket of the
 * test's own (the module itself only ever writes to /dev/log). */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "audit_log.h"
#include "test_certs.h"
#include "test_main.h"

static void test_syslog_format(void)
{
    char buf[256];
    size_t n = tlsd_audit_syslog_format(buf, sizeof(buf), 0, 4242, "audit program=x");

    /* <12>: facility user, severity warning; "Mmm dd hh:mm:ss" then our tag. */
    CU_ASSERT_EQUAL(n, strlen(buf));
    CU_ASSERT_EQUAL(strncmp(buf, "<12>", 4), 0);
    CU_ASSERT_EQUAL(buf[7], ' ');
    CU_ASSERT_EQUAL(buf[10], ' ');
    CU_ASSERT_EQUAL(buf[13], ':');
    CU_ASSERT_STRING_EQUAL(buf + 20, "tlsdefaults[4242]: audit program=x");
    /* Cut, never overflowed. */
    CU_ASSERT_EQUAL(tlsd_audit_syslog_format(buf, 10, 0, 1, "long message"), 9);
    CU_ASSERT_EQUAL(strlen(buf), 9);
}

static void test_syslog_writer(void)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    char buf[512];
    tlsd_audit_log *log;
    ssize_t n;
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/log.sock", tlsd_test_certs_dir());
    unlink(addr.sun_path);
    CU_ASSERT_FATAL(fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
    log = tlsd_audit_log_open_syslog_at(addr.sun_path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    tlsd_audit_log_write(log, "audit program=test peer=x reasons=VerifyPeer:unverified");
    n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
    CU_ASSERT_FATAL(n > 0);
    buf[n] = '\0';
    CU_ASSERT_EQUAL(strncmp(buf, "<12>", 4), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, " tlsdefaults["));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "]: audit program=test peer=x reasons=VerifyPeer:unverified"));
    /* A socket nobody reads: lines are dropped, the writer never waits. */
    close(fd);
    for (int i = 0; i < 50; i++)
        tlsd_audit_log_write(log, "audit program=test");
    tlsd_audit_log_release(log);
    unlink(addr.sun_path);
}

/* The bucket with a clock of the test's own: a burst, then the rate, and
 * the note of what was dropped before the next line written. */
static void test_rate_limit_bucket(void)
{
    tlsd_rate_limit r;
    unsigned long note = 99;
    int written = 0;

    tlsd_rate_limit_init(&r, 1000.0);
    for (int i = 0; i < 250; i++)
        written += tlsd_rate_limit_take(&r, 1000.0, &note);
    CU_ASSERT_EQUAL(written, TLSD_AUDIT_BURST);
    CU_ASSERT_EQUAL(r.suppressed, 250 - TLSD_AUDIT_BURST);
    /* A tenth of a second: one token, not enough for the note and a line. */
    CU_ASSERT_EQUAL(tlsd_rate_limit_take(&r, 1000.1, &note), 0);
    /* One second later: written, after a note of all that was dropped. */
    CU_ASSERT_EQUAL(tlsd_rate_limit_take(&r, 1001.1, &note), 1);
    CU_ASSERT_EQUAL(note, 250 - TLSD_AUDIT_BURST + 1);
    CU_ASSERT_EQUAL(r.suppressed, 0);
    /* Then at most the rate: 10 s give 100 lines, not more. */
    written = 0;
    for (int i = 0; i < 1000; i++)
        written += tlsd_rate_limit_take(&r, 1011.1, &note);
    CU_ASSERT(written <= TLSD_AUDIT_PER_SECOND * 10 + 1);
    CU_ASSERT(written >= TLSD_AUDIT_PER_SECOND * 10 - 10);
    /* A clock that goes back (another CPU, a suspended VM) adds nothing. */
    written = 0;
    for (int i = 0; i < 10; i++)
        written += tlsd_rate_limit_take(&r, 900.0, &note);
    CU_ASSERT_EQUAL(written, 0);
}

int main(void)
{
    static CU_TestInfo tests[] = {
        {"syslog line format", test_syslog_format},
        {"syslog writer on a datagram socket", test_syslog_writer},
        {"rate limit: burst, rate and the note of lines dropped", test_rate_limit_bucket},
        {NULL, NULL},
    };

    return tlsd_test_main("audit log", NULL, NULL, tests);
}
