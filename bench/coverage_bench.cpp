// coverage_bench: timings of coverage runs in process (no CLI, no file output), never part of ctest.
//
//   walker: a T-satellite Walker delta (550 km, 53 deg, F = 1, P = --planes) with a 30 deg off-nadir cone and no
//           lighting constraint, over the global grid at --grid-km, for --days (issue 5: T = 1000, 111 km, 1 day);
//   tle:    the first --sats satellites of --tle (same sensor) over the same grid.
//
// The access engine is used as it is (SearchOptions defaults: min window 1 s, edges 1 ms, attributes computed).
// Prints one key=value line per repetition-set (for scripts) with the best and median wall times, the point and
// window counts and a checksum of the figures (to compare runs).
//
// Usage: coverage_bench [--case walker|tle] [--sats T] [--planes P] [--grid-km D] [--days N] [--threads K]
//                       [--reps R] [--tle FILE] [--chunk C] [--off-nadir-deg A] [--stride S]
// --stride S times only every S-th grid point (a uniform sample of the rings) and prints full_grid_estimate_s, the
// time scaled to the whole grid (the cost is per window, i.e. proportional to the points).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <tbb/info.h>

#include "vantage/coverage/coverage.hpp"
#include "vantage/io/tle.hpp"
#include "vantage/orbits/constellation.hpp"

using namespace vantage;

namespace {

struct Args {
    std::string which = "walker";
    int sats = 1000;
    int planes = 40;
    double grid_km = 111.0;
    double days = 1.0;
    int threads = 0;
    int reps = 1;
    std::string tle;
    long chunk = 0; // 0: coverage::plan_chunks
    int stride = 1; // use every stride-th point of the grid (a sample of the full grid, for extrapolation)
    double off_nadir_deg = 30.0;
};

[[noreturn]] void usage(const char *msg)
{
    std::fprintf(stderr, "coverage_bench: %s\n", msg);
    std::exit(2);
}

Args parse(int argc, char **argv)
{
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string_view k = argv[i];
        if (i + 1 >= argc) {
            usage("missing value");
        }
        const char *v = argv[++i];
        if (k == "--case") {
            a.which = v;
        } else if (k == "--sats") {
            a.sats = std::atoi(v);
        } else if (k == "--planes") {
            a.planes = std::atoi(v);
        } else if (k == "--grid-km") {
            a.grid_km = std::atof(v);
        } else if (k == "--days") {
            a.days = std::atof(v);
        } else if (k == "--threads") {
            a.threads = std::atoi(v);
        } else if (k == "--reps") {
            a.reps = std::atoi(v);
        } else if (k == "--tle") {
            a.tle = v;
        } else if (k == "--chunk") {
            a.chunk = std::atol(v);
        } else if (k == "--stride") {
            a.stride = std::max(1, std::atoi(v));
        } else if (k == "--off-nadir-deg") {
            a.off_nadir_deg = std::atof(v);
        } else {
            usage("unknown option");
        }
    }
    if (a.which != "walker" && a.which != "tle") {
        usage("--case must be walker or tle");
    }
    return a;
}

} // namespace

int main(int argc, char **argv)
{
    const Args a = parse(argc, argv);
    const auto start = time::Instant::parse_iso8601("2025-10-03T00:00:00Z");
    const auto stop = start + time::Duration::from_days(a.days);
    geometry::Sensor cone;
    cone.name = "cone";
    cone.max_off_nadir_deg = a.off_nadir_deg;
    std::vector<access::Satellite> sats;
    if (a.which == "walker") {
        orbits::WalkerSpec w;
        w.total = a.sats;
        w.planes = a.planes;
        w.phasing = a.planes > 1 ? 1 : 0;
        w.altitude_km = 550.0;
        w.inclination_deg = 53.0;
        orbits::DesignCommon c;
        c.epoch = start;
        for (const auto &e : orbits::walker_constellation(w, c)) {
            sats.push_back(access::Satellite{orbits::Sgp4Propagator(e), e.object_name, cone});
        }
    } else {
        if (a.tle.empty()) {
            usage("--case tle needs --tle FILE");
        }
        for (const auto &r : io::read_tle_file(a.tle).items) {
            if (static_cast<int>(sats.size()) >= a.sats) {
                break;
            }
            sats.push_back(access::Satellite{orbits::Sgp4Propagator(r.elements), r.elements.object_name, cone});
        }
    }
    coverage::GridSelection g = coverage::global_grid(a.grid_km);
    const std::size_t full_points = g.points.size();
    if (a.stride > 1) {
        std::vector<coverage::GridPoint> sample;
        for (std::size_t i = 0; i < g.points.size(); i += static_cast<std::size_t>(a.stride)) {
            sample.push_back(g.points[i]);
        }
        g.points = std::move(sample);
    }
    coverage::ChunkPlan plan = coverage::plan_chunks(g.points.size(), sats.size());
    if (a.chunk > 0) {
        plan.chunk_size = static_cast<std::size_t>(a.chunk);
        plan.chunks = (g.points.size() + plan.chunk_size - 1) / plan.chunk_size;
    }
    std::vector<std::size_t> ids(plan.chunks);
    for (std::size_t c = 0; c < plan.chunks; ++c) {
        ids[c] = c;
    }
    const frames::EarthOrientation eop;
    coverage::CoverageOptions opt;
    opt.search.threads = a.threads;
    std::vector<double> times;
    std::vector<coverage::PointFigures> figs;
    for (int r = 0; r < a.reps; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        figs = coverage::compute_chunks(sats, g.points, plan, ids, start, stop, eop, opt);
        times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(times.begin(), times.end());
    std::size_t passes = 0;
    std::size_t seen = 0;
    double checksum = 0.0;
    for (const auto &f : figs) {
        passes += f.satellite_passes;
        seen += f.accesses > 0 ? 1 : 0;
        checksum += f.time_in_view_s + f.max_gap_s;
    }
    const int threads = a.threads > 0 ? a.threads : tbb::info::default_concurrency();
    std::printf("case=%s sats=%zu points=%zu grid_points=%zu stride=%d grid_km=%g days=%g threads=%d chunk=%zu chunks=%zu "
                "reps=%d best_s=%.3f median_s=%.3f windows=%zu points_seen=%zu checksum=%.6f full_grid_estimate_s=%.1f\n",
                a.which.c_str(), sats.size(), g.points.size(), full_points, a.stride, a.grid_km, a.days, threads,
                plan.chunk_size, plan.chunks, a.reps, times.front(), times[times.size() / 2], passes, seen, checksum,
                times.front() * static_cast<double>(full_points) / static_cast<double>(g.points.size()));
    return 0;
}
