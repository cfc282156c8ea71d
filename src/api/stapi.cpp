// STAPI v0.1.0 under /stapi: a translation layer over Service (include/vantage/api/stapi.hpp). Nothing here decides
// what a request means: payloads become /api/v1 request bodies read by the one request parser, orders are the
// service's requests, opportunities its feasibility search.
#include "vantage/api/stapi.hpp"

#include <algorithm>
#include <iostream>
#include <cmath>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "vantage/core/error.hpp"
#include "vantage/io/json_text.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::api {

namespace {

using json = nlohmann::ordered_json;

constexpr const char *stapi_version = "0.1.0";
constexpr int max_payload_depth = 64;
constexpr int default_limit = 10;
constexpr int max_limit = 100;
/// A create-order link widens the opportunity's window by this much on each side, so that the order's own search
/// finds the whole pass (its window clipped by the order's edges would be shorter than the opportunity).
constexpr double order_window_margin_s = 60.0;

/// A payload error in STAPI's terms.
class Invalid : public std::runtime_error {
public:
    Invalid(json where, const std::string &msg, std::string kind = "value_error")
        : std::runtime_error(msg), loc(std::move(where)), type(std::move(kind))
    {
    }
    json loc;
    std::string type;
};

Response json_answer(int status, const json &j, const char *content_type = "application/json")
{
    return Response{status, j.dump(-1, ' ', false, json::error_handler_t::replace), content_type, {}, nullptr};
}

Response validation_answer(const json &loc, const std::string &msg, const std::string &type)
{
    return json_answer(422, json{{"detail", json::array({json{{"loc", loc}, {"msg", msg}, {"type", type}}})}});
}

/// "aoi.coordinates[0][2][1]" -> ["aoi", "coordinates", 0, 2, 1]
json split_field(const std::string &field)
{
    json out = json::array();
    std::string cur;
    for (std::size_t i = 0; i < field.size(); ++i) {
        const char ch = field[i];
        if (ch == '.') {
            if (!cur.empty()) {
                out.push_back(cur);
            }
            cur.clear();
        } else if (ch == '[') {
            if (!cur.empty()) {
                out.push_back(cur);
            }
            cur.clear();
            const auto close = field.find(']', i);
            const std::string index = field.substr(i + 1, close == std::string::npos ? std::string::npos : close - i - 1);
            const bool digits = !index.empty() && index.size() <= 9
                                && std::all_of(index.begin(), index.end(), [](char d) { return d >= '0' && d <= '9'; });
            if (digits) {
                out.push_back(std::stoll(index));
            } else {
                out.push_back(index);
            }
            i = close == std::string::npos ? field.size() : close;
        } else {
            cur += ch;
        }
    }
    if (!cur.empty()) {
        out.push_back(cur);
    }
    return out;
}

/// The one table between STAPI's queryables and the request's keys (read by apply_comparison, written by filter_of,
/// and used to name a queryable in an error). A numeric queryable sets the request's lower and/or upper limit key; a
/// bound the request cannot state is refused unless it is no constraint at all (`lower_free`, `upper_free`). A
/// text queryable sets one key with `=`; `none` is the key's value that means "not constrained".
struct NumericQueryable {
    const char *property;
    const char *lower_key;   ///< nullptr: no lower limit in the request model
    const char *upper_key;   ///< nullptr: no upper limit
    double lower_free;       ///< a lower bound at or below this is no constraint
    double upper_free;       ///< an upper bound at or above this is no constraint
    const char *not_for;     ///< the product it does not apply to, or nullptr
};
constexpr NumericQueryable numeric_queryables[] = {
    {"view:off_nadir", nullptr, "max_off_nadir_deg", 0.0, 90.0, nullptr},
    {"view:incidence_angle", "incidence_min_deg", "incidence_max_deg", 0.0, 90.0, "optical"},
    {"view:sun_elevation", "min_sun_elevation_deg", nullptr, -90.0, 90.0, "sar"},
    {"eo:cloud_cover", nullptr, "max_cloud_cover_pct", 0.0, 100.0, "sar"},
    {"gsd", nullptr, "max_gsd_m", 0.0, 1e300, nullptr},
};
struct TextQueryable {
    const char *property;
    const char *key;
    const char *none;    ///< the key's unconstrained value ("any", "both"), or nullptr
    const char *not_for;
};
constexpr TextQueryable text_queryables[] = {
    {"sat:orbit_state", "pass_direction", "any", nullptr},
    {"sar:observation_direction", "look_side", "both", "optical"},
    {"sar:instrument_mode", "instrument_mode", nullptr, "optical"},
};
constexpr const char *polarizations_queryable = "sar:polarizations"; ///< a_contains -> `polarizations`

/// The STAPI queryable a request key of /api/v1 comes from (the filter's property), or nullptr.
const char *queryable_of(const std::string &key)
{
    for (const auto &q : numeric_queryables) {
        if ((q.lower_key && key == q.lower_key) || (q.upper_key && key == q.upper_key)) {
            return q.property;
        }
    }
    for (const auto &q : text_queryables) {
        if (key == q.key) {
            return q.property;
        }
    }
    return key == "polarizations" ? polarizations_queryable : nullptr;
}

/// The `loc` of an /api/v1 error field in the STAPI payload, and the message to go with it.
std::pair<json, std::string> stapi_loc(const std::string &field, const std::string &message)
{
    json loc = json::array({"body"});
    if (field.empty()) {
        return {loc, message};
    }
    json parts = split_field(field);
    const std::string head = parts.empty() || !parts[0].is_string() ? std::string() : parts[0].get<std::string>();
    if (head == "aoi") {
        loc.push_back("geometry");
        for (std::size_t i = 1; i < parts.size(); ++i) {
            loc.push_back(parts[i]);
        }
    } else if (head == "window_start_utc" || head == "window_end_utc") {
        loc.push_back("datetime");
        return {loc, fmt::format("{} ({} of the interval)", message, head == "window_start_utc" ? "start" : "end")};
    } else if (const char *q = queryable_of(head)) {
        loc.push_back("filter");
        return {loc, fmt::format("{}: {}", q, message)};
    } else if (head == "tier" || head == "priority" || head == "duration_s" || head == "id" || head == "urgent") {
        loc.push_back("order_parameters");
        loc.push_back(head);
    } else if (head == "Content-Length" || head == "Content-Type") {
        return {json::array({"header", head}), message};
    } else {
        for (const auto &x : parts) {
            loc.push_back(x);
        }
    }
    return {loc, message};
}

/// An /api/v1 error answer (`{code, message, field}`) in STAPI's shape (headers such as Retry-After kept).
Response restyle(Response r)
{
    if (r.status < 400) {
        return r;
    }
    const json b = json::parse(r.body, nullptr, false);
    const std::string code = b.is_object() ? b.value("code", std::string("error")) : std::string("error");
    const std::string message = b.is_object() ? b.value("message", std::string()) : r.body;
    const std::string field = b.is_object() && b.contains("field") && b["field"].is_string() ? b["field"].get<std::string>() : "";
    if (r.status == 400) {
        auto [loc, msg] = stapi_loc(field, message);
        Response out = validation_answer(loc, msg, code);
        return out;
    }
    Response out = json_answer(r.status, json{{"detail", message}, {"code", code}, {"field", field.empty() ? json(nullptr) : json(field)}});
    out.headers = std::move(r.headers);
    return out;
}

// --------------------------------------------------------------------------------------------- products

struct ProductInfo {
    const char *id;
    const char *title;
    const char *description;
    const char *sensor; ///< the request's `sensor`
};

constexpr ProductInfo product_table[] = {
    {"optical", "Optical image", "An optical image of a point or area, from any optical satellite of the coalition "
                                 "(agile or push-broom), planned by Vantage's tasking planner.", "optical"},
    {"sar", "SAR image", "A synthetic-aperture radar image of a point or area (day and night, through cloud), from "
                         "any SAR satellite of the coalition, in the modes and polarisations its sensors offer.", "sar"},
    {"any", "Image from any sensor", "An image of a point or area from whichever satellite the plan chooses, optical "
                                     "or SAR (the request's limits apply to the sensors they concern).", "any"},
};

bool fleet_has(const Fleet &f, geometry::SensorType t)
{
    return std::any_of(f.satellites.begin(), f.satellites.end(), [t](const access::Satellite &s) { return s.sensor.type == t; });
}

/// The products the fleet offers now.
std::vector<const ProductInfo *> offered(const Fleet &f)
{
    std::vector<const ProductInfo *> out;
    if (fleet_has(f, geometry::SensorType::optical)) {
        out.push_back(&product_table[0]);
    }
    if (fleet_has(f, geometry::SensorType::sar)) {
        out.push_back(&product_table[1]);
    }
    if (!f.satellites.empty()) {
        out.push_back(&product_table[2]);
    }
    return out;
}

const ProductInfo &find_product(const Fleet &f, const std::string &id)
{
    for (const ProductInfo *p : offered(f)) {
        if (id == p->id) {
            return *p;
        }
    }
    throw ApiError(404, "not_found", fmt::format("no product '{}'", id), "productId");
}

/// The product of a stored request (its sensor class).
std::string product_of(const json &request)
{
    return request.value("sensor", std::string("any"));
}

json link(const std::string &href, const char *rel, const char *type, const char *title = nullptr)
{
    json l{{"href", href}, {"rel", rel}, {"type", type}};
    if (title) {
        l["title"] = title;
    }
    return l;
}

json product_json(const ProductInfo &p, const StapiContext &c)
{
    const std::string base = c.base_url + "/stapi/products/" + p.id;
    return json{{"type", "Collection"},
                {"stapi_type", "Product"},
                {"stapi_version", stapi_version},
                {"id", p.id},
                {"title", p.title},
                {"description", p.description},
                {"keywords", json::array({"satellite", std::string(p.sensor) == "any" ? "EO" : p.sensor, "tasking"})},
                {"license", "proprietary"},
                {"providers", json::array({json{{"name", "Vantage coalition tasking service"},
                                                {"description", "plans the coalition's shared constellation"},
                                                {"roles", json::array({"producer", "host"})}}})},
                {"links", json::array({link(base, "self", "application/json"),
                                       link(base + "/queryables", "queryables", "application/schema+json"),
                                       link(base + "/order-parameters", "order-parameters", "application/schema+json"),
                                       link(base + "/opportunities", "opportunities", "application/geo+json"),
                                       link(base + "/orders", "orders", "application/geo+json")})}};
}

json number_schema(const char *description, std::optional<double> lo, std::optional<double> hi, const char *unit)
{
    json s{{"description", description}, {"type", "number"}};
    if (lo) {
        s["minimum"] = *lo;
    }
    if (hi) {
        s["maximum"] = *hi;
    }
    s["unit"] = unit;
    return s;
}

json queryables_json(const ProductInfo &p, const Fleet &fleet, const StapiContext &c)
{
    const std::string kind = p.sensor;
    json props = json::object();
    props["view:off_nadir"] = number_schema("angle from nadir to the target at the image's best time; a filter may bound it "
                                            "from above (the sensor's own limit tightens, never widens)",
                                            0.0, 90.0, "deg");
    if (kind != "optical") {
        props["view:incidence_angle"] = number_schema("incidence angle at the target (SAR); bounds from below and above",
                                                      0.0, 90.0, "deg");
    }
    if (kind != "sar") {
        props["view:sun_elevation"] = number_schema("Sun elevation at the target (optical); a lower bound", -90.0, 90.0, "deg");
        props["eo:cloud_cover"] = number_schema("largest cloud cover of the image (optical; valued with the scenario's cloud "
                                                "forecast); an upper bound",
                                                0.0, 100.0, "%");
    }
    props["gsd"] = number_schema("largest ground sample distance (optical) or ground-range resolution (SAR); an upper bound",
                                 std::nullopt, 1e5, "m");
    props["sat:orbit_state"] = json{{"description", "pass direction at the image's best time"},
                                    {"type", "string"},
                                    {"enum", json::array({"ascending", "descending"})}};
    if (kind != "optical") {
        props["sar:observation_direction"] = json{{"description", "look side of the radar (either when not given)"},
                                                  {"type", "string"},
                                                  {"enum", json::array({"left", "right"})}};
        std::set<std::string> modes;
        std::set<std::string> pols;
        for (const auto &s : fleet.satellites) {
            if (s.sensor.type != geometry::SensorType::sar) {
                continue;
            }
            if (s.sensor.modes.empty()) {
                modes.insert(s.sensor.name);
                pols.insert(s.sensor.polarizations.begin(), s.sensor.polarizations.end());
            }
            for (const auto &m : s.sensor.modes) {
                modes.insert(m.name);
                pols.insert(m.polarizations.begin(), m.polarizations.end());
            }
        }
        json mode{{"description", "SAR instrument mode (a mode name of the sensors)"}, {"type", "string"}};
        if (!modes.empty()) {
            mode["enum"] = modes;
        }
        props["sar:instrument_mode"] = std::move(mode);
        json pol_item{{"type", "string"}};
        if (!pols.empty()) {
            pol_item["enum"] = pols;
        }
        props["sar:polarizations"] = json{{"description", "polarisations the image must have (`a_contains`)"},
                                          {"type", "array"},
                                          {"items", pol_item}};
    }
    return json{{"$schema", "https://json-schema.org/draft/2020-12/schema"},
                {"$id", c.base_url + "/stapi/products/" + p.id + "/queryables"},
                {"title", fmt::format("Queryables of product {}", p.id)},
                {"description", "Properties a `filter` (CQL2 JSON: and, <, <=, >, >=, =, between, a_contains) may "
                                "constrain; each bound tightens the sensor's own limit"},
                {"type", "object"},
                {"properties", props},
                {"additionalProperties", false}};
}

json order_parameters_json(const ProductInfo &p, const StapiContext &c)
{
    return json{
        {"$schema", "https://json-schema.org/draft/2020-12/schema"},
        {"$id", c.base_url + "/stapi/products/" + p.id + "/order-parameters"},
        {"title", fmt::format("Order parameters of product {}", p.id)},
        {"type", "object"},
        {"properties",
         json{{"tier", json{{"description", "priority tier: an urgent order pre-empts every lower tier, flexible ones are "
                                            "served with what is left"},
                            {"type", "string"},
                            {"enum", json::array({"urgent", "priority", "standard", "flexible"})},
                            {"default", "standard"}}},
              {"priority", json{{"description", "value of the order within its tier"},
                                {"type", "integer"},
                                {"minimum", 1},
                                {"maximum", 10},
                                {"default", 5}}},
              {"duration_s", json{{"description", "imaging time at the target"},
                                  {"type", "number"},
                                  {"exclusiveMinimum", 0},
                                  {"default", 10},
                                  {"unit", "s"}}},
              {"id", json{{"description", "the client's id of the order; stored as `<nation>:<id>` (random when absent)"},
                          {"type", "string"},
                          {"pattern", "^[A-Za-z0-9._:-]{1,64}$"}}}}},
        {"additionalProperties", false}};
}

// ------------------------------------------------------------------------------------- payload -> request

/// The body parsed under the service's JSON rules (keys given twice, non-finite numbers: a 422 naming the key).
json parse_payload(std::string_view body, std::size_t limit)
{
    if (body.size() > limit) {
        throw ApiError(413, "payload_too_large", fmt::format("the body is over {} bytes", limit), "Content-Length");
    }
    try {
        io::check_json_text(body, "the body", max_payload_depth);
    } catch (const Error &e) {
        const std::string field = e.context().field;
        json loc = json::array({"body"});
        for (const auto &x : split_field(field)) {
            loc.push_back(x);
        }
        throw Invalid(loc, e.what(), "json_invalid");
    }
    json j = json::parse(body.begin(), body.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        throw Invalid(json::array({"body"}), "the body must be a JSON object", "json_invalid");
    }
    return j;
}

/// `datetime`: ["start", "end"] or "start/end" -> the two strings.
std::pair<std::string, std::string> read_interval(const json &v)
{
    const json loc = json::array({"body", "datetime"});
    std::string a;
    std::string b;
    if (v.is_array()) {
        if (v.size() != 2 || !v[0].is_string() || !v[1].is_string()) {
            throw Invalid(loc, "datetime must be two date-times [start, end] or an interval string \"start/end\"");
        }
        a = v[0].get<std::string>();
        b = v[1].get<std::string>();
    } else if (v.is_string()) {
        const std::string s = v.get<std::string>();
        const auto slash = s.find('/');
        if (slash == std::string::npos || s.find('/', slash + 1) != std::string::npos) {
            throw Invalid(loc, "datetime must be an interval \"start/end\" (ISO 8601, UTC)");
        }
        a = s.substr(0, slash);
        b = s.substr(slash + 1);
    } else {
        throw Invalid(loc, "datetime must be two date-times [start, end] or an interval string \"start/end\"");
    }
    if (a.empty() || b.empty() || a == ".." || b == "..") {
        throw Invalid(loc, "open intervals are not supported: give both the start and the end");
    }
    return {a, b};
}

void check_geometry(const json &g)
{
    const json loc = json::array({"body", "geometry"});
    if (!g.is_object()) {
        throw Invalid(loc, "geometry must be a GeoJSON geometry object");
    }
    if (!g.contains("type") || !g["type"].is_string()) {
        throw Invalid(json::array({"body", "geometry", "type"}), "geometry.type is required");
    }
    const std::string t = g["type"].get<std::string>();
    if (t != "Point" && t != "Polygon" && t != "MultiPolygon") {
        throw Invalid(json::array({"body", "geometry", "type"}),
                      fmt::format("geometry type '{}' is not supported: use a Point, Polygon or MultiPolygon", t));
    }
}

double number_arg(const json &v, const json &loc, const std::string &property)
{
    if (!v.is_number()) {
        throw Invalid(loc, fmt::format("{}: the bound must be a number", property));
    }
    return v.get<double>();
}

std::string string_arg(const json &v, const json &loc, const std::string &property)
{
    if (!v.is_string()) {
        throw Invalid(loc, fmt::format("{}: the value must be a string", property));
    }
    return v.get<std::string>();
}

/// Sets a numeric request key to the tighter of its current value and `x`.
void tighten(json &request, const char *key, double x, bool upper)
{
    if (request.contains(key)) {
        const double cur = request[key].get<double>();
        request[key] = upper ? std::min(cur, x) : std::max(cur, x);
    } else {
        request[key] = x;
    }
}

/// One comparison of the filter applied to the request body.
void apply_comparison(const std::string &op, const json &args, json &request, const std::string &kind, const json &loc)
{
    if (!args.is_array() || args.empty() || !args[0].is_object() || !args[0].contains("property") || !args[0]["property"].is_string()) {
        throw Invalid(loc, fmt::format("'{}' needs args [{{\"property\": name}}, value...]", op));
    }
    const std::string prop = args[0]["property"].get<std::string>();
    const std::size_t want = op == "between" ? 3 : 2;
    if (args.size() != want) {
        throw Invalid(loc, fmt::format("{}: '{}' takes {} arguments", prop, op, want));
    }
    const bool lower = op == ">" || op == ">=";
    const bool upper = op == "<" || op == "<=";
    const bool equal = op == "=";
    const bool contains = op == "a_contains";
    auto unsupported = [&](const char *what) {
        throw Invalid(loc, fmt::format("{}: {} is not supported (see the product's queryables)", prop, what));
    };
    auto not_for = [&](const char *k) {
        if (kind == k) {
            throw Invalid(loc, fmt::format("{} is not a queryable of product {}", prop, kind));
        }
    };
    if (contains && prop != "sar:polarizations") {
        unsupported("a_contains");
    }
    auto bounds = [&](std::optional<double> &lo, std::optional<double> &hi) {
        if (op == "between") {
            lo = number_arg(args[1], loc, prop);
            hi = number_arg(args[2], loc, prop);
        } else if (lower) {
            lo = number_arg(args[1], loc, prop);
        } else if (upper) {
            hi = number_arg(args[1], loc, prop);
        } else if (equal) {
            lo = hi = number_arg(args[1], loc, prop);
        } else {
            unsupported(("operator '" + op + "'").c_str());
        }
    };
    for (const auto &q : numeric_queryables) {
        if (prop != q.property) {
            continue;
        }
        if (q.not_for) {
            not_for(q.not_for);
        }
        std::optional<double> lo;
        std::optional<double> hi;
        bounds(lo, hi);
        if (lo && !q.lower_key && *lo > q.lower_free) {
            unsupported(fmt::format("a lower bound above {}", q.lower_free).c_str());
        }
        if (hi && !q.upper_key && *hi < q.upper_free) {
            unsupported("an upper bound");
        }
        if (lo && q.lower_key) {
            tighten(request, q.lower_key, *lo, false);
        }
        if (hi && q.upper_key) {
            tighten(request, q.upper_key, *hi, true);
        }
        return;
    }
    for (const auto &q : text_queryables) {
        if (prop != q.property) {
            continue;
        }
        if (q.not_for) {
            not_for(q.not_for);
        }
        if (!equal) {
            unsupported(("operator '" + op + "' (use =)").c_str());
        }
        const std::string v = string_arg(args[1], loc, prop);
        if (request.contains(q.key) && request[q.key] != v) {
            throw Invalid(loc, fmt::format("{} is given two different values", prop));
        }
        request[q.key] = v;
        return;
    }
    if (prop == polarizations_queryable) {
        not_for("optical");
        if (!contains && !equal) {
            unsupported(("operator '" + op + "' (use a_contains)").c_str());
        }
        json list = args[1].is_string() ? json::array({args[1]}) : args[1];
        if (!list.is_array() || list.empty()) {
            throw Invalid(loc, "sar:polarizations: give a list of polarisations, e.g. [\"VV\", \"VH\"]");
        }
        for (const auto &x : list) {
            const std::string v = string_arg(x, loc, prop);
            json &pol = request["polarizations"];
            if (std::find(pol.begin(), pol.end(), v) == pol.end()) {
                pol.push_back(v);
            }
        }
        return;
    }
    throw Invalid(loc, fmt::format("unknown queryable '{}' (see GET /stapi/products/{}/queryables)", prop, kind));
}

void apply_filter(const json &f, json &request, const std::string &kind, const json &loc, int depth = 0)
{
    if (!f.is_object()) {
        throw Invalid(loc, "filter must be a CQL2-JSON object");
    }
    if (f.empty()) {
        return;
    }
    for (const auto &kv : f.items()) {
        if (kv.key() != "op" && kv.key() != "args") {
            throw Invalid(loc, fmt::format("unknown key '{}' in a CQL2 expression", kv.key()));
        }
    }
    if (!f.contains("op") || !f["op"].is_string() || !f.contains("args")) {
        throw Invalid(loc, "a CQL2 expression needs \"op\" and \"args\"");
    }
    const std::string op = f["op"].get<std::string>();
    if (op == "and") {
        if (!f["args"].is_array() || depth > 8) {
            throw Invalid(loc, "'and' takes a list of expressions");
        }
        for (const auto &a : f["args"]) {
            apply_filter(a, request, kind, loc, depth + 1);
        }
        return;
    }
    static const std::set<std::string> comparisons = {"<", "<=", ">", ">=", "=", "between", "a_contains"};
    if (comparisons.count(op) == 0) {
        throw Invalid(loc, fmt::format("CQL2 operator '{}' is not supported (and, <, <=, >, >=, =, between, a_contains)", op));
    }
    apply_comparison(op, f["args"], request, kind, loc);
}

/// A STAPI payload as an /api/v1 request body. `order`: an OrderPayload (order_parameters), else an
/// OpportunityPayload (limit, next).
json to_request(const json &payload, const ProductInfo &product, bool order)
{
    const std::set<std::string> allowed = order ? std::set<std::string>{"datetime", "geometry", "filter", "order_parameters"}
                                                : std::set<std::string>{"datetime", "geometry", "filter", "limit", "next"};
    for (const auto &kv : payload.items()) {
        if (allowed.count(kv.key()) == 0) {
            throw Invalid(json::array({"body", kv.key()}), fmt::format("unknown key '{}'", kv.key()), "extra_forbidden");
        }
    }
    for (const char *k : {"datetime", "geometry"}) {
        if (!payload.contains(k)) {
            throw Invalid(json::array({"body", k}), fmt::format("'{}' is required", k), "missing");
        }
    }
    if (order && !payload.contains("order_parameters")) {
        throw Invalid(json::array({"body", "order_parameters"}), "'order_parameters' is required (may be {})", "missing");
    }
    json r = json::object();
    const auto [start, end] = read_interval(payload["datetime"]);
    check_geometry(payload["geometry"]);
    r["aoi"] = payload["geometry"];
    r["window_start_utc"] = start;
    r["window_end_utc"] = end;
    r["sensor"] = product.sensor;
    if (payload.contains("filter") && !payload["filter"].is_null()) {
        apply_filter(payload["filter"], r, product.id, json::array({"body", "filter"}));
    }
    if (order) {
        const json &op = payload["order_parameters"];
        if (!op.is_object()) {
            throw Invalid(json::array({"body", "order_parameters"}), "order_parameters must be an object");
        }
        for (const auto &kv : op.items()) {
            const std::string &k = kv.key();
            if (k != "tier" && k != "priority" && k != "duration_s" && k != "id") {
                throw Invalid(json::array({"body", "order_parameters", k}),
                              fmt::format("unknown order parameter '{}' (see GET /stapi/products/{}/order-parameters)", k,
                                          product.id),
                              "extra_forbidden");
            }
            r[k] = kv.value();
        }
    }
    return r;
}

/// The CQL2 filter that states a stored request's own limits (null when it has none).
json filter_of(const json &request)
{
    json args = json::array();
    auto cmp = [&](const char *op, const char *prop, const json &v) {
        args.push_back(json{{"op", op}, {"args", json::array({json{{"property", prop}}, v})}});
    };
    for (const auto &q : numeric_queryables) {
        if (q.lower_key && request.contains(q.lower_key)) {
            cmp(">=", q.property, request[q.lower_key]);
        }
        if (q.upper_key && request.contains(q.upper_key)) {
            cmp("<=", q.property, request[q.upper_key]);
        }
    }
    for (const auto &q : text_queryables) {
        if (request.contains(q.key) && !(q.none && request[q.key] == q.none)) {
            cmp("=", q.property, request[q.key]);
        }
    }
    if (request.contains("polarizations")) {
        args.push_back(json{{"op", "a_contains"}, {"args", json::array({json{{"property", polarizations_queryable}}, request["polarizations"]})}});
    }
    if (args.empty()) {
        return nullptr;
    }
    return args.size() == 1 ? args[0] : json{{"op", "and"}, {"args", args}};
}

/// The GeoJSON geometry of a stored request (its AOI, or its target as a Point).
json geometry_of(const json &request)
{
    if (request.contains("aoi")) {
        const json &a = request["aoi"];
        return a.value("type", std::string()) == "Feature" ? a["geometry"] : a;
    }
    const json &t = request["target"];
    return json{{"type", "Point"}, {"coordinates", json::array({t["lon_deg"], t["lat_deg"]})}};
}

// ------------------------------------------------------------------------------------------ orders

/// Vantage's request status and STAPI's OrderStatusCode (docs/api.md § STAPI, status mapping).
const char *status_code_of(const std::string &s)
{
    if (s == "SUBMITTED") return "received";
    if (s == "FEASIBLE") return "accepted";
    if (s == "INFEASIBLE") return "rejected";
    if (s == "SCHEDULED") return "scheduled";
    if (s == "ACQUIRED") return "processing";
    if (s == "DELIVERED") return "completed";
    if (s == "CANCELLED") return "user_cancelled";
    if (s == "EXPIRED") return "expired";
    return "received";
}

/// The plan's unserved reason (plan.hpp UnservedReason) as a STAPI reason code.
const char *reason_of_unserved(const std::string &r)
{
    if (r == "outcompeted") return "competition";
    if (r == "clouds") return "cloud_cover";
    if (r == "storage") return "onboard_storage";
    return nullptr;
}

std::string reason_code_of_unserved(const std::string &r)
{
    const char *mapped = reason_of_unserved(r);
    return mapped ? mapped : r; // no_opportunity, downlink, share_limit, power, stereo keep their names
}

/// Unserved reasons of the caller's view of the latest plan, by request id (first occurrence's reason).
std::map<std::string, std::string> unserved_reasons(Service &s, const Principal &p)
{
    std::map<std::string, std::string> out;
    Response r;
    try {
        r = s.get_plan(p);
    } catch (const ApiError &) {
        return out; // no plan yet
    }
    if (r.status != 200) {
        return out;
    }
    const json doc = json::parse(r.body, nullptr, false);
    if (!doc.is_object() || !doc.contains("unserved")) {
        return out;
    }
    for (const auto &u : doc["unserved"]) {
        const std::string id = u.value("request_id", std::string());
        if (!id.empty() && out.count(id) == 0) {
            out[id] = u.value("reason", std::string());
        }
    }
    return out;
}

json order_status(const std::string &status, const std::string &time_utc, const json &reason_code, const json &reason_text)
{
    return json{{"timestamp", time_utc},
                {"status_code", status_code_of(status)},
                {"reason_code", reason_code},
                {"reason_text", reason_text},
                {"links", json::array()}};
}

/// The statuses of a request (GET /api/v1/requests/{id}'s answer) in STAPI's form, oldest first; the last one
/// carries the current reason (`unserved`: the latest plan's reason for this request, if any).
json statuses_of(const json &r, const std::optional<std::string> &unserved)
{
    json out = json::array();
    for (const auto &h : r["status_history"]) {
        const std::string st = h.value("status", std::string());
        json code = nullptr;
        if (st == "INFEASIBLE") {
            code = "infeasible";
        } else if (st == "EXPIRED") {
            code = "window_passed";
        }
        const std::string note = h.value("note", std::string());
        out.push_back(order_status(st, h.value("time_utc", std::string()), code, note.empty() ? json(nullptr) : json(note)));
    }
    if (out.empty()) {
        out.push_back(order_status(r.value("status", std::string()), r.value("created_utc", std::string()), nullptr, nullptr));
    }
    json &last = out.back();
    const std::string cur = r.value("status", std::string());
    if (cur == "INFEASIBLE" && r.contains("feasibility") && r["feasibility"].is_object()
        && r["feasibility"].value("reason", json(nullptr)).is_string()) {
        last["reason_text"] = r["feasibility"]["reason"];
    }
    if (cur == "FEASIBLE") {
        const bool failed = std::any_of(r["acquisitions"].begin(), r["acquisitions"].end(),
                                        [](const json &a) { return a.value("state", std::string()) == "failed"; });
        if (failed) {
            last["reason_code"] = "acquisition_failed";
        } else if (unserved) {
            last["reason_code"] = reason_code_of_unserved(*unserved);
            last["reason_text"] = fmt::format("the latest plan left it unserved: {}", *unserved);
        }
    }
    return out;
}

/// A request (GET /api/v1/requests/{id}'s answer) as a STAPI Order.
json order_json(const json &r, const std::optional<std::string> &unserved, const StapiContext &c)
{
    json request = r;
    for (const char *k : {"status", "created_utc", "updated_utc", "status_history", "feasibility", "acquisitions"}) {
        request.erase(k);
    }
    const std::string id = r.value("id", std::string());
    const json statuses = statuses_of(r, unserved);
    json opportunity = json::object();
    for (const auto &a : r["acquisitions"]) {
        const std::string st = a.value("state", std::string());
        if (st == "superseded") {
            continue;
        }
        opportunity = json{{"datetime", a.value("start_utc", std::string()) + "/" + a.value("end_utc", std::string())},
                           {"vantage:acquisition_id", a["acquisition_id"]},
                           {"vantage:satellite", a["satellite"]},
                           {"vantage:norad_id", a["norad_id"]},
                           {"vantage:state", st}};
    }
    json params{{"tier", request.value("tier", std::string("standard"))},
                {"priority", request.value("priority", 5)},
                {"duration_s", request.value("duration_s", 10.0)},
                {"id", id}};
    json search{{"datetime", request.value("window_start_utc", std::string()) + "/" + request.value("window_end_utc", std::string())},
                {"geometry", geometry_of(request)},
                {"filter", filter_of(request)}};
    const std::string href = c.base_url + "/stapi/orders/" + id;
    json properties{{"product_id", product_of(request)},
                    {"created", r.value("created_utc", std::string())},
                    {"status", statuses.back()},
                    {"search_parameters", search},
                    {"opportunity_properties", opportunity},
                    {"order_parameters", params},
                    {"vantage:status", r.value("status", std::string())},
                    {"vantage:updated", r.value("updated_utc", std::string())}};
    if (request.contains("repeat")) {
        properties["vantage:repeat"] = request["repeat"];
    }
    return json{{"type", "Feature"},
                {"stapi_type", "Order"},
                {"stapi_version", stapi_version},
                {"id", id},
                {"user", request.value("tenant", std::string())},
                {"created", r.value("created_utc", std::string())},
                {"geometry", search["geometry"]},
                {"properties", properties},
                {"status", statuses.back()},
                {"links", json::array({link(href, "self", "application/geo+json"),
                                       link(href + "/statuses", "monitor", "application/json", "the order's statuses"),
                                       link(c.base_url + "/api/v1/requests/" + id, "alternate", "application/json",
                                            "the order as a Vantage request")})}};
}

int read_limit(const Query &q)
{
    const auto it = q.find("limit");
    if (it == q.end()) {
        return default_limit;
    }
    const std::string &s = it->second;
    const bool digits = !s.empty() && s.size() <= 4 && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    const int v = digits ? std::stoi(s) : 0;
    if (v < 1 || v > max_limit) {
        throw Invalid(json::array({"query", "limit"}), fmt::format("limit must be an integer in 1..{}", max_limit));
    }
    return v;
}

std::optional<std::string> query_of(const Query &q, const char *key)
{
    const auto it = q.find(key);
    return it == q.end() ? std::nullopt : std::optional<std::string>(it->second);
}

/// "2025-10-03T10:00:00Z" moved by `seconds` (same form).
std::string shifted(const std::string &iso, double seconds)
{
    return (time::Instant::parse_iso8601(iso) + time::Duration::from_seconds(seconds)).to_iso8601_utc(3);
}

/// The feasibility answer's windows as STAPI Opportunities: windows of one satellite and occurrence that overlap
/// (an AOI is searched at several points) are one opportunity spanning them, with the best point's figures.
json opportunity_features(const json &feasibility, const json &payload, const ProductInfo &product, const StapiContext &c)
{
    struct Group {
        json best;
        std::string start;
        std::string end;
    };
    std::vector<Group> groups;
    for (const auto &o : feasibility["opportunities"]) {
        const std::string s = o["start_utc"].get<std::string>();
        const std::string e = o["end_utc"].get<std::string>();
        auto it = std::find_if(groups.begin(), groups.end(), [&](const Group &g) {
            return g.best["norad_id"] == o["norad_id"] && g.best["occurrence"] == o["occurrence"] && s <= g.end && g.start <= e;
        });
        if (it == groups.end()) {
            groups.push_back(Group{o, s, e});
            continue;
        }
        it->start = std::min(it->start, s);
        it->end = std::max(it->end, e);
        if (o["off_nadir_deg_at_best"].get<double>() < it->best["off_nadir_deg_at_best"].get<double>()) {
            it->best = o;
        }
    }
    std::sort(groups.begin(), groups.end(), [](const Group &a, const Group &b) { return a.start < b.start; });
    const std::string order_href = c.base_url + "/stapi/products/" + product.id + "/orders";
    json features = json::array();
    for (const auto &g : groups) {
        const json &o = g.best;
        json props{{"product_id", product.id},
                   {"datetime", g.start + "/" + g.end},
                   {"view:off_nadir", o["off_nadir_deg_at_best"]},
                   {"view:incidence_angle", o["incidence_deg_at_best"]}};
        if (o["sensor"].is_string() && o["sun_elevation_deg_at_best"].is_number()) {
            props["view:sun_elevation"] = o["sun_elevation_deg_at_best"];
        }
        const std::string pass = o.value("pass_direction", std::string());
        if (pass == "ascending" || pass == "descending") {
            props["sat:orbit_state"] = pass;
        }
        const std::string side = o.value("look_side", std::string());
        if ((side == "left" || side == "right") && std::string(product.sensor) != "optical") {
            props["sar:observation_direction"] = side;
        }
        props["vantage:satellite"] = o["satellite"];
        props["vantage:norad_id"] = o["norad_id"];
        props["vantage:sensor"] = o["sensor"];
        props["vantage:best_utc"] = o["best_utc"];
        props["vantage:occurrence"] = o["occurrence"];
        props["vantage:partial"] = o["partial"];
        json body{{"datetime", json::array({shifted(g.start, -order_window_margin_s), shifted(g.end, order_window_margin_s)})},
                  {"geometry", payload["geometry"]},
                  {"order_parameters", json::object()}};
        if (payload.contains("filter") && !payload["filter"].is_null()) {
            body["filter"] = payload["filter"];
        }
        json order_link{{"href", order_href}, {"rel", "create-order"}, {"type", "application/json"}, {"method", "POST"},
                        {"body", body}, {"title", "order an image in this opportunity"}};
        features.push_back(json{{"type", "Feature"},
                                {"id", fmt::format("{}-{}-{}", o["norad_id"].get<long long>(), o["occurrence"].get<long long>(),
                                                   g.start)},
                                {"geometry", payload["geometry"]},
                                {"properties", props},
                                {"links", json::array({order_link})}});
    }
    return features;
}

/// The OpportunityCollection page of a finished search: `limit` features from offset `next`.
Response opportunity_page(const Response &search, const json &payload, const ProductInfo &product, const StapiContext &c)
{
    if (search.status != 200) {
        return restyle(search);
    }
    const json f = json::parse(search.body);
    const json all = opportunity_features(f, payload, product, c);
    const std::size_t limit = payload.contains("limit") ? payload["limit"].get<std::size_t>() : default_limit;
    std::size_t from = 0;
    if (payload.contains("next") && payload["next"].is_string()) {
        from = std::stoul(payload["next"].get<std::string>());
    }
    json page = json::array();
    for (std::size_t i = from; i < all.size() && i < from + limit; ++i) {
        page.push_back(all[i]);
    }
    json links = json::array();
    if (from + limit < all.size()) {
        json body = payload;
        body["next"] = std::to_string(from + limit);
        links.push_back(json{{"href", c.base_url + "/stapi/products/" + product.id + "/opportunities"},
                             {"rel", "next"},
                             {"type", "application/geo+json"},
                             {"method", "POST"},
                             {"body", body}});
    }
    json out{{"type", "FeatureCollection"}, {"features", page}, {"links", links}};
    if (f.value("truncated", false)) {
        out["vantage:truncated"] = true;
    }
    if (f.contains("reason") && f["reason"].is_string()) {
        out["vantage:reason"] = f["reason"];
    }
    return json_answer(200, out, "application/geo+json");
}

void check_page_params(const json &payload)
{
    if (payload.contains("limit")) {
        const json &l = payload["limit"];
        if (!l.is_number_integer() || l.get<long long>() < 1 || l.get<long long>() > max_limit) {
            throw Invalid(json::array({"body", "limit"}), fmt::format("limit must be an integer in 1..{}", max_limit));
        }
    }
    if (payload.contains("next") && !payload["next"].is_null()) {
        const json &n = payload["next"];
        const bool ok = n.is_string() && !n.get<std::string>().empty() && n.get<std::string>().size() <= 9
                        && std::all_of(n.get<std::string>().begin(), n.get<std::string>().end(),
                                       [](char ch) { return ch >= '0' && ch <= '9'; });
        if (!ok) {
            throw Invalid(json::array({"body", "next"}), "next must be the token of a `next` link");
        }
    }
}

bool wants_async(const StapiContext &c, const Query &q)
{
    auto has = [](const std::string &v) { return v.find("respond-async") != std::string::npos; };
    if (const auto p = query_of(q, "prefer")) {
        if (*p != "respond-async" && *p != "wait") {
            throw Invalid(json::array({"query", "prefer"}), "prefer must be respond-async or wait");
        }
        return *p == "respond-async";
    }
    return c.prefer && has(*c.prefer);
}

std::string random_search_id()
{
    static std::atomic<unsigned long long> counter{0};
    const auto t = std::chrono::steady_clock::now().time_since_epoch().count();
    return fmt::format("os-{:x}-{:x}", static_cast<unsigned long long>(t) & 0xffffffffffULL, ++counter);
}

} // namespace

