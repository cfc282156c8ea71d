#!/usr/bin/python3
"""Generate tests/data/access_reference_windows.csv: optical and SAR imaging windows of real satellites
over real targets, computed by an implementation independent of Vantage (Skyfield positions, astropy Sun,
NumPy geometry written here from the definitions of issue 3 / docs/formats.md § Geometry definitions).

Run with Debian's interpreter (python3-skyfield 1.45, python3-astropy 5.2, python3-numpy):

    /usr/bin/python3 tools/reference/gen_reference_access.py > tests/data/access_reference_windows.csv

The scenario is tests/data/access_crosscheck.yaml (the C++ cross-check reads the same file with
io::read_scenario_file); its values are repeated below in SENSORS/SATS/TARGETS and checked against it.

Geometry (all ITRS/WGS-84, km):
- satellite ITRS position and Earth-fixed velocity: Skyfield EarthSatellite (python-sgp4, WGS-72) and
  frame_xyz_and_velocity(itrs), with real UT1 (delta_t) and polar motion (ts.polar_motion_table);
- geodetic nadir: minus the WGS-84 ellipsoid normal at the satellite's geodetic latitude/longitude
  (iterative conversion written here); off-nadir = angle(nadir, satellite->target);
- elevation at the target against its ellipsoid normal; incidence = 90 - elevation;
- right = unit(nadir x v_itrs); cross-track look angle = atan2(los.right, los.nadir); side = sign(los.right);
- pass direction: sign of v_itrs . north at the sub-satellite point, at the best time;
- Sun: astropy get_sun (apparent GCRS, ERFA epv00 + aberration), rotated to ITRS by Skyfield's GCRS->ITRS
  rotation at the same instant (same UT1 and polar motion), topocentric elevation at the target against its
  ellipsoid normal; get_sun is tabulated every 600 s and interpolated linearly in GCRS (its direction moves
  1 deg/day, so the interpolation error is < 1e-8 rad);
- constraints: every sensor needs elevation >= 0; agile optical off-nadir <= max; fixed optical (push-broom,
  rectangular field of view) |cross-track| <= half-swath angle eta = atan2(R sin(l), R + h - R cos(l)),
  l = swath/(2R), R = 6371.0088 km (WGS-84 mean radius), h = geodetic height of the satellite, and
  |along-track look angle| <= alpha (default 1 deg), along-track angle = atan2(los.along, los.nadir) with
  along = right x nadir; optical: Sun elevation >= min; SAR: incidence in [min, max], the look side and
  |along-track look angle| <= max_squint_deg (default 1 deg: imaging at zero Doppler).
  A sensor with `modes` holds when any mode holds (each mode a complete sensor of the same type).
  pass_direction filters whole windows by the direction at the best time.
- best time: minimum off-nadir; for fixed optical and SAR the crossing of the cross-track (zero-Doppler) plane
  (minimum |along-track angle|). `mode`: the first mode that holds at the best time (empty without modes).

Windows: the conjunction is sampled every STEP_S seconds; each sign change is refined by bisection on the
same boolean to < 1 us; the best time (minimum off-nadir) by golden-section search around the best sample.
Windows shorter than STEP_S can be missed by this reference (the C++ check reports Vantage windows that have
no reference partner and requires them to be short). `edge_start`/`edge_end` name the constraint that
switches at each edge (the one whose margin is closest to zero there).
"""
import csv
import datetime as dt
import sys

import astropy
import astropy.units as u
import numpy as np
import skyfield
import yaml
from astropy.coordinates import get_sun
from astropy.time import Time
from skyfield.api import EarthSatellite, load, wgs84
from skyfield.framelib import itrs

TLE = "examples/eo-satellites.tle"
SCENARIO = "tests/data/access_crosscheck.yaml"
EOP_CSV = "tests/reference/eop/celestrak-eop-2025-03-17-to-2026-07-06.csv"
START = dt.datetime(2025, 10, 3, 0, 0, 0, tzinfo=dt.timezone.utc)
DAYS = 2
STEP_S = 1.0
A_KM, F = 6378.137, 1.0 / 298.257223563
E2 = F * (2.0 - F)
MEAN_R_KM = 6371.0088

