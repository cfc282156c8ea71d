"""Readers, errors, Instant and frames from Python; frames cross-checked against Skyfield."""
import datetime as dt
import warnings

import numpy as np
import pytest

import vantage


def test_read_tle_and_format_round_trip(source_dir):
    path = source_dir / "examples" / "eo-satellites.tle"
    sats = vantage.read_tle(path)
    assert [s.norad_id for s in sats][:3] == [38012, 39019, 39084]
    lines = [ln.rstrip("\n") for ln in open(path) if ln.startswith(("1 ", "2 "))]
    for s, l1, l2 in zip(sats, lines[0::2], lines[1::2]):
        assert vantage.format_tle(s) == (l1, l2)
    assert sats[0].epoch.tzinfo is not None


def test_read_omm_formats_agree(shared_data):
    base = shared_data / "omm-samples"
    xml = vantage.read_omm(base / "python-sgp4_sample_omm.xml")
    csv = vantage.read_omm(base / "python-sgp4_sample_omm.csv")
    assert xml[0].norad_id == csv[0].norad_id
    assert xml[0].mean_motion_rev_day == csv[0].mean_motion_rev_day
    assert len(vantage.read_elements(base / "celestrak-resource-omm-2025-06-28.json")) == 157


def test_strict_error_carries_source_line_field(source_dir):
    path = source_dir / "tests" / "data" / "cli" / "bad_checksum.tle"
    with pytest.raises(vantage.Error) as exc:
        vantage.read_tle(path)
    e = exc.value
    assert e.code == "checksum" and e.line == 2 and e.source.endswith("bad_checksum.tle")
    assert "col 69" in e.field
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert vantage.read_tle(path, strict=False) == []
    assert any("checksum" in str(x.message) for x in w)


def test_missing_file():
    with pytest.raises(vantage.Error) as exc:
        vantage.read_tle("/nonexistent/file.tle")
    assert exc.value.code == "file_not_found"


def test_instant_leap_second_and_datetime():
    a = vantage.Instant("2016-12-31T23:59:60.5Z")
    b = vantage.Instant(dt.datetime(2017, 1, 1, tzinfo=dt.timezone.utc))
    assert b - a == pytest.approx(0.5, abs=1e-12)
    assert a.tai_minus_utc_s() == 36.0 and b.tai_minus_utc_s() == 37.0
    assert b.to_datetime() == dt.datetime(2017, 1, 1, tzinfo=dt.timezone.utc)
    assert str(vantage.Instant(np.datetime64("2025-10-03T12:00:00"))) == "2025-10-03T12:00:00.000000Z"


def test_eop_context(source_dir):
    eop = vantage.read_eop(source_dir / "examples" / "eop.csv")
    v = eop.at("2025-10-03T00:00:00Z")
    # CelesTrak EOP-All.csv row for 2025-10-03 (tests/reference/README.md): UT1-UTC 0.0936620 s.
    assert v["ut1_minus_utc_s"] == pytest.approx(0.0936620, abs=1e-9)
    assert v["in_range"] and not v["predicted"]
    assert not eop.at("2030-01-01T00:00:00Z")["in_range"]


def test_itrf_against_skyfield(source_dir):
    """TEME->ITRF and geodetic vs Skyfield 1.45 with the same UT1 (PITFALLS: pass delta_t)."""
    from skyfield.api import EarthSatellite, load, wgs84
    from skyfield.framelib import itrs

    path = source_dir / "examples" / "eo-satellites.tle"
    sats = vantage.read_tle(path)
    lines = [ln.rstrip("\n") for ln in open(path) if ln.startswith(("1 ", "2 "))]
    eop = vantage.read_eop(source_dir / "examples" / "eop.csv")
    when = dt.datetime(2025, 10, 3, 6, 0, tzinfo=dt.timezone.utc)
    dut1 = eop.at(when)["ut1_minus_utc_s"]
    ts = load.timescale(builtin=True, delta_t=69.184 - dut1)
    t = ts.from_datetime(when)
    states, _ = vantage.propagate(sats, [when], frame="itrf", eop=eop)
    geo = vantage.itrf_to_geodetic(states)
    for i, (l1, l2) in enumerate(zip(lines[0::2], lines[1::2])):
        sat = EarthSatellite(l1, l2, ts=ts)
        r = sat.at(t).frame_xyz(itrs).km
        # Skyfield here has no polar motion table: the pole offset (~0.4") moves a LEO point by
        # ~15 m; 30 m bounds it. The C++ FramesCrossCheck compares with polar motion to 2.5 mm.
        assert np.linalg.norm(states[i, 0, :3] - r) < 0.030
        sub = wgs84.geographic_position_of(sat.at(t))
        assert abs(geo[i, 0, 0] - sub.latitude.degrees) < 1e-3
