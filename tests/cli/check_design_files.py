#!/usr/bin/python3
"""DesignCrossCheck: `vantage design` files read back by tools nobody here wrote (python-sgp4 2.15, Skyfield 1.45,
Debian's /usr/bin/python3), checked against what the design claims.

  check_design_files.py VANTAGE TMPDIR

- Walker 24/3/1 at 550 km, 53 deg as TLE, OMM XML and OMM JSON: python-sgp4 reads all three to the same satrec
  (Kozai mean motion, angles, epoch); SGP4's Brouwer mean semi-major axis (satrec.a) minus its Earth radius is
  550 km; RAANs 0/120/240 deg; propagated with python-sgp4, each plane's first satellite crosses its ascending node
  earlier than plane 0's by F*360/T = 15 deg (times 360 deg / nodal period).
- Sun-synchronous 700 km, 10:30 descending node, as TLE: python-sgp4's secular nodal rate (satrec.nodedot) is the
  mean Sun's 0.98564736629 deg/day; Skyfield's sub-satellite point at the ascending node crossing gives a mean
  local solar time (UT1 + longitude/15) of 22:30 at the epoch and 30 days later.
- satellite.js 7.1 (when `npm ci` has installed it in bench/): reads the Walker TLE without SGP4 error, with the
  same mean altitude.
"""
import json
import math
import os
import subprocess
import sys

import numpy as np
from sgp4 import omm
from sgp4.api import WGS72, Satrec
from skyfield.api import EarthSatellite, load, wgs84

