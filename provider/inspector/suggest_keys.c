/* SPDX-License-Identifier: Apache-2.0 */
#include "suggest_keys.h"

#include <stdlib.h>
#include <string.h>

#include "log_lines.h"
#include "policy.h"
#include "suggest_config.h"

#define LIST_MAX 4096

/* The keys that let a refusal through, by its reason (audit_record.c). */
enum { K_VERIFY_NO = 1, K_HOSTNAME_NO = 2, K_HOSTNAME_YES = 4, K_FLAGS_STRICT = 8,
       K_FLAGS_CRL = 16, K_FLAGS_POLICY = 32, K_ENFORCE_NO = 64 };
#define K_FLAGS (K_FLAGS_STRICT | K_FLAGS_CRL | K_FLAGS_POLICY)

static const char *const versions[] = {"SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};
#define TLS12 3

typedef struct {
    tlsd_suggest_need *n;
    const tlsd_audit_line *f;
} reason_arg;

int tlsd_suggest_keys_plain(const char *s, int dots)
{
    return tlsd_log_lines_all_of(s, strlen(s), dots ? TLSD_SUGGEST_KEYS_NAME_CHARS "." : TLSD_SUGGEST_KEYS_NAME_CHARS);
}

static int ends(const char *s, size_t len, const char *tail)
{
    size_t t = strlen(tail);

    return len >= t && strncmp(s + len - t, tail, t) == 0;
}

/* X509 errors of CRLs (3, 5, 8, 11, 12, 15, 16, 23, 33, 44, 53, 54) and of
 * certificate policies (42, 43): what VerifyFlags' CRL and policy flags
 * refuse; the rest X509Strict's. */
static unsigned flags_for(const tlsd_audit_line *f)
{
    static const int crl[] = {3, 5, 8, 11, 12, 15, 16, 23, 33, 44, 53, 54};
    int e = f->value[TLSD_AUDIT_LINE_X509_ERROR] != NULL ? atoi(f->value[TLSD_AUDIT_LINE_X509_ERROR]) : 0;

    for (size_t i = 0; i < sizeof(crl) / sizeof(crl[0]); i++)
        if (e == crl[i])
            return K_FLAGS_CRL;
    return e == 42 || e == 43 ? K_FLAGS_POLICY : K_FLAGS_STRICT;
}

static void add_version(tlsd_suggest_need *n, const tlsd_audit_line *f)
{
    const char *v = f->value[TLSD_AUDIT_LINE_VERSION];

    for (int i = 0; v != NULL && i < TLS12 + 2; i++)
        if (f->len[TLSD_AUDIT_LINE_VERSION] == strlen(versions[i])
            && strncmp(v, versions[i], f->len[TLSD_AUDIT_LINE_VERSION]) == 0
            && (n->min_version < 0 || i < n->min_version))
            n->min_version = i;
}

static void add_reason(const char *r, size_t len, void *arg)
{
    tlsd_suggest_need *n = ((reason_arg *)arg)->n;
    const tlsd_audit_line *f = ((reason_arg *)arg)->f;
    const char *cipher = f->value[TLSD_AUDIT_LINE_CIPHER];
    size_t clen = f->len[TLSD_AUDIT_LINE_CIPHER];

    tlsd_log_counts_add(&n->reasons, r, len);
    if (strncmp(r, "VerifyPeer:", 11) == 0)
        n->keys |= K_VERIFY_NO;
    else if (ends(r, len, "HostnameCheck:mismatch"))
        n->keys |= K_HOSTNAME_NO;
    else if (ends(r, len, "HostnameCheck:no-server-name"))
        n->keys |= K_HOSTNAME_YES;
    else if (ends(r, len, "VerifyFlags:failed"))
        n->keys |= flags_for(f);
    else if (ends(r, len, "Enforce:below-security-level"))
        n->keys |= K_ENFORCE_NO;
    else if (ends(r, len, ":version-below-floor"))
        add_version(n, f);
    else if (ends(r, len, ":cipher-not-allowed") && cipher != NULL)
        tlsd_log_counts_add(strncmp(cipher, "TLS_", 4) == 0 ? &n->suites13 : &n->ciphers, cipher, clen);
}

void tlsd_suggest_keys_add(tlsd_suggest_need *n, const tlsd_audit_line *f)
{
    reason_arg arg = {n, f};

    if (n->connections++ == 0)
        n->min_version = -1;
    tlsd_audit_line_each_reason(f, add_reason, &arg);
}

void tlsd_suggest_keys_print_reasons(FILE *out, const tlsd_suggest_need *n)
{
    char a[600];

    fprintf(out, "# %lu connection%s:", n->connections, n->connections == 1 ? "" : "s");
    for (int i = 0; i < n->reasons.n; i++)
        fprintf(out, "%s %s %lu", i > 0 ? "," : "",
                tlsd_log_lines_printable(n->reasons.item[i].name, a, sizeof(a)), n->reasons.item[i].count);
    fputc('\n', out);
}

/* Below TLS 1.2: OpenSSL 3 allows none of them above level 0 (their
 * handshake signatures are SHA-1 and MD5), so the CipherString's level. */
static int old_version(const tlsd_suggest_need *n)
{
    return n->min_version >= 0 && n->min_version < TLS12;
}

int tlsd_suggest_keys_of(const tlsd_suggest_need *n, const char **names, int cap)
{
    const char *all[7];
    int k = 0;

    if (n->keys & K_VERIFY_NO)
        all[k++] = "VerifyPeer";
    if (n->keys & (K_HOSTNAME_NO | K_HOSTNAME_YES))
        all[k++] = "HostnameCheck";
    if (n->keys & K_FLAGS)
        all[k++] = "VerifyFlags";
    if (n->keys & K_ENFORCE_NO)
        all[k++] = "Enforce";
    if (n->min_version >= 0)
        all[k++] = "MinProtocol";
    if (n->ciphers.n > 0 || old_version(n))
        all[k++] = "CipherString";
    if (n->suites13.n > 0)
        all[k++] = "Ciphersuites";
    for (int i = 0; i < k && i < cap; i++)
        names[i] = all[i];
    return k < cap ? k : cap;
}

const char *tlsd_suggest_keys_not_per_peer(const tlsd_suggest_need *n)
{
    const char *names[7];
    int k = tlsd_suggest_keys_of(n, names, 7);

    /* The engine's key table decides, as it does for an entry's section. */
    for (int i = 0; i < k; i++)
        if (!tlsd_policy_key_per_connection(names[i]))
            return names[i];
    return NULL;
}

/* A list now, and the logged names it lacks added at its end. */
static void print_list(FILE *out, const char *key, const char *now, const tlsd_log_counts *add)
{
    fprintf(out, "%s = %s", key, now);
    for (int i = 0; i < add->n; i++) {
        const char *name = add->item[i].name, *at = strstr(now, name);
        size_t len = strlen(name);

        if (tlsd_suggest_keys_plain(name, 0) && !(at != NULL && (at == now || at[-1] == ':')
                                             && (at[len] == '\0' || at[len] == ':')))
            fprintf(out, "%s%s", *now != '\0' || i > 0 ? ":" : "", name);
    }
}

void tlsd_suggest_keys_print(FILE *out, const tlsd_suggest_need *n, const tlsd_policy *policy,
                             const char *flags_before)
{
    static char list[LIST_MAX], s13[LIST_MAX];
    int old = old_version(n), level = 1;

    if (n->keys & K_VERIFY_NO)
        fputs("VerifyPeer = no\n", out);
    if (n->keys & (K_HOSTNAME_NO | K_HOSTNAME_YES))
        fprintf(out, "HostnameCheck = %s\n", n->keys & K_HOSTNAME_NO ? "no" : "yes");
    if (n->keys & K_FLAGS)
        fprintf(out, "VerifyFlags = %s%s%s%s%s%s%s\n", flags_before != NULL ? flags_before : "",
                flags_before != NULL ? "," : "", n->keys & K_FLAGS_STRICT ? "-X509Strict" : "",
                (n->keys & K_FLAGS_STRICT) && (n->keys & (K_FLAGS_CRL | K_FLAGS_POLICY)) ? "," : "",
                n->keys & K_FLAGS_CRL ? "-CRLCheck,-CRLCheckAll" : "",
                (n->keys & K_FLAGS_CRL) && (n->keys & K_FLAGS_POLICY) ? "," : "",
                n->keys & K_FLAGS_POLICY ? "-PolicyCheck,-ExplicitPolicy" : "");
    if (n->keys & K_ENFORCE_NO)
        fputs("Enforce = no\n", out);
    if (n->min_version >= 0)
        fprintf(out, "MinProtocol = %s\n", versions[n->min_version]);
    if (n->ciphers.n > 0 || n->suites13.n > 0 || old)
        tlsd_suggest_config_suites(policy, list, sizeof(list), &level, s13, sizeof(s13));
    if (n->ciphers.n > 0 || old) {
        print_list(out, "CipherString", list, &n->ciphers);
        fprintf(out, ":@SECLEVEL=%d\n", old ? 0 : level);
    }
    if (n->suites13.n > 0) {
        print_list(out, "Ciphersuites", s13, &n->suites13);
        fputc('\n', out);
    }
}
