#!/usr/bin/python3
"""Generate tests/data/link_reference.csv: visibility windows between two spacecraft (a LEO satellite and an ideal
GEO data relay, or two LEO satellites), computed by an implementation that shares no code with Vantage
(Skyfield positions, NumPy geometry written here from the definitions below).

Run with Debian's interpreter (python3-skyfield 1.45, python3-sgp4, python3-numpy):

    /usr/bin/python3 tools/reference/gen_reference_links.py > tests/data/link_reference.csv

Inputs (all committed):
- LEO satellites: examples/eo-satellites.tle (CelesTrak 2025-10-03), NORAD ids in LEOS below (38012 Pleiades 1A,
  39634 Sentinel-1A, 40697 Sentinel-2A, and 48268 Pleiades Neo 3: the lowest of the file, ~620 km); SGP4 in Skyfield
  (python-sgp4, WGS-72, improved mode), position in ITRS by sat.at(t).frame_xyz(itrs), km;
- relays: ideal geostationary points FIXED in ITRS, latitude 0, radius R_GEO = 42164.17 km, at the longitudes in
  RELAYS (EDRS-A 9 deg E, EDRS-C 31 deg E): (R cos(lon), R sin(lon), 0);
- EOP: tests/reference/eop/celestrak-eop-2025-03-17-to-2026-07-06.csv (the file the C++ cross-check reads with
  io::read_eop).
  * UT1: Skyfield's built-in UT1 table is stale (../shared/PITFALLS.md), so the timescale gets a constant
    delta_t = (TAI-UTC) + 32.184 s - (UT1-UTC), with UT1-UTC interpolated linearly in MJD at the middle of the
    interval (MJD 60951.5: 0.0936231 s between the rows 60951 = 0.0936620 s and 60952 = 0.0935841 s) and
    TAI-UTC = 37 s. A per-instant interpolation differs by < 0.04 ms over the day: < 2 cm at the equator.
  * Polar motion: ts.polar_motion_table with the daily X/Y rows (arcsec) at 0h UTC of each row, expressed on TT
    (TT - UTC = 37 + 32.184 s, no leap second here); Skyfield interpolates linearly and applies W (incl. s') in
    its itrs frame. dX/dY (celestial pole offsets) are not applied (Skyfield's IAU 2000B nutation).
- interval 2025-10-03T00:00:00Z .. 2025-10-04T00:00:00Z (1 day).

Definitions (A = the LEO or first satellite, B = the relay or second satellite, ITRS km):
- Earth blockage: WGS-84 a = 6378.137 km, b = a (1 - 1/298.257223563), grazing height h. Points of the line of
  sight P(s) = A + s (B - A), s in [0, 1]; in coordinates scaled by (1/(a+h), 1/(a+h), 1/(b+h)) the ellipsoid
  x^2/(a+h)^2 + y^2/(a+h)^2 + z^2/(b+h)^2 = 1 is the unit sphere, and q(s) = |A' + s D'|^2 - 1 (D' = B' - A') is
  the quadratic  |D'|^2 s^2 + 2 (A'.D') s + (|A'|^2 - 1).  Blocked iff q(s) < 0 for some s in [0, 1]: iff
  q(0) < 0 or q(1) < 0 (an end inside), or the discriminant (A'.D')^2 - |D'|^2 (|A'|^2 - 1) > 0 and the open
  root interval (s1, s2) meets [0, 1]. Touching (q = 0 at one point) is not blocked.
- LEO terminal: the other end's elevation above the LEO's local horizontal plane, "up" = geocentric A/|A|:
  asin(up . (B - A) / |B - A|) >= min_elevation_deg (deg).
- relay terminal: the angle between the relay's geocentric nadir -B/|B| and the direction B -> A (acos of the
  dot product of unit vectors, clipped to [-1, 1]) <= max_off_nadir_deg.
- visible iff not blocked and every terminal limit of the case holds (limits absent: not tested).

Cases (column `case`):
- `relay`: each LEO x {EDRS-A, EDRS-C}, h = 100 km, LEO min elevation -10 deg, relay max off-nadir 10 deg.
  Which limits bind is measured by the script ("binding edges" comment lines: the constraint whose state changes
  across each edge's final bracket, +-1 ms) and asserted: every edge of `relay` is a LEO elevation edge. The
  -10 deg elevation limit binds and hides the Earth: seen from 620-790 km the limb of the ellipsoid inflated by
  100 km is at -23..-26 deg elevation, so the line of sight is always clear while the relay is above -10 deg
  (Earth blockage never binds in `relay`); the 10 deg off-nadir limit never binds, since a LEO at <= 800 km is
  never more than asin(7180/42164) = 9.8 deg from a GEO relay's nadir (largest seen: 9.798 deg, asserted < 10);
- `relay_narrow`: each LEO x EDRS-A with the same limits but relay max off-nadir 8.0 deg: every edge is an
  off-nadir edge (asserted) - the 8 deg cone meets the LEO shells well inside the -10 deg elevation region;
- `earth_only`: each LEO x EDRS-A, h = 0, no terminal limits: every edge is an Earth-blockage edge;
- `leo_leo`: 38012 <-> 40697, 39634 <-> 40697 (planes 67 deg apart: windows near the plane crossings) and
  40697 <-> 48268 (nearly coplanar, different heights: one long window with slowly moving grazing edges), h = 100
  km, no terminal limits. 38012 <-> 40697 has NO window in this day (the two are 100-170 deg apart in their
  nearly common plane, never within the ~47 deg that clears the Earth): a check that none is found.
  Every pair of every case is listed with its count in the "windows per pair" comment line, zeros included.
  Edge sensitivity (measured once by re-running the bisection with h = 100.001 km): an edge of 39634 <-> 40697
  moves by 0.8-1.6 ms per metre of grazing height, but the two edges of 40697 <-> 48268 by 25 ms and 16 ms per
  metre (the line of sight grazes slowly), so a comparison there needs a tolerance of about 0.1 s (metre-level
  frame/propagation differences) where the other edges agree to milliseconds.

Windows: the visibility boolean is sampled every STEP_S = 1 s from START to STOP (inclusive); each change is
refined by bisection on the same boolean until the bracket is <= 1 us, and the edge is the bracket's middle
(rounded to the microsecond on output). A window open at START or STOP is written with partial=true and the bound
as its edge. Windows or gaps shorter than 1 s can be missed by this reference.

Checks (asserted while generating): at each window's middle the pair is visible and, where no other window of the
pair lies within 2 s, it is not visible 2 s before the start or 2 s after the end; the edges bracket a change
(visible 2 us inside, not visible 2 us outside); the quadratic blockage test agrees with a brute-force test of
2001 points of the segment (at the sampled instants away from grazing).

Output: CSV on stdout, '#' comment lines (how generated, the counts per case, which limits bind), then
case,first,second,grazing_height_km,first_min_elevation_deg,second_max_off_nadir_deg,start_utc,end_utc,partial
with `first` the LEO's NORAD id (first LEO for leo_leo), `second` the relay name or NORAD id, limits empty when
none, times ISO 8601 UTC with 6 decimals and Z.
"""
import csv
import datetime as dt
import sys
import time

