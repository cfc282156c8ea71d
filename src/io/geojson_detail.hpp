#pragma once
// GeoJSON areas from an already parsed JSON value (private header): the GeoJSON file reader and the scenario's
// inline `aoi:` geometry (a YAML subtree converted with yaml_to_json) share one reader.

#include <vector>

#include <nlohmann/json.hpp>

#include "json_util.hpp"
#include "vantage/io/geojson.hpp"

namespace vantage::io::detail {

/// A GeoJSON FeatureCollection, Feature, Polygon or MultiPolygon value -> its areas (at least one); errors name
/// `at.source`, `at.line` and the JSON path under `at.path`.
std::vector<AreaOfInterest> areas_from_geojson(const nlohmann::json &doc, const JsonWhere &at);

} // namespace vantage::io::detail
