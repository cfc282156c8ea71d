#pragma once
/// @file
/// Writers of coverage results (docs/formats.md § Coverage outputs): `points.csv` (one row per grid point),
/// `summary.json` (the run's inputs and one entry per region), `coverage.geojson` (each point's cell as a polygon
/// with its figures, for a web map). Numbers are written in their shortest round-trip form and nothing depends on
/// the clock, threads or MPI ranks, so equal results give byte-identical files.

#include <cstddef>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include "vantage/access/access.hpp"
#include "vantage/coverage/coverage.hpp"
#include "vantage/geometry/sensor.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::io {

/// The header of points.csv (units in the names; `weight` is the cell area in km²).
inline constexpr const char *coverage_points_header =
    "lat_deg,lon_deg,weight,accesses,satellite_passes,first_access_utc,max_gap_h,mean_gap_h,p95_gap_h,"
    "mean_response_h,time_in_view_fraction";

/// What summary.json says about the run besides the regions.
struct CoverageRunInfo {
    std::string scenario;                  ///< scenario file as given
    time::Instant start;                   ///< analysis interval
    time::Instant stop;
    std::size_t satellites = 0;            ///< satellites in the scenario
    std::vector<geometry::Sensor> sensors; ///< the scenario's sensors
    access::SearchOptions search;          ///< min window and edge tolerance (threads are not written)
};

/// points.csv: header + one row per point of `selection`, in grid order.
void write_coverage_points_csv(std::ostream &out, const coverage::GridSelection &selection,
                               std::span<const coverage::PointFigures> figures, const time::Instant &start,
                               const time::Instant &stop);

/// summary.json (one JSON object, keys in a fixed order, newline-terminated).
std::string coverage_summary_json(const CoverageRunInfo &info, const coverage::GridSelection &selection,
                                  std::span<const coverage::RegionSummary> regions);

/// coverage.geojson: a FeatureCollection with one Polygon feature per point (its cell) and the point's figures as
/// properties (`first_access_utc` null when never seen), plus a foreign member `vantage` with the interval and grid.
void write_coverage_geojson(std::ostream &out, const coverage::GridSelection &selection,
                            std::span<const coverage::PointFigures> figures, const time::Instant &start,
                            const time::Instant &stop);

/// The JSON object of one region summary (the entries of summary.json's "regions"), as text.
std::string region_summary_json(const coverage::RegionSummary &region);

} // namespace vantage::io