// -------------------------------------------------------------------------------------------- Stapi

Stapi::Stapi(Service &service, StapiOptions options) : m_service(service), m_options(options)
{
    m_thread = std::thread([this] { search_loop(); });
}

Stapi::~Stapi()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

Response Stapi::error_response(const ApiError &e)
{
    if (e.status() == 400) {
        auto [loc, msg] = stapi_loc(e.field(), e.what());
        return validation_answer(loc, msg, e.code());
    }
    Response r = json_answer(e.status(), json{{"detail", e.what()},
                                              {"code", e.code()},
                                              {"field", e.field().empty() ? json(nullptr) : json(e.field())}});
    if (e.status() == 401) {
        r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"vantage\"");
    }
    return r;
}

template <class F>
Response Stapi::guarded(F &&f)
{
    try {
        return restyle(f());
    } catch (const Invalid &e) {
        return validation_answer(e.loc, e.what(), e.type);
    } catch (const ApiError &e) {
        return error_response(e);
    } catch (const Error &e) {
        return error_response(to_api_error(e));
    } catch (const std::exception &e) {
        // A bug, not the client's fault: the service logs it, the client gets STAPI's shape.
        std::cerr << "vantage serve: stapi: internal error: " << e.what() << '\n';
        return json_answer(500, json{{"detail", "internal error"}, {"code", "internal"}, {"field", nullptr}});
    }
}

