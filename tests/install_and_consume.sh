#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the build tree into scratch directories and uses the result as
# an outside project would: docs/examples/connect.c built with
# find_package(tlsdefaults) (shared and static) and with pkg-config, then
# run against openssl s_server with the test certificates, once where it
# must connect and twice where it must refuse (negative controls).
#
# Usage (from CTest): install_and_consume.sh BUILD_DIR SOURCE_DIR CMAKE CC
#     OPENSSL TLSD_TEST_CERTS LIBDIR INCLUDEDIR DATADIR MODULES_DIR
# The last four are the install destinations as configured (relative to
# the prefix unless absolute). Everything is written under
# BUILD_DIR/tests/install-and-consume, left in place for a post-mortem.
# The OpenSSL the build uses comes in the environment (tests/CMakeLists.txt):
# TLSD_OPENSSL_ROOT (its prefix), TLSD_OPENSSL_LIBDIR (where its libssl.so
# is), TLSD_OPENSSL_VERSION. Every consumer must build and run against it:
# the CMake package and the .pc file pin it.
set -euo pipefail
[ $# -eq 10 ] || { echo "usage: $0 BUILD SOURCE CMAKE CC OPENSSL CERTS LIBDIR INCLUDEDIR DATADIR MODULES_DIR" >&2; exit 2; }
build=$1 src=$2 cmake=$3 cc=$4 openssl=$5 make_certs=$6
libdir=$7 includedir=$8 datadir=$9 modulesdir=${10}
: "${TLSD_OPENSSL_ROOT:?}" "${TLSD_OPENSSL_LIBDIR:?}" "${TLSD_OPENSSL_VERSION:?}"
ossl_libssl=$(readlink -f "$TLSD_OPENSSL_LIBDIR/libssl.so")
# compatible VERSION: an OpenSSL the build's libraries can run on, the
# rule the installed CMake and pkg-config files apply: the same major
# version, at least the same minor one.
compatible() {
    local want=$TLSD_OPENSSL_VERSION have=$1
    [ "${have%%.*}" = "${want%%.*}" ] || return 1
    want=${want#*.} have=${have#*.}
    [ "${have%%.*}" -ge "${want%%.*}" ] 2>/dev/null
}

scratch=$build/tests/install-and-consume
rm -rf "$scratch"
mkdir -p "$scratch"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# dest DESTDIR PREFIX DIR: where a configured destination DIR lands:
# relative ones under DESTDIR + PREFIX, absolute ones under DESTDIR only.
dest() {
    local destdir=$1 prefix=$2 dir=$3
    case $dir in
        /*) printf '%s%s' "$destdir" "$dir" ;;
        *) printf '%s%s/%s' "$destdir" "$prefix" "$dir" ;;
    esac
}

# install_into DESTDIR PREFIX: cmake --install, then check that every path
# it wrote is under the scratch area, and that the expected files are there.
install_into() {
    local destdir=$1 prefix=$2 top=${1:-$2} log
    log=$scratch/install-$(basename "$top").log
    step "DESTDIR='$destdir' cmake --install --prefix $prefix"
    DESTDIR=$destdir "$cmake" --install "$build" --prefix "$prefix" >"$log" 2>&1 \
        || { cat "$log"; fail "cmake --install"; }
    cat "$log"
    local path count=0
    while IFS= read -r path; do
        count=$((count + 1))
        case $path in "$top"/*) ;; *) fail "installed outside $top: $path" ;; esac
    done < <(sed -n 's/^-- \(Installing\|Up-to-date\): //p' "$log")
    [ "$count" -gt 0 ] || fail "cmake --install reported no file"
    local lib inc share mods
    lib=$(dest "$destdir" "$prefix" "$libdir")
    inc=$(dest "$destdir" "$prefix" "$includedir")
    share=$(dest "$destdir" "$prefix" "$datadir")
    mods=$(dest "$destdir" "$prefix" "$modulesdir")
    for f in "$lib/libtlsdefaults.so" "$lib/libtlsdefaults.so.0" "$lib/libtlsdefaults.a" \
             "$lib/libtlsdefaults-module.so.0" \
             "$inc/tlsdefaults.h" "$lib/pkgconfig/tlsdefaults.pc" \
             "$lib/cmake/tlsdefaults/tlsdefaultsConfig.cmake" \
             "$lib/cmake/tlsdefaults/tlsdefaultsConfigVersion.cmake" \
             "$lib/cmake/tlsdefaults/tlsdefaultsTargets.cmake" \
             "$mods/tlsdefaults.so" \
             "$share/tlsdefaults/openssl-cnf/tlsdefaults-user.cnf" \
             "$share/tlsdefaults/openssl-cnf/tlsdefaults-system.cnf"; do
        [ -f "$f" ] || fail "missing after install: $f"
    done
    # The module's entry points for OpenSSL's default-name rule have no
    # development symlink: nothing may link them, or load them by name.
    [ ! -e "$lib/libtlsdefaults-module.so" ] || fail "installed: $lib/libtlsdefaults-module.so"
    # The .pc file names the prefix in use, never the staging DESTDIR.
    grep -qx "prefix=$prefix" "$lib/pkgconfig/tlsdefaults.pc" \
        || fail "tlsdefaults.pc does not say prefix=$prefix: $(cat "$lib/pkgconfig/tlsdefaults.pc")"
    echo "ok: every file under $top, expected files present"
}

# 1. A packager's staged install: everything under DESTDIR.
install_into "$scratch/stage" /opt/tlsdefaults

# 2. A prefix install, which the consumer below uses. Absolute destinations
# would land outside the scratch area, so the rest needs relative ones (the
# default: TLSD_MODULES_DIR is made relative to OpenSSL's prefix).
for d in "$libdir" "$includedir" "$datadir" "$modulesdir"; do
    case $d in /*) echo "absolute install destination $d: prefix install and consumer skipped"; exit 77 ;; esac
done
prefix=$scratch/prefix
install_into "" "$prefix"

flags=(-Wall -Wextra -Werror -DOPENSSL_API_COMPAT=30000 -DOPENSSL_NO_DEPRECATED)

# same_openssl BUILD_DIR: the consumer's CMake found the build's OpenSSL.
same_openssl() {
    local found
    found=$(sed -n 's/^OPENSSL_SSL_LIBRARY:[A-Z]*=//p' "$1/CMakeCache.txt")
    [ "$(readlink -f "$found")" = "$ossl_libssl" ] \
        || fail "$(basename "$1") found OpenSSL's libssl at '$found', not $ossl_libssl (OpenSSL $TLSD_OPENSSL_VERSION)"
    echo "ok: $(basename "$1") uses OpenSSL $TLSD_OPENSSL_VERSION ($found)"
}
# loads_openssl PROGRAM [ENV...]: it runs on the build's libssl.
loads_openssl() {
    local program=$1 libs line
    shift
    libs=$(env "$@" ldd "$program")
    line=$(grep -E '^[[:space:]]*libssl\.so' <<<"$libs") || fail "$program does not load libssl: $libs"
    [ "$(readlink -f "$(awk '{ print $3 }' <<<"$line")")" = "$ossl_libssl" ] \
        || fail "$program loads another libssl than $ossl_libssl: $line"
    echo "ok: $(basename "$program") loads $ossl_libssl"
}

step "the example with find_package(tlsdefaults), shared, no OpenSSL named"
# Nothing says where OpenSSL is: the installed package's own record of it
# must find the build's.
env -u OPENSSL_ROOT_DIR "$cmake" -S "$src/docs/examples" -B "$scratch/example-cmake" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_FLAGS="${flags[*]}"
"$cmake" --build "$scratch/example-cmake"
grep -qx "tlsdefaults_DIR:PATH=$prefix/$libdir/cmake/tlsdefaults" "$scratch/example-cmake/CMakeCache.txt" \
    || fail "find_package did not use the scratch install: $(grep tlsdefaults_DIR "$scratch/example-cmake/CMakeCache.txt")"
same_openssl "$scratch/example-cmake"
loads_openssl "$scratch/example-cmake/connect"

step "the example with find_package(tlsdefaults), static"
# The same source against tlsdefaults::tlsdefaults_static: the archive must
# hold the policy engine too, and the program must not need libtlsdefaults.so.
mkdir -p "$scratch/static-src"
cat >"$scratch/static-src/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.20)
project(connect_static LANGUAGES C)
set(CMAKE_C_STANDARD 11)
find_package(tlsdefaults REQUIRED)
add_executable(connect_static "$src/docs/examples/connect.c")
target_link_libraries(connect_static PRIVATE tlsdefaults::tlsdefaults_static)
EOF
# This consumer names the OpenSSL, as one that has several would.
"$cmake" -S "$scratch/static-src" -B "$scratch/example-static" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_FLAGS="${flags[*]}" -DOPENSSL_ROOT_DIR="$TLSD_OPENSSL_ROOT"
"$cmake" --build "$scratch/example-static"
if grep -q 'NEEDED.*libtlsdefaults' <<<"$(readelf -d "$scratch/example-static/connect_static")"; then
    fail "connect_static needs libtlsdefaults.so"
fi
same_openssl "$scratch/example-static"
loads_openssl "$scratch/example-static/connect_static"

# Negative control, where the system has another OpenSSL than the build
# (a build against OpenSSL 3.5 or 4.0 on Debian 12): pointed at it, the
# package refuses to be found, rather than mix two OpenSSLs in a program.
system_version=$(sed -n 's/^#[[:space:]]*define[[:space:]]*OPENSSL_VERSION_STR[[:space:]]*"\(.*\)"/\1/p' \
    /usr/include/openssl/opensslv.h 2>/dev/null || true)
if [ "$TLSD_OPENSSL_ROOT" != /usr ] && [ -n "$system_version" ] && ! compatible "$system_version"; then
    step "find_package(tlsdefaults) with OPENSSL_ROOT_DIR=/usr (OpenSSL $system_version): refused"
    if "$cmake" -S "$src/docs/examples" -B "$scratch/example-other" -DCMAKE_C_COMPILER="$cc" \
           -DCMAKE_PREFIX_PATH="$prefix" -DOPENSSL_ROOT_DIR=/usr >"$scratch/example-other.log" 2>&1; then
        cat "$scratch/example-other.log"
        fail "find_package(tlsdefaults) accepted OpenSSL $system_version; the build uses $TLSD_OPENSSL_VERSION"
    fi
    refusal=$(grep -E -A 3 'Could NOT find OpenSSL|tlsdefaults was built with OpenSSL' "$scratch/example-other.log") \
        || { cat "$scratch/example-other.log"; fail "find_package(tlsdefaults) failed, but not for OpenSSL"; }
    echo "$refusal"
fi

step "the example with pkg-config"
# The .pc file requires the major version of OpenSSL it was built with:
# where the default search path has another, it refuses.
if ! pc_default=$(PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig pkg-config --modversion libssl 2>&1) ||
   ! compatible "$pc_default"; then
    if PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig pkg-config --libs tlsdefaults >"$scratch/pc-other.log" 2>&1; then
        fail "pkg-config tlsdefaults accepted libssl '$pc_default'; the build uses $TLSD_OPENSSL_VERSION"
    fi
    echo "ok: without OpenSSL $TLSD_OPENSSL_VERSION's .pc files, pkg-config refuses: $(head -n 1 "$scratch/pc-other.log")"
fi
export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig:$TLSD_OPENSSL_LIBDIR/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
[ "$(pkg-config --modversion libssl)" = "$TLSD_OPENSSL_VERSION" ] \
    || fail "pkg-config finds libssl $(pkg-config --modversion libssl), not $TLSD_OPENSSL_VERSION"
pc_flags=$(pkg-config --cflags --libs tlsdefaults)
echo "pkg-config --cflags --libs tlsdefaults: $pc_flags"
# shellcheck disable=SC2086 # pkg-config output is meant to be split
"$cc" -std=c11 "${flags[@]}" -o "$scratch/connect-pc" "$src/docs/examples/connect.c" $pc_flags
# This build has no RPATH: it finds the installed library, and OpenSSL's,
# through LD_LIBRARY_PATH (the CMake builds carry an RPATH and need none).
pc_env=(env "LD_LIBRARY_PATH=$prefix/$libdir:$(pkg-config --variable=libdir libssl)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
# ldd's output is taken whole: with pipefail, "ldd | grep -q" fails
# whenever grep exits first and ldd gets SIGPIPE.
libs=$("${pc_env[@]}" ldd "$scratch/connect-pc")
grep libtlsdefaults <<<"$libs"
grep -q "=> $prefix/$libdir/libtlsdefaults.so.0" <<<"$libs" \
    || fail "connect-pc does not load the installed libtlsdefaults.so.0"
loads_openssl "$scratch/connect-pc" "${pc_env[@]:1}"

step "a program linked as pkg-config says calls libcrypto's OPENSSL_init()"
# shellcheck disable=SC2086 # pkg-config output is meant to be split
"$cc" -std=c11 "${flags[@]}" -o "$scratch/link-check" "$src/tests/link_check.c" $pc_flags
"${pc_env[@]}" "$scratch/link-check" || fail "link-check"

step "servers: openssl s_server on 127.0.0.1 with the test certificates"
certs=$scratch/certs
mkdir -p "$certs"
"$make_certs" "$certs"
# s_server stops at the end of its input: give it a pipe that never ends.
mkfifo "$scratch/stdin"
exec 3<>"$scratch/stdin"
# start_server CERT: port 0 lets the kernel choose a free port, which
# s_server reports as "ACCEPT 127.0.0.1:PORT"; the port is left in $port.
start_server() {
    local cert=$1 log=$scratch/server-${1%.pem}.log
    port=
    timeout 120 "$openssl" s_server -accept 127.0.0.1:0 -cert "$certs/$cert" \
        -cert_chain "$certs/intermediate.pem" -key "$certs/leaf-key.pem" <&3 >"$log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        # The log may not exist yet: the background shell creates it.
        port=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log" 2>/dev/null || true)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || fail "s_server did not start: $(cat "$log")"
    echo "$cert on 127.0.0.1:$port"
}
start_server leaf.pem
good_port=$port
start_server wronghost.pem
wrong_port=$port

# run EXPECTED_EXIT PATTERN PROGRAM ARGS...: the example, with a time limit;
# its exit code must be EXPECTED_EXIT and its output must match PATTERN.
run() {
    local expected=$1 pattern=$2 out rc=0 shown
    shift 2
    shown="$*"
    step "${shown//$scratch\//}  (expect exit $expected)"
    out=$(timeout 20 "$@" 2>&1) || rc=$?
    echo "$out"
    [ "$rc" -eq "$expected" ] || fail "exit code $rc, expected $expected"
    grep -q "$pattern" <<<"$out" || fail "output does not match '$pattern'"
}

run 0 '^protocol: TLSv1\.[23]$' "$scratch/example-cmake/connect" localhost "$good_port" "$certs/root.pem"
run 0 '^protocol: TLSv1\.[23]$' "$scratch/example-static/connect_static" localhost "$good_port" "$certs/root.pem"
run 0 '^subject:  CN = localhost$' "${pc_env[@]}" "$scratch/connect-pc" 127.0.0.1 "$good_port" "$certs/root.pem"
# Negative controls: a certificate for another name; a CA not trusted.
run 1 '^verify result: hostname mismatch$' "$scratch/example-cmake/connect" localhost "$wrong_port" "$certs/root.pem"
run 1 '^verify result: unable to get local issuer certificate$' \
    "${pc_env[@]}" "$scratch/connect-pc" localhost "$good_port" "$certs/selfsigned.pem"

printf '\nPASS: installed, consumed with find_package (shared, static) and pkg-config, connected\n'
