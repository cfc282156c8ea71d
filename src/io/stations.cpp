#include "vantage/io/stations.hpp"

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "text_util.hpp"

namespace vantage::io {

namespace {

struct Cells {
    std::vector<std::string> values;
    bool unterminated = false;
};

// Splits one CSV line (RFC 4180 quoting inside the line; no embedded newlines).
Cells split_line(std::string_view line)
{
    Cells out;
    std::string cur;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < line.size() && line[i + 1] == '"') {
                    cur += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                cur += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out.values.push_back(std::string(detail::trim(cur)));
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.values.push_back(std::string(detail::trim(cur)));
    out.unterminated = quoted;
    return out;
}

constexpr std::array<const char *, 4> required_columns{"name", "lat_deg", "lon_deg", "alt_m"};
constexpr std::array<const char *, 3> optional_columns{"min_elevation_deg", "downlink_mbit_s", "antennas"};

// Row-level failure: recorded as a diagnostic by the caller.
struct RowError {
    ErrorCode code;
    std::string message;
    std::string field;
    std::string value;
};

double number(const std::string &text, const char *field)
{
    if (text.empty()) {
        throw RowError{ErrorCode::missing_field, "empty value", field, text};
    }
    char *end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(v)) {
        throw RowError{ErrorCode::invalid_number, "not a number", field, text};
    }
    return v;
}

void check_range(double v, double lo, double hi, const std::string &text, const char *field, const char *range)
{
    if (!(v >= lo && v <= hi)) {
        throw RowError{ErrorCode::out_of_range, fmt::format("must be in {}", range), field, text};
    }
}

} // namespace

ParseResult<geometry::GroundStation> read_stations_csv(const std::filesystem::path &path)
{
    return parse_stations_csv(detail::read_text_file(path), path.string());
}

ParseResult<geometry::GroundStation> parse_stations_csv(std::string_view text, const std::string &source_name)
{
    ParseResult<geometry::GroundStation> out;
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") {
        text.remove_prefix(3);
    }
    // Lines with their 1-based numbers, skipping blank and comment lines.
    std::vector<std::pair<int, std::string_view>> lines;
    int n = 0;
    for (const std::string_view line : detail::split_lines(text)) {
        ++n;
        if (!detail::is_blank(line) && detail::trim(line).front() != '#') {
            lines.emplace_back(n, line);
        }
    }
    if (lines.empty()) {
        throw ParseError(ErrorCode::syntax, "empty file: expected a header line with name,lat_deg,lon_deg,alt_m",
                         ErrorContext{source_name, 0, "", ""});
    }

    // ---- header
    const int header_line = lines.front().first;
    const Cells header = split_line(lines.front().second);
    if (header.unterminated) {
        throw ParseError(ErrorCode::syntax, "unterminated quote in the header", ErrorContext{source_name, header_line, "", ""});
    }
    std::map<std::string, std::size_t> column;
    for (std::size_t i = 0; i < header.values.size(); ++i) {
        const auto &h = header.values[i];
        if (h.empty()) {
            continue; // an unnamed extra column is ignored like any other extra column
        }
        if (!column.emplace(h, i).second) {
            throw ParseError(ErrorCode::duplicate, "column named twice in the header", ErrorContext{source_name, header_line, h, h});
        }
    }
    for (const char *req : required_columns) {
        if (!column.contains(req)) {
            throw ParseError(ErrorCode::missing_field, "required column missing from the header",
                             ErrorContext{source_name, header_line, req, ""});
        }
    }
    auto index_of = [&](const char *name) -> std::optional<std::size_t> {
        auto it = column.find(name);
        return it == column.end() ? std::nullopt : std::optional<std::size_t>(it->second);
    };
    const std::size_t i_name = *index_of("name");
    const std::size_t i_lat = *index_of("lat_deg");
    const std::size_t i_lon = *index_of("lon_deg");
    const std::size_t i_alt = *index_of("alt_m");
    const auto i_min_el = index_of(optional_columns[0]);
    const auto i_rate = index_of(optional_columns[1]);
    const auto i_ant = index_of(optional_columns[2]);

    std::map<std::string, int> seen; // name -> line
    for (std::size_t k = 1; k < lines.size(); ++k) {
        const auto [line_no, line] = lines[k];
        const Cells cells = split_line(line);
        try {
            if (cells.unterminated) {
                throw RowError{ErrorCode::syntax, "unterminated quote", "", std::string(line)};
            }
            if (cells.values.size() != header.values.size()) {
                throw RowError{ErrorCode::syntax,
                               fmt::format("{} fields, the header has {}", cells.values.size(), header.values.size()), "",
                               std::string(line)};
            }
            const auto &v = cells.values;
            geometry::GroundStation s;
            s.name = v[i_name];
            if (s.name.empty()) {
                throw RowError{ErrorCode::missing_field, "empty station name", "name", ""};
            }
            const double lat = number(v[i_lat], "lat_deg");
            check_range(lat, -90.0, 90.0, v[i_lat], "lat_deg", "[-90, 90] degrees");
            const double lon = number(v[i_lon], "lon_deg");
            check_range(lon, -180.0, 360.0, v[i_lon], "lon_deg", "[-180, 360] degrees");
            const double alt_m = number(v[i_alt], "alt_m");
            check_range(alt_m, -1000.0, 10000.0, v[i_alt], "alt_m", "[-1000, 10000] m");
            s.location = frames::Geodetic{lat, lon, alt_m / 1000.0};
            if (i_min_el && !v[*i_min_el].empty()) {
                s.min_elevation_deg = number(v[*i_min_el], "min_elevation_deg");
                check_range(s.min_elevation_deg, -90.0, 90.0, v[*i_min_el], "min_elevation_deg", "[-90, 90] degrees");
            }
            if (i_rate && !v[*i_rate].empty()) {
                s.downlink_mbit_s = number(v[*i_rate], "downlink_mbit_s");
                check_range(s.downlink_mbit_s, 0.0, 1e9, v[*i_rate], "downlink_mbit_s", "[0, 1e9] Mbit/s");
            }
            if (i_ant && !v[*i_ant].empty()) {
                const double a = number(v[*i_ant], "antennas");
                if (a != std::floor(a)) {
                    throw RowError{ErrorCode::invalid_number, "must be a whole number", "antennas", v[*i_ant]};
                }
                check_range(a, 1.0, 1000.0, v[*i_ant], "antennas", "[1, 1000]");
                s.antennas = static_cast<int>(a);
            }
            if (auto [it, inserted] = seen.emplace(s.name, line_no); !inserted) {
                throw RowError{ErrorCode::duplicate,
                               fmt::format("station name already used on line {} (names must be unique)", it->second),
                               "name", s.name};
            }
            out.items.push_back(std::move(s));
        } catch (const RowError &e) {
            out.rejected.push_back(Diagnostic{Severity::error, e.code, e.message,
                                              ErrorContext{source_name, line_no, e.field, e.value.substr(0, 80)}});
        }
    }
    return out;
}

} // namespace vantage::io
