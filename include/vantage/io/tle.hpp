#pragma once
/// @file
/// NORAD two-line element sets (TLE): reading (2-line and 3-line files, Vallado's SGP4-VER.TLE) and
/// writing (69-column lines with checksums, alpha-5 catalog numbers).
///
/// Format reference: CelesTrak "NORAD Two-Line Element Set Format" (T.S. Kelso) and the Space-Track
/// TLE documentation; alpha-5 catalog numbers as defined by 18 SDS / Space-Track ("A0000" = 100000,
/// letters I and O are skipped, "Z9999" = 339999). Column numbers below are 1-based, inclusive.
///
/// Every rejected input produces a `ParseError` (single record) or a `Diagnostic` (bulk read) with
/// an `ErrorCode`, the source, the 1-based line, the field with its columns
/// (e.g. "eccentricity (cols 27-33)") and the raw text of the field.

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "vantage/core/error.hpp"
#include "vantage/orbits/element_set.hpp"

namespace vantage::io {

/// The three extra numbers that Vallado's SGP4-VER.TLE appends to line 2 after column 69:
/// propagation start, stop and step, all in minutes since the element-set epoch.
struct VerificationRange {
    double start_min = 0.0; ///< first output time (minutes from epoch, may be negative)
    double stop_min = 0.0;  ///< last output time (minutes from epoch)
    double step_min = 0.0;  ///< output step (minutes)
};

/// One element set read from a file, with where it came from.
struct ElementRecord {
    orbits::ElementSet elements;
    int line = 0; ///< 1-based line of the record's first line (the name line of a 3-line record)
    std::optional<VerificationRange> verification; ///< only in verification mode (SGP4-VER.TLE)
};

struct TleReadOptions {
    /// Check the modulo-10 checksum in column 69 of both lines (ignored in verification mode).
    bool verify_checksum = true;
    /// Verification mode for Vallado's SGP4-VER.TLE: line 2 may continue after column 69 with
    /// start/stop/step minutes (read into `ElementRecord::verification`), and checksums are NOT
    /// checked (33333-33335 carry deliberately wrong ones), whatever `verify_checksum` says.
    bool allow_verification_extras = false;

    /// The options for Vallado's SGP4-VER.TLE.
    static TleReadOptions vallado_verification() { return TleReadOptions{false, true}; }
};

/// Reads a TLE file (2-line or 3-line, optional "0 " before names, CRLF or LF, blank lines and
/// '#' comment lines ignored). A bad record is recorded in `rejected` and reading continues with the
/// next record; duplicate catalog numbers are accepted with a `duplicate` warning.
/// @throws ParseError(ErrorCode::file_not_found) if the file cannot be opened,
///         ParseError(ErrorCode::file_read) on an I/O error.
ParseResult<ElementRecord> read_tle_file(const std::filesystem::path &path, const TleReadOptions &opts = {});

/// As `read_tle_file` on text already in memory; `source_name` goes into every diagnostic.
ParseResult<ElementRecord> parse_tle_text(std::string_view text, const std::string &source_name,
                                          const TleReadOptions &opts = {});

/// Parses one element set from its two lines (trailing CR/whitespace allowed). `name` may be a
/// name line (a leading "0 " and trailing blanks are removed). `where.source` / `where.line` (line 1's
/// line; line 2 is taken as where.line + 1) are copied into the error context.
/// @throws ParseError with code syntax, invalid_number, out_of_range, checksum, mismatch or
///         unsupported (ephemeris type 4, SGP4-XP).
orbits::ElementSet parse_tle(std::string_view line1, std::string_view line2, std::string_view name = {},
                             const TleReadOptions &opts = {}, const ErrorContext &where = {});

/// Parses a catalog number field of 5 characters: digits (leading blanks allowed) or alpha-5
/// (a letter A-Z without I and O for 10..33, then 4 digits), giving [0, 339999].
/// @throws ParseError(invalid_number) naming `where.field` if the text is not a catalog number.
std::uint32_t parse_catalog_number(std::string_view field5, const ErrorContext &where = {});
/// The 5-character catalog number: zero-padded digits below 100000, alpha-5 from 100000 to 339999.
/// @throws Error(invalid_argument) above 339999.
std::string format_catalog_number(std::uint32_t norad_id);

/// The TLE checksum of the first 68 columns: sum of digits, '-' counts 1, modulo 10.
int tle_checksum(std::string_view line);

/// Formats the element set as two 69-column lines with checksums (CelesTrak's layout: ephemeris type
/// written as '0', zero drag terms as " 00000+0"). The values must be representable in the TLE fields.
/// @throws Error(invalid_argument) if a value does not fit its field (e.g. |B*| >= 1e9, catalog > 339999).
std::array<std::string, 2> format_tle(const orbits::ElementSet &elements);

namespace detail {
/// Epoch fields from year + day of year (UTC): sets epoch_year, epoch_day_of_year verbatim and
/// `epoch` through the UTC calendar date (leap-second aware).
void set_tle_epoch(orbits::ElementSet &elements, int year4, double day_of_year);
/// COSPAR "1998-067A" from the TLE columns 10-17 "98067A  " (empty if blank).
std::string cospar_from_tle_designator(std::string_view designator8);
/// TLE columns 10-17 from a COSPAR id (8 blanks if empty or not in COSPAR form).
std::string tle_designator_from_cospar(std::string_view cospar);
} // namespace detail

} // namespace vantage::io
