#include "vantage/io/request_json.hpp"

#include <fmt/format.h>

#include "geometry_names.hpp"
#include "json_util.hpp"
#include "request_reader.hpp"

namespace vantage::io {

namespace detail {

namespace {

geometry::LookSide look_side_from(const nlohmann::json &v, const JsonWhere &at)
{
    const std::string s = json_string(v, at);
    if (s == "left") {
        return geometry::LookSide::left;
    }
    if (s == "right") {
        return geometry::LookSide::right;
    }
    if (s == "both") {
        return geometry::LookSide::both;
    }
    at.fail(ErrorCode::out_of_range, "must be one of: left, right, both", s);
}

geometry::PassDirection pass_from(const nlohmann::json &v, const JsonWhere &at)
{
    const std::string s = json_string(v, at);
    if (s == "ascending") {
        return geometry::PassDirection::ascending;
    }
    if (s == "descending") {
        return geometry::PassDirection::descending;
    }
    if (s == "any") {
        return geometry::PassDirection::any;
    }
    at.fail(ErrorCode::out_of_range, "must be one of: ascending, descending, any", s);
}

mission::SensorKind sensor_from(const nlohmann::json &v, const JsonWhere &at)
{
    const std::string s = json_string(v, at);
    if (s == "optical") {
        return mission::SensorKind::optical;
    }
    if (s == "sar") {
        return mission::SensorKind::sar;
    }
    if (s == "any") {
        return mission::SensorKind::any;
    }
    at.fail(ErrorCode::out_of_range, "must be one of: optical, sar, any", s);
}

using detail::look_side_name;
using detail::pass_name;

} // namespace

/// Most positions in a request's AOI (all rings): bounds the work of validating and searching it.
constexpr std::size_t max_request_aoi_positions = 10000;

mission::Request request_from_json(const nlohmann::json &v, const JsonWhere &at, const RequestDefaults &defaults)
{
    check_object(v, at,
                 {"id", "tenant", "priority", "target", "aoi", "window_start_utc", "window_end_utc", "sensor",
                  "max_off_nadir_deg", "incidence_min_deg", "incidence_max_deg", "min_sun_elevation_deg", "look_side",
                  "pass_direction", "duration_s", "repeat", "urgent", "tier", "reward", "instrument_mode", "polarizations", "max_gsd_m",
                  "max_cloud_cover_pct", "min_cloud_probability", "stereo"});
    auto has = [&](const char *k) { return v.contains(k) && !v[k].is_null(); };
    auto need = [&](const char *k) -> const nlohmann::json & {
        if (!has(k)) {
            at.child(k).fail(ErrorCode::missing_field, fmt::format("required key '{}' is missing", k));
        }
        return v[k];
    };
    auto opt_num = [&](const char *k, double lo, double hi, bool lo_open, bool hi_open) -> std::optional<double> {
        if (!has(k)) {
            return std::nullopt;
        }
        return json_number_in(v[k], at.child(k), lo, hi, lo_open, hi_open);
    };
    mission::Request r;
    r.id = has("id") ? json_string(v["id"], at.child("id")) : defaults.id;
    r.tenant = has("tenant") ? json_string(v["tenant"], at.child("tenant")) : defaults.tenant;
    if (has("priority")) {
        r.priority = json_int_in(v["priority"], at.child("priority"), 1, 10);
    }
    if (has("target")) {
        const JsonWhere tw = at.child("target");
        const nlohmann::json &t = v["target"];
        check_object(t, tw, {"lat_deg", "lon_deg", "alt_m"});
        auto tneed = [&](const char *k) -> const nlohmann::json & {
            if (!t.contains(k) || t[k].is_null()) {
                tw.child(k).fail(ErrorCode::missing_field, fmt::format("required key '{}' is missing", k));
            }
            return t[k];
        };
        geometry::Target target{}; // value-initialised: alt_m is optional (0 m)
        target.location.lat_deg = json_number_in(tneed("lat_deg"), tw.child("lat_deg"), -90.0, 90.0);
        target.location.lon_deg = json_number_in(tneed("lon_deg"), tw.child("lon_deg"), -180.0, 180.0); // RFC 7946, as AOIs
        if (t.contains("alt_m") && !t["alt_m"].is_null()) {
            target.location.h_km = json_number_in(t["alt_m"], tw.child("alt_m"), -1000.0, 10000.0) / 1000.0;
        }
        r.point = target;
    }
    if (has("aoi")) {
        // GeoJSON (RFC 7946): a Polygon or MultiPolygon is an area, a Point a point target (as `target`), and a
        // Feature stands for its geometry (its `properties` and `id` are not kept).
        JsonWhere aw = at.child("aoi");
        const nlohmann::json *g = &v["aoi"];
        auto check_bbox = [](const nlohmann::json &o, const JsonWhere &w) {
            if (o.contains("bbox")) {
                const nlohmann::json &bb = o["bbox"];
                if (!bb.is_array() || (bb.size() != 4 && bb.size() != 6)) {
                    w.child("bbox").fail(ErrorCode::syntax, "a bbox is an array of 4 (or 6) numbers", json_excerpt(bb));
                }
                for (std::size_t i = 0; i < bb.size(); ++i) {
                    json_number(bb[i], w.child("bbox").index(i));
                }
            }
        };
        if (g->is_object() && g->contains("type") && (*g)["type"] == "Feature") {
            check_object(*g, aw, {"type", "geometry", "properties", "id", "bbox"});
            check_bbox(*g, aw);
            if (g->contains("id") && !(*g)["id"].is_string() && !(*g)["id"].is_number()) {
                aw.child("id").fail(ErrorCode::syntax, "a Feature's id is a string or a number", json_excerpt((*g)["id"]));
            }
            if (g->contains("properties") && !(*g)["properties"].is_object() && !(*g)["properties"].is_null()) {
                aw.child("properties").fail(ErrorCode::syntax, "a Feature's properties are an object or null",
                                            json_excerpt((*g)["properties"]));
            }
            if (!g->contains("geometry") || (*g)["geometry"].is_null()) {
                aw.child("geometry").fail(ErrorCode::missing_field, "a Feature needs a geometry");
            }
            aw = aw.child("geometry");
            g = &(*g)["geometry"];
        }
        if (g->is_object() && g->contains("type") && (*g)["type"].is_string()) {
            const std::string type = (*g)["type"].get<std::string>();
            if (type != "Point" && type != "Polygon" && type != "MultiPolygon") {
                aw.child("type").fail(ErrorCode::unsupported,
                                      "an aoi is a GeoJSON Point, Polygon or MultiPolygon, or a Feature of one", type);
            }
        }
        // A request's AOI is a bare geometry: its own keys only (a GeoJSON bbox is allowed and ignored).
        check_object(*g, aw, {"type", "coordinates", "bbox"});
        check_bbox(*g, aw);
        if (g->contains("type") && (*g)["type"] == "Point") {
            if (r.point) {
                aw.fail(ErrorCode::syntax, "give either 'target' or a Point 'aoi', not both");
            }
            const JsonWhere cw = aw.child("coordinates");
            if (!g->contains("coordinates")) {
                cw.fail(ErrorCode::missing_field, "required key 'coordinates' is missing");
            }
            const nlohmann::json &c = (*g)["coordinates"];
            if (!c.is_array() || (c.size() != 2 && c.size() != 3)) {
                cw.fail(ErrorCode::syntax, "a Point's coordinates are [longitude, latitude] or [longitude, latitude, altitude_m]",
                        json_excerpt(c));
            }
            geometry::Target target{};
            target.location.lon_deg = json_number_in(c[0], cw.index(0), -180.0, 180.0);
            target.location.lat_deg = json_number_in(c[1], cw.index(1), -90.0, 90.0);
            if (c.size() == 3) {
                target.location.h_km = json_number_in(c[2], cw.index(2), -1000.0, 10000.0) / 1000.0;
            }
            r.point = target;
        } else {
            r.polygon = polygon_from_geojson(*g, aw, max_request_aoi_positions);
        }
    }
    if (r.point && r.polygon) {
        at.child("aoi").fail(ErrorCode::syntax, "give either 'target' (a point) or 'aoi' (a polygon), not both");
    }
    if (!r.point && !r.polygon) {
        at.child("target").fail(ErrorCode::missing_field, "a request needs 'target' (a point) or 'aoi' (a polygon)");
    }
    r.window_start = json_instant(need("window_start_utc"), at.child("window_start_utc"));
    r.window_end = json_instant(need("window_end_utc"), at.child("window_end_utc"));
    if (has("sensor")) {
        r.sensor = sensor_from(v["sensor"], at.child("sensor"));
    }
    r.max_off_nadir_deg = opt_num("max_off_nadir_deg", 0.0, 90.0, true, true);
    r.incidence_min_deg = opt_num("incidence_min_deg", 0.0, 90.0, false, true);
    r.incidence_max_deg = opt_num("incidence_max_deg", 0.0, 90.0, true, false);
    r.min_sun_elevation_deg = opt_num("min_sun_elevation_deg", -90.0, 90.0, false, false);
    r.max_gsd_m = opt_num("max_gsd_m", 0.0, 1e5, true, false);
    r.max_cloud_cover_pct = opt_num("max_cloud_cover_pct", 0.0, 100.0, false, false);
    r.min_cloud_probability = opt_num("min_cloud_probability", 0.0, 1.0, true, false);
    if (has("stereo")) {
        const JsonWhere sw = at.child("stereo");
        const nlohmann::json &s = v["stereo"];
        check_object(s, sw, {"images", "bh_min", "bh_max"});
        mission::Stereo st;
        if (s.contains("images") && !s["images"].is_null()) {
            st.images = json_int_in(s["images"], sw.child("images"), 2, 3);
        }
        if (s.contains("bh_min") && !s["bh_min"].is_null()) {
            st.bh_min = json_number_in(s["bh_min"], sw.child("bh_min"), 0.0, 2.0, true, true);
        }
        if (s.contains("bh_max") && !s["bh_max"].is_null()) {
            st.bh_max = json_number_in(s["bh_max"], sw.child("bh_max"), 0.0, 2.0, true, false);
        }
        r.stereo = st;
    }
    if (has("look_side")) {
        r.look_side = look_side_from(v["look_side"], at.child("look_side"));
    }
    if (has("pass_direction")) {
        r.pass_direction = pass_from(v["pass_direction"], at.child("pass_direction"));
    }
    if (has("instrument_mode")) {
        r.instrument_mode = json_string(v["instrument_mode"], at.child("instrument_mode"));
    }
    if (has("polarizations")) {
        const JsonWhere pw = at.child("polarizations");
        const nlohmann::json &pol = v["polarizations"];
        if (!pol.is_array() || pol.empty()) {
            pw.fail(ErrorCode::syntax, "expected a non-empty list of polarizations (HH, HV, VH, VV)", json_excerpt(pol));
        }
        for (std::size_t i = 0; i < pol.size(); ++i) {
            r.polarizations.push_back(json_string(pol[i], pw.index(i)));
        }
    }
    if (const auto d = opt_num("duration_s", 0.0, 3600.0, true, false)) {
        r.duration_s = *d;
    }
    if (has("repeat")) {
        const JsonWhere rw = at.child("repeat");
        const nlohmann::json &rep = v["repeat"];
        check_object(rep, rw, {"every_h", "count", "window_h"});
        auto rneed = [&](const char *k) -> const nlohmann::json & {
            if (!rep.contains(k) || rep[k].is_null()) {
                rw.child(k).fail(ErrorCode::missing_field, fmt::format("required key '{}' is missing", k));
            }
            return rep[k];
        };
        mission::Repeat rr;
        rr.every_h = json_number_in(rneed("every_h"), rw.child("every_h"), 0.0, 24.0 * 366.0, true, false);
        rr.count = json_int_in(rneed("count"), rw.child("count"), 1, 10000);
        rr.window_h = rep.contains("window_h") && !rep["window_h"].is_null()
                          ? json_number_in(rep["window_h"], rw.child("window_h"), 0.0, rr.every_h, true, false)
                          : (r.window_end - r.window_start).seconds() / 3600.0;
        r.repeat = rr;
    }
    if (has("tier")) {
        const std::string name = json_string(v["tier"], at.child("tier"));
        const auto tier = mission::tier_from_string(name);
        if (!tier) {
            at.child("tier").fail(ErrorCode::out_of_range, "must be one of urgent, priority, standard, flexible", name);
        }
        r.tier = *tier;
    }
    if (has("urgent")) {
        const bool urgent = json_bool(v["urgent"], at.child("urgent"));
        if (has("tier") && urgent != (r.tier == mission::Tier::urgent)) {
            at.child("urgent").fail(ErrorCode::mismatch,
                                    fmt::format("contradicts tier '{}' (urgent: true means tier 'urgent')",
                                                mission::to_string(r.tier)),
                                    urgent ? "true" : "false");
        }
        if (urgent) {
            r.tier = mission::Tier::urgent;
        }
    }
    if (has("reward")) {
        r.reward = json_number_in(v["reward"], at.child("reward"), 0.0, 1e6, true, false);
    }
    // The model's own rules, reported under this request's path.
    try {
        mission::validate_request(r);
    } catch (const ConfigError &e) {
        JsonWhere w = at.child(e.context().field);
        w.fail(e.code(), e.message(), e.context().value);
    }
    return r;
}

nlohmann::json request_to_json_value(const mission::Request &r)
{
    nlohmann::json o;
    o["id"] = r.id;
    o["tenant"] = r.tenant;
    o["priority"] = r.priority;
    if (r.point) {
        o["target"] = {{"lat_deg", r.point->location.lat_deg}, {"lon_deg", r.point->location.lon_deg},
                       {"alt_m", r.point->location.h_km * 1000.0}};
    }
    if (r.polygon) {
        o["aoi"] = polygon_to_json(*r.polygon);
    }
    o["window_start_utc"] = r.window_start.to_iso8601_utc(6);
    o["window_end_utc"] = r.window_end.to_iso8601_utc(6);
    o["sensor"] = mission::to_string(r.sensor);
    auto put = [&](const char *k, const std::optional<double> &x) {
        if (x) {
            o[k] = *x;
        }
    };
    put("max_off_nadir_deg", r.max_off_nadir_deg);
    put("incidence_min_deg", r.incidence_min_deg);
    put("incidence_max_deg", r.incidence_max_deg);
    put("min_sun_elevation_deg", r.min_sun_elevation_deg);
    put("max_gsd_m", r.max_gsd_m);
    put("max_cloud_cover_pct", r.max_cloud_cover_pct);
    put("min_cloud_probability", r.min_cloud_probability);
    if (r.stereo) {
        o["stereo"] = nlohmann::json{{"images", r.stereo->images}, {"bh_min", r.stereo->bh_min}, {"bh_max", r.stereo->bh_max}};
    }
    o["look_side"] = look_side_name(r.look_side);
    o["pass_direction"] = pass_name(r.pass_direction);
    if (r.instrument_mode) {
        o["instrument_mode"] = *r.instrument_mode;
    }
    if (!r.polarizations.empty()) {
        o["polarizations"] = r.polarizations;
    }
    o["duration_s"] = r.duration_s;
    if (r.repeat) {
        o["repeat"] = {{"every_h", r.repeat->every_h}, {"count", r.repeat->count}, {"window_h", r.repeat->window_h}};
    }
    o["tier"] = mission::to_string(r.tier);
    o["urgent"] = r.tier == mission::Tier::urgent;
    if (r.reward) {
        o["reward"] = *r.reward;
    }
    return o;
}

} // namespace detail

mission::Request parse_request_json(std::string_view text, const std::string &source_name, const RequestDefaults &defaults)
{
    return detail::request_from_json(detail::parse_json(text, source_name), detail::JsonWhere{source_name, 0, ""},
                                     defaults);
}

std::string request_to_json(const mission::Request &request)
{
    return detail::request_to_json_value(request).dump();
}

} // namespace vantage::io
