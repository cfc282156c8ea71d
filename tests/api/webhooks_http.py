#!/usr/bin/python3
"""End-to-end test of the webhooks of `vantage serve` (ctest `api.webhooks_http`), over real HTTP, stdlib only.

Server A runs examples/access-demo.yaml in simulation (from 2025-10-03T00:00:00Z at 1200x, so planned acquisitions
are ACQUIRED and DELIVERED within about a minute) with --webhook-allow-private --webhook-allow-http
--webhook-max-backoff-s 2; a local receiver (http.server) records every delivery and answers 500 to a seeded ~20%
of first attempts so that retries happen. Checks:
  1. every delivery's Standard Webhooks signature recomputed here with hmac/hashlib/base64 (and the published test
     vector reproduced by the same verifier);
  2. exactly once after de-duplication by webhook-id across a kill -9 of the server mid-delivery (one 200 held
     back so that the server dies before hearing it: that event must come again) and a restart on the same store:
     the distinct ids received == the nation's events (GET /api/v1/events), in seq order, same body per id;
  3. isolation: DE's events never reach FR's webhook, DE sees only DE events, FR gets 404 on DE's webhook,
     a requester gets 403 creating one;
  4. SSRF policy on server B (no allow flags): http, private / loopback / link-local literals, localhost and
     credentials refused (400, field url), a public name accepted, a name resolving to loopback accepted but its
     delivery refused naming the address; on A a 302 is a failed attempt and its target is never requested;
  5. a disabled webhook gets none of the later events;
  plus since_seq 0 (every stored event) against the default (from now on).
It prints one PASS/FAIL line per check, the servers' log tails on failure, and exits non-zero on any failure.

Usage: webhooks_http.py --vantage PATH --source-dir REPO --workdir DIR
"""

import argparse
import base64
import collections
import ctypes
import hashlib
import hmac
import http.client
import http.server
import ipaddress
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse

SIM = ["--simulate", "--sim-start", "2025-10-03T00:00:00Z", "--sim-speed", "1200"]
ALLOW = ["--webhook-allow-private", "--webhook-allow-http", "--webhook-max-backoff-s", "2"]
WINDOW = {"window_start_utc": "2025-10-03T00:00:00Z", "window_end_utc": "2025-10-04T00:00:00Z"}
VECTOR = ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
          b'{"test": 2432232314}', "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
FAILURES = []


def check(name, ok, detail=""):
    if not ok:
        FAILURES.append(name)
    print(f"{'PASS' if ok else 'FAIL'} {name}" + ("" if ok or detail == "" else f": {str(detail)[:600]}"), flush=True)
    return ok


# ------------------------------------------------------------------------------------------- Standard Webhooks

def sign(secret, msg_id, ts, body):
    key = base64.b64decode(secret[len("whsec_"):], validate=True)
    mac = hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def verify(secret, headers, body, now):
    """None when the delivery is authentic (signature and a timestamp within 5 minutes of `now`), else why not."""
    wid, ts, sigs = (headers.get(h, "") for h in ("webhook-id", "webhook-timestamp", "webhook-signature"))
    if not (wid and ts.isdigit() and sigs):
        return f"missing webhook-* headers: {headers}"
    if abs(now - int(ts)) > 300:
        return f"timestamp {ts} is more than 5 minutes from {now:.0f}"
    expected = sign(secret, wid, int(ts), body)
    return None if any(hmac.compare_digest(expected, s) for s in sigs.split()) else f"bad signature {sigs}"


# ------------------------------------------------------------------------------------------- receiver

