"""Vantage: SGP4/SDP4, time scales and reference frames for Earth-observation planning.

The heavy lifting is C++ (the ``_vantage`` extension); this package re-exports it and adds small
pure-Python helpers. Times are tz-aware UTC ``datetime`` objects or ``numpy.datetime64`` (UTC);
positions are km, velocities km/s, angles degrees.

    >>> import vantage, numpy as np
    >>> sats = vantage.read_tle("examples/eo-satellites.tle")
    >>> t = np.arange(np.datetime64("2025-10-03T00:00"), np.datetime64("2025-10-03T01:40"), np.timedelta64(60, "s"))
    >>> states, errors = vantage.propagate(sats, t, frame="itrf", eop=vantage.read_eop("examples/eop.csv"))
    >>> lat_lon_alt = vantage.itrf_to_geodetic(states)
"""
import dataclasses as _dataclasses
import datetime as _datetime
import json as _json
import os as _os
from dataclasses import dataclass as _dataclass
from typing import Any as _Any

from ._vantage import (  # noqa: F401
    ERROR_CODES,
    EarthOrientation,
    ElementSet,
    GroundStation,
    Error,
    FileError,
    Instant,
    MissingFileError,
    ParseError,
    __version__,
    _plan,
    access,
    convert_states,
    eclipses,
    format_tle,
    itrf_to_geodetic,
    links,
    mean_local_time_of_node_h,
    passes,
    propagate,
    read_elements,
    read_eop,
    read_omm,
    read_stations,
    read_tle,
    sgp4_mean_altitude_km,
    sun_synchronous,
    sun_synchronous_inclination_deg,
    walker,
    write_elements,
)
from ._vantage import _coverage

__all__ = [
    "ERROR_CODES",
    "EarthOrientation",
    "ElementSet",
    "Plan",
    "GroundStation",
    "Error",
    "Instant",
    "access",
    "convert_states",
    "coverage",
    "eclipses",
    "CoverageResult",
    "format_tle",
    "itrf_to_geodetic",
    "links",
    "mean_local_time_of_node_h",
    "passes",
    "plan",
    "propagate",
    "read_elements",
    "read_eop",
    "read_omm",
    "read_stations",
    "read_tle",
    "sgp4_mean_altitude_km",
    "states_to_records",
    "sun_synchronous",
    "sun_synchronous_inclination_deg",
    "walker",
    "write_elements",
]


def states_to_records(elements, times, states, errors):
    """Flattens ``propagate`` output into a list of dicts (one per computed state), ready for
    ``pandas.DataFrame(records)``. Rows whose error code is not 0 are left out; the error array
    says which.

    Keys: norad_id, time_utc (datetime), x_km, y_km, z_km, vx_km_s, vy_km_s, vz_km_s.
    """
    import datetime as _dt

    import numpy as _np

    if isinstance(elements, ElementSet):
        elements = [elements]
    times = list(times)
    out = []
    for i, sat in enumerate(elements):
        for j, t in enumerate(times):
            if errors[i, j] != 0:
                continue
            if isinstance(t, _np.datetime64):
                t = Instant(t).to_datetime()
            elif isinstance(t, str):
                t = Instant(t).to_datetime()
            elif isinstance(t, _dt.datetime):
                # naive = UTC (astimezone() would take it as local time)
                t = t.replace(tzinfo=_dt.timezone.utc) if t.utcoffset() is None else t.astimezone(_dt.timezone.utc)
            s = states[i, j]
            out.append({"norad_id": sat.norad_id, "time_utc": t, "x_km": float(s[0]), "y_km": float(s[1]),
                        "z_km": float(s[2]), "vx_km_s": float(s[3]), "vy_km_s": float(s[4]),
                        "vz_km_s": float(s[5])})
    return out


@_dataclasses.dataclass
class CoverageResult:
    """Coverage of a scenario (what ``vantage coverage`` writes), as plain Python values.

    Attributes:
        start_utc, stop_utc: the analysis interval (tz-aware UTC datetimes).
        grid_km: the grid spacing d (km).
        points: one dict per grid point with the points.csv columns: lat_deg, lon_deg, weight (cell area, km^2),
            accesses (merged windows of all satellites), satellite_passes, first_access_utc (datetime, or None if
            never seen), max_gap_h, mean_gap_h, p95_gap_h (nearest rank, by count), mean_response_h (time-averaged
            wait to the next access; a lower bound: after the last access the wait is counted to the interval end),
            time_in_view_fraction. Never NaN.
        members: region name -> indices into ``points`` of that region's points.
        regions: one dict per region (summary.json's "regions": area-weighted statistics, percent of area covered).
        summary: the whole summary.json document.
    """

    start_utc: _datetime.datetime
    stop_utc: _datetime.datetime
    grid_km: float
    points: list
    members: dict
    regions: list
    summary: dict

    def to_dataframe(self):
        """The points as a pandas.DataFrame (pandas is imported only here)."""
        import pandas as _pd

        return _pd.DataFrame.from_records(self.points)


