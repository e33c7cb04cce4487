/* SPDX-License-Identifier: Apache-2.0 */
/* The allocation-failure sweep (issue 26): for each configuration of the
 * list, one run counts the allocations from the configuration load to the
 * unload (fault_scenario.c), then each allocation in turn fails once, in
 * a child process of its own with a time limit, and the child's end is
 * classified. Failures: a handshake below the policy once OpenSSL called
 * the module, a crash, an abort, a hang, or any other end (a sanitizer's
 * report). docs/hardening.md has the figures and how to reproduce them.
 *
 *   tlsd-fault-sweep [--full | --sample K] [--config NAME] [--nth N] [-j J]
 *
 * --sample K (the default, K = 120): K allocations spread over each
 * configuration's count; --full: every one; --nth N: that one only, its
 * output shown. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "fail_alloc.h"
#include "fault_sweep.h"
#include "test_certs.h"
#include "test_config.h"
#include "test_handshake.h"

#define TIMEOUT_S 30
#define MAX_JOBS 16

/* The configurations swept; the last two have the keys that make state
 * of their own: a Candidate (issue 23), Inventory (issue 25), Peers
 * (issue 24). */
static const tlsd_sweep_config configs[] = {
    {"defaults", NULL, "TrustStore = %s/root.pem", NULL, 0, 0},
    {"all-keys", NULL,
     "Enforce = yes\nKeyLog = yes\nAudit = HostnameCheck\nAuditLog = %s/audit.log\n"
     "TrustStore = %s/root.pem\nPrograms = sweep_programs",
     "[sweep_programs]\nnginx = sweep_nginx\ntlsd-fault-sweep = sweep_self\n"
     "[sweep_nginx]\nMinProtocol = TLSv1.3\n[sweep_self]\nCipherString = HIGH:!aNULL\n",
     1, 0},
    {"all-keys-diagnostics", "config_diagnostics = 1",
     "Enforce = yes\nKeyLog = yes\nAudit = HostnameCheck\nAuditLog = %s/audit.log\n"
     "TrustStore = %s/root.pem\nPrograms = sweep_programs",
     "[sweep_programs]\nnginx = sweep_nginx\ntlsd-fault-sweep = sweep_self\n"
     "[sweep_nginx]\nMinProtocol = TLSv1.3\n[sweep_self]\nCipherString = HIGH:!aNULL\n",
     1, 1},
    {"candidate-inventory", NULL,
     "Enforce = yes\nAudit = HostnameCheck\nInventory = yes\nAuditLog = %s/audit.log\n"
     "TrustStore = %s/root.pem\nCandidate = sweep_next\nPrograms = sweep_programs",
     "[sweep_programs]\nnginx = sweep_nginx\n[sweep_nginx]\nCandidate = sweep_next\n"
     "[sweep_next]\nProfile = strict\nGroups = X25519:P-256\n",
     1, 0},
    /* Peers (issue 24): the sweep's client names localhost, so its entry is
     * chosen and put on every connection; it lowers nothing. */
    {"peers", NULL,
     "Enforce = yes\nTrustStore = %s/root.pem\nPeers = sweep_peers\nInventory = yes\nAuditLog = %s/audit.log",
     "[sweep_peers]\nlocalhost = sweep_local\n127.0.0.0/8 = sweep_net\n*.example = sweep_net\n"
     "[sweep_local]\nCiphersuites = TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256\n"
     "VerifyFlags = -TrustedFirst\nHostFlags = NoPartialWildcards\n"
     "[sweep_net]\nVerifyPeer = force\n",
     1, 0},
};
#define NCONFIGS (sizeof(configs) / sizeof(configs[0]))

/* The classes of the figures: the children's exit statuses, then the
 * driver's own. */
enum { C_HELD, C_LOAD_FAILED, C_REFUSED, C_ERROR, C_WITHOUT_MODULE, C_NOT_REACHED,
       C_BELOW_POLICY, C_CRASH, C_ABORT, C_HANG, C_OTHER, C_SETUP, NCLASSES };
static const char *const class_names[NCLASSES] = {
    "held (weak refused, good accepted)", "load failed (config_diagnostics)",
    "refused by the module", "failed with an error", "OpenSSL went on without the module",
    "failure not reached", "BELOW POLICY", "CRASH", "ABORT", "HANG",
    "OTHER EXIT (sanitizer?)", "SETUP FAILED"};
static const char *const step_names[TLSD_SWEEP_STEPS] = {"load", "first context",
                                                         "reload", "second context", "unload"};

typedef struct {
    long runs, by_class[NCLASSES], by_step[TLSD_SWEEP_STEPS];
    int printed;
} figures;

static tlsd_sweep_servers servers;
static tlsd_sweep_slot *slots; /* shared with the children; the last: checkpoints' */
static figures *figs;          /* shared: checkpoint processes record */
static int jobs = 2, verbose_nth;