class Receiver:
    """Records every POST (path, headers, body, status answered). /hook: 500 to a seeded ~20% of first attempts;
    /redirect: 302 to /elsewhere; anything else: 200."""

    def __init__(self):
        self.lock, self.hits, self.first_seen, self.rng = threading.Lock(), [], set(), random.Random(20251003)
        self.hold_s, self.held = 0.0, []  # hold_s > 0: /hook's 200s are recorded, then answered that late
        rec = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def handle_one(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                path, wid = self.path, headers.get("webhook-id", "")
                with rec.lock:
                    status = 200
                    if path == "/redirect":
                        status = 302
                    elif path == "/hook" and wid not in rec.first_seen:
                        rec.first_seen.add(wid)
                        status = 500 if rec.rng.random() < 0.2 else 200
                    rec.hits.append({"method": self.command, "path": path, "headers": headers, "body": body,
                                     "complete": len(body) == n, "status": status, "time": time.time()})
                    hold = rec.hold_s if path == "/hook" and status == 200 else 0.0
                    if hold:
                        rec.held.append(wid)
                time.sleep(hold)
                try:
                    self.send_response(status)
                    if status == 302:
                        self.send_header("Location", f"http://127.0.0.1:{rec.port}/elsewhere")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the server was killed mid-delivery

            do_POST = do_GET = handle_one

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_port
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def snapshot(self, path=None):
        with self.lock:
            return [h for h in self.hits if path is None or h["path"] == path]

    def accepted_ids(self, path):
        return {h["headers"].get("webhook-id") for h in self.snapshot(path) if h["status"] == 200 and h["complete"]}


# ------------------------------------------------------------------------------------------- server and HTTP

def die_with_parent():
    try:  # Linux: the server gets SIGKILL if this script dies (a ctest timeout), never a stray process
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Server:
    def __init__(self, args, name, flags):
        self.vantage, self.flags = args.vantage, flags
        self.scenario = os.path.join(args.source_dir, "examples", "access-demo.yaml")
        folder = os.path.join(args.workdir, name)
        os.makedirs(folder)
        self.name, self.db, self.log_path = name, os.path.join(folder, "service.db"), os.path.join(folder, "server.log")
        self.stdout, self.proc, self.port = collections.deque(maxlen=30), None, 0

    def token(self, tenant, role):
        out = subprocess.run([self.vantage, "admin", "create-token", "--db", self.db, "--tenant", tenant, "--role", role],
                             check=True, capture_output=True, text=True, timeout=60).stdout
        return out.strip().splitlines()[-1]

    def start(self):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([self.vantage, "serve", "--db", self.db, "--port", "0", "--no-web",
                                          "--scenario", self.scenario] + self.flags,
                                         stdout=subprocess.PIPE, stderr=log, preexec_fn=die_with_parent)
        first = []
        reader = threading.Thread(target=lambda: first.append(self.proc.stdout.readline().decode()), daemon=True)
        reader.start()
        reader.join(120)
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", first[0] if first else "")
        if not m:
            raise RuntimeError(f"vantage serve ({self.name}) said: {first!r}")
        self.port = int(m.group(1))

        def drain():
            for line in self.proc.stdout:
                self.stdout.append(line.decode(errors="replace").rstrip())
        threading.Thread(target=drain, daemon=True).start()

    def kill9(self):
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill9()

    def log_tail(self, n=40):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return "\n".join([f"--- server {self.name} stderr (tail) ---"] + f.read().splitlines()[-n:]
                             + ["--- stdout (tail) ---"] + list(self.stdout))


class Client:
    """Calls the server's current port (it changes on restart)."""

    def __init__(self, server, token):
        self.server, self.token = server, token

    def call(self, method, path, body=None):
        h = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        data = None if body is None else json.dumps(body).encode()
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=120)
        try:
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            raw = r.read()
        finally:
            conn.close()
        try:
            return r.status, json.loads(raw)
        except ValueError:
            return r.status, raw[:300]

    def pages(self, path, limit=50):
        """Every item of a cursor-paged list."""
        items, cursor = [], ""
        while True:
            q = f"{path}?limit={limit}" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
            status, body = self.call("GET", q)
            if status != 200:
                raise RuntimeError(f"GET {q} -> {status} {body}")
            items += body["items"]
            if len(body["items"]) < limit or not body.get("next_cursor"):
                return items
            cursor = body["next_cursor"]

    def webhook(self, wid):
        return next((w for w in self.call("GET", "/api/v1/webhooks")[1]["items"] if w["id"] == wid), {})

    def create(self, url, **extra):
        return self.call("POST", "/api/v1/webhooks", dict(url=url, **extra))

    def submit(self, lat, lon):
        status, body = self.call("POST", "/api/v1/requests", dict(WINDOW, target={"lat_deg": lat, "lon_deg": lon}))
        return body.get("id") if status == 201 else check("POST /api/v1/requests -> 201", False, f"{status} {body}")