def coverage(scenario, aoi=None, grid_km=None, min_accesses=None, threads=-1):
    """Revisit, response time and time in view of a scenario's satellites over a grid (``vantage coverage``).

    Args:
        scenario: coverage scenario YAML path (satellites with sensors, interval, ``aoi:``, ``coverage:``).
        aoi: GeoJSON file replacing the scenario's areas. grid_km: grid spacing (km). min_accesses: the k of
            "percent of area covered at least k times". threads: 0 = all cores (default: the scenario's).

    Returns:
        CoverageResult (points as records: ``vantage.coverage(f).to_dataframe()``).

    Example:
        >>> r = vantage.coverage("examples/coverage-demo.yaml")
        >>> r.regions[0]["percent_area_covered"], r.regions[0]["max_gap_h"]["area_weighted_mean"]
    """
    raw = _coverage(scenario, aoi, grid_km, min_accesses, threads)
    summary = _json.loads(raw["summary_json"])
    return CoverageResult(start_utc=raw["start_utc"], stop_utc=raw["stop_utc"], grid_km=raw["grid_km"],
                          points=raw["points"], members=raw["members"], regions=summary["regions"], summary=summary)


@_dataclass(frozen=True)
class Plan:
    """A tasking plan: ``vantage plan``'s plan.json (docs/formats.md § Tasking plan) as Python values.

    Lists hold plain dicts (``pandas.DataFrame(plan.acquisitions)`` works) with the plan.json keys;
    every ``*_utc`` value is a tz-aware UTC ``datetime``; data in Gbit, angles in degrees.

    - ``acquisitions``: acquisition_id, request_id, occurrence, strip_id, strip_count, tenant, satellite,
      norad_id, start_utc, end_utc, target_lat_deg, target_lon_deg, off_nadir_deg, incidence_deg,
      look_side, value, data_gbit, downlinks (station, start_utc, end_utc, data_gbit), delivered_utc, ...;
    - ``downlinks``: satellite, norad_id, station, antenna, start_utc, end_utc, data_gbit, ...;
    - ``requests``: one row per request occurrence, sorted by (request_id, occurrence): request_id,
      occurrence, tenant, priority, status (``served`` | ``unserved``), reason (None, or no_opportunity |
      outcompeted | storage | downlink | share_limit | clouds | power | stereo), acquisition_ids, delivered_utc (None
      when unserved),
      covered_fraction (1 when served; polygons: area share of the acquired strips);
    - ``metrics``: value, value_upper_bound, value_trivial_bound, bound_method, requests_served,
      requests_total, served_value_by_tenant, latency_p50_h, latency_p95_h, time_limit_hit, ...;
    - ``document``: the whole plan.json (inputs included), times as datetimes.
    """

    acquisitions: list[dict[str, _Any]]
    downlinks: list[dict[str, _Any]]
    requests: list[dict[str, _Any]]
    metrics: dict[str, _Any]
    seed: int
    document: dict[str, _Any]


def _with_datetimes(x):
    import datetime as _dt

    if isinstance(x, dict):
        return {k: (_dt.datetime.fromisoformat(v.replace("Z", "+00:00")) if k.endswith("_utc") and isinstance(v, str)
                    else _with_datetimes(v)) for k, v in x.items()}
    if isinstance(x, list):
        return [_with_datetimes(v) for v in x]
    return x


def plan(scenario: "str | _os.PathLike[str]", *, seed: int | None = None, iterations: int | None = None,
         time_limit_s: float | None = None, compare_relays: bool = False) -> Plan:
    """Plans a tasking scenario file (YAML) as ``vantage plan --scenario FILE`` does and returns a
    :class:`Plan`. ``seed`` and ``iterations`` (ALNS) and ``time_limit_s`` (wall-clock cap, s) override
    the scenario's ``planning:``; with the same values the plan is the CLI's, acquisition for acquisition.
    ``compare_relays`` (a scenario with ``relays``) also plans without them, as ``--compare-relays``:
    ``metrics["without_relays"]`` then holds that plan's value and latency per region
    (``metrics["latency_regions"]``). Errors are ``vantage.Error`` naming file, line and key path."""
    import json as _json

    text, requests = _plan(scenario, seed=seed, iterations=iterations, time_limit_s=time_limit_s,
                           compare_relays=compare_relays)
    doc = _with_datetimes(_json.loads(text))
    info = {rid: (tenant, priority) for rid, tenant, priority in requests}
    status = {}
    for a in doc["acquisitions"]:
        if a["value"] > 0:  # a strip of an incomplete polygon earns nothing: its occurrence is unserved
            s = status.setdefault((a["request_id"], a["occurrence"]), {
                "status": "served", "reason": None, "acquisition_ids": [], "delivered_utc": a["delivered_utc"],
                "covered_fraction": 1.0})
            s["acquisition_ids"].append(a["acquisition_id"])
            s["delivered_utc"] = max(s["delivered_utc"], a["delivered_utc"])
    for u in doc["unserved"]:
        status[(u["request_id"], u["occurrence"])] = {
            "status": "unserved", "reason": u["reason"], "acquisition_ids": [], "delivered_utc": None,
            "covered_fraction": u.get("covered_fraction", 0.0)}
    rows = [{"request_id": rid, "occurrence": occ, "tenant": info[rid][0], "priority": info[rid][1], **s}
            for (rid, occ), s in sorted(status.items())]
    return Plan(acquisitions=doc["acquisitions"], downlinks=doc["downlinks"], requests=rows, metrics=doc["metrics"],
                seed=doc["seed"], document=doc)
