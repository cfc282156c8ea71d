#include "vantage/io/eop.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <vector>

#include "vantage/time/instant.hpp"

#include "text_util.hpp"

namespace vantage::io {

namespace {

using detail::split_lines;
using detail::trim;

constexpr double mas_to_arcsec = 1e-3;
constexpr double ms_to_s = 1e-3;
constexpr double first_integer_leap_mjd = 41317.0; // 1972-01-01: DAT integral from here on

[[noreturn]] void fail(ErrorCode code, std::string msg, const std::string &src, int line, std::string field,
                       std::string_view value)
{
    constexpr std::size_t max_value = 80;
    throw ParseError(code, std::move(msg),
                     ErrorContext{src, line, std::move(field), std::string(value.substr(0, max_value))});
}

bool parse_double(std::string_view s, double &out)
{
    s = trim(s);
    if (!s.empty() && s.front() == '+') {
        s.remove_prefix(1);
    }
    if (s.empty()) {
        return false;
    }
    const auto res = std::from_chars(s.data(), s.data() + s.size(), out);
    return res.ec == std::errc() && res.ptr == s.data() + s.size() && std::isfinite(out);
}

std::vector<std::string_view> split_csv(std::string_view line)
{
    std::vector<std::string_view> f;
    std::size_t pos = 0;
    while (true) {
        const std::size_t c = line.find(',', pos);
        if (c == std::string_view::npos) {
            f.push_back(trim(line.substr(pos)));
            break;
        }
        f.push_back(trim(line.substr(pos, c - pos)));
        pos = c + 1;
    }
    return f;
}

/// Checks increasing MJDs with a file:line diagnostic (EarthOrientation would say it without the line).
void check_order(const std::vector<frames::EopRow> &rows, const std::string &src, int line, std::string_view value)
{
    if (rows.size() < 2) {
        return;
    }
    const double prev = rows[rows.size() - 2].mjd_utc;
    const double cur = rows.back().mjd_utc;
    if (cur == prev) {
        fail(ErrorCode::duplicate, fmt::format("MJD {} appears twice", cur), src, line, "MJD", value);
    }
    if (cur < prev) {
        fail(ErrorCode::out_of_range, fmt::format("MJD {} follows MJD {}: rows must be in increasing order", cur, prev),
             src, line, "MJD", value);
    }
}

frames::EarthOrientation parse_celestrak_csv(const std::vector<std::string_view> &lines, const std::string &src)
{
    // Header: find the columns by name.
    std::size_t h = 0;
    while (h < lines.size() && trim(lines[h]).empty()) {
        ++h;
    }
    const std::vector<std::string_view> header = split_csv(lines[h]);
    const int header_line = static_cast<int>(h) + 1;
    auto column = [&](std::string_view name, bool required) -> int {
        for (std::size_t i = 0; i < header.size(); ++i) {
            if (header[i] == name) {
                return static_cast<int>(i);
            }
        }
        if (required) {
            fail(ErrorCode::missing_field, fmt::format("the header has no column '{}'", name), src, header_line,
                 std::string(name), lines[h]);
        }
        return -1;
    };
    const int c_mjd = column("MJD", true);
    const int c_x = column("X", true);
    const int c_y = column("Y", true);
    const int c_dut1 = column("UT1-UTC", true);
    const int c_lod = column("LOD", true);
    const int c_dpsi = column("DPSI", true);
    const int c_deps = column("DEPS", true);
    const int c_dx = column("DX", true);
    const int c_dy = column("DY", true);
    const int c_dat = column("DAT", false);
    const int c_type = column("DATA_TYPE", false);

    std::vector<frames::EopRow> rows;
    for (std::size_t i = h + 1; i < lines.size(); ++i) {
        const int line_no = static_cast<int>(i) + 1;
        if (trim(lines[i]).empty()) {
            continue;
        }
        const std::vector<std::string_view> f = split_csv(lines[i]);
        if (f.size() != header.size()) {
            fail(ErrorCode::syntax, fmt::format("expected {} comma-separated fields, found {}", header.size(), f.size()),
                 src, line_no, "row", lines[i]);
        }
        auto num = [&](int col) {
            double v = 0.0;
            const auto name = header[static_cast<std::size_t>(col)];
            const auto &text = f[static_cast<std::size_t>(col)];
            if (text.empty()) {
                fail(ErrorCode::missing_field, fmt::format("column {} is empty", col + 1), src, line_no,
                     std::string(name), text);
            }
            if (!parse_double(text, v)) {
                fail(ErrorCode::invalid_number, "not a number", src, line_no,
                     fmt::format("{} (column {})", name, col + 1), text);
            }
            return v;
        };
        frames::EopRow r;
        r.mjd_utc = num(c_mjd);
        r.xp_arcsec = num(c_x);
        r.yp_arcsec = num(c_y);
        r.ut1_minus_utc_s = num(c_dut1);
        r.lod_s = num(c_lod);
        r.dpsi_arcsec = num(c_dpsi);
        r.deps_arcsec = num(c_deps);
        r.dx_arcsec = num(c_dx);
        r.dy_arcsec = num(c_dy);
        if (c_type >= 0) {
            const auto t = f[static_cast<std::size_t>(c_type)];
            if (t == "P") {
                r.predicted = true;
            } else if (t != "O") {
                fail(ErrorCode::out_of_range, "DATA_TYPE must be 'O' (observed) or 'P' (predicted)", src, line_no,
                     fmt::format("DATA_TYPE (column {})", c_type + 1), t);
            }
        }
        if (!(r.mjd_utc >= 36934.0 && r.mjd_utc < 100000.0)) { // 1960-01-01 .. year 2132
            fail(ErrorCode::out_of_range, "MJD outside [36934 (1960-01-01), 100000)", src, line_no,
                 fmt::format("MJD (column {})", c_mjd + 1), f[static_cast<std::size_t>(c_mjd)]);
        }
        if (c_dat >= 0 && r.mjd_utc >= first_integer_leap_mjd) {
            const double dat = num(c_dat);
            const double erfa_dat = time::Instant::from_utc_jd(2400000.5, r.mjd_utc).tai_minus_utc_s();
            if (dat != erfa_dat) {
                fail(ErrorCode::mismatch,
                     fmt::format("TAI-UTC {} s disagrees with the leap-second table ({} s)", dat, erfa_dat), src,
                     line_no, fmt::format("DAT (column {})", c_dat + 1), f[static_cast<std::size_t>(c_dat)]);
            }
        }
        rows.push_back(r);
        check_order(rows, src, line_no, f[static_cast<std::size_t>(c_mjd)]);
    }
    if (rows.empty()) {
        fail(ErrorCode::syntax, "no data rows after the header", src, header_line, "", {});
    }
    return frames::EarthOrientation(std::move(rows), src);
}

/// A fixed-column field, 1-based inclusive columns as in readme.finals2000A.
struct Field {
    const char *name;
    std::size_t first; // 1-based
    std::size_t last;  // 1-based, inclusive
    std::string label() const { return fmt::format("{} (cols {}-{})", name, first, last); }
    std::string_view text(std::string_view line) const
    {
        if (line.size() < first) {
            return {};
        }
        return trim(line.substr(first - 1, std::min(last, line.size()) - (first - 1)));
    }
};

constexpr Field f_mjd{"MJD", 8, 15};
constexpr Field f_xa{"Bull. A PM-x", 19, 27};
constexpr Field f_ya{"Bull. A PM-y", 38, 46};
constexpr Field f_ut1_flag{"UT1-UTC IERS/prediction flag", 58, 58};
constexpr Field f_dut1a{"Bull. A UT1-UTC", 59, 68};
constexpr Field f_lod{"Bull. A LOD", 80, 86};
constexpr Field f_dxa{"Bull. A dX", 98, 106};
constexpr Field f_dya{"Bull. A dY", 117, 125};
constexpr Field f_xb{"Bull. B PM-x", 135, 144};
constexpr Field f_yb{"Bull. B PM-y", 145, 154};
constexpr Field f_dut1b{"Bull. B UT1-UTC", 155, 165};
constexpr Field f_dxb{"Bull. B dX", 166, 175};
constexpr Field f_dyb{"Bull. B dY", 176, 185};

frames::EarthOrientation parse_finals2000a(const std::vector<std::string_view> &lines, const std::string &src)
{
    std::vector<frames::EopRow> rows;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view line = lines[i];
        const int line_no = static_cast<int>(i) + 1;
        if (trim(line).empty()) {
            continue;
        }
        auto num = [&](const Field &fd, bool required, double fallback) {
            const std::string_view t = fd.text(line);
            if (t.empty()) {
                if (required) {
                    fail(ErrorCode::missing_field, "required field is blank", src, line_no, fd.label(), t);
                }
                return fallback;
            }
            double v = 0.0;
            if (!parse_double(t, v)) {
                fail(ErrorCode::invalid_number, "not a number", src, line_no, fd.label(), t);
            }
            return v;
        };
        frames::EopRow r;
        r.mjd_utc = num(f_mjd, true, 0.0);
        if (f_xa.text(line).empty() && f_xb.text(line).empty()) {
            continue; // a reserved day with no values yet (end of finals2000A.all)
        }
        r.xp_arcsec = num(f_xa, true, 0.0);
        r.yp_arcsec = num(f_ya, true, 0.0);
        r.ut1_minus_utc_s = num(f_dut1a, true, 0.0);
        r.lod_s = num(f_lod, false, 0.0) * ms_to_s;
        r.dx_arcsec = num(f_dxa, false, 0.0) * mas_to_arcsec;
        r.dy_arcsec = num(f_dya, false, 0.0) * mas_to_arcsec;
        r.predicted = f_ut1_flag.text(line) == "P";
        // Bulletin B (final values) replaces A where present.
        if (!f_xb.text(line).empty()) {
            r.xp_arcsec = num(f_xb, true, 0.0);
            r.yp_arcsec = num(f_yb, true, 0.0);
            r.ut1_minus_utc_s = num(f_dut1b, true, 0.0);
            r.dx_arcsec = num(f_dxb, false, r.dx_arcsec / mas_to_arcsec) * mas_to_arcsec;
            r.dy_arcsec = num(f_dyb, false, r.dy_arcsec / mas_to_arcsec) * mas_to_arcsec;
            r.predicted = false;
        }
        rows.push_back(r);
        check_order(rows, src, line_no, f_mjd.text(line));
    }
    if (rows.empty()) {
        fail(ErrorCode::syntax, "no rows with values", src, 1, "", {});
    }
    return frames::EarthOrientation(std::move(rows), src);
}

} // namespace

