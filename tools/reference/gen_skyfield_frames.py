#!/usr/bin/python3
"""Generate tests/data/frames_skyfield_2025-10.csv: TEME states converted by skyfield to ITRS, GCRS and
WGS-84 geodetic coordinates, with the real EOP of October 2025.

Run with Debian's interpreter (the one that has python3-skyfield and python3-numpy):

    /usr/bin/python3 tools/reference/gen_skyfield_frames.py > tests/data/frames_skyfield_2025-10.csv

EOP: tests/reference/eop/celestrak-eop-2025-03-17-to-2026-07-06.csv (CelesTrak EOP-All.csv slice).
- UT1: skyfield's built-in UT1 table is stale (docs: ../shared/PITFALLS.md), so every epoch gets its own
  timescale with a constant delta_t = TT - UT1 = (TAI - UTC) + 32.184 s - (UT1 - UTC), where UT1 - UTC is
  interpolated linearly between the daily rows exactly as vantage::frames::EarthOrientation does.
- Polar motion: installed as ts.polar_motion_table (TT of each row at 0h UTC, x and y in arcseconds),
  which skyfield interpolates linearly and applies in its ITRS frame together with s'.
- skyfield has no dX/dY (celestial pole offsets) and no LOD: its GCRS is the IAU 2006/2000A equinox-based
  chain without EOP nutation corrections, and its ITRS velocity uses a constant Earth rate.

States: a fixed-seed random sample of positions (LEO to GEO radii, all directions) with roughly circular
velocities, at random instants spread over 2025-10-01..31 UTC. Nothing here depends on SGP4.
"""
import csv
import sys

import numpy as np
import skyfield
from skyfield.api import load, wgs84
from skyfield.framelib import itrs
from skyfield.positionlib import ICRF
from skyfield.sgp4lib import TEME
from skyfield.units import Distance, Velocity

EOP_CSV = "tests/reference/eop/celestrak-eop-2025-03-17-to-2026-07-06.csv"
N_EPOCHS = 60
STATES_PER_EPOCH = 10
SEED = 20251003
MU_KM3_S2 = 398600.4418


def read_eop(path):
    mjd, x, y, dut1, dat = [], [], [], [], []
    with open(path) as f:
        for row in csv.DictReader(f):
            mjd.append(float(row["MJD"]))
            x.append(float(row["X"]))
            y.append(float(row["Y"]))
            dut1.append(float(row["UT1-UTC"]))
            dat.append(float(row["DAT"]))
    return np.array(mjd), np.array(x), np.array(y), np.array(dut1), np.array(dat)


def main():
    rng = np.random.default_rng(SEED)
    mjd, xp, yp, dut1, dat = read_eop(EOP_CSV)
    assert np.all(dat == 37.0), "the sample window must not contain a leap second"

    ts0 = load.timescale(builtin=True)
    # Polar-motion table on TT, one node per EOP row (0h UTC of its MJD).
    years, months, days = [], [], []
    for m in mjd:
        t = ts0.tt_jd(m + 2400000.5)  # only used for the calendar date
        yy, mm, dd = t.tt_calendar()[:3]
        years.append(yy), months.append(mm), days.append(dd)
    row_tt = ts0.utc(np.array(years), np.array(months), np.array(days)).tt

    # Random epochs in October 2025 (UTC), as MJD UTC.
    mjd_start = 60949.0  # 2025-10-01
    epochs_mjd = np.sort(mjd_start + rng.uniform(0.0, 31.0, N_EPOCHS))

    out = csv.writer(sys.stdout, lineterminator="\n")
    print(f"# generator: tools/reference/gen_skyfield_frames.py (seed {SEED})")
    print(f"# skyfield {skyfield.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")
    print(f"# EOP: {EOP_CSV}; UT1 via per-epoch delta_t = 69.184 - (UT1-UTC), UT1-UTC linear in MJD UTC;"
          " polar motion via ts.polar_motion_table (linear in TT); no dX/dY, no LOD in skyfield")
    print("# frames: TEME input; ITRS = skyfield framelib.itrs (GMST1982 for TEME, polar motion incl. s');"
          " GCRS = skyfield ICRF/GCRS axes; geodetic = wgs84.geographic_position_of (ITRS)")
    out.writerow(["epoch_utc", "ut1_minus_utc_s",
                  "teme_x_km", "teme_y_km", "teme_z_km", "teme_vx_km_s", "teme_vy_km_s", "teme_vz_km_s",
                  "itrf_x_km", "itrf_y_km", "itrf_z_km", "itrf_vx_km_s", "itrf_vy_km_s", "itrf_vz_km_s",
                  "gcrf_x_km", "gcrf_y_km", "gcrf_z_km", "gcrf_vx_km_s", "gcrf_vy_km_s", "gcrf_vz_km_s",
                  "lat_deg", "lon_deg", "h_km"])
    for e in epochs_mjd:
        # Round the epoch to whole microseconds so the ISO string we print is the instant we used.
        day = np.floor(e)
        usec = round((e - day) * 86400e6)
        sod = usec / 1e6
        hh, rem = divmod(sod, 3600.0)
        mi, ss = divmod(rem, 60.0)
        t_cal = ts0.tt_jd(day + 2400000.5).tt_calendar()[:3]
        d_ut1 = float(np.interp(day + sod / 86400.0, mjd, dut1))
        ts = load.timescale(delta_t=37.0 + 32.184 - d_ut1)
        ts.polar_motion_table = (row_tt, xp, yp)
        t = ts.utc(t_cal[0], t_cal[1], t_cal[2], int(hh), int(mi), ss)
        iso = f"{t_cal[0]:04d}-{t_cal[1]:02d}-{t_cal[2]:02d}T{int(hh):02d}:{int(mi):02d}:{ss:09.6f}Z"
        for _ in range(STATES_PER_EPOCH):
            radius = rng.uniform(6578.0, 42164.0)
            u = rng.normal(size=3)
            u /= np.linalg.norm(u)
            w = np.cross(u, rng.normal(size=3))
            w /= np.linalg.norm(w)
            speed = np.sqrt(MU_KM3_S2 / radius) * rng.uniform(0.9, 1.1)
            r_teme = radius * u
            v_teme = speed * w + rng.normal(scale=0.05, size=3)
            p = ICRF.from_time_and_frame_vectors(t, TEME, Distance(km=r_teme), Velocity(km_per_s=v_teme))
            p.center = 399
            r_itrs, v_itrs = p.frame_xyz_and_velocity(itrs)
            geo = wgs84.geographic_position_of(p)
            lon = geo.longitude.degrees
            row = [iso, f"{d_ut1:.10f}"]
            row += [f"{c:.9f}" for c in r_teme] + [f"{c:.12f}" for c in v_teme]
            row += [f"{c:.9f}" for c in r_itrs.km] + [f"{c:.12f}" for c in v_itrs.km_per_s]
            row += [f"{c:.9f}" for c in p.position.km] + [f"{c:.12f}" for c in p.velocity.km_per_s]
            row += [f"{geo.latitude.degrees:.12f}", f"{lon:.12f}", f"{geo.elevation.km:.9f}"]
            out.writerow(row)


if __name__ == "__main__":
    main()
