#include "vantage/io/geojson.hpp"

#include <fmt/format.h>

#include "geojson_detail.hpp"
#include "json_util.hpp"
#include "text_util.hpp"

namespace vantage::io {

namespace {

using detail::JsonWhere;

AreaOfInterest area_from_feature(const nlohmann::json &f, const JsonWhere &at, std::size_t index)
{
    if (!f.is_object()) {
        at.fail(ErrorCode::syntax, "expected a Feature object", detail::json_excerpt(f));
    }
    if (!f.contains("geometry") || f["geometry"].is_null()) {
        at.child("geometry").fail(ErrorCode::missing_field, "a Feature needs a geometry");
    }
    AreaOfInterest a;
    a.polygon = detail::polygon_from_geojson(f["geometry"], at.child("geometry"));
    if (f.contains("properties") && f["properties"].is_object() && f["properties"].contains("name")
        && f["properties"]["name"].is_string()) {
        a.name = f["properties"]["name"].get<std::string>();
    } else if (f.contains("id") && (f["id"].is_string() || f["id"].is_number())) {
        a.name = f["id"].is_string() ? f["id"].get<std::string>() : f["id"].dump();
    } else {
        a.name = fmt::format("aoi-{}", index);
    }
    return a;
}

} // namespace

namespace detail {

std::vector<AreaOfInterest> areas_from_geojson(const nlohmann::json &doc, const JsonWhere &root)
{
    if (!doc.is_object() || !doc.contains("type") || !doc["type"].is_string()) {
        root.child("type").fail(ErrorCode::missing_field, "a GeoJSON object needs a string 'type'");
    }
    const std::string type = doc["type"].get<std::string>();
    std::vector<AreaOfInterest> out;
    if (type == "FeatureCollection") {
        if (!doc.contains("features") || !doc["features"].is_array()) {
            root.child("features").fail(ErrorCode::missing_field, "a FeatureCollection needs a 'features' array");
        }
        const nlohmann::json &fs = doc["features"];
        for (std::size_t i = 0; i < fs.size(); ++i) {
            out.push_back(area_from_feature(fs[i], root.child("features").index(i), i));
        }
    } else if (type == "Feature") {
        out.push_back(area_from_feature(doc, root, 0));
    } else {
        out.push_back(AreaOfInterest{"aoi-0", detail::polygon_from_geojson(doc, root)});
    }
    if (out.empty()) {
        root.child("features").fail(ErrorCode::missing_field, "no area in the file");
    }
    return out;
}

} // namespace detail

std::vector<AreaOfInterest> parse_geojson_text(std::string_view text, const std::string &source_name)
{
    return detail::areas_from_geojson(detail::parse_json(text, source_name), JsonWhere{source_name, 0, ""});
}

std::vector<AreaOfInterest> read_geojson_file(const std::filesystem::path &path)
{
    return parse_geojson_text(detail::read_text_file(path), path.string());
}

std::string polygon_to_geojson(const geometry::Polygon &polygon)
{
    return detail::polygon_to_json(polygon).dump();
}

} // namespace vantage::io
