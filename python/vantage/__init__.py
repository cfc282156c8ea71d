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

from ._vantage import (  # noqa: F401
    ERROR_CODES,
    EarthOrientation,
    ElementSet,
    GroundStation,
    Error,
    Instant,
    __version__,
    access,
    convert_states,
    format_tle,
    itrf_to_geodetic,
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
    "GroundStation",
    "Error",
    "Instant",
    "access",
    "convert_states",
    "coverage",
    "CoverageResult",
    "format_tle",
    "itrf_to_geodetic",
    "mean_local_time_of_node_h",
    "passes",
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
                t = t.astimezone(_dt.timezone.utc)
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