EopFormat detect_eop_format(std::string_view text, const std::string &source_name)
{
    const auto lines = split_lines(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view l = trim(lines[i]);
        if (l.empty()) {
            continue;
        }
        if (l.find(',') != std::string_view::npos && l.find("MJD") != std::string_view::npos) {
            return EopFormat::celestrak_csv;
        }
        double mjd = 0.0;
        const std::string_view raw = lines[i];
        if (raw.size() >= 15 && raw[12] == '.' && parse_double(f_mjd.text(raw), mjd)) {
            return EopFormat::iers_finals2000a;
        }
        fail(ErrorCode::syntax,
             "not an EOP file: expected a CelesTrak CSV header (DATE,MJD,X,Y,...) or IERS finals2000A rows",
             source_name, static_cast<int>(i) + 1, "format", lines[i]);
    }
    fail(ErrorCode::syntax, "the EOP file is empty", source_name, 0, "format", {});
}

frames::EarthOrientation parse_eop_text(std::string_view text, const std::string &source_name)
{
    const EopFormat fmt_ = detect_eop_format(text, source_name);
    const auto lines = split_lines(text);
    return fmt_ == EopFormat::celestrak_csv ? parse_celestrak_csv(lines, source_name)
                                            : parse_finals2000a(lines, source_name);
}

frames::EarthOrientation read_eop_file(const std::filesystem::path &path)
{
    return parse_eop_text(detail::read_text_file(path), path.string());
}

} // namespace vantage::io
