#!/usr/bin/env bash
# Install the dependencies, build everything, run every test (ctest: unit, cli, slow labels).
# Usage: bash tools/ci/build_and_test.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
stage() { printf '\n=== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }
t0=$(date +%s)

stage "install dependencies"
bash tools/ci/install_deps.sh
t1=$(date +%s)

stage "configure + build ($build)"
# Every option explicit: the build dir may hold a cache from the demo (tests off).
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DVANTAGE_WERROR=ON \
  -DVANTAGE_BUILD_TESTS=ON -DVANTAGE_BUILD_PYTHON=ON
cmake --build "$build" -j2
t2=$(date +%s)

stage "ctest"
ctest --test-dir "$build" --output-on-failure -j2 --timeout 1500 --no-tests=error
t3=$(date +%s)

printf '\nelapsed: install %ss, build %ss, tests %ss, total %ss\n' $((t1 - t0)) $((t2 - t1)) $((t3 - t2)) $((t3 - t0))