static int is_failure(int class)
{
    return class >= C_BELOW_POLICY;
}

static int class_of(int status, const tlsd_sweep_slot *slot, long nth, const char *err)
{
    if (WIFSIGNALED(status))
        return WTERMSIG(status) == SIGALRM ? C_HANG : WTERMSIG(status) == SIGABRT ? C_ABORT : C_CRASH;
    if (!WIFEXITED(status))
        return C_OTHER;
    /* glibc ends a process whose thread-local storage it cannot allocate
     * with _exit(127). */
    if (WEXITSTATUS(status) == 127 && strstr(err, "thread-local") != NULL)
        return C_ABORT;
    if (nth > 0 && slot->hit_step < 0 && WEXITSTATUS(status) != TLSD_SWEEP_BELOW_POLICY)
        return C_NOT_REACHED;
    switch (WEXITSTATUS(status)) {
    case TLSD_SWEEP_HELD: return C_HELD;
    case TLSD_SWEEP_LOAD_FAILED: return C_LOAD_FAILED;
    case TLSD_SWEEP_REFUSED: return C_REFUSED;
    case TLSD_SWEEP_ERROR: return C_ERROR;
    case TLSD_SWEEP_BELOW_POLICY: return C_BELOW_POLICY;
    case TLSD_SWEEP_WITHOUT_MODULE: return C_WITHOUT_MODULE;
    case TLSD_SWEEP_SETUP_FAILED: return C_SETUP;
    default: return C_OTHER;
    }
}

static const char *err_path(int slot)
{
    static char path[16][4200];

    snprintf(path[slot], sizeof(path[slot]), "%s/sweep-%d.err", tlsd_test_certs_dir(), slot);
    return path[slot];
}

static void read_err(int slot, char *buf, size_t cap)
{
    FILE *f = fopen(err_path(slot), "r");
    size_t n = f != NULL ? fread(buf, 1, cap - 1, f) : 0;

    buf[n] = '\0';
    if (f != NULL)
        fclose(f);
}

/* In a checkpoint process: the scenario after the steps before its
 * checkpoint, run once with the allocations counted; every run forked
 * from it goes on from there. */
static tlsd_sweep_state state;
static int checkpoint;

static void redirect_output(int slot)
{
    int fd = open(err_path(slot), O_WRONLY | O_CREAT | O_TRUNC, 0600);

    if (fd < 0 || dup2(fd, 2) < 0)
        _exit(TLSD_SWEEP_SETUP_FAILED);
    close(fd);
    if ((fd = open("/dev/null", O_WRONLY)) >= 0)
        dup2(fd, 1);
}

static pid_t start_run(long nth, int slot)
{
    pid_t pid = fork();
    int status;

    if (pid != 0)
        return pid;
    if (!verbose_nth)
        redirect_output(slot);
    alarm(TIMEOUT_S);
    tlsd_fail_alloc_pause(0);
    state.slot = &slots[slot];
    slots[slot].hit_step = -1;
    tlsd_fail_alloc_fail_at(nth);
    for (int k = checkpoint; k < TLSD_SWEEP_CHECKPOINTS; k++)
        tlsd_sweep_step(&state, k);
    status = tlsd_sweep_end(&state);
    /* LeakSanitizer checks at exit(); without it, the clean-up at exit is
     * not what is swept (the fault is disarmed by then). */
    if (!tlsd_fail_alloc_under_asan())
        _exit(status);
    exit(status);
}

static void record(figures *f, const tlsd_sweep_config *c, long nth, int status, int slot)
{
    char err[600];
    int class;

    read_err(slot, err, sizeof(err));
    class = class_of(status, &slots[slot], nth, err);
    f->runs++;
    f->by_class[class]++;
    if (slots[slot].hit_step >= 0)
        f->by_step[slots[slot].hit_step]++;
    if (is_failure(class) && f->printed++ < 10)
        fprintf(stderr, "FAIL %s, allocation %ld (in the %s): %s\n  reproduce: tlsd-fault-sweep "
                        "--config %s --nth %ld\n  %s\n", c->name, nth,
                slots[slot].hit_step >= 0 ? step_names[slots[slot].hit_step] : "?",
                class_names[class], c->name, nth, err);
}

/* Runs nths[0..count) from the state, jobs at a time. */
static void run_all(figures *f, const tlsd_sweep_config *c, const long *nths, long count)
{
    pid_t pids[MAX_JOBS] = {0};
    long at[MAX_JOBS], next = 0, running = 0;
    int status;

    while (next < count || running > 0) {
        for (int s = 0; s < jobs && next < count; s++) {
            if (pids[s] != 0)
                continue;
            at[s] = nths[next++];
            if ((pids[s] = start_run(at[s], s)) < 0) {
                perror("fork");
                _exit(2);
            }
            running++;
        }
        pid_t pid = waitpid(-1, &status, 0);

        for (int s = 0; s < jobs && pid > 0; s++) {
            if (pids[s] == pid) {
                record(f, c, at[s], status, s);
                pids[s] = 0;
                running--;
            }
        }
    }
}

