#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/layout.sh SOURCE_DIR: the layout issue 21 set, kept.
#   - no .c file directly in provider/: each lives in its product's folder;
#   - no file of provider/ over 500 lines;
#   - no function over 60 lines, from its opening "{" at the start of a
#     line to its closing "}" (the project's style puts both there);
#   - a file's exported functions carry the file's name (tlsd_policy_apply
#     in policy_apply.c), except the public API, whose names tlsdefaults.h
#     fixes;
#   - no circle between files: following each .c file's #include "x.h"
#     to x.c never comes back to it (the policy engine's phase files,
#     policy*.c, count as one: they share policy_internal.h by design).
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

api=" $(sed -n 's/^TLSD_API [^(]*[ *]\(tlsd_[a-z_]*\)(.*/\1/p' "$src/provider/include/tlsdefaults.h" | tr '\n' ' ') "
for f in "$src"/provider/*/*.c; do
    stem=$(basename "$f" .c)
    for fn in $(sed -n 's/^[a-z][a-zA-Z_ *]*[ *]\(tlsd_[a-z0-9_]*\)(.*/\1/p' "$f"); do
        case $fn in tlsd_"$stem"*) continue ;; esac
        case $api in *" $fn "*) continue ;; esac
        fail "${f#"$src"/}: $fn does not carry the file's name (tlsd_$stem...)"
    done
done

# No _Thread_local (issue 26): glibc ends a process that cannot allocate
# a dlopen()ed module's thread-local block; per-thread state is a
# CRYPTO_THREAD_LOCAL or carried by the objects.
while IFS= read -r hit; do
    fail "_Thread_local: $hit"
done < <(grep -rn --include='*.[ch]' -E '^[^/*]*_Thread_local' "$src/provider" || true)

python3 - "$src/provider" <<'PY' || failures=$((failures + 1))
import glob, os, re, sys
def unit(stem):
    return "policy*" if stem.startswith("policy") else stem
files = glob.glob(os.path.join(sys.argv[1], "*", "*.c"))
stems = {os.path.basename(f)[:-2] for f in files}
deps = {}
for f in files:
    me = unit(os.path.basename(f)[:-2])
    for h in re.findall(r'#include "([a-z_]+)\.h"', open(f).read()):
        if h in stems and unit(h) != me:
            deps.setdefault(me, set()).add(unit(h))
state, bad = {}, []
def visit(n, path):
    state[n] = 1
    for m in sorted(deps.get(n, ())):
        if state.get(m) == 1:
            bad.append(" -> ".join(path[path.index(m):] + [m]))
        elif m not in state:
            visit(m, path + [m])
    state[n] = 2
for n in sorted(deps):
    if n not in state:
        visit(n, [n])
for c in bad:
    print("FAIL: a circle between files:", c)
sys.exit(1 if bad else 0)
PY

[ "$failures" -eq 0 ] && echo "layout: all checks passed"
exit $((failures > 0))
