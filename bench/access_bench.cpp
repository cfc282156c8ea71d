// access_bench: timings of the access engine's two issue-3 benchmark cases, in process (no CLI, no file output).
//
//   A. N satellites x 1 ground station (Kiruna, 67.857 N 20.964 E, 400 m) x D days   (find_station_passes)
//   B. N satellites x P ground points on a Fibonacci lattice (sea level) x 1 day      (find_station_passes)
//   C. the coverage workload of issue 5: a Walker 53 deg: N/40/1 constellation at 550 km (40 planes) x a global
//      grid of --grid-points targets (Fibonacci, default 41,253 = one per square degree) x 1 day, agile optical
//      30 deg off-nadir cone, no lighting, window edges only (compute_attributes = false), windows streamed and
//      counted (stream_target_access)
//
// Satellites: the first N of a TLE file (--tle), or vantage::orbits::synthetic_leo_catalog(N, seed 1)
// (LEO, 400-1,200 km, inclination 0-100 deg; the default). Start 2025-10-03T00:00:00Z, EOP from --eop (default none:
// UT1 = UTC, pole at the CIP), default search options (min window 1 s, edges 1 ms). Each case runs --reps times; the best and the
// median wall times are printed with the window count and the thread count (--dump appends the windows of every
// repetition to FILE as "case sat site start_s end_s best_s"; the timed region then includes the writing).
//
// Usage: access_bench [--case A|B|C|all] [--sats N] [--points P] [--grid-points G] [--days D] [--mask-deg E] [--threads T]
//                     [--reps R] [--tle FILE] [--eop FILE] [--dump FILE] [--attributes 0|1] [--path auto|sweep]
//                     [--simd TARGET]
// --attributes 0 searches window edges only (SearchOptions::compute_attributes = false); --path sweep forces the
// scalar per-site sweep (the reference path) instead of the vectorised node path.
// Output (one line per case, key=value, for scripts):
//   case=A sats=100 sites=1 days=7 mask_deg=10 threads=2 attributes=1 path=auto reps=3 best_s=0.0123 median_s=0.0130
//   windows=1234
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <tbb/info.h>

#include "vantage/access/access.hpp"
#include "vantage/io/eop.hpp"
#include "vantage/io/tle.hpp"
#include "vantage/orbits/element_set.hpp"
#include "vantage/orbits/sgp4_batch.hpp"
#include "vantage/orbits/synthetic_catalog.hpp"

using namespace vantage;

namespace {

struct Args {
    std::string which = "all";
    int sats = 100;
    int points = 10000;
    int grid_points = 41253;
    double days = 7.0;
    double mask_deg = 10.0;
    int threads = 0;
    int reps = 3;
    std::string tle;
    std::string eop; // Earth orientation file (CelesTrak / IERS); none: UT1 = UTC, pole at the CIP
    std::string dump; // append the windows: "case sat site start_s end_s best_s" (inside the timed region)
    bool attributes = true; // SearchOptions::compute_attributes
    std::string path = "auto"; // SearchOptions::path: auto | sweep
    std::string simd;          // limit Highway's dispatch to this target (e.g. AVX2; callgrind cannot run AVX-512)
};

[[noreturn]] void usage(const char *msg)
{
    std::fprintf(stderr,
                 "access_bench: %s\nusage: access_bench [--case A|B|C|all] [--sats N] [--points P] [--grid-points G] [--days D] "
                 "[--mask-deg E] [--threads T] [--reps R] [--tle FILE] [--eop FILE] [--dump FILE] [--attributes 0|1] "
                 "[--path auto|sweep] [--simd TARGET]\n",
                 msg);
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
        } else if (k == "--points") {
            a.points = std::atoi(v);
        } else if (k == "--grid-points") {
            a.grid_points = std::atoi(v);
        } else if (k == "--days") {
            a.days = std::atof(v);
        } else if (k == "--mask-deg") {
            a.mask_deg = std::atof(v);
        } else if (k == "--threads") {
            a.threads = std::atoi(v);
        } else if (k == "--reps") {
            a.reps = std::atoi(v);
        } else if (k == "--tle") {
            a.tle = v;
        } else if (k == "--eop") {
            a.eop = v;
        } else if (k == "--dump") {
            a.dump = v;
        } else if (k == "--attributes") {
            a.attributes = std::string_view(v) != "0";
        } else if (k == "--path") {
            a.path = v;
        } else if (k == "--simd") {
            a.simd = v;
        } else {
            usage("unknown option");
        }
    }
    if (a.which != "A" && a.which != "B" && a.which != "C" && a.which != "all") {
        usage("--case must be A, B, C or all");
    }
    if (a.path != "auto" && a.path != "sweep") {
        usage("--path must be auto or sweep");
    }
    if (a.sats < 1 || a.points < 1 || !(a.days > 0.0) || a.threads < 0 || a.reps < 1) {
        usage("bad value");
    }
    return a;
}