import numpy as np
import importlib.metadata
import skyfield
from skyfield.api import EarthSatellite, load
from skyfield.framelib import itrs

TLE = "examples/eo-satellites.tle"
EOP_CSV = "tests/reference/eop/celestrak-eop-2025-03-17-to-2026-07-06.csv"
START = dt.datetime(2025, 10, 3, 0, 0, 0, tzinfo=dt.timezone.utc)
MJD_START = 60951.0
DAYS = 1
STEP_S = 1.0
TOL_S = 1e-6
LEOS = [38012, 39634, 40697, 48268]
RELAYS = {"EDRS-A": 9.0, "EDRS-C": 31.0}
R_GEO = 42164.17
WGS84_A = 6378.137
WGS84_B = WGS84_A * (1.0 - 1.0 / 298.257223563)


def read_eop(path):
    rows = list(csv.DictReader(open(path)))
    mjd = np.array([float(r["MJD"]) for r in rows])
    return (mjd, np.array([float(r["X"]) for r in rows]), np.array([float(r["Y"]) for r in rows]),
            np.array([float(r["UT1-UTC"]) for r in rows]), np.array([float(r["DAT"]) for r in rows]))


def read_tles(path):
    lines = [l.rstrip("\r\n") for l in open(path) if l.strip()]
    return {int(lines[i + 1][2:7]): (lines[i].strip(), lines[i + 1], lines[i + 2]) for i in range(0, len(lines), 3)}


