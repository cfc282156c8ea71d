"""PlanCheckerCrossCheck: Vantage's plans checked by tools/plan_checker/check_plan.py, which shares no code with the
planner (Skyfield SGP4 + ITRS, astropy Sun, Shapely), and planted faults of every kind caught by their rule name.

The plans are made once per session by the `vantage` CLI (env VANTAGE_CLI, set by ctest; else build/apps/cli/vantage
of this checkout) on tests/plan_checker/data/tiny.yaml (copy of tests/data/tasking/tiny.yaml: 2 agile optical
satellites, 3 stations with an outage, a polygon, a repeat, two nations with allowed_stations) and two variants
written here: the same satellites as agile right-looking SAR, and as a fixed 290-km push-broom; and two with clouds
(issue 15 item 1): two REAL GFS total-cloud-cover fields (tests/reference/clouds) re-stamped with ecCodes' grib_set
to 09:00 and 09:20 UTC of the scenario's day (the passes over Italy fall between them, the later pass after them), and
a variant that adds the raw 2011-10-08 GFS file as an October climatology; and four with power models (issue 15 item
2, see power_docs): optical with the battery binding, SAR, a cylindrical shadow with the horizon starting in it, and
SAR at night imaging in the shadow; and one with stereo requests (issue 15 item 3, see stereo_doc); and one with GEO
data relays (issue 15 item 6, see relay_doc).
"""
import copy
import datetime
import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools", "plan_checker"))
import check_plan  # noqa: E402

DATA = os.path.join(HERE, "data")


def _cli():
    cli = os.environ.get("VANTAGE_CLI") or os.path.join(ROOT, "build", "apps", "cli", "vantage")
    if not os.path.exists(cli):
        pytest.skip(f"vantage CLI not found at {cli} (set VANTAGE_CLI)")
    return cli


# A SAR images at zero Doppler; tiny.yaml's targets lie near the ground tracks, so a wide band, and a squint of up to
# 5 deg (the satellite pitches: it has agility) to get crossings and squinted acquisitions in 1.5 h.
SAR_SENSOR = {"type": "sar", "incidence_min_deg": 10, "incidence_max_deg": 60, "look_side": "right",
              "max_squint_deg": 5, "polarizations": ["VV", "VH"], "slant_range_resolution_m": 2.0,
              "imaging_swath_km": 30, "data_rate_mbit_s": 1500,
              "agility": {"max_rate_deg_s": 1.5, "max_accel_deg_s2": 0.5, "settle_s": 3}}
# Published agile-EO benchmarks' slew model: |d roll| + |d pitch| and a piecewise-linear time table (with an offset).
ROLL_PITCH_AGILITY = {"slew_angle": "roll_pitch", "slew_table": [[0, 4], [10, 8], [40, 18], [90, 33]], "settle_s": 1}
FIXED_SENSOR = {"type": "optical", "swath_km": 290, "min_sun_elevation_deg": 10, "data_rate_mbit_s": 450}


