#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/openssl/run-suite.sh PREFIX [BUILD_DIR]
#
# Configures, builds and tests the project against the OpenSSL installed in
# PREFIX (e.g. the output of tests/openssl/build.sh 3.5.7), not the system's:
#
#   cmake -S . -B BUILD_DIR -DOPENSSL_ROOT_DIR=PREFIX   (default BUILD_DIR:
#       build-openssl-<version>, in the source tree, ignored by git)
#   cmake --build BUILD_DIR          (-Werror, as every build of the project)
#   ctest --test-dir BUILD_DIR --output-on-failure
#
# The module, the libraries and the test programs find PREFIX's libssl and
# libcrypto through the build tree's RUNPATH (CMake adds it for libraries
# outside the system directories); this script checks that they do, and
# that the tests spawn PREFIX/bin/openssl. Programs of the system that the
# tests start (python3, nginx, curl) keep the system's OpenSSL.
#
# Extra arguments for ctest go in TLSD_CTEST_ARGS (e.g. "-R inspector").
# Prints the wall time of each step; exits with ctest's status.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then echo "usage: $0 PREFIX [BUILD_DIR]" >&2; exit 64; fi
prefix=$(cd "$1" && pwd) || { echo "run-suite.sh: no directory $1" >&2; exit 64; }
cd "$(dirname "$0")/../.."
src=$PWD

say() { printf 'run-suite.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

for f in bin/openssl include/openssl/ssl.h; do
    [ -e "$prefix/$f" ] || die "$prefix has no $f: not an OpenSSL install prefix"
done
libdir=
for d in lib lib64; do
    if [ -e "$prefix/$d/libssl.so" ]; then libdir=$prefix/$d; break; fi
done
[ -n "$libdir" ] || die "$prefix has no lib/libssl.so"
version=$("$prefix/bin/openssl" version | awk '{print $2}') ||
    die "$prefix/bin/openssl does not run (no rpath to its libraries?)"
build=${2:-build-openssl-$version}
jobs=$(nproc)

elapsed() { local s=$(( SECONDS - $1 )); printf '%dm%02ds' $((s / 60)) $((s % 60)); }
total_start=$SECONDS

say "OpenSSL $version from $prefix; build directory $build"
t=$SECONDS
cmake -S "$src" -B "$build" -DOPENSSL_ROOT_DIR="$prefix" -DCMAKE_BUILD_TYPE=RelWithDebInfo
say "configure: $(elapsed "$t")"

# What CMake found must be PREFIX's, not a cached or system OpenSSL.
cache_value() { sed -n "s|^$1:[A-Z]*=||p" "$build/CMakeCache.txt"; }
for var in OPENSSL_INCLUDE_DIR OPENSSL_SSL_LIBRARY OPENSSL_CRYPTO_LIBRARY OPENSSL_PROGRAM; do
    value=$(cache_value "$var")
    case $value in
        "$prefix"/*) say "$var = $value" ;;
        *) die "$var = '$value' is not under $prefix (a build directory configured for another OpenSSL? remove $build)" ;;
    esac
done

t=$SECONDS
cmake --build "$build" -j "$jobs"
say "build: $(elapsed "$t")"

# The module, the helper library and a test program load PREFIX's libraries.
for bin in "$build/tlsdefaults.so" "$build/provider/libtlsdefaults.so" "$build/tests/test_module"; do
    libs=$(ldd "$bin")
    for lib in libssl libcrypto; do
        line=$(grep "$lib\.so" <<<"$libs") || die "$bin does not link $lib"
        case $line in
            *"=> $libdir/"*) ;;
            *) die "$bin loads $lib from elsewhere: $line" ;;
        esac
    done
done
say "the module, libtlsdefaults and the tests load libssl and libcrypto from $libdir"

t=$SECONDS
status=0
# shellcheck disable=SC2086 # TLSD_CTEST_ARGS is a list of arguments
ctest --test-dir "$build" --output-on-failure -j "$jobs" ${TLSD_CTEST_ARGS:-} || status=$?
say "ctest: $(elapsed "$t") (exit $status)"
say "total for OpenSSL $version: $(elapsed "$total_start")"
exit "$status"
