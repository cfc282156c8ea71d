#include "json_util.hpp"

#include "vantage/io/json_text.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

namespace vantage::io::detail {

JsonWhere JsonWhere::child(std::string_view key) const
{
    // A key path names keys as they are, except the empty key ("" would name the parent) and keys too long to
    // quote whole.
    std::string k = key.empty() ? std::string("\"\"") : std::string(key.substr(0, max_key_in_path));
    if (key.size() > max_key_in_path) {
        k += "...";
    }
    return JsonWhere{source, line, path.empty() ? k : path + "." + k};
}

JsonWhere JsonWhere::index(std::size_t i) const
{
    return JsonWhere{source, line, fmt::format("{}[{}]", path, i)};
}

void JsonWhere::fail(ErrorCode code, const std::string &message, const std::string &value) const
{
    throw ConfigError(code, message, ErrorContext{source, line, path, value.substr(0, 120)});
}

namespace {

/// Follows the parser's position (object keys and array indices) through nlohmann's callback events, so that an
/// error met while parsing can name the key path it concerns, and detects keys given twice in one object.
class JsonPathTracker {
public:
    /// Key path of the position the parser is at ("" at the root or between the members of an object).
    /// `value_only`: name a key only while its value is being parsed (the last event was that key).
    std::string path(bool value_only) const
    {
        std::string out;
        for (std::size_t i = 0; i < m_frames.size(); ++i) {
            const Frame &f = m_frames[i];
            const bool top = i + 1 == m_frames.size();
            if (f.object) {
                if (top && value_only && !m_after_key) {
                    break;
                }
                if (f.has_key) {
                    out = JsonWhere{"", 0, out}.child(f.key).path;
                }
            } else {
                out += fmt::format("[{}]", f.index);
            }
        }
        return out;
    }

    /// Key path of the scalar value parsed last, if the last event was one ("" otherwise).
    std::string last_scalar_path() const
    {
        if (!m_after_scalar || m_frames.empty()) {
            return "";
        }
        std::string out;
        for (std::size_t i = 0; i < m_frames.size(); ++i) {
            const Frame &f = m_frames[i];
            const bool top = i + 1 == m_frames.size();
            if (f.object) {
                if (f.has_key) {
                    out = JsonWhere{"", 0, out}.child(f.key).path;
                }
            } else {
                out += fmt::format("[{}]", top ? f.index - 1 : f.index);
            }
        }
        return out;
    }

    /// Follows one event. @throws ParseError(syntax) naming the key path of a key given twice.
    void on_event(nlohmann::json::parse_event_t event, const nlohmann::json &parsed, const std::string &source_name)
    {
        using E = nlohmann::json::parse_event_t;
        m_after_key = false;
        m_after_scalar = event == E::value;
        switch (event) {
        case E::object_start:
            m_frames.emplace_back().object = true;
            break;
        case E::array_start:
            m_frames.emplace_back().object = false;
            break;
        case E::key: {
            Frame &f = m_frames.back();
            f.key = parsed.get_ref<const std::string &>();
            f.has_key = true;
            if (!f.keys.insert(f.key).second) {
                throw ParseError(ErrorCode::syntax,
                                 fmt::format("key '{}' given twice in one object (each key may appear once)", f.key),
                                 ErrorContext{source_name, 0, path(false), f.key.substr(0, 120)});
            }
            m_after_key = true;
            break;
        }
        case E::object_end:
        case E::array_end:
            m_frames.pop_back();
            element_done();
            break;
        case E::value:
            element_done();
            break;
        }
    }

private:
    struct Frame {
        bool object = false;
        bool has_key = false;
        std::string key;                     // the object's current key
        std::unordered_set<std::string> keys; // keys seen so far in the object
        std::size_t index = 0;               // the array's current element
    };

    void element_done()
    {
        if (!m_frames.empty() && !m_frames.back().object) {
            ++m_frames.back().index;
        }
    }

