// LinkWindows: satellite-to-satellite and satellite-to-GEO-relay visibility (access::find_link_windows) against dense
// sampling of the same switching functions, hand-computed geometry of link_functions, and the input errors.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "access_test_util.hpp"
#include "vantage/access/links.hpp"
#include "vantage/core/error.hpp"
#include "vantage/frames/transforms.hpp"

using namespace vantage;

namespace {

const time::Instant t0 = time::Instant::parse_iso8601("2025-10-03T00:00:00Z");

access::LinkEnd leo(std::uint32_t id, double alt_km, double inc_deg, double raan_deg, double ma_deg, double e = 0.001)
{
    access::LinkEnd end;
    end.name = "LEO " + std::to_string(id);
    end.propagator.emplace(test_util::make_elements(id, t0, test_util::mean_motion_for_altitude(alt_km), e, inc_deg,
                                                    raan_deg, 90.0, ma_deg));
    return end;
}

access::LinkEnd geo(double lon_deg, double max_off_nadir_deg = 180.0)
{
    access::LinkEnd end;
    end.name = "GEO";
    end.geo_longitude_deg = lon_deg;
    end.terminal.max_off_nadir_deg = max_off_nadir_deg;
    return end;
}

// Visibility sampled every 0.25 s with the same functions: every window of >= 2 s must be found with edges within
// the sampling step, and every window found must be visible at its middle.
std::size_t expect_matches_dense(const std::vector<access::LinkEnd> &ends, std::size_t i, std::size_t j, double hours,
                          const access::LinkOptions &opt, bool expect_some = true)
{
    const time::Instant stop = t0 + time::Duration::from_hours(hours);
    const std::vector<std::pair<std::size_t, std::size_t>> pairs{{i, j}};
    const frames::EarthOrientation eop;
    const auto windows = access::find_link_windows(ends, pairs, t0, stop, eop, opt);
    auto visible = [&](double tau) {
        const time::Instant t = t0 + time::Duration::from_seconds(tau);
        return access::link_functions(access::link_end_position_itrf_km(ends[i], t, eop), ends[i].terminal,
                                      access::link_end_position_itrf_km(ends[j], t, eop), ends[j].terminal,
                                      opt.grazing_height_km)
            .visible();
    };
    std::vector<std::pair<double, double>> dense;
    const double span = hours * 3600.0, dt = 0.25;
    bool in = false;
    double s = 0.0;
    for (double tau = 0.0; tau <= span + 1e-9; tau += dt) {
        const bool v = visible(tau);
        if (v && !in) {
            s = tau;
        }
        if (!v && in) {
            dense.emplace_back(s, tau - dt);
        }
        in = v;
    }
    if (in) {
        dense.emplace_back(s, span);
    }
    for (const auto &w : windows) {
        const double a = (w.start - t0).seconds(), b = (w.end - t0).seconds();
        EXPECT_TRUE(visible(0.5 * (a + b))) << a << " " << b;
        EXPECT_LE(w.min_range_km, w.max_range_km);
    }
    std::size_t matched = 0;
    for (const auto &[a, b] : dense) {
        if (b - a < 2.0) {
            continue;
        }
        bool found = false;
        for (const auto &w : windows) {
            const double ws = (w.start - t0).seconds(), we = (w.end - t0).seconds();
            if (std::abs(ws - a) <= dt + 2e-3 && std::abs(we - b) <= dt + 2e-3) {
                found = true;
            }
        }
        EXPECT_TRUE(found) << "dense window " << a << "-" << b << " missed";
        matched += found ? 1 : 0;
    }
    if (expect_some) {
        EXPECT_GE(matched, 1u);
    }
    EXPECT_EQ(windows.size(), dense.size()); // none shorter than 2 s in these cases
    return matched;
}

} // namespace

