#!/usr/bin/env python3
"""Benchmark (not a test) of the service's replan binding: `POST /api/v1/plan` inside the held horizon replans
incrementally (scheduling::Replanner in memory), against planning a new horizon afresh (`"new_horizon": true`),
in one run on one `vantage serve` (the example fleet of examples/access-demo.yaml, simulation clock).

Two nations submit N point requests over Europe for 2025-10-03; the first plan makes the horizon (24 h); the clock
moves on 2 h, U new requests arrive and one request is cancelled; then, on the same state, the incremental replan
and a new horizon are timed, and what each kept of the published plan is counted (acquisitions with the same id,
satellite and start). Prints one line per plan and the ratios.

    bench/service_replan.py [BUILD_DIR]        env: N=60 U=6 (Debian's /usr/bin/python3, standard library)
"""
import http.client
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build")
vantage = os.path.join(build, "apps", "cli", "vantage")
n = int(os.environ.get("N", "60"))
urgent = int(os.environ.get("U", "6"))
tmp = tempfile.mkdtemp(prefix="vantage-replan-bench-")
db = os.path.join(tmp, "bench.db")


def token(tenant, role):
    out = subprocess.run([vantage, "admin", "create-token", "--db", db, "--tenant", tenant, "--role", role],
                         check=True, capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


tokens = {"FR": token("FR", "requester"), "DE": token("DE", "requester")}
operator = token("FR", "operator")
out = open(os.path.join(tmp, "serve.out"), "w+")
err = open(os.path.join(tmp, "serve.err"), "w")
proc = subprocess.Popen([vantage, "serve", "--db", db, "--port", "0", "--no-web", "--scenario",
                         os.path.join(root, "examples", "access-demo.yaml"), "--simulate", "--sim-start",
                         "2025-10-03T00:00:00Z", "--sim-speed", "0.0001", "--nation-rate", "0"],
                        stdout=out, stderr=err)
try:
    deadline = time.monotonic() + 60
    while True:
        out.seek(0)
        m = re.search(r"listening on http://([0-9.]+):(\d+)", out.read())
        if m:
            host, port = m.group(1), int(m.group(2))
            break
        if proc.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"vantage serve did not start; see {tmp}/serve.err")
        time.sleep(0.05)

    def call(method, path, tok, body=None):
        c = http.client.HTTPConnection(host, port, timeout=600)
        c.request(method, path, body=None if body is None else json.dumps(body),
                  headers={"Authorization": f"Bearer {tok}", "Content-Type": "application/json"})
        r = c.getresponse()
        data = r.read()
        return r.status, json.loads(data) if data else None

    rng = random.Random(20261207)

    def submit(tenant, i):
        body = {"target": {"lat_deg": round(rng.uniform(38, 58), 4), "lon_deg": round(rng.uniform(-5, 25), 4)},
                "window_start_utc": "2025-10-03T00:00:00Z", "window_end_utc": "2025-10-04T00:00:00Z",
                "priority": rng.randint(3, 9), "id": f"bench.{i}"}
        s, j = call("POST", "/api/v1/requests", tokens[tenant], body)
        assert s == 201, (s, j)
        return j["id"]

    ids = [submit("FR" if i % 2 else "DE", i) for i in range(n)]

    def wait_decided():
        for _ in range(600):
            s, j = call("GET", "/api/v1/requests?status=SUBMITTED&limit=1", operator)
            if s == 200 and not j["items"]:
                return
            time.sleep(0.2)

    wait_decided()

    def plan(body):
        t0 = time.monotonic()
        s, j = call("POST", "/api/v1/plan", operator, body)
        dt = time.monotonic() - t0
        assert s == 201, (s, j)
        _, doc = call("GET", "/api/v1/plan", operator)
        return dt, j, {a["acquisition_id"]: (a["satellite"], a["start_utc"]) for a in doc["acquisitions"]}

    t_first, first, published = plan({"now_utc": "2025-10-03T00:00:00Z", "horizon_h": 24})
    print(f"first plan (new horizon, {n} requests): {t_first:.2f} s, {first['acquisitions']} acquisitions")
    for i in range(urgent):
        submit("FR", n + i)
    s, _ = call("POST", f"/api/v1/requests/{ids[0]}/cancel", tokens["DE"])
    wait_decided()
    now = {"now_utc": "2025-10-03T02:00:00Z"}
    t_inc, inc, after_inc = plan(now)
    kept_inc = sum(1 for k, v in after_inc.items() if published.get(k) == v)
    rp = inc["replan"]
    print(f"incremental replan at 02:00 (+{urgent} requests, 1 cancelled): {t_inc:.2f} s, {inc['acquisitions']} "
          f"acquisitions, {kept_inc} of {len(published)} published kept with their ids "
          f"(kept {rp['kept']}, frozen {rp['frozen']}, moved {rp['moved']}, added {rp['added']}, "
          f"removed {rp['removed']}), value {inc['metrics']['value']}")
    t_new, new, after_new = plan(dict(now, new_horizon=True, horizon_h=22))
    same = sum(1 for v in after_new.values() if v in set(published.values()))
    print(f"new horizon at 02:00 (afresh): {t_new:.2f} s, {new['acquisitions']} acquisitions, "
          f"0 of {len(published)} published ids kept ({same} at the same satellite and time under new ids), "
          f"value {new['metrics']['value']}")
    print(f"RESULT incremental_s {t_inc:.2f} new_horizon_s {t_new:.2f} ratio {t_new / max(t_inc, 1e-9):.2f} "
          f"kept_ids {kept_inc}/{len(published)}")
finally:
    proc.terminate()
    proc.wait()
