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

int main(void)
{
    static CU_TestInfo tests[] = {
        {"syslog line format", test_syslog_format},
        {"syslog writer on a datagram socket", test_syslog_writer},
        {NULL, NULL},
    };

    return tlsd_test_main("audit log", NULL, NULL, tests);
}
