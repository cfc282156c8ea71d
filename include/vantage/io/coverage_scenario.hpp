#pragma once
/// @file
/// Coverage scenario YAML (docs/formats.md § Coverage scenario): an access scenario (the common sections of
/// `scenario.hpp`: interval, EOP, search, sensors, satellites) plus the areas to analyse and the grid.
///
/// ```yaml
/// aoi: europe.geojson                 # a GeoJSON file (relative to this file), or inline GeoJSON
/// # aoi: {type: Polygon, coordinates: [[[-10, 35], [30, 35], [30, 60], [-10, 60], [-10, 35]]]}
/// # aoi: [europe.geojson, {type: Feature, properties: {name: alps}, geometry: {...}}]
/// coverage:
///   grid_km: 100                      # grid spacing d (km, [1, 20000]; default 100)
///   lat_min_deg: -60                  # a latitude band instead of an aoi (both bounds)
///   lat_max_deg: 60
///   min_accesses: 3                   # k of "percent of area covered at least k times" (default 2)
/// ```
/// Without `aoi` and a band the whole globe is analysed. Errors are `ConfigError` naming the scenario file, the
/// line and the key path (`coverage.grid_km`, `aoi`, `aoi[1].geometry.coordinates[0][3]`): unknown_key,
/// invalid_number, out_of_range, syntax (wrong node kind; aoi and a band together; only one band bound),
/// file_not_found (the aoi file), unsupported (a GeoJSON geometry other than Polygon/MultiPolygon). Problems inside
/// an aoi file name that file and the JSON path.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "vantage/coverage/grid.hpp"
#include "vantage/io/geojson.hpp"
#include "vantage/io/scenario.hpp"

namespace vantage::io {

/// A coverage study: the access scenario and what to analyse.
struct CoverageScenario {
    Scenario scenario;                     ///< interval, EOP, search, sensors, satellites (targets are ignored)
    double grid_km = 100.0;                ///< grid spacing d (km)
    std::vector<coverage::Region> regions; ///< the areas (empty = global)
    int min_accesses = 2;                  ///< k (>= 1)
    std::vector<ErrorContext> region_origins; ///< per region: the file, line and key path that defined it
    ErrorContext grid_origin;                 ///< where the spacing was given (coverage.grid_km, or the scenario)
};

/// The grid of the study (`coverage::select_grid`), with errors about a region (an area holding no grid point, an
/// empty band) reported at the file, line and key that defined the region, and a bad spacing at `coverage.grid_km`.
coverage::GridSelection select_coverage_grid(const CoverageScenario &study);

/// Reads a coverage scenario file; relative paths are resolved against its directory.
/// @throws ParseError(file_not_found) when the file cannot be read; otherwise as `parse_coverage_scenario_text`.
CoverageScenario read_coverage_scenario_file(const std::filesystem::path &path);

/// Parses coverage scenario YAML already in memory (`source_name` in every error, `base_dir` for relative paths).
CoverageScenario parse_coverage_scenario_text(std::string_view text, const std::string &source_name,
                                              const std::filesystem::path &base_dir);

/// Regions from GeoJSON areas (one polygon region each, named after the area).
std::vector<coverage::Region> regions_from_areas(const std::vector<AreaOfInterest> &areas);

/// Replaces the study's regions with the areas of a GeoJSON file (`--aoi FILE`); their origin is that file.
void set_regions_from_geojson_file(CoverageScenario &study, const std::filesystem::path &path);

} // namespace vantage::io
