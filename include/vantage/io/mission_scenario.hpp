#pragma once
/// @file
/// Tasking scenario YAML (docs/formats.md § Tasking scenario): the access scenario (io/scenario.hpp) plus the
/// tasking sections, read into a `scheduling::Mission` of domain values. Also the requests files of
/// `requests_file:` and `vantage replan --add`.
///
/// ```yaml
/// sensors:
///   eu-opt: {type: optical, max_off_nadir_deg: 45, min_sun_elevation_deg: 10, imaging_swath_km: 20,
///            data_rate_mbit_s: 1000, agility: {max_rate_deg_s: 3, max_accel_deg_s2: 1, settle_s: 2}}
/// satellites:
///   - {tle_file: eu.tle, sensor: eu-opt, storage_gbit: 600, max_imaging_s_per_orbit: 600}
/// ground_stations:
///   - {file: ground-stations.csv, select: [Svalbard, Matera], downlink_mbit_s: 465, antennas: 2}
/// tenants:
///   FR: {share: 0.4}
///   DE: {share: 0.3, allowed_stations: [Neustrelitz, Svalbard]}
/// requests: [...]                      # the request keys of docs/formats.md § Requests
/// requests_file: requests.yaml         # more requests (a file whose top level is `requests:` or a list)
/// station_outages: [{station: Matera, start_utc: ..., end_utc: ...}]
/// planning: {seed: 1, iterations: 2000, time_limit_s: 60, time_step_s: 1, freeze_h: 1}
/// ```
///
/// Errors: ConfigError / ParseError with file, line and key path, as the access scenario reader; a request's
/// errors carry the path `requests[i].<key>` (in a requests file, that file's name and line).

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "vantage/mission/request.hpp"
#include "vantage/scheduling/mission.hpp"

namespace vantage::io {

/// Reads a tasking scenario file; relative paths are resolved against its directory.
scheduling::Mission read_mission_file(const std::filesystem::path &path);

/// Parses tasking scenario YAML already in memory.
scheduling::Mission parse_mission_text(std::string_view text, const std::string &source_name,
                                       const std::filesystem::path &base_dir);

/// Reads a requests file: YAML (or JSON) whose top level is `{requests: [...]}` or a bare list of requests.
/// @throws ParseError(file_not_found) / ConfigError with the file, the item's line and `requests[i].<key>`;
///         duplicate ids within the file are ConfigError(duplicate).
std::vector<mission::Request> read_requests_file(const std::filesystem::path &path);

} // namespace vantage::io
