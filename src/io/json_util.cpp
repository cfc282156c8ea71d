#include "json_util.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace vantage::io::detail {

JsonWhere JsonWhere::child(std::string_view key) const
{
    return JsonWhere{source, line, path.empty() ? std::string(key) : path + "." + std::string(key)};
}

JsonWhere JsonWhere::index(std::size_t i) const
{
    return JsonWhere{source, line, fmt::format("{}[{}]", path, i)};
}

void JsonWhere::fail(ErrorCode code, const std::string &message, const std::string &value) const
{
    throw ConfigError(code, message, ErrorContext{source, line, path, value.substr(0, 120)});
}

nlohmann::json parse_json(std::string_view text, const std::string &source_name)
{
    // NOTE: nesting is limited before a value is built: nlohmann parses deep nesting iteratively, but dumping
    // or copying it recurses, and 100000 nested arrays overflowed a server thread's stack.
    const nlohmann::json::parser_callback_t depth_guard = [&](int depth, nlohmann::json::parse_event_t, nlohmann::json &) {
        if (depth > max_json_depth) {
            throw ParseError(ErrorCode::syntax, fmt::format("JSON nested deeper than {} levels", max_json_depth),
                             ErrorContext{source_name, 0, "", ""});
        }
        return true;
    };
    try {
        return nlohmann::json::parse(text.begin(), text.end(), depth_guard);
    } catch (const nlohmann::json::parse_error &e) {
        // e.byte is the 1-based byte offset of the error; count the lines up to it.
        const std::size_t upto = std::min<std::size_t>(e.byte, text.size());
        const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(upto), '\n'));
        std::string what = e.what();
        if (const auto p = what.find("syntax error"); p != std::string::npos) {
            what = what.substr(p);
        }
        throw ParseError(ErrorCode::syntax, fmt::format("JSON: {}", what), ErrorContext{source_name, line, "", ""});
    } catch (const nlohmann::json::out_of_range &e) {
        // A number beyond double range ("number overflow parsing '1e999'"): no offset is given, so the line is
        // that of the first occurrence of the number's text.
        std::string what = e.what();
        std::string number;
        if (const auto q1 = what.find('\''), q2 = what.rfind('\''); q1 != std::string::npos && q2 > q1) {
            number = what.substr(q1 + 1, q2 - q1 - 1);
        }
        int line = 0;
        if (const auto at = number.empty() ? std::string_view::npos : text.find(number); at != std::string_view::npos) {
            line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
        }
        throw ParseError(ErrorCode::invalid_number, fmt::format("JSON: number '{}' is out of range", number),
                         ErrorContext{source_name, line, "", number});
    }
}

std::string json_excerpt(const nlohmann::json &v)
{
    std::string s = v.is_string() ? v.get<std::string>() : v.dump();
    if (s.size() > 80) {
        s = s.substr(0, 77) + "...";
    }
    return s;
}

void check_object(const nlohmann::json &v, const JsonWhere &at, std::initializer_list<std::string_view> allowed)
{
    if (!v.is_object()) {
        at.fail(ErrorCode::syntax, "expected an object", json_excerpt(v));
    }
    for (auto it = v.begin(); it != v.end(); ++it) {
        if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
            std::string list;
            for (auto a : allowed) {
                list += (list.empty() ? "" : ", ") + std::string(a);
            }
            at.child(it.key()).fail(ErrorCode::unknown_key, fmt::format("unknown key (allowed: {})", list), it.key());
        }
    }
}

double json_number(const nlohmann::json &v, const JsonWhere &at)
{
    if (v.is_number()) {
        const double x = v.get<double>();
        if (!std::isfinite(x)) {
            at.fail(ErrorCode::invalid_number, "not a finite number", json_excerpt(v));
        }
        return x;
    }
    at.fail(v.is_string() ? ErrorCode::invalid_number : ErrorCode::syntax, "expected a number", json_excerpt(v));
}

