"""The Python API as python-sgp4 / Skyfield / pandas users expect it (issue 17 item 4):
Satellite.from_tle, read_tle on text or paths, NaN for failed states, exceptions that are also
built-in exceptions, naive datetimes as UTC, Plan.to_dataframe, and topocentric() cross-checked
against Skyfield."""
import csv
import datetime as dt
import errno
import os
import pathlib
import sys
import time
import warnings

import numpy as np
import pytest

import vantage

def _tle_records(path):
    """(name, line1, line2) of a 3-line TLE file, read without Vantage."""
    lines = [ln.rstrip("\r\n") for ln in open(path) if ln.strip()]
    return [(lines[i].strip(), lines[i + 1], lines[i + 2]) for i in range(0, len(lines), 3)]


@pytest.fixture
def eo_tle(source_dir):
    return source_dir / "examples" / "eo-satellites.tle"


# --- 1. Satellite.from_tle ------------------------------------------------------------------------

def test_from_tle_equals_read_tle(eo_tle):
    by_file = vantage.read_tle(eo_tle)
    for rec, ref in zip(_tle_records(eo_tle), by_file):
        name, l1, l2 = rec
        sat = vantage.Satellite.from_tle(l1, l2, name)
        assert isinstance(sat, vantage.ElementSet)
        assert sat.object_name == ref.object_name and sat.norad_id == ref.norad_id
        assert vantage.format_tle(sat) == (l1, l2)
        t = [dt.datetime(2025, 10, 3, 1, tzinfo=dt.timezone.utc)]
        assert np.array_equal(vantage.propagate(sat, t)[0], vantage.propagate(ref, t)[0])
    # Without a name, and with a 3-line "0 " name line, as Skyfield's EarthSatellite(l1, l2, name).
    _, l1, l2 = _tle_records(eo_tle)[0]
    assert vantage.ElementSet.from_tle(l1, l2).object_name == ""
    assert vantage.ElementSet.from_tle(l1, l2, name="0 MY SAT ").object_name == "MY SAT"
    assert vantage.Satellite is vantage.ElementSet


def test_from_tle_bad_line_is_a_value_error_naming_line_and_field(eo_tle):
    _, l1, l2 = _tle_records(eo_tle)[0]
    bad2 = l2[:26] + "12x4567" + l2[33:]  # eccentricity, cols 27-33
    with pytest.raises(ValueError) as exc:
        vantage.Satellite.from_tle(l1, bad2, verify_checksum=False)
    e = exc.value
    assert isinstance(e, vantage.ParseError) and isinstance(e, vantage.Error)
    assert e.code == "invalid_number" and e.line == 2 and e.field == "eccentricity (cols 27-33)"
    assert e.value == "12x4567"
    # A wrong checksum on line 1 names line 1, column 69; verify_checksum=False accepts it.
    bad1 = l1[:68] + str((int(l1[68]) + 1) % 10)
    with pytest.raises(vantage.ParseError) as exc:
        vantage.Satellite.from_tle(bad1, l2)
    assert exc.value.code == "checksum" and exc.value.line == 1 and "col 69" in exc.value.field
    assert vantage.Satellite.from_tle(bad1, l2, verify_checksum=False).norad_id == int(l1[2:7])
    with pytest.raises(vantage.ParseError) as exc:
        vantage.Satellite.from_tle(l2, l1)  # swapped
    assert exc.value.line == 1


# --- 2. read_tle: text or path --------------------------------------------------------------------

def test_read_tle_text_path_and_pathlike_agree(eo_tle):
    by_str = vantage.read_tle(str(eo_tle))
    by_path = vantage.read_tle(pathlib.Path(eo_tle))
    by_text = vantage.read_tle(eo_tle.read_text())
    assert [s.norad_id for s in by_str] == [s.norad_id for s in by_path] == [s.norad_id for s in by_text]
    assert [vantage.format_tle(s) for s in by_text] == [vantage.format_tle(s) for s in by_str]
    # Two lines joined by "\n" (no name), and CRLF text.
    _, l1, l2 = _tle_records(eo_tle)[0]
    assert vantage.read_tle(l1 + "\n" + l2)[0].norad_id == by_str[0].norad_id
    assert len(vantage.read_tle(eo_tle.read_text().replace("\n", "\r\n"))) == len(by_str)


