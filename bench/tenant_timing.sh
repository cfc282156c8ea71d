#!/usr/bin/env bash
# Timing side channel between nations (issue 14, item 6), measured over real HTTP on loopback: GET and cancel of
#   (a) another nation's existing request id, (b) an absent id, (c) the caller's own id (GET only),
# each N times, interleaved, by a DE requester; prints the median and p90 latencies (µs) and the difference
# (a) - (b). Not a test: a benchmark whose numbers go to docs/architecture/api.md § Threat model.
# Usage: bench/tenant_timing.sh [path/to/vantage] [N]
set -euo pipefail
V=${1:-build/apps/cli/vantage}
N=${2:-2000}
TMP=$(mktemp -d)
trap 'kill "${PID:-}" 2>/dev/null || true; rm -rf "$TMP"' EXIT
DB="$TMP/timing.db"
FR=$("$V" admin create-token --db "$DB" --tenant FR --role requester | tail -1)
DE=$("$V" admin create-token --db "$DB" --tenant DE --role requester | tail -1)
"$V" serve --db "$DB" --port 0 --no-web --nation-rate 0 > "$TMP/out" 2> "$TMP/err" &
PID=$!
for _ in $(seq 1 100); do grep -q listening "$TMP/out" 2>/dev/null && break; sleep 0.1; done
PORT=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$TMP/out" | head -1)
/usr/bin/python3 - "$PORT" "$FR" "$DE" "$N" <<'PY'
import http.client, json, statistics, sys, time
port, fr, de, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
import datetime
day = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).strftime("%Y-%m-%d")
body = json.dumps({"target": {"lat_deg": 43.6, "lon_deg": 1.44}, "window_start_utc": day + "T00:00:00Z",
                   "window_end_utc": day + "T23:00:00Z", "priority": 5, "id": "secret-op-1"})
c = http.client.HTTPConnection("127.0.0.1", port)
def call(method, path, token, data=None):
    h = {"Authorization": "Bearer " + token}
    if data is not None:
        h["Content-Type"] = "application/json"
    t0 = time.perf_counter()
    c.request(method, path, body=data, headers=h)
    r = c.getresponse(); r.read()
    return r.status, (time.perf_counter() - t0) * 1e6
st, _ = call("POST", "/api/v1/requests", fr, body); assert st == 201, st
st, _ = call("POST", "/api/v1/requests", de, body); assert st == 201, st
cases = {"GET other nation's id": ("GET", "/api/v1/requests/FR:secret-op-1"),
         "GET absent id":         ("GET", "/api/v1/requests/FR:secret-op-2"),
         "GET own id":            ("GET", "/api/v1/requests/secret-op-1"),
         "cancel other nation's": ("POST", "/api/v1/requests/FR:secret-op-1/cancel"),
         "cancel absent id":      ("POST", "/api/v1/requests/FR:secret-op-2/cancel")}
times = {k: [] for k in cases}
for _ in range(200):  # warm-up
    for k, (m, p) in cases.items():
        if not k.startswith("cancel"): call(m, p, de)
import random
random.seed(1)
order = list(cases.items())
for i in range(n):
    random.shuffle(order)  # no case always follows another (caches, allocator)
    for k, (m, p) in order:
        st, us = call(m, p, de, "" if m == "POST" else None)
        times[k].append(us)
        exp = 200 if k == "GET own id" else 404
        assert st == exp, (k, st)
def q(v, f): v = sorted(v); return v[int(f * (len(v) - 1))]
print(f"{'case':26s} {'median µs':>10s} {'p90 µs':>10s}  (N={n}, loopback, keep-alive)")
for k, v in times.items():
    print(f"{k:26s} {statistics.median(v):10.1f} {q(v, 0.9):10.1f}")
for a, b in (("GET other nation's id", "GET absent id"), ("cancel other nation's", "cancel absent id")):
    print(f"difference {a!r} - {b!r}: {statistics.median(times[a]) - statistics.median(times[b]):+.1f} µs (median)")
PY
