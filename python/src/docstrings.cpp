#include "docstrings.hpp"

namespace vantage::python {

std::string module_doc()
{
    return R"(Vantage: SGP4/SDP4, time scales and reference frames for Earth-observation planning.

Times are ``datetime`` objects (tz-aware ones in any zone are converted; naive ones are UTC),
``numpy.datetime64`` (UTC) or ISO 8601 strings. Positions are km, velocities km/s, angles degrees.
States SGP4 cannot compute are NaN, with the reason in an error array. Errors derive from
vantage.Error and from the built-in a Python user expects (ValueError, FileNotFoundError).)";
}

std::string instant_doc()
{
    return R"(A scale-free instant (TAI seconds since J2000 split into whole seconds and a fraction).

Build it with ``Instant(datetime_or_iso_string)`` (a naive datetime is UTC; a tz-aware one is
converted to UTC; numpy.datetime64 is UTC); read it with ``to_datetime()``,
``to_iso8601_utc(decimals=6)``. ``a - b`` gives seconds (float); ``a + seconds`` an Instant.

Example:
    >>> import vantage
    >>> t = vantage.Instant("2016-12-31T23:59:60.5Z")   # a leap second
    >>> (vantage.Instant("2017-01-01T00:00:00Z") - t)
    0.5)";
}

std::string element_set_doc()
{
    return R"(An SGP4 mean element set (from a TLE or OMM). Read-only attributes:

norad_id (int), object_name, object_id (COSPAR, "1998-067A"), classification, epoch (datetime UTC),
inclination_deg, raan_deg, eccentricity, arg_perigee_deg, mean_anomaly_deg,
mean_motion_rev_day (Kozai), mean_motion_dot_rev_day2 (ndot/2), mean_motion_ddot_rev_day3 (nddot/6),
bstar_per_er (1/Earth radii), element_set_no, rev_at_epoch, ephemeris_type.

vantage.Satellite is the same class (the name Skyfield users look for):
``vantage.Satellite.from_tle(line1, line2)`` plays the part of Skyfield's ``EarthSatellite(line1, line2)``;
pass the object (or a list) to propagate() and topocentric().)";
}

std::string element_set_from_tle_doc()
{
    return R"doc(Builds an ElementSet from the two lines of a TLE (as Skyfield's EarthSatellite(line1, line2, name)).

Parsed by the same reader as read_tle, with every column checked.

Args:
    line1: TLE line 1 (69 columns; trailing whitespace or CR allowed).
    line2: TLE line 2.
    name: optional object name (a leading "0 " of a 3-line name line is removed); default "".
    verify_checksum: check the modulo-10 checksum in column 69 of both lines (default True).

Returns:
    ElementSet.

Raises:
    vantage.ParseError (also a ValueError): a bad line; .line is 1 or 2, .field names the field and its
    columns (e.g. "eccentricity (cols 27-33)"), .value the offending text, .code the reason
    (syntax, invalid_number, out_of_range, checksum, mismatch, unsupported).

Example:
    >>> import vantage
    >>> iss = vantage.Satellite.from_tle(
    ...     "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927",
    ...     "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537", name="ISS (ZARYA)")
    >>> iss.norad_id, iss.inclination_deg
    (25544, 51.6416))doc";
}

std::string propagate_doc()
{
    return R"(Propagates element sets with SGP4/SDP4 (Vallado 2006) at common times.

Args:
    elements: an ElementSet or a list of them (N).
    times: M times: list of datetimes (tz-aware, or naive = UTC), numpy.datetime64 array (UTC), or ISO strings.
    frame: "teme" (default), "itrf" or "gcrf".
    gravity: "wgs72" (default, what TLEs are fitted with), "wgs72old" or "wgs84".
    opsmode: "i" (improved, default) or "a" (AFSPC).
    eop: an EarthOrientation (from read_eop) for "itrf"/"gcrf"; without it UT1-UTC and polar
        motion are zero (up to ~440 m at the Earth's surface) and a warning is issued.
    threads: worker threads for the batch (SIMD) propagator; 0 = all cores. Default 1.

Returns:
    (states, errors): states is a float64 array of shape (N, M, 6), x, y, z in km and vx, vy, vz in
    km/s in the chosen frame; errors is an int8 array (N, M) of SGP4 error codes (0 = ok, 1-6 as
    Vallado: 6 = decayed). Where errors != 0 all six components of the state are NaN (as python-sgp4's
    SatrecArray and Skyfield give), in every frame.

The GIL is released while propagating.

Example:
    >>> import vantage, numpy as np
    >>> sats = vantage.read_tle("examples/eo-satellites.tle")
    >>> times = np.arange(np.datetime64("2025-10-03T00:00"), np.datetime64("2025-10-03T01:00"), np.timedelta64(60, "s"))
    >>> states, errors = vantage.propagate(sats, times)
    >>> states.shape
    (11, 60, 6))";
}