# name: (type, params) -- keep in sync with tests/data/access_crosscheck.yaml
SENSORS = {
    "pleiades-hr": dict(type="optical", max_off_nadir_deg=30.0, min_sun_elevation_deg=10.0),
    "neo-hr": dict(type="optical", max_off_nadir_deg=45.0, min_sun_elevation_deg=5.0),
    "msi": dict(type="optical", swath_km=290.0, min_sun_elevation_deg=0.0),
    "oli": dict(type="optical", swath_km=185.0, min_sun_elevation_deg=5.0, pass_direction="descending"),
    "c-sar-iw": dict(type="sar", incidence_min_deg=29.1, incidence_max_deg=46.0, look_side="right"),
    "c-sar-ew": dict(type="sar", incidence_min_deg=18.9, incidence_max_deg=47.0, look_side="both", max_squint_deg=2.5),
    # hypothetical: a high Sun threshold on a 10:00 orbit so that Sun-elevation edges occur in October
    "oli-sun": dict(type="optical", swath_km=185.0, min_sun_elevation_deg=44.0, along_track_half_angle_deg=1.5),
    # modes (OR): IW right-looking or a 40-47 deg band on either side
    # hypothetical: a Sun threshold met during one Berlin window, for a Sun-elevation edge on an agile sensor
    "p1b-sun": dict(type="optical", max_off_nadir_deg=45.0, min_sun_elevation_deg=32.25),
    "c-sar-modes": dict(type="sar", modes=[
        dict(name="iw-right", incidence_min_deg=29.1, incidence_max_deg=46.0, look_side="right"),
        dict(name="far-both", incidence_min_deg=40.0, incidence_max_deg=47.0, look_side="both")]),
}
SATS = {38012: "pleiades-hr", 48268: "neo-hr", 40697: "msi", 39084: "oli", 39634: "c-sar-iw", 62261: "c-sar-ew",
        49260: "oli-sun", 42063: "msi", 49070: "c-sar-modes", 39019: "p1b-sun"}
TARGETS = [("paris", 48.8566, 2.3522, 35.0), ("rome", 41.9028, 12.4964, 20.0), ("madrid", 40.4168, -3.7038, 650.0),
           ("berlin", 52.5200, 13.4050, 34.0), ("oslo", 59.9139, 10.7522, 0.0), ("kiruna", 67.8558, 20.2253, 530.0),
           ("athens", 37.9838, 23.7275, 70.0), ("toulouse", 43.6047, 1.4442, 150.0), ("lisbon", 38.7223, -9.1393, 0.0),
           ("matera", 40.6490, 16.7040, 536.0)]


def read_eop(path):
    rows = list(csv.DictReader(open(path)))
    mjd = np.array([float(r["MJD"]) for r in rows])
    return (mjd, np.array([float(r["X"]) for r in rows]), np.array([float(r["Y"]) for r in rows]),
            np.array([float(r["UT1-UTC"]) for r in rows]), np.array([float(r["DAT"]) for r in rows]))


def read_tles(path):
    lines = [l.rstrip("\r\n") for l in open(path) if l.strip()]
    return [(lines[i].strip(), lines[i + 1], lines[i + 2]) for i in range(0, len(lines), 3)]


def iso(seconds):
    t = START + dt.timedelta(microseconds=round(seconds * 1e6))
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def geodetic(r):
    """ITRS (..., 3) km -> geodetic lat, lon (rad), h (km) on WGS-84 (fixed-point iteration, 1e-13 rad)."""
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    p = np.hypot(x, y)
    lon = np.arctan2(y, x)
    lat = np.arctan2(z, p * (1.0 - E2))
    for _ in range(8):
        n = A_KM / np.sqrt(1.0 - E2 * np.sin(lat) ** 2)
        h = p / np.cos(lat) - n
        lat = np.arctan2(z, p * (1.0 - E2 * n / (n + h)))
    n = A_KM / np.sqrt(1.0 - E2 * np.sin(lat) ** 2)
    h = p / np.cos(lat) - n
    return lat, lon, h


def up_vec(lat, lon):
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)


def north_vec(lat, lon):
    return np.stack([-np.sin(lat) * np.cos(lon), -np.sin(lat) * np.sin(lon), np.cos(lat)], axis=-1)


def dot(a, b):
    return np.sum(a * b, axis=-1)


