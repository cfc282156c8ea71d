"""Vantage: SGP4/SDP4, time scales and reference frames for Earth-observation planning.

The heavy lifting is C++ (the ``_vantage`` extension); this package re-exports it and adds small
pure-Python helpers. Times are ``datetime`` objects (tz-aware in any zone, converted; naive ones are
UTC), ``numpy.datetime64`` (UTC) or ISO 8601 strings; what Vantage returns is tz-aware UTC.
Positions are km, velocities km/s, angles degrees. States SGP4 cannot compute are NaN, with the
SGP4 error code alongside. Every error is a ``vantage.Error``; bad input is also a ``ValueError``
(``vantage.ParseError``) and a missing file also a ``FileNotFoundError`` (``vantage.MissingFileError``).

    >>> import vantage, numpy as np
    >>> sats = vantage.read_tle("examples/eo-satellites.tle")          # or TLE text, or os.PathLike
    >>> t = np.arange(np.datetime64("2025-10-03T00:00"), np.datetime64("2025-10-03T01:40"), np.timedelta64(60, "s"))
    >>> states, errors = vantage.propagate(sats, t, frame="itrf", eop=vantage.read_eop("examples/eop.csv"))
    >>> lat_lon_alt = vantage.itrf_to_geodetic(states)
    >>> sat = vantage.Satellite.from_tle(line1, line2)                  # Skyfield: EarthSatellite(line1, line2)
    >>> az_deg, el_deg, range_km = vantage.topocentric(sat, (78.23, 15.39, 500.0), t)
"""
import dataclasses as _dataclasses
import datetime as _datetime
import json as _json
import os as _os
from dataclasses import dataclass as _dataclass
from typing import Any as _Any
from typing import NamedTuple as _NamedTuple

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
from ._vantage import _coverage, _topocentric

#: The satellite type: an SGP4 element set. ``vantage.Satellite.from_tle(line1, line2, name=None)`` is
#: what Skyfield users know as ``EarthSatellite(line1, line2, name)``; it is the same class as
#: :class:`ElementSet` (``isinstance(x, vantage.Satellite)`` and ``repr`` say ElementSet).
Satellite = ElementSet

