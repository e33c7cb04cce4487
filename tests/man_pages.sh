#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The man pages render without warnings, and name every configuration key of
# docs/configuration.md, every function and reason code of tlsdefaults.h:
# a new key or function without its man entry fails here. Without groff the
# name checks still run, and then the test exits 77 (skipped).
#
# usage: man_pages.sh SOURCE_DIR
set -uo pipefail
src=$1 man=$1/docs/man
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

have_groff=0
if command -v groff >/dev/null; then
    have_groff=1
    for page in "$man"/*.[135]; do
        out=$(groff -man -Tutf8 -ww "$page" 2>&1 >/dev/null)
        [ -z "$out" ] || fail "$(basename "$page"): $out"
    done
fi

# The keys: the backquoted first column of the table under "## Keys" (up to
# the next heading). Each must be the tag of an entry (the line after .TP)
# in the KEYS section of tlsdefaults.5, not merely a word in its text.
keys=$(awk '/^## Keys/{on=1; next} /^#/{on=0} on && /^\| `/' "$src/docs/configuration.md" |
       sed -n 's/^| `\([A-Za-z]*\)`.*/\1/p')
[ -n "$keys" ] || fail "no keys found in docs/configuration.md"
tags=$(awk '/^\.SH /{on=($2 == "KEYS"); next} on && tag {print; tag=0} on && /^\.TP/{tag=1}' \
       "$man/tlsdefaults.5")
for key in $keys; do
    grep -qw -- "$key" <<<"$tags" || fail "tlsdefaults.5 has no KEYS entry for $key"
done
# The flag names of the VerifyFlags table.
flags=$(awk '/^### VerifyFlags/{on=1; next} /^#/{on=0} on && /^\| `/' "$src/docs/configuration.md" |
        cut -d'|' -f2 | grep -o '`[A-Za-z0-9]*`' | tr -d '`')
for flag in $flags; do
    grep -qw -- "$flag" "$man/tlsdefaults.5" || fail "tlsdefaults.5 lacks VerifyFlags name $flag"
done
functions=$(sed -n 's/^TLSD_API [^(]*[ *]\(tlsd_[a-z_]*\)(.*/\1/p' "$src/provider/include/tlsdefaults.h")
[ -n "$functions" ] || fail "no functions found in tlsdefaults.h"
for f in $functions; do
    grep -q "\b$f(" "$man/tlsdefaults.3" || fail "tlsdefaults.3 lacks function $f"
done
for r in $(sed -n 's/^#define \(TLSD_R_[A-Z_]*\) .*/\1/p' "$src/provider/include/tlsdefaults.h"); do
    grep -qw "$r" "$man/tlsdefaults.3" || fail "tlsdefaults.3 lacks reason $r"
done
for opt in --config --program --json --profile --profiles --diff --audit-report; do
    grep -q -- "${opt//-/\\\\-}" "$man/tlsdefaults-info.1" || fail "tlsdefaults-info.1 lacks $opt"
done
echo "$(echo $keys | wc -w) keys, $(echo $functions | wc -w) functions checked"
[ $failures -eq 0 ] || exit 1
if [ $have_groff -eq 0 ]; then
    echo "SKIP: groff not installed (Debian package groff-base): rendering not checked"
    exit 77
fi
echo "man pages: all checks passed"
