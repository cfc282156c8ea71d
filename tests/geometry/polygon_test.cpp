// PolygonValidation: areas against a closed form nobody here wrote — the area of an ellipsoidal zone between
// two parallels, A = (b^2 / 2) * dlambda * [q(phi2) - q(phi1)], q(phi) = sin(phi) / (1 - e^2 sin^2 phi)
// + atanh(e sin phi) / e (Snyder 1987, "Map Projections — A Working Manual", USGS PP 1395, eq. 3-12 with
// the authalic q) — and hand-computable containment cases. PolygonProperty: invariants (holes subtract,
// multipolygon parts add, antimeridian rings behave like their shifted copies).
#include <gtest/gtest.h>

#include <cmath>

#include "vantage/core/error.hpp"
#include "vantage/geometry/polygon.hpp"

using namespace vantage;
using namespace vantage::geometry;

namespace {

// A 0.2 deg box: its geodesic edges bow away from the parallels by < 2 m over 22 km, changing the area by
// < 1e-4 of it; 1e-3 relative leaves room and still catches any wrong ellipsoid or unit (1e-2 .. 1e6).
constexpr double small_box_area_rel_tol = 1e-3;
// Round-off of GeographicLib's area for identical vertex lists shifted by 360 deg: far below 1 m^2.
constexpr double same_area_tol_km2 = 1e-6;

double zone_area_km2(double lat1_deg, double lat2_deg, double dlon_deg)
{
    constexpr double a = 6378.137;
    constexpr double f = 1.0 / 298.257223563;
    const double e2 = f * (2.0 - f);
    const double e = std::sqrt(e2);
    auto q = [&](double lat_deg) {
        const double s = std::sin(lat_deg * M_PI / 180.0);
        return (1.0 - e2) * (s / (1.0 - e2 * s * s) + std::atanh(e * s) / e);
    };
    // Snyder q includes the (1 - e^2) factor; with it the zone area is a^2 / 2 * dlambda * (q2 - q1).
    return 0.5 * a * a * (dlon_deg * M_PI / 180.0) * (q(lat2_deg) - q(lat1_deg));
}

Polygon box(double lon0, double lat0, double lon1, double lat1)
{
    return Polygon{{PolygonPart{{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}}, {}}}};
}

} // namespace

TEST(PolygonValidation, SmallBoxAreaMatchesEllipsoidalZone)
{
    for (const double lat : {0.0, 30.0, 45.0, 60.0, 75.0}) {
        const Polygon p = box(10.0, lat, 10.2, lat + 0.2);
        const double expected = zone_area_km2(lat, lat + 0.2, 0.2);
        EXPECT_NEAR(area_km2(p), expected, small_box_area_rel_tol * expected) << "lat " << lat;
    }
}

TEST(PolygonValidation, ContainmentHandCases)
{
    const Polygon p = box(2.0, 48.0, 3.0, 49.0);
    EXPECT_TRUE(contains(p, 48.5, 2.5));
    EXPECT_FALSE(contains(p, 49.5, 2.5));
    EXPECT_FALSE(contains(p, 48.5, 3.5));
    EXPECT_TRUE(contains(p, 48.5, 2.5 + 360.0)); // longitudes are taken modulo 360
    // A concave (L-shaped) ring: the notch is outside.
    const Polygon l{{PolygonPart{{{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}}, {}}}};
    EXPECT_TRUE(contains(l, 0.5, 0.5));
    EXPECT_TRUE(contains(l, 1.5, 0.5));
    EXPECT_FALSE(contains(l, 1.5, 1.5));
}

TEST(PolygonProperty, HoleIsOutsideAndSubtractsItsArea)
{
    Polygon p = box(0.0, 0.0, 1.0, 1.0);
    const double outer = area_km2(p);
    p.parts[0].holes.push_back({{0.25, 0.25}, {0.75, 0.25}, {0.75, 0.75}, {0.25, 0.75}});
    const double hole = area_km2(box(0.25, 0.25, 0.75, 0.75));
    EXPECT_FALSE(contains(p, 0.5, 0.5));
    EXPECT_TRUE(contains(p, 0.1, 0.1));
    EXPECT_NEAR(area_km2(p), outer - hole, same_area_tol_km2 * 1e3);
}