def test_read_tle_text_errors_name_the_line(eo_tle):
    _, l1, l2 = _tle_records(eo_tle)[0]
    text = "# comment\n" + l1 + "\n" + l2[:-1] + str((int(l2[-1]) + 1) % 10) + "\n"
    with pytest.raises(vantage.ParseError) as exc:
        vantage.read_tle(text)
    assert exc.value.source == "<string>" and exc.value.line == 3 and exc.value.code == "checksum"


def test_missing_file_is_file_not_found_and_vantage_error(tmp_path):
    missing = tmp_path / "nope.tle"
    for catch in (FileNotFoundError, vantage.Error, OSError):
        try:
            vantage.read_tle(missing)
        except catch as e:
            assert isinstance(e, vantage.MissingFileError) and isinstance(e, vantage.FileError)
            assert e.errno == errno.ENOENT and e.filename == str(missing)
            assert e.code == "file_not_found" and e.source == str(missing)
        else:
            pytest.fail("no exception")
    with pytest.raises(FileNotFoundError):
        vantage.read_eop(str(missing))
    with pytest.raises(FileNotFoundError):
        vantage.read_omm(missing)


def test_directory_is_an_oserror_not_file_not_found(tmp_path):
    with pytest.raises(vantage.FileError) as exc:
        vantage.read_tle(tmp_path)
    assert isinstance(exc.value, OSError) and not isinstance(exc.value, FileNotFoundError)
    assert exc.value.errno == errno.EISDIR and exc.value.code == "file_not_found"


# --- 3. failed states are NaN ---------------------------------------------------------------------

def _vallado_error_cases(shared_data):
    """33333 and 33334 of Vallado's SGP4-VER.TLE (the "check error code" cases; checksums are
    deliberately wrong there and line 2 carries start/stop/step after column 69)."""
    lines = [ln.rstrip("\n") for ln in open(shared_data / "sgp4-verification" / "SGP4-VER.TLE")]
    out = []
    for i, ln in enumerate(lines):
        if ln.startswith("1 3333") and ln[2:7] in ("33333", "33334"):
            out.append((ln[:69], lines[i + 1][:69]))
    assert len(out) == 2
    return out


@pytest.mark.parametrize("frame", ["teme", "itrf", "gcrf"])
def test_failed_states_are_nan_with_python_sgp4_codes(shared_data, frame):
    from sgp4.api import WGS72, Satrec

    cases = _vallado_error_cases(shared_data)
    sats = [vantage.Satellite.from_tle(l1, l2, verify_checksum=False) for l1, l2 in cases]
    minutes = [0.0, 5.0, 10.0, 20.0, 25.0, 60.0, 150.0]
    # Per satellite its own epoch + minutes: propagate one satellite at a time.
    for sat, (l1, l2) in zip(sats, cases):
        times = [sat.epoch + dt.timedelta(minutes=m) for m in minutes]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # no EOP for itrf/gcrf: warned, irrelevant here
            states, errors = vantage.propagate(sat, times, frame=frame)
        ref = Satrec.twoline2rv(l1, l2, WGS72)
        ref_codes = [ref.sgp4_tsince(m)[0] for m in minutes]
        assert errors[0].tolist() == ref_codes
        assert any(ref_codes), "the case must fail somewhere"
        failed = errors[0] != 0
        assert np.isnan(states[0, failed]).all()  # every component
        assert not np.isnan(states[0, ~failed]).any()


def test_decayed_satellite_is_nan_and_records_skip_it(source_dir):
    sats = vantage.read_tle(source_dir / "tests" / "data" / "cli" / "decayed.tle")
    times = [sats[0].epoch + dt.timedelta(minutes=m) for m in (0, 50, 55, 60)]
    states, errors = vantage.propagate(sats, times)
    assert errors.tolist() == [[0, 0, 6, 6]]
    assert np.isnan(states[0, 2:]).all() and not np.isnan(states[0, :2]).any()
    assert len(vantage.states_to_records(sats, times, states, errors)) == 2
    geo = vantage.itrf_to_geodetic(states)  # NaN in, NaN out (no exception)
    assert np.isnan(geo[0, 2:]).all()


# --- 4. exception hierarchy -----------------------------------------------------------------------

def test_exception_hierarchy():
    assert issubclass(vantage.ParseError, vantage.Error) and issubclass(vantage.ParseError, ValueError)
    assert issubclass(vantage.FileError, vantage.Error) and issubclass(vantage.FileError, OSError)
    assert issubclass(vantage.MissingFileError, vantage.FileError)
    assert issubclass(vantage.MissingFileError, FileNotFoundError)
    assert not issubclass(vantage.Error, ValueError)
    for cls in (vantage.Error, vantage.ParseError, vantage.FileError, vantage.MissingFileError):
        assert cls.__doc__


