#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Debian package as a distribution builds it, from debian/:
#   1. dpkg-buildpackage -us -uc -b in a clean copy of the tree (the files
#      git tracks, plus new ones it does not ignore). DEB_BUILD_OPTIONS=nocheck:
#      the caller (tests/quickstart.sh) has just run the same suite;
#   2. lintian on the result: any E: or W: line fails;
#   3. the Depends of the module's package name the package of the libssl
#      it links, found by dpkg-shlibdeps (libssl3 on Debian 12);
#   4. the packages installed (dpkg -i), the scripts of debian/tests/ run
#      as autopkgtest would run them (from the tree, as root,
#      AUTOPKGTEST_TMP set), then purged again, also on failure.
# Each check prints "ok: ...", "FAIL: ..." or "SKIP: ..."; the last line is
# "debian package: N passed, N failed, N skipped". Exit 1 if any failed.
# Installing needs root (or sudo without a password): without it, steps
# 1 to 3 run and the rest is skipped, with the reason.
#
# usage: debian_package.sh SOURCE_DIR WORK_DIR
set -uo pipefail
src=$(realpath "$1") work=$2
passed=0 failed=0 skipped=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
skip() { echo "SKIP: $*"; skipped=$((skipped + 1)); }
finish() {
    echo "debian package: $passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
    exit
}

for tool in dpkg-buildpackage dpkg-checkbuilddeps dh lintian; do
    command -v "$tool" >/dev/null || { bad "$tool is not installed (tests/quickstart.sh installs it)"; finish; }
done

# 1. Build, from a copy that holds nothing of build/ or earlier runs.
rm -rf "$work" && mkdir -p "$work/tlsdefaults" && work=$(realpath "$work") # the tests run elsewhere
copy() {
    if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
        git -C "$src" ls-files -z --cached --others --exclude-standard |
            (cd "$src" && xargs -0 tar cf - --no-recursion --)
    else # an unpacked tarball: everything but build directories
        tar cf - -C "$src" --exclude='./build*' --exclude='./_build*' --exclude='./cmake-build*' .
    fi | tar xf - -C "$work/tlsdefaults"
}
copy || { bad "copying the tree"; finish; }
DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)"
export DEB_BUILD_OPTIONS
if (cd "$work/tlsdefaults" && dpkg-buildpackage -us -uc -b -Pnocheck) >"$work/build.log" 2>&1; then
    ok "dpkg-buildpackage -us -uc -b ($(cd "$work" && echo *.deb))"
else
    tail -n 40 "$work/build.log"
    bad "dpkg-buildpackage failed (log: $work/build.log)"
    finish
fi
changes=$(echo "$work"/*.changes)

# 2. lintian: errors and warnings fail; the full output is shown.
lintian -I "$changes" >"$work/lintian.log" 2>&1
cat "$work/lintian.log"
if grep -Eq '^[EW]: ' "$work/lintian.log"; then
    bad "lintian: $(grep -Ec '^E: ' "$work/lintian.log") errors, $(grep -Ec '^W: ' "$work/lintian.log") warnings"
else
    ok "lintian: no error, no warning"
fi

# 3. The libssl dependency comes from dpkg-shlibdeps, for the libssl built with.
libssl=$(readlink -f "$(pkg-config --variable=libdir libssl)/libssl.so")
owner=$(dpkg -S "$libssl" 2>/dev/null | sed 's/:.*//')
depends=$(dpkg-deb -f "$work"/tlsdefaults_*.deb Depends)
if [ -n "$owner" ] && grep -Eq "(^|, )$owner( |,|$)" <<<"$depends"; then
    ok "tlsdefaults Depends: $depends"
else
    bad "tlsdefaults Depends '$depends' does not name ${owner:-the package of $libssl}"
fi

# 4. Install, run debian/tests, purge.
as_root=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        as_root=(sudo -n)
    else
        skip "installing the packages and debian/tests: not root, and no password-less sudo"
        finish
    fi
fi
debs=() names=()
for deb in "$work"/*.deb; do
    case $deb in *-dbgsym_*) continue ;; esac
    debs+=("$deb") names+=("$(dpkg-deb -f "$deb" Package)")
done
present=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${names[@]}" 2>/dev/null |
    awk '$1 != "un" && $1 != "pn" { print $2 }' | tr '\n' ' ')
if [ -n "$present" ]; then
    skip "installing the packages and debian/tests: ${present% } already installed here, and purging them afterwards would change this machine"
    finish
fi
purge() {
    "${as_root[@]}" dpkg --purge "${names[@]}" >"$work/purge.log" 2>&1 || cat "$work/purge.log"
}
trap purge EXIT
if "${as_root[@]}" dpkg -i "${debs[@]}" >"$work/install.log" 2>&1; then
    ok "installed: ${names[*]}"
    # The tests run from the tree, as autopkgtest runs them; those that
    # need root get it, the others run as the caller.
    tests=$(sed -n 's/^Tests:[[:space:]]*//p' "$work/tlsdefaults/debian/tests/control" | tr ',' ' ')
    for t in $tests; do
        restrictions=$(awk -v t="$t" '/^Tests:/ { hit = ($0 ~ "[ ,]" t "([ ,]|$)") } hit && /^Restrictions:/' \
            "$work/tlsdefaults/debian/tests/control")
        run=()
        [[ $restrictions == *needs-root* ]] && run=("${as_root[@]}")
        tmp=$(mktemp -d "$work/autopkgtest-$t.XXXXXX")
        if (cd "$work/tlsdefaults" && "${run[@]}" env AUTOPKGTEST_TMP="$tmp" "debian/tests/$t") \
            >"$work/test-$t.log" 2>&1; then
            ok "debian/tests/$t"
        else
            cat "$work/test-$t.log"
            bad "debian/tests/$t (log: $work/test-$t.log)"
        fi
    done
else
    cat "$work/install.log"
    bad "dpkg -i ${names[*]}"
fi
purge
trap - EXIT
left=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${names[@]}" 2>/dev/null |
    awk '$1 != "un" && $1 != "pn" { print $2 }' | tr '\n' ' ')
if [ -z "$left" ] && [ ! -e /usr/share/tlsdefaults ]; then
    ok "purged: the machine has none of the packages again"
else
    bad "after purging, still installed: ${left:-/usr/share/tlsdefaults}"
fi
finish