TEST(PolygonProperty, MultiPolygonPartsAdd)
{
    Polygon m = box(0.0, 0.0, 1.0, 1.0);
    m.parts.push_back(box(10.0, 0.0, 11.0, 1.0).parts[0]);
    EXPECT_TRUE(contains(m, 0.5, 10.5));
    EXPECT_TRUE(contains(m, 0.5, 0.5));
    EXPECT_FALSE(contains(m, 0.5, 5.0));
    EXPECT_NEAR(area_km2(m), area_km2(box(0.0, 0.0, 1.0, 1.0)) + area_km2(box(10.0, 0.0, 11.0, 1.0)), 1e-6);
}

TEST(PolygonProperty, AntimeridianRingBehavesLikeItsShiftedCopy)
{
    // 179.5E .. 179.5W written the RFC 7946 way (the edge crosses the antimeridian the short way).
    const Polygon across{{PolygonPart{{{179.5, -1.0}, {-179.5, -1.0}, {-179.5, 1.0}, {179.5, 1.0}}, {}}}};
    const Polygon shifted = box(-0.5, -1.0, 0.5, 1.0);
    EXPECT_NO_THROW(validate_polygon(across));
    EXPECT_TRUE(contains(across, 0.0, 180.0));
    EXPECT_TRUE(contains(across, 0.0, -179.8));
    EXPECT_TRUE(contains(across, 0.0, 179.8));
    EXPECT_FALSE(contains(across, 0.0, 0.0));
    EXPECT_FALSE(contains(across, 0.0, 179.0));
    EXPECT_NEAR(area_km2(across), area_km2(shifted), same_area_tol_km2 * 1e3);
    const LatLonBox b = bounding_box(across);
    EXPECT_DOUBLE_EQ(b.lon_min_deg, 179.5); // crosses: lon_min > lon_max
    EXPECT_DOUBLE_EQ(b.lon_max_deg, -179.5);
    EXPECT_DOUBLE_EQ(b.lat_min_deg, -1.0);
    EXPECT_DOUBLE_EQ(b.lat_max_deg, 1.0);
}

TEST(PolygonProperty, BoundingBoxOfPartsTakesTheSmallestArc)
{
    Polygon m = box(170.0, 0.0, 175.0, 1.0);
    m.parts.push_back(box(-175.0, 2.0, -170.0, 3.0).parts[0]);
    const LatLonBox b = bounding_box(m);
    EXPECT_DOUBLE_EQ(b.lon_min_deg, 170.0);
    EXPECT_DOUBLE_EQ(b.lon_max_deg, -170.0);
    EXPECT_DOUBLE_EQ(b.lat_max_deg, 3.0);
    const LatLonBox b2 = bounding_box(box(-10.0, 0.0, 10.0, 1.0));
    EXPECT_DOUBLE_EQ(b2.lon_min_deg, -10.0);
    EXPECT_DOUBLE_EQ(b2.lon_max_deg, 10.0);
}

TEST(PolygonParseErrors, ValidateNamesTheElement)
{
    auto expect = [](const Polygon &p, ErrorCode code, const std::string &field, bool multi = false) {
        try {
            validate_polygon(p, multi);
            ADD_FAILURE() << "accepted " << field;
        } catch (const ConfigError &e) {
            EXPECT_EQ(e.code(), code) << field;
            EXPECT_EQ(e.context().field, field);
        }
    };
    expect(Polygon{}, ErrorCode::missing_field, "coordinates");
    expect(Polygon{{PolygonPart{{{0, 0}, {1, 0}, {1, 95}}, {}}}}, ErrorCode::out_of_range, "coordinates[0][2]");
    expect(Polygon{{PolygonPart{{{0, 0}, {1, 0}, {0, 0}}, {}}}}, ErrorCode::syntax, "coordinates[0]");
    expect(Polygon{{PolygonPart{{{0, 0}, {1, 0}, {2, 0}}, {}}}}, ErrorCode::out_of_range, "coordinates[0]");
    // A ring around the North pole (longitudes wind through 360).
    expect(Polygon{{PolygonPart{{{0, 80}, {90, 80}, {180, 80}, {-90, 80}}, {}}}}, ErrorCode::unsupported, "coordinates[0]");
    Polygon two = box(0, 0, 1, 1);
    two.parts.push_back(PolygonPart{{{0, 0}, {1, 0}, {1, -91}}, {}});
    expect(two, ErrorCode::out_of_range, "coordinates[1][0][2]");
    EXPECT_NO_THROW(validate_polygon(box(0, 0, 1, 1)));
}