def test_bad_arguments_are_value_errors_with_code_and_field(eo_tle):
    sats = vantage.read_tle(eo_tle)[:1]
    with pytest.raises(ValueError) as exc:
        vantage.propagate(sats, ["2025-10-03T00:00:00Z"], frame="ecef")
    assert isinstance(exc.value, vantage.ParseError)
    assert exc.value.code == "invalid_argument" and exc.value.field == "frame" and exc.value.value == "ecef"
    with pytest.raises(ValueError) as exc:
        vantage.propagate(sats, ["2025-13-03T00:00:00Z"])
    assert exc.value.code == "invalid_time" and exc.value.field == "times[0]"


# --- 5. naive datetimes are UTC -------------------------------------------------------------------

def test_naive_datetime_is_utc_whatever_the_local_zone(eo_tle):
    sats = vantage.read_tle(eo_tle)[:2]
    aware = [dt.datetime(2025, 10, 3, 12, 0, 0, 250000, tzinfo=dt.timezone.utc)]
    naive = [dt.datetime(2025, 10, 3, 12, 0, 0, 250000)]
    tokyo = [dt.datetime(2025, 10, 3, 21, 0, 0, 250000, tzinfo=dt.timezone(dt.timedelta(hours=9)))]
    t64 = np.array(["2025-10-03T12:00:00.25"], dtype="datetime64[ms]")
    old = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"  # a local zone that is not UTC must not matter
    time.tzset()
    try:
        ref, _ = vantage.propagate(sats, aware)
        for t in (naive, tokyo):
            assert np.array_equal(vantage.propagate(sats, t)[0], ref)
        # datetime64 goes through a Julian date (a different rounding of the same instant): 5e-11 km seen,
        # i.e. < 1e-14 s of time; 1e-9 km says "the same instant", an hour's shift would be 27,000 km.
        assert np.abs(vantage.propagate(sats, t64)[0] - ref).max() < 1e-9
        assert vantage.Instant(naive[0]) == vantage.Instant(aware[0])
        assert vantage.Instant(naive[0]).to_datetime() == aware[0]
        rec = vantage.states_to_records(sats[:1], naive, ref[:1], np.zeros((1, 1)))
        assert rec[0]["time_utc"] == aware[0]
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def test_non_utc_zone_with_dst_is_converted(eo_tle):
    zoneinfo = pytest.importorskip("zoneinfo")
    sats = vantage.read_tle(eo_tle)[:1]
    paris = zoneinfo.ZoneInfo("Europe/Paris")  # CEST (+2 h) on 2025-10-03
    a, _ = vantage.propagate(sats, [dt.datetime(2025, 10, 3, 14, 0, tzinfo=paris)])
    b, _ = vantage.propagate(sats, [dt.datetime(2025, 10, 3, 12, 0, tzinfo=dt.timezone.utc)])
    assert np.array_equal(a, b)


# --- 6. Plan.to_dataframe -------------------------------------------------------------------------

def test_plan_to_dataframe(source_dir):
    pd = pytest.importorskip("pandas")
    plan = vantage.plan(source_dir / "tests" / "data" / "tasking" / "tiny.yaml")
    df = plan.to_dataframe()
    assert len(df) == len(plan.acquisitions) > 0
    for col in ("start_utc", "end_utc", "delivered_utc"):
        assert isinstance(df[col].dtype, pd.DatetimeTZDtype) and str(df[col].dt.tz) == "UTC"
    for i, a in enumerate(plan.acquisitions):
        assert df["start_utc"].iloc[i].to_pydatetime() == a["start_utc"]
        assert df["acquisition_id"].iloc[i] == a["acquisition_id"]
    assert df["off_nadir_deg"].dtype == np.float64
    assert len(plan.to_dataframe("downlinks")) == len(plan.downlinks)
    req = plan.to_dataframe("requests")
    assert len(req) == len(plan.requests) and isinstance(req["delivered_utc"].dtype, pd.DatetimeTZDtype)
    with pytest.raises(ValueError):
        plan.to_dataframe("strips")


def test_to_dataframe_without_pandas_says_so(source_dir, monkeypatch):
    plan = vantage.plan(source_dir / "tests" / "data" / "tasking" / "tiny.yaml")
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas -> ImportError
    with pytest.raises(ImportError, match=r"needs pandas.*python3-pandas.*Plan\.acquisitions"):
        plan.to_dataframe()


