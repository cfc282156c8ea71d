#include "vantage/access/access.hpp"

// The engine's pieces (all private to this module):
//   ephemeris.*    SGP4 nodes -> ITRF ephemeris (six-point Lagrange), rate bounds, satellite frame
//   constraints.*  switching functions (terms), second-derivative bounds, AND / OR with certified spans
//   sweep.*        scalar certified sweep and Brent's root finder (few-site reference path and fallback)
//   site_set.*     sites sorted by a lat/lon cell grid, SoA copies, range queries around a sub-satellite point
//   node_kernel.*  the vectorised per-node certificate over all candidate sites (Highway)
//   search.*       per satellite: coarse pruning, node path or sweep path, best time and attributes
// docs/accuracy.md § Access windows has the argument; docs/architecture/access.md the overview.

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <optional>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "search.hpp"
#include "vantage/core/error.hpp"
#include "vantage/geometry/detail/sun_table.hpp"

namespace vantage::access {

double Window::duration_s() const
{
    return (end - start).seconds();
}

namespace {

using namespace detail;

// Node spacing of the Sun table: the Sun's CIRS direction is linear over an hour to 3e-10 rad (measured,
// GeometryValidation.SunTableMatchesExactSun; the chord error is radial, the non-uniform angular speed bends it a
// little), i.e. Sun-elevation edges within ~5 µs; 6x fewer ERFA node evaluations than the table's 600 s default.
constexpr double sun_node_step_s = 3600.0;

void check_inputs(const time::Instant &start, const time::Instant &stop, const SearchOptions &opt)
{
    if (!(stop > start)) {
        throw Error(ErrorCode::invalid_argument, "the analysis interval must have stop > start",
                    ErrorContext{"", 0, "stop", stop.to_iso8601_utc(3)});
    }
    if (!(opt.min_window_s > 0.0) || !std::isfinite(opt.min_window_s)) {
        throw Error(ErrorCode::invalid_argument, "min_window_s must be > 0",
                    ErrorContext{"", 0, "min_window_s", fmt::format("{}", opt.min_window_s)});
    }
    if (!(opt.edge_tolerance_s > 0.0) || !std::isfinite(opt.edge_tolerance_s)) {
        throw Error(ErrorCode::invalid_argument, "edge_tolerance_s must be > 0",
                    ErrorContext{"", 0, "edge_tolerance_s", fmt::format("{}", opt.edge_tolerance_s)});
    }
    if (opt.threads < 0) {
        throw Error(ErrorCode::invalid_argument, "threads must be >= 0",
                    ErrorContext{"", 0, "threads", fmt::format("{}", opt.threads)});
    }
}

/// Runs fn(i, scratch) for every satellite in parallel (TBB), with one Scratch per worker thread.
template <class Fn>
void for_each_satellite(std::size_t n, int threads, Fn &&fn)
{
    const int nthreads = threads > 0 ? threads : tbb::task_arena::automatic;
    tbb::task_arena arena(nthreads);
    tbb::enumerable_thread_specific<ScratchPtr> scratch([] { return make_scratch(); });
    arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1), [&](const tbb::blocked_range<std::size_t> &r) {
            Scratch &s = *scratch.local();
            for (std::size_t i = r.begin(); i != r.end(); ++i) {
                fn(i, s);
            }
        });
    });
}

/// Searches every satellite; `emit(i, results)` receives satellite i's results (sorted by site, start).
template <class Out, class Make, class Emit>
void run_search(std::span<const Satellite> sats, const SiteSet &set, const std::vector<Spec> &sat_specs,
                const time::Instant &start, const time::Instant &stop, const frames::EarthOrientation &eop,
                const SearchOptions &options, Make &&make, Emit &&emit)
{
    const double span_s = (stop - start).seconds();
    if (set.size() > 0) {
        // The Sun only when a sensor needs it or the attributes (Sun elevation at best) are asked for.
        const bool need_sun = options.compute_attributes ||
                              std::any_of(sat_specs.begin(), sat_specs.end(), [](const Spec &s) { return s.uses_sun; });
        std::optional<geometry::detail::SunTable> sun;
        if (need_sun) {
            sun.emplace(start, stop, eop, sun_node_step_s);
        }
        // TEME -> ITRF knots (hourly) shared by every satellite's ephemerides.
        const TemeToItrf rot(start, 0.0, span_s, eop);
        for_each_satellite(sats.size(), options.threads, [&](std::size_t i, Scratch &scratch) {
            if (sats[i].propagator.init_status() != orbits::Sgp4Status::ok) {
                return;
            }
            const Spec *spec = sat_specs.empty() ? nullptr : &sat_specs[i];
            auto found = search_satellite(sats[i].propagator, set, spec, start, span_s, eop, rot,
                                          sun ? &*sun : nullptr, options, scratch);
            auto order = [](const PairResult &a, const PairResult &b) {
                return a.site != b.site ? a.site < b.site : a.window.start < b.window.start;
            };
            if (!std::is_sorted(found.begin(), found.end(), order)) { // several coarse spans
                std::sort(found.begin(), found.end(), order);
            }
            std::vector<Out> mine;
            mine.reserve(found.size());
            for (const PairResult &p : found) {
                mine.push_back(make(i, p));
            }
            emit(i, std::move(mine));
        });
    }
}

