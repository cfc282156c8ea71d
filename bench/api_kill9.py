#!/usr/bin/python3
"""kill -9 runs of `vantage serve` for bench/api_kill9.sh (read its header first).

One run: a fresh store; `vantage serve` on it; CLIENTS threads submit SUBMISSIONS point requests in total, each
with its own Idempotency-Key (client t owns keys kill9-R-t-0, kill9-R-t-1, ...); the server is killed with SIGKILL
once a random share (20 % to 80 %) of the submissions has been acknowledged; it is restarted on the same store
and every client sends all its keys again, in order (those it sent, answered or not, and those it never sent).
Then: an acknowledged key must answer the id of its first 201 (else that request was lost), and the store must
hold exactly one request per key, SUBMISSIONS in all (a second request for a key is a duplicate).

Only the standard library (http.client): Debian's /usr/bin/python3 without extra packages.
  api_kill9.py VANTAGE STORE WORKDIR   STORE: sqlite (files under WORKDIR) or postgresql (a database per run
                                       in the cluster that PGHOST/PGPORT/PGUSER name: pg_virtualenv sets them)
  env: RUNS=10 SUBMISSIONS=1000 CLIENTS=4 SEED=<random>
"""
import datetime
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time

vantage, store, workdir = sys.argv[1:4]
runs = int(os.environ.get("RUNS", "10"))
submissions = int(os.environ.get("SUBMISSIONS", "1000"))
clients = int(os.environ.get("CLIENTS", "4"))
seed = int(os.environ.get("SEED") or random.SystemRandom().randrange(1 << 30))
rng = random.Random(seed)

# A point request whose window is tomorrow (UTC): the service refuses windows that have ended.
tomorrow = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).strftime("%Y-%m-%d")
body = json.dumps({"target": {"lat_deg": 43.6047, "lon_deg": 1.4442}, "window_start_utc": f"{tomorrow}T00:00:00Z",
                   "window_end_utc": f"{tomorrow}T23:59:59Z", "priority": 6, "sensor": "optical"})


