#!/usr/bin/python3
"""Twin of `vantage bench sgp4` in Debian's python3-sgp4 (run with /usr/bin/python3): the same TLE file
and time grid. With the C++ accelerator (sgp4.api.accelerated) it times SatrecArray.sgp4 over all
satellites x times (Vallado's C++ inside); without it (Debian ships the pure-Python build) it times
Satrec.sgp4_array per satellite on the first --max-sats satellites and says so.

Usage: sgp4_python_sgp4.py TLE_FILE TIMES STEP_S START_ISO [--repeat R] [--max-sats K]
Prints "python_sgp4_states_per_s <n>" (best of R).
"""
import argparse
import datetime as dt
import time
from importlib.metadata import version

import numpy as np
from sgp4 import api
from sgp4.api import Satrec, SatrecArray, jday

p = argparse.ArgumentParser()
p.add_argument("tle")
p.add_argument("times", type=int)
p.add_argument("step_s", type=float)
p.add_argument("start")
p.add_argument("--repeat", type=int, default=3)
p.add_argument("--max-sats", type=int, default=100)
a = p.parse_args()

lines = open(a.tle).read().splitlines()
sats = [Satrec.twoline2rv(lines[i], lines[i + 1]) for i in range(len(lines) - 1)
        if lines[i].startswith("1 ") and lines[i + 1].startswith("2 ")]
t0 = dt.datetime.fromisoformat(a.start.replace("Z", "+00:00"))
jd0, fr0 = jday(t0.year, t0.month, t0.day, t0.hour, t0.minute, t0.second + t0.microsecond * 1e-6)
jd = np.full(a.times, jd0)
fr = fr0 + np.arange(a.times) * a.step_s / 86400.0

accel = api.accelerated
if not accel:
    sats = sats[: a.max_sats]
n = len(sats) * a.times
print(f"python-sgp4 {version('sgp4')}: accelerated={accel}, {len(sats)} satellites x {a.times} times ({n} states)"
      + ("" if accel else f" -- Debian's python3-sgp4 is the pure-Python build; workload cut to {len(sats)} satellites"))
best = float("inf")
for _ in range(max(a.repeat, 1)):
    t = time.perf_counter()
    if accel:
        e, r, v = SatrecArray(sats).sgp4(jd, fr)
    else:
        for s in sats:
            e, r, v = s.sgp4_array(jd, fr)
    best = min(best, time.perf_counter() - t)
print(f"best {best:.4f} s")
print(f"python_sgp4_states_per_s {n / best:.6g}")
