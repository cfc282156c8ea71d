#!/usr/bin/python3
"""Generate tests/data/coverage_reference_points.csv: per-point coverage figures of real EO satellites over a grid,
computed by an implementation that shares no code with Vantage (Skyfield positions, astropy Sun, NumPy geometry,
SciPy quadrature for the grid), by dense sampling.

Run with Debian's interpreter (python3-skyfield 1.45, python3-astropy 5.2, python3-numpy, python3-scipy):

    /usr/bin/python3 tools/reference/gen_reference_coverage.py > tests/data/coverage_reference_points.csv

Scenario: tests/data/coverage_crosscheck.yaml (the C++ cross-check and the Python test read the same file); its
values are repeated below (SATS, SENSORS, AOI, GRID_KM) and checked against it.

- Grid, from the definition in docs/coverage.md written again here: meridian arc by adaptive quadrature of
  M'(phi) = a (1 - e^2) / (1 - e^2 sin^2 phi)^1.5, rings of equal arc inverted by Newton, ring point counts
  round(parallel length / d) (half away from zero), cell areas from Snyder's q(phi) (1987, eq. 3-12); the AOI is a
  longitude/latitude box, so containment is two comparisons.
- Windows: the constraint geometry of tools/reference/gen_reference_access.py (imported: Skyfield ITRS states with
  real UT1 and polar motion, geodetic nadir, off-nadir cone, swath cross-track angle, SAR incidence, look side and squint,
  astropy Sun elevation), sampled every STEP_S seconds for each satellite and point; every sign change refined by
  bisection to < 1 us. A window shorter than STEP_S can be missed here; min_window_s / min_gap_s report the
  shortest window and gap at each point so the comparison can tell.
- Figures (docs/coverage.md § Definitions): union of all satellites' windows; accesses = merged windows;
  satellite_passes = windows before merging; gaps = complement in [0, T] of positive length (leading and trailing
  included); p95 = nearest rank ceil(0.95 n); mean response = sum(gap^2) / (2T); time in view = union length / T.
"""
import math
import os
import sys

import astropy
import numpy as np
import scipy
import skyfield
from scipy.integrate import quad
from skyfield.api import wgs84

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_reference_access as ref  # noqa: E402  (World, satellite_on_grid, evaluate_state, windows_from_samples, ...)

DURATION_S = 86400.0
STEP_S = 1.0
GRID_KM = 150.0
AOI = dict(lon_min=-5.0, lon_max=25.0, lat_min=40.0, lat_max=60.0)  # a box: Western and Central Europe
# keep in sync with tests/data/coverage_crosscheck.yaml
SENSORS = {
    "pleiades-hr": dict(type="optical", max_off_nadir_deg=30.0, min_sun_elevation_deg=10.0),
    "neo-hr": dict(type="optical", max_off_nadir_deg=45.0, min_sun_elevation_deg=5.0),
    "msi": dict(type="optical", swath_km=290.0, min_sun_elevation_deg=0.0),
    "c-sar-iw": dict(type="sar", incidence_min_deg=29.1, incidence_max_deg=46.0, look_side="right"),
}
SATS = {38012: "pleiades-hr", 39019: "pleiades-hr", 48268: "neo-hr", 40697: "msi", 39634: "c-sar-iw"}

A_KM, F = 6378.137, 1.0 / 298.257223563
E2 = F * (2.0 - F)
E = math.sqrt(E2)


def meridian_arc_km(phi):
    return quad(lambda p: A_KM * (1.0 - E2) / (1.0 - E2 * math.sin(p) ** 2) ** 1.5, 0.0, phi, epsabs=1e-9, epsrel=1e-13)[0]


def latitude_of_arc(s_km):
    """Geodetic latitude (rad) whose meridian arc from the equator is s_km (Newton)."""
    phi = s_km / A_KM
    for _ in range(30):
        f = meridian_arc_km(phi) - s_km
        phi -= f / (A_KM * (1.0 - E2) / (1.0 - E2 * math.sin(phi) ** 2) ** 1.5)
        if abs(f) < 1e-9:
            break
    return phi


def q_snyder(phi):
    s = math.sin(phi)
    return (1.0 - E2) * (s / (1.0 - E2 * s * s) - math.log((1.0 - E * s) / (1.0 + E * s)) / (2.0 * E))


def round_half_away(x):
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


