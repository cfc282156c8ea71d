// Coverage scenario reader: the common scenario sections (parse_scenario_node) plus `aoi:` and `coverage:`.

#include "vantage/io/coverage_scenario.hpp"

#include <cmath>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "geojson_detail.hpp"
#include "json_util.hpp"
#include "scenario_node.hpp"
#include "text_util.hpp"
#include "yaml_reader.hpp"

namespace vantage::io {

namespace {

namespace fs = std::filesystem;
using detail::indexed;
using detail::Reader;

/// One aoi item: a GeoJSON file path (scalar) or an inline GeoJSON object (mapping).
void read_aoi_item(const Reader &r, const YAML::Node &n, const std::string &path, std::vector<AreaOfInterest> &out,
                   std::vector<ErrorContext> &origins)
{
    const ErrorContext origin{r.source(), Reader::line_of(n), path, ""};
    if (n.IsScalar()) {
        const fs::path file = r.file(n, path);
        const auto areas = read_geojson_file(file); // errors name the GeoJSON file and the JSON path
        out.insert(out.end(), areas.begin(), areas.end());
        origins.insert(origins.end(), areas.size(), origin);
    } else if (n.IsMap()) {
        const detail::JsonWhere where{r.source(), Reader::line_of(n), path};
        const auto areas = detail::areas_from_geojson(detail::yaml_to_json(n, where), where);
        out.insert(out.end(), areas.begin(), areas.end());
        origins.insert(origins.end(), areas.size(), origin);
    } else {
        r.fail(ErrorCode::syntax, "expected a GeoJSON file path or an inline GeoJSON object", n, path);
    }
}

} // namespace

std::vector<coverage::Region> regions_from_areas(const std::vector<AreaOfInterest> &areas)
{
    std::vector<coverage::Region> out;
    for (const auto &a : areas) {
        out.push_back(coverage::Region{a.name, coverage::Region::Kind::polygon, -90.0, 90.0, a.polygon});
    }
    return out;
}

CoverageScenario parse_coverage_scenario_text(std::string_view text, const std::string &source_name,
                                              const std::filesystem::path &base_dir)
{
    const Reader r(source_name, base_dir.empty() ? fs::path(".") : base_dir);
    const YAML::Node root = detail::load_yaml(text, source_name);
    CoverageScenario cs;
    cs.scenario = detail::parse_scenario_node(r, root);

    std::vector<AreaOfInterest> areas;
    const YAML::Node aoi = root["aoi"];
    if (aoi.IsDefined() && !aoi.IsNull()) {
        if (aoi.IsSequence()) {
            if (aoi.size() == 0) {
                r.fail(ErrorCode::missing_field, "an empty list of areas", aoi, "aoi");
            }
            for (std::size_t i = 0; i < aoi.size(); ++i) {
                read_aoi_item(r, aoi[i], indexed("aoi", i), areas, cs.region_origins);
            }
        } else {
            read_aoi_item(r, aoi, "aoi", areas, cs.region_origins);
        }
    }
    std::optional<double> lat_min;
    std::optional<double> lat_max;
    YAML::Node band_node;
    int grid_line = 0;
    if (const YAML::Node c = root["coverage"]; c.IsDefined() && !c.IsNull()) {
        r.check_map(c, "coverage", {"grid_km", "lat_min_deg", "lat_max_deg", "min_accesses"});
        grid_line = Reader::line_of(c);
        if (c["grid_km"].IsDefined()) {
            grid_line = Reader::line_of(c["grid_km"]);
            cs.grid_km = r.number_in(c["grid_km"], "coverage.grid_km", 1.0, 20000.0);
        }
        if (c["lat_min_deg"].IsDefined()) {
            lat_min = r.number_in(c["lat_min_deg"], "coverage.lat_min_deg", -90.0, 90.0);
            band_node = c["lat_min_deg"];
        }
        if (c["lat_max_deg"].IsDefined()) {
            lat_max = r.number_in(c["lat_max_deg"], "coverage.lat_max_deg", -90.0, 90.0);
            band_node = c["lat_max_deg"];
        }
        if (lat_min.has_value() != lat_max.has_value()) {
            r.fail(ErrorCode::missing_field, "a latitude band needs both lat_min_deg and lat_max_deg", band_node,
                   lat_min ? "coverage.lat_max_deg" : "coverage.lat_min_deg");
        }
        if (lat_min && !(*lat_min < *lat_max)) {
            r.fail(ErrorCode::out_of_range, "lat_min_deg must be below lat_max_deg", c["lat_max_deg"], "coverage.lat_max_deg");
        }
        if (const YAML::Node k = c["min_accesses"]; k.IsDefined()) {
            const double v = r.number_in(k, "coverage.min_accesses", 1.0, 1e6);
            if (v != std::floor(v)) {
                r.fail(ErrorCode::invalid_number, "must be a whole number", k, "coverage.min_accesses");
            }
            cs.min_accesses = static_cast<int>(v);
        }
    }
    if (lat_min && !areas.empty()) {
        r.fail(ErrorCode::syntax, "give an aoi or a latitude band, not both", band_node, "coverage.lat_min_deg");
    }
    if (lat_min) {
        cs.regions.push_back(coverage::Region{fmt::format("latitudes {} to {}", *lat_min, *lat_max),
                                              coverage::Region::Kind::latitude_band, *lat_min, *lat_max, {}});
        cs.region_origins = {ErrorContext{source_name, Reader::line_of(band_node), "coverage.lat_min_deg", ""}};
    } else {
        cs.regions = regions_from_areas(areas);
    }
    cs.grid_origin = ErrorContext{source_name, grid_line, "coverage.grid_km", ""};
    return cs;
}

void set_regions_from_geojson_file(CoverageScenario &study, const std::filesystem::path &path)
{
    const auto areas = read_geojson_file(path);
    study.regions = regions_from_areas(areas);
    study.region_origins.clear();
    for (std::size_t i = 0; i < areas.size(); ++i) {
        study.region_origins.push_back(ErrorContext{path.string(), 0, fmt::format("features[{}]", i), ""});
    }
}

coverage::GridSelection select_coverage_grid(const CoverageScenario &study)
{
    try {
        return coverage::select_grid(study.grid_km, study.regions);
    } catch (const ConfigError &e) {
        ErrorContext at = study.grid_origin;
        if (e.context().field != "grid_km") {
            // A region's problem: find it by name and report where it was defined.
            for (std::size_t i = 0; i < study.regions.size() && i < study.region_origins.size(); ++i) {
                if (study.regions[i].name == e.context().value || e.context().field == "lat_min_deg") {
                    at = study.region_origins[i];
                    break;
                }
            }
        }
        at.value = e.context().value;
        throw ConfigError(e.code(), e.message(), at);
    }
}

CoverageScenario read_coverage_scenario_file(const std::filesystem::path &path)
{
    const std::string text = detail::read_text_file(path);
    return parse_coverage_scenario_text(text, path.string(), path.parent_path());
}

} // namespace vantage::io
