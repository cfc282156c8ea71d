// CoverageValidation: hand-computable coverage cases through the whole chain (access engine -> union -> figures):
// - the north pole under a polar orbit: one access per revolution, of a duration given by plane trigonometry;
// - a point an equatorial orbit never sees: accesses 0, one gap of the interval, response T/2;
// - the sub-satellite point of a GEO satellite: always in view.
// CoverageProperty: chunked, threaded and split runs give bit-identical figures; region statistics by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "coverage/coverage_test_util.hpp"
#include "vantage/core/constants.hpp"
#include "vantage/core/error.hpp"
#include "vantage/coverage/coverage.hpp"
#include "vantage/frames/transforms.hpp"
#include "vantage/orbits/constellation.hpp"

using namespace vantage;
using namespace vantage::coverage;

namespace {

const time::Instant t0 = time::Instant::parse_iso8601("2025-10-03T00:00:00Z");
const frames::EarthOrientation no_eop;

geometry::Sensor cone(double half_angle_deg)
{
    geometry::Sensor s;
    s.name = "cone";
    s.type = geometry::SensorType::optical;
    s.max_off_nadir_deg = half_angle_deg;
    return s;
}

std::vector<access::Satellite> walker_sats(int total, int planes, int phasing, double alt_km, double incl_deg,
                                           const geometry::Sensor &sensor, double u0_deg = 0.0)
{
    orbits::WalkerSpec w;
    w.total = total;
    w.planes = planes;
    w.phasing = phasing;
    w.altitude_km = alt_km;
    w.inclination_deg = incl_deg;
    w.arg_latitude0_deg = u0_deg;
    orbits::DesignCommon c;
    c.epoch = t0;
    std::vector<access::Satellite> out;
    for (const auto &e : orbits::walker_constellation(w, c)) {
        out.push_back(access::Satellite{orbits::Sgp4Propagator(e), e.object_name, sensor});
    }
    return out;
}

GridPoint point(double lat, double lon)
{
    GridPoint p;
    p.lat_deg = lat;
    p.lon_deg = lon;
    p.weight_km2 = 1.0;
    return p;
}

} // namespace

TEST(CoverageValidation, NorthPoleUnderAPolarOrbitIsSeenEveryRevolution)
{
    // 600 km circular polar orbit (i = 90 deg), starting at the ascending node (u = 0): it passes over the north pole
    // at u = 90 deg each revolution. For a 30 deg off-nadir cone, the satellite at geocentric angle psi from the pole
    // sees it while tan(30 deg) >= b sin(psi) / (r - b cos(psi)) (b = polar radius, r = the satellite's distance):
    // solved below by bisection. The pass lasts 2 psi* / omega, omega the satellite's angular rate.
    const double theta = 30.0;
    const auto sats = walker_sats(1, 1, 0, 600.0, 90.0, cone(theta));
    const auto &prop = sats[0].propagator;
    const time::Instant t1 = t0 + time::Duration::from_days(1.0);
    const std::vector<GridPoint> pts = {point(90.0, 0.0)};
    const auto figs = compute_points(sats, pts, t0, t1, no_eop, {});
    ASSERT_EQ(figs.size(), 1u);
    const PointFigures &f = figs[0];

    // Pole crossings (max z) from SGP4, and the expected pass duration at each.
    const double b_km = wgs84_a_km * (1.0 - wgs84_f);
    std::vector<double> cross_s, dur_s;
    for (double t = 0.0; t < 86400.0; t += 10.0) {
        auto z = [&](double s) { return prop.propagate(t0 + time::Duration::from_seconds(s)).r_km.z(); };
        if (z(t) > z(t - 10.0) && z(t) >= z(t + 10.0)) { // bracketed max: golden-free ternary refine
            double lo = t - 10.0, hi = t + 10.0;
            for (int i = 0; i < 80; ++i) {
                const double m1 = lo + (hi - lo) / 3.0, m2 = hi - (hi - lo) / 3.0;
                (z(m1) < z(m2) ? lo : hi) = (z(m1) < z(m2) ? m1 : m2);
            }
            const double tc = 0.5 * (lo + hi);
            const auto st = prop.propagate(t0 + time::Duration::from_seconds(tc));
            const double r = st.r_km.norm();
            const double omega = st.r_km.cross(st.v_km_s).norm() / (r * r);
            double plo = 0.0, phi = 0.2;
            for (int i = 0; i < 100; ++i) {
                const double p = 0.5 * (plo + phi);
                (std::tan(theta * deg_to_rad) * (r - b_km * std::cos(p)) >= b_km * std::sin(p) ? plo : phi) = p;
            }
            cross_s.push_back(tc);
            dur_s.push_back(2.0 * plo / omega);
        }
    }
    ASSERT_GE(cross_s.size(), 14u);
    // Geocentric vs geodetic nadir near the pole (0.02 deg), and r, omega changing over the ~100 s pass: 0.5 s.
    constexpr double pass_tol_s = 0.5;
    const double first_expected = cross_s[0] - dur_s[0] / 2.0;
    EXPECT_EQ(f.accesses, cross_s.size());
    EXPECT_EQ(f.satellite_passes, cross_s.size());
    ASSERT_TRUE(f.first_access_s.has_value());
    EXPECT_NEAR(*f.first_access_s, first_expected, pass_tol_s);
    double in_view = 0.0;
    double max_gap = first_expected;
    for (std::size_t i = 0; i < cross_s.size(); ++i) {
        in_view += dur_s[i];
        if (i > 0) {
            max_gap = std::max(max_gap, (cross_s[i] - dur_s[i] / 2.0) - (cross_s[i - 1] + dur_s[i - 1] / 2.0));
        }
    }
    max_gap = std::max(max_gap, 86400.0 - (cross_s.back() + dur_s.back() / 2.0));
    EXPECT_NEAR(f.time_in_view_s, in_view, pass_tol_s * static_cast<double>(cross_s.size()));
    EXPECT_NEAR(f.max_gap_s, max_gap, 2.0 * pass_tol_s);
    EXPECT_EQ(f.gaps, cross_s.size() + 1); // leading, between, trailing
}

