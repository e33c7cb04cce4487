/* Key log and debug files are opened without trusting what is already at
 * the path. Each attack is made for real in a scratch directory: a symbolic
 * link to a file, a dangling one, another user's file, our own file that
 * others may read, a hard link, a directory, a FIFO. Each must be refused,
 * and leave the scratch directory exactly as it was (no secret written, no
 * file created), through tlsd_set_keylog_file(), through the module's
 * KeyLog (SSLKEYLOGFILE) and through TLSDEFAULTS_DEBUG (in a child process,
 * which reads it once). The positive controls: a new file is created 0600
 * under umask 0, and an existing private file is appended to. */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tlsdefaults.h"
#include "test_certs.h"
#include "test_config.h"
#include "test_errors.h"
#include "test_handshake.h"
#include "test_main.h"
#include "test_process.h"

#define ROOT tlsd_test_cert_path("root.pem")
#define GOOD_CHAIN tlsd_test_cert_path("leaf-chain.pem")

static const char *self;
static char scratch[256];
static int cases;
static int fifo_reader = -1; /* the reader end of the FIFO attack, if open */
static char output[16384];

/* --- the attacks --------------------------------------------------------- */

typedef struct {
    const char *name;
    int needs_root;
    /* Makes the attack in dir: *given is the path handed to the code under
     * test, *reason what it must say. 0 on failure. */
    int (*make)(const char *dir, char *given, char *reason);
} attack;

#define PATH_LEN 512
#define REASON_LEN 128

static int write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    size_t len = strlen(text);
    int ok = fd >= 0 && write(fd, text, len) == (ssize_t)len && fchmod(fd, mode) == 0;

    if (fd >= 0)
        close(fd);
    return ok;
}

static int make_symlink_to_file(const char *dir, char *given, char *reason)
{
    char victim[PATH_LEN];

    snprintf(victim, PATH_LEN, "%s/victim", dir);
    snprintf(given, PATH_LEN, "%s/link", dir);
    snprintf(reason, REASON_LEN, "a symbolic link");
    return write_file(victim, "precious\n", 0600) && symlink(victim, given) == 0;
}

static int make_dangling_symlink(const char *dir, char *given, char *reason)
{
    char nowhere[PATH_LEN];

    snprintf(nowhere, PATH_LEN, "%s/nowhere", dir);
    snprintf(given, PATH_LEN, "%s/link", dir);
    snprintf(reason, REASON_LEN, "a symbolic link");
    return symlink(nowhere, given) == 0;
}

static int make_other_users_file(const char *dir, char *given, char *reason)
{
    struct passwd *pw = getpwnam("nobody");

    if (pw == NULL)
        return 0;
    snprintf(given, PATH_LEN, "%s/theirs", dir);
    snprintf(reason, REASON_LEN, "owned by uid %lu, not the effective user %lu",
             (unsigned long)pw->pw_uid, (unsigned long)geteuid());
    return write_file(given, "theirs\n", 0600) && chown(given, pw->pw_uid, pw->pw_gid) == 0;
}

static int make_readable_file(const char *dir, char *given, char *reason)
{
    snprintf(given, PATH_LEN, "%s/readable", dir);
    snprintf(reason, REASON_LEN, "mode 0644 gives access to group or others");
    return write_file(given, "readable\n", 0644);
}

static int make_hard_link(const char *dir, char *given, char *reason)
{
    char original[PATH_LEN];

    snprintf(original, PATH_LEN, "%s/original", dir);
    snprintf(given, PATH_LEN, "%s/hardlink", dir);
    snprintf(reason, REASON_LEN, "2 links");
    return write_file(original, "original\n", 0600) && link(original, given) == 0;
}

static int make_directory(const char *dir, char *given, char *reason)
{
    snprintf(given, PATH_LEN, "%s/directory", dir);
    snprintf(reason, REASON_LEN, "not a regular file: a directory");
    return mkdir(given, 0700) == 0;
}