std::vector<access::Satellite> satellites(const Args &a)
{
    std::vector<access::Satellite> out;
    if (!a.tle.empty()) {
        const auto records = io::read_tle_file(a.tle);
        for (const auto &r : records.items) {
            if (static_cast<int>(out.size()) >= a.sats) {
                break;
            }
            access::Satellite s{orbits::Sgp4Propagator(r.elements), std::to_string(r.elements.norad_id), {}};
            if (s.propagator.init_status() == orbits::Sgp4Status::ok) {
                out.push_back(std::move(s));
            }
        }
    } else {
        for (const auto &el : orbits::synthetic_leo_catalog(static_cast<std::size_t>(a.sats), 1)) {
            out.push_back(access::Satellite{orbits::Sgp4Propagator(el), std::to_string(el.norad_id), {}});
        }
    }
    return out;
}

/// Walker delta constellation i: T/P/1 (T = n, P = 40 planes, or fewer when n < 40) at 550 km, circular, epoch `t0`.
std::vector<access::Satellite> walker(int n, const time::Instant &t0)
{
    const int planes = std::min(n, 40);
    const int per = (n + planes - 1) / planes;
    constexpr double mu = 398600.8, re = 6378.135, alt = 550.0;
    const double a = re + alt;
    const double n_rev_day = std::sqrt(mu / (a * a * a)) * 86400.0 / (2.0 * std::numbers::pi);
    const geometry::Sensor sensor;
    std::vector<access::Satellite> out;
    for (int k = 0; k < n; ++k) {
        const int p = k / per, j = k % per;
        orbits::ElementSet el;
        el.norad_id = static_cast<std::uint32_t>(70000 + k);
        el.object_name = "WALKER " + std::to_string(k);
        orbits::set_epoch_from_instant(el, t0);
        el.mean_motion_rev_day = n_rev_day;
        el.eccentricity = 1e-4;
        el.inclination_deg = 53.0;
        el.raan_deg = 360.0 * p / planes;
        el.arg_perigee_deg = 0.0;
        el.mean_anomaly_deg = std::fmod(360.0 * j / per + 360.0 * p / (planes * per), 360.0); // phasing F = 1
        el.bstar_per_er = 0.0;
        out.push_back(access::Satellite{orbits::Sgp4Propagator(el), el.object_name, sensor});
    }
    return out;
}

/// Near-uniform global grid: Fibonacci lattice (the same points as bench/access_compare.py).
std::vector<geometry::GroundStation> grid(int n, double mask_deg)
{
    std::vector<geometry::GroundStation> out;
    const double golden = std::numbers::pi * (1.0 + std::sqrt(5.0));
    for (int k = 0; k < n; ++k) {
        const double i = k + 0.5;
        const double lat = std::asin(1.0 - 2.0 * i / n) * 180.0 / std::numbers::pi;
        double lon = std::fmod(golden * i * 180.0 / std::numbers::pi, 360.0) - 180.0;
        geometry::GroundStation g;
        char name[16];
        std::snprintf(name, sizeof name, "p%05d", k);
        g.name = name;
        g.location = frames::Geodetic{lat, lon, 0.0};
        g.min_elevation_deg = mask_deg;
        out.push_back(std::move(g));
    }
    return out;
}

