#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every CUnit suite under valgrind memcheck: no error, no definite leak.
# The module is linked with -z nodelete, so OpenSSL's dlclose() leaves it
# mapped and reports keep its symbols.
#
# usage: tests/valgrind.sh [BUILD_DIR]   (default: build)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
export OPENSSL_CONF=$PWD/tests/empty.cnf TLSDEFAULTS_DEBUG=
failed=0
for test in "$build"/tests/test_*; do
    [ -x "$test" ] || continue
    log="$build/tests/$(basename "$test").valgrind.log"
    if valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
        --track-origins=yes -q "$test" >"$log" 2>&1; then
        echo "ok      $(basename "$test")"
    else
        echo "FAILED  $(basename "$test") (see $log)"
        failed=1
    fi
done
# The fuzz targets over their corpus.
for target in config cadata hostname; do
    replay="$build/tests/fuzz/replay_$target"
    [ -x "$replay" ] || continue
    if valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 -q \
        "$replay" "tests/fuzz/corpus/$target" >"$replay.valgrind.log" 2>&1; then
        echo "ok      replay_$target"
    else
        echo "FAILED  replay_$target (see $replay.valgrind.log)"
        failed=1
    fi
done
exit $failed
