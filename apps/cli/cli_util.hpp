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

/// Exit codes: 0 success, 1 a Vantage error (bad input file, data, physics), 2 usage error (an unknown command, a
/// bad option value, a bad option combination, a missing required option), 3 completed with problems under --strict.
inline constexpr int exit_ok = 0;
inline constexpr int exit_error = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_strict = 3;

/// Runs `body`, mapping vantage::Error to "error: <what>" on stderr and exit_error, or exit_usage when it is a
/// usage error (`is_usage_error`); a CLI11 error thrown from `body` is a usage error too.
int run_guarded(const std::function<int()> &body);

/// The one rule for "usage error -> exit 2" once CLI11 has parsed: a ConfigError about a command-line option, i.e.
/// its context names the option (field "--name", or "--name[i]") and no input file (empty source). Errors found in
/// an input file carry that file as source and stay exit_error. CLI11's own parse errors are exit 2 in main().
bool is_usage_error(const Error &e) noexcept;

/// Throws the usage error of `is_usage_error`: ConfigError(code) whose field is `option` ("--frame").
[[noreturn]] void throw_usage_error(const std::string &option, const std::string &message, const std::string &value = {},
                                    ErrorCode code = ErrorCode::invalid_argument);

/// A number for people: fixed `decimals`, thousands separated by commas ("8,499,620", "1,234.57"); no exponent.
std::string human_number(double v, int decimals = 0);

/// A value that is usually whole (plan value, Gbit): no decimals when it is whole, else two ("63", "1,234.50").
std::string human_value(double v);

/// "1 rank", "2 ranks": the count and the noun, singular for exactly 1 (`plural` defaults to singular + "s").
std::string count_of(std::size_t n, const std::string &singular, const std::string &plural = {});

/// Levenshtein distance (insertions, deletions, substitutions of one character each cost 1).
std::size_t edit_distance(const std::string &a, const std::string &b);

/// The candidate closest to `word` by edit distance (the first of equals); empty when there is none.
std::string closest_name(const std::string &word, const std::vector<std::string> &candidates);

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
