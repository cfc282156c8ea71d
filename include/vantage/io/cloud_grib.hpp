#pragma once
/// @file
/// Total cloud cover from GRIB2 (and GRIB1) files, read with ECMWF's ecCodes: the fields of
/// mission::CloudData (docs/formats.md § Tasking scenario, `clouds`).
///
/// Which messages are read: total cloud cover (`shortName` tcc: NCEP's TCDC in %, ECMWF's tcc as a 0-1 fraction;
/// units normalised to %) of the whole atmosphere: `typeOfLevel` atmosphereSingleLayer (NCEP, surface type 200),
/// entireAtmosphere or surface (ECMWF). NCEP's layer covers (low, middle, high, convective, boundary-layer cloud
/// layers) and every other parameter are skipped. The grid must be a regular latitude/longitude grid (`regular_ll`).
/// Times: an instantaneous field stands for its valid time (dataDate/dataTime + step); a field averaged over the
/// forecast interval [startStep, endStep] (GFS's `avg`) for the middle of that interval.

#include <cstddef>
#include <filesystem>
#include <vector>

#include "vantage/mission/clouds.hpp"

namespace vantage::io {

/// The total-cloud-cover fields of one file, in file order.
struct CloudFile {
    std::vector<mission::CloudForecast> fields; ///< source: "<file> message <n>" (1-based)
    std::size_t skipped = 0;                    ///< messages that are not whole-atmosphere total cloud cover
};

/// Reads every total-cloud-cover message of a GRIB file.
/// @throws ParseError(file_not_found) for a missing file; ParseError(syntax) for a file ecCodes cannot decode,
///         naming the file and `message N`; ParseError(unsupported) for another grid type, unknown units or a
///         bitmap with missing points; ParseError(missing_field) when the file has no total-cloud-cover message;
///         ParseError(out_of_range) for a value outside [0, 100] % after normalisation.
CloudFile read_cloud_grib(const std::filesystem::path &path);

/// Builds the cloud data of a plan: forecast files (their fields sorted by time; two with one time are a
/// ConfigError(duplicate) naming both) and climatology files (each message a monthly mean; its month is that of
/// its dataDate, the year is ignored; a month given twice is a ConfigError(duplicate)). σs and the default limit
/// keep their defaults (the scenario reader sets them).
mission::CloudData read_clouds(const std::vector<std::filesystem::path> &forecast_files,
                               const std::vector<std::filesystem::path> &climatology_files);

} // namespace vantage::io