    std::vector<Frame> m_frames;
    bool m_after_key = false;
    bool m_after_scalar = false;
};

/// True if the token nlohmann failed on starts right after the previous token, with no whitespace or
/// separator between them: "0x10", "01", "1_000", "null1", "\"a\"b" are one malformed value to a reader.
/// `byte` is nlohmann's 1-based offset of the last character it read, `what` its message.
bool glued_to_previous_token(std::string_view text, std::size_t byte, const std::string &what)
{
    constexpr std::string_view separators = " \t\r\n,:[{";
    // "invalid literal; last read: '<previous token><what followed>'": glued unless a separator came between.
    if (const auto lr = what.find("last read: '"); lr != std::string::npos && what.find("invalid literal") != std::string::npos) {
        const auto q = what.find('\'', lr + 12);
        const std::string read = what.substr(lr + 12, q == std::string::npos ? std::string::npos : q - lr - 12);
        return read.find_first_of(separators) == std::string::npos;
    }
    // Any other error of the lexer is inside the failing token itself ("invalid number; ... last read: '-I'"):
    // it is not glued to anything. A parser error ("unexpected number literal") is about a whole token that
    // lexed well but came where it may not: is it glued to the token before it?
    if (what.find("unexpected") == std::string::npos || byte < 2 || byte > text.size()) {
        return false;
    }
    std::size_t start = byte - 1; // the failing token's last character; find its first
    if (what.find("unexpected string literal") != std::string::npos) {
        while (start > 0) {
            --start;
            std::size_t backslashes = 0;
            while (backslashes < start && text[start - 1 - backslashes] == '\\') {
                ++backslashes;
            }
            if (text[start] == '"' && backslashes % 2 == 0) {
                break;
            }
        }
    }
    return start > 0 && separators.find(text[start - 1]) == std::string_view::npos;
}

} // namespace

nlohmann::json parse_json(std::string_view text, const std::string &source_name, int max_depth,
                          const std::vector<std::string> *skip_keys)
{
    JsonPathTracker tracker;
    using E = nlohmann::json::parse_event_t;
    bool skipping = false; // inside the value of a skipped key
    int skip_depth = 0;    // depth of that key's event
    // NOTE: nesting is limited before a value is built: nlohmann parses deep nesting iteratively, but dumping
    // or copying it recurses, and 100000 nested arrays overflowed a server thread's stack.
    const nlohmann::json::parser_callback_t callback = [&](int depth, nlohmann::json::parse_event_t event,
                                                           nlohmann::json &parsed) {
        if (depth > max_depth) {
            throw ParseError(ErrorCode::syntax, fmt::format("JSON nested deeper than {} levels", max_depth),
                             ErrorContext{source_name, 0, "", ""});
        }
        if (skipping) {
            // nlohmann reports no end event of a discarded container: the skipped value is over at the next key of
            // the same object or at that object's end
            const bool over = (event == E::key && depth == skip_depth) || (event == E::object_end && depth == skip_depth - 1);
            if (!over) {
                return false;
            }
            skipping = false;
            tracker.on_event(E::value, parsed, source_name); // the skipped value, as one value
        }
        tracker.on_event(event, parsed, source_name);
        if (event == E::key && skip_keys != nullptr
            && std::find(skip_keys->begin(), skip_keys->end(), parsed.get_ref<const std::string &>()) != skip_keys->end()) {
            skipping = true;
            skip_depth = depth;
            return false;
        }
        return true;
    };
    try {
        return nlohmann::json::parse(text.begin(), text.end(), callback);
    } catch (const nlohmann::json::parse_error &e) {
        // e.byte is the 1-based byte offset of the error; count the lines up to it.
        const std::size_t upto = std::min<std::size_t>(e.byte, text.size());
        const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(upto), '\n'));
        std::string what = e.what();
        if (const auto p = what.find("syntax error"); p != std::string::npos) {
            what = what.substr(p);
        }
        // An error inside the value of a key (NaN, Infinity, a bad literal or string) names that key, and so does
        // one glued to the value just parsed ("0x10", "01", "1_000": the lexer stops after "0" or "1"). An error
        // between members (a missing comma, a trailing one) or at the end of the text (a truncated body)
        // concerns the body's structure and names none.
        std::string field;
        if (what.find("unexpected end of input") == std::string::npos) {
            field = tracker.path(true);
            if (glued_to_previous_token(text, e.byte, what)) {
                if (std::string p = tracker.last_scalar_path(); !p.empty()) {
                    field = std::move(p);
                }
            }
        }
        throw ParseError(ErrorCode::syntax, fmt::format("JSON: {}", what), ErrorContext{source_name, line, field, ""});
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
                         ErrorContext{source_name, line, tracker.path(true), number});
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