TEST(LinkWindows, FunctionsMatchHandGeometry)
{
    // LEO at 700 km over (0N, 0E), GEO at 0E straight above: clear line of sight, elevation 90, GEO off-nadir 0.
    const Vec3 r_leo(6378.137 + 700.0, 0.0, 0.0);
    const Vec3 r_geo(access::geostationary_radius_km, 0.0, 0.0);
    access::LinkTerminal free_terminal;
    auto f = access::link_functions(r_leo, free_terminal, r_geo, free_terminal, 100.0);
    EXPECT_NEAR(f.earth_km, 600.0, 1e-9); // the segment's closest point to the centre is the LEO end
    EXPECT_NEAR(f.elevation1_rad, M_PI, 1e-12); // 90 deg above a -90 deg minimum
    EXPECT_NEAR(f.off_nadir2_rad, M_PI, 1e-12); // the LEO satellite at the GEO's nadir
    // The LEO satellite on the far side of the Earth: blocked by 6378 + 100 km.
    f = access::link_functions(-r_leo, free_terminal, r_geo, free_terminal, 100.0);
    EXPECT_NEAR(f.earth_km, -6478.137, 1e-9);
    EXPECT_FALSE(f.visible());
    // A segment grazing the equator 50 km above the ellipsoid: blocked by 50 km at a 100 km grazing height.
    const double rg = 6378.137 + 50.0;
    const Vec3 p1(rg, -20000.0, 0.0), p2(rg, 20000.0, 0.0);
    f = access::link_functions(p1, free_terminal, p2, free_terminal, 100.0);
    EXPECT_NEAR(f.earth_km, -50.0, 1e-9);
    // Over the pole the scaled sphere is the inflated ellipsoid: b + 100 km clears by 0, b + 150 km by 50 x scale.
    const double b = 6378.137 * (1.0 - 1.0 / 298.257223563);
    f = access::link_functions(Vec3(-20000.0, 0.0, b + 150.0), free_terminal, Vec3(20000.0, 0.0, b + 150.0), free_terminal,
                               100.0);
    EXPECT_NEAR(f.earth_km, 50.0 * (6378.137 + 100.0) / (b + 100.0), 1e-6);
    // Terminal limits: the GEO sees the LEO end 8.7 deg off nadir from 0E when the LEO is at the limb point.
    access::LinkTerminal narrow;
    narrow.max_off_nadir_deg = 5.0;
    const Vec3 limb(0.0, 6378.137 + 700.0, 0.0);
    f = access::link_functions(limb, free_terminal, r_geo, narrow, 100.0);
    const double off = std::atan2(limb.y(), access::geostationary_radius_km);
    EXPECT_NEAR(f.off_nadir2_rad, 5.0 * M_PI / 180.0 - off, 1e-12);
    EXPECT_FALSE(f.visible());
    access::LinkTerminal up;
    up.min_elevation_deg = 0.0;
    f = access::link_functions(limb, up, r_geo, free_terminal, 100.0);
    // elevation of the GEO seen from (0, r, 0): the LEO's up is +y, the GEO is at +x: below the horizon by the angle
    // whose sine is r / range
    const Vec3 rho = r_geo - limb;
    EXPECT_NEAR(f.elevation1_rad, std::asin(limb.normalized().dot(rho.normalized())), 1e-12);
    EXPECT_FALSE(f.visible());
}

TEST(LinkWindows, LeoToGeoRelayMatchesDenseSampling)
{
    std::vector<access::LinkEnd> ends{leo(1, 700.0, 98.2, 10.0, 0.0), geo(9.0), geo(31.0, 10.0)};
    ends[0].terminal.min_elevation_deg = -10.0;
    access::LinkOptions opt;
    expect_matches_dense(ends, 0, 1, 6.0, opt);
    expect_matches_dense(ends, 0, 2, 6.0, opt);
    opt.grazing_height_km = 0.0;
    expect_matches_dense(ends, 0, 1, 3.0, opt);
}

TEST(LinkWindows, LeoToLeoMatchesDenseSampling)
{
    // Two LEO satellites in different planes and heights: windows open and close as the Earth comes between them.
    std::vector<access::LinkEnd> ends{leo(1, 700.0, 98.0, 0.0, 0.0), leo(2, 700.0, 98.0, 90.0, 0.0, 0.01)};
    expect_matches_dense(ends, 0, 1, 6.0, access::LinkOptions{});
    // Same plane, 20 deg apart: always visible (a single partial window over the whole span).
    std::vector<access::LinkEnd> train{leo(3, 700.0, 98.0, 0.0, 0.0), leo(4, 700.0, 98.0, 0.0, 20.0)};
    const std::vector<std::pair<std::size_t, std::size_t>> pairs{{0, 1}};
    const auto w = access::find_link_windows(train, pairs, t0, t0 + time::Duration::from_hours(3.0), frames::EarthOrientation{});
    ASSERT_EQ(w.size(), 1u);
    EXPECT_TRUE(w[0].partial);
    EXPECT_EQ(w[0].start, t0);
    EXPECT_GT(w[0].min_range_km, 2000.0);
}

TEST(LinkWindows, RandomPairsMatchDenseSampling)
{
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> alt(400.0, 1500.0), inc(0.0, 110.0), ang(0.0, 360.0);
    std::size_t matched = 0;
    for (int k = 0; k < 6; ++k) {
        std::vector<access::LinkEnd> ends{leo(10 + k, alt(rng), inc(rng), ang(rng), ang(rng)),
                                          k % 2 == 0 ? leo(20 + k, alt(rng), inc(rng), ang(rng), ang(rng)) : geo(ang(rng), 9.5)};
        ends[0].terminal.min_elevation_deg = k % 3 == 0 ? -20.0 : -90.0;
        SCOPED_TRACE(k);
        // a pair may have none (a LEO-LEO pair far apart, a LEO whose plane keeps it beyond a narrow GEO terminal)
        matched += expect_matches_dense(ends, 0, 1, 2.0, access::LinkOptions{}, false);
    }
    EXPECT_GE(matched, 4u);
}

TEST(LinkWindows, BadInputIsAConfigError)
{
    std::vector<access::LinkEnd> ends{leo(1, 700.0, 98.2, 10.0, 0.0), geo(9.0)};
    const std::vector<std::pair<std::size_t, std::size_t>> pairs{{0, 1}};
    const frames::EarthOrientation eop;
    access::LinkOptions opt;
    opt.grazing_height_km = -1.0;
    try {
        access::find_link_windows(ends, pairs, t0, t0 + time::Duration::from_hours(1.0), eop, opt);
        FAIL();
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.context().field, "grazing_height_km");
    }
    ends[1].terminal.max_off_nadir_deg = 0.0;
    try {
        access::find_link_windows(ends, pairs, t0, t0 + time::Duration::from_hours(1.0), eop);
        FAIL();
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.context().field, "ends[1].max_off_nadir_deg");
    }
    EXPECT_THROW(access::find_link_windows(ends, pairs, t0, t0, eop), ConfigError);
}
