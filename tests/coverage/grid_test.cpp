// CoverageGridValidation / CoverageGridProperty: the near-equal-area grid (include/vantage/coverage/grid.hpp).
// References: the WGS-84 ellipsoid's area 510,065,621.724 km^2 and quarter meridian 10,001.965729 km (NIMA TR8350.2
// / Karney 2013, "Algorithms for geodesics", Table 1); the exact ellipsoidal zone area (Snyder 1987, eq. 3-12).
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "vantage/core/constants.hpp"
#include "vantage/core/error.hpp"
#include "vantage/coverage/grid.hpp"

using namespace vantage;
using namespace vantage::coverage;

namespace {
constexpr double wgs84_area_km2 = 510065621.724; // Karney 2013 Table 1 (to the printed 1e-3 km^2)
constexpr double quarter_meridian_km = 10001.965729;

/// Snyder 1987 eq. 3-12: q(phi) for the ellipsoid; area from the equator to phi over all longitudes = pi a^2 (1-e^2) q.
double zone_area_km2(double lat1_deg, double lat2_deg)
{
    const double e2 = wgs84_f * (2.0 - wgs84_f);
    const double e = std::sqrt(e2);
    auto q = [&](double lat) {
        const double s = std::sin(lat * deg_to_rad);
        return (1.0 - e2) * (s / (1.0 - e2 * s * s) - std::log((1.0 - e * s) / (1.0 + e * s)) / (2.0 * e));
    };
    return pi * wgs84_a_km * wgs84_a_km * (q(lat2_deg) - q(lat1_deg));
}

geometry::Polygon box(double lon0, double lat0, double lon1, double lat1)
{
    geometry::Polygon p;
    p.parts.push_back(geometry::PolygonPart{{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}}, {}});
    return p;
}
} // namespace

TEST(CoverageGridValidation, WeightsSumToTheEllipsoidArea)
{
    // Sum of ~4e4 (or 4e6) positive doubles: relative rounding <= n * 1e-16; 1e-9 relative is the printed precision.
    constexpr double area_rel_tol = 1e-9;
    for (const double d : {111.0, 500.0, 1000.0, 3000.0}) {
        const GridSelection g = global_grid(d);
        double sum = 0.0;
        for (const auto &p : g.points) {
            sum += p.weight_km2;
        }
        EXPECT_NEAR(sum / wgs84_area_km2, 1.0, area_rel_tol) << d << " km";
    }
}

TEST(CoverageGridValidation, RingsFollowTheStatedDefinition)
{
    const RingLayout l = ring_layout(111.0);
    EXPECT_EQ(l.rings, static_cast<std::uint32_t>(std::round(2.0 * quarter_meridian_km / 111.0))); // 180
    EXPECT_NEAR(l.ring_step_km * l.rings, 2.0 * quarter_meridian_km, 1e-6);
    const GridSelection g = global_grid(111.0);
    // Ring zone areas against Snyder's closed form, ring by ring (independent of GeographicLib's authalic latitude).
    constexpr double zone_rel_tol = 1e-9;
    std::uint32_t idx = 0;
    for (std::uint32_t k = 0; k < l.rings; ++k) {
        const RingLatitudes lat = ring_latitudes(l, k);
        const std::uint32_t n = ring_points(l, k);
        double zone = 0.0;
        for (std::uint32_t j = 0; j < n; ++j, ++idx) {
            const auto &p = g.points[idx];
            ASSERT_EQ(p.ring, k);
            ASSERT_EQ(p.index_in_ring, j);
            EXPECT_DOUBLE_EQ(p.lon_deg, -180.0 + (j + 0.5) * 360.0 / n);
            zone += p.weight_km2;
        }
        EXPECT_NEAR(zone / zone_area_km2(lat.south_deg, lat.north_deg), 1.0, zone_rel_tol) << "ring " << k;
        // Parallel length / n within half a spacing of d (rounding of the count).
        const double phi = lat.center_deg * deg_to_rad;
        const double e2 = wgs84_f * (2.0 - wgs84_f);
        const double len = two_pi * wgs84_a_km * std::cos(phi) / std::sqrt(1.0 - e2 * std::sin(phi) * std::sin(phi));
        EXPECT_EQ(n, static_cast<std::uint32_t>(std::max(1.0, std::round(len / 111.0))));
    }
    EXPECT_EQ(idx, g.points.size());
    // Symmetric about the equator: ring k and N-1-k mirror.
    for (std::uint32_t k = 0; k < l.rings; ++k) {
        EXPECT_NEAR(ring_latitudes(l, k).center_deg, -ring_latitudes(l, l.rings - 1 - k).center_deg, 1e-9);
    }
}

