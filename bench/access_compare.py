#!/usr/bin/python3
"""Side-by-side access benchmarks (issue 3), never part of ctest. Prints times and reference/vantage ratios.

  A. 100 satellites x 1 station x 7 days, 5 deg mask:
     Vantage (exact edges, 1 ms)  vs  Skyfield 1.45 EarthSatellite.find_events (edges to ~0.5 s).
  B. 100 satellites x 10,000 ground points x 1 day, 10 deg mask:
     Vantage (exact edges)  vs  a NumPy brute force that evaluates the elevation of every satellite at every point
     every 30 s (edges quantised to 30 s; windows < 30 s can be missed).

Vantage runs three ways on the same inputs: `vantage passes` end to end (process, parsing, search, writing the CSV
to /dev/null) and its own `--timing` search time; and `build/bench/access_bench` in process (the search only, with
all window attributes, and for B also with SearchOptions::compute_attributes = false, i.e. window edges only -- what
the NumPy brute force computes).

Inputs: the first 100 satellites of tests/reference/tle/eo-subset-from-active-2025-10-03.tle (CelesTrak, 2025-10-03),
station Kiruna (ESTRACK) from tests/reference/ground-stations.csv, a Fibonacci lattice of 10,000 points at sea level
(the same formula in access_bench.cpp), EOP examples/eop.csv, start 2025-10-03T00:00:00Z. The references are timed
in this process; satellite positions for B come from Skyfield (python-sgp4, pure Python on Debian) and are timed
separately from the sweep. One run on one machine: ratios are the figure to read (the absolute times depend on the
load from other work; bench/callgrind_access.sh gives instruction counts).

Usage: /usr/bin/python3 bench/access_compare.py [--build DIR] [--only A|B] [--sats N] [--points N] [--threads N]
"""
import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import skyfield
from skyfield.api import EarthSatellite, load, wgs84
from skyfield.framelib import itrs

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TLE = os.path.join(ROOT, "tests/reference/tle/eo-subset-from-active-2025-10-03.tle")
STATIONS = os.path.join(ROOT, "tests/reference/ground-stations.csv")
EOP = os.path.join(ROOT, "examples/eop.csv")
STATION = "Kiruna KIR-1/KIR-2 (Salmijarvi)"


def read_tles(path, n):
    lines = [l.rstrip("\r\n") for l in open(path) if l.strip()]
    out = [(lines[i].strip(), lines[i + 1], lines[i + 2]) for i in range(0, len(lines), 3)]
    return out[:n]


def run_vantage(vantage, args):
    t0 = time.perf_counter()
    p = subprocess.run([vantage, "passes", *args, "--out", os.devnull, "--timing"], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"vantage failed: {p.stderr}")
    m = re.search(r"timing: read_s (\S+) search_s (\S+) write_s (\S+) passes (\d+)", p.stderr)
    return wall, float(m.group(2)), int(m.group(4))


