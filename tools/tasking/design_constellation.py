#!/usr/bin/python3
"""Designed element sets for the tasking demo and benchmark (Debian's python3-sgp4 only).

Writes 3-line TLEs of circular sun-synchronous orbits laid out as a Walker pattern, with
`Satrec.sgp4init` (WGS-72, opsmode 'i') and `sgp4.exporter.export_tle`, so the element sets are
what python-sgp4 itself would propagate. Until `vantage design walker` exists this script is how
the designed satellites of examples/tasking-demo.yaml and of bench/tasking were made:

    /usr/bin/python3 tools/tasking/design_constellation.py --preset eu-demo > examples/eu-constellation.tle
    /usr/bin/python3 tools/tasking/design_constellation.py --preset bench20 > build/bench-tasking/bench20.tle

Orbit design (stated so it can be checked):
- circular (e = 1e-4, argument of perigee 0), semi-major axis a = R_E + h with R_E = 6378.137 km;
  the mean motion written is the two-body n = sqrt(mu / a^3) (mu = 398600.8 km^3/s^2, WGS-72), so the
  SGP4 mean altitude differs from h by a few km (Kozai vs Brouwer mean elements) - irrelevant for a
  designed orbit;
- sun-synchronous inclination from the J2 node drift: cos i = -(2/3) * rate_sun * a^3.5 / (J2 R_E^2 sqrt(mu)),
  rate_sun = 360 deg / 365.2422 d, J2 = 0.001082616 (WGS-72);
- Walker delta T/P/F: plane p (0..P-1) has local time of ascending node LTAN_0 + p * 24 h / P
  (so the right ascension of the node spreads over 360 deg), satellite s in the plane has argument of latitude
  360 s / (T/P) + 360 F p / T;
- the right ascension of the node is RA(mean Sun at epoch) + (LTAN - 12 h) * 15 deg/h, with the Sun's right
  ascension from the Astronomical Almanac's low-precision formula (about 0.01 deg).
"""
import argparse
import math
import sys
from datetime import datetime, timezone

from sgp4 import exporter
from sgp4.api import WGS72, Satrec

MU_KM3_S2 = 398600.8  # WGS-72
RE_KM = 6378.135  # WGS-72 equatorial radius (SGP4's)
J2 = 0.001082616
SUN_RATE_RAD_S = 2.0 * math.pi / (365.2422 * 86400.0)


def sun_right_ascension_deg(t: datetime) -> float:
    """Astronomical Almanac low-precision Sun (C24): right ascension of date, about 0.01 deg."""
    jd = t.timestamp() / 86400.0 + 2440587.5
    n = jd - 2451545.0
    L = (280.460 + 0.9856474 * n) % 360.0
    g = math.radians((357.528 + 0.9856003 * n) % 360.0)
    lam = math.radians(L + 1.915 * math.sin(g) + 0.020 * math.sin(2 * g))
    eps = math.radians(23.439 - 0.0000004 * n)
    return math.degrees(math.atan2(math.cos(eps) * math.sin(lam), math.cos(lam))) % 360.0


def sso_inclination_deg(a_km: float) -> float:
    c = -(2.0 / 3.0) * SUN_RATE_RAD_S * a_km ** 3.5 / (J2 * RE_KM ** 2 * math.sqrt(MU_KM3_S2))
    return math.degrees(math.acos(c))


def walker(name, first_norad, total, planes, phasing, alt_km, ltan0_h, epoch, intl_prefix):
    per_plane = total // planes
    a = RE_KM + alt_km
    n_rad_min = math.sqrt(MU_KM3_S2 / a ** 3) * 60.0
    inc = math.radians(sso_inclination_deg(a))
    sun_ra = sun_right_ascension_deg(epoch)
    jd_epoch = epoch.timestamp() / 86400.0 + 2440587.5
    epoch_1949 = jd_epoch - 2433281.5  # days since 1949 December 31 00:00 UT
    out = []
    k = 0
    for p in range(planes):
        ltan = ltan0_h + p * 24.0 / planes
        raan = math.radians((sun_ra + (ltan - 12.0) * 15.0) % 360.0)
        for s in range(per_plane):
            u = math.radians((360.0 * s / per_plane + 360.0 * phasing * p / total) % 360.0)
            sat = Satrec()
            sat.sgp4init(WGS72, 'i', first_norad + k, epoch_1949, 1.0e-5, 0.0, 0.0, 1.0e-4, 0.0, inc, u, n_rad_min, raan)
            sat.classification = 'U'
            sat.intldesg = f"{intl_prefix}{chr(ord('A') + k)}"
            sat.revnum = 0
            sat.elnum = 999
            l1, l2 = exporter.export_tle(sat)
            out.append((f"{name}-{k + 1}", l1, l2))
            k += 1
    return out


PRESETS = {
    # The demo's sovereign constellation: an agile optical Walker 8/4/1 at 620 km and four agile SAR satellites
    # (2 dawn-dusk-ish planes). NORAD ids in the 9xxxx analyst range, never a real object's.
    "eu-demo": [
        dict(name="EUOPT", first_norad=90001, total=8, planes=4, phasing=1, alt_km=620.0, ltan0_h=10.5, intl_prefix="25900"),
        dict(name="EUSAR", first_norad=90101, total=4, planes=2, phasing=1, alt_km=560.0, ltan0_h=6.0, intl_prefix="25901"),
    ],
    # The benchmark's 20 satellites: 14 agile optical (Walker 14/7/1 at 600 km) and 6 agile SAR (6/3/1 at 550 km).
    "bench20": [
        dict(name="BOPT", first_norad=91001, total=14, planes=7, phasing=1, alt_km=600.0, ltan0_h=9.0, intl_prefix="25910"),
        dict(name="BSAR", first_norad=91101, total=6, planes=3, phasing=1, alt_km=550.0, ltan0_h=6.0, intl_prefix="25911"),
    ],
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", choices=sorted(PRESETS), required=True)
    ap.add_argument("--epoch", default="2025-10-03T00:00:00Z", help="element-set epoch, UTC")
    args = ap.parse_args()
    epoch = datetime.strptime(args.epoch, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    sys.stdout.write(f"# Designed by tools/tasking/design_constellation.py --preset {args.preset} --epoch {args.epoch}\n")
    sys.stdout.write("# (python3-sgp4 Satrec.sgp4init + exporter.export_tle; circular sun-synchronous Walker patterns)\n")
    for spec in PRESETS[args.preset]:
        for name, l1, l2 in walker(epoch=epoch, **spec):
            sys.stdout.write(f"{name}\n{l1}\n{l2}\n")


if __name__ == "__main__":
    main()
