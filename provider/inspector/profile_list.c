/* SPDX-License-Identifier: Apache-2.0 */
/* tlsdefaults-info --profiles: every profile, frozen or moving (and where
 * it points), with its one-line description; the engine's table is the
 * one source (profile.c). */
#include "profile_list.h"

#include <stdio.h>

#include "json_output.h"
#include "profile.h"

/* "frozen 2026-12-02", "moving -> python-3.13", "moving". */
static void kind_of(const tlsd_profile *p, char *buf, size_t cap)
{
    if (p->frozen_on != NULL)
        snprintf(buf, cap, "frozen %s", p->frozen_on);
    else if (p->target != NULL)
        snprintf(buf, cap, "moving -> %s", p->target);
    else
        snprintf(buf, cap, "moving");
}

static int print_text(FILE *out)
{
    const tlsd_profile *p;
    char kind[128];

    for (size_t i = 0; (p = tlsd_profile_at(i)) != NULL; i++) {
        kind_of(p, kind, sizeof(kind));
        fprintf(out, "%-26s %-36s %s\n", p->name, kind, p->description);
    }
    return 0;
}

static json_t *text_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

static int print_json(FILE *out)
{
    json_t *list = json_array(), *top = json_object();
    const tlsd_profile *p;
    int ok = list != NULL && top != NULL;

    for (size_t i = 0; ok && (p = tlsd_profile_at(i)) != NULL; i++) {
        json_t *one = json_object();

        ok = one != NULL && json_array_append_new(list, one) == 0;
        ok = ok && json_object_set_new(one, "name", json_string(p->name)) == 0
             && json_object_set_new(one, "frozen", json_boolean(p->frozen_on != NULL)) == 0
             && json_object_set_new(one, "frozen_on", text_or_null(p->frozen_on)) == 0
             && json_object_set_new(one, "target", text_or_null(p->target)) == 0
             && json_object_set_new(one, "source", text_or_null(p->source)) == 0
             && json_object_set_new(one, "description", json_string(p->description)) == 0;
    }
    ok = ok && json_object_set_new(top, "profiles", list) == 0;
    if (!ok && top == NULL)
        json_decref(list);
    ok = ok && tlsd_json_output_dump(top, out);
    json_decref(top);
    if (!ok)
        fprintf(stderr, "tlsdefaults-info: cannot write the profile list\n");
    return ok ? 0 : 1;
}

int tlsd_profile_list_print(FILE *out, int json)
{
    return json ? print_json(out) : print_text(out);
}