def run_bench(bench, args):
    """access_bench in process: returns (best_s, windows)."""
    p = subprocess.run([bench, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"access_bench failed: {p.stderr}")
    m = re.search(r"best_s=(\S+) median_s=\S+ windows=(\d+)", p.stdout)
    return float(m.group(1)), int(m.group(2))


def bench_a(vantage, bench, tles, threads, tmp, days=7):
    tle_path = os.path.join(tmp, "sats.tle")
    with open(tle_path, "w") as f:
        for name, l1, l2 in tles:
            f.write(f"{name}\n{l1}\n{l2}\n")
    rows = {r["name"]: r for r in csv.DictReader(open(STATIONS, newline=""))}
    st = rows[STATION]
    st_path = os.path.join(tmp, "station.csv")
    with open(st_path, "w") as f:
        f.write("name,lat_deg,lon_deg,alt_m,min_elevation_deg\n")
        f.write(f"kiruna,{st['lat_deg']},{st['lon_deg']},{st['alt_m']},5\n")
    args = ["--tle", tle_path, "--stations", st_path, "--start", "2025-10-03T00:00:00Z",
            "--stop", f"2025-10-{3 + days:02d}T00:00:00Z", "--eop", EOP, "--threads", str(threads)]
    v_wall, v_search, v_n = run_vantage(vantage, args)
    b_s, b_n = run_bench(bench, ["--case", "A", "--sats", str(len(tles)), "--tle", tle_path, "--eop", EOP, "--days",
                                 str(days), "--mask-deg", "5", "--threads", str(threads), "--reps", "3"])

    ts = load.timescale(delta_t=37.0 + 32.184 - 0.0936)
    topos = wgs84.latlon(float(st["lat_deg"]), float(st["lon_deg"]), elevation_m=float(st["alt_m"]))
    sats = [EarthSatellite(l1, l2, name, ts) for name, l1, l2 in tles]
    t0, t1 = ts.utc(2025, 10, 3), ts.utc(2025, 10, 3 + days)
    start = time.perf_counter()
    n_rise = 0
    for s in sats:
        t, ev = s.find_events(topos, t0, t1, altitude_degrees=5.0)
        n_rise += int(np.sum(ev == 0))
    s_wall = time.perf_counter() - start
    print(f"A  {len(tles)} satellites x 1 station x {days} days, 5 deg")
    print(f"   vantage passes : {v_wall:8.3f} s end to end, {v_search:8.3f} s search ({threads} threads), {v_n} passes")
    print(f"   access_bench   : {b_s:8.3f} s search in process (best of 3), {b_n} passes")
    print(f"   skyfield {skyfield.__version__}  : {s_wall:8.3f} s find_events, {n_rise} rises")
    print(f"   ratio skyfield/vantage: {s_wall / v_wall:7.1f}x end to end, {s_wall / v_search:7.1f}x search (CLI), "
          f"{s_wall / b_s:7.1f}x search (in process)")


def fibonacci_points(n):
    i = np.arange(n) + 0.5
    lat = np.degrees(np.arcsin(1.0 - 2.0 * i / n))
    lon = (np.degrees(np.pi * (1.0 + 5.0 ** 0.5) * i)) % 360.0 - 180.0
    return lat, lon


def bench_b(vantage, bench, tles, threads, tmp, n_points):
    lat, lon = fibonacci_points(n_points)
    st_path = os.path.join(tmp, "grid.csv")
    with open(st_path, "w") as f:
        f.write("name,lat_deg,lon_deg,alt_m,min_elevation_deg\n")
        for k in range(n_points):
            f.write(f"p{k:05d},{lat[k]:.6f},{lon[k]:.6f},0,10\n")
    tle_path = os.path.join(tmp, "sats.tle")
    with open(tle_path, "w") as f:
        for name, l1, l2 in tles:
            f.write(f"{name}\n{l1}\n{l2}\n")
    args = ["--tle", tle_path, "--stations", st_path, "--start", "2025-10-03T00:00:00Z",
            "--stop", "2025-10-04T00:00:00Z", "--eop", EOP, "--threads", str(threads)]
    v_wall, v_search, v_n = run_vantage(vantage, args)
    common = ["--case", "B", "--sats", str(len(tles)), "--tle", tle_path, "--eop", EOP, "--points", str(n_points),
              "--mask-deg", "10", "--threads", str(threads), "--reps", "3"]
    b_s, b_n = run_bench(bench, common)
    e_s, e_n = run_bench(bench, common + ["--attributes", "0"])

    # NumPy brute force, 30 s steps (2881 instants), WGS-84 normal, sin(el) >= sin(10 deg).
    ts = load.timescale(delta_t=37.0 + 32.184 - 0.0936)
    t = ts.utc(2025, 10, 3, 0, 0, np.arange(0.0, 86400.0 + 1.0, 30.0))
    start = time.perf_counter()
    pos = []
    for name, l1, l2 in tles:
        pos.append(EarthSatellite(l1, l2, name, ts).at(t).frame_xyz(itrs).km.T)  # (T, 3)
    prop_s = time.perf_counter() - start
    phi, lam = np.radians(lat), np.radians(lon)
    a, f = 6378.137, 1.0 / 298.257223563
    e2 = f * (2.0 - f)
    nrad = a / np.sqrt(1.0 - e2 * np.sin(phi) ** 2)
    g = np.column_stack([nrad * np.cos(phi) * np.cos(lam), nrad * np.cos(phi) * np.sin(lam), nrad * (1.0 - e2) * np.sin(phi)])
    up = np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])
    sin_mask = np.sin(np.radians(10.0))
    start = time.perf_counter()
    n_windows = 0
    chunk = 1000
    for r in pos:
        for c0 in range(0, n_points, chunk):
            gg, uu = g[c0:c0 + chunk], up[c0:c0 + chunk]
            rho = r[None, :, :] - gg[:, None, :]                          # (P, T, 3)
            s = np.einsum("ptk,pk->pt", rho, uu) / np.linalg.norm(rho, axis=2)
            vis = s >= sin_mask
            n_windows += int(np.sum(vis[:, 1:] & ~vis[:, :-1]) + np.sum(vis[:, 0]))
    sweep_s = time.perf_counter() - start
    ref = prop_s + sweep_s
    print(f"B  {len(tles)} satellites x {n_points} points x 1 day, 10 deg")
    print(f"   vantage passes : {v_wall:8.3f} s end to end, {v_search:8.3f} s search ({threads} threads), {v_n} windows "
          "(edges to 1 ms)")
    print(f"   access_bench   : {b_s:8.3f} s search in process, all attributes (best of 3), {b_n} windows")
    print(f"   access_bench   : {e_s:8.3f} s search in process, edges only (compute_attributes=false), {e_n} windows")
    print(f"   numpy {np.__version__} 30 s: {ref:8.3f} s ({prop_s:.3f} s Skyfield positions + {sweep_s:.3f} s sweep), "
          f"{n_windows} windows (edges quantised to 30 s)")
    print(f"   ratio numpy/vantage: {ref / v_wall:7.2f}x end to end (CLI, CSV of {v_n} rows), {ref / v_search:7.2f}x "
          f"search (CLI), {ref / b_s:7.2f}x in process with attributes, {ref / e_s:7.2f}x in process edges only; "
          f"sweep alone: {sweep_s / e_s:7.2f}x edges only")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="build directory (-DVANTAGE_BUILD_BENCH=ON)")
    ap.add_argument("--only", choices=["A", "B"])
    ap.add_argument("--sats", type=int, default=100)
    ap.add_argument("--points", type=int, default=10000)
    ap.add_argument("--threads", type=int, default=0)
    o = ap.parse_args()
    o.vantage = os.path.join(o.build, "apps/cli/vantage")
    o.bench = os.path.join(o.build, "bench/access_bench")
    for exe, target in ((o.vantage, "vantage"), (o.bench, "access_bench")):
        if not os.access(exe, os.X_OK):
            sys.exit(f"{exe} not built (cmake --build {o.build} --target {target})")
    tles = read_tles(TLE, o.sats)
    print(f"# access_compare: {len(tles)} satellites from {os.path.relpath(TLE, ROOT)}, cpus {os.cpu_count()}, "
          f"load {os.getloadavg()[0]:.1f}, vantage {o.vantage}")
    with tempfile.TemporaryDirectory() as tmp:
        if o.only in (None, "A"):
            bench_a(o.vantage, o.bench, tles, o.threads, tmp)
        if o.only in (None, "B"):
            bench_b(o.vantage, o.bench, tles, o.threads, tmp, o.points)


if __name__ == "__main__":
    main()
