#!/usr/bin/python3
"""Generate tests/data/eclipse_reference.csv: Earth-shadow entries and exits of real satellites computed by an
implementation that shares no code with Vantage.

    /usr/bin/python3 tools/reference/gen_reference_eclipses.py > tests/data/eclipse_reference.csv

- Satellites: python-sgp4 through Skyfield 1.45 (EarthSatellite, GCRS positions) from examples/eo-satellites.tle.
- Sun: astropy 5.2 get_sun (apparent GCRS: ERFA epv00 + aberration), tabulated every 600 s and interpolated
  linearly (direction error < 1e-8 rad).
- Shadow: the cone formulation (Vallado, Fundamentals of Astrodynamics, 4th ed., Algorithm 34), not the angular
  discs Vantage uses: the Sun at distance D with unit direction s, the Earth a sphere of R = 6378.137 km, the Sun one
  of 695700 km. Penumbra cone: half-angle asin((Rs + R)/D), vertex R / sin(half-angle) towards the Sun; umbra cone:
  half-angle asin((Rs - R)/D), vertex R / sin(half-angle) behind the Earth. With x = -r.s (distance behind the
  Earth along the axis) and y = |r + x s| (distance from the axis): in the penumbra when x > 0 and
  y <= (xp + x) tan(ap), in the umbra when x > 0 and y <= (xu - x) tan(au) (the cones are only the shadow behind the
  Earth: in front of it the penumbra cone's radius is below R - 9 km at 2000 km, where a LEO satellite is seen
  there). Cylindrical: x > 0 and y <= R.
- Sampled every 1 s over the day, each change refined by bisection to 1 us.
"""
import datetime as dt
import os
import sys

import numpy as np
from astropy import units as u
from astropy.coordinates import get_sun
from astropy.time import Time
from skyfield.api import EarthSatellite, load

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
START = dt.datetime(2025, 10, 3, tzinfo=dt.timezone.utc)
DAYS = 1
NORADS = [38012, 39634, 40697, 62261]
R_E = 6378.137
R_S = 695700.0


def read_tles(path):
    lines = [l.rstrip("\r\n") for l in open(path) if l.strip()]
    return {int(lines[i + 1][2:7]): (lines[i].strip(), lines[i + 1], lines[i + 2]) for i in range(0, len(lines), 3)}


def main():
    ts = load.timescale(builtin=True)
    stop_s = DAYS * 86400.0
    nodes = np.arange(-600.0, stop_s + 1200.0, 600.0)
    sun_nodes = get_sun(Time(START.strftime("%Y-%m-%dT%H:%M:%S"), scale="utc") + nodes * u.s).cartesian.xyz.to_value(u.km).T

    def sun(sec):
        return np.column_stack([np.interp(sec, nodes, sun_nodes[:, k]) for k in range(3)])

    def shadow(sat, sec):
        """(in penumbra cone, in umbra cone, in cylinder) at seconds after START."""
        sec = np.atleast_1d(np.asarray(sec, float))
        t = ts.utc(START.year, START.month, START.day, 0, 0, sec)
        r = sat.at(t).position.km.T
        s = sun(sec)
        d = np.linalg.norm(s, axis=1)
        sh = s / d[:, None]
        x = -np.sum(r * sh, axis=1)
        y = np.linalg.norm(r + x[:, None] * sh, axis=1)
        ap = np.arcsin((R_S + R_E) / d)
        au = np.arcsin((R_S - R_E) / d)
        xp = R_E / np.sin(ap)
        xu = R_E / np.sin(au)
        pen = (x > 0) & (y <= (xp + x) * np.tan(ap))  # behind the Earth (in front no orbit above ~100 km is shadowed)
        umb = (x > 0) & (y <= (xu - x) * np.tan(au))
        cyl = (x > 0) & (y <= R_E)
        return pen, umb, cyl

    tles = read_tles(os.path.join(ROOT, "examples", "eo-satellites.tle"))
    grid = np.arange(0.0, stop_s + 0.5, 1.0)
    print("# generator: tools/reference/gen_reference_eclipses.py (Skyfield 1.45 GCRS, astropy get_sun, Vallado cones)")
    print("norad_id,model,boundary,kind,time_utc")
    for norad in NORADS:
        name, l1, l2 = tles[norad]
        sat = EarthSatellite(l1, l2, name, ts)
        states = shadow(sat, grid)
        for k, (model, boundary) in enumerate((("conical", "penumbra"), ("conical", "umbra"), ("cylindrical", "umbra"))):
            ok = states[k]
            for i in np.nonzero(ok[1:] != ok[:-1])[0]:
                lo, hi = grid[i], grid[i + 1]
                while hi - lo > 1e-6:
                    mid = 0.5 * (lo + hi)
                    if shadow(sat, [mid])[k][0] == ok[i]:
                        lo = mid
                    else:
                        hi = mid
                when = START + dt.timedelta(seconds=0.5 * (lo + hi))
                print(f"{norad},{model},{boundary},{'entry' if ok[i + 1] else 'exit'},{when.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}")


if __name__ == "__main__":
    main()
