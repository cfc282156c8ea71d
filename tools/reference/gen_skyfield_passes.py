#!/usr/bin/python3
"""Generate tests/data/access_skyfield_passes.csv: ground-station passes of real Earth-observation
satellites over real stations, found by Skyfield's EarthSatellite.find_events and refined on
Skyfield's own geometry.

Run with Debian's interpreter (python3-skyfield 1.45, python3-numpy):

    /usr/bin/python3 tools/reference/gen_skyfield_passes.py > tests/data/access_skyfield_passes.csv

Inputs (all committed):
- satellites: examples/eo-satellites.tle (11 EO satellites, CelesTrak 2025-10-03), SGP4 in Skyfield
  (python-sgp4, WGS-72, improved mode: what Vantage uses by default);
- stations: tests/reference/ground-stations.csv, the rows named in STATIONS below (WGS-84 lat/lon/alt);
- EOP: tests/reference/eop/celestrak-eop-2025-03-17-to-2026-07-06.csv.
  * UT1: Skyfield's built-in UT1 table is stale (../shared/PITFALLS.md), so the timescale gets a
    constant delta_t = (TAI-UTC) + 32.184 s - (UT1-UTC) with UT1-UTC at the middle of the interval.
    UT1-UTC drifts by 0.2 ms over the 3 days (LOD ~ -0.06 ms/day): < 0.1 m of Earth rotation.
  * Polar motion: ts.polar_motion_table (daily rows, linear in TT), which Skyfield applies to the
    station's ITRS->GCRS rotation (incl. s').
- minimum elevation MIN_ELEVATION_DEG, above the WGS-84 ellipsoid normal at the station (Skyfield's
  topocentric altaz of a wgs84.latlon position), no refraction.

Edges: find_events evaluates altitude with a "cheat" (no nutation/precession, no GAST) and stops its
search at half a second, so its raw times are off by up to seconds. Every rise/set is refined by
bisection on the sign of (altaz elevation - MIN_ELEVATION_DEG) of the full Skyfield geometry in a
bracket around the raw time (to < 1 us), and every culmination by bisection on the sign of the
elevation rate (central difference, +-10 ms) to < 1 us. The raw times are kept in the file.

A pass cut by the interval (rise before START or set after STOP) is written with partial=true and
the interval bound as its edge; the C++ cross-check compares only full passes.
"""
import csv
import datetime as dt
import sys

import numpy as np
import skyfield
from skyfield.api import EarthSatellite, load, wgs84

TLE = "examples/eo-satellites.tle"
STATIONS_CSV = "tests/reference/ground-stations.csv"
EOP_CSV = "tests/reference/eop/celestrak-eop-2025-03-17-to-2026-07-06.csv"
STATIONS = ["Svalbard", "Troll", "Inuvik", "Kiruna", "Matera (Centro di Geodesia Spaziale)", "Punta Arenas",
            "Hartebeesthoek", "Singapore"]
START = dt.datetime(2025, 10, 3, 0, 0, 0, tzinfo=dt.timezone.utc)
DAYS = 3
MIN_ELEVATION_DEG = 5.0


def read_eop(path):
    rows = list(csv.DictReader(open(path)))
    mjd = np.array([float(r["MJD"]) for r in rows])
    return (mjd, np.array([float(r["X"]) for r in rows]), np.array([float(r["Y"]) for r in rows]),
            np.array([float(r["UT1-UTC"]) for r in rows]), np.array([float(r["DAT"]) for r in rows]))


def read_tles(path):
    lines = [l.rstrip("\r\n") for l in open(path) if l.strip()]
    out = []
    for i in range(0, len(lines), 3):
        out.append((lines[i].strip(), lines[i + 1], lines[i + 2]))
    return out


def read_stations(path):
    rows = {r["name"]: r for r in csv.DictReader(open(path, newline=""))}
    return [(n, float(rows[n]["lat_deg"]), float(rows[n]["lon_deg"]), float(rows[n]["alt_m"])) for n in STATIONS]


