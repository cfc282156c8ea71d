#!/usr/bin/env bash
# ASan + UBSan Debug build of the library and its unit tests (label `unit`, without `slow`).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-asan}
t0=$(date +%s)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DVANTAGE_SANITIZE=ON -DVANTAGE_WERROR=ON -DVANTAGE_BUILD_PYTHON=OFF -DVANTAGE_BUILD_TESTS=ON
cmake --build "$build" -j2
t1=$(date +%s)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" --output-on-failure -j2 -L unit -LE slow --timeout 1500 --no-tests=error
t2=$(date +%s)
printf '\nelapsed (sanitizers): build %ss, tests %ss\n' $((t1 - t0)) $((t2 - t1))
