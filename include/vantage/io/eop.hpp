#pragma once
/// @file
/// Readers for Earth-orientation parameter files, producing a `frames::EarthOrientation` context.
///
/// Formats (detected from the content, not the file name):
/// - CelesTrak `EOP-All.csv` (header `DATE,MJD,X,Y,UT1-UTC,LOD,DPSI,DEPS,DX,DY,DAT,DATA_TYPE`; columns
///   are found by name, so their order does not matter). Units: X, Y, DPSI, DEPS, DX, DY arcseconds;
///   UT1-UTC, LOD, DAT seconds; DATA_TYPE `O` (observed) or `P` (predicted).
/// - IERS `finals2000A` (`finals2000A.all/.data/.daily`, fixed columns per the IERS/USNO
///   `readme.finals2000A`; 1-based columns: MJD 8-15, PM flag 17, Bull. A PM-x 19-27, PM-y 38-46,
///   UT1 flag 58, Bull. A UT1-UTC 59-68, LOD 80-86 (ms), Bull. A dX 98-106, dY 117-125 (mas),
///   Bull. B PM-x 135-144, PM-y 145-154, UT1-UTC 155-165, dX 166-175, dY 176-185 (mas)).
///   Bulletin B values are used where present (final), else Bulletin A. finals2000A has no dψ/dε
///   (IAU 1980) columns: those are set to zero (TEME<->ITRF does not use them). Rows that carry only a
///   date (the reserved days at the end of the file) are skipped.
///
/// Every error is a `ParseError` naming file, 1-based line and field (`ErrorContext`).

#include <filesystem>
#include <string>
#include <string_view>

#include "vantage/core/error.hpp"
#include "vantage/frames/earth_orientation.hpp"

namespace vantage::io {

/// Which EOP file layout a text is in.
enum class EopFormat { celestrak_csv, iers_finals2000a };

/// Reads an EOP file, auto-detecting CelesTrak CSV or IERS finals2000A.
/// @param path file to read; its path becomes the context's source name
/// @throws ParseError with code file_not_found (cannot open), syntax (unknown format, wrong number of CSV
///         fields, empty table), missing_field (a required CSV column or fixed-column field is absent),
///         invalid_number (a numeric field does not parse), out_of_range (MJDs not increasing, DATA_TYPE
///         not O/P), duplicate (the same MJD twice), mismatch (DAT disagrees with ERFA's TAI-UTC),
///         each with source = path, line and field.
frames::EarthOrientation read_eop_file(const std::filesystem::path &path);

/// Same as `read_eop_file` on text already in memory; `source_name` is used in errors and kept in the context.
frames::EarthOrientation parse_eop_text(std::string_view text, const std::string &source_name);

/// The format `parse_eop_text` would use for this text.
/// @throws ParseError(ErrorCode::syntax) when it is neither.
EopFormat detect_eop_format(std::string_view text, const std::string &source_name);

} // namespace vantage::io
