// Coverage result writers: points.csv, summary.json, coverage.geojson (docs/formats.md § Coverage outputs).

#include "vantage/io/coverage_output.hpp"

#include <ostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "geometry_names.hpp"

namespace vantage::io {

namespace {

using ojson = nlohmann::ordered_json;
constexpr double s_per_h = 3600.0;

std::string first_access_text(const coverage::PointFigures &f, const time::Instant &start)
{
    return f.first_access_s ? (start + time::Duration::from_seconds(*f.first_access_s)).to_iso8601_utc(6) : std::string();
}

const char *kind_name(coverage::Region::Kind k)
{
    switch (k) {
    case coverage::Region::Kind::global:
        return "global";
    case coverage::Region::Kind::latitude_band:
        return "latitude_band";
    case coverage::Region::Kind::polygon:
        return "polygon";
    }
    return "global";
}

ojson stats(const coverage::WeightedStats &s)
{
    return ojson{{"area_weighted_mean", s.mean}, {"min", s.min}, {"max", s.max}};
}

ojson region_json(const coverage::RegionSummary &r)
{
    ojson j;
    j["name"] = r.name;
    j["kind"] = kind_name(r.kind);
    j["points"] = r.points;
    j["grid_area_km2"] = r.grid_area_km2;
    if (r.kind == coverage::Region::Kind::polygon) {
        j["polygon_area_km2"] = r.polygon_area_km2;
    }
    j["percent_area_covered"] = r.percent_area_covered;
    j["min_accesses_k"] = r.k;
    j["percent_area_covered_at_least_k"] = r.percent_area_covered_at_least_k;
    j["accesses"] = stats(r.accesses);
    j["satellite_passes"] = stats(r.satellite_passes);
    j["max_gap_h"] = stats(r.max_gap_h);
    j["mean_gap_h"] = stats(r.mean_gap_h);
    j["p95_gap_h"] = stats(r.p95_gap_h);
    j["mean_response_h"] = stats(r.mean_response_h);
    j["time_in_view_fraction"] = stats(r.time_in_view_fraction);
    j["time_to_first_access_h"] = stats(r.time_to_first_access_h);
    return j;
}

ojson sensor_json(const geometry::Sensor &s)
{
    ojson j;
    j["name"] = s.name;
    j["type"] = s.type == geometry::SensorType::optical ? "optical" : "sar";
    auto opt = [&](const char *key, const std::optional<double> &v) {
        if (v) {
            j[key] = *v;
        }
    };
    opt("max_off_nadir_deg", s.max_off_nadir_deg);
    opt("swath_km", s.swath_km);
    opt("min_sun_elevation_deg", s.min_sun_elevation_deg);
    opt("incidence_min_deg", s.incidence_min_deg);
    opt("incidence_max_deg", s.incidence_max_deg);
    opt("max_squint_deg", s.max_squint_deg);
    j["look_side"] = detail::look_side_name(s.look_side);
    j["pass_direction"] = detail::pass_name(s.pass_direction);
    return j;
}

} // namespace

void write_coverage_points_csv(std::ostream &out, const coverage::GridSelection &sel,
                               std::span<const coverage::PointFigures> figures, const time::Instant &start,
                               const time::Instant &stop)
{
    const double duration_s = (stop - start).seconds();
    out << coverage_points_header << '\n';
    std::string line;
    for (std::size_t i = 0; i < sel.points.size(); ++i) {
        const auto &p = sel.points[i];
        const auto &f = figures[i];
        line.clear();
        fmt::format_to(std::back_inserter(line), "{},{},{},{},{},{},{},{},{},{},{}\n", p.lat_deg, p.lon_deg, p.weight_km2,
                       f.accesses, f.satellite_passes, first_access_text(f, start), f.max_gap_s / s_per_h,
                       f.mean_gap_s / s_per_h, f.p95_gap_s / s_per_h, f.mean_response_s / s_per_h,
                       f.time_in_view_s / duration_s);
        out << line;
    }
}

std::string region_summary_json(const coverage::RegionSummary &region)
{
    return region_json(region).dump();
}

std::string coverage_summary_json(const CoverageRunInfo &info, const coverage::GridSelection &sel,
                                  std::span<const coverage::RegionSummary> regions)
{
    ojson j;
    j["scenario"] = info.scenario;
    j["start_utc"] = info.start.to_iso8601_utc(6);
    j["stop_utc"] = info.stop.to_iso8601_utc(6);
    j["duration_h"] = (info.stop - info.start).seconds() / s_per_h;
    j["satellites"] = info.satellites;
    j["sensors"] = ojson::array();
    for (const auto &s : info.sensors) {
        j["sensors"].push_back(sensor_json(s));
    }
    j["search"] = ojson{{"min_window_s", info.search.min_window_s}, {"edge_tolerance_s", info.search.edge_tolerance_s}};
    j["grid"] = ojson{{"spacing_km", sel.layout.spacing_km},
                      {"rings", sel.layout.rings},
                      {"ring_step_km", sel.layout.ring_step_km},
                      {"points", sel.points.size()},
                      {"definition", "WGS-84 rings of equal meridian length, round(parallel length / spacing) points "
                                     "each, weight = exact cell area (docs/coverage.md)"}};
    j["notes"] = ojson{
        {"union", "figures are computed on the union of all satellites' windows"},
        {"mean_response_h", "lower bound: after the last access the wait is counted to the interval end"},
        {"time_to_first_access_h", "a point never seen counts the whole interval (a lower bound)"},
        {"p95_gap_h", "95th percentile by count, nearest rank"}};
    j["regions"] = ojson::array();
    for (const auto &r : regions) {
        j["regions"].push_back(region_json(r));
    }
    return j.dump(2) + "\n";
}

void write_coverage_geojson(std::ostream &out, const coverage::GridSelection &sel,
                            std::span<const coverage::PointFigures> figures, const time::Instant &start,
                            const time::Instant &stop)
{
    const double duration_s = (stop - start).seconds();
    out << fmt::format("{{\"type\":\"FeatureCollection\",\"vantage\":{{\"start_utc\":\"{}\",\"stop_utc\":\"{}\","
                       "\"grid_km\":{},\"points\":{}}},\"features\":[",
                       start.to_iso8601_utc(6), stop.to_iso8601_utc(6), sel.layout.spacing_km, sel.points.size());
    std::string f_text;
    for (std::size_t i = 0; i < sel.points.size(); ++i) {
        const auto &p = sel.points[i];
        const auto &f = figures[i];
        const geometry::LatLonBox b = coverage::cell_bounds(sel.layout, p);
        const std::string first = first_access_text(f, start);
        f_text.clear();
        fmt::format_to(std::back_inserter(f_text),
                       "{}\n{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[[{},{}],[{},{}],[{},{}],"
                       "[{},{}],[{},{}]]]}},\"properties\":{{\"lat_deg\":{},\"lon_deg\":{},\"weight_km2\":{},\"accesses\":{},"
                       "\"satellite_passes\":{},\"first_access_utc\":{},\"max_gap_h\":{},\"mean_gap_h\":{},\"p95_gap_h\":{},"
                       "\"mean_response_h\":{},\"time_in_view_fraction\":{}}}}}",
                       i == 0 ? "" : ",", b.lon_min_deg, b.lat_min_deg, b.lon_max_deg, b.lat_min_deg, b.lon_max_deg,
                       b.lat_max_deg, b.lon_min_deg, b.lat_max_deg, b.lon_min_deg, b.lat_min_deg, p.lat_deg, p.lon_deg,
                       p.weight_km2, f.accesses, f.satellite_passes, first.empty() ? "null" : "\"" + first + "\"",
                       f.max_gap_s / s_per_h, f.mean_gap_s / s_per_h, f.p95_gap_s / s_per_h, f.mean_response_s / s_per_h,
                       f.time_in_view_s / duration_s);
        out << f_text;
    }
    out << "\n]}\n";
}

} // namespace vantage::io