Response Stapi::landing(const StapiContext &c)
{
    const std::string b = c.base_url + "/stapi";
    return json_answer(
        200, json{{"id", "vantage-stapi"},
                  {"title", "Vantage coalition tasking (STAPI)"},
                  {"description", "Order images from the coalition's shared constellation: products, opportunities from "
                                  "the access engine, orders planned by Vantage's tasking planner"},
                  {"conformsTo", json::array({"https://stapi.example.com/v0.1.0/core", "https://stapi.example.com/v0.1.0/opportunities",
                                              "https://stapi.example.com/v0.1.0/opportunities-async",
                                              "https://geojson.org/schema/Point.json", "https://geojson.org/schema/Polygon.json",
                                              "https://geojson.org/schema/MultiPolygon.json"})},
                  {"links", json::array({link(b + "/", "self", "application/json"),
                                         link(b + "/conformance", "conformance", "application/json",
                                              "Conformance classes implemented by this API"),
                                         link(b + "/products", "products", "application/json", "Products"),
                                         link(b + "/orders", "orders", "application/geo+json", "This nation's orders"),
                                         link(c.base_url + "/api/v1/openapi.json", "alternate", "application/json",
                                              "Vantage's own API (/api/v1), on the same store")})}});
}

Response Stapi::conformance(const StapiContext &c)
{
    json l = json::parse(landing(c).body);
    return json_answer(200, json{{"conformsTo", l["conformsTo"]}});
}