def iso(seconds):
    """ISO 8601 UTC of START + seconds, rounded to the microsecond (no leap second in the interval)."""
    t = START + dt.timedelta(microseconds=round(seconds * 1e6))
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def relay_position(lon_deg):
    lon = np.radians(lon_deg)
    return np.array([R_GEO * np.cos(lon), R_GEO * np.sin(lon), 0.0])


# ---------------------------------------------------------------- geometry (arrays of shape (3, N))
def blocked(A, B, h):
    """True where the segment A..B enters the ellipsoid inflated by h (quadratic in s, see the docstring)."""
    scale = np.array([1.0 / (WGS84_A + h), 1.0 / (WGS84_A + h), 1.0 / (WGS84_B + h)])[:, None]
    As, Bs = A * scale, B * scale
    D = Bs - As
    qa = np.sum(D * D, axis=0)
    qb = np.sum(As * D, axis=0)  # half the linear coefficient
    qc = np.sum(As * As, axis=0) - 1.0
    q1 = qa + 2.0 * qb + qc
    disc = qb * qb - qa * qc
    root = np.sqrt(np.maximum(disc, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        s1 = (-qb - root) / qa
        s2 = (-qb + root) / qa
    crossing = (disc > 0.0) & (qa > 0.0) & (s1 < 1.0) & (s2 > 0.0)
    return (qc < 0.0) | (q1 < 0.0) | crossing


def blocked_brute(A, B, h, n=2001):
    """Brute force: the smallest ellipsoid 'radius' over n points of the segment (one instant, 3-vectors)."""
    s = np.linspace(0.0, 1.0, n)[:, None]
    P = A[None, :] + s * (B - A)[None, :]
    f = (P[:, 0] ** 2 + P[:, 1] ** 2) / (WGS84_A + h) ** 2 + P[:, 2] ** 2 / (WGS84_B + h) ** 2
    return float(np.min(f))


def elevation_deg(A, B):
    """Elevation of B above A's local horizontal plane (geocentric up), deg."""
    d = B - A
    up = A / np.linalg.norm(A, axis=0)
    return np.degrees(np.arcsin(np.clip(np.sum(up * d, axis=0) / np.linalg.norm(d, axis=0), -1.0, 1.0)))


def off_nadir_deg(B, A):
    """Angle between B's geocentric nadir and the direction B -> A, deg."""
    nadir = -B / np.linalg.norm(B, axis=0)
    d = A - B
    c = np.sum(nadir * d, axis=0) / np.linalg.norm(d, axis=0)
    return np.degrees(np.arccos(np.clip(c, -1.0, 1.0)))


class Case:
    def __init__(self, name, first, second, h, min_el, max_off):
        self.name, self.first, self.second = name, first, second
        self.h, self.min_el, self.max_off = h, min_el, max_off

    def margins(self, A, B):
        """(visible, not blocked, elevation margin deg or None, off-nadir margin deg or None)."""
        clear = ~blocked(A, B, self.h)
        ok = clear.copy()
        el = off = None
        if self.min_el is not None:
            el = elevation_deg(A, B) - self.min_el
            ok &= el >= 0.0
        if self.max_off is not None:
            off = self.max_off - off_nadir_deg(B, A)
            ok &= off >= 0.0
        return ok, clear, el, off


def main():
    wall0 = time.time()
    mjd, xp, yp, dut1, dat = read_eop(EOP_CSV)
    mid = MJD_START + DAYS / 2.0
    d_ut1 = float(np.interp(mid, mjd, dut1))
    tai_utc = float(np.interp(mid, mjd, dat))
    ts = load.timescale(delta_t=tai_utc + 32.184 - d_ut1)
    ts.polar_motion_table = ((mjd + 2400000.5) + (tai_utc + 32.184) / 86400.0, xp, yp)

    stop_s = DAYS * 86400.0

    def t_of(seconds):
        return ts.utc(START.year, START.month, START.day, 0, 0, np.asarray(seconds, dtype=float))

    tles = read_tles(TLE)
    sats = {n: EarthSatellite(tles[n][1], tles[n][2], tles[n][0], ts) for n in LEOS}
    for n, s in sats.items():
        assert s.model.satnum == n and s.model.error == 0, n

    def position(end, seconds):
        """ITRS km, shape (3, N), of a LEO (NORAD id) or relay (name) at seconds after START."""
        seconds = np.atleast_1d(np.asarray(seconds, dtype=float))
        if isinstance(end, str):
            return np.repeat(relay_position(RELAYS[end])[:, None], len(seconds), axis=1)
        return sats[end].at(t_of(seconds)).frame_xyz(itrs).km

    cases = []
    for n in LEOS:
        for r in RELAYS:
            cases.append(Case("relay", n, r, 100.0, -10.0, 10.0))
    for n in LEOS:
        cases.append(Case("relay_narrow", n, "EDRS-A", 100.0, -10.0, 8.0))
    for n in LEOS:
        cases.append(Case("earth_only", n, "EDRS-A", 0.0, None, None))
    cases.append(Case("leo_leo", 38012, 40697, 100.0, None, None))
    cases.append(Case("leo_leo", 39634, 40697, 100.0, None, None))
    cases.append(Case("leo_leo", 40697, 48268, 100.0, None, None))

    grid = np.arange(0.0, stop_s + 0.5 * STEP_S, STEP_S)
    assert grid[-1] == stop_s
    cache = {}
    for end in LEOS:
        cache[end] = position(end, grid)

    def visible_at(case, seconds):
        seconds = np.atleast_1d(np.asarray(seconds, dtype=float))
        return case.margins(position(case.first, seconds), position(case.second, seconds))[0]

    # Statistics for the "which limit binds" comment lines.
    binding = {}  # case name -> counts of edges per switching constraint
    max_off_seen = {}
    min_el_clear = {}
    rows = []
    counts = {}
    pair_counts = []
    brute_checks = 0
    for case in cases:
        A = cache[case.first]
        B = position(case.second, grid) if isinstance(case.second, str) else cache[case.second]
        ok, clear, el, off = case.margins(A, B)
        if case.name == "relay":
            offs = off_nadir_deg(B, A)[clear]
            max_off_seen[case.second] = max(max_off_seen.get(case.second, 0.0), float(np.max(offs)))
            key = (case.first, case.second)
            min_el_clear[key] = float(np.min(elevation_deg(A, B)[clear]))
        # Brute-force check of the quadratic blockage test at every 600th sample away from grazing.
        for i in range(0, len(grid), 600):
            fmin = blocked_brute(A[:, i], B[:, i], case.h)
            if abs(fmin - 1.0) > 1e-4:
                assert (fmin < 1.0) == bool(blocked(A[:, i:i + 1], B[:, i:i + 1], case.h)[0]), (case.name, i)
                brute_checks += 1
        edges = []  # (seconds, becomes_visible, switching constraint)
        for i in np.nonzero(ok[1:] != ok[:-1])[0]:
            lo, hi = grid[i], grid[i + 1]
            before = bool(ok[i])
            while hi - lo > TOL_S:
                m = 0.5 * (lo + hi)
                if bool(visible_at(case, m)[0]) == before:
                    lo = m
                else:
                    hi = m
            e = 0.5 * (lo + hi)
            # Which constraint switches here: the one whose state differs across the bracket.
            ma = case.margins(position(case.first, [lo - 1e-3, hi + 1e-3]), position(case.second, [lo - 1e-3, hi + 1e-3]))
            which = []
            if ma[1][0] != ma[1][1]:
                which.append("earth")
            if ma[2] is not None and (ma[2][0] >= 0) != (ma[2][1] >= 0):
                which.append("elevation")
            if ma[3] is not None and (ma[3][0] >= 0) != (ma[3][1] >= 0):
                which.append("off_nadir")
            for w in which or ["?"]:
                binding.setdefault(case.name, {}).setdefault(w, 0)
                binding[case.name][w] += 1
            edges.append((e, not before))
        windows = []
        cur = 0.0 if ok[0] else None
        for e, up in edges:
            if up:
                cur = e
            else:
                windows.append((cur, e))
                cur = None
        if cur is not None:
            windows.append((cur, stop_s))
        # Sanity checks (brute force at the middle and 2 s outside; 2 us around each edge).
        for k, (s, e) in enumerate(windows):
            assert e > s
            assert visible_at(case, 0.5 * (s + e))[0], (case.name, case.first, case.second, s)
            prev_end = windows[k - 1][1] if k > 0 else -1e9
            next_start = windows[k + 1][0] if k + 1 < len(windows) else 1e9
            if s > 0.0:
                assert visible_at(case, s + 2e-6)[0] and not visible_at(case, s - 2e-6)[0]
                if s - 2.0 > prev_end and s - 2.0 >= 0.0:
                    assert not visible_at(case, s - 2.0)[0]
            if e < stop_s:
                assert visible_at(case, e - 2e-6)[0] and not visible_at(case, e + 2e-6)[0]
                if e + 2.0 < next_start and e + 2.0 <= stop_s:
                    assert not visible_at(case, e + 2.0)[0]
            rows.append([case.name, case.first, case.second, f"{case.h:g}",
                         "" if case.min_el is None else f"{case.min_el:g}",
                         "" if case.max_off is None else f"{case.max_off:g}",
                         iso(s), iso(e), "true" if (s == 0.0 or e == stop_s) else "false"])
        counts[case.name] = counts.get(case.name, 0) + len(windows)
        pair_counts.append(f"{case.name} {case.first}/{case.second} {len(windows)}")

    # The 10 deg relay limit never binds (largest off-nadir of a LEO seen clear of the Earth is below it).
    assert all(v < 10.0 for v in max_off_seen.values()), max_off_seen
    assert set(binding["relay"]) == {"elevation"}, binding
    assert set(binding["relay_narrow"]) == {"off_nadir"}, binding
    assert set(binding["earth_only"]) == {"earth"} and set(binding["leo_leo"]) == {"earth"}, binding

    out = csv.writer(sys.stdout, lineterminator="\n")
    print("# generator: tools/reference/gen_reference_links.py (independent of Vantage: Skyfield ITRS positions, "
          "NumPy geometry written from its docstring)")
    print("# command: /usr/bin/python3 tools/reference/gen_reference_links.py > tests/data/link_reference.csv")
    print(f"# skyfield {skyfield.__version__}, sgp4 {importlib.metadata.version('sgp4')} (python-sgp4, Debian), numpy {np.__version__}, "
          f"python {sys.version.split()[0]}")
    print(f"# satellites: {TLE} NORAD {' '.join(map(str, LEOS))}; relays fixed in ITRS at R = {R_GEO} km, lat 0: "
          + ", ".join(f"{k} {v:g} deg E" for k, v in RELAYS.items()))
    print(f"# interval {iso(0)} .. {iso(stop_s)}; EOP {EOP_CSV}: delta_t = {tai_utc:g} + 32.184 - {d_ut1:.7f} "
          f"(UT1-UTC at MJD {mid}, constant); polar motion via ts.polar_motion_table (daily X/Y, linear)")
    print(f"# WGS-84 a = {WGS84_A} km, 1/f = 298.257223563; blockage: segment vs ellipsoid inflated by "
          "grazing_height_km (quadratic); LEO elevation: geocentric up; relay off-nadir: geocentric nadir")
    print(f"# sampling {STEP_S:g} s, edges by bisection to {TOL_S:g} s; partial=true: cut by the interval (edge = bound)")
    out.writerow(["case", "first", "second", "grazing_height_km", "first_min_elevation_deg",
                  "second_max_off_nadir_deg", "start_utc", "end_utc", "partial"])
    for r in rows:
        out.writerow(r)
    print("# windows per case: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print("# windows per pair: " + ", ".join(pair_counts))
    for name, b in binding.items():
        print(f"# binding edges {name}: " + ", ".join(f"{k} {v}" for k, v in sorted(b.items())))
    print("# relay: largest off-nadir of a LEO with the line of sight clear (deg): "
          + ", ".join(f"{k} {v:.4f}" for k, v in max_off_seen.items()))
    print("# relay: lowest elevation of the relay seen clear of the Earth (deg): "
          + ", ".join(f"{a}/{b} {v:.3f}" for (a, b), v in min_el_clear.items()))
    print(f"# checks: {brute_checks} brute-force blockage checks agree; every window's middle visible, edges +-2 us "
          f"and +-2 s outside checked")
    print(f"gen_reference_links.py: runtime {time.time() - wall0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