double json_number_in(const nlohmann::json &v, const JsonWhere &at, double lo, double hi, bool lo_open, bool hi_open)
{
    const double x = json_number(v, at);
    const bool ok = (lo_open ? x > lo : x >= lo) && (hi_open ? x < hi : x <= hi);
    if (!ok) {
        at.fail(ErrorCode::out_of_range, fmt::format("must be in {}{}, {}{}", lo_open ? '(' : '[', lo, hi, hi_open ? ')' : ']'),
                json_excerpt(v));
    }
    return x;
}

int json_int_in(const nlohmann::json &v, const JsonWhere &at, int lo, int hi)
{
    const double x = json_number(v, at);
    if (x != std::floor(x)) {
        at.fail(ErrorCode::invalid_number, "must be a whole number", json_excerpt(v));
    }
    if (x < lo || x > hi) {
        at.fail(ErrorCode::out_of_range, fmt::format("must be a whole number in [{}, {}]", lo, hi), json_excerpt(v));
    }
    return static_cast<int>(x);
}

std::string json_string(const nlohmann::json &v, const JsonWhere &at)
{
    if (!v.is_string()) {
        at.fail(ErrorCode::syntax, "expected a string", json_excerpt(v));
    }
    return v.get<std::string>();
}

bool json_bool(const nlohmann::json &v, const JsonWhere &at)
{
    if (!v.is_boolean()) {
        at.fail(ErrorCode::syntax, "expected true or false", json_excerpt(v));
    }
    return v.get<bool>();
}

time::Instant json_instant(const nlohmann::json &v, const JsonWhere &at)
{
    const std::string s = json_string(v, at);
    try {
        return time::Instant::parse_iso8601(s);
    } catch (const Error &e) {
        at.fail(ErrorCode::invalid_time, e.message(), s);
    }
}

namespace {

std::vector<geometry::LonLat> ring_from_json(const nlohmann::json &v, const JsonWhere &at)
{
    if (!v.is_array()) {
        at.fail(ErrorCode::syntax, "expected a ring: an array of [lon, lat] positions", json_excerpt(v));
    }
    std::vector<geometry::LonLat> ring;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const JsonWhere pos = at.index(i);
        const nlohmann::json &p = v[i];
        if (!p.is_array() || p.size() < 2) {
            pos.fail(ErrorCode::syntax, "expected a position [lon, lat] or [lon, lat, alt]", json_excerpt(p));
        }
        ring.push_back(geometry::LonLat{json_number(p[0], pos.index(0)), json_number(p[1], pos.index(1))});
    }
    if (ring.size() < 4) {
        at.fail(ErrorCode::syntax, "a linear ring needs at least 4 positions (RFC 7946 3.1.6)", json_excerpt(v));
    }
    if (!(ring.front() == ring.back())) {
        at.fail(ErrorCode::syntax, "a linear ring must end at its first position (RFC 7946 3.1.6)", json_excerpt(v.back()));
    }
    ring.pop_back();
    return ring;
}

geometry::PolygonPart part_from_json(const nlohmann::json &v, const JsonWhere &at)
{
    if (!v.is_array() || v.empty()) {
        at.fail(ErrorCode::syntax, "expected a non-empty array of linear rings", json_excerpt(v));
    }
    geometry::PolygonPart part;
    part.outer = ring_from_json(v[0], at.index(0));
    for (std::size_t i = 1; i < v.size(); ++i) {
        part.holes.push_back(ring_from_json(v[i], at.index(i)));
    }
    return part;
}

nlohmann::json ring_to_json(const std::vector<geometry::LonLat> &ring)
{
    nlohmann::json r = nlohmann::json::array();
    for (const auto &p : ring) {
        r.push_back({p.lon_deg, p.lat_deg});
    }
    if (!ring.empty()) {
        r.push_back({ring.front().lon_deg, ring.front().lat_deg});
    }
    return r;
}