bool has_zone_designator(std::string_view s)
{
    // The time part starts after the date's 'T' (or a space); a zone is 'Z', "UTC" or a numeric offset after it.
    const auto t = s.find_first_of("Tt ");
    if (t == std::string_view::npos) {
        return false; // a date alone: midnight of which zone?
    }
    const std::string_view time = s.substr(t + 1);
    return time.find_first_of("Zz+-") != std::string_view::npos || time.find("UTC") != std::string_view::npos;
}

time::Instant json_instant(const nlohmann::json &v, const JsonWhere &at)
{
    const std::string s = json_string(v, at);
    if (!has_zone_designator(s)) {
        at.fail(ErrorCode::invalid_time,
                "a time needs a date, a time and the zone designator 'Z' (or +00:00), e.g. 2025-10-03T06:00:00Z", s);
    }
    try {
        return time::Instant::parse_iso8601(s);
    } catch (const Error &e) {
        at.fail(ErrorCode::invalid_time, e.message(), s);
    }
}

namespace {

std::vector<geometry::LonLat> ring_from_json(const nlohmann::json &v, const JsonWhere &at, std::size_t &budget)
{
    if (!v.is_array()) {
        at.fail(ErrorCode::syntax, "expected a ring: an array of [lon, lat] positions", json_excerpt(v));
    }
    if (v.size() > budget) {
        at.fail(ErrorCode::out_of_range, "the geometry has too many positions (at most " + std::to_string(budget) + " left)",
                std::to_string(v.size()));
    }
    budget -= v.size();
    std::vector<geometry::LonLat> ring;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const JsonWhere pos = at.index(i);
        const nlohmann::json &p = v[i];
        if (!p.is_array() || p.size() < 2 || p.size() > 3) {
            pos.fail(ErrorCode::syntax, "expected a position [lon, lat] or [lon, lat, alt]", json_excerpt(p));
        }
        const double lon = json_number_in(p[0], pos.index(0), -180.0, 180.0);
        const double lat = json_number_in(p[1], pos.index(1), -90.0, 90.0);
        if (p.size() == 3) {
            json_number(p[2], pos.index(2)); // an altitude is allowed (RFC 7946 3.1.1) and ignored, but must be a number
        }
        ring.push_back(geometry::LonLat{lon, lat});
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

geometry::PolygonPart part_from_json(const nlohmann::json &v, const JsonWhere &at, std::size_t &budget)
{
    if (!v.is_array() || v.empty()) {
        at.fail(ErrorCode::syntax, "expected a non-empty array of linear rings", json_excerpt(v));
    }
    geometry::PolygonPart part;
    part.outer = ring_from_json(v[0], at.index(0), budget);
    for (std::size_t i = 1; i < v.size(); ++i) {
        part.holes.push_back(ring_from_json(v[i], at.index(i), budget));
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

geometry::Polygon polygon_from_geojson(const nlohmann::json &g, const JsonWhere &at, std::size_t max_positions)
{
    std::size_t budget = max_positions;
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
            poly.parts.push_back(part_from_json(c[i], cw.index(i), budget));
        }
    } else {
        poly.parts.push_back(part_from_json(c, cw, budget));
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

nlohmann::json yaml_to_json(const YAML::Node &node, const JsonWhere &at)
{
    if (!node.IsDefined() || node.IsNull()) {
        return nullptr;
    }
    if (node.IsSequence()) {
        nlohmann::json a = nlohmann::json::array();
        for (std::size_t i = 0; i < node.size(); ++i) {
            a.push_back(yaml_to_json(node[i], at.index(i)));
        }
        return a;
    }
    if (node.IsMap()) {
        nlohmann::json o = nlohmann::json::object();
        for (auto it = node.begin(); it != node.end(); ++it) {
            const std::string &k = it->first.Scalar();
            if (o.contains(k)) { // yaml-cpp keeps both entries of a key given twice; the JSON object would keep one
                JsonWhere w = at.child(k);
                w.line = it->first.Mark().line + 1;
                w.fail(ErrorCode::duplicate, "key given twice", k);
            }
            o[k] = yaml_to_json(it->second, at.child(k));
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

namespace vantage::io {

void check_json_text(std::string_view text, const std::string &source_name, int max_depth)
{
    (void)detail::parse_json(text, source_name, max_depth);
}

} // namespace vantage::io
