// AgilityValidation: the slew law of issue 6 against its own closed-form figures (Pléiades: 60 deg in about
// 25 s). AgilityProperty: LVLH axes and look vectors. StripsProperty: polygon strips cover the polygon, their area
// shares sum to one, their count follows the width.
#include <gtest/gtest.h>

#include <cmath>

#include "strips.hpp"
#include "vantage/core/constants.hpp"
#include "vantage/frames/transforms.hpp"
#include "vantage/geometry/polygon.hpp"
#include "vantage/scheduling/agility.hpp"

using namespace vantage;
using namespace vantage::scheduling;

namespace {

// Closed forms evaluated in double precision: anything above 1e-12 s is a formula error.
constexpr double formula_tol_s = 1e-12;
// Angles from unit vectors built in double precision.
constexpr double angle_tol_deg = 1e-9;

TEST(AgilityValidation, PleiadesSixtyDegreesInTwentyFiveSeconds)
{
    const Agility pleiades; // defaults: 3 deg/s, 1 deg/s^2, 2 s settle
    // 60 > ω²/α = 9: trapezoidal, 60/3 + 3/1 = 23 s, + 2 s settle = 25 s (issue 6).
    EXPECT_NEAR(rest_to_rest_s(60.0, pleiades), 23.0, formula_tol_s);
    EXPECT_NEAR(transition_s(60.0, pleiades), 25.0, formula_tol_s);
}

TEST(AgilityValidation, TriangularBelowTheSwitchAngle)
{
    Agility a;
    a.max_rate_deg_s = 3.0;
    a.max_accel_deg_s2 = 1.0;
    a.settle_s = 2.0;
    // θ = 4 <= 9: 2 sqrt(4 / 1) = 4 s.
    EXPECT_NEAR(rest_to_rest_s(4.0, a), 4.0, formula_tol_s);
    // continuous at θ = ω²/α = 9: 2 sqrt(9) = 6 = 9/3 + 3
    EXPECT_NEAR(rest_to_rest_s(9.0, a), 6.0, formula_tol_s);
    EXPECT_NEAR(rest_to_rest_s(9.0 + 1e-9, a), 6.0, 1e-9);
    EXPECT_EQ(rest_to_rest_s(0.0, a), 0.0);
    EXPECT_EQ(rest_to_rest_s(-1.0, a), 0.0);
}

TEST(AgilityProperty, SubadditiveAndMonotone)
{
    // The exact MILP's pairwise formulation relies on t(a + b) <= t(a) + t(b) (concave, t(0) = 0).
    Agility a;
    a.max_rate_deg_s = 1.5;
    a.max_accel_deg_s2 = 0.5;
    a.settle_s = 3.0;
    for (double x = 0.0; x < 90.0; x += 0.7) {
        for (double y = 0.0; y < 90.0; y += 1.3) {
            EXPECT_LE(rest_to_rest_s(x + y, a), rest_to_rest_s(x, a) + rest_to_rest_s(y, a) + formula_tol_s);
        }
        EXPECT_LE(rest_to_rest_s(x, a), rest_to_rest_s(x + 0.1, a));
    }
}

/// A look with roll r and pitch p (deg): u = (sin p, -cos p sin r, cos p cos r) (agility.hpp).
Vec3 look_rp(double roll_deg, double pitch_deg)
{
    const double r = roll_deg * deg_to_rad, p = pitch_deg * deg_to_rad;
    return {std::sin(p), -std::cos(p) * std::sin(r), std::cos(p) * std::cos(r)};
}

TEST(AgilityValidation, RollPitchMeasureAndSlewTable)
{
    Agility rp;
    rp.measure = SlewMeasure::roll_pitch;
    // roll 20 -> -10 and pitch 5 -> 25: |Δroll| + |Δpitch| = 30 + 20 = 50
    EXPECT_NEAR(slew_measure_deg(look_rp(20.0, 5.0), look_rp(-10.0, 25.0), rp), 50.0, angle_tol_deg);
    // a pure roll is the same size in both measures; a diagonal move is larger in roll_pitch than the angle
    const Agility lv;
    EXPECT_NEAR(slew_measure_deg(look_rp(0.0, 0.0), look_rp(30.0, 0.0), rp), 30.0, angle_tol_deg);
    EXPECT_NEAR(slew_measure_deg(look_rp(0.0, 0.0), look_rp(30.0, 0.0), lv), 30.0, angle_tol_deg);
    EXPECT_GT(slew_measure_deg(look_rp(0.0, 0.0), look_rp(20.0, 20.0), rp),
              slew_measure_deg(look_rp(0.0, 0.0), look_rp(20.0, 20.0), lv) + 10.0);
    EXPECT_EQ(max_slew_measure_deg(rp), 360.0);
    EXPECT_EQ(max_slew_measure_deg(lv), 180.0);
    // A published-style table: 11.66 s + size/1.5 up to 15 deg, then 16.66 s + size/2 ... (linear pieces).
    Agility tb;
    tb.settle_s = 0.0;
    tb.slew_table = {{0.0, 11.66}, {15.0, 21.66}, {40.0, 36.66}, {90.0, 61.66}};
    EXPECT_NEAR(slew_time_s(0.0, tb), 11.66, formula_tol_s);
    EXPECT_NEAR(slew_time_s(7.5, tb), 16.66, formula_tol_s);
    EXPECT_NEAR(slew_time_s(40.0, tb), 36.66, formula_tol_s);
    EXPECT_NEAR(slew_time_s(110.0, tb), 71.66, formula_tol_s); // the last slope (0.5 s/deg) beyond the table
    EXPECT_NEAR(transition_s(look_rp(0.0, 0.0), look_rp(15.0, 0.0), tb), 21.66, 1e-9);
    EXPECT_EQ(reachable_measure_deg(11.0, tb), -1.0); // not even a zero-size slew fits in 11 s
    EXPECT_NEAR(reachable_measure_deg(16.66, tb), 7.5, 1e-9);
    EXPECT_NEAR(reachable_measure_deg(71.66, tb), 110.0, 1e-9);
    EXPECT_TRUE(slew_time_subadditive(tb)); // an offset and decreasing slopes
    Agility convex;
    convex.slew_table = {{0.0, 0.0}, {10.0, 1.0}, {20.0, 10.0}};
    EXPECT_FALSE(slew_time_subadditive(convex)); // t(20) = 10 > t(10) + t(10) = 2
}

TEST(AgilityProperty, MeasuresAreMetricsAndTablesInvert)
{
    // The slew-aware bound needs the triangle inequality of both measures and reachable_measure_deg to be the
    // inverse of slew_time_s (largest size whose time fits).
    Agility rp;
    rp.measure = SlewMeasure::roll_pitch;
    const Agility lv;
    std::vector<Vec3> looks;
    for (double r = -50.0; r <= 50.0; r += 12.5) {
        for (double p = -40.0; p <= 40.0; p += 13.0) {
            looks.push_back(look_rp(r, p));
        }
    }
    for (const Agility *ag : {static_cast<const Agility *>(&rp), &lv}) {
        for (std::size_t i = 0; i < looks.size(); i += 3) {
            for (std::size_t j = 0; j < looks.size(); j += 2) {
                for (std::size_t k = 0; k < looks.size(); k += 5) {
                    EXPECT_LE(slew_measure_deg(looks[i], looks[k], *ag),
                              slew_measure_deg(looks[i], looks[j], *ag) + slew_measure_deg(looks[j], looks[k], *ag) + 1e-9);
                }
            }
        }
    }
    Agility tb;
    tb.slew_table = {{0.0, 5.0}, {10.0, 9.0}, {30.0, 9.0}, {60.0, 30.0}};
    Agility law; // the rate/acceleration law
    for (const Agility *ag : {static_cast<const Agility *>(&tb), static_cast<const Agility *>(&law)}) {
        for (double t = 0.0; t < 80.0; t += 0.37) {
            const double m = reachable_measure_deg(t, *ag);
            if (m < 0.0) {
                EXPECT_GT(slew_time_s(0.0, *ag), t);
                continue;
            }
            EXPECT_LE(slew_time_s(m, *ag), t + 1e-9) << t;
            EXPECT_GT(slew_time_s(m + 1e-6, *ag), t - 1e-9) << t; // the largest such size
        }
    }
}

TEST(AgilityProperty, LvlhAxesAndLookVectors)
{
    const Vec3 r(7000.0, 100.0, -50.0);
    const Vec3 v(0.1, 7.5, 0.3);
    const Mat3 m = lvlh_axes(r, v);
    EXPECT_NEAR((m * m.transpose() - Mat3::Identity()).norm(), 0.0, 1e-14);
    EXPECT_NEAR(m.determinant(), 1.0, 1e-14);
    // z towards the Earth's centre; x along the velocity for a circular orbit
    EXPECT_NEAR(angle_deg(m.row(2).transpose(), -r.normalized()), 0.0, angle_tol_deg);
    EXPECT_GT(m.row(0).dot(v), 0.0);
    // nadir look vector is +z
    const Vec3 nadir = look_vector_lvlh(r, v, r * 0.9);
    EXPECT_NEAR(angle_deg(nadir, Vec3(0, 0, 1)), 0.0, angle_tol_deg);
    // frame independence: rotating every vector leaves the LVLH components unchanged
    const Mat3 rot = Eigen::AngleAxisd(0.7, Vec3(0.2, 0.3, 0.9).normalized()).toRotationMatrix();
    const Vec3 p(6400.0, 300.0, 200.0);
    EXPECT_NEAR(angle_deg(look_vector_lvlh(r, v, p), look_vector_lvlh(rot * r, rot * v, rot * p)), 0.0, angle_tol_deg);
}

geometry::Polygon square(double lat, double lon, double side_km)
{
    const double dlat = side_km / 2.0 / 111.2;
    const double dlon = side_km / 2.0 / (111.2 * std::cos(lat * deg_to_rad));
    geometry::PolygonPart part;
    part.outer = {{lon - dlon, lat - dlat}, {lon + dlon, lat - dlat}, {lon + dlon, lat + dlat}, {lon - dlon, lat + dlat}};
    return geometry::Polygon{{part}};
}

TEST(StripsProperty, AreaSharesSumToOneAndCountFollowsWidth)
{
    const auto poly = square(45.0, 10.0, 50.0);
    // along north (heading 0): cross extent 50 km, width 20 km, overlap 0.1 -> effective 18 km: 1 + ceil(30/18) = 3
    const auto strips = detail::decompose_polygon(poly, 0.0, 20.0, 0.1, 200.0);
    ASSERT_EQ(strips.size(), 3u);
    double sum = 0.0;
    for (const auto &s : strips) {
        sum += s.area_fraction;
        // each strip spans the square north-south: ~50 km (Gnomonic scale error < 0.1 % here)
        EXPECT_NEAR(s.length_km, 50.0, 0.3);
    }
    // the shares partition the polygon: sum 1 to round-off of the clipping
    EXPECT_NEAR(sum, 1.0, 1e-9);
    // cut into pieces: max 20 km -> 3 pieces per strip
    EXPECT_EQ(detail::decompose_polygon(poly, 0.0, 20.0, 0.1, 20.0).size(), 9u);
}

TEST(StripsProperty, StripsCoverThePolygon)
{
    // A rotated heading and a non-convex polygon: every interior sample point lies within half a strip width
    // of some strip centre line (checked in the local plane of a point: distance to the segment).
    geometry::PolygonPart part;
    part.outer = {{10.0, 45.0}, {10.6, 45.0}, {10.6, 45.5}, {10.3, 45.2}, {10.0, 45.5}};
    const geometry::Polygon poly{{part}};
    const double width = 12.0;
    const auto strips = detail::decompose_polygon(poly, 350.0, width, 0.1, 100.0);
    ASSERT_GE(strips.size(), 3u);
    int inside = 0;
    for (double lat = 45.0; lat <= 45.5; lat += 0.02) {
        for (double lon = 10.0; lon <= 10.6; lon += 0.02) {
            if (!geometry::contains(poly, lat, lon)) {
                continue;
            }
            ++inside;
            const Vec3 p = frames::geodetic_to_itrf(frames::Geodetic{lat, lon, 0.0});
            double best = 1e9;
            for (const auto &s : strips) {
                const Vec3 a = frames::geodetic_to_itrf(s.a), b = frames::geodetic_to_itrf(s.b);
                const double f = std::clamp((p - a).dot(b - a) / (b - a).squaredNorm(), 0.0, 1.0);
                best = std::min(best, (p - (a + f * (b - a))).norm());
            }
            // half the width plus the chord/arc and Gnomonic scale differences (< 0.1 km over 60 km)
            EXPECT_LE(best, width / 2.0 + 0.1) << lat << " " << lon;
        }
    }
    EXPECT_GT(inside, 100);
}

TEST(StripsProperty, GroundTrackHeading)
{
    // At the equator a 97.87 deg SSO descends towards south-south-west: 180 + (97.87 - 90) + Earth-rotation tilt.
    const double h = detail::ground_track_heading_deg(97.87, 6998.0, 0.0, true);
    EXPECT_GT(h, 188.0);
    EXPECT_LT(h, 195.0);
    // ascending is the mirror image about north-south (west of north)
    const double ha = detail::ground_track_heading_deg(97.87, 6998.0, 0.0, false);
    EXPECT_NEAR(ha, 360.0 - (h - 180.0), 1e-9);
}

} // namespace
