#!/usr/bin/env bash
# The man pages render without warnings, and name every configuration key of
# docs/configuration.md, every function and reason code of tlsdefaults.h:
# a new key or function without its man entry fails here.
#
# usage: man_pages.sh SOURCE_DIR
set -uo pipefail
src=$1 man=$1/docs/man
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

if command -v groff >/dev/null; then
    for page in "$man"/*.[135]; do
        # -Wbreak: long cipher strings cannot be hyphenated, which is fine.
        out=$(groff -man -Tutf8 -ww -Wbreak "$page" 2>&1 >/dev/null)
        [ -z "$out" ] || fail "$(basename "$page"): $out"
    done
else
    echo "groff not installed: rendering not checked"
fi

keys=$(awk '/^## Keys/{on=1; next} /^## /{on=0} on && /^\| `/' "$src/docs/configuration.md" |
       sed -n 's/^| `\([A-Za-z]*\)`.*/\1/p')
[ -n "$keys" ] || fail "no keys found in docs/configuration.md"
for key in $keys; do
    grep -q "^\.B.* $key\b\|^\.B $key$\|\b$key\b" "$man/tlsdefaults.5" || fail "tlsdefaults.5 lacks key $key"
done
functions=$(sed -n 's/^TLSD_API [^(]*[ *]\(tlsd_[a-z_]*\)(.*/\1/p' "$src/provider/include/tlsdefaults.h")
[ -n "$functions" ] || fail "no functions found in tlsdefaults.h"
for f in $functions; do
    grep -q "$f" "$man/tlsdefaults.3" || fail "tlsdefaults.3 lacks function $f"
done
for r in $(sed -n 's/^#define \(TLSD_R_[A-Z_]*\) .*/\1/p' "$src/provider/include/tlsdefaults.h"); do
    grep -q "$r" "$man/tlsdefaults.3" || fail "tlsdefaults.3 lacks reason $r"
done
for opt in --config --json; do
    grep -q -- "${opt//-/\\\\-}" "$man/tlsdefaults-info.1" || fail "tlsdefaults-info.1 lacks $opt"
done
echo "$(echo $keys | wc -w) keys, $(echo $functions | wc -w) functions checked"
[ $failures -eq 0 ] && echo "man pages: all checks passed"
exit $((failures > 0))
