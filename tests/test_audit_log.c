/* SPDX-License-Identifier: Apache-2.0 */
/* The audit log writer (provider/engine/audit_log.c), linked in: the syslog
 * datagram's format, and the writer sending it to a datagram socket of the
 * test's own (the module itself only ever writes to /dev/log); the rate
 * limit's bucket with a clock of the test's own, in one process and in
 * forked ones; and the module under a real fork-per-connection server. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/conf.h>
#include <openssl/ssl.h>

#include "audit_journal.h"
#include "audit_log.h"
#include "test_certs.h"
#include "test_config.h"
#include "test_handshake.h"
#include "test_main.h"

static void test_syslog_format(void)
{
    char buf[256];
    size_t n = tlsd_audit_log_syslog_format(buf, sizeof(buf), 0, 4242, "audit program=x");

    /* <12>: facility user, severity warning; "Mmm dd hh:mm:ss" then our tag. */
    CU_ASSERT_EQUAL(n, strlen(buf));
    CU_ASSERT_EQUAL(strncmp(buf, "<12>", 4), 0);
    CU_ASSERT_EQUAL(buf[7], ' ');
    CU_ASSERT_EQUAL(buf[10], ' ');
    CU_ASSERT_EQUAL(buf[13], ':');
    CU_ASSERT_STRING_EQUAL(buf + 20, "tlsdefaults[4242]: audit program=x");
    /* Cut, never overflowed. */
    CU_ASSERT_EQUAL(tlsd_audit_log_syslog_format(buf, 10, 0, 1, "long message"), 9);
    CU_ASSERT_EQUAL(strlen(buf), 9);
}

/* AuditLog = journal: every key=value of a line is a field of its own;
 * each kind of line has its MESSAGE_ID. */
static void test_journal_format(void)
{
    char buf[2048];
    size_t n = tlsd_audit_journal_format(buf, sizeof(buf), 4242,
                                         "audit program=curl pid=4242 role=client peer=a.test "
                                         "reasons=VerifyPeer:unverified x509_error=18 "
                                         "x509_text=\"self-signed certificate\"");

    CU_ASSERT_EQUAL(n, strlen(buf));
    CU_ASSERT_EQUAL(strncmp(buf, "MESSAGE=audit program=curl pid=4242 role=client", 47), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nMESSAGE_ID=" TLSD_AUDIT_JOURNAL_ID_AUDIT "\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nPRIORITY=4\nSYSLOG_IDENTIFIER=tlsdefaults\nSYSLOG_PID=4242\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nTLSDEFAULTS_KIND=audit\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nTLSDEFAULTS_PROGRAM=curl\nTLSDEFAULTS_PID=4242\n"
                                       "TLSDEFAULTS_ROLE=client\nTLSDEFAULTS_PEER=a.test\n"
                                       "TLSDEFAULTS_REASONS=VerifyPeer:unverified\n"
                                       "TLSDEFAULTS_X509_ERROR=18\n"
                                       "TLSDEFAULTS_X509_TEXT=self-signed certificate\n"));
    CU_ASSERT_EQUAL(buf[n - 1], '\n');
    n = tlsd_audit_journal_format(buf, sizeof(buf), 1, "inventory program=nginx group=X25519MLKEM768 pq=yes");
    CU_ASSERT(n > 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nMESSAGE_ID=" TLSD_AUDIT_JOURNAL_ID_INVENTORY "\nPRIORITY=6\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nTLSDEFAULTS_GROUP=X25519MLKEM768\nTLSDEFAULTS_PQ=yes\n"));
    n = tlsd_audit_journal_format(buf, sizeof(buf), 1, "audit: 7 lines suppressed (rate limit)");
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nMESSAGE_ID=" TLSD_AUDIT_JOURNAL_ID_NOTE "\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nTLSDEFAULTS_KIND=note\n"));
    CU_ASSERT_PTR_NULL(strstr(buf, "TLSDEFAULTS_7"));
    /* Too long: nothing rather than a cut entry. */
    CU_ASSERT_EQUAL(tlsd_audit_journal_format(buf, 40, 1, "audit program=curl pid=1 role=client"), 0);
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
    tlsd_audit_log_free(log);
    unlink(addr.sun_path);
}

/* The bucket with a clock of the test's own: a burst, then the rate, and
 * the note of what was dropped before the next line written. */
