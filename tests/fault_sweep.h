/* SPDX-License-Identifier: Apache-2.0 */
/* The allocation-failure sweep (issue 26): what one faulted run does
 * (fault_scenario.c) and what the driver (fault_sweep.c) shares with it. */
#ifndef TLSD_FAULT_SWEEP_H
#define TLSD_FAULT_SWEEP_H

#include <openssl/ssl.h>

/* One configuration swept: its module section and what the careless
 * client does against it. */
typedef struct {
    const char *name;
    const char *default_lines; /* the default section ("config_diagnostics = 1") */
    const char *keys;          /* the module's section; %s: the certificate directory */
    const char *extra;         /* more sections (Programs) */
    int enforce;               /* the client lowers its own floor: Enforce must hold it */
    int diagnostics;           /* config_diagnostics = 1: a failed load stops the program */
} tlsd_sweep_config;

/* Made before the fault is armed, without the module: they are what they
 * are whatever the policy. */
typedef struct {
    SSL_CTX *weak_version; /* TLS 1.1 only, a certificate the policy trusts */
    SSL_CTX *weak_cert;    /* TLS 1.3, a self-signed certificate */
    SSL_CTX *good;         /* TLS 1.3, a chain to the trusted root */
} tlsd_sweep_servers;

/* The steps of the scenario (tlsd_sweep_step). */
#define TLSD_SWEEP_CHECKPOINTS 7

/* What a child leaves for the driver, in memory shared across fork. */
typedef struct {
    long allocations; /* counted from the load to the end */
    long at_checkpoint[8]; /* allocations counted before each step of the scenario */
    int hit_step;     /* the step in which the failure happened, or -1 */
    int module_called;
} tlsd_sweep_slot;

/* The steps, in order; the figures count failures by step. */
enum { TLSD_SWEEP_LOAD, TLSD_SWEEP_CONTEXT, TLSD_SWEEP_RELOAD, TLSD_SWEEP_CONTEXT2,
       TLSD_SWEEP_UNLOAD, TLSD_SWEEP_STEPS };

/* A child's exit status: its outcome. Others (a signal, glibc's 127 for
 * thread-local storage it could not allocate, a sanitizer's status) are the
 * driver's to classify. */
enum {
    TLSD_SWEEP_HELD = 10,        /* weak servers refused, the good one accepted */
    TLSD_SWEEP_LOAD_FAILED,      /* config_diagnostics: the load failed, the program stops */
    TLSD_SWEEP_REFUSED,          /* weak refused, the good one refused by the module */
    TLSD_SWEEP_ERROR,            /* weak refused, something failed with an error */
    TLSD_SWEEP_BELOW_POLICY,     /* the module was called, a weak server got through */
    TLSD_SWEEP_WITHOUT_MODULE,   /* OpenSSL went on without calling the module */
    TLSD_SWEEP_SETUP_FAILED,     /* the child could not start its run */
    TLSD_SWEEP_NOT_REACHED,      /* (driver) the run made fewer allocations than N */
};

/* The scenario, in steps, so that the driver can run the steps before a
 * fault once and fork the runs from there (the state lives on in the
 * child). Between begin and end, the fault (fail_alloc.h) is armed. */
typedef struct {
    const tlsd_sweep_config *c;
    const char *cnf;
    const tlsd_sweep_servers *s;
    tlsd_sweep_slot *slot;
    int stopped;      /* config_diagnostics, and the load failed */
    int weak_through; /* a weak server's handshake completed */
    int outcome;
    SSL_CTX *ctx;
} tlsd_sweep_state;

void tlsd_sweep_begin(tlsd_sweep_state *st, const tlsd_sweep_config *c, const char *cnf,
                      const tlsd_sweep_servers *s, tlsd_sweep_slot *slot);
void tlsd_sweep_step(tlsd_sweep_state *st, int step); /* 0 to TLSD_SWEEP_CHECKPOINTS - 1 */
/* The exit status of the run. */
int tlsd_sweep_end(tlsd_sweep_state *st);

/* The probes the scenario needs, resolved before any fault (dlsym
 * allocates). 1 on success. */
int tlsd_sweep_probes_init(const char *module_path);

#endif
