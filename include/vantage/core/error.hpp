#pragma once
/// @file
/// Vantage's one error hierarchy: an enum code plus a structured context (Orekit's OrekitMessages
/// model). Tests assert on `code()` and on the context fields, never on the prose of `what()`.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace vantage {

/// One value per failure kind. Append new values; never renumber (codes reach the API and logs).
enum class ErrorCode {
    // --- input files and records (io) ---
    file_not_found,      ///< a named input file does not exist or cannot be opened
    file_read,           ///< an I/O error while reading
    syntax,              ///< a record does not have the expected shape (wrong length, missing line, bad XML/JSON)
    missing_field,       ///< a required field/column/key is absent
    invalid_number,      ///< a field that must be numeric does not parse as a number
    out_of_range,        ///< a value parses but lies outside its physical or format range
    checksum,            ///< a TLE line checksum does not match
    mismatch,            ///< two parts of one record disagree (e.g. catalog number on TLE lines 1 and 2)
    duplicate,           ///< a name or id that must be unique appears twice
    unknown_key,         ///< a key/column that is not part of the format
    unsupported,         ///< a format feature Vantage does not support (e.g. SGP4-XP ephemeris type 4)
    // --- time ---
    invalid_time,        ///< an ISO 8601 string or calendar date that does not denote an instant
    // --- data contexts ---
    data_out_of_range,   ///< EOP or other tabulated data asked outside its span
    // --- domain (physics) ---
    invalid_argument,    ///< an argument outside its documented domain (negative step, empty interval, ...)
    sgp4_mean_eccentricity,      ///< SGP4 error 1: mean eccentricity out of [0,1) or semi-major axis < 0.95 ER
    sgp4_mean_motion,            ///< SGP4 error 2: mean motion < 0
    sgp4_perturbed_eccentricity, ///< SGP4 error 3: perturbed eccentricity out of [0,1]
    sgp4_semi_latus_rectum,      ///< SGP4 error 4: semi-latus rectum < 0
    sgp4_suborbital,             ///< SGP4 error 5: epoch elements are sub-orbital (obsolete in Vallado 2006)
    sgp4_decayed,                ///< SGP4 error 6: satellite has decayed (radius < 1 ER)
    internal,            ///< a broken internal invariant; always a bug
    // --- persistence and service (store, api) ---
    storage,             ///< the database could not be opened, read or written (disk, lock, server down)
    not_found,           ///< a stored object (request, acquisition, token) with that id does not exist
    conflict,            ///< the object's current state forbids the operation (cancel after acquisition, reused key)
    cancelled,           ///< a long computation (plan, feasibility search) was stopped by its caller (shutdown)
};

/// Stable lower-case name of a code (e.g. "checksum"), used in JSON and on the CLI.
std::string_view to_string(ErrorCode code) noexcept;

/// Where an error was found. Empty strings / line 0 mean "not applicable".
struct ErrorContext {
    std::string source; ///< file path, or a logical source name ("<stdin>", "request body")
    int line = 0;       ///< 1-based line number in `source`, 0 if unknown
    std::string field;  ///< field, column or key path (e.g. "eccentricity (cols 27-33)", "satellites[2].sensor")
    std::string value;  ///< the offending text, verbatim (truncated to a readable length)
};

/// Root of all Vantage exceptions. `what()` reads like
/// "catalog.tle:1234: field 'eccentricity (cols 27-33)': '1.2000000': must be in [0, 1)".
class Error : public std::runtime_error {
public:
    Error(ErrorCode code, std::string message, ErrorContext context = {});

    ErrorCode code() const noexcept { return m_code; }
    const ErrorContext &context() const noexcept { return m_context; }
    /// The message without the location prefix.
    const std::string &message() const noexcept { return m_message; }

private:
    ErrorCode m_code;
    std::string m_message;
    ErrorContext m_context;
};

/// Malformed input (a file, a record, a JSON body).
class ParseError : public Error {
public:
    using Error::Error;
};
/// Inconsistent or unsupported configuration (scenario, CLI options).
class ConfigError : public Error {
public:
    using Error::Error;
};
/// A physically impossible request (SGP4 decay, eccentricity >= 1, ...).
class DomainError : public Error {
public:
    using Error::Error;
};
/// Missing or out-of-range reference data (EOP, leap seconds, files).
class DataError : public Error {
public:
    using Error::Error;
};

/// Formats "source:line: field 'f': 'value': message" leaving out the empty parts.
std::string format_error(const std::string &message, const ErrorContext &context);

enum class Severity { warning, error };

/// One problem found in bulk input. A rejected record produces one `error` diagnostic; a record that
/// is accepted but suspicious (old epoch, "dubious" leap-second year) produces a `warning`.
struct Diagnostic {
    Severity severity = Severity::error;
    ErrorCode code = ErrorCode::syntax;
    std::string message;
    ErrorContext context;

    /// The same text `Error::what()` would produce, prefixed with "error: " or "warning: ".
    std::string to_string() const;
};

/// Result of a bulk read: every record is either in `items` or has an error in `rejected`.
/// Nothing a user submitted is dropped silently (GeographicLib's per-line ERROR-and-continue, with a record).
template <class T>
struct ParseResult {
    std::vector<T> items;
    std::vector<Diagnostic> rejected; ///< one entry per rejected record (severity error)
    std::vector<Diagnostic> warnings; ///< accepted records that deserve attention

    bool ok() const noexcept { return rejected.empty(); }
};

} // namespace vantage