void dump(const Args &a, const char *name, const std::vector<access::StationPass> &passes, const time::Instant &start)
{
    if (a.dump.empty()) {
        return;
    }
    std::FILE *f = std::fopen(a.dump.c_str(), "a");
    if (f == nullptr) {
        usage("cannot open the --dump file");
    }
    for (const auto &p : passes) {
        std::fprintf(f, "%s %zu %zu %.4f %.4f %.3f\n", name, p.satellite, p.station, (p.window.start - start).seconds(),
                     (p.window.end - start).seconds(), (p.window.best - start).seconds());
    }
    std::fclose(f);
}

template <class F>
void run_case(const char *name, const Args &a, int n_sats, std::size_t n_sites, double days, F &&fn)
{
    std::vector<double> times;
    std::size_t windows = 0;
    for (int r = 0; r < a.reps; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        windows = fn();
        times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(times.begin(), times.end());
    const int threads = a.threads > 0 ? a.threads : tbb::info::default_concurrency();
    std::printf("case=%s sats=%d sites=%zu days=%g mask_deg=%g threads=%d attributes=%d path=%s reps=%d best_s=%.4f "
                "median_s=%.4f windows=%zu\n",
                name, n_sats, n_sites, days, a.mask_deg, threads, a.attributes ? 1 : 0, a.path.c_str(), a.reps,
                times.front(), times[times.size() / 2], windows);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    const Args a = parse(argc, argv);
    if (!a.simd.empty() && !orbits::sgp4_batch_limit_simd_target(a.simd)) {
        usage("--simd: target not compiled in (e.g. AVX3, AVX2, SSE4, EMU128)");
    }
    const std::vector<access::Satellite> sats = satellites(a);
    const auto start = time::Instant::parse_iso8601("2025-10-03T00:00:00Z");
    const frames::EarthOrientation eop = a.eop.empty() ? frames::EarthOrientation() : io::read_eop_file(a.eop);
    access::SearchOptions opt;
    opt.threads = a.threads;
    opt.compute_attributes = a.attributes;
    opt.path = a.path == "sweep" ? access::SearchPath::sweep : access::SearchPath::automatic;
    const int n_sats = static_cast<int>(sats.size());
    if (a.which == "A" || a.which == "all") {
        geometry::GroundStation kiruna;
        kiruna.name = "kiruna";
        kiruna.location = frames::Geodetic{67.857, 20.964, 0.4};
        kiruna.min_elevation_deg = a.mask_deg;
        const std::vector<geometry::GroundStation> one{kiruna};
        const auto stop = start + time::Duration::from_seconds(a.days * 86400.0);
        run_case("A", a, n_sats, 1, a.days, [&] {
            const auto passes = access::find_station_passes(sats, one, start, stop, eop, opt);
            dump(a, "A", passes, start);
            return passes.size();
        });
    }
    if (a.which == "C") {
        auto constellation = walker(a.sats, start);
        for (auto &sat : constellation) {
            sat.sensor.name = "cone30";
            sat.sensor.type = geometry::SensorType::optical;
            sat.sensor.max_off_nadir_deg = 30.0;
        }
        std::vector<geometry::Target> targets;
        for (const auto &g : grid(a.grid_points, 0.0)) {
            targets.push_back(geometry::Target{g.name, g.location});
        }
        const auto stop = start + time::Duration::from_seconds(86400.0);
        access::SearchOptions copt = opt;
        copt.compute_attributes = a.attributes && false;
        // Streamed (access::stream_target_access): the ~3e7 windows of the full case would take ~3.6 GB as a list.
        run_case("C", a, static_cast<int>(constellation.size()), targets.size(), 1.0, [&] {
            std::atomic<std::size_t> n{0};
            access::stream_target_access(constellation, targets, start, stop, eop, copt,
                                         [&](std::size_t, std::span<const access::TargetAccess> w) { n += w.size(); });
            return n.load();
        });
    }
    if (a.which == "B" || a.which == "all") {
        const std::vector<geometry::GroundStation> pts = grid(a.points, a.mask_deg);
        const auto stop = start + time::Duration::from_seconds(86400.0);
        run_case("B", a, n_sats, pts.size(), 1.0, [&] {
            const auto passes = access::find_station_passes(sats, pts, start, stop, eop, opt);
            dump(a, "B", passes, start);
            return passes.size();
        });
    }
    return 0;
}