TEST(CoverageGridProperty, CellsAreNearEqualArea)
{
    // Away from the poles each cell is about d x d; the rounding of the ring count keeps it within a factor
    // (n +- 0.5)/n of that, the polar caps (3 points of a tiny ring) within 1.1.
    const double d = 111.0;
    const GridSelection g = global_grid(d);
    EXPECT_NEAR(static_cast<double>(g.points.size()), wgs84_area_km2 / (d * d), 0.01 * wgs84_area_km2 / (d * d));
    for (const auto &p : g.points) {
        EXPECT_GT(p.weight_km2 / (d * d), 0.7) << p.lat_deg;
        EXPECT_LT(p.weight_km2 / (d * d), 1.3) << p.lat_deg;
    }
}

TEST(CoverageGridProperty, RegionsSelectTheirPointsOfTheGlobalGrid)
{
    const double d = 200.0;
    const GridSelection all = global_grid(d);
    Region band{"tropics", Region::Kind::latitude_band, -23.44, 23.44, {}};
    Region europe{"europe", Region::Kind::polygon, 0, 0, box(-10.0, 35.0, 30.0, 60.0)};
    // A box across the antimeridian (Fiji): 175 E .. 175 W.
    Region pacific{"pacific", Region::Kind::polygon, 0, 0, box(175.0, -20.0, -175.0, -10.0)};
    const GridSelection sel = select_grid(d, {band, europe, pacific});
    ASSERT_EQ(sel.members.size(), 3u);
    // Every selected point is a point of the global grid, in grid order, each once.
    std::size_t gi = 0;
    for (const auto &p : sel.points) {
        while (gi < all.points.size() && (all.points[gi].ring != p.ring || all.points[gi].index_in_ring != p.index_in_ring)) {
            ++gi;
        }
        ASSERT_LT(gi, all.points.size());
        EXPECT_EQ(all.points[gi].lat_deg, p.lat_deg);
        EXPECT_EQ(all.points[gi].weight_km2, p.weight_km2);
    }
    for (std::uint32_t i : sel.members[0]) {
        EXPECT_LE(std::abs(sel.points[i].lat_deg), 23.44);
    }
    // The band holds every global point with |lat| <= 23.44.
    const auto in_band = std::count_if(all.points.begin(), all.points.end(),
                                       [](const GridPoint &p) { return std::abs(p.lat_deg) <= 23.44; });
    EXPECT_EQ(static_cast<std::ptrdiff_t>(sel.members[0].size()), in_band);
    // Grid areas approach the polygon areas (the boundary cells count whole or not at all): within 15% at 200 km.
    double eu = 0.0;
    for (std::uint32_t i : sel.members[1]) {
        eu += sel.points[i].weight_km2;
        EXPECT_TRUE(geometry::contains(europe.polygon, sel.points[i].lat_deg, sel.points[i].lon_deg));
    }
    EXPECT_NEAR(eu / geometry::area_km2(europe.polygon), 1.0, 0.15);
    ASSERT_FALSE(sel.members[2].empty());
    for (std::uint32_t i : sel.members[2]) {
        EXPECT_GE(std::abs(sel.points[i].lon_deg), 175.0);
    }
}

TEST(CoverageGridParseErrors, BadSpacingAndEmptyAreas)
{
    try {
        ring_layout(0.5);
        FAIL();
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.code(), ErrorCode::out_of_range);
        EXPECT_EQ(e.context().field, "grid_km");
    }
    Region tiny{"tiny", Region::Kind::polygon, 0, 0, box(2.30, 48.80, 2.40, 48.90)};
    try {
        select_grid(100.0, {tiny});
        FAIL();
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.code(), ErrorCode::out_of_range);
        EXPECT_EQ(e.context().field, "aoi");
        EXPECT_EQ(e.context().value, "tiny");
    }
    Region inverted{"inv", Region::Kind::latitude_band, 10.0, -10.0, {}};
    try {
        select_grid(100.0, {inverted});
        FAIL();
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.context().field, "lat_min_deg");
    }
}
