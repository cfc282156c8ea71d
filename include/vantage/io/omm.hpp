#pragma once
/// @file
/// CCSDS Orbit Mean-Elements Messages (OMM, CCSDS 502.0-B-3) carrying SGP4 element sets, in the four
/// syntaxes in use: KVN (`CCSDS_OMM_VERS = ...`), NDM/XML 2.0 (`<ndm><omm>` or `<omm>`), CelesTrak JSON
/// (array of flat objects with OMM keys) and CelesTrak CSV (header `OBJECT_NAME,OBJECT_ID,EPOCH,...`).
///
/// Required keys: EPOCH (ISO 8601 UTC), MEAN_MOTION (rev/day), ECCENTRICITY, INCLINATION (deg),
/// RA_OF_ASC_NODE (deg), ARG_OF_PERICENTER (deg), MEAN_ANOMALY (deg), NORAD_CAT_ID, BSTAR (1/ER).
/// Optional: OBJECT_NAME, OBJECT_ID, CLASSIFICATION_TYPE, EPHEMERIS_TYPE, ELEMENT_SET_NO, REV_AT_EPOCH,
/// MEAN_MOTION_DOT (rev/day^2), MEAN_MOTION_DDOT (rev/day^3). When present, MEAN_ELEMENT_THEORY must
/// be SGP4 (or SGP/SGP4), REF_FRAME TEME, TIME_SYSTEM UTC and CENTER_NAME EARTH; otherwise the record
/// is rejected with ErrorCode::unsupported. JSON numbers may also be given as strings.
///
/// Diagnostics: KVN, XML and CSV name the line of the offending key/row; JSON names the record index
/// in `field` ("[17].ECCENTRICITY") and the line of the key, found by a scan of the text.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vantage/core/error.hpp"
#include "vantage/io/tle.hpp"
#include "vantage/orbits/element_set.hpp"

namespace vantage::io {

enum class OmmSyntax { kvn, xml, json, csv };

/// Detects the OMM syntax from the text (leading blanks, BOM and KVN COMMENT lines skipped):
/// '<' -> XML, '[' or '{' -> JSON, a first key `CCSDS_OMM_VERS` -> KVN, a first line with a comma
/// naming OMM columns -> CSV. Empty if none matches.
std::optional<OmmSyntax> detect_omm_syntax(std::string_view text);

/// Reads an OMM file of any of the four syntaxes (detected by content). Bad records are recorded
/// in `rejected` (one per record), the others read; unknown keys give `unknown_key` warnings.
/// @throws ParseError(file_not_found) if the file cannot be opened.
ParseResult<ElementRecord> read_omm_file(const std::filesystem::path &path);

/// As `read_omm_file` on text in memory. A text of no known syntax gives one `syntax` rejection.
ParseResult<ElementRecord> parse_omm_text(std::string_view text, const std::string &source_name);

/// One OMM in KVN (CCSDS 502.0-B-3 section 6), all numbers with round-trip precision.
/// CREATION_DATE is the element-set epoch (deterministic output) unless `creation_date` is given.
std::string format_omm_kvn(const orbits::ElementSet &elements, std::string_view creation_date = {});
/// CelesTrak-style JSON array (keys OBJECT_NAME ... MEAN_MOTION_DDOT, numbers as JSON numbers).
std::string format_omm_json(const std::vector<orbits::ElementSet> &elements);
/// CCSDS NDM/XML 2.0: one `<ndm>` with one `<omm id="CCSDS_OMM_VERS" version="2.0">` per element set.
std::string format_omm_xml(const std::vector<orbits::ElementSet> &elements);

} // namespace vantage::io
