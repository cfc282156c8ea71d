"""vantage.propagate: cross-check against Debian's python-sgp4 on the same inputs, NumPy shapes,
error codes (NaN states), and datetime handling."""
import datetime as dt

import numpy as np
import pytest
from sgp4.api import WGS72, WGS84, Satrec, jday

import vantage

# python-sgp4 and Vantage run the same algorithm (Vallado 2006) in double precision: anything
# above a micrometre is a real difference (tcppver.out itself is printed to 1e-8 km).
POS_TOL_KM = 1e-6
VEL_TOL_KM_S = 1e-8


def _sgp4_reference(path, times, gravity=WGS72):
    lines = [ln.rstrip("\n") for ln in open(path) if ln.startswith(("1 ", "2 "))]
    out, errs = [], []
    for l1, l2 in zip(lines[0::2], lines[1::2]):
        sat = Satrec.twoline2rv(l1, l2, gravity)
        row, erow = [], []
        for t in times:
            jd, fr = jday(t.year, t.month, t.day, t.hour, t.minute, t.second + t.microsecond * 1e-6)
            e, r, v = sat.sgp4(jd, fr)
            row.append(list(r) + list(v))
            erow.append(e)
        out.append(row)
        errs.append(erow)
    return np.array(out), np.array(errs)


def test_crosscheck_python_sgp4_eo_satellites(source_dir):
    path = source_dir / "examples" / "eo-satellites.tle"
    sats = vantage.read_tle(path)
    t0 = dt.datetime(2025, 10, 3, tzinfo=dt.timezone.utc)
    times = [t0 + dt.timedelta(minutes=7 * k) for k in range(200)]
    states, errors = vantage.propagate(sats, times)
    ref, ref_err = _sgp4_reference(path, times)
    assert states.shape == (len(sats), len(times), 6)
    assert (errors == ref_err).all()
    assert np.abs(states[..., :3] - ref[..., :3]).max() < POS_TOL_KM
    assert np.abs(states[..., 3:] - ref[..., 3:]).max() < VEL_TOL_KM_S


def test_crosscheck_python_sgp4_wgs84(source_dir):
    path = source_dir / "examples" / "eo-satellites.tle"
    sats = vantage.read_tle(path)
    times = [dt.datetime(2025, 10, 4, 6, 30, tzinfo=dt.timezone.utc)]
    states, _ = vantage.propagate(sats, times, gravity="wgs84")
    ref, _ = _sgp4_reference(path, times, WGS84)
    assert np.abs(states[..., :3] - ref[..., :3]).max() < POS_TOL_KM


def test_datetime64_and_datetime_agree(source_dir):
    sats = vantage.read_tle(source_dir / "examples" / "eo-satellites.tle")[:2]
    t64 = np.array(["2025-10-03T01:02:03.250000"], dtype="datetime64[us]")
    tdt = [dt.datetime(2025, 10, 3, 1, 2, 3, 250000, tzinfo=dt.timezone.utc)]
    tstr = ["2025-10-03T01:02:03.25Z"]
    a, _ = vantage.propagate(sats, t64)
    b, _ = vantage.propagate(sats, tdt)
    c, _ = vantage.propagate(sats, tstr)
    assert np.array_equal(a, b) and np.array_equal(a, c)


def test_other_timezones_are_converted(source_dir):
    sats = vantage.read_tle(source_dir / "examples" / "eo-satellites.tle")[:1]
    cet = dt.timezone(dt.timedelta(hours=1))
    a, _ = vantage.propagate(sats, [dt.datetime(2025, 10, 3, 13, 0, tzinfo=cet)])
    b, _ = vantage.propagate(sats, [dt.datetime(2025, 10, 3, 12, 0, tzinfo=dt.timezone.utc)])
    assert np.array_equal(a, b)


def test_naive_datetime_is_utc(source_dir):
    sats = vantage.read_tle(source_dir / "examples" / "eo-satellites.tle")[:1]
    a, _ = vantage.propagate(sats, [dt.datetime(2025, 10, 3)])
    b, _ = vantage.propagate(sats, [dt.datetime(2025, 10, 3, tzinfo=dt.timezone.utc)])
    assert np.array_equal(a, b)


def test_bad_time_names_its_index(source_dir):
    sats = vantage.read_tle(source_dir / "examples" / "eo-satellites.tle")[:1]
    with pytest.raises(vantage.Error) as exc:
        vantage.propagate(sats, ["2025-10-03T00:00:00Z", dt.date(2025, 10, 3)])
    assert exc.value.code == "invalid_time"
    assert exc.value.field == "times[1]"


def test_decayed_satellite_reports_error_6_and_nan(source_dir):
    sats = vantage.read_tle(source_dir / "tests" / "data" / "cli" / "decayed.tle")
    epoch = sats[0].epoch
    times = [epoch + dt.timedelta(minutes=m) for m in (0, 50, 55, 60)]
    states, errors = vantage.propagate(sats, times)
    assert errors.tolist() == [[0, 0, 6, 6]]
    assert np.isnan(states[0, 2:]).all()  # as python-sgp4's SatrecArray: NaN where the error is set
    assert not np.isnan(states[0, :2]).any()


def test_bad_option_names_field(source_dir):
    sats = vantage.read_tle(source_dir / "examples" / "eo-satellites.tle")[:1]
    with pytest.raises(vantage.Error) as exc:
        vantage.propagate(sats, ["2025-10-03T00:00:00Z"], frame="ecef")
    assert exc.value.code == "invalid_argument" and exc.value.field == "frame"


def test_records_for_pandas(source_dir):
    sats = vantage.read_tle(source_dir / "examples" / "eo-satellites.tle")[:2]
    times = np.array(["2025-10-03T00:00", "2025-10-03T00:01"], dtype="datetime64[s]")
    states, errors = vantage.propagate(sats, times)
    recs = vantage.states_to_records(sats, times, states, errors)
    assert len(recs) == 4
    assert recs[0]["norad_id"] == sats[0].norad_id
    assert recs[1]["time_utc"] == dt.datetime(2025, 10, 3, 0, 1, tzinfo=dt.timezone.utc)


def test_threads_and_frames_consistent(source_dir):
    sats = vantage.read_tle(source_dir / "examples" / "eo-satellites.tle")
    eop = vantage.read_eop(source_dir / "examples" / "eop.csv")
    times = np.arange(np.datetime64("2025-10-03T00:00"), np.datetime64("2025-10-03T02:00"), np.timedelta64(90, "s"))
    one, _ = vantage.propagate(sats, times, frame="itrf", eop=eop, threads=1)
    two, _ = vantage.propagate(sats, times, frame="itrf", eop=eop, threads=2)
    assert np.array_equal(one, two)  # threads split satellites, never change arithmetic
    teme, _ = vantage.propagate(sats, times, eop=eop)
    conv = vantage.convert_states(teme, times, "teme", "itrf", eop)
    # ITRF from the batch kernel vs the scalar frame chain: same rotation, a few ulp apart.
    assert np.abs(conv[..., :3] - one[..., :3]).max() < 1e-8
    gcrf, _ = vantage.propagate(sats, times, frame="gcrf", eop=eop)
    back = vantage.convert_states(gcrf, times, "gcrf", "teme", eop)
    assert np.abs(back - teme).max() < 1e-8
