"""vantage.coverage and the design functions from Python.

- coverage(tests/data/coverage_crosscheck.yaml) against the independent dense-sampling reference
  tests/data/coverage_reference_points.csv (tools/reference/gen_reference_coverage.py: Skyfield positions, NumPy);
- coverage(examples/coverage-demo.yaml) equal to the `vantage coverage` CLI's points.csv;
- walker / sun_synchronous read back by python-sgp4 (mean altitude, nodal rate).
"""
import csv
import datetime as dt
import math
import os
import subprocess

import pytest
from sgp4.api import WGS72, Satrec

import vantage

# Window edges agree with the reference geometry to <= 6 ms (swath edges; 0.13 ms for the others,
# docs/accuracy.md); a gap has two edges.
EDGE_TOL_S = 6e-3
GAP_TOL_H = 2 * EDGE_TOL_S / 3600.0


def _iso(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


def _reference(source_dir):
    with open(source_dir / "tests" / "data" / "coverage_reference_points.csv") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def test_coverage_matches_independent_reference(source_dir):
    ref = _reference(source_dir)
    r = vantage.coverage(source_dir / "tests" / "data" / "coverage_crosscheck.yaml")
    assert isinstance(r, vantage.CoverageResult)
    assert len(r.points) == len(ref) > 150
    assert r.start_utc == dt.datetime(2025, 10, 3, tzinfo=dt.timezone.utc)
    for ours, theirs in zip(r.points, ref):
        assert ours["lat_deg"] == pytest.approx(float(theirs["lat_deg"]), abs=1e-9)
        assert ours["lon_deg"] == pytest.approx(float(theirs["lon_deg"]), abs=1e-9)
        assert ours["weight"] == pytest.approx(float(theirs["weight"]), rel=1e-9)
        assert ours["accesses"] == int(theirs["accesses"])
        assert ours["satellite_passes"] == int(theirs["satellite_passes"])
        if theirs["first_access_utc"]:
            assert abs((ours["first_access_utc"] - _iso(theirs["first_access_utc"])).total_seconds()) < EDGE_TOL_S
        else:
            assert ours["first_access_utc"] is None
        for k in ("max_gap_h", "mean_gap_h", "p95_gap_h"):
            assert ours[k] == pytest.approx(float(theirs[k]), abs=GAP_TOL_H)
        assert ours["mean_response_h"] == pytest.approx(float(theirs["mean_response_h"]), abs=GAP_TOL_H * 20)
        for v in ours.values():
            assert not (isinstance(v, float) and math.isnan(v))
    # The region summary, area-weighted over the same points.
    (region,) = r.regions
    assert region["name"] == "west-central-europe"
    assert region["points"] == len(ref)
    seen = sum(float(p["weight"]) for p in ref if int(p["accesses"]) > 0)
    assert region["percent_area_covered"] == pytest.approx(100.0 * seen / sum(float(p["weight"]) for p in ref), rel=1e-12)
    assert r.members["west-central-europe"] == list(range(len(ref)))
    df = r.to_dataframe()
    assert list(df.columns[:3]) == ["lat_deg", "lon_deg", "weight"] and len(df) == len(ref)


def test_coverage_equals_cli_output(source_dir, tmp_path):
    cli = os.environ.get("VANTAGE_CLI")
    if not cli:
        pytest.skip("VANTAGE_CLI not set (run through ctest)")
    scenario = source_dir / "examples" / "coverage-demo.yaml"
    subprocess.run([cli, "coverage", "--scenario", str(scenario), "--out", str(tmp_path), "--grid-km", "200",
                    "--quiet"], check=True, capture_output=True)
    with open(tmp_path / "points.csv") as f:
        rows = list(csv.DictReader(f))
    r = vantage.coverage(scenario, grid_km=200)
    assert len(rows) == len(r.points)
    for row, p in zip(rows, r.points):
        for k in ("lat_deg", "lon_deg", "weight", "max_gap_h", "mean_gap_h", "p95_gap_h", "mean_response_h",
                  "time_in_view_fraction"):
            assert float(row[k]) == p[k]  # shortest round-trip text: exact
        assert int(row["accesses"]) == p["accesses"]
        if row["first_access_utc"]:
            assert abs((_iso(row["first_access_utc"]) - p["first_access_utc"]).total_seconds()) < 1e-6
    assert {g["name"] for g in r.regions} == {"europe", "alps"}


def test_coverage_errors_name_the_field(source_dir):
    with pytest.raises(vantage.Error) as exc:
        vantage.coverage(source_dir / "tests" / "data" / "bad" / "coverage_grid_out_of_range.yaml")
    assert exc.value.code == "out_of_range" and exc.value.field == "coverage.grid_km" and exc.value.line == 8


def test_walker_read_back_by_python_sgp4(tmp_path):
    sats = vantage.walker(12, 3, 1, 550.0, 53.0, "2025-10-03T00:00:00Z")
    assert [s.norad_id for s in sats] == list(range(80000, 80012))
    path = tmp_path / "w.tle"
    vantage.write_elements(sats, path)
    lines = path.read_text().splitlines()
    assert len(lines) == 36 and lines[0] == "VANTAGE-P01-S01"
    for i in range(0, 36, 3):
        s = Satrec.twoline2rv(lines[i + 1], lines[i + 2], WGS72)
        # python-sgp4's Brouwer mean semi-major axis (Earth radii) -> SGP4 mean altitude; TLE rounding of the mean motion: up to ~3 mm.
        assert s.a * s.radiusearthkm - s.radiusearthkm == pytest.approx(550.0, abs=1e-5)
    assert {round(s.raan_deg, 6) for s in sats} == {0.0, 120.0, 240.0}
    assert vantage.sgp4_mean_altitude_km(sats[0]) == pytest.approx(550.0, abs=1e-5)


def test_sun_synchronous_node_rate_and_local_time():
    planes = vantage.sun_synchronous(700.0, [10.5, 22.5], "2025-10-03T00:00:00Z", node="descending", sats_per_plane=2)
    assert len(planes) == 4
    assert planes[0].inclination_deg == vantage.sun_synchronous_inclination_deg(700.0)
    line1, line2 = vantage.format_tle(planes[0])
    s = Satrec.twoline2rv(line1, line2, WGS72)
    assert math.degrees(s.nodedot) * 1440.0 == pytest.approx(0.98564736629, abs=2e-5)  # deg/day
    assert vantage.mean_local_time_of_node_h(planes[0], "descending") == pytest.approx(10.5, abs=1e-4)
    assert vantage.mean_local_time_of_node_h(planes[2], "descending") == pytest.approx(22.5, abs=1e-4)
    with pytest.raises(vantage.Error) as exc:
        vantage.walker(10, 3, 0, 550.0, 53.0, "2025-10-03T00:00:00Z")
    assert exc.value.code == "invalid_argument" and exc.value.field == "planes"
