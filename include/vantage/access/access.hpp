#pragma once
/// @file
/// Access engine: satellite-to-station passes and satellite-to-target imaging opportunities, found with
/// a guarantee that no window of at least `SearchOptions::min_window_s` is ever missed.
///
/// Method (Orekit-style event detection: switching function + max check interval + convergence threshold):
/// - every constraint is a switching function g(t) >= 0 (elevation − mask; max off-nadir − off-nadir;
///   incidence bounds; Sun elevation − min; half-swath − |cross-track|; look side), combined with AND;
/// - the sampling step is *adaptive and certified*: at each sample every constraint returns, from its current
///   value and a bound on its rate of change derived from the orbit (maximum Earth-fixed speed, minimum
///   range, Earth rotation), a span over which its sign cannot change. The next sample is that span, but at
///   least h = min_window_s / 2 later. A window (or gap) lasting at least min_window_s therefore always
///   contains a sample (argument in docs/accuracy.md). Stations with a constant mask use a second-order span on
///   g = sin(el) - sin(mask): from g, its derivative and a bound on |g''| (acceleration, speed, range), so the steps
///   shrink like Newton steps toward an edge (src/access/access.cpp, eval_station_const);
/// - sign changes between samples are bracketed and refined with Brent's method to
///   `edge_tolerance_s` or better; the best time is found by Brent minimisation seeded from the best sample;
/// - targets are pruned with a latitude/longitude grid: a target is only searched during the ephemeris
///   intervals where it lies within the sensor's footprint radius (plus the sub-satellite motion over the
///   interval) of the sub-satellite point, so the cost grows with the targets actually visible; with at most 64
///   sites a coarse certified sweep of SGP4 itself (osculating-orbit bound on the ground-track rate) first finds the
///   time spans in which any site can be inside the footprint, and the ephemeris is built only there;
/// - satellites are searched in parallel (TBB), each with an ephemeris of its ITRF state sampled from SGP4
///   (node spacing <= 30 s and <= 0.03 rad of orbital motion, six-point Lagrange interpolation of positions and
///   velocities separately; interpolation error ~25 µm for LEO, far below the SGP4 model error); nodes come from the
///   batch SGP4 kernel and are rotated to ITRF by interpolating between exact transforms <= 1 h apart (~1e-9 rad).
///
/// Accuracy (tests/access, docs/accuracy.md): edges within `edge_tolerance_s` (default 1 ms) of the root of the
/// same switching functions; property test vs dense 0.25 s sampling on random LEO/SSO/Molniya/GEO pairs.

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "vantage/frames/earth_orientation.hpp"
#include "vantage/geometry/sensor.hpp"
#include "vantage/geometry/site.hpp"
#include "vantage/orbits/sgp4_propagator.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::access {

/// Which implementation searches. Both keep the guarantee; their edges agree to `edge_tolerance_s`
/// (AccessProperty.NodePathMatchesSweepPath).
enum class SearchPath {
    automatic, ///< the vectorised node path (all sites of a footprint at once at each ephemeris node)
    sweep,     ///< the scalar certified sweep, site by site (the reference implementation; slower)
};

/// Search controls (Orekit's max check interval and convergence threshold, stated as guarantees).
struct SearchOptions {
    double min_window_s = 1.0;      ///< no window (or gap between windows) at least this long is missed (s, > 0)
    double edge_tolerance_s = 1e-3; ///< edges refined to this or better (s, > 0)
    int threads = 0;                ///< worker threads; 0 = all hardware threads, 1 = serial (>= 0)
    /// true: every Window field is filled. false (window edges only, e.g. coverage statistics): `start`, `end`,
    /// `partial` are exact as always, `best` = `start`, the four angles are 0, `look_side` = right,
    /// `pass_direction` = ascending and `mode` = -1, except that a sensor with a `pass_direction` filter still
    /// gets the exact best time and its pass direction in `best` and `pass_direction` (the filter needs them), so
    /// the windows kept are exactly those with attributes on.
    bool compute_attributes = true;
    SearchPath path = SearchPath::automatic; ///< implementation (tests and benchmarks)
};

