#!/usr/bin/env bash
# test.sh: install what is missing, build, and run the whole test suite (CUnit suites and script checks via ctest).
#   scripts/test.sh          everything: the suite, then the sanitizer build, valgrind (each unit suite and the
#                            plancheck binary on a small plan) and a short fuzz run (PC_FUZZ_SECONDS per fuzz
#                            target, default 30)
#   scripts/test.sh --quick  the suite only
# Every stage runs even when an earlier one failed. The last line is "N passed, N failed": the ctest tests of
# the suite and of the sanitizer build, the valgrind runs (per unit suite, per CLI run) and the fuzz targets.
# The exit status is 0 only when nothing failed.
set -uo pipefail
cd "$(dirname "$0")/.."
quick=0
[[ "${1:-}" == "--quick" ]] && quick=1
jobs=$(nproc)
passed=0 failed=0
mkdir -p build

# Add the totals of a stage's log: ctest's "NN% tests passed, F tests failed out of T", or our scripts'
# "P passed, F failed". A stage that printed neither (it could not run) counts as one failure.
count() {
    local log=$1 line
    line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$log" | tail -1)
    if [[ -n $line ]]; then
        local f t
        f=$(sed -E 's/.* ([0-9]+) tests? failed out of.*/\1/' <<<"$line")
        t=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
        passed=$((passed + t - f)) failed=$((failed + f))
        return
    fi
    line=$(grep -E "^[0-9]+ passed, [0-9]+ failed$" "$log" | tail -1)
    if [[ -n $line ]]; then
        passed=$((passed + ${line%% passed*}))
        line=${line#*, }
        failed=$((failed + ${line%% failed*}))
        return
    fi
    failed=$((failed + 1))
}
summary() {
    echo "== done in $((SECONDS / 60)) min $((SECONDS % 60)) s"
    echo "$passed passed, $failed failed"
    exit $((failed > 0))
}
stage() { echo "== $* (at $((SECONDS / 60)) min $((SECONDS % 60)) s)"; }

stage "setup and build"
if ! scripts/setup.sh --tests; then
    failed=$((failed + 1))
    summary
fi

stage "test suite (ctest)"
(cd build && ctest --output-on-failure -j"$jobs") 2>&1 | tee build/ctest.log
count build/ctest.log

((quick)) && summary

stage "AddressSanitizer + UndefinedBehaviorSanitizer build"
if cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPC_SANITIZE=ON >/dev/null &&
   cmake --build build-asan -j"$jobs" >build/asan-build.log 2>&1; then
    export ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    (cd build-asan && ctest --output-on-failure -j"$jobs" -LE script) 2>&1 | tee build/ctest-asan.log
    count build/ctest-asan.log
    # The bad-input table through the sanitized binary: the error paths are where memory bugs hide.
    (cd build-asan && ctest --output-on-failure -R '^check_robustness$') 2>&1 | tee build/ctest-asan-robustness.log
    count build/ctest-asan-robustness.log
    unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
else
    tail -30 build/asan-build.log
    failed=$((failed + 1))
fi

stage "valgrind memcheck of the unit suites"
vg_pass=0 vg_fail=0
for suite in $(build/plancheck_tests --list 2>/dev/null); do
    if valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
            --suppressions=tests/valgrind.supp build/plancheck_tests "$suite" >"build/valgrind-$suite.log" 2>&1; then
        vg_pass=$((vg_pass + 1))
    else
        echo "valgrind: suite $suite failed; see build/valgrind-$suite.log"; tail -40 "build/valgrind-$suite.log"
        vg_fail=$((vg_fail + 1))
    fi
done
echo "valgrind: $vg_pass suites clean, $vg_fail failed"
passed=$((passed + vg_pass)) failed=$((failed + vg_fail))
((vg_pass + vg_fail > 0)) || failed=$((failed + 1))

stage "valgrind memcheck of plancheck runs (each command on a small plan, and failing runs)"
scripts/valgrind_cli.sh "$PWD/build/plancheck" "$PWD/build/valgrind-cli" 2>&1 | tee build/valgrind-cli.log
count build/valgrind-cli.log

stage "short fuzz run (libFuzzer): plan files, profiles, command-line options"
scripts/fuzz.sh "${PC_FUZZ_SECONDS:-30}" 2>&1 | tee build/fuzz.log
count build/fuzz.log

summary
