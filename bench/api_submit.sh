#!/usr/bin/env bash
# Submission benchmark of `vantage serve` (not a test): wrk (Debian) on loopback POSTs requests for DURATION
# seconds over CONNECTIONS keep-alive connections; every 201 is a durable write (SQLite WAL synchronous=FULL or
# PostgreSQL synchronous_commit=on, group commit). Prints submissions/s and latency percentiles, then checks
# that the store holds exactly as many requests as wrk got 201s. Meanwhile bench/slow_clients.py holds HOLD
# connections open (half idle, half trickling one header line every 3 s; reopened when the server closes them),
# as issue 14 asks: the figures are measured under that load.
#   bench/api_submit.sh [BUILD_DIR]            env: DURATION=10 CONNECTIONS=64 THREADS=2 DB=<sqlite file or
#                                              postgresql:// URL> SERVER_THREADS=16 HOLD=1000 SCENARIO=<yaml:
#                                              feasibility too> SERVE_ARGS=<more `vantage serve` options>
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
v="$build/apps/cli/vantage"
duration=${DURATION:-10}; connections=${CONNECTIONS:-64}; threads=${THREADS:-2}; hold=${HOLD:-1000}
tmp=$(mktemp -d)
db=${DB:-$tmp/bench.db}
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }
token=$("$v" admin create-token --db "$db" --tenant FR --role requester 2>/dev/null | tail -1)
optoken=$("$v" admin create-token --db "$db" --tenant FR --role operator 2>/dev/null | tail -1)
# One nation floods at full speed (the store is measured, not the per-nation limiter: --nation-rate 0, no quota);
# the simulation clock keeps the requests' 2025-10-03 window open (a window that has ended is refused otherwise).
extra=(--simulate --sim-start 2025-10-03T00:00:00Z --nation-rate 0 --nation-max-open 0)
if [ -n "${SCENARIO:-}" ]; then extra+=(--scenario "$SCENARIO"); fi
# shellcheck disable=SC2086
"$v" serve --db "$db" --port 0 --no-web --threads "${SERVER_THREADS:-16}" ${SERVE_ARGS:-} "${extra[@]}" >"$tmp/out" 2>"$tmp/err" &
pid=$!
holder=""
trap 'kill $holder 2>/dev/null || true; kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do grep -q "listening on" "$tmp/out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$tmp/out")
echo "vantage serve at $url, store ${db%%\?*}, $(nproc) cores; wrk -t$threads -c$connections -d${duration}s; $hold slow connections held"
if [ "$hold" -gt 0 ]; then
  port=${url##*:}
  ulimit -n "$(ulimit -Hn)" # the holder's sockets
  /usr/bin/python3 "$root/bench/slow_clients.py" 127.0.0.1 "$port" "$hold" 3 $((duration + 60)) >"$tmp/hold" 2>&1 &
  holder=$!
  for _ in $(seq 100); do grep -q "connections open" "$tmp/hold" 2>/dev/null && break; sleep 0.1; done
  head -1 "$tmp/hold"
fi
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; } # utime + stime of the server (clock ticks)
cpu0=$(cpu)
VANTAGE_TOKEN=$token wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$root/bench/api_submit.lua" \
  "$url/api/v1/requests" >"$tmp/wrk" 2>&1 || { cat "$tmp/wrk"; exit 1; }
result=$(grep '^RESULT' "$tmp/wrk")
if [ -n "$holder" ]; then kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null || true; tail -1 "$tmp/hold"; fi
cpu_s=$(awk -v a="$cpu0" -v b="$(cpu)" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz }')
# Count what the store holds (operator token: all nations), page by page.
stored=0; cursor=""
while :; do
  page=$(curl -s -H "Authorization: Bearer $optoken" "$url/api/v1/requests?limit=500${cursor:+&cursor=$cursor}")
  n=$(printf '%s' "$page" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
  stored=$((stored + n))
  cursor=$(printf '%s' "$page" | /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin)["next_cursor"]; print(c or "")')
  [ -z "$cursor" ] && break
done
echo "$result stored $stored server_cpu_s $cpu_s load $(cut -d' ' -f1 /proc/loadavg)"
# wrk counts the answers it read before the end; the requests in flight then (at most one per connection) were
# stored too.
awk -v r="$result" -v s="$stored" -v c="$connections" -v cpu="$cpu_s" 'BEGIN { split(r, f, " ");
  for (i = 2; i < length(f); i += 2) v[f[i]] = f[i + 1];
  ok = v["requests"] - v["non_2xx"];
  printf "submissions/s %s, p50 %s ms, p99 %s ms (goal: >= 2000/s, p99 < 50 ms); server CPU %.0f us per submission;",
    v["submissions_per_s"], v["p50_ms"], v["p99_ms"], 1e6 * cpu / v["requests"];
  printf " 201s %d, stored %d%s\n", ok, s, (s >= ok && s <= ok + c ? "" : "  MISMATCH: lost or extra requests") }'
