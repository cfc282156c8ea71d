#!/usr/bin/python3
"""The event stream of `vantage serve` (GET /api/v1/events/stream, Server-Sent Events) over real HTTP (ctest
`api.events_stream_http`):
  - authenticated with the Authorization header only (no token: 401; a token in the URL is not read);
  - every status transition of the caller's nation arrives, in seq order, as `id: evt_<seq>` / `event:
    request.status` / `data: {...}` records, the same events as GET /api/v1/events;
  - Last-Event-ID resumes exactly after the given event (nothing repeated, nothing skipped);
  - a nation's stream carries none of another nation's events; a coalition operator's carries both;
  - at most N streams per nation (429 too_many_streams beyond), freed when a stream closes;
  - SIGTERM ends the server, streams open, within 2 s.
Prints PASS/FAIL per check; exits non-zero on any failure.

Usage: events_stream_http.py --vantage PATH --source-dir REPO --workdir DIR
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

FAILS = []


def check(name, ok, detail=""):
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else f": {detail}"), flush=True)
    if not ok:
        FAILS.append(name)


class Server:
    def __init__(self, vantage, source_dir, workdir):
        self.vantage, self.workdir = vantage, workdir
        self.scenario = os.path.join(source_dir, "examples", "access-demo.yaml")
        self.db = os.path.join(workdir, "service.db")
        self.proc, self.port = None, 0

    def token(self, tenant, role):
        out = subprocess.run([self.vantage, "admin", "create-token", "--db", self.db, "--tenant", tenant, "--role", role],
                             check=True, capture_output=True, text=True, timeout=60).stdout
        return out.strip().splitlines()[-1]

    def start(self):
        log = open(os.path.join(self.workdir, "server.log"), "ab")
        self.proc = subprocess.Popen([self.vantage, "serve", "--db", self.db, "--port", "0", "--no-web", "--scenario",
                                      self.scenario, "--simulate", "--sim-start", "2025-10-03T00:00:00Z"],
                                     stdout=subprocess.PIPE, stderr=log)
        line = self.proc.stdout.readline().decode(errors="replace")
        m = re.search(r":(\d+)\s*$", line)
        if not m:
            raise RuntimeError(f"vantage serve said: {line!r}")
        self.port = int(m.group(1))
        threading.Thread(target=lambda: self.proc.stdout.read(), daemon=True).start()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def call(self, method, path, token=None, body=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = "Bearer " + token
        c.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, (json.loads(data) if data else None)


class Stream:
    """One SSE connection read on a thread: the parsed records."""

    def __init__(self, port, token, last_event_id=None, path="/api/v1/events/stream"):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        if token:
            head += f"Authorization: Bearer {token}\r\n"
        if last_event_id:
            head += f"Last-Event-ID: {last_event_id}\r\n"
        self.sock.sendall((head + "\r\n").encode())
        self.raw = b""
        self.records = []
        self.status = None
        self.closed = False
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                with self.lock:
                    self.raw += data
                    self._parse()
        except OSError:
            pass
        self.closed = True

    def _parse(self):
        if self.status is None and b"\r\n" in self.raw:
            self.status = int(self.raw.split(b" ", 2)[1])
        end = self.raw.find(b"\r\n\r\n")
        if end < 0:
            return
        body = dechunk(self.raw[end + 4:])
        self.records = [r for r in parse_sse(body)]

    def events(self):
        with self.lock:
            return [r for r in self.records if r.get("event") == "request.status"]

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def dechunk(b):
    out, i = b"", 0
    while True:
        j = b.find(b"\r\n", i)
        if j < 0:
            return out
        try:
            n = int(b[i:j].split(b";")[0], 16)
        except ValueError:
            return out
        if n == 0 or j + 2 + n > len(b):
            return out
        out += b[j + 2:j + 2 + n]
        i = j + 2 + n + 2


def parse_sse(b):
    for block in b.decode(errors="replace").split("\n\n"):
        rec = {}
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            k, _, v = line.partition(":")
            rec[k] = v[1:] if v.startswith(" ") else v
        if rec:
            if "data" in rec:
                rec["json"] = json.loads(rec["data"])
            yield rec


def wait_until(f, timeout=15.0):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if f():
            return True
        time.sleep(0.1)
    return f()


def request_body(i):
    return {"target": {"lat_deg": 43.6 + 0.01 * i, "lon_deg": 1.44}, "window_start_utc": "2025-10-03T00:00:00Z",
            "window_end_utc": "2025-10-04T00:00:00Z"}


def all_events(srv, token):
    out, cursor = [], None
    while True:
        st, page = srv.call("GET", "/api/v1/events?limit=500" + (f"&cursor={cursor}" if cursor else ""), token)
        assert st == 200, page
        out += page["items"]
        if not page["items"]:
            return out
        cursor = page["next_cursor"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vantage", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    srv = Server(a.vantage, a.source_dir, a.workdir)
    fr, de, op = srv.token("FR", "requester"), srv.token("DE", "requester"), srv.token("EU", "operator")
    srv.start()
    try:
        run(srv, fr, de, op)
    finally:
        srv.stop()
    if FAILS:
        print(f"{len(FAILS)} failure(s)")
        with open(os.path.join(a.workdir, "server.log"), errors="replace") as f:
            print(f.read()[-3000:])
        return 1
    print("all passed")
    return 0


def run(srv, fr, de, op):
    # Authentication: the header only.
    s = Stream(srv.port, None)
    wait_until(lambda: s.status is not None)
    check("no token: 401", s.status == 401, s.status)
    s.close()
    s = Stream(srv.port, None, path="/api/v1/events/stream?access_token=" + fr)
    wait_until(lambda: s.status is not None)
    check("a token in the URL is not read: 401", s.status == 401, s.status)
    s.close()

    fr_s, de_s, op_s = Stream(srv.port, fr), Stream(srv.port, de), Stream(srv.port, op)
    wait_until(lambda: all(x.status is not None for x in (fr_s, de_s, op_s)))
    check("streams open with 200", [x.status for x in (fr_s, de_s, op_s)] == [200, 200, 200],
          [x.status for x in (fr_s, de_s, op_s)])
    time.sleep(0.5)
    for i in range(6):
        check(f"FR request {i} -> 201", srv.call("POST", "/api/v1/requests", fr, request_body(i))[0] == 201)
    for i in range(3):
        check(f"DE request {i} -> 201", srv.call("POST", "/api/v1/requests", de, request_body(i))[0] == 201)
    # Each request goes SUBMITTED -> FEASIBLE: 12 FR events, 6 DE events.
    fr_ev = []
    wait_until(lambda: len(all_events(srv, fr)) >= 12 and len(fr_s.events()) >= len(all_events(srv, fr)))
    fr_ev = all_events(srv, fr)
    de_ev = all_events(srv, de)
    wait_until(lambda: len(de_s.events()) >= len(de_ev) and len(op_s.events()) >= len(fr_ev) + len(de_ev))
    got = [r["json"] for r in fr_s.events()]
    check("FR stream: exactly GET /events's FR events, in order", got == fr_ev,
          f"{len(got)} streamed vs {len(fr_ev)} listed")
    check("FR stream: record ids are evt_<seq>", all(r["id"] == r["json"]["event_id"] == f"evt_{r['json']['seq']}"
                                                    for r in fr_s.events()))
    check("FR stream: seq increasing", all(a["seq"] < b["seq"] for a, b in zip(got, got[1:])))
    check("FR stream: none of DE's", all(e["tenant"] == "FR" for e in got))
    check("DE stream: its own events only", [r["json"] for r in de_s.events()] == de_ev)
    op_all = all_events(srv, op)
    check("operator stream: every nation's", [r["json"] for r in op_s.events()] == op_all and
          {e["tenant"] for e in op_all} == {"FR", "DE"})
    check("a retry field is sent", any("retry" in r for r in fr_s.records))

    # Resume after the 5th FR event: exactly the rest.
    resume = Stream(srv.port, fr, last_event_id=fr_ev[4]["event_id"])
    wait_until(lambda: len(resume.events()) >= len(fr_ev) - 5)
    time.sleep(0.6)
    check("Last-Event-ID resumes exactly after it", [r["json"] for r in resume.events()] == fr_ev[5:],
          f"{len(resume.events())} vs {len(fr_ev) - 5}")
    resume.close()
    bad = Stream(srv.port, fr, last_event_id="42")
    wait_until(lambda: bad.status is not None)
    check("a malformed Last-Event-ID: 400", bad.status == 400, bad.status)
    bad.close()

    # The per-nation cap (8): FR has 1 open (fr_s); 7 more are fine, the 9th is 429; closing one frees a slot.
    extra = [Stream(srv.port, fr) for _ in range(7)]
    wait_until(lambda: all(x.status is not None for x in extra))
    check("8 FR streams open", all(x.status == 200 for x in extra), [x.status for x in extra])
    ninth = Stream(srv.port, fr)
    wait_until(lambda: ninth.status is not None)
    check("the 9th FR stream: 429", ninth.status == 429, ninth.status)
    ninth.close()
    other = Stream(srv.port, de)
    wait_until(lambda: other.status is not None)
    check("DE is not limited by FR's streams", other.status == 200, other.status)
    extra[0].close()
    time.sleep(1.5)  # the server notices the closed connection at its next write or poll
    again = Stream(srv.port, fr)
    wait_until(lambda: again.status is not None)
    check("a closed stream frees its slot", again.status == 200 or wait_until(lambda: False, 0), again.status)

    # SIGTERM with streams open: the server exits within 2 s.
    t0 = time.time()
    srv.proc.send_signal(signal.SIGTERM)
    try:
        srv.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    dt = time.time() - t0
    check("SIGTERM with streams open: exit within 2 s", srv.proc.poll() is not None and dt < 2.0, f"{dt:.2f} s")
    check("streams end when the server stops", wait_until(lambda: fr_s.closed and op_s.closed, 3))


if __name__ == "__main__":
    sys.exit(main())
