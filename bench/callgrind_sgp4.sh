#!/usr/bin/env bash
# Reproducible cost of the batch SGP4 path: callgrind instruction counts per propagated state.
# Wall-clock timings on shared 2-vCPU machines are noisy; instruction counts are not.
#
# Runs `vantage bench sgp4` under callgrind with collection switched on only inside
# vantage::orbits::propagate_batch_stream (time conversion + kernel + streaming; not the element-set
# setup, not the bench's consumer loop), forced to one SIMD target (default AVX2: valgrind does not
# emulate AVX-512), and prints instructions/state in total and for the top functions.
#
# Usage: bench/callgrind_sgp4.sh [BUILD_DIR]   (default build-simd2; needs the `vantage` target)
# Env:   SATS (200) TIMES (1440) SIMD (AVX2) TLE (unset: synthetic LEO; set: a TLE file) TOP (8)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build-simd2}
vantage=$build/apps/cli/vantage
SATS=${SATS:-200}
TIMES=${TIMES:-1440}
SIMD=${SIMD:-AVX2}
TOP=${TOP:-8}
[ -x "$vantage" ] || { echo "callgrind_sgp4: $vantage not built" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=(--sats "$SATS")
[ -n "${TLE:-}" ] && src=(--tle "$TLE")
valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
  --toggle-collect='vantage::orbits::propagate_batch_stream*' \
  "$vantage" bench sgp4 "${src[@]}" --times "$TIMES" --repeat 1 --threads 1 --simd "$SIMD" >"$work/bench.txt" 2>"$work/vg.txt"
states=$(awk '/^states / {print $2}' "$work/bench.txt" | tr -d ,)
sed -n '1,2p' "$work/bench.txt"
total=$(callgrind_annotate "$work/cg.out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}')
awk -v t="$total" -v s="$states" 'BEGIN { printf "instructions %d, states %d, instructions_per_state %.1f\n", t, s, t / s }'
callgrind_annotate --inclusive=no "$work/cg.out" 2>/dev/null |
  awk -v s="$states" -v top="$TOP" '
    /file:function/ { on = 1; next }
    on && $1 ~ /^[0-9,]+$/ {
      n = $1; gsub(",", "", n); line = $0; sub(/^ *[0-9,]+ *(\([^)]*\))? */, "", line);
      if (length(line) > 100) line = substr(line, 1, 100) "...";
      printf "  %8.1f  %s\n", n / s, line; if (++k >= top) exit }'
echo "(the std::_Function_handler line is the bench's own consumer of each chunk, not propagation)"