/* A checkpoint process: steps 0..k-1 with the allocations counted (no
 * fault), then the runs of nths[0..count) forked from there. */
static void run_from(figures *f, const tlsd_sweep_config *c, const char *cnf, int k,
                     const long *nths, long count)
{
    pid_t pid;
    int status;

    if (count == 0)
        return;
    if ((pid = fork()) < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        setenv("TLSD_TEST_KEEP", "1", 1); /* the driver removes the directory */
        tlsd_sweep_begin(&state, c, cnf, &servers, &slots[MAX_JOBS]);
        tlsd_fail_alloc_arm(0);
        for (checkpoint = 0; checkpoint < k; checkpoint++)
            tlsd_sweep_step(&state, checkpoint);
        /* What this process allocates from now on (forks, records) is not
         * the scenario's: each run starts from this count. */
        tlsd_fail_alloc_pause(1);
        run_all(f, c, nths, count);
        _exit(0);
    }
    waitpid(pid, &status, 0);
}

/* One unfaulted run: its outcome, and the allocations before each step
 * (in slots[0]). */
static int count_run(const tlsd_sweep_config *c, const char *cnf, long *allocations)
{
    long zero = 0;

    memset(figs, 0, sizeof(*figs));
    run_from(figs, c, cnf, 0, &zero, 1);
    *allocations = slots[0].allocations;
    slots[0].at_checkpoint[TLSD_SWEEP_CHECKPOINTS] = slots[0].allocations;
    for (int k = 0; k < NCLASSES; k++)
        if (figs->by_class[k] != 0)
            return k;
    return C_SETUP;
}

static const char *write_cnf(const tlsd_sweep_config *c)
{
    static char keys[2048];
    const char *dir = tlsd_test_certs_dir();

    snprintf(keys, sizeof(keys), c->keys, dir, dir);
    return tlsd_test_write_cnf(c->name, c->default_lines, NULL, keys, c->extra);
}

static void print_figures(const tlsd_sweep_config *c, long allocations, const long *at,
                          const figures *f)
{
    printf("%s: %ld allocations from the load to the unload (before each step:", c->name,
           allocations);
    for (int k = 0; k < TLSD_SWEEP_CHECKPOINTS; k++)
        printf(" %ld", at[k]);
    printf("), %ld runs\n", f->runs);
    for (int k = 0; k < NCLASSES; k++)
        if (f->by_class[k] != 0 || is_failure(k))
            printf("  %-40s %6ld\n", class_names[k], f->by_class[k]);
    printf("  failed allocation in the:");
    for (int s = 0; s < TLSD_SWEEP_STEPS; s++)
        printf(" %s %ld%s", step_names[s], f->by_step[s], s + 1 < TLSD_SWEEP_STEPS ? "," : "\n");
}

/* The allocations to fail, in order: all, or sample of them spread over
 * the count, or only one. Returns how many (in *nths, to free). */
static long choose(long allocations, long sample, long only, long **nths)
{
    long count = 0;

    if ((*nths = calloc((size_t)allocations + 2, sizeof(**nths))) == NULL)
        return 0;
    if (only > 0)
        (*nths)[count++] = only;
    else if (sample == 0 || sample >= allocations)
        for (long n = 1; n <= allocations; n++)
            (*nths)[count++] = n;
    else
        for (long k = 0; k < sample; k++)
            (*nths)[count++] = 1 + k * allocations / sample + (k * 7919) % (allocations / sample);
    return count;
}

/* Sweeps c: 1 when no run failed. sample 0: every allocation. Each run is
 * forked from the checkpoint before the step its allocation falls in. */
static int sweep(const tlsd_sweep_config *c, long sample, long only)
{
    char cnf[4200];
    long allocations, count, *nths, at[TLSD_SWEEP_CHECKPOINTS + 1], first = 0;
    int held, failures = 0;

    snprintf(cnf, sizeof(cnf), "%s", write_cnf(c));
    held = count_run(c, cnf, &allocations);
    if (held != C_HELD) {
        printf("%s: the run without a fault ends \"%s\", not \"%s\"\n", c->name,
               class_names[held], class_names[C_HELD]);
        return 0;
    }
    memcpy(at, slots[0].at_checkpoint, sizeof(at));
    count = choose(allocations, sample, only, &nths);
    memset(figs, 0, sizeof(*figs));
    for (int k = 0; k < TLSD_SWEEP_CHECKPOINTS; k++) {
        long last = first;

        while (last < count && nths[last] <= at[k + 1])
            last++;
        if (k == TLSD_SWEEP_CHECKPOINTS - 1)
            last = count; /* and any beyond the count: not reached */
        run_from(figs, c, cnf, k, nths + first, last - first);
        first = last;
    }
    free(nths);
    print_figures(c, allocations, at, figs);
    for (int k = 0; k < NCLASSES; k++)
        if (is_failure(k))
            failures += (int)figs->by_class[k];
    return failures == 0;
}

