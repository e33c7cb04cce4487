#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/layout.sh SOURCE_DIR: the layout issue 21 set, kept.
#   - no .c file directly in provider/: each lives in its product's folder;
#   - no file of provider/ over 500 lines;
#   - no function over 60 lines, from its opening "{" at the start of a
#     line to its closing "}" (the project's style puts both there).
set -u
src=${1:?usage: layout.sh SOURCE_DIR}
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

for f in "$src"/provider/*.c; do
    [ -e "$f" ] && fail "${f#"$src"/} is directly in provider/, not in a product's folder"
done
while IFS= read -r f; do
    lines=$(wc -l <"$f")
    [ "$lines" -le 500 ] || fail "${f#"$src"/}: $lines lines (at most 500)"
    awk -v file="${f#"$src"/}" '
        /^[A-Za-z_].*\(/ { sig = $0 }
        /^\{/ { start = NR; name = sig }
        /^\}/ && start { len = NR - start - 1
                         if (len > 60) { printf "FAIL: %s: %s: %d lines (at most 60)\n", file, name, len; bad = 1 }
                         start = 0 }
        END { exit bad }' "$f" || failures=$((failures + 1))
done < <(find "$src/provider" -name '*.[ch]' | sort)

[ "$failures" -eq 0 ] && echo "layout: all checks passed"
exit $((failures > 0))
