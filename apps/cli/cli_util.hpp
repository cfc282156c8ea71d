#pragma once
// Small helpers shared by the `vantage` subcommands: exit codes, error printing, common parsing.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "vantage/core/error.hpp"
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

} // namespace vantage::cli
