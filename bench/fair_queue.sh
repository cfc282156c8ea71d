#!/usr/bin/env bash
# Fair queuing across nations (issue 14, item 3), over real HTTP: FR floods N submissions from 8 connections
# (the per-nation rate limit off, to fill the queue), then DE submits one request; prints how long DE's request
# stays SUBMITTED and how much of FR's backlog is still SUBMITTED when DE's is decided. A second run with the
# default limits counts FR's 429s. Not a test (numbers go to docs/architecture/api.md § Quotas and fairness).
# Usage: bench/fair_queue.sh [path/to/vantage] [N]
set -euo pipefail
V=${1:-build/apps/cli/vantage}
N=${2:-5000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'kill "${PID:-}" 2>/dev/null || true; rm -rf "$TMP"' EXIT
run() { # $1: label, rest: extra serve options
  local label=$1; shift
  rm -f "$TMP"/s.db*
  local fr de op
  fr=$("$V" admin create-token --db "$TMP/s.db" --tenant FR --role requester | tail -1)
  de=$("$V" admin create-token --db "$TMP/s.db" --tenant DE --role requester | tail -1)
  op=$("$V" admin create-token --db "$TMP/s.db" --tenant FR --role operator | tail -1)
  "$V" serve --db "$TMP/s.db" --port 0 --no-web --scenario "$ROOT/examples/access-demo.yaml" --simulate \
    --sim-start 2025-10-03T00:00:00Z "$@" > "$TMP/out" 2> "$TMP/err" &
  PID=$!
  for _ in $(seq 1 100); do grep -q listening "$TMP/out" 2>/dev/null && break; sleep 0.1; done
  local port
  port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$TMP/out" | head -1)
  echo "== $label"
  /usr/bin/python3 - "$port" "$fr" "$de" "$op" "$N" <<'PY'
import http.client, json, sys, threading, time
port, fr, de, op, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
def body(lat, lon):
    return json.dumps({"target": {"lat_deg": lat, "lon_deg": lon}, "window_start_utc": "2025-10-03T00:00:00Z",
                       "window_end_utc": "2025-10-04T00:00:00Z", "priority": 5})
codes = {}
lock = threading.Lock()
def flood(k):
    c = http.client.HTTPConnection("127.0.0.1", port)
    for i in range(k, n, 8):
        c.request("POST", "/api/v1/requests", body(43.6, 1.44), {"Authorization": "Bearer " + fr, "Content-Type": "application/json"})
        r = c.getresponse(); r.read()
        with lock: codes[r.status] = codes.get(r.status, 0) + 1
t0 = time.time()
th = [threading.Thread(target=flood, args=(k,)) for k in range(8)]
for t in th: t.start()
for t in th: t.join()
t1 = time.time()
c = http.client.HTTPConnection("127.0.0.1", port)
def call(m, p, tok, b=None):
    c.request(m, p, b, {"Authorization": "Bearer " + tok, "Content-Type": "application/json"})
    r = c.getresponse(); return r.status, json.loads(r.read())
st, j = call("POST", "/api/v1/requests", de, body(48.14, 11.58)); assert st == 201, j
sub = time.time(); did = j["id"]
while True:
    st, j = call("GET", "/api/v1/requests/" + did, de)
    if j["status"] != "SUBMITTED" or time.time() - sub > 600: break
    time.sleep(0.02)
waited = time.time() - sub
left = 0; cur = None
while True:
    st, j = call("GET", "/api/v1/requests?tenant=FR&status=SUBMITTED&limit=500" + (f"&cursor={cur}" if cur else ""), op)
    left += len(j["items"]); cur = j["next_cursor"]
    if not cur: break
print(f"FR flood: {n} POSTs in {t1 - t0:.1f} s, answers {dict(sorted(codes.items()))}")
print(f"DE request {did}: decided {waited:.2f} s after submission; FR requests still SUBMITTED then: {left}")
PY
  kill "$PID"; wait "$PID" 2>/dev/null || true
}
run "rate limit off (--nation-rate 0): the queue holds FR's whole flood" --nation-rate 0
run "default limits (50/s, burst 500, 10000 open)"
