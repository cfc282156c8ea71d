// Coverage runs: chunks of grid points through the access engine, then per-point figures and region statistics.

#include "vantage/coverage/coverage.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "vantage/core/error.hpp"

namespace vantage::coverage {

namespace {

/// Point-satellite pairs per chunk: ~4e6 pairs keep the windows of one chunk (~100 B each, about one per pair
/// per day for a 1,000-satellite LEO constellation) to a few hundred MB.
constexpr double pairs_per_chunk = 4.0e6;
/// NOTE: more than 64 sites take the engine's many-site path, which was measured faster per window than its
/// few-site path here (3.9 s vs 4.7 s for 20 satellites x 508 points); each chunk repeats the per-satellite setup.
constexpr std::size_t min_chunk_points = 256;
constexpr std::size_t max_chunk_points = 16384;
constexpr std::size_t min_chunks = 8;

std::size_t thread_count(int threads)
{
    return threads > 0 ? static_cast<std::size_t>(threads) : static_cast<std::size_t>(tbb::info::default_concurrency());
}

/// One chunk: one engine call over all satellites; windows grouped by point, then reduced.
std::vector<PointFigures> run_chunk(std::span<const access::Satellite> sats, std::span<const GridPoint> points,
                                    const time::Instant &start, const time::Instant &stop,
                                    const frames::EarthOrientation &eop, const access::SearchOptions &search)
{
    std::vector<geometry::Target> targets;
    targets.reserve(points.size());
    for (const auto &p : points) {
        targets.push_back(geometry::Target{std::string(), frames::Geodetic{p.lat_deg, p.lon_deg, 0.0}});
    }
    const auto windows = access::find_target_access(sats, targets, start, stop, eop, search);
    std::vector<std::vector<Span>> per(points.size());
    for (const auto &w : windows) {
        per[w.target].push_back(Span{(w.window.start - start).seconds(), (w.window.end - start).seconds()});
    }
    const double duration_s = (stop - start).seconds();
    std::vector<PointFigures> out;
    out.reserve(points.size());
    for (const auto &spans : per) {
        out.push_back(point_figures(spans, duration_s));
    }
    return out;
}

WeightedStats weighted(const std::vector<double> &x, const std::vector<double> &w)
{
    WeightedStats s;
    if (x.empty()) {
        return s;
    }
    double sw = 0.0;
    double swx = 0.0;
    s.min = std::numeric_limits<double>::infinity();
    s.max = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < x.size(); ++i) {
        sw += w[i];
        swx += w[i] * x[i];
        s.min = std::min(s.min, x[i]);
        s.max = std::max(s.max, x[i]);
    }
    s.mean = swx / sw;
    return s;
}

} // namespace

ChunkPlan plan_chunks(std::size_t points, std::size_t satellites)
{
    ChunkPlan p;
    p.points = points;
    const double by_pairs = pairs_per_chunk / static_cast<double>(std::max<std::size_t>(satellites, 1));
    std::size_t size = static_cast<std::size_t>(std::clamp(by_pairs, static_cast<double>(min_chunk_points),
                                                           static_cast<double>(max_chunk_points)));
    const std::size_t for_count = (points + min_chunks - 1) / min_chunks;
    size = std::max(min_chunk_points, std::min(size, for_count));
    p.chunk_size = size;
    p.chunks = points == 0 ? 0 : (points + size - 1) / size;
    return p;
}

access::SearchOptions engine_options(const access::SearchOptions &search)
{
    access::SearchOptions o = search;
    // Coverage uses window edges only. The engine still computes the exact best time and pass direction for a
    // sensor with a pass_direction filter, so the windows kept are the same as with attributes on.
    o.compute_attributes = false;
    return o;
}