nlohmann::json part_to_json(const geometry::PolygonPart &part)
{
    nlohmann::json p = nlohmann::json::array();
    p.push_back(ring_to_json(part.outer));
    for (const auto &h : part.holes) {
        p.push_back(ring_to_json(h));
    }
    return p;
}

} // namespace

geometry::Polygon polygon_from_geojson(const nlohmann::json &g, const JsonWhere &at)
{
    if (!g.is_object()) {
        at.fail(ErrorCode::syntax, "expected a GeoJSON geometry object {type, coordinates}", json_excerpt(g));
    }
    if (!g.contains("type")) {
        at.child("type").fail(ErrorCode::missing_field, "required key 'type' is missing");
    }
    const std::string type = json_string(g["type"], at.child("type"));
    if (type != "Polygon" && type != "MultiPolygon") {
        at.child("type").fail(ErrorCode::unsupported, "only Polygon and MultiPolygon geometries are areas", type);
    }
    if (!g.contains("coordinates")) {
        at.child("coordinates").fail(ErrorCode::missing_field, "required key 'coordinates' is missing");
    }
    const nlohmann::json &c = g["coordinates"];
    const JsonWhere cw = at.child("coordinates");
    geometry::Polygon poly;
    const bool multi = type == "MultiPolygon";
    if (multi) {
        if (!c.is_array() || c.empty()) {
            cw.fail(ErrorCode::syntax, "expected a non-empty array of polygons", json_excerpt(c));
        }
        for (std::size_t i = 0; i < c.size(); ++i) {
            poly.parts.push_back(part_from_json(c[i], cw.index(i)));
        }
    } else {
        poly.parts.push_back(part_from_json(c, cw));
    }
    try {
        geometry::validate_polygon(poly, multi);
    } catch (const ConfigError &e) {
        // validate_polygon names "coordinates[...]"; put it under this geometry's path.
        JsonWhere w = at;
        w.path = at.path.empty() ? e.context().field : at.path + "." + e.context().field;
        w.fail(e.code(), e.message(), e.context().value);
    }
    return poly;
}

nlohmann::json polygon_to_json(const geometry::Polygon &polygon)
{
    nlohmann::json g;
    if (polygon.parts.size() == 1) {
        g["type"] = "Polygon";
        g["coordinates"] = part_to_json(polygon.parts.front());
    } else {
        g["type"] = "MultiPolygon";
        nlohmann::json c = nlohmann::json::array();
        for (const auto &p : polygon.parts) {
            c.push_back(part_to_json(p));
        }
        g["coordinates"] = c;
    }
    return g;
}

nlohmann::json yaml_to_json(const YAML::Node &node)
{
    if (!node.IsDefined() || node.IsNull()) {
        return nullptr;
    }
    if (node.IsSequence()) {
        nlohmann::json a = nlohmann::json::array();
        for (std::size_t i = 0; i < node.size(); ++i) {
            a.push_back(yaml_to_json(node[i]));
        }
        return a;
    }
    if (node.IsMap()) {
        nlohmann::json o = nlohmann::json::object();
        for (auto it = node.begin(); it != node.end(); ++it) {
            o[it->first.Scalar()] = yaml_to_json(it->second);
        }
        return o;
    }
    const std::string &s = node.Scalar();
    if (node.Tag() == "!") { // quoted scalar: always a string
        return s;
    }
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
        return nullptr;
    }
    if (s == "true" || s == "True" || s == "TRUE") {
        return true;
    }
    if (s == "false" || s == "False" || s == "FALSE") {
        return false;
    }
    char *end = nullptr;
    errno = 0;
    const double x = std::strtod(s.c_str(), &end);
    if (end == s.c_str() + s.size() && errno != ERANGE && std::isfinite(x)) {
        // Whole numbers stay integers so that JSON writers print them as such.
        if (x == std::floor(x) && std::abs(x) < 9e15 && s.find_first_of(".eE") == std::string::npos) {
            return static_cast<std::int64_t>(x);
        }
        return x;
    }
    return s;
}

} // namespace vantage::io::detail
