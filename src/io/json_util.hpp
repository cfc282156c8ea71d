#pragma once
// JSON helpers shared by the io readers of JSON documents (private header): typed access with errors that
// name the source and the JSON path, and the conversion of a YAML subtree into JSON so that one reader serves
// both syntaxes (the scenario's inline GeoJSON and requests).

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "vantage/core/error.hpp"
#include "vantage/geometry/polygon.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::io::detail {

/// Where a JSON value came from: the source name, a line (0 if unknown; YAML subtrees pass their node's line)
/// and the path prefix of the value ("" for a document root, "requests[3]" inside a scenario).
/// Longest key quoted whole in a key path (longer keys are cut and end in "...").
inline constexpr std::size_t max_key_in_path = 100;

struct JsonWhere {
    std::string source;
    int line = 0;
    std::string path;

    JsonWhere child(std::string_view key) const;
    JsonWhere index(std::size_t i) const;
    [[noreturn]] void fail(ErrorCode code, const std::string &message, const std::string &value = {}) const;
};

/// Parses JSON text. @throws ParseError(syntax) with the line of the error.
/// Deepest nesting of objects/arrays accepted (a MultiPolygon AOI needs 5).
inline constexpr int max_json_depth = 64;

/// Keys given twice in one object are refused (syntax, naming the key path); an error inside one value (NaN,
/// Infinity, 1e999, a bad literal or string) names that value's key path.
/// `skip_keys`: the values of these keys (at any depth) are checked for syntax but not built: the document holds
/// neither key nor value (a reader that does not need a large part of a file saves the time to build it).
nlohmann::json parse_json(std::string_view text, const std::string &source_name, int max_depth = max_json_depth,
                          const std::vector<std::string> *skip_keys = nullptr);

/// Short text of a JSON value for error messages.
std::string json_excerpt(const nlohmann::json &v);

/// The object's keys must all be in `allowed`. @throws ConfigError(syntax) if not an object, (unknown_key).
void check_object(const nlohmann::json &v, const JsonWhere &at, std::initializer_list<std::string_view> allowed);

double json_number(const nlohmann::json &v, const JsonWhere &at);
double json_number_in(const nlohmann::json &v, const JsonWhere &at, double lo, double hi, bool lo_open = false,
                      bool hi_open = false);
int json_int_in(const nlohmann::json &v, const JsonWhere &at, int lo, int hi);
std::string json_string(const nlohmann::json &v, const JsonWhere &at);
bool json_bool(const nlohmann::json &v, const JsonWhere &at);
/// True if an ISO 8601 text has a time part ending in a zone designator ('Z', "UTC" or a numeric offset).
bool has_zone_designator(std::string_view text);
/// An ISO 8601 UTC time with its zone designator: "2025-10-03T06:00:00Z" or "...+00:00". A time without a zone
/// (or a date alone) is refused rather than taken as UTC. @throws ConfigError(invalid_time) naming `at`.
time::Instant json_instant(const nlohmann::json &v, const JsonWhere &at);

/// A GeoJSON Polygon / MultiPolygon geometry object → validated polygon (coordinates in range, rings closed,
/// simple, non-zero area, holes inside their outer ring: geometry::validate_polygon).
/// @param max_positions most positions in all rings together (a request AOI is bounded; files are not)
geometry::Polygon polygon_from_geojson(const nlohmann::json &geometry, const JsonWhere &at,
                                       std::size_t max_positions = static_cast<std::size_t>(-1));
/// The geometry as a JSON value (rings closed).
nlohmann::json polygon_to_json(const geometry::Polygon &polygon);

/// A YAML subtree as JSON: maps and sequences keep their shape; a plain scalar becomes null (`~`, `null`,
/// empty), a bool (`true`/`false`), a number (if it parses completely as one) or a string; a quoted scalar is
/// always a string. @throws ConfigError(duplicate) naming the path under `at` of a key given twice in a map.
nlohmann::json yaml_to_json(const YAML::Node &node, const JsonWhere &at);

} // namespace vantage::io::detail