class World:
    def __init__(self):
        mjd, xp, yp, dut1, dat = read_eop(EOP_CSV)
        mid = 60951.0 + DAYS / 2.0
        self.d_ut1 = float(np.interp(mid, mjd, dut1))
        self.tai_utc = float(np.interp(mid, mjd, dat))
        self.ts = load.timescale(delta_t=self.tai_utc + 32.184 - self.d_ut1)
        self.ts.polar_motion_table = ((mjd + 2400000.5) + (self.tai_utc + 32.184) / 86400.0, xp, yp)
        # astropy Sun every 600 s over the interval (+ margin), GCRS km
        self.sun_nodes_s = np.arange(-600.0, DAYS * 86400.0 + 1200.0, 600.0)
        tt = Time(START.strftime("%Y-%m-%dT%H:%M:%S"), scale="utc") + self.sun_nodes_s * u.s
        self.sun_nodes_km = get_sun(tt).cartesian.xyz.to_value(u.km).T

    def t_of(self, seconds):
        return self.ts.utc(START.year, START.month, START.day, 0, 0, np.asarray(seconds, dtype=float))

    def sun_itrs(self, seconds, t):
        s = np.column_stack([np.interp(seconds, self.sun_nodes_s, self.sun_nodes_km[:, k]) for k in range(3)])
        R = itrs.rotation_at(t)  # (3, 3, N): r_itrs = R r_gcrs
        return np.einsum("ijn,nj->ni", R, s)


def sat_state(world, sat, seconds):
    t = world.t_of(seconds)
    r, v = sat.at(t).frame_xyz_and_velocity(itrs)
    return t, r.km.T, v.km_per_s.T


def sat_and_sun(world, sat, seconds):
    seconds = np.atleast_1d(np.asarray(seconds, dtype=float))
    t, r, v = sat_state(world, sat, seconds)
    return r, v, world.sun_itrs(seconds, t)


def evaluate(world, sat, sensor, target, seconds):
    return evaluate_state(sensor, target, *sat_and_sun(world, sat, seconds))


def mode_margins(mode, el, off, c, cross, along_angle, h_s, sun_el):
    """Margins (radians; >= 0 means satisfied) of one sensor mode."""
    m = {"elevation": el}
    if mode["type"] == "optical":
        if "max_off_nadir_deg" in mode:
            m["off_nadir"] = np.radians(mode["max_off_nadir_deg"]) - off
        else:
            lam = mode["swath_km"] / (2.0 * MEAN_R_KM)
            hs = np.arctan2(MEAN_R_KM * np.sin(lam), MEAN_R_KM + np.maximum(h_s, 1.0) - MEAN_R_KM * np.cos(lam))
            m["swath"] = hs - np.abs(cross)
            m["along_track"] = np.radians(mode.get("along_track_half_angle_deg", 1.0)) - np.abs(along_angle)
    else:
        m["incidence_min"] = np.radians(90.0 - mode["incidence_min_deg"]) - el
        m["incidence_max"] = el - np.radians(90.0 - mode["incidence_max_deg"])
        m["squint"] = np.radians(mode.get("max_squint_deg", 1.0)) - np.abs(along_angle)
    side = mode.get("look_side", "both")
    if side != "both":
        m["look_side"] = c if side == "right" else -c
    if mode["type"] == "optical" and "min_sun_elevation_deg" in mode:
        m["sun_elevation"] = sun_el - np.radians(mode["min_sun_elevation_deg"])
    return m


def modes_of(sensor):
    if "modes" not in sensor:
        return [("", sensor)]
    base = {k: v for k, v in sensor.items() if k != "modes"}
    return [(md["name"], {**base, **{k: v for k, v in md.items() if k != "name"}}) for md in sensor["modes"]]


def is_crossing(sensor):
    """Images at the crossing of its cross-track plane (fixed optical) or zero-Doppler plane (SAR)."""
    return all(m["type"] == "sar" or "max_off_nadir_deg" not in m for _, m in modes_of(sensor))