def seq_of(wid):
    return int(wid[4:]) if wid and wid.startswith("evt_") and wid[4:].isdigit() else -1


def resolve(name):
    try:
        return {a[4][0].split("%")[0] for a in socket.getaddrinfo(name, 443, proto=socket.IPPROTO_TCP)}
    except OSError:
        return set()


def wait_until(cond, timeout, step=0.25):
    deadline = time.monotonic() + timeout
    while not cond() and time.monotonic() < deadline:
        time.sleep(step)
    return cond()


# ------------------------------------------------------------------------------------------- the checks

def test_vector():
    secret, mid, ts, body, sig = VECTOR
    check("Standard Webhooks test vector reproduced", sign(secret, mid, ts, body) == sig, sign(secret, mid, ts, body))
    check("verifier accepts the test vector", verify(secret, {"webhook-id": mid, "webhook-timestamp": str(ts),
                                                              "webhook-signature": f"v1,bogus {sig}"}, body, ts) is None)
    h = {"webhook-id": mid, "webhook-timestamp": str(ts), "webhook-signature": sig}
    check("verifier rejects a tampered body, a wrong id, a stale timestamp",
          verify(secret, h, body + b" ", ts) and verify(secret, dict(h, **{"webhook-id": "msg_x"}), body, ts)
          and verify(secret, h, body, ts + 301))


def policy_server(args):
    """Server B, no allow flags: the SSRF refusals and the delivery-time address check."""
    b = Server(args, "b", SIM)
    admin, req = b.token("FR", "nation_admin"), b.token("FR", "requester")
    b.start()
    try:
        fr, fr_req = Client(b, admin), Client(b, req)
        for url in ("http://example.com/hook", "https://127.0.0.1/x", "https://10.1.2.3/x",
                    "https://169.254.169.254/latest", "https://[::1]/x", "https://localhost/x",
                    "https://user:pw@example.com/x", "https://[::ffff:127.0.0.1]/x", "https://0.0.0.0/x"):
            status, body = fr.create(url)
            check(f"B: {url} -> 400 field url", status == 400 and isinstance(body, dict) and body.get("field") == "url",
                  f"{status} {body}")
        status, body = fr.create("https://example.com/hook")
        check("B: https://example.com/hook -> 201", status == 201, f"{status} {body}")
        name, addrs = next(((c, a) for c in ("localhost.localdomain", socket.gethostname(), "ip6-localhost")
                            for a in [resolve(c)] if a and all(ipaddress.ip_address(x).is_private for x in a)), (0, 0))
        if not name:
            print("SKIP B: no host name here resolves only to loopback/private addresses", flush=True)
            return
        status, body = fr.create(f"https://{name}:9/x", since_seq=0)
        if check(f"B: https://{name}:9/x (resolves to {sorted(addrs)}) accepted at creation -> 201", status == 201,
                 f"{status} {body}"):
            fr_req.submit(43.6047, 1.4442)
            log = []
            wait_until(lambda: log.extend(fr.pages(f"/api/v1/webhooks/{body['id']}/deliveries")) or log, 15, 0.5)
            # The log says why without the address itself (a nation admin must not map the service's internal DNS).
            check(f"B: delivery to {name} refused as non-public, the address not disclosed",
                  log and not log[0]["delivered"] and "non-public" in log[0]["error"]
                  and not any(a in log[0]["error"] for a in addrs), log[:2])
    finally:
        b.stop()
        if FAILURES:
            print(b.log_tail(), file=sys.stderr)