std::vector<PointFigures> compute_chunks(std::span<const access::Satellite> sats, std::span<const GridPoint> points,
                                         const ChunkPlan &plan, std::span<const std::size_t> chunk_ids,
                                         const time::Instant &start, const time::Instant &stop,
                                         const frames::EarthOrientation &eop, const CoverageOptions &options)
{
    if (plan.points != points.size()) {
        throw Error(ErrorCode::invalid_argument, "the chunk plan is for another number of points",
                    ErrorContext{"", 0, "plan.points", fmt::format("{} (points: {})", plan.points, points.size())});
    }
    if (!(stop > start)) {
        throw Error(ErrorCode::invalid_argument, "stop must be after start", ErrorContext{"", 0, "stop", stop.to_iso8601_utc(6)});
    }
    for (std::size_t c : chunk_ids) {
        if (c >= plan.chunks) {
            throw Error(ErrorCode::invalid_argument, "no such chunk", ErrorContext{"", 0, "chunk", fmt::format("{}", c)});
        }
    }
    // Output offsets of each requested chunk.
    std::vector<std::size_t> offset(chunk_ids.size() + 1, 0);
    for (std::size_t i = 0; i < chunk_ids.size(); ++i) {
        offset[i + 1] = offset[i] + plan.end(chunk_ids[i]) - plan.begin(chunk_ids[i]);
    }
    std::vector<PointFigures> out(offset.back());
    const access::SearchOptions base = engine_options(options.search);
    const std::size_t threads = thread_count(base.threads);
    std::mutex progress_mutex;
    std::size_t done = 0;
    auto one = [&](std::size_t i, const access::SearchOptions &search) {
        const std::size_t c = chunk_ids[i];
        auto figs = run_chunk(sats, points.subspan(plan.begin(c), plan.end(c) - plan.begin(c)), start, stop, eop, search);
        std::copy(figs.begin(), figs.end(), out.begin() + static_cast<std::ptrdiff_t>(offset[i]));
        if (options.progress) {
            const std::lock_guard<std::mutex> lock(progress_mutex);
            done += figs.size();
            options.progress(done, out.size());
        }
    };
    // NOTE: the engine parallelises over satellites; with fewer than 2 satellites per thread that leaves threads
    // idle, so chunks then run side by side with one engine thread each. Either way a chunk's windows are the same
    // (the engine's result for a satellite does not depend on its thread), so the figures are bit-identical.
    if (sats.size() >= 2 * threads || threads == 1 || chunk_ids.size() == 1) {
        for (std::size_t i = 0; i < chunk_ids.size(); ++i) {
            one(i, base);
        }
    } else {
        access::SearchOptions serial = base;
        serial.threads = 1;
        tbb::task_arena arena(static_cast<int>(threads));
        arena.execute([&] {
            tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunk_ids.size(), 1),
                              [&](const tbb::blocked_range<std::size_t> &r) {
                                  for (std::size_t i = r.begin(); i != r.end(); ++i) {
                                      one(i, serial);
                                  }
                              });
        });
    }
    return out;
}

std::vector<PointFigures> compute_points(std::span<const access::Satellite> sats, std::span<const GridPoint> points,
                                         const time::Instant &start, const time::Instant &stop,
                                         const frames::EarthOrientation &eop, const CoverageOptions &options)
{
    const ChunkPlan plan = plan_chunks(points.size(), sats.size());
    std::vector<std::size_t> ids(plan.chunks);
    for (std::size_t c = 0; c < plan.chunks; ++c) {
        ids[c] = c;
    }
    return compute_chunks(sats, points, plan, ids, start, stop, eop, options);
}

std::vector<RegionSummary> summarize(const GridSelection &selection, std::span<const PointFigures> figures,
                                     double duration_s, int k)
{
    if (figures.size() != selection.points.size()) {
        throw Error(ErrorCode::invalid_argument, "one figure set per grid point is needed",
                    ErrorContext{"", 0, "figures", fmt::format("{} (points: {})", figures.size(), selection.points.size())});
    }
    if (k < 1) {
        throw Error(ErrorCode::invalid_argument, "k must be >= 1", ErrorContext{"", 0, "k", fmt::format("{}", k)});
    }
    constexpr double s_per_h = 3600.0;
    std::vector<RegionSummary> out;
    for (std::size_t r = 0; r < selection.regions.size(); ++r) {
        const auto &region = selection.regions[r];
        const auto &members = selection.members[r];
        RegionSummary s;
        s.name = region.name;
        s.kind = region.kind;
        s.points = members.size();
        s.k = k;
        if (region.kind == Region::Kind::polygon) {
            s.polygon_area_km2 = geometry::area_km2(region.polygon);
        }
        std::vector<double> w, acc, passes, maxg, meang, p95, resp, inview, first;
        double covered = 0.0;
        double covered_k = 0.0;
        for (std::uint32_t i : members) {
            const auto &f = figures[i];
            const double wi = selection.points[i].weight_km2;
            s.grid_area_km2 += wi;
            covered += f.accesses >= 1 ? wi : 0.0;
            covered_k += f.accesses >= static_cast<std::uint32_t>(k) ? wi : 0.0;
            w.push_back(wi);
            acc.push_back(f.accesses);
            passes.push_back(f.satellite_passes);
            maxg.push_back(f.max_gap_s / s_per_h);
            meang.push_back(f.mean_gap_s / s_per_h);
            p95.push_back(f.p95_gap_s / s_per_h);
            resp.push_back(f.mean_response_s / s_per_h);
            inview.push_back(f.time_in_view_s / duration_s);
            first.push_back(f.first_access_s.value_or(duration_s) / s_per_h);
        }
        s.percent_area_covered = 100.0 * covered / s.grid_area_km2;
        s.percent_area_covered_at_least_k = 100.0 * covered_k / s.grid_area_km2;
        s.accesses = weighted(acc, w);
        s.satellite_passes = weighted(passes, w);
        s.max_gap_h = weighted(maxg, w);
        s.mean_gap_h = weighted(meang, w);
        s.p95_gap_h = weighted(p95, w);
        s.mean_response_h = weighted(resp, w);
        s.time_in_view_fraction = weighted(inview, w);
        s.time_to_first_access_h = weighted(first, w);
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace vantage::coverage
