#!/usr/bin/env bash
# fuzz.sh: build the libFuzzer harnesses with clang and run each for a while on its seed corpus and dictionary
# (tests/fuzz/corpus/TARGET, tests/fuzz/dict/TARGET.dict). A crash is kept as build-fuzz/crash-TARGET-*.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DPC_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_profile fuzz_plan_file fuzz_cli >/dev/null
status=0 pass=0 fail=0
for target in profile plan_file cli; do
    work=$(mktemp -d)
    extra=()
    [[ $target == cli ]] && extra=(-close_fd_mask=2)
    echo "fuzz_$target: ${seconds}s"
    if ! ASAN_OPTIONS=detect_leaks=1 build-fuzz/fuzz_$target -max_total_time="$seconds" -max_len=4096 "${extra[@]}" \
            -dict="tests/fuzz/dict/$target.dict" -artifact_prefix=build-fuzz/crash-$target- "$work" \
            "tests/fuzz/corpus/$target" >"build-fuzz/fuzz_$target.log" 2>&1; then
        echo "fuzz_$target found a problem:"; tail -30 "build-fuzz/fuzz_$target.log"; status=1
        fail=$((fail + 1))
    else
        grep -E "^#[0-9]+.*DONE|Done [0-9]+ runs" "build-fuzz/fuzz_$target.log" | tail -1
        pass=$((pass + 1))
    fi
    rm -rf "$work"
done
echo "$pass passed, $fail failed"
exit $status