def evaluate_state(sensor, target, r, v, sun_itrs_km):
    """Whether the sensor holds (any mode), the margins of every constraint (keyed "mode:name"), and the quantities
    at each time."""
    tr = target["r"]
    rho = r - tr
    rng = np.linalg.norm(rho, axis=-1)
    uvec = rho / rng[:, None]
    el = np.arcsin(np.clip(dot(uvec, target["up"]), -1, 1))
    lat_s, lon_s, h_s = geodetic(r)
    nadir = -up_vec(lat_s, lon_s)
    los = -uvec
    off = np.arctan2(np.linalg.norm(np.cross(los, nadir), axis=-1), dot(los, nadir))
    right = np.cross(nadir, v)
    right /= np.linalg.norm(right, axis=-1)[:, None]
    along = np.cross(right, nadir)
    c, n = dot(los, right), dot(los, nadir)
    cross = np.arctan2(c, n)
    along_angle = np.arctan2(dot(los, along), n)
    asc = dot(v, north_vec(lat_s, lon_s)) >= 0.0
    sun = sun_itrs_km - tr
    sun_el = np.arcsin(np.clip(dot(sun / np.linalg.norm(sun, axis=-1)[:, None], target["up"]), -1, 1))
    margins = {}
    mode_margin = []  # per mode: its smallest constraint margin (>= 0: the mode holds)
    for name, mode in modes_of(sensor):
        mm = mode_margins(mode, el, off, c, cross, along_angle, h_s, sun_el)
        mode_margin.append(np.min(np.stack(list(mm.values())), axis=0))
        for k, x in mm.items():
            margins[f"{name}:{k}" if name else k] = x
    mode_margin = np.stack(mode_margin)
    ok = np.any(mode_margin >= 0.0, axis=0)
    q = dict(off=np.degrees(off), inc=90.0 - np.degrees(el), sun=np.degrees(sun_el),
             side=np.where(c >= 0.0, "right", "left"), asc=asc, along=np.degrees(np.abs(along_angle)),
             mode_margin=mode_margin)
    return ok, margins, q


def bisect_edges(world, sat, sensor, target, a, b, rising):
    """Vectorised bisection of the boolean between a (state not rising) and b, to < 1 us."""
    a, b = np.array(a, float), np.array(b, float)
    if a.size == 0:
        return a
    for _ in range(22):  # 1 s / 2^22 = 0.24 us
        mid = 0.5 * (a + b)
        ok, _, _ = evaluate(world, sat, sensor, target, mid)
        inside = ok if rising else ~ok
        b = np.where(inside, mid, b)
        a = np.where(inside, a, mid)
    return 0.5 * (a + b)


def satellite_on_grid(world, tles, norad, t_grid):
    """The Skyfield satellite of a NORAD id and its ITRS positions (km) and velocities (km/s) at t_grid, (T, 3)."""
    name, l1, l2 = tles[norad]
    print(f"{norad} {name}", file=sys.stderr)
    sat = EarthSatellite(l1, l2, name, world.ts)
    r_pos, v_vel = sat.at(t_grid).frame_xyz_and_velocity(itrs)
    return sat, r_pos.km.T, v_vel.km_per_s.T


def windows_from_samples(world, sat, sensor, target, grid, ok, stop_s):
    """(starts, ends) of the windows from the sampled boolean `ok` on `grid`: every sign change refined by
    bisection; a window open at the first (last) sample starts at 0 (ends at stop_s)."""
    d = np.diff(ok.astype(int))
    rise_idx = np.nonzero(d == 1)[0]
    set_idx = np.nonzero(d == -1)[0]
    starts = list(bisect_edges(world, sat, sensor, target, grid[rise_idx], grid[rise_idx + 1], True))
    ends = list(bisect_edges(world, sat, sensor, target, grid[set_idx], grid[set_idx + 1], False))
    if ok[0]:
        starts = [0.0] + starts
    if ok[-1]:
        ends = ends + [stop_s]
    assert len(starts) == len(ends)
    return starts, ends


def binding(m, k):
    names = list(m.keys())
    vals = np.array([abs(m[n][k]) for n in names])
    return names[int(np.argmin(vals))]


def check_scenario(path):
    """The scenario file must hold exactly SENSORS, SATS and TARGETS (the C++ cross-check reads the file)."""
    sc = yaml.safe_load(open(path))
    assert sc["sensors"] == SENSORS, "sensors differ from tests/data/access_crosscheck.yaml"
    sats = {i: e["sensor"] for e in sc["satellites"] for i in e["norad_ids"]}
    assert sats == SATS, "satellites differ from tests/data/access_crosscheck.yaml"
    tg = [(t["id"], t["lat_deg"], t["lon_deg"], t.get("alt_m", 0.0)) for t in sc["targets"]]
    assert [(a, float(b), float(c), float(d)) for a, b, c, d in tg] == TARGETS, "targets differ"