std::string read_tle_doc()
{
    return R"(Reads 2- or 3-line TLEs from a file or from text.

Args:
    source: TLE text if it is a str holding a line break ("\n" or "\r"; error sources then read
        "<string>"), otherwise a file path (str or os.PathLike).
    strict: if True (default) any rejected record raises vantage.ParseError (a ValueError) naming its
        line and field; if False rejected records are reported with warnings.warn and the valid ones
        returned.

Returns:
    list of ElementSet, in text order.

Raises:
    vantage.MissingFileError (a FileNotFoundError and a vantage.Error; errno ENOENT, filename set) if the
    file does not exist; vantage.FileError (an OSError) if it exists but cannot be read;
    vantage.ParseError for a bad record when strict.

Example:
    >>> sats = vantage.read_tle("examples/eo-satellites.tle")
    >>> same = vantage.read_tle(open("examples/eo-satellites.tle").read())
    >>> import pathlib; sats = vantage.read_tle(pathlib.Path("examples") / "eo-satellites.tle"))";
}

std::string read_omm_doc()
{
    return R"(Reads a CCSDS OMM file (KVN, XML, CelesTrak JSON or CSV, detected by content).

Args:
    path: file path.
    strict: as for read_tle.

Returns:
    list of ElementSet.)";
}

std::string read_elements_doc()
{
    return R"(Reads TLE or OMM, detected by content. Args and returns as read_tle.)";
}

std::string read_eop_doc()
{
    return R"(Reads Earth orientation parameters: CelesTrak EOP-All.csv or IERS finals2000A.

Returns:
    EarthOrientation, to pass as ``eop=`` to propagate / convert_states.)";
}

std::string earth_orientation_doc()
{
    return R"(Immutable Earth orientation data (UT1-UTC, LOD, polar motion, nutation corrections).

``at(time)`` returns a dict with ut1_minus_utc_s, lod_s, xp_rad, yp_rad, dx_rad, dy_rad, dpsi_rad,
deps_rad, in_range, predicted. Outside the table every value is 0 and in_range is False.)";
}

std::string convert_states_doc()
{
    return R"(Converts states between frames.

Args:
    states: float array (..., 6) of x, y, z (km), vx, vy, vz (km/s).
    times: times matching the leading shape's last-but-one axis, or one time per state.
    from_frame, to_frame: "teme", "itrf" or "gcrf".
    eop: EarthOrientation (optional).

Returns:
    float array of the same shape.)";
}

std::string itrf_to_geodetic_doc()
{
    return R"(WGS-84 geodetic coordinates of ITRF positions (GeographicLib).

Args:
    r_km: float array (..., 3) or (..., 6) (velocity columns ignored), km.

Returns:
    float array (..., 3): lat_deg, lon_deg, alt_km. A position with a NaN component (a state
    propagate() could not compute) gives NaN in all three.)";
}

std::string format_tle_doc()
{
    return R"(Formats an ElementSet as two 69-column TLE lines with checksums.

Returns:
    (line1, line2).)";
}

std::string ground_station_doc()
{
    return R"(A ground station on the WGS-84 ellipsoid.

Args:
    name: unique name.
    lat_deg: geodetic latitude (degrees, [-90, 90]); lon_deg: longitude (degrees).
    alt_m: height above the ellipsoid (m). min_elevation_deg: elevation mask (degrees, default 5).
    downlink_mbit_s: downlink rate (Mbit/s); antennas: number of antennas (default 1).)";
}

std::string read_stations_doc()
{
    return R"(Reads a ground-station CSV by header name (name, lat_deg, lon_deg, alt_m required;
min_elevation_deg, downlink_mbit_s, antennas optional). strict as for read_tle.

Returns:
    list of GroundStation.)";
}