TEST(PolygonParseErrors, SelfCrossingRingsAndStrayHolesNameTheRing)
{
    // Issue 14 item 9: a zero-area ring and a hole outside its ring were accepted.
    auto expect = [](const Polygon &p, ErrorCode code, const std::string &field) {
        try {
            validate_polygon(p);
            ADD_FAILURE() << "accepted " << field;
        } catch (const ConfigError &e) {
            EXPECT_EQ(e.code(), code) << field << ": " << e.what();
            EXPECT_EQ(e.context().field, field) << e.what();
        }
    };
    const std::vector<LonLat> square{{0, 0}, {2, 0}, {2, 2}, {0, 2}};
    expect(Polygon{{PolygonPart{{{0, 0}, {3, 3}, {3, 0}, {0, 2}}, {}}}}, ErrorCode::syntax, "coordinates[0]");
    expect(Polygon{{PolygonPart{square, {{{5, 5}, {6, 5}, {6, 6}}}}}}, ErrorCode::syntax, "coordinates[1]");
    expect(Polygon{{PolygonPart{square, {{{1, 1}, {3, 1}, {3, 1.5}}}}}}, ErrorCode::syntax, "coordinates[1]");
    expect(Polygon{{PolygonPart{square, {{{0.5, 0.5}, {1, 1}, {1.5, 1.5}}}}}}, ErrorCode::out_of_range, "coordinates[1]");
    // Two holes that cross each other: the later one is named.
    expect(Polygon{{PolygonPart{square, {{{0.2, 0.2}, {1, 0.2}, {1, 1}}, {{0.5, 0.1}, {1.5, 0.1}, {0.5, 0.6}}}}}},
           ErrorCode::syntax, "coordinates[2]");
    // A hole sharing an edge with the outer ring overlaps it.
    expect(Polygon{{PolygonPart{square, {{{0, 0}, {1, 0}, {1, 1}}}}}}, ErrorCode::syntax, "coordinates[1]");
    // Valid: a hole touching the outer ring at a vertex, and across the antimeridian on the other side of 180.
    EXPECT_NO_THROW(validate_polygon(Polygon{{PolygonPart{square, {{{0, 0}, {1, 0.5}, {0.5, 1}}}}}}));
    EXPECT_NO_THROW(validate_polygon(Polygon{{PolygonPart{{{179, 0}, {-179, 0}, {-179, 2}, {179, 2}},
                                                          {{{-179.8, 0.5}, {-179.5, 0.5}, {-179.5, 1}}}}}}));
    expect(Polygon{{PolygonPart{{{179, 0}, {-179, 0}, {-179, 2}, {179, 2}}, {{{-178.8, 0.5}, {-178.5, 0.5}, {-178.5, 1}}}}}},
           ErrorCode::syntax, "coordinates[1]");
}

TEST(PolygonProperty, CrossingCheckIsTheSameAlongEitherSweepAxis)
{
    // A comb of flat edges (swept along y) and its transpose (swept along x) are both simple; with one tooth
    // bent across its neighbour both are refused.
    std::vector<LonLat> comb;
    for (int i = 0; i < 200; ++i) {
        comb.push_back({i % 2 == 0 ? 0.0 : 1.0, i * 0.01});
    }
    comb.push_back({-0.5, 1.99});
    comb.push_back({-0.5, 0.0});
    auto transposed = [](std::vector<LonLat> r) {
        for (auto &v : r) {
            std::swap(v.lon_deg, v.lat_deg);
        }
        return r;
    };
    EXPECT_NO_THROW(validate_polygon(Polygon{{PolygonPart{comb, {}}}}));
    EXPECT_NO_THROW(validate_polygon(Polygon{{PolygonPart{transposed(comb), {}}}}));
    comb[100].lat_deg = 1.025; // vertex 100 above vertices 101 and 102: its edges cross theirs
    EXPECT_THROW(validate_polygon(Polygon{{PolygonPart{comb, {}}}}), ConfigError);
    EXPECT_THROW(validate_polygon(Polygon{{PolygonPart{transposed(comb), {}}}}), ConfigError);
}