def run(args, rx):
    a = Server(args, "a", ALLOW + SIM)
    tok = {k: a.token(*k.split("/")) for k in ("FR/nation_admin", "FR/requester", "DE/nation_admin", "DE/requester",
                                               "EU/operator")}
    fr, fr_req, de, de_req, op = (Client(a, tok[k]) for k in tok)
    a.start()
    try:
        return scenario(args, rx, a, fr, fr_req, de, de_req, op)
    finally:
        a.stop()
        if FAILURES:
            print(a.log_tail(), file=sys.stderr)


def scenario(args, rx, a, fr, fr_req, de, de_req, op):
    # Events before any webhook exist: since_seq 0 must deliver them, the default must not.
    for i in range(2):
        fr_req.submit(43.6047 + 0.01 * i, 1.4442)
    wait_until(lambda: len(fr.pages("/api/v1/events")) >= 4, 10)
    early = fr.pages("/api/v1/events")
    status, w1 = fr.create(rx.url("/hook"), description="e2e", since_seq=0)
    check("FR nation_admin creates a webhook (since_seq 0) -> 201", status == 201, f"{status} {w1}")
    check("created webhook: fields, whsec_ secret, tenant FR, cursor 0",
          set(w1) >= {"id", "tenant", "url", "description", "created_utc", "disabled_utc", "cursor_seq", "failures",
                      "next_attempt_utc", "secret"} and w1["secret"].startswith("whsec_") and w1["tenant"] == "FR"
          and w1["cursor_seq"] == 0 and w1["disabled_utc"] is None and len(base64.b64decode(w1["secret"][6:])) >= 24, w1)
    status, w3 = fr.create(rx.url("/late"))
    check("webhook with the default since: cursor at the last event", status == 201 and early
          and w3.get("cursor_seq", -1) >= early[-1]["seq"], f"{status} {w3} {early[-1:]}")
    status, wr = fr.create(rx.url("/redirect"), since_seq=0)
    check("redirecting receiver's webhook -> 201", status == 201, f"{status} {wr}")
    status, body = fr_req.create(rx.url("/req"))
    check("requester creates a webhook -> 403", status == 403, f"{status} {body}")
    status, wd = de.create(rx.url("/de"))
    check("DE nation_admin creates a webhook -> 201", status == 201, f"{status} {wd}")
    secrets = {"/hook": w1.get("secret"), "/late": w3.get("secret"), "/redirect": wr.get("secret"), "/de": wd.get("secret")}
    status, body = fr.call("GET", f"/api/v1/webhooks/{wd.get('id')}/deliveries")
    check("FR GET of DE's webhook deliveries -> 404", status == 404, f"{status} {body}")
    status, body = fr.call("POST", f"/api/v1/webhooks/{wd.get('id')}/disable")
    check("FR disabling DE's webhook -> 404", status == 404, f"{status} {body}")
    listed = fr.call("GET", "/api/v1/webhooks")[1].get("items", [])
    check("FR's webhook list: its 3, no secret, not DE's", {w["id"] for w in listed} == {w1["id"], w3["id"], wr["id"]}
          and not any("secret" in w for w in listed), listed)

    # A burst, then kill -9 while deliveries are in flight, restart on the same store.
    for i in range(20):
        fr_req.submit(43.5 + 0.01 * i, 1.40 + 0.005 * i)
        time.sleep(0.15)
    wait_until(lambda: len(rx.accepted_ids("/hook")) >= 5, 10)
    cursor_kill, last_kill = fr.webhook(w1["id"]).get("cursor_seq"), fr.pages("/api/v1/events")[-1]["seq"]
    rx.hold_s = 3.0  # the next acknowledged event is recorded here, and the server killed before it hears the 200
    check("an acknowledgement held when the server is killed", wait_until(lambda: rx.held, 15))
    a.kill9()
    rx.hold_s = 0.0
    check(f"deliveries in flight at the kill -9 (cursor {cursor_kill} < last FR event {last_kill})",
          cursor_kill is not None and cursor_kill < last_kill)
    print(f"INFO at the kill: {len(rx.accepted_ids('/hook'))} distinct events acknowledged by the receiver", flush=True)
    a.start()
    late_before = rx.accepted_ids("/late")
    status, body = fr.call("POST", f"/api/v1/webhooks/{w3['id']}/disable")
    check("disable -> 200 with disabled_utc", status == 200 and isinstance(body, dict) and body.get("disabled_utc"),
          f"{status} {body}")
    time.sleep(0.3)
    seq_disabled = op.pages("/api/v1/events")[-1]["seq"]
    check("the webhook to disable had received events", len(late_before) > 0, late_before)
    for i in range(10):
        fr_req.submit(43.55 + 0.01 * i, 1.45)
    de_ids = [de_req.submit(48.1351 + 0.01 * i, 11.5820) for i in range(3)]

    # A 302 is a failed attempt, never followed.
    log = []
    wait_until(lambda: log.extend(fr.pages(f"/api/v1/webhooks/{wr['id']}/deliveries")) or log, 10, 0.5)
    check("302: attempts logged, none delivered, status 302, error names the redirect",
          log and all(not d["delivered"] and d["status_code"] == 302 and "redirect" in d["error"] for d in log), log[:3])
    check("302: the redirect target was never requested", rx.snapshot("/redirect") and not rx.snapshot("/elsewhere"),
          len(rx.snapshot("/elsewhere")))
    check("302: the webhook's cursor did not move", fr.webhook(wr["id"]).get("cursor_seq") == 0, fr.webhook(wr["id"]))
    fr.call("POST", f"/api/v1/webhooks/{wr['id']}/disable")

    status, body = op.call("POST", "/api/v1/plan", {})
    check("operator plans -> 201", status == 201, f"{status} {body}")
    plan_t = time.monotonic()
    policy_server(args)

    def settled():
        events = fr.pages("/api/v1/events", 500)
        latest = {e["request_id"]: e["status"] for e in events}
        busy = sum(s in ("SUBMITTED", "SCHEDULED", "ACQUIRED") for s in latest.values())
        return fr.webhook(w1["id"]).get("cursor_seq") == events[-1]["seq"] and busy == 0
    done = wait_until(settled, max(5.0, 80 - (time.monotonic() - plan_t)), 1.0)
    wait_until(lambda: fr.webhook(w1["id"]).get("cursor_seq") == fr.pages("/api/v1/events", 500)[-1]["seq"], 15, 0.5)
    print(f"INFO {'settled' if done else 'not settled'} {time.monotonic() - plan_t:.0f} s after the plan", flush=True)

    # Snapshot in this order: cursor, then what was received, then the events (a cursor moves only after the receiver
    # has recorded the event, and the receiver records only events that exist).
    cursor = fr.webhook(w1["id"]).get("cursor_seq", -1)
    hits = [h for h in rx.snapshot() if h["method"] == "POST" and h["complete"]]
    fr_events, de_events, all_events = fr.pages("/api/v1/events"), de_req.pages("/api/v1/events"), op.pages("/api/v1/events")
    by_id = {e["event_id"]: e for e in fr_events}
    hist = collections.Counter(e["status"] for e in fr_events)
    print(f"INFO FR events {len(fr_events)} {dict(hist)}; DE events {len(de_events)}; cursor {cursor}", flush=True)

    bad = [(h["path"], h["headers"].get("webhook-id"), why) for h in hits
           for why in [verify(secrets.get(h["path"]) or "whsec_", h["headers"], h["body"], h["time"])] if why]
    check(f"signatures: all {len(hits)} deliveries verified with hmac", not bad and hits, bad[:3])
    hook = [h for h in hits if h["path"] == "/hook"]
    received = {h["headers"]["webhook-id"] for h in hook if h["status"] == 200}
    upto = {i for i, e in by_id.items() if e["seq"] <= cursor}
    check(f"cursor {cursor} reached the last FR event {fr_events[-1]['seq']}", cursor == fr_events[-1]["seq"])
    check("none missing: every FR event up to the cursor was acknowledged", not upto - received, sorted(upto - received))
    check("none extra: every id received is an FR event", not received - set(by_id), sorted(received - set(by_id)))
    check("early events (before the webhook) delivered with since_seq 0", {e["event_id"] for e in early} <= received)
    firsts = list(dict.fromkeys(h["headers"]["webhook-id"] for h in hook))
    check("first arrivals in seq order", [seq_of(i) for i in firsts] == sorted(seq_of(i) for i in firsts), firsts[:40])
    bodies = collections.defaultdict(set)
    for h in hook:
        bodies[h["headers"]["webhook-id"]].add(h["body"])
    check("same body on every delivery of an id", all(len(v) == 1 for v in bodies.values()),
          [k for k, v in bodies.items() if len(v) > 1][:5])
    wrong = []
    for h in hook:
        doc = json.loads(h["body"])
        e = by_id.get(h["headers"]["webhook-id"], {})
        if doc.get("type") != "request.status" or doc.get("data") != e or doc.get("timestamp") != e.get("time_utc"):
            wrong.append((doc, e))
    check("payload: type request.status, data == the event of GET /api/v1/events", not wrong, wrong[:2])
    deliveries = fr.pages(f"/api/v1/webhooks/{w1['id']}/deliveries", 500)
    failed = [d for d in deliveries if not d["delivered"]]
    check("delivery log: failed attempts are the receiver's 500s, with attempt > 1 retries",
          failed and all(d["status_code"] == 500 for d in failed) and any(d["attempt"] > 1 for d in deliveries)
          or not failed, failed[:3])
    dup = sum(h["status"] == 200 for h in hook) - len(received)
    check(f"the event acknowledged as the server died ({rx.held[:1]}) was delivered again after the restart",
          rx.held and sum(h["headers"]["webhook-id"] == rx.held[0] and h["status"] == 200 for h in hook) >= 2)
    print(f"INFO /hook: {len(received)} distinct events, {len(hook)} deliveries, {sum(h['status'] == 500 for h in hook)} "
          f"answered 500 (log: {len(failed)} failed attempts), {dup} duplicate(s) acknowledged", flush=True)

    # Isolation.
    de_set = {e["event_id"] for e in de_events}
    check("DE's events: only DE's, its 3 requests", de_events and all(e["tenant"] == "DE" for e in de_events)
          and set(de_ids) <= {e["request_id"] for e in de_events}, de_events[:3])
    check("FR's events: only FR's", all(e["tenant"] == "FR" for e in fr_events))
    check("operator's events: FR's and DE's", {e["event_id"] for e in all_events} == set(by_id) | de_set)
    check("FR's webhook never received a DE event", not received & de_set and all(
        json.loads(h["body"])["data"]["tenant"] == "FR" for h in hook))
    de_got = {h["headers"]["webhook-id"] for h in hits if h["path"] == "/de"}
    check("DE's webhook received DE events only", de_got and de_got <= de_set, sorted(de_got)[:5])

    # Disable and from-now-on.
    late = {h["headers"]["webhook-id"] for h in hits if h["path"] == "/late"}
    after = sorted(i for i in late if seq_of(i) > seq_disabled)
    check(f"disabled webhook: no event after the disable (seq > {seq_disabled}) delivered",
          not after and any(e["seq"] > seq_disabled for e in fr_events), after[:5])
    check("disabled webhook: listed with disabled_utc", fr.webhook(w3["id"]).get("disabled_utc"))
    check("default-since webhook: no event from before its creation",
          all(seq_of(i) > w3.get("cursor_seq", 0) for i in late), sorted(late)[:5])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vantage", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    t0 = time.monotonic()
    test_vector()
    rx = Receiver()
    try:
        run(args, rx)
    except Exception:
        check("the suite ran to its end", False, traceback.format_exc())
    finally:
        rx.httpd.shutdown()
    print(f"{len(FAILURES)} failure(s)" if FAILURES else "all webhook checks passed", f"({time.monotonic() - t0:.0f} s)")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