std::string eclipses_doc()
{
    return R"(Earth-shadow intervals (as `vantage eclipses`): penumbra and umbra entry and exit, edges to 1 ms.

Args:
    elements: ElementSet or list of them.
    start, stop: analysis interval (datetimes: tz-aware, or naive = UTC; datetime64 or ISO strings, UTC).
    model: "conical" (umbra and penumbra of a spherical Sun and Earth, R = 6378.137 km) or "cylindrical"
        (umbra only, the Sun at infinity).
    eop: EarthOrientation (optional; the shadow does not depend on it). step_s: sampling step (s).

Returns:
    list of dicts: norad_id, satellite, penumbra_start_utc, umbra_start_utc (None on a penumbral pass),
    umbra_end_utc, penumbra_end_utc (datetimes, UTC), duration_s, partial (cut by the interval).

Example:
    >>> sats = vantage.read_tle("examples/eo-satellites.tle")
    >>> vantage.eclipses(sats[0], "2025-10-03T00:00:00Z", "2025-10-03T03:00:00Z")[1]["umbra_start_utc"]
)";
}

std::string links_doc()
{
    return R"(Visibility windows between satellites and geostationary relays, or between satellites (as `vantage links`):
the line of sight clear of the WGS-84 ellipsoid inflated by grazing_height_km and both terminals' pointing limits,
certified like target access (no window of 1 s or more missed), edges to 1 ms.

Args:
    elements: ElementSet or list of them.
    start, stop: analysis interval (datetimes: tz-aware, or naive = UTC; datetime64 or ISO strings, UTC).
    geo: {name: longitude_deg} of ideal geostationary relays (e.g. {"EDRS-A": 9.0, "EDRS-C": 31.0}); every satellite
        is paired with every relay.
    between_satellites: also every pair of the satellites.
    grazing_height_km: clearance of the line of sight above the ellipsoid (km).
    min_elevation_deg: the satellites' terminal: the other end's elevation above the local horizontal (-90: no limit).
    max_off_nadir_deg: the relays' terminal: the satellite's angle from the relay's nadir.
    eop: EarthOrientation (optional).

Returns:
    list of dicts: first, first_norad_id, second, second_norad_id (None for a relay), start_utc, end_utc
    (datetimes, UTC), duration_s, min_range_km, max_range_km (over the samples), partial (cut by the interval).

Example:
    >>> sats = vantage.read_tle("examples/eo-satellites.tle")
    >>> vantage.links(sats[:2], "2025-10-03T00:00:00Z", "2025-10-03T06:00:00Z", geo={"EDRS-A": 9.0})[0]["second"]
    'EDRS-A'
)";
}

std::string passes_doc()
{
    return R"(Ground-station passes (elevation above the station's mask), edges refined to 1 ms.

Args:
    elements: ElementSet or list of them.
    stations: list of GroundStation.
    start, stop: analysis interval (datetimes: tz-aware, or naive = UTC; datetime64 or ISO strings, UTC).
    min_elevation_deg: overrides every station's mask (degrees).
    eop: EarthOrientation (optional). threads: 0 = all cores.
    compute_attributes: False searches the edges only (faster): tca_utc is then aos_utc and
        max_elevation_deg 0 (aos_utc, los_utc, duration_s and partial are exact as always).

Returns:
    list of dicts: norad_id, station, aos_utc, tca_utc, los_utc (datetimes, UTC),
    max_elevation_deg, duration_s, partial (cut by the interval) -- as `vantage passes` CSV.

Example:
    >>> sats = vantage.read_tle("examples/eo-satellites.tle")
    >>> kiruna = vantage.GroundStation("Kiruna", 67.857, 20.964, 400.0, min_elevation_deg=5.0)
    >>> p = vantage.passes(sats, [kiruna], "2025-10-03T00:00:00Z", "2025-10-04T00:00:00Z"))";
}

std::string access_doc()
{
    return R"(Imaging opportunities of a scenario file (YAML: satellites with sensors, targets, interval).

Args:
    scenario: path of the scenario YAML (docs/formats.md).
    compute_attributes: False searches the window edges only (faster; e.g. for coverage statistics):
        best_utc is then start_utc, the angles 0, look_side "right", pass_direction "ascending" and mode
        None -- except for sensors with a pass_direction filter, whose best_utc and pass_direction stay
        exact (the filter needs them).

Returns:
    list of dicts: norad_id, satellite, target, start_utc, end_utc, best_utc, off_nadir_deg_at_best (deg),
    incidence_deg_at_best (deg), sun_elevation_deg_at_best (deg), look_side, pass_direction, partial --
    as `vantage access` CSV -- and mode: for a sensor with modes, the name of the first mode that holds
    at best_utc (None otherwise).)";
}

