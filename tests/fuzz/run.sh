#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and
# runs each for SECONDS (default 60) on a copy of its corpus.
#   tests/fuzz/run.sh [--save] [SECONDS] [TARGET...]   targets: config cadata hostname
# Each run starts from a fresh copy of tests/fuzz/corpus/<target>/; new
# inputs, the log and crash files stay in build-fuzz/fuzz-work/<target>/.
# The source tree is not touched unless --save is given: then each finding
# (libFuzzer's crash-, leak-, timeout- or oom- file) is copied into
# tests/fuzz/corpus/<target>/, where the replay_<target> test runs it in
# every build. Minimize it and rename it crash-<what> before committing.
# Exit status: 0 when no target found anything.
set -euo pipefail
cd "$(dirname "$0")/../.."
save=0
if [ "${1:-}" = --save ]; then save=1; shift; fi
seconds=${1:-60}
[ $# -gt 0 ] && shift
if [ $# -gt 0 ]; then targets=("$@"); else targets=(config cadata hostname); fi

cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DTLSD_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

export OPENSSL_CONF=$PWD/tests/empty.cnf TLSDEFAULTS_DEBUG=
status=0
summary=()
for target in "${targets[@]}"; do
    work=build-fuzz/fuzz-work/$target
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/artifacts"
    cp tests/fuzz/corpus/"$target"/* "$work/corpus/"
    echo "== fuzz_$target for ${seconds}s"
    result=ok
    if ! build-fuzz/tests/fuzz/fuzz_"$target" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/" "$work/corpus" 2>"$work/log"; then
        status=1
        result="FINDING: $(grep -m1 -E '^(==[0-9]+==ERROR|SUMMARY)|runtime error' "$work/log" || echo 'see log')"
        echo "   $result"
        echo "   log: $work/log, input: $(ls "$work"/artifacts/* 2>/dev/null | tr '\n' ' ')"
        if [ $save = 1 ]; then
            cp -v "$work"/artifacts/* tests/fuzz/corpus/"$target"/ || true
        fi
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
    added=$(sed -n 's/^stat::new_units_added: *//p' "$work/log")
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$work/log" | tail -1 || true)
    summary+=("$(printf '%-16s %4ss  %10s execs  %5s new units  %-18s %s' \
        "fuzz_$target" "$seconds" "${execs:-?}" "${added:-?}" "${cov:-cov: ?}" "$result")")
done
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $status