Response Stapi::products(const Principal &, const StapiContext &c)
{
    return guarded([&] {
        json list = json::array();
        for (const ProductInfo *p : offered(*m_service.fleet())) {
            list.push_back(product_json(*p, c));
        }
        return json_answer(200, json{{"products", list}, {"links", json::array({link(c.base_url + "/stapi/products", "self", "application/json")})}});
    });
}

Response Stapi::product(const Principal &, const std::string &product_id, const StapiContext &c)
{
    return guarded([&] { return json_answer(200, product_json(find_product(*m_service.fleet(), product_id), c)); });
}

Response Stapi::queryables(const Principal &, const std::string &product_id, const StapiContext &c)
{
    return guarded([&] {
        const auto fleet = m_service.fleet();
        return json_answer(200, queryables_json(find_product(*fleet, product_id), *fleet, c), "application/schema+json");
    });
}

Response Stapi::order_parameters(const Principal &, const std::string &product_id, const StapiContext &c)
{
    return guarded([&] {
        return json_answer(200, order_parameters_json(find_product(*m_service.fleet(), product_id), c), "application/schema+json");
    });
}

Response Stapi::opportunities(const Principal &p, const std::string &product_id, std::string_view body, const Query &q,
                              const StapiContext &c)
{
    return guarded([&]() -> Response {
        const ProductInfo &product = find_product(*m_service.fleet(), product_id);
        const json payload = parse_payload(body, m_service.options().max_request_body_bytes);
        const json request = to_request(payload, product, false);
        check_page_params(payload);
        const bool async = wants_async(c, q);
        if (async) {
            std::lock_guard lock(m_mutex);
            const auto pending = std::count_if(m_queue.begin(), m_queue.end(), [&](const auto &s) { return s->tenant == p.tenant; });
            if (static_cast<std::size_t>(pending) >= m_options.max_pending_per_nation) {
                Response r = json_answer(429, json{{"detail", fmt::format("nation {} has {} opportunity searches waiting; "
                                                                          "try again when one has finished",
                                                                          p.tenant, pending)},
                                                   {"code", "rate_limited"},
                                                   {"field", nullptr}});
                r.headers.emplace_back("Retry-After", "5");
                return r;
            }
        }
        Service::PreparedSearch prepared = m_service.prepare_feasibility(p, request.dump());
        if (prepared.refused) {
            return *prepared.refused;
        }
        if (!async) {
            Response r = opportunity_page(prepared.run(), payload, product, c);
            if (c.prefer && c.prefer->find("wait") != std::string::npos) {
                r.headers.emplace_back("Preference-Applied", "wait");
            }
            return r;
        }
        auto s = std::make_shared<Search>();
        s->id = random_search_id();
        s->tenant = p.tenant;
        s->product_id = product.id;
        s->created_utc = s->status_utc = m_service.now().to_iso8601_utc(6);
        s->request = payload;
        const ProductInfo *prod = &product;
        auto run = std::move(prepared.run);
        s->run = [run, payload, prod, c]() { return opportunity_page(run(), payload, *prod, c); };
        json answer;
        {
            std::lock_guard lock(m_mutex);
            // Forget the oldest finished searches of this nation beyond the cap.
            std::vector<std::shared_ptr<Search>> mine;
            for (const auto &kv : m_searches) {
                if (kv.second->tenant == p.tenant && kv.second->result) {
                    mine.push_back(kv.second);
                }
            }
            std::sort(mine.begin(), mine.end(), [](const auto &a, const auto &b) { return a->created_utc < b->created_utc; });
            for (std::size_t i = 0; i + m_options.max_kept_per_nation <= mine.size(); ++i) {
                m_searches.erase(mine[i]->id);
            }
            m_searches[s->id] = s;
            m_queue.push_back(s);
            answer = search_json(*s, c);
        }
        m_cv.notify_all();
        Response r = json_answer(202, answer);
        r.headers.emplace_back("Preference-Applied", "respond-async");
        r.headers.emplace_back("Location", "/stapi/searches/opportunities/" + s->id);
        return r;
    });
}