__all__ = [
    "ERROR_CODES",
    "EarthOrientation",
    "ElementSet",
    "Plan",
    "GroundStation",
    "Error",
    "FileError",
    "Instant",
    "MissingFileError",
    "ParseError",
    "Satellite",
    "Topocentric",
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
    "topocentric",
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


def _import_pandas(what, records):
    try:
        import pandas
    except ImportError as e:
        raise ImportError(f"vantage {what} needs pandas, which is not installed (Debian: apt install "
                          f"python3-pandas; pip: pip install pandas). Without it use the plain records, "
                          f"{records} (a list of dicts).") from e
    return pandas


def _utc_columns(pd, df):
    """Every ``*_utc`` column as datetime64[ns, UTC] (None -> NaT)."""
    for c in df.columns:
        if str(c).endswith("_utc"):
            df[c] = pd.to_datetime(df[c], utc=True)
    return df


class Topocentric(_NamedTuple):
    """Result of :func:`topocentric`: three float64 arrays of the same shape."""

    azimuth_deg: "_Any"
    """Azimuth from true north through east (degrees, [0, 360)); NaN where SGP4 failed."""
    elevation_deg: "_Any"
    """Elevation above the plane normal to the WGS-84 ellipsoid normal (degrees, [-90, 90]); NaN where SGP4 failed."""
    range_km: "_Any"
    """Distance station-satellite (km, > 0); NaN where SGP4 failed."""


def topocentric(satellites, station, times, eop=None, *, gravity="wgs72", opsmode="i", threads=1):
    """Azimuth, elevation and range of satellites seen from a ground station (Skyfield's
    ``(sat - topos).at(t).altaz()``).

    Frame: the topocentric east-north-up frame of the station on the WGS-84 ellipsoid (up = the
    geodetic normal at the station's latitude and longitude), applied to ITRF positions: SGP4 (TEME)
    -> ITRF with ``eop`` (UT1-UTC and polar motion), minus the station's ITRF position. Geometric: no
    refraction, no light time, no aberration (as Skyfield's altaz() without temperature/pressure).
    The definitions are the access engine's (``passes()``, docs/formats.md § Geometry definitions).

    Args:
        satellites: an ElementSet (``vantage.Satellite``) or a list of N of them.
        station: a GroundStation, or (lat_deg, lon_deg) or (lat_deg, lon_deg, alt_m): geodetic latitude
            (degrees, [-90, 90]), longitude east (degrees), height above the WGS-84 ellipsoid (metres,
            default 0).
        times: M times: datetimes (tz-aware, or naive = UTC), a numpy.datetime64 array (UTC), or ISO 8601
            strings.
        eop: an EarthOrientation (``read_eop``). Without it UT1-UTC and polar motion are zero, which moves
            the Earth by up to ~440 m at the surface (a warning is issued): up to ~0.05 deg of azimuth or
            elevation for a LEO pass at 500 km range.
        gravity: "wgs72" (default), "wgs72old" or "wgs84". opsmode: "i" (default) or "a".
        threads: SGP4 batch threads (0 = all cores). The GIL is released.

    Returns:
        Topocentric(azimuth_deg, elevation_deg, range_km), a named tuple of float64 arrays of shape (M,)
        for one ElementSet, (N, M) for a list. Where SGP4 fails (``propagate``'s error array, e.g.
        6 = decayed) all three are NaN.

    Accuracy: against Skyfield 1.45 with the same SGP4 and EOP, 2e-6 deg in azimuth and elevation and
    2 cm in range (measured 1.5e-6 deg and 1.6 cm; python/tests/test_user_api.py, docs/accuracy.md).
    The result is as good as the element set: SGP4 from a TLE is ~1 km off at epoch and drifts by a
    few km per day.

    Raises:
        vantage.ParseError (a ValueError): a bad station, time, gravity or opsmode.

    Example:
        >>> sat = vantage.read_tle("examples/eo-satellites.tle")[0]
        >>> t = np.arange(np.datetime64("2025-10-03T00:00"), np.datetime64("2025-10-03T06:00"), np.timedelta64(10, "s"))
        >>> az, el, rng = vantage.topocentric(sat, (78.2297, 15.4078, 500.0), t, eop=vantage.read_eop("examples/eop.csv"))
        >>> visible = el > 5.0
    """
    az, el, rng = _topocentric(satellites, station, times, eop, gravity, opsmode, threads)
    if isinstance(satellites, ElementSet):
        az, el, rng = az[0], el[0], rng[0]
    return Topocentric(az, el, rng)


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
        """The points as a pandas.DataFrame, one row per grid point (pandas is imported only here;
        ImportError with a hint if it is absent). first_access_utc is a datetime64[ns, UTC] column
        (NaT for a point never seen)."""
        pd = _import_pandas("CoverageResult.to_dataframe()", "CoverageResult.points")
        return _utc_columns(pd, pd.DataFrame.from_records(self.points))


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

    def to_dataframe(self, table: str = "acquisitions"):
        """The plan as a pandas.DataFrame, one row per acquisition (default), per downlink
        (``table="downlinks"``) or per request occurrence (``table="requests"``), with the plan.json
        keys as columns (units in their names: deg, gbit, ...). Every ``*_utc`` column is
        datetime64[ns, UTC] (NaT where None); nested lists (an acquisition's ``downlinks``) stay
        Python objects. pandas is imported only here; without it an ImportError says so (the plain
        records are ``plan.acquisitions`` etc.)."""
        tables = {"acquisitions": self.acquisitions, "downlinks": self.downlinks, "requests": self.requests}
        if table not in tables:
            raise ValueError(f"table must be one of {sorted(tables)}, not {table!r}")
        pd = _import_pandas("Plan.to_dataframe()", f"Plan.{table}")
        return _utc_columns(pd, pd.DataFrame.from_records(tables[table]))


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