static void test_rate_limit_bucket(void)
{
    tlsd_audit_log_rate r;
    unsigned long note = 99;
    int written = 0;

    tlsd_audit_log_rate_init(&r, 1000.0);
    for (int i = 0; i < 250; i++)
        written += tlsd_audit_log_rate_take(&r, 1000.0, &note);
    CU_ASSERT_EQUAL(written, TLSD_AUDIT_BURST);
    CU_ASSERT_EQUAL(r.suppressed, 250 - TLSD_AUDIT_BURST);
    /* A tenth of a second: one token, not enough for the note and a line. */
    CU_ASSERT_EQUAL(tlsd_audit_log_rate_take(&r, 1000.1, &note), 0);
    /* One second later: written, after a note of all that was dropped. */
    CU_ASSERT_EQUAL(tlsd_audit_log_rate_take(&r, 1001.1, &note), 1);
    CU_ASSERT_EQUAL(note, 250 - TLSD_AUDIT_BURST + 1);
    CU_ASSERT_EQUAL(r.suppressed, 0);
    /* Then at most the rate: 10 s give 100 lines, not more. */
    written = 0;
    for (int i = 0; i < 1000; i++)
        written += tlsd_audit_log_rate_take(&r, 1011.1, &note);
    CU_ASSERT(written <= TLSD_AUDIT_PER_SECOND * 10 + 1);
    CU_ASSERT(written >= TLSD_AUDIT_PER_SECOND * 10 - 10);
    /* A clock that goes back (another CPU, a suspended VM) adds nothing. */
    written = 0;
    for (int i = 0; i < 10; i++)
        written += tlsd_audit_log_rate_take(&r, 900.0, &note);
    CU_ASSERT_EQUAL(written, 0);
}

/* Each of children forked processes takes one line from r, at the same
 * moment of the test's clock; the number written, in all. */
static int take_in_children(tlsd_audit_log_rate *r, int children)
{
    int written = 0, status;

    for (int i = 0; i < children; i++) {
        pid_t pid = fork();

        if (pid == 0) {
            unsigned long note;

            _exit(tlsd_audit_log_rate_take(r, 1000.0, &note));
        }
        CU_ASSERT_FATAL(pid > 0);
        CU_ASSERT_FATAL(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
        written += WEXITSTATUS(status);
    }
    return written;
}

/* The bucket in a shared page holds one burst for 300 forked processes;
 * the same bucket in each process's own memory (what every child of a
 * forking server had before: its copy of the parent's) lets every one of
 * them write (the negative control). */
static void test_rate_limit_bucket_across_fork(void)
{
    tlsd_audit_log_rate *shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
                                   MAP_SHARED | MAP_ANONYMOUS, -1, 0), own;

    CU_ASSERT_FATAL(shared != MAP_FAILED);
    tlsd_audit_log_rate_init(shared, 1000.0);
    CU_ASSERT_EQUAL(take_in_children(shared, 300), TLSD_AUDIT_BURST);
    CU_ASSERT_EQUAL(tlsd_audit_log_rate_take_suppressed(shared), 300 - TLSD_AUDIT_BURST);
    tlsd_audit_log_rate_init(&own, 1000.0);
    CU_ASSERT_EQUAL(take_in_children(&own, 300), 300);
    munmap(shared, sizeof(*shared));
}

static double seconds_now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The server: accepts, forks, and the child does the handshake, then
 * exits without any clean-up (_exit), as such servers do. */
static void fork_per_connection_server(int listener, SSL_CTX *srv, SSL_CTX *client, int connections)
{
    /* The test's client context is not the server's (its children would
     * hold it until _exit: a leak under valgrind). */
    SSL_CTX_free(client);
    for (int i = 0; i < connections; i++) {
        int fd = accept(listener, NULL, NULL);
        pid_t pid;

        if (fd < 0)
            _exit(2);
        if ((pid = fork()) == 0) {
            SSL *ssl = SSL_new(srv);

            close(listener);
            SSL_set_fd(ssl, fd);
            if (SSL_accept(ssl) == 1)
                SSL_shutdown(ssl);
            SSL_free(ssl); /* the connection's audit line */
            _exit(0);
        }
        close(fd);
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
    }
    while (wait(NULL) > 0)
        ;
    /* The server's last reference to the log notes what is left. */
    SSL_CTX_free(srv);
    CONF_modules_unload(1);
    _exit(0);
}

/* A peer floods a fork-per-connection server under Audit with 300 TLS 1.1
 * connections (each a MinProtocol line): every connection is a line or
 * counted in a note, and no more lines are written than one burst plus
 * what the rate allows over the time the test took (measured, never
 * asserted). Before the shared bucket, every child had a full burst of its
 * own: 300 lines. */
