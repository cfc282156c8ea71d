#pragma once
/// @file
/// What kind of Vantage input a file is, told by its content (the extension is only a hint): used by
/// `vantage validate FILE` to pick the reader. Nothing here parses the file for real; the readers do.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace vantage::io {

/// The input files `vantage validate` knows.
enum class FileKind {
    tle,               ///< TLE text (2- or 3-line), io/tle.hpp
    omm,               ///< CCSDS OMM in KVN, XML, JSON or CSV, io/omm.hpp
    stations,          ///< ground-station CSV (`name,lat_deg,lon_deg,alt_m,...`), io/stations.hpp
    access_scenario,   ///< access scenario YAML (`vantage access`), io/scenario.hpp
    coverage_scenario, ///< coverage scenario YAML (`aoi:` / `coverage:`; `vantage coverage`), io/coverage_scenario.hpp
    tasking_scenario,  ///< tasking scenario YAML (`requests`, `tenants`, `planning`, ...; `vantage plan`), io/mission_scenario.hpp
    requests,          ///< requests file (`requests: [...]` or a bare list; `requests_file:`, `vantage replan --add`)
    design,            ///< constellation design file (`groups:`; `vantage design custom`), io/design_spec.hpp
};

/// Stable name ("tle", "omm", "stations", "access-scenario", "coverage-scenario", "tasking-scenario", "requests",
/// "design"): the values of `vantage validate --kind`.
std::string_view to_string(FileKind kind) noexcept;

/// The kind of a name of `to_string`; nullopt for any other text.
std::optional<FileKind> parse_file_kind(std::string_view name);

/// A guess and the evidence for it, in words ("top-level key 'tenants'", "OMM XML", "a TLE line 1 at line 2").
struct FileKindGuess {
    FileKind kind = FileKind::tle;
    std::string reason;
};

/// Tells the kind of `text` (the content of `path`): OMM (XML, KVN, JSON, CSV with an OMM header), a stations CSV
/// (a header with `lat_deg` and `lon_deg`), TLE (a line that looks like TLE line 1), else YAML by its top-level keys
/// (tasking keys before `aoi`/`coverage` before the access keys; only `requests` is a requests file; `groups` a
/// design). Text that fits none is taken by the extension (.yaml/.yml: access scenario, .csv: stations, .json/.xml/
/// .kvn/.omm: OMM), else as TLE, whose reader then reports every line it cannot read. Never throws.
FileKindGuess detect_file_kind(std::string_view text, const std::filesystem::path &path);

/// As above on the content of the file `path`. @throws ParseError(file_not_found / file_read) when it cannot be read.
FileKindGuess detect_file_kind(const std::filesystem::path &path);

} // namespace vantage::io
