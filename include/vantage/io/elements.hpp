#pragma once
/// @file
/// Reads a file of SGP4 element sets in any supported format: TLE (2-line / 3-line) or CCSDS OMM
/// (KVN, XML, JSON, CSV), detected by content. This is what `vantage validate FILE` runs.

#include <filesystem>
#include <string>
#include <string_view>

#include "vantage/io/omm.hpp"
#include "vantage/io/tle.hpp"

namespace vantage::io {

enum class ElementFormat { tle, omm_kvn, omm_xml, omm_json, omm_csv };

/// "tle", "omm-kvn", "omm-xml", "omm-json", "omm-csv".
std::string_view to_string(ElementFormat format) noexcept;

/// Detects the format: OMM when `detect_omm_syntax` recognises the text, TLE otherwise (so that
/// unrecognised text gets the TLE reader's line-by-line diagnostics).
ElementFormat detect_element_format(std::string_view text);

/// Reads TLE or OMM. A file with no element set at all gets one `syntax` warning ("no element sets").
/// @throws ParseError(file_not_found) if the file cannot be opened.
ParseResult<ElementRecord> read_elements_file(const std::filesystem::path &path, const TleReadOptions &tle_opts = {});

/// As `read_elements_file` on text in memory.
ParseResult<ElementRecord> parse_elements_text(std::string_view text, const std::string &source_name,
                                               const TleReadOptions &tle_opts = {});

} // namespace vantage::io
