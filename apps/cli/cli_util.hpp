#pragma once
// Small helpers shared by the `vantage` subcommands: exit codes, error printing, common parsing.

#include <cstdint>
#include <functional>
#include <fstream>
#include <iosfwd>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "vantage/core/error.hpp"
#include "vantage/access/access.hpp"
#include "vantage/io/tle.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::cli {

/// Exit codes: 0 success, 1 a Vantage error (bad input, data, physics), 2 usage error (CLI11),
/// 3 completed with problems under --strict.
inline constexpr int exit_ok = 0;
inline constexpr int exit_error = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_strict = 3;

/// Runs `body`, mapping vantage::Error to "error: <what>" on stderr and exit_error.
int run_guarded(const std::function<int()> &body);

/// "25544,39634" -> ids; throws ConfigError(invalid_number) naming the option.
std::vector<std::uint32_t> parse_id_list(const std::string &text, const std::string &option);

/// Parses an ISO 8601 UTC option value; the error names the option.
time::Instant parse_time_option(const std::string &text, const std::string &option);

/// Current UTC time, or SOURCE_DATE_EPOCH (Unix seconds) when set, for reproducible outputs.
time::Instant creation_time();

/// Prints every diagnostic of a bulk read to `err`, one per line.
void print_diagnostics(std::ostream &err, const std::vector<Diagnostic> &diagnostics);

/// The element-set inputs shared by the commands that take satellites: --tle | --omm, --norad.
struct ElementInput {
    std::string tle_file;
    std::string omm_file;
    std::string norad;
    CLI::Option *tle = nullptr;
    CLI::Option *omm = nullptr;
};

/// Adds --tle, --omm (mutually exclusive) and --norad to `cmd`.
void add_element_options(CLI::App *cmd, ElementInput &in);
/// Throws CLI::RequiredError unless --tle or --omm was given (call from the subcommand callback).
void require_element_input(const ElementInput &in);

struct LoadedElements {
    std::vector<io::ElementRecord> records; ///< in --norad order when given, else file order
    std::size_t rejected = 0;               ///< records the reader rejected (each printed to stderr)
};
/// Reads the file, prints every rejected record and warning to `err`, applies --norad (an id not in the
/// file is a ConfigError naming --norad).
LoadedElements load_elements(const ElementInput &in, std::ostream &err);

/// Where a command writes: the file named by an option (opened binary; an error names the file and
/// the option), or stdout when the path is empty.
class OutputTarget {
public:
    OutputTarget(const std::string &path, const std::string &option);
    std::ostream &stream();
    /// Throws Error(file_read) naming the file if any write failed.
    void check();

private:
    std::string m_path;
    std::string m_option;
    std::ofstream m_file;
};

/// Writes passes as `vantage passes` CSV (header `norad_id,station,aos_utc,tca_utc,los_utc,
/// max_elevation_deg,duration_s,partial`); used by `passes` and `access --passes-out`.
void write_passes_csv(std::ostream &out, const std::vector<access::StationPass> &passes,
                      const std::vector<access::Satellite> &sats, const std::vector<geometry::GroundStation> &stations);

/// The analysis interval of --start / --stop (stop after start, else a ConfigError naming --stop) and the Earth
/// orientation of --eop (none when empty), with a warning on `err` when it does not cover the interval.
struct AnalysisSpan {
    time::Instant start;
    time::Instant stop;
    frames::EarthOrientation eop;
};
AnalysisSpan read_analysis_span(const std::string &start, const std::string &stop, const std::string &eop_file,
                                std::ostream &err);

/// SGP4 satellites of the records (display name = object name); a record whose SGP4 initialisation fails is kept
/// (the access functions skip it) and reported on `err` as "...; no <what> computed".
std::vector<access::Satellite> sgp4_satellites(const std::vector<io::ElementRecord> &records, const std::string &what,
                                               std::ostream &err);

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
std::string csv_field(const std::string &s);

} // namespace vantage::cli
