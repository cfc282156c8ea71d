#pragma once
/// @file
/// GeoJSON (RFC 7946) areas of interest: Polygon and MultiPolygon geometries, bare or in a Feature or a
/// FeatureCollection, become `geometry::Polygon` values (docs/formats.md § Areas of interest).
///
/// Errors are `ParseError` (JSON syntax: the line and column of the problem) or `ConfigError` (valid JSON that is
/// not an accepted area) whose context names the source and the JSON path of the offending element, e.g.
/// `features[2].geometry.coordinates[0][3]`: syntax (wrong JSON type, an unclosed ring), unsupported (a geometry
/// type other than Polygon/MultiPolygon, a ring around a pole), out_of_range (a coordinate), missing_field.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "vantage/geometry/polygon.hpp"

namespace vantage::io {

/// One area: its name and its polygon.
struct AreaOfInterest {
    std::string name;          ///< the feature's `properties.name`, else its `id`, else "aoi-<index>"
    geometry::Polygon polygon; ///< validated (geometry::validate_polygon)
};

/// Reads a GeoJSON file (FeatureCollection, Feature, Polygon or MultiPolygon).
/// @throws ParseError(file_not_found) when the file cannot be read; otherwise as `parse_geojson_text`.
std::vector<AreaOfInterest> read_geojson_file(const std::filesystem::path &path);

/// Parses GeoJSON text; `source_name` appears in every error context. At least one area is required.
std::vector<AreaOfInterest> parse_geojson_text(std::string_view text, const std::string &source_name);

/// The GeoJSON geometry object of a polygon (`{"type":"Polygon"|"MultiPolygon","coordinates":...}`), rings closed
/// as RFC 7946 requires; parse(write(p)) == p.
std::string polygon_to_geojson(const geometry::Polygon &polygon);

} // namespace vantage::io