def main():
    check_scenario(SCENARIO)
    world = World()
    tles = {int(l1[2:7]): (name, l1, l2) for name, l1, l2 in read_tles(TLE)}
    targets = []
    for tid, lat, lon, alt in TARGETS:
        g = wgs84.latlon(lat, lon, elevation_m=alt)
        targets.append(dict(id=tid, r=g.itrs_xyz.km, up=up_vec(np.radians(lat), np.radians(lon))))
    stop_s = DAYS * 86400.0
    grid = np.arange(0.0, stop_s + 0.5 * STEP_S, STEP_S)

    out = csv.writer(sys.stdout, lineterminator="\n")
    print("# generator: tools/reference/gen_reference_access.py (scenario tests/data/access_crosscheck.yaml)")
    print(f"# skyfield {skyfield.__version__}, astropy {astropy.__version__} get_sun, numpy {np.__version__}, "
          f"python {sys.version.split()[0]}")
    print(f"# interval {iso(0)} .. {iso(stop_s)}; EOP {EOP_CSV}: delta_t = {world.tai_utc} + 32.184 - {world.d_ut1:.7f}, "
          "polar motion table; dense sampling every {} s, edges by bisection (< 1 us), best by golden section".format(STEP_S))
    out.writerow(["norad_id", "satellite", "sensor", "target", "start_utc", "end_utc", "best_utc", "off_nadir_deg_at_best",
                  "incidence_deg_at_best", "sun_elevation_deg_at_best", "look_side", "pass_direction", "partial",
                  "edge_start", "edge_end", "mode"])
    t_grid = world.t_of(grid)
    sun_grid = world.sun_itrs(grid, t_grid)
    for norad, sname in SATS.items():
        sat, r_grid, v_grid = satellite_on_grid(world, tles, norad, t_grid)
        name = sat.name
        sensor = SENSORS[sname]
        for target in targets:
            ok, m, _ = evaluate_state(sensor, target, r_grid, v_grid, sun_grid)
            starts, ends = windows_from_samples(world, sat, sensor, target, grid, ok, stop_s)
            for s0, s1 in zip(starts, ends):
                # best: minimum off-nadir (fixed optical, SAR: minimum |along-track angle|, the crossing of the
                # cross-track or zero-Doppler plane), sampled then golden-section inside [s0, s1]
                key = "along" if is_crossing(sensor) else "off"
                ts_ = np.linspace(s0, s1, max(9, int((s1 - s0) / STEP_S) + 2))
                _, _, q = evaluate(world, sat, sensor, target, ts_)
                k = int(np.argmin(q[key]))
                lo, hi = ts_[max(k - 1, 0)], ts_[min(k + 1, len(ts_) - 1)]
                gr = (np.sqrt(5.0) - 1.0) / 2.0
                for _ in range(60):
                    x1, x2 = hi - gr * (hi - lo), lo + gr * (hi - lo)
                    _, _, qq = evaluate(world, sat, sensor, target, [x1, x2])
                    if qq[key][0] < qq[key][1]:
                        hi = x2
                    else:
                        lo = x1
                best = 0.5 * (lo + hi)
                okb, mb, qb = evaluate(world, sat, sensor, target, [s0, best, s1])
                asc = bool(qb["asc"][1])
                pd = sensor.get("pass_direction", "any")
                if pd != "any" and (pd == "ascending") != asc:
                    continue
                partial = s0 == 0.0 or s1 == stop_s
                # mode: the first that holds at best; at an edge, where rounding can leave none, the one with the
                # largest margin (the rule of docs/formats.md)
                names = [nm for nm, _ in modes_of(sensor)]
                mm = qb["mode_margin"][:, 1]
                held = [i for i in range(len(names)) if mm[i] >= 0.0]
                mode = (names[held[0]] if held else names[int(np.argmax(mm))]) if names[0] else ""
                out.writerow([norad, name, sname, target["id"], iso(s0), iso(s1), iso(best), f"{qb['off'][1]:.6f}",
                              f"{qb['inc'][1]:.6f}", f"{qb['sun'][1]:.6f}", qb["side"][1],
                              "ascending" if asc else "descending", "true" if partial else "false",
                              "bound" if s0 == 0.0 else binding(mb, 0), "bound" if s1 == stop_s else binding(mb, 2),
                              mode])


if __name__ == "__main__":
    main()
