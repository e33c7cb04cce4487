#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every source, script and CMake file carries "SPDX-License-Identifier:
# Apache-2.0" in its first two lines (the second after a #! line). Names
# each file without it.
#   usage: spdx.sh SOURCE_DIR
# The files: those git knows (tracked, or new and not ignored) in a
# checkout, else every file (an unpacked tarball); never what a build or a
# package build writes into the tree. Sources: *.c *.h *.sh *.py *.cmake
# *.cmake.in *.pc.in *.map CMakeLists.txt, and any file that starts with #!.
set -uo pipefail
cd "$1" || exit 1
generated='^(build|_build|cmake-build|obj-)[^/]*/|^debian/(\.debhelper|tmp|tlsdefaults|libtlsdefaults[^/]*)/'
sources='(^|/)(CMakeLists\.txt|[^/]*\.(c|h|sh|py|cmake|cmake\.in|pc\.in|map))$'
list() {
    if git rev-parse --git-dir >/dev/null 2>&1; then
        git ls-files --cached --others --exclude-standard
    else
        find . -name .git -prune -o -type f -print | sed 's|^\./||'
    fi
}
# One awk for all files: judged on their first two lines.
result=$(list | grep -Ev "$generated" | while IFS= read -r f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
    xargs -0 -r awk -v sources="$sources" '
        function judge() {
            if (file != "" && (file ~ sources || shebang)) {
                checked++
                if (!found) { print "FAIL: " file ": no SPDX-License-Identifier: Apache-2.0 in its first two lines"; missing++ }
            }
        }
        FNR == 1 { judge(); file = FILENAME; shebang = /^#!/; found = 0 }
        FNR <= 2 && /SPDX-License-Identifier: Apache-2\.0/ { found = 1 }
        FNR == 2 { nextfile }
        END { judge(); print "counts", checked + 0, missing + 0 }')
grep -v '^counts ' <<<"$result"
read -r checked missing < <(awk '$1 == "counts" { c += $2; m += $3 } END { print c + 0, m + 0 }' <<<"$result")
echo "$checked files checked, $missing without the SPDX line"
[ "$checked" -gt 0 ] && [ "$missing" -eq 0 ]