/* A FIFO that something reads: whatever is written there leaks. */
static int make_fifo(const char *dir, char *given, char *reason)
{
    snprintf(given, PATH_LEN, "%s/fifo", dir);
    snprintf(reason, REASON_LEN, "not a regular file: a FIFO");
    if (mkfifo(given, 0600) != 0)
        return 0;
    fifo_reader = open(given, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    return fifo_reader >= 0;
}

static const attack attacks[] = {
    {"a symbolic link to a file", 0, make_symlink_to_file},
    {"a dangling symbolic link", 0, make_dangling_symlink},
    {"a file owned by nobody", 1, make_other_users_file},
    {"a file of ours with mode 0644", 0, make_readable_file},
    {"a hard link (2 links)", 0, make_hard_link},
    {"a directory", 0, make_directory},
    {"a FIFO with a reader", 0, make_fifo},
};
#define N_ATTACKS (sizeof(attacks) / sizeof(attacks[0]))

/* --- the scratch directory ----------------------------------------------- */

/* A new, empty directory for one case. */
static const char *new_case_dir(void)
{
    static char dir[320];

    snprintf(dir, sizeof(dir), "%s/case-%d", scratch, ++cases);
    if (mkdir(dir, 0700) != 0)
        return NULL;
    return dir;
}

/* Everything in dir, for "untouched" checks: each entry's name, type and
 * mode, owner, link count, and its content (files) or target (links). */
static char *snapshot(const char *dir)
{
    struct dirent **names;
    char *text = NULL;
    size_t size;
    FILE *out = open_memstream(&text, &size);
    int n = out != NULL ? scandir(dir, &names, NULL, alphasort) : -1;

    for (int i = 0; i < n; i++) {
        char path[PATH_LEN + 256], buf[4096];
        struct stat sb;
        ssize_t len;

        snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
        if (strcmp(names[i]->d_name, ".") != 0 && strcmp(names[i]->d_name, "..") != 0
            && lstat(path, &sb) == 0) {
            fprintf(out, "%s %o uid=%lu links=%lu: ", names[i]->d_name, (unsigned)sb.st_mode,
                    (unsigned long)sb.st_uid, (unsigned long)sb.st_nlink);
            if (S_ISLNK(sb.st_mode) && (len = readlink(path, buf, sizeof(buf))) > 0) {
                fwrite(buf, 1, (size_t)len, out);
            } else if (S_ISREG(sb.st_mode)) {
                int fd = open(path, O_RDONLY | O_CLOEXEC);

                while (fd >= 0 && (len = read(fd, buf, sizeof(buf))) > 0)
                    fwrite(buf, 1, (size_t)len, out);
                if (fd >= 0)
                    close(fd);
            }
            fputc('\n', out);
        }
        free(names[i]);
    }
    if (n >= 0)
        free(names);
    if (out == NULL || fclose(out) != 0 || n < 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* The directory as it was, and nothing read from the FIFO. */
static void check_untouched(const char *dir, const char *before, const char *how)
{
    char *after = snapshot(dir);
    int same = before != NULL && after != NULL && strcmp(before, after) == 0;

    if (!same)
        fprintf(stderr, "\n  %s: the scratch directory changed\n  before:\n%s  after:\n%s",
                how, before != NULL ? before : "(none)\n", after != NULL ? after : "(none)\n");
    CU_ASSERT(same);
    free(after);
    if (fifo_reader >= 0) {
        char buf[256];
        ssize_t n = read(fifo_reader, buf, sizeof(buf));

        if (n > 0)
            fprintf(stderr, "\n  %s: %zd bytes came out of the FIFO: %.*s\n", how, n, (int)n, buf);
        CU_ASSERT(n <= 0);
        close(fifo_reader);
        fifo_reader = -1;
    }
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb, (void)type, (void)ftw;
    return remove(path);
}

static int suite_init(void)
{
    const char *tmp = getenv("TMPDIR");

    if (tlsd_test_certs_dir() == NULL)
        return -1;
    snprintf(scratch, sizeof(scratch), "%s/tlsd-private-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(scratch) == NULL) {
        perror("mkdtemp");
        return -1;
    }
    unsetenv("SSLKEYLOGFILE");
    return 0;
}

static int suite_cleanup(void)
{
    if (getenv("TLSD_TEST_KEEP") == NULL)
        nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

/* Makes attack a in a new case directory; 0 (and a message) when skipped. */
static int prepare(const attack *a, const char **dir, char *given, char *reason)
{
    if (a->needs_root && geteuid() != 0) {
        printf("\n  skipped \"%s\": chown needs root\n", a->name);
        return 0;
    }
    if (a->needs_root && getpwnam("nobody") == NULL) {
        printf("\n  skipped \"%s\": no user nobody\n", a->name);
        return 0;
    }
    *dir = new_case_dir();
    CU_ASSERT_PTR_NOT_NULL_FATAL(*dir);
    CU_ASSERT_FATAL(a->make(*dir, given, reason));
    return 1;
}

static int count_prefix(const char *path, const char *prefix)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    int n = 0;

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL)
        n += strncmp(line, prefix, strlen(prefix)) == 0;
    fclose(f);
    return n;
}

static int mode_of(const char *path)
{
    struct stat sb;

    return lstat(path, &sb) == 0 ? (int)(sb.st_mode & 07777) : -1;
}

/* --- the library: tlsd_set_keylog_file() --------------------------------- */

static void test_library_refuses(void)
{
    for (size_t i = 0; i < N_ATTACKS; i++) {
        const attack *a = &attacks[i];
        char given[PATH_LEN], reason[REASON_LEN], *before;
        const char *dir;
        SSL_CTX *client, *server;
        tlsd_test_result r;

        if (!prepare(a, &dir, given, reason))
            continue;
        before = snapshot(dir);
        client = tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, ROOT, NULL, NULL, 0);
        server = tlsd_test_server_ctx(GOOD_CHAIN);
        CU_ASSERT_FATAL(client != NULL && server != NULL);
        ERR_clear_error();
        /* The error names the path, and says why. */
        CU_ASSERT_EQUAL(tlsd_set_keylog_file(client, given), 0);
        CU_ASSERT(tlsd_test_take_error(TLSD_R_CANNOT_OPEN_KEYLOG, given));
        CU_ASSERT_EQUAL(tlsd_set_keylog_file(server, given), 0);
        CU_ASSERT(tlsd_test_take_error(TLSD_R_CANNOT_OPEN_KEYLOG, reason));
        /* Whatever was accepted logs this handshake. */
        CU_ASSERT(tlsd_test_handshake(client, server, "localhost", "localhost", &r));
        SSL_CTX_free(client);
        SSL_CTX_free(server);
        check_untouched(dir, before, a->name);
        free(before);
    }
}

/* tlsd_create_default_context() takes SSLKEYLOGFILE the same way. */
static void test_default_context_refuses(void)
{
    char given[PATH_LEN], reason[REASON_LEN], *before;
    const char *dir;
    SSL_CTX *ctx;

    prepare(&attacks[0], &dir, given, reason);
    before = snapshot(dir);
    CU_ASSERT_FATAL(setenv("SSLKEYLOGFILE", given, 1) == 0);
    ERR_clear_error();
    ctx = tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, ROOT, NULL, NULL, 0);
    unsetenv("SSLKEYLOGFILE");
    CU_ASSERT_PTR_NULL(ctx);
    CU_ASSERT(tlsd_test_take_error(TLSD_R_CANNOT_OPEN_KEYLOG, reason));
    SSL_CTX_free(ctx);
    check_untouched(dir, before, "tlsd_create_default_context");
    free(before);
}