json Stapi::search_json(const Search &s, const StapiContext &c) const
{
    const std::string self = c.base_url + "/stapi/searches/opportunities/" + s.id;
    json links = json::array({link(self, "self", "application/json")});
    if (s.status == "completed") {
        links.push_back(link(c.base_url + "/stapi/products/" + s.product_id + "/opportunities/" + s.id, "opportunities",
                             "application/geo+json", "the opportunities found"));
    }
    json status{{"timestamp", s.status_utc}, {"status_code", s.status}, {"reason_code", nullptr}, {"reason_text", nullptr}, {"links", json::array()}};
    if (s.status == "failed" && s.result) {
        const json b = json::parse(s.result->body, nullptr, false);
        status["reason_code"] = b.is_object() ? b.value("code", std::string("failed")) : std::string("failed");
        status["reason_text"] = s.result->body;
    }
    return json{{"id", s.id},
                {"product_id", s.product_id},
                {"opportunity_request", s.request},
                {"status", status},
                {"links", links}};
}

void Stapi::search_loop()
{
    for (;;) {
        std::shared_ptr<Search> s;
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [&] { return m_stop || !m_queue.empty(); });
            if (m_stop) {
                return;
            }
            s = m_queue.front();
            m_queue.pop_front();
            s->status = "in_progress";
            s->status_utc = m_service.now().to_iso8601_utc(6);
        }
        Response r;
        try {
            r = s->run();
        } catch (const ApiError &e) {
            r = error_response(e);
        } catch (const Error &e) {
            r = error_response(to_api_error(e));
        } catch (const std::exception &e) {
            r = json_answer(500, json{{"detail", "internal error"}, {"code", "internal"}, {"field", nullptr}});
        }
        std::lock_guard lock(m_mutex);
        s->status = r.status == 200 ? "completed" : "failed";
        s->status_utc = m_service.now().to_iso8601_utc(6);
        s->result = std::move(r);
        s->run = nullptr;
    }
}