class Case:
    def __init__(self, tmp, name, doc, prepare=None):
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir)
        shutil.copy(os.path.join(DATA, "two_sats.tle"), self.dir)
        if prepare is not None:  # writes the files the scenario names (cloud GRIBs) into the case's folder
            prepare(self.dir)
        self.doc = doc
        self.scenario = self.write_scenario(doc, "scenario.yaml")
        out = os.path.join(self.dir, "out")
        r = subprocess.run([_cli(), "plan", "--scenario", self.scenario, "--out", out], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        with open(os.path.join(out, "plan.json"), encoding="utf-8") as f:
            self.plan = json.load(f)

    def write_scenario(self, doc, name):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump(doc, f, sort_keys=False)
        return path

    def rules(self, plan=None, doc=None):
        sc = self.scenario if doc is None else self.write_scenario(doc, "planted.yaml")
        return {r for r, _, _ in check_plan.check(sc, plan if plan is not None else self.plan)}


REF_CLOUDS = os.path.join(ROOT, "tests", "reference", "clouds")
GFS_2011_10 = os.path.join(REF_CLOUDS, "gfs.2011100800.f072.2p5deg.tcc-only.grib2")  # 6 tcc messages, 66-72 h avg
GFS_2011_01 = os.path.join(REF_CLOUDS, "gfs.t12z.pgrbf120.2p5deg.tcc-only.grib2")  # 6 tcc messages, 114-120 h avg


def _eccodes(*args):
    if shutil.which(args[0]) is None:
        pytest.skip(f"{args[0]} not found (ecCodes command-line tools, libeccodes-tools)")
    r = subprocess.run(list(args), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def make_cloud_forecast(folder):
    """clouds.grib2: the whole-atmosphere total cloud cover of the two vendored GFS runs re-stamped to one run of
    2025-10-03 (6-h averages, so each field stands for the middle of its interval):
      message 1: 2011-10-08 00 UTC +66-72 h  -> 2025-10-03 00:00 UTC +6-12 h  (09:00)
      message 2: 2011-01-10 12 UTC +114-120 h -> 2025-10-03 00:20 UTC +6-12 h  (09:20)
    and clim.grib2: the raw 2011-10-08 file (6 tcc messages of which only the whole-atmosphere one is read), an
    October climatology."""
    parts = []
    for k, (src, minute) in enumerate(((GFS_2011_10, 0), (GFS_2011_01, 20))):
        total = os.path.join(folder, f"total{k}.grib2")
        _eccodes("grib_copy", "-w", "typeOfLevel=atmosphereSingleLayer", src, total)
        out = os.path.join(folder, f"field{k}.grib2")
        _eccodes("grib_set", "-s", f"year=2025,month=10,day=3,hour=0,minute={minute},forecastTime=6,"
                 "yearOfEndOfOverallTimeInterval=2025,monthOfEndOfOverallTimeInterval=10,"
                 f"dayOfEndOfOverallTimeInterval=3,hourOfEndOfOverallTimeInterval=12,"
                 f"minuteOfEndOfOverallTimeInterval={minute}", total, out)
        parts.append(out)
    with open(os.path.join(folder, "clouds.grib2"), "wb") as f:
        for part in parts:
            with open(part, "rb") as g:
                f.write(g.read())
    shutil.copy(GFS_2011_10, os.path.join(folder, "clim.grib2"))


def cloud_doc(base, climatology=False):
    """tiny.yaml with clouds: limits of 20, 45 and 100 %, the rest at the default 30 % (or none, with the
    climatology), a min_cloud_probability that holds (IT-1) and one that no opportunity meets (FR-5: unserved,
    reason clouds)."""
    d = copy.deepcopy(base)
    if climatology:
        d["clouds"] = {"forecast": "clouds.grib2", "climatology": ["clim.grib2"], "forecast_sigma_pct": 20,
                       "climatology_sigma_pct": 40}
    else:
        d["clouds"] = {"forecast": "clouds.grib2", "default_max_cover_pct": 30}
    limits = {"FR-1": {"max_cloud_cover_pct": 20}, "FR-2": {"max_cloud_cover_pct": 45},
              "IT-2": {"max_cloud_cover_pct": 100}, "IT-1": {"min_cloud_probability": 0.3},
              "FR-5": {"min_cloud_probability": 0.9}}
    if climatology:
        limits.update({"FR-7": {"max_cloud_cover_pct": 50}, "IT-1": {"max_cloud_cover_pct": 40,
                                                                      "min_cloud_probability": 0.3}})
        del limits["FR-5"]
    for r in d["requests"]:
        r.update(limits.get(r["id"], {}))
    return d


# Power (issue 15 item 2). tiny.yaml's satellites are in the Earth's shadow ~2073 s of each 5826-s orbit (EUOPT-1 from
# 08:35, EUOPT-2 from 09:23, and again every orbit in the 3-h delivery margin), EUOPT-2 images Italy back to back at
# 09:04-09:08 in the sunlight. With a 100-Wh battery starting at 60 %, 3 kW while imaging and a 30 % floor, EUOPT-2's
# eighth image takes it to ~30.1 Wh and the polygon (IT-4) is refused for power.
POWER = {"battery_wh": 100, "initial_soc": 0.6, "min_soc": 0.3, "solar_w": 200, "bus_w": 50, "imaging_w": 3000,
         "slew_w": 40, "downlink_w": 80}
# The SAR variant: the battery starts full (initial_soc defaults to max_soc), a heavier bus and radar.
POWER_SAR = {"battery_wh": 100, "min_soc": 0.35, "solar_w": 300, "bus_w": 80, "imaging_w": 4000, "slew_w": 50,
             "downlink_w": 120}


def shifted(doc, hours, duration_h):
    """The scenario `hours` later (horizon, windows, outages) lasting duration_h; windows that ended with the old
    horizon end with the new one."""
    d = copy.deepcopy(doc)
    start = check_plan.yaml_time(d["start_utc"])
    old_stop = start + datetime.timedelta(hours=float(d["duration_h"]))
    new_stop = start + datetime.timedelta(hours=hours + duration_h)

    def f(v):
        t = check_plan.yaml_time(v)
        return (new_stop if t == old_stop else t + datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
    d["start_utc"] = f(d["start_utc"])
    d["duration_h"] = duration_h
    for r in d["requests"]:
        r["window_start_utc"], r["window_end_utc"] = f(r["window_start_utc"]), f(r["window_end_utc"])
    for o in d.get("station_outages", []):
        o["start_utc"], o["end_utc"] = f(o["start_utc"]), f(o["end_utc"])
    return d


def power_docs(base):
    """Scenarios with power models:
      power        optical; only EUOPT-2 has a power model (EUOPT-1: none, no battery_wh_after, no energy entry);
                   binds: IT-4 unserved for power
      power_sar    the SAR variant, both satellites powered
      power_cyl    cylindrical shadow, the horizon starting at 08:40 with EUOPT-1 in the shadow (windows start there)
      power_night  the SAR variant 12 h later for 2 h: the descending passes over Italy at night, images and
                   downlinks inside the shadow (fairness_tolerance 1: only two images fit, the share rule is not
                   the subject here)"""
    out = {}
    d = copy.deepcopy(base)
    entry = d["satellites"][0]
    d["satellites"] = [dict(entry, norad_ids=[90001]), dict(entry, norad_ids=[90002], power=dict(POWER))]
    out["power"] = d
    sar = copy.deepcopy(base)
    sar["sensors"] = {"opt": SAR_SENSOR}
    sar["requests"] = [r for r in sar["requests"] if r.get("sensor") != "optical"]
    d = copy.deepcopy(sar)
    d["satellites"][0]["power"] = dict(POWER_SAR)
    out["power_sar"] = d
    d = copy.deepcopy(base)
    d["satellites"][0]["power"] = dict(POWER, eclipse="cylindrical")
    d["start_utc"] = "2025-10-03T08:40:00Z"
    d["duration_h"] = 1.25
    for r in d["requests"]:  # the latencies count from the window start: the windows start with the horizon
        r["window_start_utc"] = max(check_plan.yaml_time(r["window_start_utc"]),
                                    check_plan.yaml_time(d["start_utc"])).strftime("%Y-%m-%dT%H:%M:%SZ")
    out["power_cyl"] = d
    d = copy.deepcopy(sar)
    d["satellites"][0]["power"] = dict(POWER_SAR, imaging_w=2000)
    d["planning"]["fairness_tolerance"] = 1.0
    out["power_night"] = shifted(d, 12.0, duration_h=2.0)
    return out


# Stereo (issue 15 item 3). EUOPT-2's pass over northern Italy (~09:04-09:08:30 UTC) holds along-track viewing angles
# at the targets from about -50 to +50 deg (B/H up to ~2.4 across the whole pass). FR-2..5 and IT-2 are left out to
# give the sets room.
STEREO_WINDOW = {"window_start_utc": "2025-10-03T08:30:00Z", "window_end_utc": "2025-10-03T10:00:00Z"}
STEREO_REQUESTS = [
    # a classic stereo pair
    {"id": "ST-1", "tenant": "FR", "priority": 9, "target": {"lat_deg": 45.3, "lon_deg": 9.6}, "duration_s": 8,
     **STEREO_WINDOW, "stereo": {"images": 2, "bh_min": 0.3, "bh_max": 0.6}},
    # a wide base: one image before and one after the target (the planner serves it at ~1.5)
    {"id": "ST-2", "tenant": "IT", "priority": 9, "target": {"lat_deg": 45.3, "lon_deg": 9.7}, "duration_s": 8,
     **STEREO_WINDOW, "stereo": {"images": 2, "bh_min": 1.5, "bh_max": 2.0}},
    # tri-stereo with the default B/H range [0.25, 0.6]
    {"id": "ST-3", "tenant": "FR", "priority": 9, "target": {"lat_deg": 44.8, "lon_deg": 10.3}, "duration_s": 6,
     **STEREO_WINDOW, "stereo": {"images": 3}},
    # B/H >= 1.9 needs nearly the whole pass; the window holds only its middle 2 min: reason stereo
    {"id": "ST-4", "tenant": "IT", "priority": 9, "target": {"lat_deg": 45.0, "lon_deg": 8.5}, "duration_s": 6,
     "window_start_utc": "2025-10-03T09:05:30Z", "window_end_utc": "2025-10-03T09:07:30Z",
     "stereo": {"images": 2, "bh_min": 1.9, "bh_max": 2.0}},
]


def stereo_doc(base):
    d = copy.deepcopy(base)
    d["requests"] = [r for r in d["requests"] if r["id"] not in ("FR-2", "FR-3", "FR-4", "FR-5", "IT-2")]
    d["requests"] += copy.deepcopy(STEREO_REQUESTS)
    return d


# GEO data relays (issue 15 item 6): EDRS-A (9 E) and EDRS-C (31 E), both fed to Matera, one terminal each; 4 h (the
# windows that ended with tiny.yaml's horizon end with this one) and targets in Africa and the Atlantic, far from the
# stations, so that images go down through the relays. The satellite terminal's limit (25 deg) and EDRS-A's off-nadir
# limit (8 deg) bind: links start where one of them is reached (margins ~1e-5 deg here).
RELAYS = [{"name": "EDRS-A", "longitude_deg": 9.0, "feeder_station": "Matera", "rate_mbit_s": 1800, "acquisition_s": 50,
           "max_off_nadir_deg": 8.0},
          {"name": "EDRS-C", "longitude_deg": 31.0, "feeder_station": "Matera", "terminals": 1}]
RELAY_TARGETS = [(14, 0), (13, 10), (12, 20), (-20, -10), (-25, -20), (5, 30), (20, -5), (-5, 15), (30, 40), (10, -15)]


def relay_doc(base):
    d = copy.deepcopy(base)
    for s in d["satellites"]:
        s["relay_terminal"] = {"min_elevation_deg": 25}
    d["relays"] = copy.deepcopy(RELAYS)
    d["planning"]["delivery_margin_h"] = 0.5
    d = shifted(d, 0.0, duration_h=4.0)
    end = (check_plan.yaml_time(d["start_utc"]) + datetime.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for k, (lat, lon) in enumerate(RELAY_TARGETS):
        d["requests"].append({"id": f"X-{k}", "tenant": "FR", "priority": 5, "target": {"lat_deg": lat, "lon_deg": lon},
                              "duration_s": 10, "window_start_utc": d["start_utc"], "window_end_utc": end})
    return d


@pytest.fixture(scope="session")
def cases(tmp_path_factory):
    tmp = str(tmp_path_factory.mktemp("plans"))
    with open(os.path.join(DATA, "tiny.yaml"), encoding="utf-8") as f:
        base = yaml.safe_load(f)
    base["sensors"]["opt"]["gsd_nadir_m"] = 0.5  # Pleiades Neo class: plan.json reports the resolution
    out = {"optical": Case(tmp, "optical", base)}
    d = copy.deepcopy(base)
    d["sgp4"] = {"gravity": "wgs84"}
    out["wgs84"] = Case(tmp, "wgs84", d)
    d = copy.deepcopy(base)
    d["sensors"]["opt"]["agility"] = dict(ROLL_PITCH_AGILITY)
    out["rollpitch"] = Case(tmp, "rollpitch", d)
    d = copy.deepcopy(base)
    d["sensors"]["opt"]["agility"] = {"initial_attitude": "nadir"}
    out["nadirstart"] = Case(tmp, "nadirstart", d)
    for name, sensor in (("sar", SAR_SENSOR), ("fixed", FIXED_SENSOR)):
        d = copy.deepcopy(base)
        d["sensors"] = {"opt": sensor}
        d["requests"] = [r for r in d["requests"] if r.get("sensor") != "optical"]
        out[name] = Case(tmp, name, d)
    out["clouds"] = Case(tmp, "clouds", cloud_doc(base), prepare=make_cloud_forecast)
    out["clouds_clim"] = Case(tmp, "clouds_clim", cloud_doc(base, climatology=True), prepare=make_cloud_forecast)
    for name, doc in power_docs(base).items():
        out[name] = Case(tmp, name, doc)
    out["stereo"] = Case(tmp, "stereo", stereo_doc(base))
    out["relay"] = Case(tmp, "relay", relay_doc(base))
    d = copy.deepcopy(base)  # three requests whose window opened 30 min before the horizon
    for r in d["requests"]:
        if r["id"] in ("FR-1", "IT-1", "FR-2"):
            r["window_start_utc"] = "2025-10-03T08:00:00Z"
    out["early_window"] = Case(tmp, "early_window", d)
    return out


def test_real_plans_pass(cases):
    for name in ("optical", "sar"):
        c = cases[name]
        assert len(c.plan["acquisitions"]) >= 5 and c.plan["downlinks"], name
        assert check_plan.check(c.scenario, c.plan) == [], name


def test_sar_mode_and_polarizations_select_satellites(cases, tmp_path):
    """Requests asking for a polarisation the SAR does not offer, or an instrument mode it does not have, are not
    planned (nearest_misses: excluded); those asking for what it offers (VH; mode "opt", its own name) are, and the
    plan passes the checker."""
    c = cases["sar"]
    d = copy.deepcopy(c.doc)
    served = {a["request_id"] for a in c.plan["acquisitions"]}
    asked = {}
    for k, r in enumerate(x for x in d["requests"] if x["id"] in served):
        r.update([("polarizations", ["HH"])] if k % 3 == 0 else [("instrument_mode", "IW")] if k % 3 == 1
                 else [("polarizations", ["VH"]), ("instrument_mode", "opt")])
        asked[r["id"]] = k % 3 == 2
    assert len(asked) >= 3
    sub = Case(str(tmp_path), "limited", d)  # plans it with the CLI
    plan = sub.plan
    got = {a["request_id"] for a in plan["acquisitions"]}
    for rid, offered in asked.items():
        if offered:
            continue
        assert rid not in got, rid
        u = next(u for u in plan["unserved"] if u["request_id"] == rid)
        assert u["reason"] == "no_opportunity", u
        assert {m["limit"] for m in u["nearest_misses"]} == {"excluded"}, u
    assert any(rid in got for rid, offered in asked.items() if offered)
    assert check_plan.check(sub.scenario, plan) == []


def test_resolution_limit_selects_acquisitions(cases, tmp_path):
    """max_gsd_m through the CLI: every request of the optical case asks for a resolution the satellites reach only
    near nadir; the plan keeps to it (reported gsd_m <= limit), serves fewer, and passes the checker."""
    c = cases["optical"]
    d = copy.deepcopy(c.doc)
    for r in d["requests"]:
        if r.get("sensor", "any") != "sar":
            r["max_gsd_m"] = 0.62
    sub = Case(str(tmp_path), "limited", d)  # plans it with the CLI
    plan = sub.plan
    assert plan["acquisitions"], "some acquisitions near nadir"
    assert len(plan["acquisitions"]) < len(c.plan["acquisitions"])
    assert max(a["gsd_m"] for a in c.plan["acquisitions"]) > 0.62  # the limit binds
    for a in plan["acquisitions"]:
        assert a["gsd_m"] <= 0.62 * (1 + 1e-9), a
        assert a["limits"]["max_gsd_m"] == 0.62
    assert check_plan.check(sub.scenario, plan) == []
    misses = [m for u in plan["unserved"] for m in u.get("nearest_misses", []) if m["limit"] == "gsd"]
    for m in misses:
        g = next(x for x in m["misses"] if x["limit"] == "gsd")
        assert g["value_m"] > g["bound_m"] == 0.62 and g["excess_m"] > 0


def test_cli_exit_codes_and_json(cases):
    c = cases["optical"]
    tool = os.path.join(ROOT, "tools", "plan_checker", "check_plan.py")
    plan_path = os.path.join(c.dir, "out", "plan.json")
    r = subprocess.run([sys.executable, tool, "--scenario", c.scenario, "--plan", plan_path], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    bad = copy.deepcopy(c.plan)
    bad["metrics"]["value"] += 1
    bad_path = os.path.join(c.dir, "bad_plan.json")
    with open(bad_path, "w", encoding="utf-8") as f:
        json.dump(bad, f)
    r = subprocess.run([sys.executable, tool, "--scenario", c.scenario, "--plan", bad_path, "--json"],
                       capture_output=True, text=True)
    assert r.returncode == 1
    v = json.loads(r.stdout)
    # metrics.value is wrong, so the tenants' values no longer add up to it either
    assert {x["rule"] for x in v} == {"metrics_value", "metrics_tenant"}
    assert v[0]["rule"] == "metrics_value" and v[0]["id"] == "metrics.value"


def test_wgs84_plan_passes(cases):
    # Scenario key sgp4.gravity (published benchmarks may fix WGS-84): planner and checker both propagate with it.
    c = cases["wgs84"]
    assert len(c.plan["acquisitions"]) >= 5
    assert check_plan.check(c.scenario, c.plan) == []


def test_roll_pitch_slew_table_plan_passes(cases):
    # agility.slew_angle roll_pitch with a slew_table (issue 13 item 6): the planner's sequences hold under the
    # checker's own roll/pitch decomposition and table.
    c = cases["rollpitch"]
    assert len(c.plan["acquisitions"]) >= 5
    assert c.plan["satellites"][0]["agility"]["slew_angle"] == "roll_pitch"
    assert check_plan.check(c.scenario, c.plan) == []


def test_initial_nadir_plan_passes(cases):
    # agility.initial_attitude nadir: the first acquisition of each satellite counts the slew from nadir.
    c = cases["nadirstart"]
    assert c.plan["acquisitions"]
    assert c.plan["satellites"][0]["agility"]["initial_attitude"] == "nadir"
    assert check_plan.check(c.scenario, c.plan) == []


def test_fixed_pushbroom_plan_passes(cases):
    # Found by this checker: the planner used to place a push-broom's acquisitions with the target ~65 deg
    # along-track (at the horizon); it now images the target as it crosses the instrument's line.
    c = cases["fixed"]
    assert c.plan["acquisitions"]
    assert check_plan.check(c.scenario, c.plan) == []


CLOUD_KEYS = ("cloud_cover_pct", "cloud_probability", "cloud_source", "cloud_time_utc")


def test_cloud_plans_pass(cases):
    """Clouds through the CLI: every optical acquisition of a request with a limit carries a prediction that the
    checker recomputes from the GRIB files (ecCodes) to ~1e-9 %, values are expected values, FR-5's
    min_cloud_probability leaves it unserved for clouds, and the plans pass with zero violations."""
    c = cases["clouds"]
    plan = c.plan
    assert plan["clouds"]["source"] == "forecast" and len(plan["clouds"]["forecast_fields"]) == 2
    acqs = plan["acquisitions"]
    assert len(acqs) >= 5
    assert all(all(k in a for k in CLOUD_KEYS) for a in acqs)  # optical only, default limit 30 %
    sources = {a["cloud_source"] for a in acqs}
    assert sources == {"forecast", "persistence"}, sources  # between the fields; the 09:32 pass after them
    assert any(0.05 < a["cloud_probability"] < 0.95 for a in acqs)
    assert next(a for a in acqs if a["request_id"] == "IT-2")["cloud_probability"] == 1.0  # limit 100 %
    assert all(a["cloud_probability"] >= 0.3 for a in acqs if a["request_id"] == "IT-1")
    assert any(u["request_id"] == "FR-5" and u["reason"] == "clouds" for u in plan["unserved"]), plan["unserved"]
    m = plan["metrics"]
    assert m["value"] < m["value_if_clear"]
    chk = check_plan.Checker(check_plan.Scenario(c.scenario), plan)
    assert chk.run() == []
    st = chk.cloud_stats
    assert st["predicted"] == len(acqs)
    assert st["max_cover_diff_pct"] < 1e-3 and st["max_p_diff_recomputed"] < 1e-6, st
    # with a climatology (sigma 40) after the last field, other sigmas, and no default limit
    c = cases["clouds_clim"]
    acqs = c.plan["acquisitions"]
    pred = [a for a in acqs if "cloud_source" in a]
    assert {a["cloud_source"] for a in pred} == {"forecast", "climatology"}
    assert {a["request_id"] for a in pred} <= {"FR-1", "FR-2", "IT-1", "IT-2", "FR-7"}
    assert any("cloud_source" not in a for a in acqs)  # requests without a limit: no prediction
    assert c.plan["clouds"]["climatology_months"] == [10]
    chk = check_plan.Checker(check_plan.Scenario(c.scenario), c.plan)
    assert chk.run() == []
    assert chk.cloud_stats["max_cover_diff_pct"] < 1e-3
    # no clouds section: no cloud keys, source none
    for name in ("optical", "sar"):
        assert cases[name].plan["clouds"]["source"] == "none"
        assert not any(k in a for a in cases[name].plan["acquisitions"] for k in CLOUD_KEYS)


POWER_CASES = ("power", "power_sar", "power_cyl", "power_night")


def test_power_plans_pass(cases):
    """Power through the CLI: every plan with power models passes with zero violations; the checker's own energy
    profile (its own shadow: Skyfield + astropy) agrees with the plan's samples, min_wh and battery_wh_after to
    < 1e-4 Wh (the tolerance is ~1e-3 Wh: 2 ms per shadow edge) and its shadow edges with the plan's breakpoints to
    < 1 ms; the battery binds (an occurrence refused for power), the shadow is exercised (drains in every case,
    the horizon starting in it, images and downlinks inside it)."""
    reasons = set()
    for name in POWER_CASES:
        c = cases[name]
        plan = c.plan
        chk = check_plan.Checker(check_plan.Scenario(c.scenario), plan)
        assert chk.run() == [], name
        powered = {n for n, s in chk.sc.satellites.items() if s["power"] is not None}
        assert {e["satellite"] for e in plan["energy"]} == powered, name
        assert all(("battery_wh_after" in a) == (a["satellite"] in powered) for a in plan["acquisitions"]), name
        st = chk.power_stats
        assert max(st["max_sample_diff_wh"], st["max_after_diff_wh"], st["max_min_diff_wh"]) < 1e-4, (name, st)
        assert st["edges"] >= 4 and st["max_edge_diff_s"] < 1e-3, (name, st)
        assert all(st["shadows"][n] for n in powered), name  # every powered satellite crosses the shadow
        for e in plan["energy"]:
            pw = chk.sc.satellites[e["satellite"]]["power"]
            assert e["samples"][0][1] == pytest.approx(pw["initial_soc"] * pw["battery_wh"])
            assert e["min_wh"] >= pw["min_soc"] * pw["battery_wh"] - 1e-6
        reasons |= {u["reason"] for u in plan["unserved"]}
    assert "power" in reasons
    # power: EUOPT-2 binds (IT-4 refused for power, its capacity names EUOPT-2), EUOPT-1 has no power model
    c = cases["power"]
    u = next(u for u in c.plan["unserved"] if u["reason"] == "power")
    assert u["capacity"]["satellite"] == "EUOPT-2" and u["capacity"]["deficit_wh"] > 0, u
    e = next(e for e in c.plan["energy"] if e["satellite"] == "EUOPT-2")
    assert e["min_soc"] < POWER["min_soc"] + 0.05, e["min_soc"]
    assert any(a["satellite"] == "EUOPT-1" for a in c.plan["acquisitions"])
    # power_cyl: the horizon starts in EUOPT-1's (cylindrical) shadow
    chk = check_plan.Checker(check_plan.Scenario(cases["power_cyl"].scenario), cases["power_cyl"].plan)
    chk.run()
    assert chk.power_stats["shadows"]["EUOPT-1"][0][0] == 0.0
    assert cases["power_cyl"].plan["satellites"][0]["power"]["eclipse"] == "cylindrical"
    # power_night: images and downlinks in the shadow
    c = cases["power_night"]
    chk = check_plan.Checker(check_plan.Scenario(c.scenario), c.plan)
    chk.run()
    inside = [a["acquisition_id"] for a in c.plan["acquisitions"]
              if any(x <= chk.sec(a["start_utc"]) and chk.sec(a["end_utc"]) <= y
                     for x, y in chk.power_stats["shadows"][a["satellite"]])]
    assert inside, c.plan["acquisitions"]


@pytest.mark.parametrize("model", ["conical", "cylindrical"])
def test_shadow_edges_match_cli(cases, model):
    """The checker's shadow intervals (Skyfield SGP4 in GCRS, astropy's Sun) against `vantage eclipses` (the
    planner's own event search to 1 ms): every edge within EDGE_TOL_S; the conical shadow (penumbra included) is
    longer than the cylindrical one by the two penumbra crossings (~9.4 s each)."""
    c = cases["power_sar"]
    chk = check_plan.Checker(check_plan.Scenario(c.scenario), c.plan)
    t_end = (chk.sc.stop - chk.sc.start).total_seconds() + 3 * 3600.0
    grid = check_plan.np.linspace(0.0, t_end, int(t_end / check_plan.SHADOW_STEP_S) + 1)
    sun = chk.sun_gcrs_km(grid)
    stop = (chk.sc.start + datetime.timedelta(seconds=t_end)).strftime("%Y-%m-%dT%H:%M:%SZ")
    r = subprocess.run([_cli(), "eclipses", "--tle", os.path.join(c.dir, "two_sats.tle"), "--start",
                        chk.sc.start.strftime("%Y-%m-%dT%H:%M:%SZ"), "--stop", stop, "--model", model, "--format",
                        "json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    cli = json.loads(r.stdout)["eclipses"]
    for name in ("EUOPT-1", "EUOPT-2"):
        mine = chk.shadow_intervals(name, model, t_end, grid, sun)
        theirs = [(chk.sec(e["penumbra_start_utc"]), chk.sec(e["penumbra_end_utc"])) for e in cli
                  if e["satellite"] == name]
        assert len(mine) == len(theirs) >= 2, (mine, theirs)
        for (a, b), (x, y) in zip(mine, theirs):
            assert abs(a - x) < check_plan.EDGE_TOL_S and abs(b - y) < check_plan.EDGE_TOL_S, ((a, b), (x, y))
        full = [b - a for a, b in mine if 0.0 < a and b < t_end]
        assert all((2060 if model == "cylindrical" else 2070) < x < (2066 if model == "cylindrical" else 2076)
                   for x in full), full


def stereo_sets(plan):
    """(request, occurrence) -> its images sorted by time, for the sets of the stereo case's requests."""
    ids = {r["id"] for r in STEREO_REQUESTS}
    out = {}
    for a in sorted(plan["acquisitions"], key=lambda a: a["start_utc"]):
        if a["request_id"] in ids:
            out.setdefault((a["request_id"], a["occurrence"]), []).append(a)
    return out


def test_stereo_plan_passes(cases):
    """Stereo through the CLI: served sets are complete (images 0 .. n-1 by one satellite, in one pass), the checker's
    own viewing angles (Skyfield ITRS, finite-difference Earth-fixed velocity) agree with stereo_view_deg to
    < 1e-5 deg and its B/H with stereo_bh to < 1e-6, every B/H is in its request's range, ST-4 (a window too short
    for its B/H) is unserved for stereo without explanation objects, only stereo images carry the keys, and the plan
    passes with zero violations."""
    c = cases["stereo"]
    plan = c.plan
    chk = check_plan.Checker(check_plan.Scenario(c.scenario), plan)
    assert chk.run() == []
    served = {(a["request_id"], a["occurrence"]) for a in plan["acquisitions"]} - {
        (u["request_id"], u["occurrence"]) for u in plan["unserved"]}
    sets = {k: v for k, v in stereo_sets(plan).items() if k in served}
    assert sets, plan["unserved"]
    want = {r["id"]: r["stereo"] for r in STEREO_REQUESTS}
    for (rid, k), imgs in sets.items():
        n = want[rid].get("images", 2)
        assert sorted(a["strip_id"] for a in imgs) == list(range(n)), imgs
        assert all(a["strip_count"] == n for a in imgs) and len({a["satellite"] for a in imgs}) == 1
        assert imgs[0]["stereo_bh"] is None
        lo, hi = want[rid].get("bh_min", 0.25), want[rid].get("bh_max", 0.6)
        assert all(lo <= a["stereo_bh"] <= hi for a in imgs[1:]), imgs
        assert sum(a["value"] for a in imgs) == pytest.approx(9.0)
    st = chk.stereo_stats
    assert st["images"] >= 2 and st["max_view_diff_deg"] < 1e-5 and st["max_bh_diff"] < 1e-6, st
    u = next(u for u in plan["unserved"] if u["request_id"] == "ST-4")
    assert u["reason"] == "stereo" and not {"blocked_by", "nearest_misses", "capacity"} & set(u), u
    assert not any(k in a for a in plan["acquisitions"] if not a["request_id"].startswith("ST-")
                   for k in check_plan.STEREO_KEYS)
    # a set no pass holds (ST-4) has no opportunity as a whole, like FR-6's two occurrences that see no pass
    assert plan["metrics"]["requests_by_tier"]["standard"]["with_opportunity"] == \
        plan["metrics"]["requests_by_tier"]["standard"]["total"] - 3


def test_latency_counts_from_a_window_that_opened_before_the_horizon(cases):
    """The plan's latency_p50_h / p95_h count from each occurrence window's own start, also when it opened before the
    horizon (the planner used to count from the horizon start there; found by this checker): the metrics rule passes,
    and a served early request's latency is at least the 30 min before the horizon."""
    c = cases["early_window"]
    assert c.rules() == set()
    assert c.plan["metrics"]["latency_p95_h"] >= 0.5


def test_relay_plan_passes(cases):
    """GEO data relays through the CLI: several relay downlinks on both relays (sessions holding a terminal from
    link_start_utc, data after acquisition_s), the plan passes with zero violations, and the geometry limits bind
    (some link starts where the satellite terminal's elevation or EDRS-A's off-nadir limit is reached), so the relay
    rule is checked at its edges."""
    c = cases["relay"]
    rel = [d for d in c.plan["downlinks"] if d.get("relay")]
    assert len(rel) >= 5 and {d["relay"] for d in rel} == {"EDRS-A", "EDRS-C"}, rel
    assert any(d.get("relay") is None for d in c.plan["downlinks"])  # station downlinks too
    assert all(d["station"] == "Matera" and "link_start_utc" in d for d in rel)
    assert any(part.get("relay") for a in c.plan["acquisitions"] for part in a["downlinks"])
    chk = check_plan.Checker(check_plan.Scenario(c.scenario), c.plan)
    assert chk.run() == []
    margins = []
    for d in rel:
        t = [chk.sec(d["link_start_utc"])]
        r = chk.states(d["satellite"], t)[0]
        los = chk.relay_positions(d["relay"], t) - r
        el = check_plan.angle_between_deg(los[0], r[0])  # from the zenith (geocentric up)
        el = 90.0 - el
        g = chk.relay_positions(d["relay"], t)
        on = check_plan.angle_between_deg(-g[0], -los[0])
        rl = chk.sc.relays[d["relay"]]
        margins.append(min(el - 25.0, rl["max_off_nadir_deg"] - on))
    assert min(margins) >= -check_plan.RELAY_ELEV_TOL_DEG and sum(m < 1e-3 for m in margins) >= 2, margins


def test_segment_clearance_geometry():
    """The line-of-sight test against hand-made geometry: a segment tangent to the inflated equator (clearance 0),
    one 10 km above / below it, one over the pole tangent to b+h, and one whose nearest point is its end."""
    np = check_plan.np
    a, h = check_plan.EARTH_A_KM, 100.0
    b = a * (1.0 - check_plan.EARTH_F)
    for dz in (0.0, 10.0, -10.0):
        y = a + h + dz  # the line y = const, from x = -8000 to x = +42164: tangent point (0, y, 0)
        got = check_plan.segment_clearance_km(np.array([[-8000.0, y, 0.0]]), np.array([[42164.0, y, 0.0]]), h)
        assert abs(got[0] - dz) < 1e-9, (dz, got)
    z = b + h + 5.0  # over the pole: 5 km above the inflated polar radius
    got = check_plan.segment_clearance_km(np.array([[-8000.0, 0.0, z]]), np.array([[42164.0, 0.0, z]]), h)
    assert abs(got[0] - 5.0 * (a + h) / (b + h)) < 1e-9, got
    # a LEO 500 km over the equator looking straight out to GEO: the nearest point is the LEO itself
    got = check_plan.segment_clearance_km(np.array([[a + 500.0, 0, 0]]), np.array([[42164.0, 0, 0]]), h)
    assert abs(got[0] - 400.0) < 1e-9, got


CELESTRAK = os.path.join(ROOT, "tests", "reference", "tle", "celestrak-active-2025-10-03.tle")


def write_geo_tle(folder):
    """geo.tle: ARABSAT-5A (NORAD 36745, at ~30.5 E on 2025-10-03) from the vendored CelesTrak snapshot."""
    with open(CELESTRAK, encoding="utf-8") as f:
        lines = f.read().splitlines()
    k = next(i for i, line in enumerate(lines) if line.startswith("1 36745U"))
    with open(os.path.join(folder, "geo.tle"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines[k - 1:k + 2]) + "\n")


def test_relay_tle_plan_passes(cases, tmp_path):
    """A relay given by an element set (tle_file + norad_id, a real GEO's TLE in place of EDRS-C): planned through
    the CLI with relay downlinks through it, and the plan passes (the checker propagates the relay with Skyfield)."""
    d = copy.deepcopy(cases["relay"].doc)
    d["relays"][1] = {"name": "EDRS-C", "tle_file": "geo.tle", "norad_id": 36745, "feeder_station": "Matera",
                      "terminals": 1}
    c = Case(str(tmp_path), "relay_tle", d, prepare=write_geo_tle)
    assert any(x.get("relay") == "EDRS-C" for x in c.plan["downlinks"])
    assert check_plan.check(c.scenario, c.plan) == []


# ---------------------------------------------------------------------------------------------------------------
# Planted faults: each mutates a copy of a real plan (or of its scenario) to break one rule.

def acq(plan, aid):
    return next(a for a in plan["acquisitions"] if a["acquisition_id"] == aid)


def first_point(plan, sat=None):
    return next(a for a in plan["acquisitions"] if a["strip_count"] == 1 and (sat is None or a["satellite"] == sat))


def consecutive_pair(plan):
    by = {}
    for a in sorted(plan["acquisitions"], key=lambda a: a["start_utc"]):
        if a["satellite"] in by:
            return by[a["satellite"]], a
        by[a["satellite"]] = a
    raise AssertionError("no two acquisitions on one satellite")


def shift_iso(iso, s):
    t = check_plan.parse_utc(iso) + check_plan.dt.timedelta(seconds=s)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def shift_acq(a, s):
    a["start_utc"], a["end_utc"] = shift_iso(a["start_utc"], s), shift_iso(a["end_utc"], s)


def req(doc, rid):
    return next(r for r in doc["requests"] if r["id"] == rid)


def p_request(p, d):
    first_point(p)["request_id"] = "NO-SUCH"


def p_window(p, d):
    a = first_point(p)
    req(d, a["request_id"])["window_end_utc"] = shift_iso(a["end_utc"], -1.0)


def p_time_grid(p, d):
    shift_acq(first_point(p), 0.5)


def p_data_volume(p, d):
    first_point(p)["data_gbit"] *= 1.5


def p_limits_echo(p, d):
    first_point(p)["limits"]["max_off_nadir_deg"] = 50.0


def p_visibility(p, d):
    shift_acq(first_point(p), 2400.0)  # 40 min later: the satellite is over the other side of the Earth


def p_off_nadir(p, d):
    a = acq(p, "IT-3.0.0")  # 44.9 deg of 45 at its start: 20 s earlier it is beyond the field of regard
    shift_acq(a, -20.0)


def p_sun_elevation(p, d):
    a = first_point(p)
    req(d, a["request_id"])["min_sun_elevation_deg"] = 80.0
    a["limits"]["min_sun_elevation_deg"] = 80.0


def p_pass_direction(p, d):
    a = first_point(p)
    req(d, a["request_id"])["pass_direction"] = "descending"  # the morning passes of tiny.yaml ascend
    a["limits"]["pass_direction"] = "descending"


def p_look_side(p, d):
    a = first_point(p)
    side = "left" if a["look_side"] == "right" else "right"
    req(d, a["request_id"])["look_side"] = side
    a["limits"]["look_side"] = side


def p_look_side_report(p, d):
    a = first_point(p)
    a["look_side"] = "left" if a["look_side"] == "right" else "right"


def p_strip_polygon(p, d):
    a = next(a for a in p["acquisitions"] if a["strip_count"] > 1)
    for k in ("scan_start_lon_deg", "scan_end_lon_deg", "target_lon_deg"):
        a[k] += 1.0


def p_strip_coverage(p, d):
    a = next(a for a in p["acquisitions"] if a["strip_count"] > 1)
    # move one strip half a degree north along its own line: the band still meets the polygon, a hole opens
    for k in ("scan_start_lat_deg", "scan_end_lat_deg", "target_lat_deg"):
        a[k] += 0.12


def p_look_vector(p, d):
    first_point(p)["look_start_lvlh"] = [0.0, 0.0, 1.0]


def p_overlap(p, d):
    a0, a1 = consecutive_pair(p)
    shift_acq(a1, (check_plan.parse_utc(a0["start_utc"]) - check_plan.parse_utc(a1["start_utc"])).total_seconds() + 2.0)


def p_slew(p, d):
    a0, a1 = consecutive_pair(p)
    gap = (check_plan.parse_utc(a1["start_utc"]) - check_plan.parse_utc(a0["end_utc"])).total_seconds()
    shift_acq(a1, -(gap - 1.0))  # 1 s between them, less than the 2-3 s settle alone


def p_slew_table_slower(p, d):
    # the scenario's table three times slower than the one the plan was made with
    ag = d["sensors"]["opt"]["agility"]
    ag["slew_table"] = [[a, 3 * t] for a, t in ag["slew_table"]]


def p_slew_measure(p, d):
    # the LVLH-angle plan checked as if slews were measured |d roll| + |d pitch| with a table that charges the
    # size steeply: a diagonal slew is larger in roll + pitch than in angle
    d["sensors"]["opt"]["agility"] = {"slew_angle": "roll_pitch", "slew_table": [[0, 0], [1, 1], [90, 90]], "settle_s": 2}


def p_initial_attitude(p, d):
    # the horizon starts 1 s before the first acquisition, which would need a slew from nadir first
    first = min(p["acquisitions"], key=lambda a: a["start_utc"])
    t0 = check_plan.parse_utc(first["start_utc"]) - datetime.timedelta(seconds=1)
    stop = check_plan.parse_utc(d["start_utc"]) + datetime.timedelta(hours=float(d["duration_h"]))
    d["start_utc"] = t0.strftime("%Y-%m-%dT%H:%M:%SZ") if t0.microsecond == 0 else t0.isoformat().replace("+00:00", "Z")
    d["duration_h"] = (stop - t0).total_seconds() / 3600.0
    d["sensors"]["opt"]["agility"] = {"initial_attitude": "nadir"}


def p_explanation(p, d):
    # an unserved occurrence without an opportunity said to be blocked by an acquisition, moved 10 min away from
    # where it is (two faults of the one rule: blocked_by for that reason, and a blocker that is not the plan's)
    u = p["unserved"][0]
    a = p["acquisitions"][0]
    u["blocked_by"] = [{k: a[k] for k in ("acquisition_id", "request_id", "tenant", "satellite", "norad_id",
                                          "start_utc", "end_utc")}]
    u["blocked_by"][0]["start_utc"] = shift_iso(a["start_utc"], -600.0)


def p_imaging_cap(p, d):
    d["satellites"][0]["max_imaging_s_per_orbit"] = 15


def p_station_elevation(p, d):
    q = p["downlinks"][0]
    s = -1200.0  # 20 min earlier: out of the pass
    old = (q["start_utc"], q["end_utc"])
    q["start_utc"], q["end_utc"] = shift_iso(q["start_utc"], s), shift_iso(q["end_utc"], s)
    for a in p["acquisitions"]:
        for part in a["downlinks"]:
            if part["station"] == q["station"] and a["satellite"] == q["satellite"] and old[0] <= part["start_utc"] <= old[1]:
                part["start_utc"], part["end_utc"] = shift_iso(part["start_utc"], s), shift_iso(part["end_utc"], s)


def p_antennas(p, d):
    q = copy.deepcopy(p["downlinks"][0])
    q["satellite"] = next(s["name"] for s in d["satellites"] and p["satellites"] if s["name"] != q["satellite"])
    q["data_gbit"] = 0.0
    st = next(s for s in p["stations"] if s["name"] == q["station"])
    q["antenna"] = 0 if st["antennas"] == 1 else 1
    if st["antennas"] > 1:  # fill every antenna
        for k in range(1, st["antennas"] + 1):
            x = copy.deepcopy(q)
            x["antenna"] = k % st["antennas"]
            p["downlinks"].append(x)
    else:
        p["downlinks"].append(q)


def p_antenna_index(p, d):
    p["downlinks"][0]["antenna"] = 7


def p_outage(p, d):
    q = p["downlinks"][0]
    d["station_outages"].append({"station": q["station"], "start_utc": q["start_utc"], "end_utc": q["end_utc"]})


def p_allowed_stations(p, d):
    a = next(a for a in p["acquisitions"] if a["tenant"] == "IT" and a["downlinks"])
    others = [s["name"] for s in p["stations"] if s["name"] != a["downlinks"][0]["station"]]
    d["tenants"]["IT"]["allowed_stations"] = others


def p_downlink_order(p, d):
    a = next(a for a in p["acquisitions"] if a["downlinks"])
    a["downlinks"][0]["start_utc"] = shift_iso(a["start_utc"], 1.0)


def p_downlink_volume(p, d):
    p["downlinks"][0]["data_gbit"] *= 10.0


def p_delivery(p, d):
    a = next(a for a in p["acquisitions"] if a["downlinks"])
    a["downlinks"][0]["data_gbit"] *= 0.5


def p_storage(p, d):
    for s in d["satellites"]:
        s["storage_gbit"] = 15


def p_served_twice(p, d):
    a = copy.deepcopy(first_point(p))
    a["acquisition_id"] += "-dup"
    p["acquisitions"].append(a)


def p_served_and_unserved(p, d):
    a = first_point(p)
    p["unserved"].append({"request_id": a["request_id"], "occurrence": a["occurrence"], "reason": "outcompeted"})


def p_unserved_list(p, d):
    p["unserved"].pop()


def p_acquisition_value(p, d):
    first_point(p)["value"] += 1.0


def p_metrics_value(p, d):
    p["metrics"]["value"] -= 1.0


def p_metrics_bound(p, d):
    p["metrics"]["value_upper_bound"] = p["metrics"]["value"] - 1.0


def p_metrics_tenant(p, d):
    p["metrics"]["served_value_by_tenant"]["FR"] += 2.0


def p_metrics_counts(p, d):
    p["metrics"]["requests_served"] += 1


def p_metrics_latency(p, d):
    p["metrics"]["latency_p95_h"] += 0.1


def p_share_rule(p, d):
    d["tenants"]["FR"]["share"] = 0.9
    d["tenants"]["IT"]["share"] = 0.1
    d["requests"].append({"id": "FR-late", "tenant": "FR", "priority": 5, "target": {"lat_deg": 45.0, "lon_deg": 8.0},
                          "window_start_utc": "2025-10-03T08:30:00Z", "window_end_utc": "2025-10-03T10:00:00Z"})
    p["unserved"].append({"request_id": "FR-late", "occurrence": 0, "reason": "outcompeted"})


def p_share_rule_exempt(p, d):
    # urgent_share_exempt: the served urgent value no longer counts towards FR's share (every FR request made urgent),
    # so FR's waiting routine occurrence is held back by the rule
    d.setdefault("planning", {})["urgent_share_exempt"] = True
    for r in d["requests"]:
        if r["tenant"] == "FR":
            r["tier"] = "urgent"
            r.pop("urgent", None)
    p_share_rule(p, d)


def p_reward_value(p, d):
    # a reward overrides the priority as the value: the plan's values (from priorities) no longer match
    a = first_point(p)
    for r in d["requests"]:
        if r["id"] == a["request_id"]:
            r["reward"] = float(r.get("priority", 5)) + 2.5


def p_incidence(p, d):
    a = first_point(p)
    lo = a["incidence_deg"] + 5.0  # the worst sample is a["incidence_deg"]: ask for more than that everywhere
    d["sensors"]["opt"]["incidence_min_deg"] = min(lo, 89.0)
    d["sensors"]["opt"]["incidence_max_deg"] = 89.5
    a["limits"]["incidence_min_deg"] = d["sensors"]["opt"]["incidence_min_deg"]
    a["limits"]["incidence_max_deg"] = 89.5
    for b in p["acquisitions"]:  # keep the other echoes consistent
        if b is not a:
            b["limits"].update({"incidence_min_deg": a["limits"]["incidence_min_deg"], "incidence_max_deg": 89.5})


def p_squint(p, d):
    # 40 s later the target is ~20 deg behind the zero-Doppler plane for the whole acquisition
    shift_acq(first_point(p), 40.0)


def p_squint_report(p, d):
    # an angle the target does not pass during the acquisition (a 15-s scene spans ~8 deg around the crossing)
    a = first_point(p)
    a["squint_deg"] = a["squint_deg"] + 20.0


def p_sar_polarization(p, d):
    req(d, first_point(p)["request_id"])["polarizations"] = ["HH"]  # the sensor offers VV and VH only


def p_sar_instrument_mode(p, d):
    req(d, first_point(p)["request_id"])["instrument_mode"] = "EW"  # the sensor has no modes: its one mode is "opt"


def p_gsd(p, d):
    # a resolution limit finer than the one the first acquisition was made at
    a = first_point(p)
    req(d, a["request_id"])["max_gsd_m"] = round(a["gsd_m"] * 0.9, 6)
    a["limits"]["max_gsd_m"] = req(d, a["request_id"])["max_gsd_m"]


def p_gsd_report(p, d):
    first_point(p)["gsd_m"] *= 1.5


def p_gsd_no_resolution(p, d):
    del d["sensors"]["opt"]["gsd_nadir_m"]  # the sensor states no resolution: no request may ask for one
    a = first_point(p)
    req(d, a["request_id"])["max_gsd_m"] = 100.0
    a["limits"]["max_gsd_m"] = 100.0


def p_swath(p, d):
    d["sensors"]["opt"]["swath_km"] = 2  # 1 km each side: no target stays inside


def cloudy(p, below=1.0):
    """The first acquisition with a cloud prediction (probability < below)."""
    return next(a for a in p["acquisitions"] if "cloud_probability" in a and a["cloud_probability"] < below)


def p_cloud_cover(p, d):
    cloudy(p)["cloud_cover_pct"] += 5.0


def p_cloud_probability(p, d):
    a = cloudy(p, 0.95)
    a["cloud_probability"] = a["cloud_probability"] * 0.8


def p_cloud_time(p, d):
    a = cloudy(p)
    a["cloud_time_utc"] = shift_iso(a["cloud_time_utc"], 3600.0)


def p_cloud_source(p, d):
    cloudy(p)["cloud_source"] = "climatology"


def p_cloud_keys_missing(p, d):
    a = cloudy(p)
    for k in CLOUD_KEYS:
        del a[k]


def p_cloud_min_probability(p, d):
    # the request asks for a probability above the one its acquisition has
    a = cloudy(p, 0.95)
    req(d, a["request_id"])["min_cloud_probability"] = round((a["cloud_probability"] + 1.0) / 2.0, 6)


def p_cloud_keys_on_sar(p, d):
    first_point(p).update({"cloud_cover_pct": 10.0, "cloud_probability": 0.9, "cloud_source": "forecast",
                           "cloud_time_utc": first_point(p)["start_utc"]})


def p_cloud_summary(p, d):
    p["clouds"] = {"source": "forecast", "files": ["clouds.grib2"]}  # a plan without cloud data claiming some


def p_cloud_reason(p, d):
    u = next(u for u in p["unserved"] if u["reason"] == "no_opportunity")
    u["reason"] = "clouds"  # the request has no min_cloud_probability (and the nearest misses stay)


def p_cloud_value_unscaled(p, d):
    a = cloudy(p, 0.95)
    a["value"] = req(d, a["request_id"])["priority"] / a["strip_count"]  # the clear value


def p_value_if_clear(p, d):
    p["metrics"]["value_if_clear"] += 1.0


def p_metrics_tier(p, d):
    p["metrics"]["requests_by_tier"]["standard"]["value"] += 1.0


def p_metrics_tier_opportunity(p, d):
    p["metrics"]["requests_by_tier"]["standard"]["with_opportunity"] += 1


def powered_entry(d):
    return next(s for s in d["satellites"] if s.get("power"))


def energy_of(p):
    """The energy entry of the first satellite with a power model that has acquisitions."""
    sats = {a["satellite"] for a in p["acquisitions"] if "battery_wh_after" in a}
    return next(e for e in p["energy"] if e["satellite"] in sats)


def set_power(p, d, **kw):
    """Changes the scenario's power model and the plan's echo of it alike (so that only the energy betrays it)."""
    entry = powered_entry(d)
    entry["power"].update(kw)
    for s in p["satellites"]:
        if s["norad_id"] in entry.get("norad_ids", [s["norad_id"]]):  # without norad_ids: the file's satellites
            s["power"].update(kw)


def p_power_imaging_w(p, d):
    # the radar / camera draws three times what the plan was made with: the battery falls below min_soc
    set_power(p, d, imaging_w=3 * powered_entry(d)["power"]["imaging_w"])


def p_power_min_soc(p, d):
    # a floor above the plan's minimum
    set_power(p, d, min_soc=round(energy_of(p)["min_soc"] + 0.05, 6))


def p_power_sample(p, d):
    s = energy_of(p)["samples"]
    s[len(s) // 2][1] += 0.5


def p_power_min_wh(p, d):
    e = energy_of(p)
    e["min_wh"] -= 0.5
    e["min_soc"] = e["min_wh"] / e["battery_wh"]


def p_power_after(p, d):
    next(a for a in p["acquisitions"] if "battery_wh_after" in a)["battery_wh_after"] += 0.5


def p_power_energy_removed(p, d):
    p["energy"].remove(energy_of(p))


def p_power_after_unpowered(p, d):
    # battery_wh_after on EUOPT-1, which has no power model (case power)
    next(a for a in p["acquisitions"] if a["satellite"] == "EUOPT-1")["battery_wh_after"] = 50.0


def p_power_energy_unpowered(p, d):
    e = copy.deepcopy(energy_of(p))
    e["satellite"], e["norad_id"] = "EUOPT-1", 90001
    p["energy"].append(e)


def p_power_slew_load(p, d):
    # a slew load shortened by half (the samples were integrated with the full one)
    a0, a1 = consecutive_pair(p)
    a1["slew_before_s"] *= 0.5


def p_power_eclipse_model(p, d):
    # the other shadow model than the one the plan was made with (the penumbra crossings, ~9.4 s x solar_w each)
    set_power(p, d, eclipse="conical" if powered_entry(d)["power"].get("eclipse") == "cylindrical" else "cylindrical")


def p_power_no_capacity(p, d):
    del next(u for u in p["unserved"] if u["reason"] == "power")["capacity"]


def p_power_capacity_unpowered(p, d):
    c = next(u for u in p["unserved"] if u["reason"] == "power")["capacity"]
    c["satellite"], c["norad_id"] = "EUOPT-1", 90001  # no power model (case power)


def served_set(p, images=None):
    """The images (in time order) of a served stereo set of the stereo case (of `images` images)."""
    unserved = {(u["request_id"], u["occurrence"]) for u in p["unserved"]}
    return next(v for k, v in stereo_sets(p).items() if k not in unserved and (images is None or len(v) == images))


def p_stereo_other_satellite(p, d):
    # the set's second image taken by the other satellite (which is elsewhere then: geometry fails too)
    a = served_set(p)[1]
    other = next(s for s in p["satellites"] if s["name"] != a["satellite"])
    a["satellite"], a["norad_id"] = other["name"], other["norad_id"]


def p_stereo_image_removed(p, d):
    # one image of a set dropped (its downlink parts with it), the other keeping its value: the set is incomplete
    a = served_set(p)[-1]
    p["acquisitions"].remove(a)
    for part in a["downlinks"]:
        q = next(q for q in p["downlinks"] if q["satellite"] == a["satellite"] and q["station"] == part["station"]
                 and q["start_utc"] <= part["start_utc"] and part["end_utc"] <= q["end_utc"])
        q["data_gbit"] -= part["data_gbit"]


def p_stereo_view(p, d):
    served_set(p)[0]["stereo_view_deg"] += 1.0


def p_stereo_bh(p, d):
    served_set(p)[1]["stereo_bh"] += 1e-3


def p_stereo_first_bh(p, d):
    # the first image in time has no previous one: its stereo_bh is null
    imgs = served_set(p)
    imgs[0]["stereo_bh"] = imgs[1]["stereo_bh"]


def p_stereo_bh_range(p, d):
    # the request's bh_max below the B/H the plan has for it
    imgs = served_set(p)
    r = req(d, imgs[0]["request_id"])
    top = max(a["stereo_bh"] for a in imgs[1:])
    r["stereo"]["bh_max"] = round(top - 0.01, 6)
    r["stereo"]["bh_min"] = min(r["stereo"].get("bh_min", 0.25), round(top - 0.05, 6))


def p_stereo_two_passes(p, d):
    # the set's last image one orbit (EUOPT-2: 5827 s; whole seconds, on the time grid) earlier: another pass
    # (also outside the horizon, where the satellite does not see the target: window, geometry, downlinks fire too)
    shift_acq(served_set(p)[-1], -5827.0)


def p_stereo_keys_on_mono(p, d):
    a = next(a for a in p["acquisitions"] if a["request_id"] == "FR-1")
    a["stereo_view_deg"], a["stereo_bh"] = 10.0, None


def p_stereo_reason_not_stereo(p, d):
    # FR-6 (no pass at all) said to be unserved for stereo; it is not a stereo request. (metrics_tier: reason stereo
    # counts as one with opportunities)
    u = next(u for u in p["unserved"] if u["request_id"] == "FR-6")
    u["reason"] = "stereo"
    del u["nearest_misses"]


def p_stereo_reason_blocked_by(p, d):
    # reason stereo carries no explanation objects
    u = next(u for u in p["unserved"] if u["reason"] == "stereo")
    a = p["acquisitions"][0]
    u["blocked_by"] = [{k: a[k] for k in ("acquisition_id", "request_id", "tenant", "satellite", "norad_id",
                                          "start_utc", "end_utc")}]


def p_stereo_strip_count(p, d):
    # a tri-stereo image counted as one of a pair
    served_set(p, 3)[0]["strip_count"] = 2


def relay_downlink(p, relay=None):
    return next(d for d in p["downlinks"] if d.get("relay") and (relay is None or d["relay"] == relay))


def p_relay_geometry(p, d):
    # the session and its parts 25 min later: a quarter of an orbit on, the relay is below the terminal's 25 deg or
    # behind the Earth
    q = relay_downlink(p)
    s = 1500.0
    old = (q["start_utc"], q["end_utc"])
    for k in ("link_start_utc", "start_utc", "end_utc"):
        q[k] = shift_iso(q[k], s)
    for a in p["acquisitions"]:
        for part in a["downlinks"]:
            if (part.get("relay") == q["relay"] and a["satellite"] == q["satellite"]
                    and old[0] <= part["start_utc"] <= old[1]):
                part["start_utc"], part["end_utc"] = shift_iso(part["start_utc"], s), shift_iso(part["end_utc"], s)


def p_relay_terminal_index(p, d):
    relay_downlink(p, "EDRS-C")["antenna"] = 1  # EDRS-C has one terminal


def p_relay_terminal_shared(p, d):
    # the other satellite links to the same relay terminal during a session (carrying nothing)
    q = copy.deepcopy(relay_downlink(p))
    q["satellite"] = next(s["name"] for s in p["satellites"] if s["name"] != q["satellite"])
    q["data_gbit"] = 0.0
    p["downlinks"].append(q)


def p_relay_volume(p, d):
    q = relay_downlink(p)
    dur = (check_plan.parse_utc(q["end_utc"]) - check_plan.parse_utc(q["start_utc"])).total_seconds()
    q["data_gbit"] = 1.5 * 1800 / 1000.0 * dur  # both relays send at 1800 Mbit/s


def p_relay_no_terminal(p, d):
    for s in d["satellites"]:
        del s["relay_terminal"]


def p_relay_link_late(p, d):
    q = relay_downlink(p)
    q["link_start_utc"] = shift_iso(q["start_utc"], -10.0)  # data 10 s after the link starts < acquisition_s


def p_relay_feeder_outage(p, d):
    q = relay_downlink(p)
    d["station_outages"].append({"station": q["station"], "start_utc": q["start_utc"], "end_utc": q["end_utc"]})


def p_relay_session_long(p, d):
    q = relay_downlink(p)
    q["link_start_utc"] = shift_iso(q["end_utc"], -700.0)  # > acquisition_s 50 + max_session_s 600


def p_relay_over_station_downlink(p, d):
    # a relay downlink (carrying nothing) while the same satellite downlinks to a station
    st = next(x for x in p["downlinks"] if x.get("relay") is None)
    q = dict(copy.deepcopy(st), relay="EDRS-A", station="Matera", antenna=0, data_gbit=0.0,
             link_start_utc=shift_iso(st["start_utc"], -50.0))
    p["downlinks"].append(q)


def test_relay_plants_name_their_cause(cases):
    """The relay rule's parts each report their own cause (the planted faults above only check the rule's name, and
    a second satellite put on a session elsewhere also fails the geometry)."""
    c = cases["relay"]
    want = {p_relay_geometry: "relay elevation", p_relay_terminal_shared: "terminal 0 of EDRS-",
            p_relay_session_long: "max_session_s", p_relay_over_station_downlink: "of the same satellite",
            p_relay_link_late: "acquisition_s", p_relay_terminal_index: "terminal 1 not in [0, 1)"}
    for plant, text in want.items():
        plan, doc = copy.deepcopy(c.plan), copy.deepcopy(c.doc)
        plant(plan, doc)
        got = [m for r, _, m in check_plan.check(c.scenario, plan) if r == "relay"]
        assert any(text in m for m in got), (plant.__name__, got)


# (case, planted fault, rule that must catch it, rules allowed besides it (side effects of the same edit))
PLANTS = [
    ("optical", p_request, "request", {"unserved_list", "metrics_value", "metrics_tenant", "metrics_counts",
                                       "metrics_latency", "metrics_tier"}),  # the occurrence is no longer served
    ("optical", p_window, "window", set()),
    ("optical", p_time_grid, "time_grid", {"look_vector", "downlink_order", "slew", "overlap", "off_nadir"}),
    ("optical", p_data_volume, "data_volume", None),  # the parts no longer carry the image: not delivered, metrics
    ("optical", p_limits_echo, "limits_echo", set()),
    ("optical", p_visibility, "visibility", None),
    ("optical", p_off_nadir, "off_nadir", {"look_vector", "slew", "overlap", "gsd"}),  # gsd: the report moved too
    ("optical", p_sun_elevation, "sun_elevation", set()),
    ("optical", p_pass_direction, "pass_direction", set()),
    ("optical", p_look_side, "look_side", set()),
    ("optical", p_look_side_report, "look_side_report", set()),
    ("optical", p_strip_polygon, "strip_polygon", {"look_vector", "off_nadir", "visibility", "slew", "gsd"}),
    ("optical", p_strip_coverage, "strip_polygon", {"look_vector", "off_nadir", "gsd"}),
    ("optical", p_look_vector, "look_vector", set()),
    ("optical", p_overlap, "overlap", None),
    ("optical", p_slew, "slew", {"look_vector", "off_nadir"}),
    ("rollpitch", p_slew, "slew", {"look_vector", "off_nadir", "gsd"}),
    ("rollpitch", p_slew_table_slower, "slew", set()),
    ("optical", p_slew_measure, "slew", set()),
    ("optical", p_initial_attitude, "initial_attitude", None),
    ("optical", p_explanation, "explanation", set()),
    ("optical", p_imaging_cap, "imaging_cap", set()),
    ("optical", p_station_elevation, "station_elevation", None),
    ("optical", p_antennas, "antennas", {"station_elevation"}),  # the added downlink's satellite is elsewhere
    ("optical", p_antenna_index, "antennas", set()),
    ("optical", p_outage, "outage", set()),
    ("optical", p_allowed_stations, "allowed_stations", set()),
    ("optical", p_downlink_order, "downlink_order", {"downlink_volume"}),
    ("optical", p_downlink_volume, "downlink_volume", set()),
    ("optical", p_delivery, "delivery", None),  # an undelivered image: its occurrence is not served (metrics)
    ("optical", p_storage, "storage", set()),
    ("optical", p_served_twice, "served_twice", {"overlap", "metrics_value", "downlink_volume"}),
    ("optical", p_served_and_unserved, "served_twice", set()),
    ("optical", p_unserved_list, "unserved_list", set()),
    ("optical", p_acquisition_value, "acquisition_value", {"metrics_value"}),
    ("optical", p_metrics_value, "metrics_value", {"metrics_tenant"}),
    ("optical", p_metrics_bound, "metrics_bound", set()),
    ("optical", p_metrics_tenant, "metrics_tenant", set()),
    ("optical", p_metrics_counts, "metrics_counts", set()),
    ("optical", p_metrics_latency, "metrics_latency", set()),
    # one more occurrence
    ("optical", p_share_rule, "share_rule", {"metrics_tenant", "metrics_counts", "metrics_tier"}),
    ("optical", p_share_rule_exempt, "share_rule", {"metrics_tenant", "metrics_counts", "metrics_tier"}),
    ("optical", p_reward_value, "acquisition_value", {"metrics_value", "metrics_tenant", "metrics_bound",
                                                      "metrics_tier"}),
    ("sar", p_incidence, "incidence", {"squint", "gsd"}),  # the imaging instant moves with the limits
    ("sar", p_look_side_report, "look_side_report", set()),
    ("sar", p_squint, "squint", None),  # also the look vectors, slews, downlink order
    ("sar", p_squint_report, "squint", set()),
    ("sar", p_sar_polarization, "sar_mode", set()),
    ("optical", p_gsd, "gsd", set()),
    ("optical", p_gsd_report, "gsd", set()),
    ("optical", p_gsd_no_resolution, "gsd", None),  # the reports of every acquisition go too
    ("sar", p_sar_instrument_mode, "sar_mode", set()),
    ("fixed", p_swath, "swath", {"limits_echo", "strip_polygon"}),  # the echo and the strip width follow swath_km
    ("clouds", p_cloud_cover, "clouds", set()),
    # the values follow the reported probability: the unchanged ones no longer match it
    ("clouds", p_cloud_probability, "clouds", {"acquisition_value", "metrics_value", "metrics_tenant", "metrics_tier"}),
    ("clouds", p_cloud_time, "clouds", set()),
    ("clouds", p_cloud_source, "clouds", set()),
    ("clouds", p_cloud_keys_missing, "clouds", set()),
    ("clouds", p_cloud_min_probability, "clouds", set()),
    ("sar", p_cloud_keys_on_sar, "clouds", set()),
    ("optical", p_cloud_summary, "clouds", set()),
    ("clouds", p_cloud_reason, "clouds", {"explanation"}),  # nearest_misses given for reason clouds
    ("clouds", p_cloud_value_unscaled, "acquisition_value", {"metrics_value"}),
    ("clouds", p_value_if_clear, "metrics_value", set()),
    ("clouds", p_metrics_value, "metrics_value", {"metrics_tenant"}),
    ("clouds", p_metrics_tier, "metrics_tier", set()),
    ("optical", p_metrics_tier_opportunity, "metrics_tier", set()),
    ("power", p_power_imaging_w, "power", set()),
    ("power", p_power_min_soc, "power", set()),
    ("power", p_power_sample, "power", set()),
    ("power", p_power_min_wh, "power", set()),
    ("power", p_power_after, "power", set()),
    ("power", p_power_energy_removed, "power", set()),
    ("power", p_power_after_unpowered, "power", set()),
    ("power", p_power_energy_unpowered, "power", set()),
    ("power", p_power_slew_load, "power", set()),
    ("power", p_power_eclipse_model, "power", set()),
    ("power_cyl", p_power_eclipse_model, "power", set()),
    ("power_sar", p_power_imaging_w, "power", set()),
    ("power_sar", p_power_sample, "power", set()),
    ("power_night", p_power_after, "power", set()),
    ("power", p_power_no_capacity, "explanation", set()),
    ("power", p_power_capacity_unpowered, "explanation", set()),
    ("stereo", p_stereo_other_satellite, "stereo", None),  # the other satellite is elsewhere: geometry, timelines
    # the occurrence is no longer served (and the kept image's value is not 0); an outcompeted occurrence's
    # blocked_by may name the removed image
    ("stereo", p_stereo_image_removed, "stereo", {"acquisition_value", "unserved_list", "metrics_value",
                                                  "metrics_tenant", "metrics_counts", "metrics_latency",
                                                  "metrics_tier", "explanation"}),
    ("stereo", p_stereo_view, "stereo", set()),
    ("stereo", p_stereo_bh, "stereo", set()),
    ("stereo", p_stereo_first_bh, "stereo", set()),
    ("stereo", p_stereo_bh_range, "stereo", set()),
    ("stereo", p_stereo_two_passes, "stereo", None),
    ("stereo", p_stereo_keys_on_mono, "stereo", set()),
    ("stereo", p_stereo_reason_not_stereo, "stereo", {"metrics_tier"}),
    ("stereo", p_stereo_reason_blocked_by, "explanation", set()),
    ("stereo", p_stereo_strip_count, "request", set()),
    ("relay", p_relay_geometry, "relay", None),  # delivery times, latencies, storage move with the parts
    ("relay", p_relay_terminal_index, "relay", set()),
    ("relay", p_relay_terminal_shared, "relay", set()),
    ("relay", p_relay_volume, "downlink_volume", set()),
    ("relay", p_relay_no_terminal, "relay", set()),
    ("relay", p_relay_link_late, "relay", set()),
    ("relay", p_relay_feeder_outage, "outage", set()),
    ("relay", p_relay_session_long, "relay", set()),
    ("relay", p_relay_over_station_downlink, "relay", set()),
]


@pytest.mark.parametrize("case,plant,rule,allowed", PLANTS, ids=[f"{c}-{p.__name__[2:]}" for c, p, _, _ in PLANTS])
def test_planted_fault_is_caught(cases, case, plant, rule, allowed):
    c = cases[case]
    plan = copy.deepcopy(c.plan)
    doc = copy.deepcopy(c.doc)
    doc.setdefault("station_outages", [])
    if not hasattr(c, "baseline"):  # the unmodified plan, checked once per case
        c.baseline = c.rules(plan, doc)
    baseline = set(c.baseline)
    assert baseline == set(), baseline
    plant(plan, doc)
    got = c.rules(plan, doc)
    assert rule in got, got
    if allowed is not None:
        assert got - {rule} <= allowed, got
