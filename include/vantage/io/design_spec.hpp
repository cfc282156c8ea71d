#pragma once
/// @file
/// Constellation design files (docs/formats.md § Constellation design file): a custom list of groups (Walker
/// patterns, sun-synchronous planes, single circular orbits) sharing one epoch, made into element sets by
/// `orbits::walker_constellation` / `sun_synchronous_constellation` / `circular_orbits`.
///
/// ```yaml
/// epoch_utc: 2025-10-03T00:00:00Z
/// first_norad_id: 80000          # optional (default 80000); the groups are numbered one after another
/// name: DEMO                     # optional name prefix (default VANTAGE); group g is named <name>-G<g>-...
/// groups:
///   - walker: {pattern: delta, total: 24, planes: 3, phasing: 1, altitude_km: 550, inclination_deg: 53}
///   - sso: {altitude_km: 700, local_times_h: [10.5, 22.5], node: descending, sats_per_plane: 2}
///   - orbits: [{altitude_km: 600, inclination_deg: 45, raan_deg: 10, arg_latitude_deg: 0}]
/// ```
/// Walker keys: pattern (delta|star, default delta), total, planes, phasing (default 0), altitude_km,
/// inclination_deg, raan_spread_deg, raan0_deg, arg_latitude0_deg. SSO keys: altitude_km, local_times_h (a number
/// or a list), node (ascending|descending, default ascending), sats_per_plane (default 1), phasing,
/// arg_latitude0_deg. Errors are ConfigError naming the file, line and key path (`groups[0].walker.planes`).

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "vantage/orbits/constellation.hpp"
#include "vantage/orbits/element_set.hpp"

namespace vantage::io {

/// Reads a design file and returns its element sets (groups in order).
/// @throws ParseError(file_not_found) when the file cannot be read; ConfigError as described above.
std::vector<orbits::ElementSet> read_design_file(const std::filesystem::path &path);

/// As `read_design_file` on YAML text in memory.
std::vector<orbits::ElementSet> parse_design_text(std::string_view text, const std::string &source_name);

} // namespace vantage::io
