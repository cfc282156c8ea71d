#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and runs each for SECONDS
# (default 600) on a copy of the committed seed corpus. Exits non-zero on any crash, leak, timeout
# or sanitizer report; crash inputs are left in build-fuzz/artifacts/.
#   usage: tools/fuzz.sh [SECONDS]
set -euo pipefail
seconds="${1:-600}"
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-fuzz"
jobs="${FUZZ_BUILD_JOBS:-2}"

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DVANTAGE_BUILD_FUZZ=ON -DVANTAGE_BUILD_TESTS=OFF -DVANTAGE_BUILD_PYTHON=OFF -DVANTAGE_BUILD_BENCH=OFF \
  -DVANTAGE_BUILD_SERVER=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target tle_fuzz omm_fuzz request_json_fuzz

status=0
for name in tle omm request_json; do
  corpus="$build/corpus/$name"
  mkdir -p "$corpus" "$build/artifacts/$name"
  cp -n "$root/fuzz/corpus/$name/"* "$corpus/" 2>/dev/null || true
  echo "== ${name}_fuzz for ${seconds}s"
  rc=0
  "$build/fuzz/${name}_fuzz" "$corpus" -max_len=4096 -max_total_time="$seconds" -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/$name/" >"$build/${name}_fuzz.log" 2>&1 || rc=$?
  grep -E "^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|Done|SUMMARY)" \
    "$build/${name}_fuzz.log" || true
  if [ "$rc" -ne 0 ] || grep -qE "ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error:" "$build/${name}_fuzz.log"; then
    echo "!! ${name}_fuzz failed (exit $rc): see $build/${name}_fuzz.log and $build/artifacts/$name/"
    tail -40 "$build/${name}_fuzz.log"
    status=1
  fi
done
exit $status