# --- 7. topocentric, cross-checked against Skyfield -----------------------------------------------

# Same SGP4 (python-sgp4 under Skyfield, WGS-72, opsmode i), same UT1-UTC and polar motion (from
# examples/eop.csv, given to Skyfield as delta_t and polar_motion_table). What is left: Vantage's TEME->ITRF
# (GMST82, Vallado 2006) against Skyfield's TEME->GCRS->ITRS (the TEME definition cancels), 2.5 mm at LEO
# in FramesCrossCheck, and Skyfield's one UT1-UTC for the day against ours interpolated daily: on
# 2025-10-03 UT1-UTC moves 0.04 ms in half a day, 2 cm of Earth rotation at 7,000 km. Measured (Skyfield
# 1.45): 1.1e-6 deg elevation, 1.5e-6 deg azimuth on the sky, 1.6 cm range. The limits allow
# those 2 cm a few times over, seen from the shortest ranges (~500 km: 5 cm = 6e-6 deg); a wrong frame
# (no polar motion: ~10 m, 1e-3 deg) or a wrong station height would fail them.
TOPO_ANGLE_TOL_DEG = 1e-5  # elevation, and azimuth times cos(elevation) (arc on the sky)
TOPO_RANGE_TOL_KM = 5e-5   # 5 cm


def _skyfield_with_eop(eop_csv, day_mjd):
    from skyfield.api import load

    rows = list(csv.DictReader(open(eop_csv)))
    mjd = np.array([float(r["MJD"]) for r in rows])
    xp = np.array([float(r["X"]) for r in rows])
    yp = np.array([float(r["Y"]) for r in rows])
    dut1 = float(np.interp(day_mjd + 0.5, mjd, [float(r["UT1-UTC"]) for r in rows]))
    tai_utc = float(np.interp(day_mjd + 0.5, mjd, [float(r["DAT"]) for r in rows]))
    ts = load.timescale(builtin=True, delta_t=tai_utc + 32.184 - dut1)  # PITFALLS: stale built-in UT1
    ts.polar_motion_table = ((mjd + 2400000.5) + (tai_utc + 32.184) / 86400.0, xp, yp)
    return ts


def test_topocentric_against_skyfield(source_dir, eo_tle):
    from skyfield.api import EarthSatellite, wgs84

    eop_csv = source_dir / "examples" / "eop.csv"
    eop = vantage.read_eop(eop_csv)
    ts = _skyfield_with_eop(eop_csv, 60951.0)  # 2025-10-03
    start = dt.datetime(2025, 10, 3, tzinfo=dt.timezone.utc)
    times = [start + dt.timedelta(seconds=120 * k) for k in range(720)]  # one day, every 2 min
    t = ts.from_datetimes(times)
    stations = [("Svalbard", 78.2297, 15.4078, 500.0), ("Awarua", -46.53, 168.38, 10.0), ("Equator", 0.0, -30.0, 0.0)]
    recs = _tle_records(eo_tle)
    sats = vantage.read_tle(eo_tle)
    worst = {"el": 0.0, "az": 0.0, "range": 0.0}
    for name, lat, lon, alt in stations:
        az, el, rng = vantage.topocentric(sats, (lat, lon, alt), times, eop=eop)
        assert az.shape == el.shape == rng.shape == (len(sats), len(times))
        topos = wgs84.latlon(lat, lon, elevation_m=alt)
        for i, (sname, l1, l2) in enumerate(recs):
            alt_sf, az_sf, dist_sf = (EarthSatellite(l1, l2, sname, ts) - topos).at(t).altaz()
            d_el = np.abs(el[i] - alt_sf.degrees)
            d_az = np.abs((az[i] - az_sf.degrees + 180.0) % 360.0 - 180.0) * np.cos(np.radians(el[i]))
            d_rng = np.abs(rng[i] - dist_sf.km)
            worst["el"] = max(worst["el"], d_el.max())
            worst["az"] = max(worst["az"], d_az.max())
            worst["range"] = max(worst["range"], d_rng.max())
    print(f"topocentric vs Skyfield: max |d el| {worst['el']:.2e} deg, max |d az|cos(el) {worst['az']:.2e} deg, "
          f"max |d range| {worst['range'] * 1e3:.3f} m")
    assert worst["el"] < TOPO_ANGLE_TOL_DEG
    assert worst["az"] < TOPO_ANGLE_TOL_DEG
    assert worst["range"] < TOPO_RANGE_TOL_KM


