#include "vantage/io/file_kind.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "vantage/io/omm.hpp"

#include "text_util.hpp"

namespace vantage::io {

namespace {

constexpr std::array<std::pair<FileKind, std::string_view>, 8> kind_names{{
    {FileKind::tle, "tle"},
    {FileKind::omm, "omm"},
    {FileKind::stations, "stations"},
    {FileKind::access_scenario, "access-scenario"},
    {FileKind::coverage_scenario, "coverage-scenario"},
    {FileKind::tasking_scenario, "tasking-scenario"},
    {FileKind::requests, "requests"},
    {FileKind::design, "design"},
}};

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

/// Whether `line` looks like TLE line 1: "1 NNNNNC ..." of at least 60 characters.
bool looks_like_tle_line1(std::string_view line)
{
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
        line.remove_suffix(1);
    }
    // cols 1-2 "1 ", 3-7 catalog number (Alpha-5 may start with a letter), 8 classification, 9 blank
    return line.size() >= 60 && line[0] == '1' && line[1] == ' ' && line[8] == ' '
           && std::isdigit(static_cast<unsigned char>(line[6])) != 0;
}

/// The first line that is not blank and not a '#' comment.
std::string_view first_content_line(std::string_view text)
{
    if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF) {
        text.remove_prefix(3);
    }
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        const auto b = line.find_first_not_of(" \t\r");
        if (b != std::string_view::npos && line[b] != '#') {
            return line;
        }
        if (nl == std::string_view::npos) {
            break;
        }
        text.remove_prefix(nl + 1);
    }
    return {};
}

/// The kind of a YAML (or JSON) document by its top-level keys; nullopt when it is not a map or list of maps.
std::optional<FileKindGuess> yaml_kind(const YAML::Node &root)
{
    if (root.IsSequence()) {
        // a bare list: requests when its items have request keys
        if (root.size() > 0 && root[0].IsMap()
            && (root[0]["window_start_utc"] || root[0]["target"] || root[0]["aoi"] || root[0]["priority"])) {
            return FileKindGuess{FileKind::requests, "a top-level list of requests"};
        }
        return std::nullopt;
    }
    if (!root.IsMap()) {
        return std::nullopt;
    }
    std::vector<std::string> keys;
    for (const auto &kv : root) {
        if (kv.first.IsScalar()) {
            keys.push_back(kv.first.Scalar());
        }
    }
    const auto has = [&](std::string_view k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); };
    if (keys.size() == 1 && has("requests")) {
        return FileKindGuess{FileKind::requests, "its only top-level key is 'requests'"};
    }
    for (std::string_view k : {"tenants", "requests", "requests_file", "planning", "relays", "station_outages", "clouds",
                               "latency_regions"}) {
        if (has(k)) {
            return FileKindGuess{FileKind::tasking_scenario, "top-level key '" + std::string(k) + "'"};
        }
    }
    for (std::string_view k : {"coverage", "aoi"}) {
        if (has(k)) {
            return FileKindGuess{FileKind::coverage_scenario, "top-level key '" + std::string(k) + "'"};
        }
    }
    if (has("groups")) {
        return FileKindGuess{FileKind::design, "top-level key 'groups'"};
    }
    for (std::string_view k : {"satellites", "targets", "sensors", "ground_stations", "start_utc", "stop_utc", "duration_h"}) {
        if (has(k)) {
            return FileKindGuess{FileKind::access_scenario, "top-level key '" + std::string(k) + "'"};
        }
    }
    return std::nullopt;
}

std::optional<YAML::Node> load_yaml(std::string_view text)
{
    try {
        return YAML::Load(std::string(text));
    } catch (const std::exception &) {
        return std::nullopt;
    }
}

} // namespace

std::string_view to_string(FileKind kind) noexcept
{
    for (const auto &[k, name] : kind_names) {
        if (k == kind) {
            return name;
        }
    }
    return "unknown";
}

std::optional<FileKind> parse_file_kind(std::string_view name)
{
    for (const auto &[k, n] : kind_names) {
        if (n == name) {
            return k;
        }
    }
    return std::nullopt;
}

FileKindGuess detect_file_kind(std::string_view text, const std::filesystem::path &path)
{
    const std::string ext = lower(path.extension().string());
    const auto omm = detect_omm_syntax(text);
    if (omm && *omm == OmmSyntax::json) {
        // JSON is YAML: a requests file may be JSON too
        if (auto root = load_yaml(text)) {
            if (auto g = yaml_kind(*root); g && g->kind == FileKind::requests) {
                return *g;
            }
        }
        return {FileKind::omm, "OMM JSON"};
    }
    if (omm) {
        return {FileKind::omm, *omm == OmmSyntax::xml ? "OMM XML" : *omm == OmmSyntax::kvn ? "OMM KVN (CCSDS_OMM_VERS)"
                                                                                           : "OMM CSV header"};
    }
    const std::string header = lower(first_content_line(text));
    if (header.find(',') != std::string::npos && header.find("lat_deg") != std::string::npos
        && header.find("lon_deg") != std::string::npos) {
        return {FileKind::stations, "a CSV header with lat_deg and lon_deg"};
    }
    // TLE: a line 1 among the first lines (a 3-line file starts with the name)
    std::string_view rest = text;
    for (int line = 1; line <= 3 && !rest.empty(); ++line) {
        const auto nl = rest.find('\n');
        if (looks_like_tle_line1(rest.substr(0, nl))) {
            return {FileKind::tle, "a TLE line 1 at line " + std::to_string(line)};
        }
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    }
    if (auto root = load_yaml(text)) {
        if (auto g = yaml_kind(*root)) {
            return *g;
        }
    }
    if (ext == ".yaml" || ext == ".yml") {
        return {FileKind::access_scenario, "the extension " + ext + " (no known top-level key)"};
    }
    if (ext == ".csv") {
        return {FileKind::stations, "the extension .csv"};
    }
    if (ext == ".json" || ext == ".xml" || ext == ".kvn" || ext == ".omm") {
        return {FileKind::omm, "the extension " + ext};
    }
    return {FileKind::tle, "no other kind fits"};
}

FileKindGuess detect_file_kind(const std::filesystem::path &path)
{
    return detect_file_kind(detail::read_text_file(path), path);
}

} // namespace vantage::io
