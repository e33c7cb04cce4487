#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every source, script and CMake file carries "SPDX-License-Identifier:
# Apache-2.0" in its first two lines (the second after a #! line). Names
# each file without it.
#   usage: spdx.sh SOURCE_DIR
# The files: those git knows (tracked, or new and not ignored) in a
# checkout, else every file outside build directories (an unpacked
# tarball, a package build). Sources: *.c *.h *.sh *.py *.cmake *.cmake.in
# *.pc.in *.map CMakeLists.txt, and any file that starts with #!.
set -uo pipefail
cd "$1" || exit 1
list() {
    if git rev-parse --git-dir >/dev/null 2>&1; then
        git ls-files --cached --others --exclude-standard
    else
        find . \( -name .git -o -name 'build*' -o -name '_build*' -o -name 'cmake-build*' \
                  -o -name 'obj-*' -o -path ./debian/tmp -o -path './debian/.debhelper' \) -prune \
             -o -type f -print | sed 's|^\./||'
    fi
}
missing=0 checked=0
while IFS= read -r f; do
    [ -f "$f" ] || continue # listed by git, deleted in the work tree
    case $f in
        *.c | *.h | *.sh | *.py | *.cmake | *.cmake.in | *.pc.in | *.map | CMakeLists.txt | */CMakeLists.txt) ;;
        *) [ "$(head -c 2 "$f" | tr -d '\0')" = '#!' ] || continue ;;
    esac
    checked=$((checked + 1))
    if ! head -n 2 "$f" | grep -q 'SPDX-License-Identifier: Apache-2.0'; then
        echo "FAIL: $f: no 'SPDX-License-Identifier: Apache-2.0' in its first two lines"
        missing=$((missing + 1))
    fi
done < <(list)
echo "$checked files checked, $missing without the SPDX line"
[ "$checked" -gt 0 ] && [ "$missing" -eq 0 ]
