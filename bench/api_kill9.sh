#!/usr/bin/env bash
# Crash benchmark of `vantage serve` (not a test): kill -9 during a burst of submissions, on SQLite and on
# PostgreSQL. Each run starts from a fresh store; CLIENTS threads submit SUBMISSIONS point requests in total, each
# with its own Idempotency-Key; the server is killed with SIGKILL at a random moment between 20 % and 80 % of the
# acknowledgements, restarted on the same store, and every client sends all its keys again (sent or not,
# answered or not). It counts acknowledged requests lost (an acknowledged key that no longer answers its first
# id, or whose request is not stored) and duplicates (stored requests beyond one per key; the store must hold
# exactly SUBMISSIONS). One line per run, one summary line per store; exit status 1 on any loss or duplicate.
# tests/api/crash_test.cpp is the one-run version in CTest (SQLite, 8 clients, kill after 200 acknowledgements).
# The runs themselves are bench/api_kill9.py (Debian's python3, standard library only).
#   bench/api_kill9.sh [BUILD_DIR]     env: RUNS=10 SUBMISSIONS=1000 CLIENTS=4 STORES="sqlite postgresql"
#                                      SEED=<random; printed, picks the kill points>
# PostgreSQL runs in a throw-away cluster: the script runs itself again under pg_virtualenv (as
# tests/store/run_postgres_suite.sh does; a database per run); SKIPPED when no server binary is installed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
v="$build/apps/cli/vantage"
[ -x "$v" ] || { echo "no $v: build first (or pass BUILD_DIR)"; exit 1; }
export RUNS=${RUNS:-10} SUBMISSIONS=${SUBMISSIONS:-1000} CLIENTS=${CLIENTS:-4}
stores=${STORES:-sqlite postgresql}

# Inside pg_virtualenv (the re-run below): only the PostgreSQL runs, against the cluster it started.
if [ -n "${VANTAGE_KILL9_IN_PG:-}" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  if /usr/bin/python3 "$root/bench/api_kill9.py" "$v" postgresql "$tmp"; then exit 0; fi
  trap - EXIT; echo "(server logs kept in $tmp; the cluster is gone)"; exit 1
fi

start=$(date +%s)
echo "vantage serve kill -9 runs: $v, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
status=0
for store in $stores; do
  case $store in
    sqlite)
      tmp=$(mktemp -d)
      if /usr/bin/python3 "$root/bench/api_kill9.py" "$v" sqlite "$tmp"; then rm -rf "$tmp"
      else status=1; echo "(SQLite stores and server logs kept in $tmp)"; fi ;;
    postgresql)
      server=$(ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -1 || true)
      if [ -z "$server" ]; then
        echo "store postgresql SKIPPED: no PostgreSQL server binary (/usr/lib/postgresql/*/bin/postgres)"
      elif ! command -v pg_virtualenv >/dev/null; then
        echo "store postgresql SKIPPED: $server is installed but pg_virtualenv (postgresql-common) is not"
      else
        version=$(basename "$(dirname "$(dirname "$server")")")
        echo "PostgreSQL $version (pg_virtualenv)"
        VANTAGE_KILL9_IN_PG=1 pg_virtualenv -v "$version" "$0" "$build" || status=1
      fi ;;
    *) echo "unknown store '$store' (STORES: sqlite postgresql)"; status=1 ;;
  esac
done
echo "wall_s $(( $(date +%s) - start ))"
exit "$status"
