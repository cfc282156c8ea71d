#pragma once
/// @file
/// Ground-station CSV reader (docs/formats.md § Ground stations CSV).
///
/// Columns are found by header name, in any order; extra columns (e.g. `operator`, `source` of
/// ../shared/data/ground-stations.csv) are ignored.
///
/// | column | required | unit, range | default |
/// |---|---|---|---|
/// | `name` | yes | text, unique in the file | — |
/// | `lat_deg` | yes | geodetic latitude, WGS-84 (degrees, [-90, 90]) | — |
/// | `lon_deg` | yes | longitude east (degrees, [-180, 360]; kept as given) | — |
/// | `alt_m` | yes | height above the WGS-84 ellipsoid (m, [-1000, 10000]) | — |
/// | `min_elevation_deg` | no | constant elevation mask (degrees, [-90, 90]) | 5 |
/// | `downlink_mbit_s` | no | downlink rate (Mbit/s, >= 0) | 0 |
/// | `antennas` | no | number of antennas (integer, >= 1) | 1 |
///
/// An empty optional cell takes the default. Fields may be quoted ("a, b"; "" is a quote). Blank lines and
/// lines starting with '#' are skipped; CRLF and a UTF-8 BOM are accepted.
///
/// Errors: a problem with the file as a whole (cannot open, no header, a required column missing, a column
/// named twice) throws `ParseError`; a bad row is recorded in `ParseResult::rejected` with file, 1-based line
/// and column name (bulk-input rule of STYLE.md §4) and reading continues. A name already used on an
/// earlier line rejects the later row with `ErrorCode::duplicate`; its message names the earlier line.

#include <filesystem>
#include <string>
#include <string_view>

#include "vantage/core/error.hpp"
#include "vantage/geometry/site.hpp"

namespace vantage::io {

/// Reads a ground-station CSV file.
/// @throws ParseError(file_not_found / file_read) when the file cannot be read; see `parse_stations_csv`.
ParseResult<geometry::GroundStation> read_stations_csv(const std::filesystem::path &path);

/// As `read_stations_csv` on text already in memory; `source_name` goes into every diagnostic.
/// @throws ParseError(syntax) for an empty text (no header) or an unterminated quote in the header,
///         ParseError(missing_field) naming a required column absent from the header (line 1 of the header),
///         ParseError(duplicate) for a column named twice.
/// Row diagnostics (`rejected`): syntax (wrong number of fields, unterminated quote), missing_field (empty
/// required cell), invalid_number, out_of_range, duplicate (name), each naming the column in `field`.
ParseResult<geometry::GroundStation> parse_stations_csv(std::string_view text, const std::string &source_name);

} // namespace vantage::io
