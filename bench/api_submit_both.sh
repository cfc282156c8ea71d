#!/usr/bin/env bash
# The submission benchmark (bench/api_submit.sh: wrk over 32 nations under the per-nation limiter, one nation
# flooding, 1,000 slow connections held) on SQLite and then on PostgreSQL, same build, same machine, one after
# the other; RUNS times (each run: SQLite, then PostgreSQL). Not a test. Each store is fresh: a new SQLite file;
# a throw-away PostgreSQL cluster per run (pg_virtualenv, as tests/store/run_postgres_suite.sh; a new database
# in it). Prints each run's output, then the SUMMARY lines side by side and the ratio PostgreSQL/SQLite of
# submissions/s and of p99. PostgreSQL is SKIPPED (said so) when no server binary is installed.
# Exit status 1 when a run failed, lost or added requests (stored MISMATCH) or refused a measured nation.
#   bench/api_submit_both.sh [BUILD_DIR]     env: RUNS=1, and what bench/api_submit.sh reads (DURATION=10,
#                                            CONNECTIONS, NATIONS, NATION_RATE, FLOOD, HOLD, ...; not DB)
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
[ -x "$build/apps/cli/vantage" ] || { echo "no $build/apps/cli/vantage: build first (or pass BUILD_DIR)"; exit 1; }
runs=${RUNS:-1}
unset DB
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
server=$(ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -1 || true)
pg_skip=""
if [ -z "$server" ]; then
  pg_skip="no PostgreSQL server binary (/usr/lib/postgresql/*/bin/postgres)"
elif ! command -v pg_virtualenv >/dev/null; then
  pg_skip="$server is installed but pg_virtualenv (postgresql-common) is not"
fi
version=""; [ -n "$server" ] && version=$(basename "$(dirname "$(dirname "$server")")")
echo "api_submit_both: $build/apps/cli/vantage, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $runs run(s)"
status=0
for run in $(seq "$runs"); do
  echo "== run $run: SQLite"
  bash "$root/bench/api_submit.sh" "$build" 2>&1 | tee "$log/sqlite.$run" || status=1
  echo "== run $run: PostgreSQL"
  if [ -n "$pg_skip" ]; then
    echo "store postgresql SKIPPED: $pg_skip" | tee "$log/postgresql.$run"
  else
    echo "PostgreSQL $version (pg_virtualenv: a fresh cluster, database vantage_bench)"
    pg_virtualenv -v "$version" bash -c 'createdb vantage_bench && DB=postgresql:///vantage_bench bash "$0" "$1"' \
      "$root/bench/api_submit.sh" "$build" 2>&1 | tee "$log/postgresql.$run" || status=1
  fi
done
echo
echo "== summary (submissions/s, p50 and p99 of the measured nations; flood: its answers/s, 201s and 429s during the measurement)"
field() { # $1: SUMMARY line, $2: key
  awk -v k="$2" '{ for (i = 2; i < NF; i += 2) if ($i == k) { print $(i + 1); exit } }' <<<"$1"
}
for run in $(seq "$runs"); do
  sq=$(grep '^SUMMARY' "$log/sqlite.$run" || true)
  pg=$(grep '^SUMMARY' "$log/postgresql.$run" || true)
  echo "run $run SQLite:     ${sq:-no result}"
  if [ -n "$pg_skip" ]; then echo "run $run PostgreSQL: SKIPPED: $pg_skip"; else echo "run $run PostgreSQL: ${pg:-no result}"; fi
  for line in "$sq" "$pg"; do
    [ -z "$line" ] && continue
    if [ "$(field "$line" stored)" != ok ] || [ "$(field "$line" non_201)" != 0 ]; then status=1; fi
  done
  [ -z "$sq" ] && status=1
  [ -z "$pg_skip" ] && [ -z "$pg" ] && status=1
  if [ -n "$sq" ] && [ -n "$pg" ]; then
    awk -v run="$run" -v a="$(field "$sq" submissions_per_s)" -v b="$(field "$pg" submissions_per_s)" \
        -v p="$(field "$sq" p99_ms)" -v q="$(field "$pg" p99_ms)" \
        'BEGIN { printf "run %s PostgreSQL/SQLite: submissions/s %.2f (%s / %s), p99 %.2f (%s / %s ms)\n", run,
                 (a > 0 ? b / a : 0), b, a, (p > 0 ? q / p : 0), q, p }'
  fi
done
exit "$status"
