/* SPDX-License-Identifier: Apache-2.0 */
/* The inspector's one record of a run: what the configuration holds, what
 * OpenSSL made of it, the verdict, and the rows shown for each context.
 * Each step of tlsdefaults-info fills its part, in this order:
 *   profile_inspection.c  or, with --profile NAME, that profile alone
 *   config_scan.c      read the configuration: the module's section,
 *                      system_default, OpenSSL's errors
 *   program_warning.c  --program NAME that names another executable
 *   verdict.c          load it as a program would, and say what programs get
 *   inspection_rows.c  the rows of a client and a server context
 *   inspector.c        main: the steps in order
 *   inspection_text.c, inspection_json.c  print it */
#ifndef TLSD_INSPECTION_H
#define TLSD_INSPECTION_H

#include <limits.h>

#include <openssl/conf.h>
#include <openssl/ssl.h>

#include "policy.h"
#include "program.h"

enum { STATUS_OK = 0, STATUS_BROKEN = 1, STATUS_NOT_LOADED = 2, STATUS_NO_POLICY = 3 };

typedef struct {
    const char *name;
    char value[4096];
    char origin[512];
} row;

#define MAX_ROWS 20

struct inspection_rows;

typedef struct {
    const char *config;
    const char *program;   /* --program NAME, or NULL */
    const char *profile;   /* --profile NAME: that profile, no configuration */
    tlsd_program prog;
    CONF *cnf;
    char *module_section;  /* the last tlsdefaults section, NULL if none */
    char module_dso[PATH_MAX]; /* the file OpenSSL loads for it */
    char *system_default;  /* ssl_conf's system_default section, NULL if none */
    tlsd_policy *policy;   /* NULL when not configured or broken */
    int status;
    char module_file[PATH_MAX]; /* where a new context's security callback is, if ours */
    char verdict[1024];    /* what programs using the configuration get */
    char warning[4096];    /* --program NAME is not what the command NAME runs */
    char groups[1024];     /* what a new client context offers */
    char errors[4096];
    const struct inspection_rows *candidate_rows; /* the Candidate's, if any */
    const char *peer;      /* --peer NAME|ADDRESS, or NULL */
    int peer_index;        /* the Peers entry it gets, or -1 */
    const struct inspection_rows *peer_rows; /* that entry's client rows, if any */
} inspection;

/* The rows of both contexts, as printed. */
typedef struct inspection_rows {
    row client[MAX_ROWS], server[MAX_ROWS];
    int n_client, n_server;
} inspection_rows;

/* candidate_rows.c: the rows of the policy's Candidate, if it has one,
 * from base contexts made before the configuration was loaded (taken).
 * 1 when rows were made. */
int tlsd_candidate_rows_build(const inspection *in, SSL_CTX *base[2], inspection_rows *rows);

/* peer_rows.c: --peer: the Peers entry of in->policy a client connection
 * to in->peer gets (in->peer_index), and its client rows, from base
 * contexts made before the configuration was loaded (taken). 1 when an
 * entry matched and rows were made. */
int tlsd_peer_rows_build(inspection *in, SSL_CTX *base[2], inspection_rows *rows);

/* config_scan.c: OpenSSL's errors into in->errors, each once. */
void tlsd_config_scan_errors(inspection *in);
/* The value of key in section, without case as ssl_conf compares; or NULL. */
const char *tlsd_config_scan_value(CONF *cnf, const char *section, const char *key);
/* A file of this project: the module, the library or the module's entry
 * points beside it. */
int tlsd_config_scan_is_ours(const char *file);
/* The module's section in effect and system_default, into in. */
void tlsd_config_scan_sections(inspection *in);

/* program_warning.c: in->warning when --program NAME runs another file. */
void tlsd_program_warning_check(inspection *in);

/* verdict.c: loads in->config as a program would; *client and *server
 * get new contexts (or NULL); in->status and in->verdict say the rest. */
void tlsd_verdict_inspect(inspection *in, SSL_CTX *before, SSL_CTX **client, SSL_CTX **server);
/* "ok", "broken", "module not loaded", "no policy". */
const char *tlsd_verdict_status_name(int status);

/* profile_inspection.c: --profile NAME. in->policy from that profile
 * alone; program_ctx[] get new contexts that no module hook ran on, for
 * tlsd_inspection_rows_build() to give the policy (ctx[] stay NULL). */
void tlsd_profile_inspection_load(inspection *in, SSL_CTX *program_ctx[2]);
/* A name that is no profile: says so on stderr, with the profiles there
 * are (and, for a side of --diff, that no such file exists); returns 64. */
int tlsd_profile_inspection_unknown(const char *name, const char *option, int or_file);

/* inspection_rows.c: the rows of the contexts a program gets (with
 * --program, those of program_ctx, given that program's policy; with
 * --profile, given the profile's). Takes the contexts: ctx[] and
 * program_ctx[] are left holding what to free. */
void tlsd_inspection_rows_build(inspection *in, SSL_CTX *ctx[2], SSL_CTX *program_ctx[2],
                                inspection_rows *rows);

/* The rows of another policy of the configuration (a Candidate, a Peers
 * entry), named label, from base contexts made before the configuration
 * was loaded (taken), as --profile gives a profile to them. */
void tlsd_inspection_rows_of_policy(const inspection *in, const tlsd_policy *p, const char *label,
                                    SSL_CTX *base[2], inspection_rows *rows);

/* inspection_text.c and inspection_json.c: the whole inspection, to stdout. */
void tlsd_inspection_text_print(const inspection *in, const inspection_rows *rows);
void tlsd_inspection_json_print(const inspection *in, const inspection_rows *rows);


#endif