/* Secrets of one handshake between a client and a server made by the
 * library, both logging to path. */
static void library_handshake_logging_to(const char *path)
{
    SSL_CTX *client = tlsd_create_default_context(TLSD_PURPOSE_SERVER_AUTH, ROOT, NULL, NULL, 0);
    SSL_CTX *server = tlsd_test_server_ctx(GOOD_CHAIN);
    tlsd_test_result r;

    CU_ASSERT_FATAL(client != NULL && server != NULL);
    CU_ASSERT(tlsd_set_keylog_file(client, path) == 1);
    CU_ASSERT(tlsd_set_keylog_file(server, path) == 1);
    CU_ASSERT(tlsd_test_handshake(client, server, "localhost", "localhost", &r));
    SSL_CTX_free(client);
    SSL_CTX_free(server);
}

static void test_library_positive_controls(void)
{
    const char *dir = new_case_dir();
    char fresh[PATH_LEN], existing[PATH_LEN];
    mode_t old_mask;

    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    snprintf(fresh, sizeof(fresh), "%s/new.log", dir);
    snprintf(existing, sizeof(existing), "%s/existing.log", dir);
    /* A new file: 0600 even under umask 0. */
    old_mask = umask(0);
    library_handshake_logging_to(fresh);
    umask(old_mask);
    CU_ASSERT_EQUAL(mode_of(fresh), 0600);
    CU_ASSERT_EQUAL(count_prefix(fresh, "# TLS secrets log file"), 1);
    CU_ASSERT_EQUAL(count_prefix(fresh, "CLIENT_TRAFFIC_SECRET_0 "), 2);
    /* An existing private file: appended to, no header. */
    CU_ASSERT_FATAL(write_file(existing, "existing line\n", 0600));
    library_handshake_logging_to(existing);
    CU_ASSERT_EQUAL(mode_of(existing), 0600);
    CU_ASSERT_EQUAL(count_prefix(existing, "existing line"), 1);
    CU_ASSERT_EQUAL(count_prefix(existing, "# TLS secrets log file"), 0);
    CU_ASSERT_EQUAL(count_prefix(existing, "CLIENT_TRAFFIC_SECRET_0 "), 2);
}

