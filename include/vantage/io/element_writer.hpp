#pragma once
/// @file
/// Writing element sets to a file in any supported format (what `vantage design ... --out FILE` does): TLE
/// (3-line: name line + the two 69-column lines), CCSDS OMM KVN (one message per element set, concatenated), OMM
/// XML (one NDM) and CelesTrak OMM JSON. python-sgp4 (`Satrec.twoline2rv`, `sgp4.omm.parse_xml` +
/// `sgp4.omm.initialize`), Skyfield (`EarthSatellite`, `load.tle_file`) and satellite.js (`twoline2satrec`,
/// `json2satrec`) read them.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vantage/orbits/element_set.hpp"

namespace vantage::io {

enum class ElementOutputFormat { tle, omm_kvn, omm_xml, omm_json };

/// "tle", "omm-kvn", "omm-xml", "omm-json" -> format (empty if none).
std::optional<ElementOutputFormat> parse_element_output_format(std::string_view name);

/// Format from a file name: .tle/.txt -> tle, .kvn/.omm -> omm-kvn, .xml -> omm-xml, .json -> omm-json (empty if
/// none of these).
std::optional<ElementOutputFormat> element_format_for_path(const std::filesystem::path &path);

/// The text of the element sets in `format`.
/// @throws Error(invalid_argument) if a value does not fit a TLE field (format_tle).
std::string format_element_sets(const std::vector<orbits::ElementSet> &elements, ElementOutputFormat format);

} // namespace vantage::io
