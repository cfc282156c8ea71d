// Batch SGP4 (SIMD + threads) against the scalar propagator: every compiled SIMD target forced in
// turn (Highway's SetSupportedTargetsForTest, scalar fallback included), common instants with 1, 2 and
// all threads, ITRF output, streaming, argument errors. Validation against Vallado's tcppver.out and
// the python-sgp4 cross-check run both paths in sgp4_validation_test.cpp / sgp4_crosscheck_test.cpp.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <hwy/targets.h>

#include "orbits/sgp4_test_helpers.hpp"
#include "vantage/frames/transforms.hpp"
#include "vantage/io/tle.hpp"
#include "vantage/orbits/detail/sgp4_batch_kernel.hpp"
#include "vantage/orbits/sgp4_batch.hpp"
#include "vantage/orbits/synthetic_catalog.hpp"

namespace vantage::orbits {
namespace {

// TEME -> ITRF through a 3x3 product instead of Eigen's: a few ulp of 7,000 km (~1e-12 km); anything
// near 1e-9 km would be a wrong rotation or time.
constexpr double itrf_pos_tol_km = 1.0e-9;
constexpr double itrf_vel_tol_km_s = 1.0e-12;

struct Buffers {
    std::vector<double> x, y, z, vx, vy, vz;
    std::vector<Sgp4Status> st;
    explicit Buffers(std::size_t n) : x(n), y(n), z(n), vx(n), vy(n), vz(n), st(n) {}
    Sgp4BatchOutput out() { return {x, y, z, vx, vy, vz, st}; }
};

/// Every 7th object of the CelesTrak active catalogue (1,829 objects, ~330 deep space).
std::vector<Sgp4Propagator> catalog_sample()
{
    const auto read = io::read_tle_file(std::filesystem::path(VANTAGE_SHARED_DATA) / "tle"
                                        / "celestrak-active-2025-10-03.tle");
    std::vector<Sgp4Propagator> sats;
    for (std::size_t i = 0; i < read.items.size(); i += 7) {
        sats.emplace_back(read.items[i].elements);
    }
    return sats;
}

/// -10 d .. +10 d around each epoch in uneven steps; 61 times, not a multiple of any lane count, so
/// every row also runs the kernel's tail.
/// NOTE: not +-30 d: the catalogue's fastest-decaying objects (e.g. 57007, 48018) then reach
/// unphysical "ok" states (|r| = 250,000 km, |v| = 4e6 km/s) where (1 - C1 t - ...)^2 is a difference of
/// nearly equal numbers; any two implementations, scalar vs python-sgp4 included, lose digits there.
std::vector<double> sample_times_min()
{
    std::vector<double> t;
    for (int k = -30; k <= 30; ++k) {
        t.push_back(k * 480.0 + k * 13.7);
    }
    return t;
}

// Decayed states (error 6) are not physical (see sgp4_crosscheck_test.cpp): compare them relative to
// their magnitude, 1e-9 of the value, as the python-sgp4 cross-check does.
constexpr double decayed_rel_tol = 1e-9;

/// Compares a batch output with the scalar propagator at the same minutes; returns the max |dr|.
double expect_matches_scalar(const std::vector<Sgp4Propagator> &sats, const std::vector<double> &tsince,
                             const Buffers &b, const std::string &what)
{
    const std::size_t m = tsince.size() / sats.size();
    test::MaxDiff max_pos_km;
    test::MaxDiff max_vel_km_s;
    std::size_t status_mismatches = 0;
    for (std::size_t i = 0; i < sats.size(); ++i) {
        for (std::size_t j = 0; j < m; ++j) {
            const std::size_t k = i * m + j;
            const Sgp4State s = sats[i].propagate_minutes(tsince[k]);
            if (s.status != b.st[k]) {
                ++status_mismatches;
                ADD_FAILURE() << what << ": " << sats[i].elements().norad_id << " t=" << tsince[k] << " status "
                              << static_cast<int>(b.st[k]) << ", scalar " << static_cast<int>(s.status);
                continue;
            }
            if (s.status != Sgp4Status::ok && s.status != Sgp4Status::decayed) {
                EXPECT_EQ(b.x[k], 0.0);
                continue;
            }
            const std::string label = what + " " + std::to_string(sats[i].elements().norad_id) + " t="
                                      + std::to_string(tsince[k]);
            if (s.status == Sgp4Status::decayed) {
                test::expect_state_near(label, s.r_km, s.v_km_s, Vec3(b.x[k], b.y[k], b.z[k]),
                                        Vec3(b.vx[k], b.vy[k], b.vz[k]),
                                        std::max(sgp4_batch_vs_scalar_pos_km, decayed_rel_tol * s.r_km.norm()),
                                        std::max(sgp4_batch_vs_scalar_vel_km_s, decayed_rel_tol * s.v_km_s.norm()));
                continue;
            }
            test::expect_state_near(label, s.r_km, s.v_km_s, Vec3(b.x[k], b.y[k], b.z[k]),
                                    Vec3(b.vx[k], b.vy[k], b.vz[k]), sgp4_batch_vs_scalar_pos_km,
                                    sgp4_batch_vs_scalar_vel_km_s, &max_pos_km, &max_vel_km_s);
        }
    }
    EXPECT_EQ(status_mismatches, 0u) << what;
    std::printf("[ Sgp4Property ] %s: %zu states, max |dr| = %.3e km (%s), max |dv| = %.3e km/s\n", what.c_str(),
                tsince.size(), max_pos_km.value, max_pos_km.where.c_str(), max_vel_km_s.value);
    return max_pos_km.value;
}

TEST(Sgp4Property, BatchMatchesScalarOnEveryCompiledSimdTargetIncludingScalarFallback)
{
    const auto sats = catalog_sample();
    const auto t1 = sample_times_min();
    std::vector<double> tsince;
    for (std::size_t i = 0; i < sats.size(); ++i) {
        tsince.insert(tsince.end(), t1.begin(), t1.end());
    }
    const std::vector<std::int64_t> targets = hwy::SupportedAndGeneratedTargets();
    ASSERT_FALSE(targets.empty());
    // The portable fallback must be among them (HWY_SCALAR or HWY_EMU128, whichever this build has).
    EXPECT_TRUE(std::any_of(targets.begin(), targets.end(),
                            [](std::int64_t t) { return t == HWY_SCALAR || t == HWY_EMU128; }));
    for (const std::int64_t target : targets) {
        hwy::SetSupportedTargetsForTest(target);
        EXPECT_EQ(detail::sgp4_batch_dispatched_target(), target) << hwy::TargetName(target);
        Buffers b(tsince.size());
        propagate_batch_minutes(sats, tsince, b.out());
        expect_matches_scalar(sats, tsince, b, std::string("target ") + hwy::TargetName(target));
    }
    hwy::SetSupportedTargetsForTest(0); // back to the CPU's best target
}

// The kernel's own vector sin/cos (Cody-Waite reduction + fdlibm polynomials; C library / SLEEF beyond
// 1e7 rad) against the C library on every compiled target: absolute error <= 1e-15 (i.e. <= 7e-12 km at
// 7,000 km), over the ranges SGP4 angles take (+-1e5 rad: M at 1e6 minutes) and near multiples of pi/2.
TEST(Sgp4Property, KernelSinCosMatchesTheCLibraryOnEveryCompiledSimdTarget)
{
    std::vector<double> x;
    for (int k = -200000; k <= 200000; ++k) {
        x.push_back(k * 0.5000123);                  // +-1e5 rad
        x.push_back(k * 1.5707963267948966 * 1e-1);  // near multiples of pi/2 (every 10th)
    }
    for (double v : {0.0, -0.0, 1e-300, 3.0e-8, 0.7853981633974483, 1.5707963267948966, 3.141592653589793, 9.9e6,
                     2.0e7, -5.0e8, 1e15}) {
        x.push_back(v);
        x.push_back(-v);
    }
    std::vector<double> s(x.size());
    std::vector<double> c(x.size());
    for (const std::int64_t target : hwy::SupportedAndGeneratedTargets()) {
        hwy::SetSupportedTargetsForTest(target);
        detail::sgp4_batch_sincos(x.data(), x.size(), s.data(), c.data());
        double max_err = 0.0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            max_err = std::max({max_err, std::abs(s[i] - std::sin(x[i])), std::abs(c[i] - std::cos(x[i]))});
        }
        std::printf("[ Sgp4Property ] kernel sin/cos, target %s: %zu arguments, max |error| = %.3g\n",
                    hwy::TargetName(target), x.size(), max_err);
        EXPECT_LE(max_err, 1.0e-15) << hwy::TargetName(target);
    }
    hwy::SetSupportedTargetsForTest(0);
}

TEST(Sgp4Property, BatchAtCommonInstantsIsIdenticalForAnyThreadCountAndMatchesScalar)
{
    const auto sats = catalog_sample();
    const time::Instant t0 = time::Instant::parse_iso8601("2025-10-03T00:00:00Z");
    std::vector<time::Instant> grid;
    for (int j = 0; j < 301; ++j) {
        grid.push_back(t0 + time::Duration::from_seconds(j * 287.0));
    }
    const std::size_t n = sats.size() * grid.size();
    Buffers one(n);
    propagate_batch(sats, grid, one.out(), Sgp4BatchOptions{1});
    for (const unsigned threads : {2u, 0u}) {
        Buffers b(n);
        propagate_batch(sats, grid, b.out(), Sgp4BatchOptions{threads});
        EXPECT_TRUE(b.x == one.x && b.vz == one.vz && b.st == one.st) << threads << " threads differ from 1";
    }
    std::vector<double> tsince(n);
    for (std::size_t i = 0; i < sats.size(); ++i) {
        for (std::size_t j = 0; j < grid.size(); ++j) {
            tsince[i * grid.size() + j] = sats[i].minutes_since_epoch(grid[j]);
        }
    }
    expect_matches_scalar(sats, tsince, one, "common instants");
}

TEST(Sgp4Property, BatchItrfEqualsTemeToItrfOfScalarStates)
{
    const auto elements = synthetic_leo_catalog(40);
    const std::vector<Sgp4Propagator> sats(elements.begin(), elements.end());
    const time::Instant t0 = time::Instant::parse_iso8601("2025-10-03T06:00:00Z");
    std::vector<time::Instant> grid;
    for (int j = 0; j < 37; ++j) {
        grid.push_back(t0 + time::Duration::from_seconds(j * 600.0));
    }
    Buffers b(sats.size() * grid.size());
    Sgp4BatchOptions opt;
    opt.frame = Sgp4BatchFrame::itrf;
    propagate_batch(sats, grid, b.out(), opt);
    test::MaxDiff max_pos_km;
    for (std::size_t i = 0; i < sats.size(); ++i) {
        for (std::size_t j = 0; j < grid.size(); ++j) {
            const std::size_t k = i * grid.size() + j;
            const auto ref = frames::teme_to_itrf(sats[i].propagate(grid[j]), opt.eop);
            test::expect_state_near("itrf", ref.r_km, ref.v_km_s, Vec3(b.x[k], b.y[k], b.z[k]),
                                    Vec3(b.vx[k], b.vy[k], b.vz[k]), itrf_pos_tol_km, itrf_vel_tol_km_s, &max_pos_km);
        }
    }
    std::printf("[ Sgp4Property ] ITRF batch vs teme_to_itrf(scalar): max |dr| = %.3e km\n", max_pos_km.value);
}

TEST(Sgp4Property, StreamedChunksEqualTheInMemoryBatch)
{
    const auto elements = synthetic_leo_catalog(53);
    const std::vector<Sgp4Propagator> sats(elements.begin(), elements.end());
    const time::Instant t0 = time::Instant::parse_iso8601("2025-10-03T00:00:00Z");
    std::vector<time::Instant> grid;
    for (int j = 0; j < 19; ++j) {
        grid.push_back(t0 + time::Duration::from_seconds(j * 60.0));
    }
    const std::size_t m = grid.size();
    Buffers all(sats.size() * m);
    propagate_batch(sats, grid, all.out());
    std::size_t next_sat = 0;
    propagate_batch_stream(sats, grid, 10, [&](const Sgp4BatchChunk &c) {
        EXPECT_EQ(c.first_sat, next_sat);
        EXPECT_EQ(c.n_times, m);
        for (std::size_t k = 0; k < c.n_sats * m; ++k) {
            EXPECT_EQ(c.out.x_km[k], all.x[c.first_sat * m + k]);
            EXPECT_EQ(c.out.vz_km_s[k], all.vz[c.first_sat * m + k]);
            EXPECT_EQ(c.out.status[k], all.st[c.first_sat * m + k]);
        }
        next_sat += c.n_sats;
    });
    EXPECT_EQ(next_sat, sats.size());
}

TEST(Sgp4Property, BatchRejectsWrongSizesAndItrfWithoutInstants)
{
    const auto elements = synthetic_leo_catalog(2);
    const std::vector<Sgp4Propagator> sats(elements.begin(), elements.end());
    const std::vector<double> tsince(6, 0.0);
    Buffers small(5);
    try {
        propagate_batch_minutes(sats, tsince, small.out());
        ADD_FAILURE() << "no exception";
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
        EXPECT_EQ(e.context().field, "x_km");
    }
    Buffers ok(6);
    Sgp4BatchOptions opt;
    opt.frame = Sgp4BatchFrame::itrf;
    try {
        propagate_batch_minutes(sats, tsince, ok.out(), opt);
        ADD_FAILURE() << "no exception";
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
        EXPECT_EQ(e.context().field, "frame");
    }
}

TEST(Sgp4Property, SyntheticCatalogIsDeterministicNearEarthAndRoundTripsThroughTleText)
{
    const auto a = synthetic_leo_catalog(100, 7);
    const auto b = synthetic_leo_catalog(100, 7);
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].mean_motion_rev_day, b[i].mean_motion_rev_day);
        EXPECT_FALSE(Sgp4Propagator(a[i]).is_deep_space());
        const auto lines = io::format_tle(a[i]);
        const ElementSet back = io::parse_tle(lines[0], lines[1]);
        EXPECT_EQ(back.eccentricity, a[i].eccentricity);
        EXPECT_EQ(back.mean_motion_rev_day, a[i].mean_motion_rev_day);
        EXPECT_EQ(back.inclination_deg, a[i].inclination_deg);
    }
}

} // namespace
} // namespace vantage::orbits
