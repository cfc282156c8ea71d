"""vantage.plan from Python, checked against the CLI's plan.json on the tiny tasking scenario
(tests/data/tasking/tiny.yaml): same acquisitions, times, downlinks, per-occurrence status and metrics."""
import datetime as dt
import json
import os
import subprocess

import pytest

import vantage

# plan.json writes times with 6 decimals; the bindings give datetimes with microseconds: both exact to 1 us.
TIME_TOL_S = 1e-6


def _iso(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


@pytest.fixture
def cli_plan(source_dir, tmp_path):
    cli = os.environ.get("VANTAGE_CLI")
    if not cli:
        pytest.skip("VANTAGE_CLI not set (ctest sets it)")
    subprocess.run([cli, "plan", "--scenario", str(source_dir / "tests/data/tasking/tiny.yaml"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    with open(tmp_path / "plan.json") as f:
        return json.load(f)


def test_plan_matches_the_cli_plan_file(source_dir, cli_plan):
    with pytest.warns(UserWarning, match="no EOP"):
        p = vantage.plan(source_dir / "tests/data/tasking/tiny.yaml")
    assert isinstance(p, vantage.Plan)
    # the same document as the CLI's, times aside: the plan is a function of (scenario, seed, iterations)
    assert p.document == vantage._with_datetimes(cli_plan)
    assert [a["acquisition_id"] for a in p.acquisitions] == [a["acquisition_id"] for a in cli_plan["acquisitions"]]
    for ours, ref in zip(p.acquisitions, cli_plan["acquisitions"]):
        assert ours["start_utc"].tzinfo is not None
        assert abs((ours["start_utc"] - _iso(ref["start_utc"])).total_seconds()) <= TIME_TOL_S
        assert abs((ours["delivered_utc"] - _iso(ref["delivered_utc"])).total_seconds()) <= TIME_TOL_S
        assert (ours["satellite"], ours["norad_id"], ours["look_side"]) == (ref["satellite"], ref["norad_id"], ref["look_side"])
        assert ours["data_gbit"] == pytest.approx(ref["data_gbit"], rel=1e-12)
        assert [d["station"] for d in ours["downlinks"]] == [d["station"] for d in ref["downlinks"]]
    assert [(d["station"], d["antenna"]) for d in p.downlinks] == [(d["station"], d["antenna"]) for d in cli_plan["downlinks"]]
    # per-occurrence status: served ones are those with valued acquisitions, the rest are the CLI's unserved
    unserved = {(u["request_id"], u["occurrence"]): u["reason"] for u in cli_plan["unserved"]}
    assert {(r["request_id"], r["occurrence"]): r["reason"] for r in p.requests if r["status"] == "unserved"} == unserved
    served = [r for r in p.requests if r["status"] == "served"]
    assert len(served) == cli_plan["metrics"]["requests_served"]
    assert len(p.requests) == cli_plan["metrics"]["requests_total"]
    assert all(r["delivered_utc"] is not None and r["acquisition_ids"] for r in served)
    for key in ("value", "value_upper_bound", "value_trivial_bound", "requests_served", "requests_total"):
        assert p.metrics[key] == pytest.approx(cli_plan["metrics"][key]), key
    assert p.metrics["served_value_by_tenant"] == cli_plan["metrics"]["served_value_by_tenant"]


def test_plan_error_names_file_line_and_field(source_dir):
    bad = source_dir / "tests/data/bad/tasking_unknown_tenant.yaml"
    with pytest.raises(vantage.Error) as e:
        vantage.plan(bad)
    assert e.value.code == "missing_field"
    assert e.value.line == 24
    assert e.value.field == "requests[0].tenant"


def test_plan_with_relays_compares_without_them(source_dir):
    """A scenario with GEO relays (tests/data/tasking/tiny_relay.yaml): relayed downlinks name their relay and the
    feeder station, the latency per region is reported, and compare_relays plans again without the relays."""
    p = vantage.plan(source_dir / "tests" / "data" / "tasking" / "tiny_relay.yaml", compare_relays=True)
    relayed = [d for d in p.downlinks if "relay" in d]
    assert relayed and all(d["relay"] in ("EDRS-A", "EDRS-C") and d["station"] == "Matera" for d in relayed)
    assert all(d["link_start_utc"] <= d["start_utc"] for d in relayed)
    regions = {r["region"]: r for r in p.metrics["latency_regions"]}
    assert "Italy" in regions and p.metrics["relayed_acquisitions"] == sum(r["relayed"] for r in regions.values())
    without = p.metrics["without_relays"]
    assert all(r["relayed"] == 0 for r in without["latency_regions"])
    assert without["requests_served"] > 0
