#!/usr/bin/env bash
# Reproducible cost of the access engine: callgrind instruction counts per window, for the cases of
# bench/access_bench.cpp (A: satellites x 1 station x days; B: satellites x 10,000-point grid x 1 day; C: Walker x
# 41,253-point grid x 1 day, 30 deg cone, edges only). Wall-clock timings on shared 2-vCPU machines are noisy;
# instruction counts are not.
#
# Collection is switched on only inside vantage::access::find_station_passes / find_target_access /
# stream_target_access (the search:
# ephemerides, pruning, kernel, edges, best times, attributes, result vectors; not the bench's setup), one thread,
# forced to one SIMD target (default AVX2: valgrind does not emulate AVX-512).
#
# Usage: bench/callgrind_access.sh [BUILD_DIR]   (default build; needs the access_bench target, -DVANTAGE_BUILD_BENCH=ON)
# Env:   CASE (B) SATS (4) ATTRIBUTES (1) SIMD (AVX2) TLE (unset: synthetic LEO) EOP (unset) TOP (8) EXTRA (more
#        access_bench options, e.g. "--days 1")
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build}
bench=$build/bench/access_bench
CASE=${CASE:-B}
SATS=${SATS:-4}
ATTRIBUTES=${ATTRIBUTES:-1}
SIMD=${SIMD:-AVX2}
TOP=${TOP:-8}
[ -x "$bench" ] || { echo "callgrind_access: $bench not built" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=(--case "$CASE" --sats "$SATS" --reps 1 --threads 1 --attributes "$ATTRIBUTES" --simd "$SIMD")
[ -n "${TLE:-}" ] && args+=(--tle "$TLE")
[ -n "${EOP:-}" ] && args+=(--eop "$EOP")
# shellcheck disable=SC2206
[ -n "${EXTRA:-}" ] && args+=($EXTRA)
valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
  --toggle-collect='vantage::access::find_station_passes*' --toggle-collect='vantage::access::find_target_access*' \
  --toggle-collect='vantage::access::stream_target_access*' \
  "$bench" "${args[@]}" >"$work/bench.txt" 2>"$work/vg.txt"
cat "$work/bench.txt"
windows=$(sed -n 's/.*windows=\([0-9]*\).*/\1/p' "$work/bench.txt")
total=$(callgrind_annotate "$work/cg.out" 2>/dev/null | awk '/PROGRAM TOTALS/ && !done {gsub(",", "", $1); print $1; done = 1}')
awk -v t="$total" -v w="$windows" 'BEGIN { printf "instructions %d, windows %d, instructions_per_window %.0f\n", t, w, t / w }'
callgrind_annotate --inclusive=no "$work/cg.out" 2>/dev/null |
  awk -v w="$windows" -v top="$TOP" '
    /file:function/ { on = 1; next }
    on && $1 ~ /^[0-9,]+$/ {
      n = $1; gsub(",", "", n); line = $0; sub(/^ *[0-9,]+ *(\([^)]*\))? */, "", line);
      if (length(line) > 100) line = substr(line, 1, 100) "...";
      if (k++ < top) printf "  %8.1f  %s\n", n / w, line }' || true