/* --- the module: KeyLog = yes and SSLKEYLOGFILE --------------------------- */

/* Loads the module with KeyLog on and SSLKEYLOGFILE=path, and runs one
 * handshake between a client and a server made under it. */
static void module_handshake_logging_to(const char *path)
{
    const char *cnf = tlsd_test_write_cnf("private-keylog", NULL, NULL, "KeyLog = yes", NULL);
    SSL_CTX *client, *server;
    tlsd_test_result r;

    CU_ASSERT_PTR_NOT_NULL_FATAL(cnf);
    CU_ASSERT_FATAL(setenv("SSLKEYLOGFILE", path, 1) == 0);
    CU_ASSERT_EQUAL_FATAL(CONF_modules_load_file(cnf, NULL, 0), 1);
    client = tlsd_test_client_ctx(ROOT);
    server = tlsd_test_server_ctx(GOOD_CHAIN);
    CU_ASSERT_FATAL(client != NULL && server != NULL);
    /* A refused key log costs neither the policy nor TLS. */
    CU_ASSERT_EQUAL(SSL_CTX_get_min_proto_version(client), TLS1_2_VERSION);
    CU_ASSERT(tlsd_test_handshake(client, server, "localhost", "localhost", &r));
    SSL_CTX_free(client);
    SSL_CTX_free(server);
    CONF_modules_unload(0);
    unsetenv("SSLKEYLOGFILE");
}

static void test_module_refuses(void)
{
    for (size_t i = 0; i < N_ATTACKS; i++) {
        char given[PATH_LEN], reason[REASON_LEN], *before;
        const char *dir;

        if (!prepare(&attacks[i], &dir, given, reason))
            continue;
        before = snapshot(dir);
        module_handshake_logging_to(given);
        check_untouched(dir, before, attacks[i].name);
        free(before);
    }
}

/* Runs this program as "--child load" with OPENSSL_CONF=cnf and the other
 * environment edits; its output in output[]. */
static int run_child(const char *cnf, const char *env1, const char *env2)
{
    char conf[PATH_LEN + 32];
    const char *argv[] = {self, "--child", "load", NULL};
    const char *envs[] = {conf, env1, env2, NULL};

    snprintf(conf, sizeof(conf), "OPENSSL_CONF=%s", cnf);
    return tlsd_test_run(argv, envs, "", output, sizeof(output), 20);
}