def fresh_store(run):
    """The --db argument of a new, empty store."""
    if store == "sqlite":
        path = os.path.join(workdir, f"run{run}.db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return path
    name = f"vantage_kill9_{run}"
    subprocess.run(["dropdb", "--if-exists", name], check=True, stderr=subprocess.DEVNULL)  # (its NOTICE)
    subprocess.run(["createdb", name], check=True)
    return f"postgresql:///{name}"  # host, port, user, password: libpq's environment


def create_token(db, role):
    out = subprocess.run([vantage, "admin", "create-token", "--db", db, "--tenant", "FR", "--role", role],
                         check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    return out.strip().splitlines()[-1]


class Server:
    """`vantage serve` on a kernel-picked port; stdout and stderr go to files (a full pipe would block it)."""

    def __init__(self, db, log):
        self.out = open(log + ".out", "w+")
        self.err = open(log + ".err", "a")
        self.proc = subprocess.Popen([vantage, "serve", "--db", db, "--port", "0", "--no-web", "--nation-rate", "0",
                                      "--nation-max-open", "0"], stdout=self.out, stderr=self.err)
        deadline = time.monotonic() + 60
        while True:
            self.out.seek(0)
            m = re.search(r"listening on http://([0-9.]+):(\d+)", self.out.read())
            if m:
                self.host, self.port = m.group(1), int(m.group(2))
                return
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"vantage serve did not start (status {self.proc.poll()}), see {log}.err")
            time.sleep(0.01)

    def connection(self, timeout=30):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def stop(self, sig):
        self.proc.send_signal(sig)
        status = self.proc.wait()
        self.out.close()
        self.err.close()
        return status


def post(conn, token, key):
    """(status, id or None, replayed) of one submission; raises OSError / HTTPException if the server is gone."""
    conn.request("POST", "/api/v1/requests", body=body, headers={
        "Authorization": f"Bearer {token}", "Idempotency-Key": key, "Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    rid = json.loads(data).get("id") if r.status == 201 else None
    return r.status, rid, r.getheader("Idempotent-Replayed") == "true"


def one_run(run):
    db = fresh_store(run)
    log = os.path.join(workdir, f"{store}-run{run}")
    requester, operator = create_token(db, "requester"), create_token(db, "operator")
    keys = [[f"kill9-{run}-{t}-{i}" for i in range(t, submissions, clients)] for t in range(clients)]
    target = rng.randint(-(-submissions * 20 // 100), submissions * 80 // 100)  # acknowledgements before the kill

    # Phase 1: the burst, killed once `target` submissions are acknowledged.
    server = Server(db, log)
    lock = threading.Lock()
    acked = {}          # key -> id of its 201
    sent = set()        # every key sent, answered or not
    other = []          # (key, status) of answers that were not 201
    reached = threading.Event()
    killing = threading.Event()

    def burst(t):
        conn = server.connection()
        for key in keys[t]:
            while True:
                with lock:
                    sent.add(key)
                try:
                    status, rid, _ = post(conn, requester, key)
                    break
                except (OSError, http.client.HTTPException):
                    conn.close()
                    if killing.is_set():
                        return  # the server is gone: this key is in flight, unanswered
                    conn = server.connection()  # closed for another reason: send the same key again
            with lock:
                if status == 201:
                    acked[key] = rid
                    if len(acked) >= target:
                        reached.set()
                else:
                    other.append((key, status))
        conn.close()

    pool = [threading.Thread(target=burst, args=(t,)) for t in range(clients)]
    t0 = time.monotonic()
    for th in pool:
        th.start()
    while not reached.wait(timeout=0.5):  # (or every client is done: the kill then finds nothing in flight)
        if not any(th.is_alive() for th in pool):
            break
    killing.set()
    kill_status = server.stop(signal.SIGKILL)
    for th in pool:
        th.join()
    burst_s = time.monotonic() - t0
    acked_before = len(acked)
    unanswered = len(sent) - acked_before - len(other)

    # Phase 2: restart on the same store; every client sends every one of its keys again.
    t1 = time.monotonic()
    server = Server(db, log)
    restart_s = time.monotonic() - t1
    answered = {}       # key -> id answered after the restart
    replayed = set()    # keys answered with Idempotent-Replayed: true
    failures = []       # what broke the rules, for the report

    def resend(t):
        conn = server.connection()
        for key in keys[t]:
            try:
                status, rid, again = post(conn, requester, key)
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    failures.append(f"{key}: {e!r} after the restart")
                conn.close()
                conn = server.connection()
                continue
            with lock:
                if status != 201:
                    failures.append(f"{key}: status {status} after the restart")
                    continue
                answered[key] = rid
                if again:
                    replayed.add(key)

    pool = [threading.Thread(target=resend, args=(t,)) for t in range(clients)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()

    # What the store holds, all nations (operator token), page by page.
    stored = []
    conn, cursor = server.connection(), None
    while True:
        conn.request("GET", "/api/v1/requests?limit=500" + (f"&cursor={cursor}" if cursor else ""),
                     headers={"Authorization": f"Bearer {operator}"})
        page = json.loads(conn.getresponse().read())
        stored += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    conn.close()
    stop_status = server.stop(signal.SIGTERM)

    stored_set = set(stored)
    # Lost: an acknowledged key whose request is not in the store, or that now answers another id.
    lost = [k for k, rid in acked.items() if rid not in stored_set or answered.get(k) != rid]
    # Duplicates: stored requests beyond one per key (a second request for a key, or one listed twice).
    per_key = set(answered.values())
    duplicates = len(stored) - len(stored_set & per_key)
    missing = [k for ks in keys for k in ks if answered.get(k) not in stored_set]  # a key without its request
    shared = len(answered) - len(per_key)  # two keys answered the same id
    not_replayed = [k for k in acked if k not in replayed]
    committed_unanswered = len((sent - set(acked)) & replayed)  # in flight at the kill, yet committed
    if kill_status != -signal.SIGKILL:
        failures.append(f"the killed server's status was {kill_status}, not SIGKILL")
    if stop_status != 0:
        failures.append(f"the restarted server exited with {stop_status} on SIGTERM")
    failures += [f"{k} acknowledged as {acked[k]}, now {answered.get(k)}, stored: {acked[k] in stored_set}"
                 for k in lost[:5]]
    failures += [f"{k} acknowledged but not answered as a replay" for k in not_replayed[:5]]
    if shared:
        failures.append(f"{shared} keys answered an id that another key answered too")
    if missing:
        failures.append(f"{len(missing)} keys without a stored request, e.g. {missing[:3]}")
    if len(stored) != submissions:
        failures.append(f"the store holds {len(stored)} requests, not {submissions}")
    ok = not lost and not duplicates and not failures
    print(f"run {run} store {store} kill_after {target} acknowledged_before_kill {acked_before} "
          f"in_flight_unanswered {unanswered} (committed {committed_unanswered}) non_201 {len(other)} "
          f"burst_s {burst_s:.2f} restart_s {restart_s:.2f} stored {len(stored)} lost {len(lost)} "
          f"duplicates {duplicates}{'' if ok else '  FAILED'}", flush=True)
    for f in failures:
        print(f"  {f}", flush=True)
    if other:
        print(f"  answers other than 201 before the kill: {other[:5]}", flush=True)
    if not ok:
        print(f"  server logs: {log}.out / {log}.err, store {db} (kept)", flush=True)
    return acked_before, len(lost), duplicates, ok


print(f"store {store}: {runs} runs of {submissions} submissions from {clients} clients, kill -9 between 20 % and "
      f"80 % acknowledged; SEED={seed}", flush=True)
total_acked = total_lost = total_dup = 0
all_ok = True
for run in range(1, runs + 1):
    a, lost, dup, ok = one_run(run)
    total_acked += a
    total_lost += lost
    total_dup += dup
    all_ok &= ok
print(f"store {store} runs {runs} submissions {submissions} acknowledged_before_kill {total_acked} "
      f"lost {total_lost} duplicates {total_dup}", flush=True)
sys.exit(0 if all_ok else 1)