/* The oracle's negative control: without the module, the careless client
 * gets through both weak servers. */
static int weak_servers_are_weak(void)
{
    static const tlsd_sweep_config none = {"no-module", NULL, "", NULL, 1, 0};
    char cnf[4200];
    long allocations;
    int class;
    FILE *f;

    snprintf(cnf, sizeof(cnf), "%s/no-module.cnf", tlsd_test_certs_dir());
    if ((f = fopen(cnf, "w")) == NULL || fclose(f) != 0)
        return 0;
    if ((class = count_run(&none, cnf, &allocations)) == C_WITHOUT_MODULE)
        return 1;
    fprintf(stderr, "without the module, the run ends \"%s\"\n", class_names[class]);
    return 0;
}

static int make_servers(void)
{
    servers.weak_version = tlsd_test_server_ctx(tlsd_test_cert_path("leaf-chain.pem"));
    servers.weak_cert = tlsd_test_server_ctx(tlsd_test_cert_path("selfsigned.pem"));
    servers.good = tlsd_test_server_ctx(tlsd_test_cert_path("leaf-chain.pem"));
    if (servers.weak_version == NULL || servers.weak_cert == NULL || servers.good == NULL)
        return 0;
    SSL_CTX_set_security_level(servers.weak_version, 0);
    return SSL_CTX_set_max_proto_version(servers.weak_version, TLS1_1_VERSION);
}

static int setup(void)
{
    char keylog[4200];

    /* No configuration of the machine's: the children load theirs. */
    if (!OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) || tlsd_test_certs_dir() == NULL)
        return 0;
    snprintf(keylog, sizeof(keylog), "%s/keys.log", tlsd_test_certs_dir());
    setenv("SSLKEYLOGFILE", keylog, 1);
    slots = mmap(NULL, sizeof(*slots) * (MAX_JOBS + 1), PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    figs = mmap(NULL, sizeof(*figs), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return slots != MAP_FAILED && figs != MAP_FAILED && make_servers()
           && tlsd_sweep_probes_init(TLSD_MODULE_PATH);
}

/* TLSD_SWEEP_INPROCESS=1 --config NAME --nth N: that run in this process,
 * for a debugger. Returns its exit status. */
static int in_process(const char *name, long nth)
{
    for (size_t i = 0; i < NCONFIGS; i++) {
        if (strcmp(name, configs[i].name) != 0)
            continue;
        tlsd_sweep_begin(&state, &configs[i], write_cnf(&configs[i]), &servers, &slots[0]);
        tlsd_fail_alloc_arm(nth);
        for (int k = 0; k < TLSD_SWEEP_CHECKPOINTS; k++)
            tlsd_sweep_step(&state, k);
        return tlsd_sweep_end(&state);
    }
    return 2;
}

int main(int argc, char **argv)
{
    long sample = 120, only = 0;
    const char *name = NULL;
    int passed = 0, failed = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--full") == 0)
            sample = 0;
        else if (strcmp(argv[i], "--sample") == 0 && i + 1 < argc)
            sample = atol(argv[++i]);
        else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (strcmp(argv[i], "--nth") == 0 && i + 1 < argc)
            only = atol(argv[++i]), verbose_nth = 1, jobs = 1;
        else if (strcmp(argv[i], "-j") == 0 && i + 1 < argc)
            jobs = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: %s [--full | --sample K] [--config NAME] [--nth N] [-j J]\n",
                    argv[0]);
            return 2;
        }
    }
    jobs = jobs < 1 ? 1 : jobs > MAX_JOBS ? MAX_JOBS : jobs;
    if (!setup() || !weak_servers_are_weak()) {
        fprintf(stderr, "fault sweep: setup failed, or the weak servers are not weak\n");
        ERR_print_errors_fp(stderr);
        return 1;
    }
    if (getenv("TLSD_SWEEP_INPROCESS") != NULL && name != NULL && only > 0)
        return in_process(name, only);
    for (size_t i = 0; i < NCONFIGS; i++) {
        if (name != NULL && strcmp(name, configs[i].name) != 0)
            continue;
        if (sweep(&configs[i], sample, only)) {
            passed++;
        } else {
            failed++;
            printf("FAIL: %s\n", configs[i].name);
        }
        fflush(stdout);
    }
    printf("fault sweep: %d passed, %d failed, 0 skipped\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
