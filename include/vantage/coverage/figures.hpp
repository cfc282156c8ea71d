#pragma once
/// @file
/// Per-point coverage figures of merit from access windows (docs/coverage.md § Definitions, with the STK names).
///
/// Over an analysis interval [0, T] (seconds from its start), from the windows of every satellite on one point:
/// - the **union** of the windows is taken first: windows that overlap or touch merge into one access;
///   `accesses` (STK Number of Accesses) counts the merged windows, `satellite_passes` the windows before merging;
/// - **gaps** (STK Revisit Time) are the maximal sub-intervals of [0, T] of positive length outside every window,
///   including the leading gap before the first access and the trailing gap after the last one (STK's
///   "optimistic" boundary gaps, measured to the interval bounds); a point never seen has one gap of length T,
///   a point always seen none (max/mean/p95 are then 0);
/// - `p95_gap_s` is the 95th percentile **by count**, nearest rank: the ⌈0.95·n⌉-th smallest of the n gaps (STK
///   Revisit Time "Num Percent Below" at 95 %);
/// - `mean_response_s` (STK Response Time, Average) is the time average over [0, T] of the wait until the next
///   access starts (0 while in view), Σ gap² / (2T). After the last access the wait is counted to T, so it is a
///   **lower bound** wherever the trailing gap is not empty (the true wait runs past the interval);
/// - `time_in_view_s` (STK Coverage Time) is the length of the union; its fraction of T is the time-in-view fraction;
/// - `first_access_s` (STK Time to first access / Access Start) is the start of the first access, absent if never.
/// Nothing is NaN: every figure of an unseen point is defined above.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace vantage::coverage {

/// A window in seconds from the analysis start (start <= end).
struct Span {
    double start_s = 0.0;
    double end_s = 0.0;
};

/// The figures of one point.
struct PointFigures {
    std::uint32_t accesses = 0;          ///< merged windows (>= 0)
    std::uint32_t satellite_passes = 0;  ///< windows of all satellites before merging (>= accesses)
    std::uint32_t gaps = 0;              ///< number of gaps (>= 0)
    std::optional<double> first_access_s; ///< start of the first access (s from the start), empty if never seen
    double max_gap_s = 0.0;              ///< longest gap (s, [0, T])
    double mean_gap_s = 0.0;             ///< mean gap length by count (s, [0, T]; 0 without gaps)
    double p95_gap_s = 0.0;              ///< 95th percentile gap by count, nearest rank (s)
    double mean_response_s = 0.0;        ///< time-averaged wait to the next access start (s, lower bound; see above)
    double time_in_view_s = 0.0;         ///< length of the union of the windows (s, [0, T])
    bool operator==(const PointFigures &) const = default;
};

/// The figures of one point from its windows (any order, overlapping allowed; windows are clipped to [0, T]).
/// @param windows the windows of every satellite on the point (s from the analysis start)
/// @param duration_s T (s, > 0)
/// @throws Error(invalid_argument) for T <= 0 or a window with end < start or a non-finite bound.
PointFigures point_figures(std::span<const Span> windows, double duration_s);

/// The union of windows (sorted, merged where they overlap or touch) clipped to [0, T].
std::vector<Span> merge_windows(std::span<const Span> windows, double duration_s);

} // namespace vantage::coverage
