// CoverageFiguresProperty: the per-point definitions (include/vantage/coverage/figures.hpp) on windows whose
// figures are computed by hand below each case.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "coverage/coverage_test_util.hpp"
#include "vantage/core/error.hpp"
#include "vantage/coverage/figures.hpp"

using namespace vantage;
using namespace vantage::coverage;

namespace {
// Sums of a handful of doubles of order 1e3: exact to a few ulps.
constexpr double sum_tol_s = 1e-9;
} // namespace

TEST(CoverageFiguresProperty, NeverSeenPointHasOneGapOfTheInterval)
{
    // mean response T^2/(2T): the wait runs to the interval end (lower bound)
    test_util::expect_never_seen(point_figures({}, 86400.0), 86400.0);
}

TEST(CoverageFiguresProperty, AlwaysSeenPointHasNoGap)
{
    const std::vector<Span> w = {{0.0, 100.0}, {-50.0, 40.0}, {100.0, 1000.0}}; // touching and clipped
    const PointFigures f = point_figures(w, 1000.0);
    EXPECT_EQ(f.satellite_passes, 3u);
    test_util::expect_always_seen(f, 1000.0);
}

TEST(CoverageFiguresProperty, UnionLeadingAndTrailingGapsResponse)
{
    // T = 1000. Windows (two satellites, unsorted, overlapping): [100,200] [150,250] [600,700] [400,450].
    // Union: [100,250] [400,450] [600,700] -> 3 accesses, 4 passes.
    // Gaps: [0,100]=100 (leading), [250,400]=150, [450,600]=150, [700,1000]=300 (trailing).
    // mean gap = 700/4 = 175; max 300; p95 rank ceil(3.8)=4 -> 300.
    // response = (100^2 + 150^2 + 150^2 + 300^2)/(2*1000) = (10000+22500+22500+90000)/2000 = 72.5.
    // in view = 150 + 50 + 100 = 300.
    const std::vector<Span> w = {{600.0, 700.0}, {150.0, 250.0}, {100.0, 200.0}, {400.0, 450.0}};
    const PointFigures f = point_figures(w, 1000.0);
    EXPECT_EQ(f.accesses, 3u);
    EXPECT_EQ(f.satellite_passes, 4u);
    EXPECT_EQ(*f.first_access_s, 100.0);
    EXPECT_EQ(f.gaps, 4u);
    EXPECT_NEAR(f.mean_gap_s, 175.0, sum_tol_s);
    EXPECT_EQ(f.max_gap_s, 300.0);
    EXPECT_EQ(f.p95_gap_s, 300.0);
    EXPECT_NEAR(f.mean_response_s, 72.5, sum_tol_s);
    EXPECT_NEAR(f.time_in_view_s, 300.0, sum_tol_s);
}

TEST(CoverageFiguresProperty, P95IsNearestRankByCount)
{
    // 40 accesses of 1 s at t = 10k + 1 .. 10k + 2 for k = 0..39 in T = 400 + 0 -> gaps: leading 1 s, 39 gaps of 9 s,
    // trailing 400 - 392 = 8 s. Sorted: 1, 8, 9 x 39; n = 41, rank ceil(0.95*41) = ceil(38.95) = 39 -> 9 s.
    // Lengthen 3 of the middle gaps to 50 s by removing windows: done below with a second case.
    std::vector<Span> w;
    for (int k = 0; k < 40; ++k) {
        w.push_back({10.0 * k + 1.0, 10.0 * k + 2.0});
    }
    PointFigures f = point_figures(w, 400.0);
    EXPECT_EQ(f.gaps, 41u);
    EXPECT_EQ(f.p95_gap_s, 9.0);
    // 20 gaps: 19 of 1 s and one of 100 s -> rank ceil(19) = 19 -> 1 s; with 2 long gaps of 20 -> rank 19 -> 20 s.
    std::vector<Span> v;
    double t = 0.0;
    for (int k = 0; k < 19; ++k) { // 19 gaps of 1 s, each followed by 1 s of view
        t += 1.0;
        v.push_back({t, t + 1.0});
        t += 1.0;
    }
    f = point_figures(v, t + 100.0); // trailing gap 100 s: 20 gaps
    EXPECT_EQ(f.gaps, 20u);
    EXPECT_EQ(f.p95_gap_s, 1.0);
    EXPECT_EQ(f.max_gap_s, 100.0);
}

TEST(CoverageFiguresProperty, NothingIsNaNAndSumsHold)
{
    // For random windows: in view + sum of gaps = T, accesses + 1 >= gaps >= accesses - 1, figures finite.
    unsigned state = 12345u;
    auto rnd = [&]() {
        state = state * 1664525u + 1013904223u;
        return (state >> 8) / 16777216.0;
    };
    for (int rep = 0; rep < 200; ++rep) {
        const double T = 1000.0 + 1000.0 * rnd();
        std::vector<Span> w;
        const int n = static_cast<int>(20 * rnd());
        for (int i = 0; i < n; ++i) {
            const double a = -100.0 + (T + 200.0) * rnd();
            w.push_back({a, a + 100.0 * rnd()});
        }
        const PointFigures f = point_figures(w, T);
        const auto u = merge_windows(w, T);
        EXPECT_EQ(f.accesses, u.size());
        double gaps_total = f.mean_gap_s * f.gaps;
        EXPECT_NEAR(f.time_in_view_s + gaps_total, T, 1e-9 * T);
        EXPECT_LE(f.gaps, f.accesses + 1);
        EXPECT_GE(f.gaps + 1, f.accesses);
        for (double x : {f.max_gap_s, f.mean_gap_s, f.p95_gap_s, f.mean_response_s, f.time_in_view_s}) {
            EXPECT_TRUE(std::isfinite(x));
            EXPECT_GE(x, 0.0);
        }
        EXPECT_LE(f.mean_gap_s, f.max_gap_s);
        EXPECT_LE(f.p95_gap_s, f.max_gap_s);
        // Response <= max gap / 2 (each gap's average wait is half its length) and >= 0.
        EXPECT_LE(f.mean_response_s, f.max_gap_s / 2.0 + 1e-9);
    }
}

TEST(CoverageFiguresProperty, BadInputIsAnError)
{
    try {
        point_figures({}, 0.0);
        FAIL();
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
        EXPECT_EQ(e.context().field, "duration_s");
    }
    const std::vector<Span> bad = {{10.0, 5.0}};
    try {
        point_figures(bad, 100.0);
        FAIL();
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
        EXPECT_EQ(e.context().field, "window");
    }
}