std::string coverage_doc()
{
    return R"(Coverage of a scenario's satellites over a grid (the computation of `vantage coverage`).

Use ``vantage.coverage(scenario)``, which wraps this into a ``CoverageResult`` dataclass.

Args:
    scenario: coverage scenario YAML (interval, sensors, satellites, aoi:, coverage:; docs/formats.md).
    aoi: GeoJSON file replacing the scenario's areas (optional).
    grid_km: grid spacing d (km, [1, 20000]; optional, default the scenario's or 100).
    min_accesses: the k of "percent of area covered at least k times" (optional).
    threads: worker threads (0 = all cores; default the scenario's search.threads).

Returns:
    dict: start_utc, stop_utc (datetimes), grid_km, points (list of dicts with the points.csv columns: lat_deg,
    lon_deg, weight (cell area, km^2), accesses, satellite_passes, first_access_utc (datetime or None),
    max_gap_h, mean_gap_h, p95_gap_h, mean_response_h (a lower bound), time_in_view_fraction), members
    (region name -> point indices), summary_json (summary.json text).

The GIL is released while computing.)";
}

std::string walker_doc()
{
    return R"(Walker constellation i:T/P/F as SGP4 element sets (docs/coverage.md § Constellation design).

Args:
    total: T satellites. planes: P (divides T). phasing: F in [0, P-1].
    altitude_km: SGP4 mean altitude (Brouwer mean semi-major axis - 6378.135 km).
    inclination_deg: degrees. epoch: element-set epoch (datetime / datetime64 / ISO string, UTC).
    pattern: "delta" (planes over 360 deg) or "star" (over 180 deg). raan_spread_deg: override of that span.
    raan0_deg, arg_latitude0_deg: RAAN of plane 0 and argument of latitude of its first satellite (deg).
    first_norad_id, name_prefix: catalog numbers and names (<prefix>-P01-S01 ...).

Returns:
    list of ElementSet (circular, no drag, values at TLE precision), plane by plane.

Example:
    >>> sats = vantage.walker(24, 3, 1, 550.0, 53.0, "2025-10-03T00:00:00Z")
    >>> vantage.write_elements(sats, "walker.tle"))";
}

std::string sun_synchronous_doc()
{
    return R"(Sun-synchronous planes from altitude and mean local time of a node.

Args:
    altitude_km: SGP4 mean altitude (km). local_times_h: mean local solar time of the node of each plane (h).
    epoch: element-set epoch (UTC). node: "ascending" or "descending" (what the local times refer to).
    sats_per_plane: satellites per plane, evenly spaced. phasing: shift between planes (j*F*360/T deg).

Returns:
    list of ElementSet; the inclination makes SGP4's secular nodal rate equal the mean Sun's 0.98564736629 deg/day.)";
}

std::string sso_inclination_doc()
{
    return R"(Inclination (deg, rounded to 1e-4) of a circular sun-synchronous orbit at an SGP4 mean altitude (km).)";
}

std::string write_elements_doc()
{
    return R"(Writes element sets as TLE (3-line), CCSDS OMM KVN, OMM XML or OMM JSON.

Args:
    elements: list of ElementSet. path: output file.
    format: "tle", "omm-kvn", "omm-xml" or "omm-json"; default from the extension (.tle, .kvn/.omm, .xml, .json).)";
}

std::string plan_doc()
{
    return R"(Plans a tasking scenario file (YAML, docs/formats.md Tasking scenario) as `vantage plan` does.

Use `vantage.plan`, which wraps this in a `vantage.Plan` dataclass.

Args:
    scenario: path of the scenario. seed, iterations: ALNS seed and iteration budget (default: the
    scenario's `planning:`). time_limit_s: wall-clock cap on the search (s).

Returns:
    (plan_json, requests): the text of `vantage plan`'s plan.json and (request_id, tenant, priority)
    for every request of the scenario.)";
}

} // namespace vantage::python