def iso(seconds):
    """ISO 8601 UTC of START + seconds, rounded to the microsecond (no leap second in the interval)."""
    t = START + dt.timedelta(microseconds=round(seconds * 1e6))
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def main():
    mjd, xp, yp, dut1, dat = read_eop(EOP_CSV)
    mjd_start = 60951.0  # 2025-10-03
    mid = mjd_start + DAYS / 2.0
    d_ut1 = float(np.interp(mid, mjd, dut1))
    tai_utc = float(np.interp(mid, mjd, dat))
    ts = load.timescale(delta_t=tai_utc + 32.184 - d_ut1)
    # Polar-motion nodes at 0h UTC of each row, on TT (TT - UTC = TAI-UTC + 32.184 s, no leap second here).
    ts.polar_motion_table = ((mjd + 2400000.5) + (tai_utc + 32.184) / 86400.0, xp, yp)

    stop_s = DAYS * 86400.0

    def t_of(seconds):
        return ts.utc(START.year, START.month, START.day, 0, 0, np.asarray(seconds, dtype=float))

    def secs_of(t):
        # seconds since START on TT (no leap second in the interval, so equal to UTC seconds)
        t0 = t_of(0.0)
        return (t.whole - t0.whole) * 86400.0 + (t.tt_fraction - t0.tt_fraction) * 86400.0

    sats = [EarthSatellite(l1, l2, name, ts) for name, l1, l2 in read_tles(TLE)]
    stations = read_stations(STATIONS_CSV)

    out = csv.writer(sys.stdout, lineterminator="\n")
    print("# generator: tools/reference/gen_skyfield_passes.py")
    print(f"# skyfield {skyfield.__version__}, sgp4 (python-sgp4, Debian), numpy {np.__version__}, "
          f"python {sys.version.split()[0]}")
    print(f"# satellites: {TLE}; stations: {STATIONS_CSV}; interval {iso(0)} .. {iso(stop_s)}; "
          f"min elevation {MIN_ELEVATION_DEG} deg (WGS-84 normal, no refraction)")
    print(f"# EOP: {EOP_CSV}; delta_t = {tai_utc} + 32.184 - {d_ut1:.7f} (UT1-UTC at the middle of the interval); "
          "polar motion via ts.polar_motion_table")
    print("# edges: find_events raw times refined by bisection on Skyfield's own altaz elevation (< 1 us); "
          "tca: bisection on the sign of the elevation rate; partial=true: cut by the interval (edge = bound)")
    out.writerow(["norad_id", "station", "aos_utc", "tca_utc", "los_utc", "max_elevation_deg",
                  "raw_aos_utc", "raw_tca_utc", "raw_los_utc", "partial"])

    for sat in sats:
        for name, lat, lon, alt_m in stations:
            topos = wgs84.latlon(lat, lon, elevation_m=alt_m)
            diff = sat - topos

            def elev(seconds):
                return diff.at(t_of(seconds)).altaz()[0].degrees

            t, ev = sat.find_events(topos, t_of(0.0), t_of(stop_s), altitude_degrees=MIN_ELEVATION_DEG)
            raw = secs_of(t) if len(ev) else np.array([])
            passes = []  # [rise or None, [culminations], set or None]
            cur = None
            for s, e in zip(raw, ev):
                if e == 0:
                    cur = [s, [], None]
                    passes.append(cur)
                elif e == 1:
                    if cur is None:
                        cur = [None, [], None]
                        passes.append(cur)
                    cur[1].append(s)
                else:
                    if cur is None:
                        cur = [None, [], None]
                        passes.append(cur)
                    cur[2] = s
                    cur = None
            for p in passes:
                rise = refine_crossing(elev, p[0], rising=True) if p[0] is not None else None
                sett = refine_crossing(elev, p[2], rising=False) if p[2] is not None else None
                lo = rise if rise is not None else 0.0
                hi = sett if sett is not None else stop_s
                # Best culmination inside the (clipped) window; at a cut edge the maximum may be the bound.
                cands = [refine_max(elev, c, lo, hi) for c in p[1]] or [lo]
                cands += [lo, hi]
                vals = elev(np.array(cands))
                k = int(np.argmax(vals))
                tca, max_el = cands[k], float(vals[k])
                raw_tca = p[1][0] if p[1] else float("nan")
                partial = rise is None or sett is None
                out.writerow([sat.model.satnum, name, iso(lo), iso(tca), iso(hi), f"{max_el:.6f}",
                              iso(p[0]) if p[0] is not None else "", iso(raw_tca) if p[1] else "",
                              iso(p[2]) if p[2] is not None else "", "true" if partial else "false"])


def refine_crossing(elev, t_raw, rising):
    """Root of elev - MIN_ELEVATION_DEG near t_raw, by bisection (sign change checked)."""
    for half in (5.0, 20.0, 60.0):
        a, b = t_raw - half, t_raw + half
        ga, gb = elev(np.array([a, b])) - MIN_ELEVATION_DEG
        if (ga < 0) == rising and (gb >= 0) == rising:
            break
    else:
        raise RuntimeError(f"no bracket around {t_raw}")
    for _ in range(40):  # 2 * 60 s / 2^40 ~ 1e-10 s
        m = 0.5 * (a + b)
        gm = elev(np.array([m]))[0] - MIN_ELEVATION_DEG
        if (gm >= 0) == rising:
            b = m
        else:
            a = m
    return 0.5 * (a + b)


def refine_max(elev, t_raw, lo, hi):
    """Time of maximum elevation near t_raw: bisection on the sign of the central-difference rate."""
    h = 0.01
    a, b = max(lo, t_raw - 30.0), min(hi, t_raw + 30.0)

    def rate(x):
        e = elev(np.array([x - h, x + h]))
        return e[1] - e[0]

    if rate(a) <= 0 or rate(b) >= 0:  # maximum not inside: let the caller compare the bounds
        return a if elev(np.array([a]))[0] > elev(np.array([b]))[0] else b
    for _ in range(36):  # 60 s / 2^36 ~ 1e-9 s
        m = 0.5 * (a + b)
        if rate(m) > 0:
            a = m
        else:
            b = m
    return 0.5 * (a + b)


if __name__ == "__main__":
    main()