def grid_points(d_km):
    q_km = meridian_arc_km(math.pi / 2.0)
    n_rings = max(1, round_half_away(2.0 * q_km / d_km))
    step = 2.0 * q_km / n_rings
    pts = []
    for k in range(n_rings):
        phi = latitude_of_arc((k + 0.5) * step - q_km)
        south = -math.pi / 2 if k == 0 else latitude_of_arc(k * step - q_km)
        north = math.pi / 2 if k == n_rings - 1 else latitude_of_arc((k + 1) * step - q_km)
        lat = math.degrees(phi)
        if not (AOI["lat_min"] <= lat <= AOI["lat_max"]):
            continue
        par = 2.0 * math.pi * A_KM * math.cos(phi) / math.sqrt(1.0 - E2 * math.sin(phi) ** 2)
        n = max(1, round_half_away(par / d_km))
        zone = math.pi * A_KM * A_KM * (q_snyder(north) - q_snyder(south))
        for j in range(n):
            lon = -180.0 + (j + 0.5) * 360.0 / n
            if AOI["lon_min"] <= lon <= AOI["lon_max"]:
                pts.append((lat, lon, zone / n))
    return pts


def figures(windows, T):
    """Per-point figures from (start, end) windows of all satellites (seconds)."""
    w = sorted(windows)
    union = []
    for a, b in w:
        if union and a <= union[-1][1]:
            union[-1][1] = max(union[-1][1], b)
        else:
            union.append([a, b])
    gaps, t = [], 0.0
    for a, b in union:
        if a > t:
            gaps.append(a - t)
        t = b
    if T > t:
        gaps.append(T - t)
    in_view = sum(b - a for a, b in union)
    g = sorted(gaps)
    p95 = g[math.ceil(0.95 * len(g) - 1e-12) - 1] if g else 0.0
    return dict(accesses=len(union), satellite_passes=len(w), first=union[0][0] if union else None,
                max_gap=max(g) if g else 0.0, mean_gap=sum(g) / len(g) if g else 0.0, p95=p95,
                response=sum(x * x for x in g) / (2.0 * T), in_view=in_view / T,
                min_window=min((b - a for a, b in w), default=0.0), min_gap=min(g, default=0.0))


def main():
    world = ref.World()
    tles = {int(l1[2:7]): (name, l1, l2) for name, l1, l2 in ref.read_tles(ref.TLE)}
    pts = grid_points(GRID_KM)
    print(f"{len(pts)} grid points", file=sys.stderr)
    targets = []
    for lat, lon, _ in pts:
        g = wgs84.latlon(lat, lon, elevation_m=0.0)
        targets.append(dict(r=g.itrs_xyz.km, up=ref.up_vec(np.radians(lat), np.radians(lon))))
    grid = np.arange(0.0, DURATION_S + 0.5 * STEP_S, STEP_S)
    t_grid = world.t_of(grid)
    sun_grid = world.sun_itrs(grid, t_grid)
    windows = [[] for _ in pts]
    for norad, sname in SATS.items():
        sat, r_grid, v_grid = ref.satellite_on_grid(world, tles, norad, t_grid)
        sensor = SENSORS[sname]
        for i, target in enumerate(targets):
            ok, _, _ = ref.evaluate_state(sensor, target, r_grid, v_grid, sun_grid)
            if ok.any():
                windows[i].extend(zip(*ref.windows_from_samples(world, sat, sensor, target, grid, ok, DURATION_S)))

    print("# generator: tools/reference/gen_reference_coverage.py (scenario tests/data/coverage_crosscheck.yaml)")
    print(f"# skyfield {skyfield.__version__}, astropy {astropy.__version__} get_sun, numpy {np.__version__}, "
          f"scipy {scipy.__version__}, python {sys.version.split()[0]}")
    print(f"# interval {ref.iso(0)} .. {ref.iso(DURATION_S)}; EOP {ref.EOP_CSV}; grid {GRID_KM} km over lon "
          f"[{AOI['lon_min']}, {AOI['lon_max']}] x lat [{AOI['lat_min']}, {AOI['lat_max']}]; dense sampling every "
          f"{STEP_S} s, edges by bisection (< 1 us)")
    print("lat_deg,lon_deg,weight,accesses,satellite_passes,first_access_utc,max_gap_h,mean_gap_h,p95_gap_h,"
          "mean_response_h,time_in_view_fraction,min_window_s,min_gap_s")
    for (lat, lon, w), win in zip(pts, windows):
        f = figures(win, DURATION_S)
        first = "" if f["first"] is None else ref.iso(f["first"])
        print(f"{lat:.15g},{lon:.15g},{w:.15g},{f['accesses']},{f['satellite_passes']},{first},"
              f"{f['max_gap'] / 3600:.12g},{f['mean_gap'] / 3600:.12g},{f['p95'] / 3600:.12g},"
              f"{f['response'] / 3600:.12g},{f['in_view']:.12g},{f['min_window']:.6f},{f['min_gap']:.6f}")


if __name__ == "__main__":
    main()
