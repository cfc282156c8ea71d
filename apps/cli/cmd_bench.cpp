// vantage bench sgp4: times SGP4 on this machine. Default workload: 5,000 synthetic LEO satellites x
// 1,440 one-minute steps from 2025-10-03T00:00:00Z on one thread, through the batch path (SIMD target
// chosen at run time). The last line is "states_per_s <number>" for scripts (bench/run_compare).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli_util.hpp"
#include "commands.hpp"
#include "vantage/io/tle.hpp"
#include "vantage/orbits/sgp4_batch.hpp"
#include "vantage/orbits/synthetic_catalog.hpp"

namespace vantage::cli {

namespace {

struct BenchOptions {
    std::string tle_file;
    std::size_t sats = 5000;
    std::size_t times = 1440;
    double step_s = 60.0;
    std::string start = "2025-10-03T00:00:00Z";
    unsigned threads = 1;
    std::string path = "batch";
    std::size_t chunk = 64;
    int repeat = 3;
    std::string write_tle;
    std::string simd;
};

int run_bench_sgp4(const BenchOptions &o)
{
    std::vector<orbits::ElementSet> elements;
    std::string what;
    if (!o.tle_file.empty()) {
        const auto read = io::read_tle_file(o.tle_file);
        print_diagnostics(std::cerr, read.rejected);
        for (const auto &r : read.items) {
            elements.push_back(r.elements);
        }
        what = o.tle_file;
    } else {
        elements = orbits::synthetic_leo_catalog(o.sats);
        what = "synthetic LEO";
    }
    if (!o.write_tle.empty()) {
        std::FILE *f = std::fopen(o.write_tle.c_str(), "w");
        if (f == nullptr) {
            throw Error(ErrorCode::file_read, "cannot open for writing", ErrorContext{o.write_tle, 0, "--write-tle", ""});
        }
        for (const auto &e : elements) {
            const auto lines = io::format_tle(e);
            std::fprintf(f, "%s\n%s\n%s\n", e.object_name.c_str(), lines[0].c_str(), lines[1].c_str());
        }
        std::fclose(f);
    }
    std::vector<orbits::Sgp4Propagator> sats;
    sats.reserve(elements.size());
    std::size_t deep = 0;
    for (const auto &e : elements) {
        sats.emplace_back(e);
        deep += sats.back().is_deep_space() ? 1 : 0;
    }
    const time::Instant start = parse_time_option(o.start, "--start");
    std::vector<time::Instant> grid;
    grid.reserve(o.times);
    for (std::size_t j = 0; j < o.times; ++j) {
        grid.push_back(start + time::Duration::from_seconds(static_cast<double>(j) * o.step_s));
    }
    const std::size_t m = grid.size();
    const std::size_t states = sats.size() * m;

    if (!o.simd.empty() && !orbits::sgp4_batch_limit_simd_target(o.simd)) {
        throw ConfigError(ErrorCode::invalid_argument, "SIMD target not available on this machine/build",
                          ErrorContext{"", 0, "--simd", o.simd});
    }
    orbits::Sgp4BatchOptions bo;
    bo.threads = o.threads;
    std::size_t errors = 0;
    double first_x_km = 0.0;
    auto consume = [&](const orbits::Sgp4BatchChunk &c) {
        for (std::size_t k = 0; k < c.n_sats * c.n_times; ++k) {
            errors += c.out.status[k] != orbits::Sgp4Status::ok ? 1 : 0;
        }
        if (c.first_sat == 0 && c.n_sats * c.n_times > 0) {
            first_x_km = c.out.x_km[0];
        }
    };
    auto run_once = [&] {
        errors = 0;
        first_x_km = 0.0;
        if (o.path == "batch") {
            orbits::propagate_batch_stream(sats, grid, std::max<std::size_t>(o.chunk, 1), consume, bo);
            return;
        }
        // Scalar twin: Sgp4Propagator::propagate_minutes per state, same chunked output layout.
        const std::size_t chunk = std::max<std::size_t>(o.chunk, 1);
        const std::size_t cap = std::min(chunk, sats.size()) * m;
        std::vector<double> x(cap), y(cap), z(cap), vx(cap), vy(cap), vz(cap);
        std::vector<orbits::Sgp4Status> st(cap);
        for (std::size_t i0 = 0; i0 < sats.size(); i0 += chunk) {
            const std::size_t n = std::min(chunk, sats.size() - i0);
            for (std::size_t i = 0; i < n; ++i) {
                const auto &p = sats[i0 + i];
                for (std::size_t j = 0; j < m; ++j) {
                    const std::size_t k = i * m + j;
                    const orbits::Sgp4State s = p.propagate_minutes(p.minutes_since_epoch(grid[j]));
                    x[k] = s.r_km.x();
                    y[k] = s.r_km.y();
                    z[k] = s.r_km.z();
                    vx[k] = s.v_km_s.x();
                    vy[k] = s.v_km_s.y();
                    vz[k] = s.v_km_s.z();
                    st[k] = s.status;
                }
            }
            orbits::Sgp4BatchChunk c;
            c.first_sat = i0;
            c.n_sats = n;
            c.n_times = m;
            const std::size_t k = n * m;
            c.out = orbits::Sgp4BatchOutput{{x.data(), k},  {y.data(), k},  {z.data(), k}, {vx.data(), k},
                                            {vy.data(), k}, {vz.data(), k}, {st.data(), k}};
            consume(c);
        }
    };

    std::printf("workload %zu satellites (%s, %zu deep space) x %zu times, step %g s, from %s\n", sats.size(),
                what.c_str(), deep, m, o.step_s, o.start.c_str());
    std::printf("path %s, threads %u, chunk %zu satellites, simd_target %s\n", o.path.c_str(), o.threads, o.chunk,
                o.path == "batch" ? orbits::sgp4_batch_simd_target().c_str() : "none (scalar)");
    double best_s = 1e300;
    for (int r = 0; r < std::max(o.repeat, 1); ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        run_once();
        const auto t1 = std::chrono::steady_clock::now();
        const double s = std::chrono::duration<double>(t1 - t0).count();
        best_s = std::min(best_s, s);
        std::printf("run %d: %.4f s, %.4g states/s\n", r + 1, s, static_cast<double>(states) / s);
    }
    std::printf("states %zu, non-ok statuses %zu, x_km[0] %.9f\n", states, errors, first_x_km);
    std::printf("states_per_s %.6g\n", static_cast<double>(states) / best_s);
    std::fflush(stdout);
    return exit_ok;
}

} // namespace

Runner add_bench(CLI::App &app)
{
    auto opts = std::make_shared<BenchOptions>();
    CLI::App *cmd = app.add_subcommand("bench", "time Vantage kernels on this machine");
    cmd->require_subcommand(1);
    CLI::App *sgp4 = cmd->add_subcommand("sgp4", "SGP4 throughput: N satellites x M times; last line 'states_per_s <n>'");
    sgp4->add_option("--tle", opts->tle_file, "TLE file (default: synthetic LEO catalogue)")->check(CLI::ExistingFile);
    sgp4->add_option("--sats", opts->sats, "synthetic satellites (ignored with --tle)")->capture_default_str();
    sgp4->add_option("--times", opts->times, "number of times")->capture_default_str();
    sgp4->add_option("--step-s", opts->step_s, "time step (seconds)")->capture_default_str();
    sgp4->add_option("--start", opts->start, "first time (ISO 8601 UTC)")->capture_default_str();
    sgp4->add_option("--threads", opts->threads, "worker threads (0 = all)")->capture_default_str();
    sgp4->add_option("--path", opts->path, "batch (SIMD + threads) or scalar (Sgp4Propagator, one thread)")
        ->check(CLI::IsMember({"batch", "scalar"}))
        ->capture_default_str();
    sgp4->add_option("--chunk", opts->chunk, "satellites per streamed chunk (bounds memory)")->capture_default_str();
    sgp4->add_option("--repeat", opts->repeat, "runs; the best is reported")->capture_default_str();
    sgp4->add_option("--write-tle", opts->write_tle, "also write the workload's element sets as a TLE file");
    sgp4->add_option("--simd", opts->simd, "force a SIMD target of the batch path (AVX3, AVX2, SSE4, SSSE3, SCALAR)");
    return [opts]() { return run_bench_sgp4(*opts); };
}

} // namespace vantage::cli