TEST(CoverageValidation, PointNeverSeen)
{
    // 500 km equatorial orbit: even the horizon is only 22 deg of central angle away; 60 deg N is never in a 45 deg cone.
    const auto sats = walker_sats(1, 1, 0, 500.0, 0.0, cone(45.0));
    const time::Instant t1 = t0 + time::Duration::from_hours(12.0);
    const std::vector<GridPoint> pts = {point(60.0, 10.0)};
    test_util::expect_never_seen(compute_points(sats, pts, t0, t1, no_eop, {})[0], 43200.0);
}

TEST(CoverageValidation, GeoSubSatellitePointIsAlwaysInView)
{
    // A GEO satellite (circular, i = 0 in SGP4 mean elements) and the ground point below it at t0: a near-GEO drifts
    // < 1 deg in a day, i.e. < 0.2 deg off-nadir seen from 35,786 km; a 10 deg cone always holds the point.
    orbits::CircularOrbitSpec geo;
    geo.altitude_km = 35786.0;
    geo.inclination_deg = 0.0;
    orbits::DesignCommon c;
    c.epoch = t0;
    const auto el = orbits::circular_orbits({geo}, c)[0];
    const std::vector<access::Satellite> sats{access::Satellite{orbits::Sgp4Propagator(el), "geo", cone(10.0)}};
    const auto below = frames::itrf_to_geodetic(frames::teme_to_itrf(sats[0].propagator.propagate(t0), no_eop).r_km);
    const time::Instant t1 = t0 + time::Duration::from_days(1.0);
    const auto f = compute_points(sats, std::vector<GridPoint>{point(below.lat_deg, below.lon_deg)}, t0, t1, no_eop, {})[0];
    EXPECT_EQ(f.satellite_passes, 1u);
    test_util::expect_always_seen(f, 86400.0, 1e-6);
}

