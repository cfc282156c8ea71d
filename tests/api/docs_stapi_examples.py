#!/usr/bin/python3
"""The curl examples of docs/api.md § STAPI, run verbatim (ctest `api.docs_stapi_examples`): each command line of
the section's ```sh block runs with bash, with $S the address of a `vantage serve` started here (simulation
clock at 2025-10-03T00:00:00Z, the examples' day) and $T a fresh requester token of nation FR. Each must exit 0
and print a JSON answer that is not an error (no top-level `detail`/`code`), and its expected shape: the
opportunity search a FeatureCollection, the order an Order, the statuses a list.

Usage: docs_stapi_examples.py --vantage PATH --source-dir REPO --workdir DIR
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading


def sh_block_of(doc_path, heading):
    """The commands of the first ```sh block after `heading`, each with its doc line: a command starts at a line that
    begins with `curl` and runs to the next one (its continuation lines and quoted multi-line bodies kept as written)."""
    lines = open(doc_path, encoding="utf-8").read().split("\n")
    start = next(i for i, l in enumerate(lines) if l.strip() == heading)
    i = next(k for k in range(start, len(lines)) if lines[k].strip() == "```sh")
    out = []
    for k in range(i + 1, len(lines)):
        line = lines[k]
        if line.strip() == "```":
            break
        if line.startswith("curl"):
            out.append([k + 1, line])
        elif out:
            out[-1][1] += "\n" + line
    return [(n, t) for n, t in out]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vantage", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    doc = os.path.join(a.source_dir, "docs", "api.md")
    commands = sh_block_of(doc, "## STAPI (`/stapi`)")
    db = os.path.join(a.workdir, "service.db")
    token = subprocess.run([a.vantage, "admin", "create-token", "--db", db, "--tenant", "FR", "--role", "requester"],
                           check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    log = open(os.path.join(a.workdir, "server.log"), "ab")
    proc = subprocess.Popen([a.vantage, "serve", "--db", db, "--port", "0", "--no-web", "--scenario",
                             os.path.join(a.source_dir, "examples", "access-demo.yaml"), "--simulate", "--sim-start",
                             "2025-10-03T00:00:00Z"], stdout=subprocess.PIPE, stderr=log)
    failures = 0
    try:
        m = re.search(r":(\d+)\s*$", proc.stdout.readline().decode(errors="replace"))
        if not m:
            print("FAIL the server did not start")
            return 1
        threading.Thread(target=lambda: proc.stdout.read(), daemon=True).start()
        env = dict(os.environ, S=f"http://127.0.0.1:{m.group(1)}", T=token)
        if len(commands) < 3:
            print(f"FAIL docs/api.md § STAPI has {len(commands)} commands, expected the 3 examples")
            return 1
        for line, cmd in commands:
            r = subprocess.run(["bash", "-c", cmd], env=env, capture_output=True, text=True, timeout=120,
                               cwd=a.workdir)
            try:
                body = json.loads(r.stdout)
            except ValueError:
                body = None
            error = isinstance(body, dict) and ("detail" in body or "code" in body)
            shape = ""
            if "/opportunities" in cmd:
                shape = "" if isinstance(body, dict) and body.get("type") == "FeatureCollection" and body.get("features") \
                    else "not a FeatureCollection with features"
            elif "/statuses" in cmd:
                shape = "" if isinstance(body, dict) and isinstance(body.get("statuses"), list) and body["statuses"] \
                    else "no statuses"
            elif "/orders" in cmd:
                shape = "" if isinstance(body, dict) and body.get("stapi_type") == "Order" else "not an Order"
            ok = r.returncode == 0 and body is not None and not error and not shape
            print(f"{'PASS' if ok else 'FAIL'} docs/api.md:{line} {cmd.splitlines()[0][:80]}"
                  + ("" if ok else f": exit {r.returncode}, {shape or 'error'}: {r.stdout[:300]} {r.stderr[-300:]}"),
                  flush=True)
            failures += not ok
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
    print("all passed" if not failures else f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