/* The module's debug trace says why it refused the key log. */
static void test_module_trace_says_why(void)
{
    const char *cnf = tlsd_test_write_cnf("private-keylog", NULL, NULL, "KeyLog = yes", NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(cnf);
    for (size_t i = 0; i < N_ATTACKS; i++) {
        char given[PATH_LEN], reason[REASON_LEN], env[PATH_LEN + 32], expect[PATH_LEN + 200];
        char *before;
        const char *dir;
        int status;

        if (!prepare(&attacks[i], &dir, given, reason))
            continue;
        before = snapshot(dir);
        snprintf(env, sizeof(env), "SSLKEYLOGFILE=%s", given);
        status = run_child(cnf, env, "TLSDEFAULTS_DEBUG=1");
        CU_ASSERT_EQUAL(status, 0);
        snprintf(expect, sizeof(expect), "KeyLog: cannot open %s (%s); key logging off", given, reason);
        if (strstr(output, expect) == NULL)
            fprintf(stderr, "\n  %s: no \"%s\" in the trace:\n%s\n", attacks[i].name, expect, output);
        CU_ASSERT_PTR_NOT_NULL(strstr(output, expect));
        check_untouched(dir, before, attacks[i].name);
        free(before);
    }
}

static void test_module_positive_controls(void)
{
    const char *dir = new_case_dir();
    char fresh[PATH_LEN], existing[PATH_LEN];
    mode_t old_mask;

    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    snprintf(fresh, sizeof(fresh), "%s/new.log", dir);
    snprintf(existing, sizeof(existing), "%s/existing.log", dir);
    old_mask = umask(0);
    module_handshake_logging_to(fresh);
    umask(old_mask);
    CU_ASSERT_EQUAL(mode_of(fresh), 0600);
    CU_ASSERT_EQUAL(count_prefix(fresh, "# TLS secrets log file"), 1);
    CU_ASSERT_EQUAL(count_prefix(fresh, "CLIENT_TRAFFIC_SECRET_0 "), 2);
    CU_ASSERT_FATAL(write_file(existing, "existing line\n", 0600));
    module_handshake_logging_to(existing);
    CU_ASSERT_EQUAL(mode_of(existing), 0600);
    CU_ASSERT_EQUAL(count_prefix(existing, "existing line"), 1);
    CU_ASSERT_EQUAL(count_prefix(existing, "CLIENT_TRAFFIC_SECRET_0 "), 2);
}

/* A FIFO nobody reads: opening it for writing would wait for a reader, and
 * hang the program at its first SSL_CTX_new(). In a child, with a timeout. */
static void test_fifo_without_reader_does_not_hang(void)
{
    const char *cnf = tlsd_test_write_cnf("private-keylog", NULL, NULL, "KeyLog = yes", NULL);
    const char *dir = new_case_dir();
    char fifo[PATH_LEN], env[PATH_LEN + 32];
    int status;

    CU_ASSERT_FATAL(cnf != NULL && dir != NULL);
    snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
    CU_ASSERT_FATAL(mkfifo(fifo, 0600) == 0);
    snprintf(env, sizeof(env), "SSLKEYLOGFILE=%s", fifo);
    status = run_child(cnf, env, "TLSDEFAULTS_DEBUG=1");
    if (status != 0 || strstr(output, "not a regular file") == NULL)
        fprintf(stderr, "\n  key log: exit %d:\n%s\n", status, output);
    CU_ASSERT_EQUAL(status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(output, "not a regular file"));
    snprintf(env, sizeof(env), "TLSDEFAULTS_DEBUG=%s", fifo);
    status = run_child(cnf, env, NULL);
    if (status != 0 || strstr(output, "not a regular file") == NULL)
        fprintf(stderr, "\n  debug file: exit %d:\n%s\n", status, output);
    CU_ASSERT_EQUAL(status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(output, "not a regular file"));
}

/* --- TLSDEFAULTS_DEBUG, in a child ---------------------------------------- */

static void test_debug_file_refuses(void)
{
    const char *cnf = tlsd_test_write_cnf("private-debug", NULL, NULL, NULL, NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(cnf);
    for (size_t i = 0; i < N_ATTACKS; i++) {
        char given[PATH_LEN], reason[REASON_LEN], env[PATH_LEN + 32], expect[PATH_LEN + 200];
        char *before;
        const char *dir;
        int status;

        if (!prepare(&attacks[i], &dir, given, reason))
            continue;
        before = snapshot(dir);
        snprintf(env, sizeof(env), "TLSDEFAULTS_DEBUG=%s", given);
        status = run_child(cnf, env, NULL);
        CU_ASSERT_EQUAL(status, 0);
        snprintf(expect, sizeof(expect), "TLSDEFAULTS_DEBUG: cannot use %s (%s); debug trace off",
                 given, reason);
        if (strstr(output, expect) == NULL)
            fprintf(stderr, "\n  %s: no \"%s\" on stderr:\n%s\n", attacks[i].name, expect, output);
        CU_ASSERT_PTR_NOT_NULL(strstr(output, expect));
        /* One line, and no trace after it. */
        CU_ASSERT_PTR_NULL(strstr(output, "effective policy"));
        check_untouched(dir, before, attacks[i].name);
        free(before);
    }
}

static void test_debug_file_positive_controls(void)
{
    const char *cnf = tlsd_test_write_cnf("private-debug", NULL, NULL, NULL, NULL);
    const char *dir = new_case_dir();
    char fresh[PATH_LEN], existing[PATH_LEN], env[PATH_LEN + 32];
    mode_t old_mask;

    CU_ASSERT_FATAL(cnf != NULL && dir != NULL);
    snprintf(fresh, sizeof(fresh), "%s/new-debug.log", dir);
    snprintf(existing, sizeof(existing), "%s/existing-debug.log", dir);
    snprintf(env, sizeof(env), "TLSDEFAULTS_DEBUG=%s", fresh);
    old_mask = umask(0); /* the child inherits it */
    CU_ASSERT_EQUAL(run_child(cnf, env, NULL), 0);
    umask(old_mask);
    CU_ASSERT_EQUAL(mode_of(fresh), 0600);
    CU_ASSERT(count_prefix(fresh, "tlsdefaults[") > 0);
    CU_ASSERT_FATAL(write_file(existing, "existing line\n", 0600));
    snprintf(env, sizeof(env), "TLSDEFAULTS_DEBUG=%s", existing);
    CU_ASSERT_EQUAL(run_child(cnf, env, NULL), 0);
    CU_ASSERT_EQUAL(mode_of(existing), 0600);
    CU_ASSERT_EQUAL(count_prefix(existing, "existing line"), 1);
    CU_ASSERT(count_prefix(existing, "tlsdefaults[") > 0);
}

/* The child: loads OPENSSL_CONF (and the module) with its first context. */
static int child(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    if (ctx == NULL) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    SSL_CTX_free(ctx);
    return 0;
}

int main(int argc, char **argv)
{
    CU_TestInfo tests[] = {
        {"tlsd_set_keylog_file refuses each attack", test_library_refuses},
        {"tlsd_create_default_context refuses SSLKEYLOGFILE", test_default_context_refuses},
        {"tlsd_set_keylog_file: new file 0600, existing appended", test_library_positive_controls},
        {"module KeyLog refuses each attack", test_module_refuses},
        {"module KeyLog: the trace says why", test_module_trace_says_why},
        {"module KeyLog: new file 0600, existing appended", test_module_positive_controls},
        {"a FIFO without a reader does not hang", test_fifo_without_reader_does_not_hang},
        {"TLSDEFAULTS_DEBUG refuses each attack", test_debug_file_refuses},
        {"TLSDEFAULTS_DEBUG: new file 0600, existing appended", test_debug_file_positive_controls},
        CU_TEST_INFO_NULL,
    };

    if (argc == 3 && strcmp(argv[1], "--child") == 0 && strcmp(argv[2], "load") == 0)
        return child();
    self = argv[0];
    /* This process loads configurations by hand only. */
    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    return tlsd_test_main("key log and debug files", suite_init, suite_cleanup, tests);
}
