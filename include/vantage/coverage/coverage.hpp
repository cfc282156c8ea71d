#pragma once
/// @file
/// Coverage analysis: the windows of every satellite's sensor on every grid point (access engine,
/// `access::find_target_access`, AND of the sensor's constraints, daylight for optical sensors with a Sun limit),
/// reduced per point to the figures of `figures.hpp` and per region to area-weighted statistics.
///
/// Work decomposition (what makes single-process, multi-thread and MPI runs bit-identical): the points are cut
/// into fixed **chunks** (`plan_chunks`: their size depends only on the numbers of points and satellites), each
/// chunk is one call of the access engine on all satellites, and a chunk's result depends only on its points.
/// Chunks run one after another with the engine's threads over satellites when there are enough satellites to
/// keep the threads busy, and side by side (one engine thread each) otherwise. MPI ranks take chunks round-robin
/// (apps/cli, `vantage coverage` under mpirun); nothing here knows about MPI.
///
/// Accuracy: window edges as the access engine's (`SearchOptions::edge_tolerance_s`, default 1 ms; no window or
/// gap of at least `min_window_s` is missed), so every duration figure is exact to about 2 × edge tolerance;
/// counts are exact for windows and gaps of at least min_window_s. Checked against an independent dense-sampling
/// reference (tools/reference/gen_reference_coverage.py, tests/crosscheck) and hand-computable cases
/// (tests/coverage).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "vantage/access/access.hpp"
#include "vantage/coverage/figures.hpp"
#include "vantage/coverage/grid.hpp"
#include "vantage/frames/earth_orientation.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::coverage {

/// How the points are cut into chunks.
struct ChunkPlan {
    std::size_t points = 0;      ///< total points
    std::size_t chunk_size = 0;  ///< points per chunk (the last may hold fewer)
    std::size_t chunks = 0;      ///< ceil(points / chunk_size)
    /// Points [begin, end) of chunk c.
    std::size_t begin(std::size_t c) const { return c * chunk_size; }
    std::size_t end(std::size_t c) const { return std::min(points, (c + 1) * chunk_size); }
};

/// Fixed chunking: about 4·10^6 point-satellite pairs per chunk (bounded memory for the windows), between 256 and
/// 16,384 points, and at least 8 chunks when there are enough points (so ranks and threads share the work).
/// Depends only on the two counts, never on threads or ranks.
ChunkPlan plan_chunks(std::size_t points, std::size_t satellites);

/// Controls of a coverage run.
struct CoverageOptions {
    access::SearchOptions search;   ///< access engine controls (min window, edge tolerance, threads: 0 = all)
    /// Called after each chunk with (points done, points total), from the calling thread or a worker thread but
    /// never concurrently; may be empty.
    std::function<void(std::size_t, std::size_t)> progress;
};

/// The search options the engine is called with: `search` as given. (Coverage needs only window edges; when the
/// access engine gains an edges-only switch, setting it here is the one change: see docs/coverage.md.)
access::SearchOptions engine_options(const access::SearchOptions &search);

/// Figures of the points of the chunks `chunk_ids` (any subset of the plan's chunks, each once).
/// @param sats satellites with their sensors (those whose SGP4 initialisation failed see nothing)
/// @param points all grid points (the plan's numbering)
/// @param plan `plan_chunks(points.size(), sats.size())`
/// @param chunk_ids the chunks to compute
/// @return figures of the chunks' points, chunk after chunk in `chunk_ids` order, points in grid order within one
/// @throws as access::find_target_access (ConfigError for a bad sensor, DomainError when SGP4 fails).
std::vector<PointFigures> compute_chunks(std::span<const access::Satellite> sats, std::span<const GridPoint> points,
                                         const ChunkPlan &plan, std::span<const std::size_t> chunk_ids,
                                         const time::Instant &start, const time::Instant &stop,
                                         const frames::EarthOrientation &eop, const CoverageOptions &options);

/// Figures of every point (all chunks, in grid order).
std::vector<PointFigures> compute_points(std::span<const access::Satellite> sats, std::span<const GridPoint> points,
                                         const time::Instant &start, const time::Instant &stop,
                                         const frames::EarthOrientation &eop, const CoverageOptions &options);

/// Area-weighted statistics of one figure over a region (weights = cell areas).
struct WeightedStats {
    double mean = 0.0; ///< Σ w·x / Σ w
    double min = 0.0;
    double max = 0.0;
};

/// The statistics of one region.
struct RegionSummary {
    std::string name;
    Region::Kind kind = Region::Kind::global;
    std::size_t points = 0;                ///< grid points in the region
    double grid_area_km2 = 0.0;            ///< Σ cell areas of its points (km²)
    double polygon_area_km2 = 0.0;         ///< geodesic area of the polygon (km²), 0 for other kinds
    int k = 2;                             ///< the k of `percent_area_covered_at_least_k`
    double percent_area_covered = 0.0;     ///< % of the grid area whose points have >= 1 access (STK Percent Coverage)
    double percent_area_covered_at_least_k = 0.0; ///< % of the grid area with >= k accesses
    WeightedStats accesses;                ///< merged windows per point
    WeightedStats satellite_passes;
    WeightedStats max_gap_h;               ///< per point max gap (h): mean = area-weighted mean of the point maxima
    WeightedStats mean_gap_h;
    WeightedStats p95_gap_h;
    WeightedStats mean_response_h;         ///< lower bound (see figures.hpp)
    WeightedStats time_in_view_fraction;
    /// Time to the first access (h); a point never seen counts the whole interval (a lower bound).
    WeightedStats time_to_first_access_h;
};

/// Region statistics from the points' figures.
/// @param selection the grid and its regions; @param figures one per selection point, in order
/// @param duration_s the analysis interval (s); @param k threshold of the second percentage (>= 1)
std::vector<RegionSummary> summarize(const GridSelection &selection, std::span<const PointFigures> figures,
                                     double duration_s, int k);

} // namespace vantage::coverage
