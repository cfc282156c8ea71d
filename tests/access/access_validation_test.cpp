// AccessValidation: hand-computable access cases.
// - a GEO satellite straight above a station: one window spanning the whole interval, partial at both ends;
// - a polar LEO over a polar station: one pass per orbit;
// - an equatorial LEO and a 60° N target beyond its footprint: no windows.
#include <gtest/gtest.h>

#include <mutex>

#include <cmath>

#include "access/access_test_util.hpp"
#include "vantage/access/access.hpp"
#include "vantage/core/constants.hpp"
#include "vantage/core/error.hpp"
#include "vantage/frames/transforms.hpp"

using namespace vantage;
using namespace vantage::access;

namespace {
const time::Instant t0 = time::Instant::parse_iso8601("2025-10-03T00:00:00Z");
const frames::EarthOrientation no_eop;
} // namespace

TEST(AccessValidation, GeoAboveStationIsOneWindowPartialBothEnds)
{
    const auto el = test_util::make_elements(90001, t0 - time::Duration::from_hours(6), 1.00273791, 0.0001, 0.05, 80.0,
                                           0.0, 100.0);
    const std::vector<Satellite> sats{Satellite{orbits::Sgp4Propagator(el), "geo", geometry::Sensor{}}};
    const auto st0 = frames::teme_to_itrf(sats[0].propagator.propagate(t0), no_eop);
    const frames::Geodetic below = frames::itrf_to_geodetic(st0.r_km);
    const std::vector<geometry::GroundStation> stations{{"under", {below.lat_deg, below.lon_deg, 0.0}, 5.0, {}, 0.0, 1}};
    const time::Instant t1 = t0 + time::Duration::from_days(1.0);
    const auto passes = find_station_passes(sats, stations, t0, t1, no_eop);
    ASSERT_EQ(passes.size(), 1u);
    const Window &w = passes[0].window;
    EXPECT_TRUE(w.partial);
    EXPECT_EQ(w.start, t0);
    EXPECT_EQ(w.end, t1);
    EXPECT_GT(w.max_elevation_deg, 85.0); // a near-GEO drifts < 1 deg in a day
    EXPECT_NEAR(w.duration_s(), 86400.0, 1e-6);
}

TEST(AccessValidation, PolarLeoOverPolarStationPassesEveryOrbit)
{
    const double n = test_util::mean_motion_for_altitude(600.0);
    const auto el = test_util::make_elements(90002, t0, n, 0.0005, 90.0, 30.0, 0.0, 0.0);
    const std::vector<Satellite> sats{Satellite{orbits::Sgp4Propagator(el), "polar", geometry::Sensor{}}};
    const std::vector<geometry::GroundStation> stations{{"pole", {89.9, 0.0, 0.0}, 5.0, {}, 0.0, 1}};
    const time::Instant t1 = t0 + time::Duration::from_days(1.0);
    const auto passes = find_station_passes(sats, stations, t0, t1, no_eop);
    // One pass per revolution over the pole: n revolutions per day, +-1 for the interval ends.
    EXPECT_GE(static_cast<double>(passes.size()), std::floor(n) - 1.0);
    EXPECT_LE(static_cast<double>(passes.size()), std::ceil(n) + 1.0);
    const double period_s = 86400.0 / n;
    for (std::size_t i = 0; i < passes.size(); ++i) {
        const Window &w = passes[i].window;
        EXPECT_GT(w.max_elevation_deg, 60.0); // ground track within ~1 deg of the pole
        EXPECT_LE(w.start, w.best);
        EXPECT_LE(w.best, w.end);
        if (i > 0) { // consecutive culminations one period apart (within the station's 0.1 deg offset)
            EXPECT_NEAR((w.best - passes[i - 1].window.best).seconds(), period_s, 60.0);
        }
    }
}

TEST(AccessValidation, TargetBeyondFootprintIsNeverSeen)
{
    // 500 km equatorial orbit: horizon central angle acos(6378/6878) = 22 deg; a 60 deg N target never sees it.
    const auto el = test_util::make_elements(90003, t0, test_util::mean_motion_for_altitude(500.0), 0.0005, 0.1, 0.0, 0.0,
                                           0.0);
    geometry::Sensor agile;
    agile.name = "agile";
    agile.max_off_nadir_deg = 45.0;
    const std::vector<Satellite> sats{Satellite{orbits::Sgp4Propagator(el), "eq", agile}};
    const std::vector<geometry::Target> targets{{"north", {60.0, 10.0, 0.0}}};
    const auto acc = find_target_access(sats, targets, t0, t0 + time::Duration::from_days(1.0), no_eop);
    EXPECT_TRUE(acc.empty());
}

TEST(AccessValidation, BadInputsAreReportedByCode)
{
    const auto el = test_util::make_elements(90004, t0, 15.0, 0.001, 51.6, 0.0, 0.0, 0.0);
    geometry::Sensor bad;
    bad.name = "nothing";
    const std::vector<Satellite> sats{Satellite{orbits::Sgp4Propagator(el), "s", bad}};
    const std::vector<geometry::Target> targets{{"t", {0.0, 0.0, 0.0}}};
    try {
        (void)find_target_access(sats, targets, t0, t0 + time::Duration::from_hours(1.0), no_eop);
        FAIL();
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.code(), ErrorCode::missing_field);
    }
    try {
        (void)find_station_passes(sats, {}, t0, t0, no_eop);
        FAIL();
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    }
}

// stream_target_access hands each satellite's windows to the sink and keeps nothing; the windows are those of
// find_target_access, in the same order within each satellite.
TEST(AccessValidation, StreamingGivesTheSameWindows)
{
    const time::Instant t0 = time::Instant::parse_iso8601("2025-10-03T00:00:00Z");
    const time::Instant t1 = t0 + time::Duration::from_hours(12.0);
    std::vector<Satellite> sats;
    for (std::uint32_t k = 0; k < 3; ++k) {
        geometry::Sensor s;
        s.name = "cone";
        s.max_off_nadir_deg = 35.0;
        sats.push_back(Satellite{orbits::Sgp4Propagator(test_util::make_elements(
                                     70000 + k, t0, test_util::mean_motion_for_altitude(550.0), 0.0001, 53.0,
                                     120.0 * k, 0.0, 40.0 * k)),
                                 "S", s});
    }
    std::vector<geometry::Target> targets;
    for (int i = 0; i < 400; ++i) {
        targets.push_back(geometry::Target{"t", {-60.0 + 120.0 * ((i * 37) % 400) / 400.0, -180.0 + 360.0 * i / 400.0, 0.0}});
    }
    const frames::EarthOrientation eop;
    const auto all = find_target_access(sats, targets, t0, t1, eop);
    std::mutex m;
    std::vector<std::vector<TargetAccess>> streamed(sats.size());
    stream_target_access(sats, targets, t0, t1, eop, SearchOptions{}, [&](std::size_t i, std::span<const TargetAccess> a) {
        const std::lock_guard<std::mutex> lock(m);
        streamed[i].assign(a.begin(), a.end());
    });
    std::vector<TargetAccess> flat;
    for (const auto &v : streamed) {
        flat.insert(flat.end(), v.begin(), v.end());
    }
    ASSERT_GT(all.size(), 10u);
    ASSERT_EQ(flat.size(), all.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(flat[i].satellite, all[i].satellite);
        EXPECT_EQ(flat[i].target, all[i].target);
        EXPECT_EQ(flat[i].window.start, all[i].window.start);
        EXPECT_EQ(flat[i].window.end, all[i].window.end);
    }
}
