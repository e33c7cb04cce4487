#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and
# runs each for SECONDS (default 60) on a copy of its corpus.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]     targets: config cadata hostname
# New interesting inputs and crash files stay in build-fuzz/fuzz-work/. A
# crash input worth keeping goes into tests/fuzz/corpus/<target>/ (named
# crash-<what>), where the replay_<target> test runs it in every build.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
[ $# -gt 0 ] && shift
if [ $# -gt 0 ]; then targets=("$@"); else targets=(config cadata hostname); fi

cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DTLSD_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

export OPENSSL_CONF=$PWD/tests/empty.cnf TLSDEFAULTS_DEBUG=
status=0
for target in "${targets[@]}"; do
    work=build-fuzz/fuzz-work/$target
    mkdir -p "$work/corpus" "$work/artifacts"
    cp -n tests/fuzz/corpus/"$target"/* "$work/corpus/" 2>/dev/null || true
    echo "== fuzz_$target for ${seconds}s"
    if ! build-fuzz/tests/fuzz/fuzz_"$target" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/" "$work/corpus" 2>"$work/log"; then
        status=1
        echo "   FINDING: see $work/log and $work/artifacts/"
    fi
    grep -E "^stat::number_of_executed_units|^stat::new_units_added|cov: " "$work/log" | tail -3
done
exit $status