namespace {
/// A search the caller may see: its own nation's (coalition roles too: a search is its asker's).
bool visible(const std::string &tenant, const Principal &p)
{
    return tenant == p.tenant;
}
} // namespace

Response Stapi::search_records(const Principal &p, const StapiContext &c)
{
    return guarded([&] {
        json list = json::array();
        std::lock_guard lock(m_mutex);
        std::vector<std::shared_ptr<Search>> mine;
        for (const auto &kv : m_searches) {
            if (visible(kv.second->tenant, p)) {
                mine.push_back(kv.second);
            }
        }
        std::sort(mine.begin(), mine.end(), [](const auto &a, const auto &b) { return a->created_utc < b->created_utc; });
        for (const auto &s : mine) {
            list.push_back(search_json(*s, c));
        }
        return json_answer(200, json{{"search_records", list},
                                     {"links", json::array({link(c.base_url + "/stapi/searches/opportunities", "self", "application/json")})}});
    });
}

Response Stapi::search_record(const Principal &p, const std::string &search_id, const StapiContext &c)
{
    return guarded([&] {
        std::lock_guard lock(m_mutex);
        const auto it = m_searches.find(search_id);
        if (it == m_searches.end() || !visible(it->second->tenant, p)) {
            throw ApiError(404, "not_found", fmt::format("no opportunity search '{}'", search_id), "searchRecordId");
        }
        return json_answer(200, search_json(*it->second, c));
    });
}

