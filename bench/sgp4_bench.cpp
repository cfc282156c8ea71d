// Google Benchmark twins: Vantage batch SGP4 (SIMD + threads) vs the scalar propagator, on the same
// synthetic LEO workload (5,000 satellites x 1,440 one-minute steps unless --benchmark_filter narrows
// it). Counters: states/s. The cross-tool comparison (satellite.js, python-sgp4) is bench/run_compare.

#include <cstdio>
#include <vector>

#include <benchmark/benchmark.h>

#include "vantage/orbits/sgp4_batch.hpp"
#include "vantage/orbits/synthetic_catalog.hpp"

namespace {

using namespace vantage;

constexpr std::size_t n_sats = 5000;
constexpr std::size_t n_times = 1440;

struct Workload {
    std::vector<orbits::Sgp4Propagator> sats;
    std::vector<double> tsince_min; // per satellite: 0, 1, ..., 1439 min after its epoch
    Workload()
    {
        for (const auto &e : orbits::synthetic_leo_catalog(n_sats)) {
            sats.emplace_back(e);
        }
        tsince_min.resize(n_sats * n_times);
        for (std::size_t i = 0; i < n_sats; ++i) {
            for (std::size_t j = 0; j < n_times; ++j) {
                tsince_min[i * n_times + j] = static_cast<double>(j);
            }
        }
    }
};

const Workload &workload()
{
    static const Workload w;
    return w;
}

struct Buffers {
    std::vector<double> x, y, z, vx, vy, vz;
    std::vector<orbits::Sgp4Status> st;
    explicit Buffers(std::size_t n) : x(n), y(n), z(n), vx(n), vy(n), vz(n), st(n) {}
    orbits::Sgp4BatchOutput out() { return {x, y, z, vx, vy, vz, st}; }
};

void BM_Sgp4Batch(benchmark::State &state)
{
    const Workload &w = workload();
    Buffers b(w.tsince_min.size());
    orbits::Sgp4BatchOptions opt;
    opt.threads = static_cast<unsigned>(state.range(0));
    for (auto _ : state) {
        orbits::propagate_batch_minutes(w.sats, w.tsince_min, b.out(), opt);
        benchmark::DoNotOptimize(b.x.data());
    }
    state.counters["states_per_s"] = benchmark::Counter(static_cast<double>(w.tsince_min.size()),
                                                        benchmark::Counter::kIsIterationInvariantRate);
    state.SetLabel(orbits::sgp4_batch_simd_target());
}
BENCHMARK(BM_Sgp4Batch)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Sgp4Scalar(benchmark::State &state)
{
    const Workload &w = workload();
    Buffers b(w.tsince_min.size());
    for (auto _ : state) {
        for (std::size_t i = 0; i < w.sats.size(); ++i) {
            for (std::size_t j = 0; j < n_times; ++j) {
                const std::size_t k = i * n_times + j;
                const orbits::Sgp4State s = w.sats[i].propagate_minutes(w.tsince_min[k]);
                b.x[k] = s.r_km.x();
                b.st[k] = s.status;
            }
        }
        benchmark::DoNotOptimize(b.x.data());
    }
    state.counters["states_per_s"] = benchmark::Counter(static_cast<double>(w.tsince_min.size()),
                                                        benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Sgp4Scalar)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
