/* SPDX-License-Identifier: Apache-2.0 */
/* Named profiles: each is a list of settings in the configuration's own key
 * language, so a profile is data and goes through the same parser.
 *
 * A frozen profile carries a date or a version in its name and never
 * changes its effect once released (its inspector output is a golden per
 * OpenSSL version, tests/golden/). A moving name points at a frozen one and
 * follows the newest; system alone is data of its own that moves with
 * OpenSSL's DEFAULT. */
#ifndef TLSD_PROFILE_H
#define TLSD_PROFILE_H

#include <stddef.h>

typedef struct {
    const char *key;
    const char *value;
} tlsd_setting;

typedef struct {
    const char *name;
    const char *target;      /* a moving name: the profile it points at */
    const char *frozen_on;   /* a frozen profile: the day its effect was fixed */
    const char *source;      /* where its data comes from */
    const char *description; /* one line */
    const tlsd_setting *settings;
    size_t count;
} tlsd_profile;

/* An item of a profile's value that an older OpenSSL does not have: the
 * profile leaves it out there (never a load failure), and says so. */
typedef struct {
    const char *key;  /* "Groups" */
    const char *item; /* "X25519MLKEM768" */
    unsigned long since; /* the first OpenSSL with it (OPENSSL_VERSION_NUMBER) */
    const char *since_text; /* "3.5" */
} tlsd_profile_gate;

/* The profile called name (any case), or NULL. */
const tlsd_profile *tlsd_profile_find(const char *name);

/* The profile whose settings name stands for: its target when it moves,
 * itself otherwise. */
const tlsd_profile *tlsd_profile_data(const tlsd_profile *profile);

/* Every profile, in the order listed: NULL past the last. */
const tlsd_profile *tlsd_profile_at(size_t i);

/* "python, python-3.13, ...": for error messages. */
void tlsd_profile_names(char *buf, size_t cap);

/* The value of s for the running OpenSSL, into buf: s->value without the
 * items this OpenSSL lacks. Each item left out is stored in left_out[] (up
 * to cap_left entries; *n_left counts them all). 0 when buf is too small. */
int tlsd_profile_value(const tlsd_setting *s, char *buf, size_t cap,
                       const tlsd_profile_gate **left_out, size_t cap_left, size_t *n_left);

#endif