V, TMP = sys.argv[1], sys.argv[2]
EPOCH = "2025-10-03T00:00:00Z"
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(*args):
    p = subprocess.run([V, "design", *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"vantage design {' '.join(args)} failed: {p.stderr}")


def tle_sats(path):
    lines = [l.rstrip("\n") for l in open(path) if l.strip()]
    return [(lines[i], lines[i + 1], lines[i + 2]) for i in range(0, len(lines), 3)]


def node_time_min(sat, t0_min, step=0.25):
    """First ascending node (TEME z - to +) after t0 (minutes since epoch), bisection to 1e-7 min."""
    def z(t):
        e, r, _ = sat.sgp4_tsince(t)
        assert e == 0
        return r[2]
    a, za = t0_min, z(t0_min)
    while True:
        b = a + step
        zb = z(b)
        if za < 0.0 <= zb:
            lo, hi = a, b
            while hi - lo > 1e-7:
                m = 0.5 * (lo + hi)
                lo, hi = (m, hi) if z(m) < 0.0 else (lo, m)
            return 0.5 * (lo + hi)
        a, za = b, zb


# ---- Walker 24/3/1
run("walker", "--total", "24", "--planes", "3", "--phasing", "1", "--altitude-km", "550", "--inclination-deg", "53",
    "--epoch", EPOCH, "--out", f"{TMP}/w.tle")
run("walker", "--total", "24", "--planes", "3", "--phasing", "1", "--altitude-km", "550", "--inclination-deg", "53",
    "--epoch", EPOCH, "--out", f"{TMP}/w.xml")
run("walker", "--total", "24", "--planes", "3", "--phasing", "1", "--altitude-km", "550", "--inclination-deg", "53",
    "--epoch", EPOCH, "--out", f"{TMP}/w.json")
from_tle = [Satrec.twoline2rv(l1, l2, WGS72) for _, l1, l2 in tle_sats(f"{TMP}/w.tle")]
from_xml = []
with open(f"{TMP}/w.xml") as f:
    for fields in omm.parse_xml(f):
        s = Satrec()
        omm.initialize(s, fields)
        from_xml.append(s)
from_json = []
for fields in json.load(open(f"{TMP}/w.json")):
    s = Satrec()
    omm.initialize(s, {k: str(v) for k, v in fields.items()})
    from_json.append(s)
check(len(from_tle) == len(from_xml) == len(from_json) == 24, "24 satellites in TLE, OMM XML and OMM JSON")
# Same orbit from every file: the TLE has 8 decimals in rev/day (1e-8 rev/day = 4.4e-11 rad/min) and its epoch
# 1e-8 day; the OMM files carry the same rounded values.
same = all(abs(a.no_kozai - b.no_kozai) < 1e-13 and abs(a.inclo - b.inclo) < 1e-12 and abs(a.nodeo - b.nodeo) < 1e-12
           and abs(a.mo - b.mo) < 1e-12 and abs((a.jdsatepoch + a.jdsatepochF) - (b.jdsatepoch + b.jdsatepochF)) < 1e-9
           for a, b in list(zip(from_tle, from_xml)) + list(zip(from_tle, from_json)))
check(same, "TLE, OMM XML and OMM JSON give python-sgp4 the same elements")
# SGP4 mean altitude: satrec.a is SGP4's Brouwer a0'' in Earth radii (radiusearthkm = 6378.135 km, WGS-72).
alt = [s.a * s.radiusearthkm - s.radiusearthkm for s in from_tle]
check(max(abs(a - 550.0) for a in alt) < 1e-5, f"python-sgp4 mean altitude 550 km (max error {max(abs(a - 550) for a in alt):.2e} km)")
raans = sorted({round(math.degrees(s.nodeo), 6) for s in from_tle})
check(raans == [0.0, 120.0, 240.0], f"RAANs {raans}")
t0 = node_time_min(from_tle[0], 0.0)
period = node_time_min(from_tle[0], t0 + 1.0) - t0
for j in (1, 2):
    tj = node_time_min(from_tle[8 * j], 0.0)
    lead = ((t0 - tj) / period * 360.0) % 360.0
    # TLE angles have 1e-4 deg; equal a and i give equal short-period terms at each crossing.
    check(abs(lead - 15.0 * j) < 2e-3, f"plane {j} leads plane 0 by {lead:.5f} deg (F*360/T*j = {15 * j})")

# ---- satellite.js (when installed: `npm ci` in bench/)
SRC = os.path.dirname(os.path.abspath(__file__))
SJ = os.path.join(SRC, "..", "..", "bench", "node_modules", "satellite.js")
if os.path.isdir(SJ):
    p = subprocess.run(["node", os.path.join(SRC, "design_satellitejs.mjs"), f"{TMP}/w.tle", SJ],
                       capture_output=True, text=True)
    sj = json.loads(p.stdout) if p.returncode == 0 else []
    check(len(sj) == 24 and all(x["error"] == 0 and x["ok"] for x in sj), "satellite.js reads all 24 (no SGP4 error)")
    check(all(abs((x["a_er"] - 1.0) * 6378.135 - 550.0) < 1e-5 for x in sj), "satellite.js mean altitude 550 km")
else:
    print("skip satellite.js (not installed: npm ci in bench/)")

# ---- Sun-synchronous 700 km, 10:30 descending
run("sso", "--altitude-km", "700", "--local-time-h", "10.5", "--node", "descending", "--epoch", EPOCH,
    "--out", f"{TMP}/sso.tle")
name, l1, l2 = tle_sats(f"{TMP}/sso.tle")[0]
s = Satrec.twoline2rv(l1, l2, WGS72)
rate = math.degrees(s.nodedot) * 1440.0
check(abs(rate - 0.98564736629) < 2e-5, f"python-sgp4 nodal rate {rate:.8f} deg/day (mean Sun 0.98564736629)")
check(abs(s.a * s.radiusearthkm - s.radiusearthkm - 700.0) < 1e-5, "python-sgp4 mean altitude 700 km")
ts = load.timescale(delta_t=69.184 - 0.094)  # TAI-UTC 37 s + 32.184 s - (UT1-UTC ~0.094 s, 2025-10)
sky = EarthSatellite(l1, l2, name, ts)
for day in (0.0, 30.0):
    tn = node_time_min(s, day * 1440.0)
    jd = s.jdsatepoch + s.jdsatepochF + tn / 1440.0
    t = ts.tt_jd(jd + 69.184 / 86400.0)
    lon = wgs84.subpoint_of(sky.at(t)).longitude.degrees
    ut_h = ((t.ut1 - 0.5) % 1.0) * 24.0
    lt = (ut_h + lon / 15.0) % 24.0
    # Mean local time of the ascending node = 10:30 + 12 h. 20 s: SGP4 short-period node terms, precession of the
    # equinox over 30 days (4 s of RA), Skyfield's frames vs SGP4's TEME.
    check(abs(((lt - 22.5 + 12.0) % 24.0) - 12.0) < 20.0 / 3600.0,
          f"Skyfield local time of the ascending node on day {day:.0f}: {lt:.5f} h (22.5)")

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