def test_topocentric_shapes_station_forms_and_nan(source_dir, eo_tle, shared_data):
    eop = vantage.read_eop(source_dir / "examples" / "eop.csv")
    sats = vantage.read_tle(eo_tle)
    t = np.arange(np.datetime64("2025-10-03T00:00"), np.datetime64("2025-10-03T00:10"), np.timedelta64(60, "s"))
    one = vantage.topocentric(sats[0], (78.2297, 15.4078, 500.0), t, eop=eop)
    assert isinstance(one, vantage.Topocentric) and one.elevation_deg.shape == (10,)
    gs = vantage.GroundStation("Svalbard", 78.2297, 15.4078, alt_m=500.0)
    two = vantage.topocentric([sats[0]], gs, t, eop=eop)
    assert two.azimuth_deg.shape == (1, 10)
    assert np.array_equal(two.azimuth_deg[0], one.azimuth_deg) and np.array_equal(two.range_km[0], one.range_km)
    assert ((one.azimuth_deg >= 0) & (one.azimuth_deg < 360)).all()
    # Consistent with propagate(frame="itrf") + the station's position: range is the distance.
    states, _ = vantage.propagate(sats[0], t, frame="itrf", eop=eop)
    lat, lon, h = np.radians(78.2297), np.radians(15.4078), 0.5
    a, f = 6378.137, 1 / 298.257223563
    e2 = f * (2 - f)
    n = a / np.sqrt(1 - e2 * np.sin(lat) ** 2)
    site = np.array([(n + h) * np.cos(lat) * np.cos(lon), (n + h) * np.cos(lat) * np.sin(lon),
                     (n * (1 - e2) + h) * np.sin(lat)])
    # 1e-9 km: the same double-precision subtraction, a few ulp of 7000 km.
    assert np.abs(np.linalg.norm(states[0, :, :3] - site, axis=1) - one.range_km).max() < 1e-9
    # A failing element set gives NaN, not an exception; naive datetimes work here too.
    l1, l2 = _vallado_error_cases(shared_data)[1]  # 33334: fails at epoch
    bad = vantage.Satellite.from_tle(l1, l2, verify_checksum=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 2006 is outside the EOP table: warned, irrelevant here
        r = vantage.topocentric([bad, sats[0]], (0.0, 0.0), [bad.epoch.replace(tzinfo=None)], eop=eop)
    assert np.isnan(r.azimuth_deg[0]).all() and np.isnan(r.elevation_deg[0]).all() and np.isnan(r.range_km[0]).all()
    assert not np.isnan(r.range_km[1]).any()
    with pytest.raises(ValueError) as exc:
        vantage.topocentric(sats[0], (95.0, 0.0), t, eop=eop)
    assert exc.value.field == "station"
    with pytest.raises(ValueError):
        vantage.topocentric(sats[0], "Svalbard", t, eop=eop)


def test_topocentric_without_eop_warns(eo_tle):
    sats = vantage.read_tle(eo_tle)[:1]
    with pytest.warns(UserWarning, match="UT1"):
        vantage.topocentric(sats, (0.0, 0.0), ["2025-10-03T00:00:00Z"])


# --- 8. documentation -----------------------------------------------------------------------------

def test_help_of_new_api_is_complete():
    doc = vantage.topocentric.__doc__
    for needed in ("Args:", "Returns:", "Raises:", "east-north-up", "WGS-84", "ITRF", "eop", "azimuth_deg",
                   "elevation_deg", "range_km", "degrees", "metres", "km", "NaN", "Skyfield"):
        assert needed in doc, needed
    assert "line1" in vantage.Satellite.from_tle.__doc__ and "ParseError" in vantage.Satellite.from_tle.__doc__
    assert "line break" in vantage.read_tle.__doc__ and "FileNotFoundError" in vantage.read_tle.__doc__
    assert "NaN" in vantage.propagate.__doc__
    assert "datetime64[ns, UTC]" in vantage.Plan.to_dataframe.__doc__
    assert "Satellite" in vantage.ElementSet.__doc__
    for name in ("Satellite", "Topocentric", "topocentric", "ParseError", "FileError", "MissingFileError"):
        assert name in vantage.__all__


def test_stubs_name_the_new_api(source_dir):
    stubs = (source_dir / "python" / "vantage" / "_vantage.pyi").read_text()
    for needed in ("class ParseError(Error, ValueError)", "class MissingFileError(FileError, FileNotFoundError)",
                   "def from_tle(", "def _topocentric(", "def read_tle(source"):
        assert needed in stubs, needed
