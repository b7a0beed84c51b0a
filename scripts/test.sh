#!/usr/bin/env bash
# test.sh: install what is missing, build, and run the whole test suite (CUnit suites and script checks via ctest).
#   scripts/test.sh          everything: the suite, then the sanitizer build, valgrind and a short fuzz run
#                            (PC_FUZZ_SECONDS per fuzz target, default 30)
#   scripts/test.sh --quick  the suite only
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[[ "${1:-}" == "--quick" ]] && quick=1
scripts/setup.sh --tests
jobs=$(nproc)

echo "== test suite (ctest)"
(cd build && ctest --output-on-failure -j"$jobs")

if ((quick)); then exit 0; fi

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPC_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs" >/dev/null
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$PWD/../tests/lsan.supp \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j"$jobs" -LE script)

echo "== valgrind memcheck of the unit suites"
status=0
for suite in $(build/plancheck_tests --list 2>/dev/null); do
    if ! valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
            --suppressions=tests/valgrind.supp build/plancheck_tests "$suite" >"build/valgrind-$suite.log" 2>&1; then
        echo "valgrind: suite $suite failed; see build/valgrind-$suite.log"; tail -40 "build/valgrind-$suite.log"
        status=1
    fi
done
((status == 0)) && echo "valgrind: all suites clean"

echo "== short fuzz run (libFuzzer): plan files, profiles, command-line options"
scripts/fuzz.sh "${PC_FUZZ_SECONDS:-30}" || status=1
exit $status
