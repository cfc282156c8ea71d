#!/usr/bin/env bash
# CoverageMpi: `mpirun -np 2 vantage coverage` splits the points over two processes and writes byte-identical
# points.csv, summary.json and coverage.geojson to the single-process run; run.json shows two ranks (two pids)
# that computed disjoint chunks covering every point.
# Usage: coverage_mpi.sh VANTAGE SCENARIO WORKDIR [extra coverage options...]
set -euo pipefail
V=$1; S=$2; W=$3; shift 3
rm -rf "$W"; mkdir -p "$W"
"$V" coverage --scenario "$S" --out "$W/one" --quiet "$@"
# OpenMPI refuses root without these (CI runs as root); --oversubscribe allows 2 ranks on fewer cores.
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
  mpirun --allow-run-as-root --oversubscribe -np 2 "$V" coverage --scenario "$S" --out "$W/two" --quiet "$@"
for f in points.csv summary.json coverage.geojson; do
  cmp "$W/one/$f" "$W/two/$f"
  echo "identical: $f ($(wc -c < "$W/one/$f") bytes)"
done
/usr/bin/python3 - "$W" <<'PY'
import json, sys
w = sys.argv[1]
one, two = (json.load(open(f"{w}/{d}/run.json")) for d in ("one", "two"))
assert one["ranks"] == 1 and not one["mpi"], one
assert two["ranks"] == 2 and two["mpi"], two
ranks = two["per_rank"]
assert len(ranks) == 2 and ranks[0]["pid"] != ranks[1]["pid"], ranks
size, n = two["chunk_size"], two["points"]
sets = [set(i for c in r["chunks"] for i in range(c * size, min(n, (c + 1) * size))) for r in ranks]
assert not (sets[0] & sets[1]), "ranks overlap"
assert sets[0] | sets[1] == set(range(n)), "points missing"
assert all(r["points"] == len(s) > 0 for r, s in zip(ranks, sets)), ranks
print(f"ranks: 2 processes (pids {ranks[0]['pid']}, {ranks[1]['pid']}), disjoint point sets of "
      f"{len(sets[0])} + {len(sets[1])} = {n} points")
PY
