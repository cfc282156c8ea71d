#include "cli_util.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "vantage/io/eop.hpp"
#include "vantage/io/omm.hpp"

namespace vantage::cli {

int run_guarded(const std::function<int()> &body)
{
    try {
        return body();
    } catch (const Error &e) {
        std::cerr << "error: " << e.what() << " [" << to_string(e.code()) << "]\n";
        return is_usage_error(e) ? exit_usage : exit_error;
    } catch (const CLI::Error &e) {
        std::cerr << "error: " << e.what() << '\n';
        return exit_usage;
    } catch (const std::bad_alloc &) {
        std::cerr << "error: out of memory\n";
        return exit_error;
    }
}

bool is_usage_error(const Error &e) noexcept
{
    const ErrorContext &c = e.context();
    return dynamic_cast<const ConfigError *>(&e) != nullptr && c.source.empty() && c.field.size() > 2
           && c.field.compare(0, 2, "--") == 0;
}

void throw_usage_error(const std::string &option, const std::string &message, const std::string &value, ErrorCode code)
{
    throw ConfigError(code, message, ErrorContext{"", 0, option, value});
}

std::string human_number(double v, int decimals)
{
    if (!std::isfinite(v)) {
        return fmt::format("{}", v);
    }
    std::string digits = fmt::format("{:.{}f}", std::fabs(v), decimals);
    const std::size_t dot = digits.find('.');
    const std::size_t int_len = dot == std::string::npos ? digits.size() : dot;
    std::string out;
    for (std::size_t i = 0; i < int_len; ++i) {
        if (i > 0 && (int_len - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    out += digits.substr(int_len);
    const bool negative = std::signbit(v) && out.find_first_not_of("0.,") != std::string::npos;
    return negative ? "-" + out : out;
}

std::string human_value(double v)
{
    // NOTE: "whole" to 1e-9 relative: plan values are sums of integer priorities times weights in (0, 1].
    const bool whole = std::fabs(v - std::round(v)) <= 1e-9 * std::max(1.0, std::fabs(v));
    return human_number(v, whole ? 0 : 2);
}

std::string count_of(std::size_t n, const std::string &singular, const std::string &plural)
{
    return fmt::format("{} {}", human_number(static_cast<double>(n)), n == 1 ? singular : plural.empty() ? singular + "s" : plural);
}

std::size_t edit_distance(const std::string &a, const std::string &b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0]; // row[i-1][j-1]
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string closest_name(const std::string &word, const std::vector<std::string> &candidates)
{
    std::string best;
    std::size_t best_d = 0;
    for (const auto &c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (best.empty() || d < best_d) {
            best = c;
            best_d = d;
        }
    }
    return best;
}

std::vector<std::uint32_t> parse_id_list(const std::string &text, const std::string &option)
{
    std::vector<std::uint32_t> ids;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        std::size_t used = 0;
        unsigned long v = 0;
        bool ok = !item.empty() && item.find_first_not_of("0123456789") == std::string::npos;
        if (ok) {
            try {
                v = std::stoul(item, &used);
            } catch (const std::exception &) {
                ok = false;
            }
        }
        if (!ok || used != item.size() || v > 339999UL) {
            throw ConfigError(ErrorCode::invalid_number, "expected NORAD catalog numbers in [0, 339999] separated by commas",
                              ErrorContext{"", 0, option, item});
        }
        ids.push_back(static_cast<std::uint32_t>(v));
    }
    if (ids.empty()) {
        throw ConfigError(ErrorCode::missing_field, "empty list", ErrorContext{"", 0, option, text});
    }
    return ids;
}

time::Instant parse_time_option(const std::string &text, const std::string &option)
{
    try {
        return time::Instant::parse_iso8601(text);
    } catch (const Error &e) {
        throw ConfigError(e.code(), e.message(), ErrorContext{"", 0, option, text});
    }
}

time::Instant creation_time()
{
    double unix_s = 0.0;
    if (const char *sde = std::getenv("SOURCE_DATE_EPOCH"); sde != nullptr && *sde != '\0') {
        unix_s = std::strtod(sde, nullptr);
    } else {
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        unix_s = std::chrono::duration<double>(now).count();
    }
    // Unix time counts UTC days of 86400 s; 2440587.5 is the JD of 1970-01-01T00:00:00Z.
    const double days = std::floor(unix_s / 86400.0);
    return time::Instant::from_utc_jd(2440587.5 + days, (unix_s - days * 86400.0) / 86400.0);
}

void print_diagnostics(std::ostream &err, const std::vector<Diagnostic> &diagnostics)
{
    for (const auto &d : diagnostics) {
        err << d.to_string() << " [" << to_string(d.code) << "]\n";
    }
}

void add_element_options(CLI::App *cmd, ElementInput &in)
{
    in.tle = cmd->add_option("--tle", in.tle_file, "TLE file (2- or 3-line)")->check(CLI::ExistingFile);
    in.omm = cmd->add_option("--omm", in.omm_file, "CCSDS OMM file (KVN, XML, JSON or CSV)")->check(CLI::ExistingFile);
    in.tle->excludes(in.omm);
    in.omm->excludes(in.tle);
    cmd->add_option("--norad", in.norad, "only these NORAD catalog numbers, comma separated");
}

void require_element_input(const ElementInput &in)
{
    if (in.tle->count() == 0 && in.omm->count() == 0) {
        throw CLI::RequiredError("--tle or --omm");
    }
}

LoadedElements load_elements(const ElementInput &in, std::ostream &err)
{
    const std::string &source = in.tle_file.empty() ? in.omm_file : in.tle_file;
    ParseResult<io::ElementRecord> read = in.tle_file.empty() ? io::read_omm_file(in.omm_file) : io::read_tle_file(in.tle_file);
    print_diagnostics(err, read.rejected);
    print_diagnostics(err, read.warnings);
    LoadedElements out{std::move(read.items), read.rejected.size()};
    if (!in.norad.empty()) {
        std::vector<io::ElementRecord> selected;
        for (const auto id : parse_id_list(in.norad, "--norad")) {
            auto it = std::find_if(out.records.begin(), out.records.end(),
                                   [&](const io::ElementRecord &r) { return r.elements.norad_id == id; });
            if (it == out.records.end()) {
                throw ConfigError(ErrorCode::missing_field, fmt::format("NORAD id {} is not in {}", id, source),
                                  ErrorContext{"", 0, "--norad", std::to_string(id)});
            }
            selected.push_back(*it);
        }
        out.records = std::move(selected);
    }
    return out;
}

OutputTarget::OutputTarget(const std::string &path, const std::string &option) : m_path(path), m_option(option)
{
    if (!path.empty()) {
        m_file.open(path, std::ios::binary);
        if (!m_file) {
            throw Error(ErrorCode::file_read, "cannot open for writing", ErrorContext{path, 0, option, ""});
        }
    }
}

std::ostream &OutputTarget::stream()
{
    return m_path.empty() ? std::cout : m_file;
}

void OutputTarget::check()
{
    if (!stream().flush()) {
        throw Error(ErrorCode::file_read, "write failed", ErrorContext{m_path.empty() ? "<stdout>" : m_path, 0, m_option, ""});
    }
}

void write_passes_csv(std::ostream &out, const std::vector<access::StationPass> &passes,
                      const std::vector<access::Satellite> &sats, const std::vector<geometry::GroundStation> &stations)
{
    out << "norad_id,station,aos_utc,tca_utc,los_utc,max_elevation_deg,duration_s,partial\n";
    // NOTE: compiled format (no runtime parsing of the format string) into one buffer flushed in blocks: millions of
    // rows are written for a dense grid of stations.
    std::vector<std::string> names;
    names.reserve(stations.size());
    for (const auto &g : stations) {
        names.push_back(csv_field(g.name));
    }
    fmt::memory_buffer buf;
    for (const auto &p : passes) {
        const auto &w = p.window;
        fmt::format_to(std::back_inserter(buf), FMT_COMPILE("{},{},{},{},{},{},{},{}\n"),
                       sats[p.satellite].propagator.elements().norad_id, names[p.station], w.start.to_iso8601_utc(6),
                       w.best.to_iso8601_utc(6), w.end.to_iso8601_utc(6), w.max_elevation_deg, w.duration_s(),
                       w.partial ? "true" : "false");
        if (buf.size() > (1u << 20)) {
            out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
            buf.clear();
        }
    }
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
}

std::string csv_field(const std::string &s)
{
    if (s.find_first_of(",\"\r\n") == std::string::npos) {
        return s;
    }
    std::string q = "\"";
    for (char ch : s) {
        q += ch;
        if (ch == '"') {
            q += '"';
        }
    }
    return q + "\"";
}

AnalysisSpan read_analysis_span(const std::string &start, const std::string &stop, const std::string &eop_file,
                                std::ostream &err)
{
    AnalysisSpan s{parse_time_option(start, "--start"), parse_time_option(stop, "--stop"), {}};
    if (!(s.stop > s.start)) {
        throw ConfigError(ErrorCode::out_of_range, "--stop must be after --start", ErrorContext{"", 0, "--stop", stop});
    }
    if (!eop_file.empty()) {
        s.eop = io::read_eop_file(eop_file);
    }
    if (auto warn = s.eop.coverage_warning(s.start, s.stop)) {
        err << "warning: " << *warn << '\n';
    }
    return s;
}

std::vector<access::Satellite> sgp4_satellites(const std::vector<io::ElementRecord> &records, const std::string &what,
                                               std::ostream &err)
{
    std::vector<access::Satellite> sats;
    sats.reserve(records.size());
    for (const auto &r : records) {
        access::Satellite s{orbits::Sgp4Propagator(r.elements), r.elements.object_name, {}};
        if (s.propagator.init_status() != orbits::Sgp4Status::ok) {
            err << fmt::format("warning: norad_id {}: SGP4 initialisation failed ({}); no {} computed\n",
                               r.elements.norad_id, orbits::describe(s.propagator.init_status()), what);
        }
        sats.push_back(std::move(s));
    }
    return sats;
}

} // namespace vantage::cli
