/* SPDX-License-Identifier: Apache-2.0 */
/* Named profiles: each is a list of settings in the configuration's own key
 * language, so a profile is data and goes through the same parser. */
#ifndef TLSD_PROFILE_H
#define TLSD_PROFILE_H

#include <stddef.h>

typedef struct {
    const char *key;
    const char *value;
} tlsd_setting;

typedef struct {
    const char *name;
    const tlsd_setting *settings;
    size_t count;
} tlsd_profile;

/* The profile called name (any case), or NULL. */
const tlsd_profile *tlsd_profile_find(const char *name);

/* "python, system, strict": for error messages and docs. */
const char *tlsd_profile_names(void);

#endif