Response Stapi::search_result(const Principal &p, const std::string &product_id, const std::string &search_id,
                              const StapiContext &)
{
    return guarded([&] {
        std::lock_guard lock(m_mutex);
        const auto it = m_searches.find(search_id);
        if (it == m_searches.end() || !visible(it->second->tenant, p) || it->second->product_id != product_id) {
            throw ApiError(404, "not_found", fmt::format("no opportunity search '{}' of product '{}'", search_id, product_id),
                           "opportunityCollectionId");
        }
        if (!it->second->result) {
            throw ApiError(409, "conflict", fmt::format("search '{}' is {}: its record says when it has completed", search_id,
                                                        it->second->status),
                           "opportunityCollectionId");
        }
        return *it->second->result;
    });
}

Response Stapi::create_order(const Principal &p, const std::string &product_id, std::string_view body, const StapiContext &c)
{
    return guarded([&]() -> Response {
        const ProductInfo &product = find_product(*m_service.fleet(), product_id);
        const json payload = parse_payload(body, m_service.options().max_request_body_bytes);
        const json request = to_request(payload, product, true);
        const Response created = m_service.submit_request(p, request.dump(), c.idempotency_key);
        if (created.status != 201) {
            return created;
        }
        const std::string id = json::parse(created.body)["id"].get<std::string>();
        const Response stored = m_service.get_request(p, id);
        Response r = json_answer(201, order_json(json::parse(stored.body), std::nullopt, c), "application/geo+json");
        r.headers.emplace_back("Location", "/stapi/orders/" + id);
        for (const auto &h : created.headers) {
            if (h.first == "Idempotent-Replayed") {
                r.headers.push_back(h);
            }
        }
        return r;
    });
}