TEST(CoverageProperty, ChunksThreadsAndSplitsAreBitIdentical)
{
    // A 3-satellite Walker over a 900 km global grid (~630 points, 3 chunks of 256) for 3 h: all chunks at once with
    // one thread (chunks one after another) or two (3 satellites < 2 per thread: chunks side by side), and the chunks
    // split in two interleaved halves (what MPI ranks do) give identical figures.
    const auto sats = walker_sats(3, 3, 1, 550.0, 53.0, cone(30.0));
    const GridSelection g = global_grid(900.0);
    const time::Instant t1 = t0 + time::Duration::from_hours(3.0);
    const ChunkPlan plan = plan_chunks(g.points.size(), sats.size());
    EXPECT_GE(plan.chunks, 3u);
    CoverageOptions one;
    one.search.threads = 1;
    CoverageOptions two;
    two.search.threads = 2;
    const auto a = compute_points(sats, g.points, t0, t1, no_eop, one);
    const auto b = compute_points(sats, g.points, t0, t1, no_eop, two);
    ASSERT_EQ(a.size(), g.points.size());
    EXPECT_TRUE(a == b);
    std::vector<std::size_t> even, odd;
    for (std::size_t c = 0; c < plan.chunks; ++c) {
        (c % 2 == 0 ? even : odd).push_back(c);
    }
    const auto e = compute_chunks(sats, g.points, plan, even, t0, t1, no_eop, two);
    const auto o = compute_chunks(sats, g.points, plan, odd, t0, t1, no_eop, one);
    std::size_t ie = 0, io = 0;
    for (std::size_t c = 0; c < plan.chunks; ++c) {
        for (std::size_t i = plan.begin(c); i < plan.end(c); ++i) {
            const PointFigures &x = c % 2 == 0 ? e[ie++] : o[io++];
            EXPECT_TRUE(x == a[i]) << "point " << i;
        }
    }
    // Something was seen and something was not (a meaningful comparison).
    const auto seen = std::count_if(a.begin(), a.end(), [](const PointFigures &f) { return f.accesses > 0; });
    EXPECT_GT(seen, 0);
    EXPECT_LT(static_cast<std::size_t>(seen), a.size());
}

TEST(CoverageProperty, RegionStatisticsByHand)
{
    // Three points of weights 1, 2, 3 km^2: accesses 0, 1, 3; T = 100 s.
    GridSelection sel;
    sel.points = {point(0, 0), point(1, 0), point(2, 0)};
    sel.points[1].weight_km2 = 2.0;
    sel.points[2].weight_km2 = 3.0;
    sel.regions = {Region{"r", Region::Kind::global, -90, 90, {}}};
    sel.members = {{0, 1, 2}};
    std::vector<PointFigures> f(3);
    f[0] = point_figures({}, 100.0);
    const std::vector<Span> w1 = {{10.0, 20.0}};
    f[1] = point_figures(w1, 100.0);
    const std::vector<Span> w3 = {{0.0, 10.0}, {40.0, 50.0}, {90.0, 100.0}};
    f[2] = point_figures(w3, 100.0);
    const auto s = summarize(sel, f, 100.0, 2);
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].points, 3u);
    EXPECT_DOUBLE_EQ(s[0].grid_area_km2, 6.0);
    EXPECT_DOUBLE_EQ(s[0].percent_area_covered, 100.0 * 5.0 / 6.0);
    EXPECT_DOUBLE_EQ(s[0].percent_area_covered_at_least_k, 50.0);
    EXPECT_DOUBLE_EQ(s[0].accesses.mean, (0.0 + 2.0 * 1.0 + 3.0 * 3.0) / 6.0);
    EXPECT_DOUBLE_EQ(s[0].accesses.min, 0.0);
    EXPECT_DOUBLE_EQ(s[0].accesses.max, 3.0);
    // max gaps: 100, 80, 40 s (gaps 30 and 40 s); time to first access: never -> 100 s (lower bound), 10 s, 0 s.
    EXPECT_DOUBLE_EQ(s[0].max_gap_h.mean, (100.0 + 2.0 * 80.0 + 3.0 * 40.0) / 6.0 / 3600.0);
    EXPECT_DOUBLE_EQ(s[0].time_to_first_access_h.mean, (100.0 + 2.0 * 10.0) / 6.0 / 3600.0);
    EXPECT_DOUBLE_EQ(s[0].time_in_view_fraction.mean, (2.0 * 0.1 + 3.0 * 0.3) / 6.0);
}