/// One access window.
struct Window {
    time::Instant start;                ///< first instant the constraints hold (or the analysis start if partial)
    time::Instant end;                  ///< last instant the constraints hold (or the analysis stop if partial)
    time::Instant best;                 ///< max elevation (stations) / min off-nadir (targets) / crossing of the cross-track plane (fixed optical) or zero-Doppler plane (SAR), within [start, end]
    bool partial = false;               ///< cut by the analysis interval at either end
    double max_elevation_deg = 0;       ///< stations: elevation at best; targets: elevation of the satellite seen from the target at best (deg)
    double min_off_nadir_deg = 0;       ///< off-nadir angle at best (deg, [0, 90])
    double incidence_deg_at_best = 0;   ///< incidence at the ground point at best (deg, [0, 90])
    double sun_elevation_deg_at_best = 0; ///< Sun elevation at the ground point at best (deg)
    geometry::LookSide look_side = geometry::LookSide::right;                    ///< left or right at best
    geometry::PassDirection pass_direction = geometry::PassDirection::ascending;  ///< at best
    /// Sensors with modes: index into `Sensor::modes` of the first mode that holds at best (at an edge, where
    /// rounding can leave none, the one with the largest margin); -1 without modes, for stations, and when
    /// attributes are not computed.
    int mode = -1;
    /// end − start (s, >= 0).
    double duration_s() const;
};

/// A pass of satellite `satellite` over station `station` (indices into the input spans).
struct StationPass {
    std::size_t satellite;
    std::size_t station;
    Window window;
};

/// An imaging opportunity of satellite `satellite` on target `target` (indices into the input spans).
struct TargetAccess {
    std::size_t satellite;
    std::size_t target;
    Window window;
};

/// A satellite: its propagator, a display name and its sensor (the sensor is ignored for station passes).
struct Satellite {
    orbits::Sgp4Propagator propagator;
    std::string name;
    geometry::Sensor sensor;
};

/// All passes of the satellites over the stations in [start, stop], elevation >= the station's mask.
/// @param sats satellites; those whose SGP4 initialisation failed (`init_status() != ok`) are skipped (no
///        passes; the io layer reports them)
/// @param stations stations (mask and latitude validated: ConfigError(out_of_range) otherwise)
/// @param start, stop analysis interval (stop > start)
/// @param eop Earth orientation for TEME -> ITRF and the Sun
/// @param options search controls
/// @return passes sorted by (satellite, station, start)
/// @throws DomainError(sgp4_*) when SGP4 fails inside the interval (context field "norad_id", value the id);
///         Error(invalid_argument) for stop <= start or bad options.
std::vector<StationPass> find_station_passes(std::span<const Satellite> sats,
                                             std::span<const geometry::GroundStation> stations,
                                             const time::Instant &start, const time::Instant &stop,
                                             const frames::EarthOrientation &eop, const SearchOptions &options = {});

/// All imaging opportunities of the satellites' sensors on the targets in [start, stop].
/// @return accesses sorted by (satellite, target, start); windows whose best-time pass direction does not match
///         the sensor's `pass_direction` are dropped.
/// @throws as `find_station_passes`, plus ConfigError from `geometry::validate_sensor`.
std::vector<TargetAccess> find_target_access(std::span<const Satellite> sats,
                                             std::span<const geometry::Target> targets,
                                             const time::Instant &start, const time::Instant &stop,
                                             const frames::EarthOrientation &eop, const SearchOptions &options = {});

/// Receives the accesses of one satellite (sorted by target, then start). Called from the worker threads, for
/// different satellites concurrently: it must be thread-safe.
using TargetAccessSink = std::function<void(std::size_t satellite, std::span<const TargetAccess> accesses)>;

/// `find_target_access` without keeping the results: each satellite's accesses go to `sink` as soon as that
/// satellite is done (e.g. coverage statistics over 10^4-10^6 targets, where the full list would not fit in
/// memory: a window takes ~120 bytes). Same windows, same order within a satellite, same errors.
void stream_target_access(std::span<const Satellite> sats, std::span<const geometry::Target> targets,
                          const time::Instant &start, const time::Instant &stop, const frames::EarthOrientation &eop,
                          const SearchOptions &options, const TargetAccessSink &sink);

} // namespace vantage::access