static void test_forking_server_rate_limit(void)
{
    const int connections = 300;
    char log_path[600], keys[800], line[2048];
    struct sockaddr_in addr = {.sin_family = AF_INET};
    socklen_t len = sizeof(addr);
    SSL_CTX *client, *srv;
    int listener, lines = 0, status;
    unsigned long dropped = 0, n;
    double started, elapsed;
    pid_t server;
    FILE *f;

    /* Made before the module is loaded: the peer is no audited program. */
    client = SSL_CTX_new(TLS_client_method());
    CU_ASSERT_PTR_NOT_NULL_FATAL(client);
    SSL_CTX_set_verify(client, SSL_VERIFY_NONE, NULL);
    CU_ASSERT(SSL_CTX_set_cipher_list(client, "ALL:@SECLEVEL=0"));
    CU_ASSERT(SSL_CTX_set_min_proto_version(client, TLS1_1_VERSION));
    CU_ASSERT(SSL_CTX_set_max_proto_version(client, TLS1_1_VERSION));

    snprintf(log_path, sizeof(log_path), "%s/fork-audit.log", tlsd_test_certs_dir());
    unlink(log_path);
    snprintf(keys, sizeof(keys), "Audit = yes\nAuditLog = %s", log_path);
    started = seconds_now();
    tlsd_test_load_module("audit-fork", keys, NULL);
    srv = tlsd_test_server_ctx(tlsd_test_cert_path("leaf-chain.pem"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
    CU_ASSERT(SSL_CTX_set_cipher_list(srv, "ALL:@SECLEVEL=0"));
    CU_ASSERT(SSL_CTX_set_min_proto_version(srv, TLS1_1_VERSION));

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    listener = socket(AF_INET, SOCK_STREAM, 0);
    CU_ASSERT_FATAL(listener >= 0 && bind(listener, (struct sockaddr *)&addr, sizeof(addr)) == 0
                    && listen(listener, 64) == 0
                    && getsockname(listener, (struct sockaddr *)&addr, &len) == 0);
    fflush(NULL);
    if ((server = fork()) == 0)
        fork_per_connection_server(listener, srv, client, connections);
    CU_ASSERT_FATAL(server > 0);
    close(listener);
    for (int i = 0; i < connections; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        SSL *ssl = SSL_new(client);

        CU_ASSERT_FATAL(fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
        SSL_set_fd(ssl, fd);
        CU_ASSERT(SSL_connect(ssl) == 1);
        SSL_shutdown(ssl);
        SSL_free(ssl);
        close(fd);
    }
    CU_ASSERT(waitpid(server, &status, 0) == server && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    SSL_CTX_free(srv);
    SSL_CTX_free(client);
    CONF_modules_unload(0);
    elapsed = seconds_now() - started;

    f = fopen(log_path, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    while (fgets(line, sizeof(line), f) != NULL) {
        const char *at = strstr(line, "]: audit");

        if (at != NULL && strstr(at, " role=server ") != NULL && strstr(at, "MinProtocol:") != NULL)
            lines++;
        else if (at != NULL && sscanf(at, "]: audit: %lu lines suppressed (rate limit)", &n) == 1)
            dropped += n;
    }
    fclose(f);
    fprintf(stderr, "\n  %d lines written, %lu suppressed, in %.1f s\n", lines, dropped, elapsed);
    CU_ASSERT(lines >= 1);
    CU_ASSERT_EQUAL((unsigned long)lines + dropped, (unsigned long)connections);
    /* Notes cost a token too: lines alone stay within the bound. */
    CU_ASSERT(lines <= TLSD_AUDIT_BURST + (int)(elapsed * TLSD_AUDIT_PER_SECOND) + 1);
}

int main(void)
{
    static CU_TestInfo tests[] = {
        {"syslog line format", test_syslog_format},
        {"syslog writer on a datagram socket", test_syslog_writer},
        {"journal entry format", test_journal_format},
        {"rate limit: burst, rate and the note of lines dropped", test_rate_limit_bucket},
        {"rate limit: one bucket across fork()", test_rate_limit_bucket_across_fork},
        {"rate limit: a fork-per-connection server under Audit", test_forking_server_rate_limit},
        {NULL, NULL},
    };

    return tlsd_test_main("audit log", NULL, NULL, tests);
}
