#!/usr/bin/python3
"""Side-by-side access benchmarks (issue 3), never part of ctest. Prints times and reference/vantage ratios.

  A. 100 satellites x 1 station x 7 days, 5 deg mask:
     Vantage (exact edges, 1 ms)  vs  Skyfield 1.45 EarthSatellite.find_events (edges to ~0.5 s).
  B. 100 satellites x 10,000 ground points x 1 day, 10 deg mask:
     Vantage (exact edges)  vs  a NumPy brute force that evaluates the elevation of every satellite at every point
     every 30 s (edges quantised to 30 s; windows < 30 s can be missed).
  C. Coverage (issue 5): the same 100 satellites x the ~10,000 points of Vantage's 226 km global grid x 1 day, 30 deg
     off-nadir cone, no lighting: `vantage coverage` (exact edges, figures on the union of all satellites' windows)
     vs a NumPy brute force of the same figures at 30 s steps (off-nadir from the geodetic nadir; union, gaps,
     response and time in view from the sampled booleans).
  D. Coverage of a 1,000-satellite Walker (550 km, 53 deg, 40 planes, F = 1; `vantage design walker`), 30 deg cone,
     global 111 km grid (41,000 points), 1 day: `vantage coverage` alone (long: run it where there are cores).
  M. MPI scaling of case C: `mpirun -np 1` and `-np 2` (one thread per rank), efficiency t1 / (2 t2), outputs
     compared byte for byte.

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

Usage: /usr/bin/python3 bench/access_compare.py [--build DIR] [--only A|B|C|D|M] [--sats N] [--points N]
       [--threads N] [--grid-km D]
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


def skyfield_itrs(tles, seconds):
    """ITRS positions (T, 3) km of each satellite at `seconds` after 2025-10-03T00:00:00Z, and the time it took."""
    ts = load.timescale(delta_t=37.0 + 32.184 - 0.0936)
    t = ts.utc(2025, 10, 3, 0, 0, seconds)
    start = time.perf_counter()
    pos = [EarthSatellite(l1, l2, name, ts).at(t).frame_xyz(itrs).km.T for name, l1, l2 in tles]
    return pos, time.perf_counter() - start


def ground_points_itrs(lat, lon):
    """WGS-84 ITRS positions (km) and ellipsoid normals of sea-level points (degrees)."""
    phi, lam = np.radians(lat), np.radians(lon)
    a, f = 6378.137, 1.0 / 298.257223563
    e2 = f * (2.0 - f)
    nrad = a / np.sqrt(1.0 - e2 * np.sin(phi) ** 2)
    g = np.column_stack([nrad * np.cos(phi) * np.cos(lam), nrad * np.cos(phi) * np.sin(lam), nrad * (1.0 - e2) * np.sin(phi)])
    up = np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])
    return g, up


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
    pos, prop_s = skyfield_itrs(tles, np.arange(0.0, 86400.0 + 1.0, 30.0))  # (T, 3) each
    g, up = ground_points_itrs(lat, lon)
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


def coverage_scenario(tmp, tles, name="sats.tle"):
    tle_path = os.path.join(tmp, name)
    with open(tle_path, "w") as f:
        for n, l1, l2 in tles:
            f.write(f"{n}\n{l1}\n{l2}\n")
    yaml_path = os.path.join(tmp, "coverage.yaml")
    with open(yaml_path, "w") as f:
        f.write(f"start_utc: 2025-10-03T00:00:00Z\nduration_h: 24\neop_file: {EOP}\n"
                "sensors: {cone30: {type: optical, max_off_nadir_deg: 30}}\n"
                f"satellites: [{{tle_file: {tle_path}, sensor: cone30}}]\n")
    return yaml_path


def run_coverage(vantage, yaml_path, out, grid_km, threads, mpi_ranks=0):
    cmd = [vantage, "coverage", "--scenario", yaml_path, "--grid-km", str(grid_km), "--out", out, "--quiet",
           "--threads", str(threads)]
    env = dict(os.environ)
    if mpi_ranks:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        cmd = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", str(mpi_ranks), *cmd]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"vantage coverage failed: {p.stderr}")
    import json
    run = json.load(open(os.path.join(out, "run.json")))
    return wall, max(r["compute_s"] for r in run["per_rank"]), run


def read_points(out):
    rows = list(csv.DictReader(open(os.path.join(out, "points.csv"))))
    return rows


def brute_force_coverage(pos, lat, lon, step_s, cone_deg=30.0):
    """Union of 'off-nadir <= cone' over satellites, sampled every step_s; returns per-point figures."""
    g, up = ground_points_itrs(lat, lon)
    a, f = 6378.137, 1.0 / 298.257223563
    e2 = f * (2.0 - f)
    cos_cone = np.cos(np.radians(cone_deg))
    n_t = pos[0].shape[0]
    union = np.zeros((len(lat), n_t), dtype=bool)
    passes = np.zeros(len(lat), dtype=np.int64)
    chunk = 1000
    for r in pos:
        # geodetic nadir of the satellite: minus the ellipsoid normal at its geodetic latitude (Bowring, 2 steps)
        p_xy = np.hypot(r[:, 0], r[:, 1])
        la = np.arctan2(r[:, 2], p_xy * (1.0 - e2))
        for _ in range(3):
            nn = a / np.sqrt(1.0 - e2 * np.sin(la) ** 2)
            hh = p_xy / np.cos(la) - nn
            la = np.arctan2(r[:, 2], p_xy * (1.0 - e2 * nn / (nn + hh)))
        lo = np.arctan2(r[:, 1], r[:, 0])
        nadir = -np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])  # (T, 3)
        for c0 in range(0, len(lat), chunk):
            los = g[c0:c0 + chunk, None, :] - r[None, :, :]                      # (P, T, 3) satellite -> point
            c = np.einsum("ptk,tk->pt", los, nadir) / np.linalg.norm(los, axis=2)
            above = np.einsum("ptk,pk->pt", los, up[c0:c0 + chunk]) <= 0.0  # the point sees the satellite (el >= 0)
            vis = (c >= cos_cone) & above
            union[c0:c0 + chunk] |= vis
            passes[c0:c0 + chunk] += np.sum(vis[:, 1:] & ~vis[:, :-1], axis=1) + vis[:, 0]
    T = (n_t - 1) * step_s
    out = []
    for i in range(len(lat)):
        u = union[i]
        starts = np.nonzero(u[1:] & ~u[:-1])[0] + 1
        if u[0]:
            starts = np.r_[0, starts]
        ends = np.nonzero(~u[1:] & u[:-1])[0] + 1
        if u[-1]:
            ends = np.r_[ends, n_t - 1]
        s_s, e_s = starts * step_s, ends * step_s
        # boundaries 0, s1, e1, s2, e2, ..., T: every other difference is a gap
        gaps = np.diff(np.r_[0.0, np.column_stack([s_s, e_s]).ravel(), T])[0::2]
        gaps = gaps[gaps > 0]
        out.append(dict(accesses=len(s_s), passes=int(passes[i]), max_gap_h=(gaps.max() if len(gaps) else 0.0) / 3600,
                        response_h=np.sum(gaps ** 2) / (2 * T) / 3600, in_view=np.sum(e_s - s_s) / T))
    return out


def bench_c(vantage, tles, threads, tmp, grid_km):
    yaml_path = coverage_scenario(tmp, tles)
    out = os.path.join(tmp, "cov-c")
    v_wall, v_compute, run = run_coverage(vantage, yaml_path, out, grid_km, threads)
    rows = read_points(out)
    lat = np.array([float(r["lat_deg"]) for r in rows])
    lon = np.array([float(r["lon_deg"]) for r in rows])
    step = 30.0
    pos, prop_s = skyfield_itrs(tles, np.arange(0.0, 86400.0 + 1.0, step))
    t0 = time.perf_counter()
    bf = brute_force_coverage(pos, lat, lon, step)
    sweep_s = time.perf_counter() - t0
    ref = prop_s + sweep_s
    acc_v = np.array([int(r["accesses"]) for r in rows])
    acc_b = np.array([b["accesses"] for b in bf])
    gap_v = np.array([float(r["max_gap_h"]) for r in rows])
    gap_b = np.array([b["max_gap_h"] for b in bf])
    print(f"C  coverage: {len(tles)} satellites x {len(rows)} points ({grid_km} km grid) x 1 day, 30 deg cone")
    print(f"   vantage coverage : {v_wall:8.3f} s end to end, {v_compute:8.3f} s compute ({run['per_rank'][0]['threads']} "
          f"threads), {sum(int(r['satellite_passes']) for r in rows)} windows (edges to 1 ms), engine edges only")
    print(f"   numpy {np.__version__} 30 s  : {ref:8.3f} s ({prop_s:.3f} s Skyfield positions + {sweep_s:.3f} s sweep + "
          f"figures), {sum(b['passes'] for b in bf)} windows (edges quantised to 30 s)")
    print(f"   agreement: accesses equal at {np.mean(acc_v == acc_b) * 100:.1f}% of points; max gap |diff| median "
          f"{np.median(np.abs(gap_v - gap_b)) * 3600:.1f} s, max {np.max(np.abs(gap_v - gap_b)) * 3600:.1f} s "
          "(the brute force's 30 s quantisation)")
    print(f"   ratio numpy/vantage: {ref / v_wall:7.2f}x end to end, {ref / v_compute:7.2f}x compute only")
    return v_compute


def bench_d(vantage, threads, tmp, grid_km=111.0):
    w = os.path.join(tmp, "walker1000.tle")
    subprocess.run([vantage, "design", "walker", "--total", "1000", "--planes", "40", "--phasing", "1",
                    "--altitude-km", "550", "--inclination-deg", "53", "--epoch", "2025-10-03T00:00:00Z", "--out", w],
                   check=True, capture_output=True)
    yaml_path = os.path.join(tmp, "walker1000.yaml")
    with open(yaml_path, "w") as f:
        f.write("start_utc: 2025-10-03T00:00:00Z\nduration_h: 24\n"
                "sensors: {cone30: {type: optical, max_off_nadir_deg: 30}}\n"
                f"satellites: [{{tle_file: {w}, sensor: cone30}}]\n")
    out = os.path.join(tmp, "cov-d")
    v_wall, v_compute, run = run_coverage(vantage, yaml_path, out, grid_km, threads)
    rows = read_points(out)
    print(f"D  coverage: 1000-satellite Walker 53:1000/40/1 at 550 km x {len(rows)} points ({grid_km} km) x 1 day, "
          "30 deg cone, no lighting")
    print(f"   vantage coverage : {v_wall:8.3f} s end to end, {v_compute:8.3f} s compute "
          f"({run['per_rank'][0]['threads']} threads), {sum(int(r['satellite_passes']) for r in rows)} windows; "
          "goal < 60 s on 2 cores")


def bench_mpi(vantage, tles, tmp, grid_km):
    yaml_path = coverage_scenario(tmp, tles)
    times, cpus = {}, {}
    for n in (1, 2):
        out = os.path.join(tmp, f"cov-m{n}")
        wall, compute, run = run_coverage(vantage, yaml_path, out, grid_km, 1, mpi_ranks=n)
        times[n] = wall
        cpus[n] = [r["cpu_s"] for r in run["per_rank"]]
        print(f"M  mpirun -np {n} (1 thread each): {wall:8.3f} s end to end, per rank compute (wall / CPU) "
              + ", ".join(f"{r['compute_s']:.3f} / {r['cpu_s']:.3f} s" for r in run["per_rank"])
              + f"; load average {os.getloadavg()[0]:.1f}")
    same = all(open(os.path.join(tmp, "cov-m1", f), "rb").read() == open(os.path.join(tmp, "cov-m2", f), "rb").read()
               for f in ("points.csv", "summary.json", "coverage.geojson"))
    print(f"   outputs byte-identical: {same}; efficiency t1 / (2 t2) = {times[1] / (2 * times[2]):.2f} "
          f"(speed-up {times[1] / times[2]:.2f}x on {os.cpu_count()} cpus; wall times mean little on a loaded machine)")
    print(f"   CPU-time efficiency (work split, independent of load): t1_cpu / (2 max rank cpu) = "
          f"{cpus[1][0] / (2 * max(cpus[2])):.2f}; total CPU {cpus[1][0]:.3f} s (1 rank) vs {sum(cpus[2]):.3f} s (2 ranks)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="build directory (-DVANTAGE_BUILD_BENCH=ON)")
    ap.add_argument("--only", choices=["A", "B", "C", "D", "M"])
    ap.add_argument("--grid-km", type=float, default=226.0, help="grid of cases C and M (226 km: ~10,000 points)")
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
        if o.only in (None, "C"):
            bench_c(o.vantage, tles, o.threads, tmp, o.grid_km)
        if o.only in (None, "M"):
            bench_mpi(o.vantage, tles, tmp, o.grid_km)
        if o.only == "D":  # ~6 min on 2 idle cores: only on request
            bench_d(o.vantage, o.threads, tmp)


if __name__ == "__main__":
    main()