/// run_search collecting every satellite's results, in satellite order.
template <class Out, class Make>
std::vector<Out> collect_search(std::span<const Satellite> sats, const SiteSet &set, const std::vector<Spec> &sat_specs,
                                const time::Instant &start, const time::Instant &stop,
                                const frames::EarthOrientation &eop, const SearchOptions &options, Make &&make)
{
    std::vector<std::vector<Out>> per(sats.size());
    run_search<Out>(sats, set, sat_specs, start, stop, eop, options, make,
                    [&](std::size_t i, std::vector<Out> &&v) { per[i] = std::move(v); });
    std::size_t total = 0;
    for (const auto &v : per) {
        total += v.size();
    }
    std::vector<Out> out;
    out.reserve(total);
    for (auto &v : per) {
        out.insert(out.end(), v.begin(), v.end());
    }
    return out;
}

} // namespace

std::vector<StationPass> find_station_passes(std::span<const Satellite> sats,
                                             std::span<const geometry::GroundStation> stations,
                                             const time::Instant &start, const time::Instant &stop,
                                             const frames::EarthOrientation &eop, const SearchOptions &options)
{
    check_inputs(start, stop, options);
    std::vector<Site> sites;
    std::vector<Spec> specs;
    for (const auto &g : stations) {
        specs.push_back(spec_for_station(g));
        sites.push_back(make_site(g.location));
    }
    const SiteSet set(sites, std::move(specs));
    return collect_search<StationPass>(sats, set, {}, start, stop, eop, options, [](std::size_t i, const PairResult &p) {
        return StationPass{i, p.site, p.window};
    });
}

namespace {

/// The specs and site set of a target search, then run_search with `emit`.
template <class Run>
void target_search(std::span<const Satellite> sats, std::span<const geometry::Target> targets,
                   const time::Instant &start, const time::Instant &stop, const SearchOptions &options, Run &&run)
{
    check_inputs(start, stop, options);
    std::vector<Spec> sat_specs;
    for (const auto &s : sats) {
        sat_specs.push_back(spec_for_sensor(s.sensor));
    }
    std::vector<Site> sites;
    for (const auto &t : targets) {
        sites.push_back(make_site(t.location));
    }
    const SiteSet set(sites, {});
    if (!sats.empty()) {
        run(set, sat_specs);
    }
}

TargetAccess make_access(std::size_t i, const PairResult &p)
{
    return TargetAccess{i, p.site, p.window};
}

} // namespace

std::vector<TargetAccess> find_target_access(std::span<const Satellite> sats,
                                             std::span<const geometry::Target> targets,
                                             const time::Instant &start, const time::Instant &stop,
                                             const frames::EarthOrientation &eop, const SearchOptions &options)
{
    std::vector<TargetAccess> out;
    target_search(sats, targets, start, stop, options, [&](const SiteSet &set, const std::vector<Spec> &specs) {
        out = collect_search<TargetAccess>(sats, set, specs, start, stop, eop, options, make_access);
    });
    return out;
}

void stream_target_access(std::span<const Satellite> sats, std::span<const geometry::Target> targets,
                          const time::Instant &start, const time::Instant &stop, const frames::EarthOrientation &eop,
                          const SearchOptions &options, const TargetAccessSink &sink)
{
    target_search(sats, targets, start, stop, options, [&](const SiteSet &set, const std::vector<Spec> &specs) {
        run_search<TargetAccess>(sats, set, specs, start, stop, eop, options, make_access,
                                 [&](std::size_t i, std::vector<TargetAccess> &&v) {
                                     sink(i, std::span<const TargetAccess>(v));
                                 });
    });
}

} // namespace vantage::access