Response Stapi::orders(const Principal &p, const std::optional<std::string> &product_id, const Query &q, const StapiContext &c)
{
    return guarded([&]() -> Response {
        if (product_id) {
            find_product(*m_service.fleet(), *product_id);
        }
        const int limit = read_limit(q);
        // The `next` token is "<cursor of a page of the service's list>~<items of it already shown>" (the list is in
        // submission order and never repeats or skips, so neither does this one).
        std::string cursor;
        std::size_t skip = 0;
        if (const auto n = query_of(q, "next")) {
            const auto tilde = n->find('~');
            const std::string cur = n->substr(0, tilde);
            const std::string k = tilde == std::string::npos ? std::string() : n->substr(tilde + 1);
            auto digits = [](const std::string &x) {
                return !x.empty() && x.size() <= 9 && std::all_of(x.begin(), x.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
            };
            if (tilde == std::string::npos || !digits(k) || !(cur.empty() || (cur[0] == 's' && digits(cur.substr(1))))) {
                throw Invalid(json::array({"query", "next"}), "next must be the token of a `next` link");
            }
            cursor = cur;
            skip = std::stoul(k);
        }
        const auto unserved = unserved_reasons(m_service, p);
        json features = json::array();
        std::optional<std::string> next;
        for (bool more = true; more;) {
            Query page{{"limit", std::to_string(limit)}};
            if (!cursor.empty()) {
                page.emplace("cursor", cursor);
            }
            if (const auto t = query_of(q, "tenant")) {
                page.emplace("tenant", *t);
            }
            const Response listed = m_service.list_requests(p, page);
            if (listed.status != 200) {
                return listed;
            }
            const json l = json::parse(listed.body);
            const json &items = l["items"];
            const std::string page_next = l["next_cursor"].is_string() ? l["next_cursor"].get<std::string>() : "";
            more = !page_next.empty();
            for (std::size_t i = skip; i < items.size(); ++i) {
                const json &item = items[i];
                if (product_id && product_of(item) != *product_id) {
                    continue;
                }
                const std::string id = item["id"].get<std::string>();
                const Response one = m_service.get_request(p, id);
                if (one.status != 200) {
                    continue;
                }
                const auto u = unserved.find(id);
                features.push_back(order_json(json::parse(one.body), u == unserved.end() ? std::nullopt : std::optional(u->second), c));
                if (static_cast<int>(features.size()) == limit) {
                    if (i + 1 < items.size()) {
                        next = cursor + "~" + std::to_string(i + 1);
                    } else if (more) {
                        next = page_next + "~0";
                    }
                    more = false;
                    break;
                }
            }
            skip = 0;
            cursor = page_next;
        }
        json links = json::array({link(c.base_url + (product_id ? "/stapi/products/" + *product_id : std::string("/stapi")) + "/orders",
                                       "self", "application/geo+json")});
        if (next) {
            links.push_back(link(c.base_url + (product_id ? "/stapi/products/" + *product_id : std::string("/stapi")) + "/orders?limit="
                                     + std::to_string(limit) + "&next=" + *next,
                                 "next", "application/geo+json"));
        }
        return json_answer(200, json{{"type", "FeatureCollection"}, {"features", features}, {"links", links}}, "application/geo+json");
    });
}

Stapi::Order Stapi::load_order(const Principal &p, const std::string &order_id)
{
    Order o;
    Response one = m_service.get_request(p, order_id);
    if (one.status != 200) {
        o.refused = std::move(one);
        return o;
    }
    o.request = json::parse(one.body);
    const auto unserved = unserved_reasons(m_service, p);
    if (const auto u = unserved.find(o.request["id"].get<std::string>()); u != unserved.end()) {
        o.unserved = u->second;
    }
    return o;
}

Response Stapi::order(const Principal &p, const std::string &order_id, const StapiContext &c)
{
    return guarded([&]() -> Response {
        Order o = load_order(p, order_id);
        if (o.refused) {
            return *o.refused;
        }
        return json_answer(200, order_json(o.request, o.unserved, c), "application/geo+json");
    });
}

Response Stapi::order_statuses(const Principal &p, const std::string &order_id, const Query &q, const StapiContext &c)
{
    return guarded([&]() -> Response {
        const int limit = read_limit(q);
        std::size_t from = 0;
        if (const auto n = query_of(q, "next")) {
            const bool digits = !n->empty() && n->size() <= 9 && std::all_of(n->begin(), n->end(), [](char ch) { return ch >= '0' && ch <= '9'; });
            if (!digits) {
                throw Invalid(json::array({"query", "next"}), "next must be the token of a `next` link");
            }
            from = std::stoul(*n);
        }
        Order o = load_order(p, order_id);
        if (o.refused) {
            return *o.refused;
        }
        const json &r = o.request;
        const json all = statuses_of(r, o.unserved);
        json page = json::array();
        for (std::size_t i = from; i < all.size() && i < from + static_cast<std::size_t>(limit); ++i) {
            page.push_back(all[i]);
        }
        const std::string self = c.base_url + "/stapi/orders/" + r["id"].get<std::string>() + "/statuses";
        json links = json::array({link(self, "self", "application/json")});
        if (from + static_cast<std::size_t>(limit) < all.size()) {
            links.push_back(link(self + "?limit=" + std::to_string(limit) + "&next=" + std::to_string(from + limit), "next",
                                 "application/json"));
        }
        return json_answer(200, json{{"statuses", page}, {"links", links}});
    });
}

} // namespace vantage::api
