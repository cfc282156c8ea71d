#pragma once
/// @file
/// Access scenario YAML reader (docs/formats.md § Scenario YAML). The file becomes a plain `io::Scenario`
/// of domain values (satellites with their sensors, ground stations, targets, interval, Earth orientation)
/// that `access::find_target_access` / `find_station_passes` consume.
///
/// ```yaml
/// start_utc: 2025-10-03T00:00:00Z
/// stop_utc: 2025-10-04T00:00:00Z       # or duration_h: 24
/// eop_file: eop.csv                    # optional; paths are relative to this file
/// search: {min_window_s: 1, edge_tolerance_s: 0.001}   # optional
/// sensors:
///   pleiades-hr: {type: optical, max_off_nadir_deg: 30, min_sun_elevation_deg: 10}
///   s1-iw: {type: sar, incidence_min_deg: 29.1, incidence_max_deg: 46.0, look_side: right}
/// satellites:
///   - {tle_file: eo-satellites.tle, norad_ids: [38012, 39019], sensor: pleiades-hr}
///   - {omm_file: s1.json, sensor: s1-iw}
/// ground_stations: {file: ground-stations.csv, select: [Svalbard, Troll]}   # or a list of inline entries
/// targets:
///   - {id: paris, lat_deg: 48.8566, lon_deg: 2.3522, alt_m: 35}
/// ```
///
/// Errors are `ConfigError` (or `ParseError(syntax)` for YAML that does not parse) whose context names the
/// scenario file, the 1-based line and the key path (e.g. `satellites[2].sensor`, `sensors.s1-iw.look_side`,
/// `targets[0].lat_deg`) and the offending value: unknown_key, missing_field, invalid_number, out_of_range,
/// invalid_time, duplicate, syntax (wrong YAML node kind), file_not_found (a referenced file, context = the
/// scenario key that names it). Problems *inside* referenced TLE/OMM/station files that reject single records
/// are collected in `Scenario::diagnostics` (nothing is dropped silently); a selected NORAD id or station that
/// is missing or was rejected is a ConfigError.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "vantage/access/access.hpp"
#include "vantage/core/error.hpp"
#include "vantage/frames/earth_orientation.hpp"
#include "vantage/geometry/sensor.hpp"
#include "vantage/geometry/site.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::io {

/// Everything an access run needs, as domain values.
struct Scenario {
    std::string source;                               ///< scenario file path (or source name)
    time::Instant start;                              ///< analysis start (UTC at the edge)
    time::Instant stop;                               ///< analysis stop (> start)
    std::vector<geometry::Sensor> sensors;            ///< the `sensors:` entries, in file order
    std::vector<access::Satellite> satellites;        ///< in file order; within an entry, `norad_ids` order (or file order)
    std::vector<std::size_t> satellite_entries;       ///< for each satellite, the index of its `satellites:` entry
    std::vector<geometry::GroundStation> stations;    ///< in `select` order (or file order), then inline entries
    std::vector<geometry::Target> targets;            ///< in file order
    frames::EarthOrientation eop;                     ///< from `eop_file`, empty when absent
    access::SearchOptions search;                     ///< from `search:` (defaults otherwise)
    orbits::Sgp4Options sgp4;                         ///< from `sgp4:` (gravity, opsmode; WGS-72 and 'i' otherwise)
    std::vector<Diagnostic> diagnostics;              ///< rejected records and warnings of the referenced files
};

/// Reads a scenario file; relative paths inside are resolved against its directory.
/// @throws ParseError(file_not_found) when the scenario itself cannot be read; otherwise as `parse_scenario_text`.
Scenario read_scenario_file(const std::filesystem::path &path);

/// Parses scenario YAML already in memory.
/// @param text YAML text
/// @param source_name name used in every error context (the file path)
/// @param base_dir directory against which relative file paths in the scenario are resolved
Scenario parse_scenario_text(std::string_view text, const std::string &source_name, const std::filesystem::path &base_dir);

} // namespace vantage::io
