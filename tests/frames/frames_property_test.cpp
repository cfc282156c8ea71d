// FramesProperty: invariants and round trips of the transformations, and the EarthOrientation context
// semantics (empty context, interpolation, the leap-second jump, coverage warnings, input validation).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "frames/frames_check.hpp"
#include "vantage/core/constants.hpp"
#include "vantage/core/error.hpp"
#include "vantage/frames/earth_orientation.hpp"
#include "vantage/frames/transforms.hpp"

using namespace vantage;
using namespace vantage::frames;

namespace {

// Round trips through orthogonal rotations built in double precision: ~10 ulp of the largest component.
// 1e-12 relative (≈ 4e-8 km = 40 µm at GEO) is the STYLE.md target; we measure ~1e-15.
constexpr double round_trip_rel = 1e-12;
// Geodetic round trip: GeographicLib Geocentric is accurate to 7 nm within 5000 km of the surface (its
// documentation); sub-micrometre (1e-9 km) is required up to GEO altitude.
constexpr double geodetic_round_trip_km = 1e-9;
// Interpolated EOP values are exact linear combinations of two decimal inputs: 1e-12 of the unit.
constexpr double interp_tol = 1e-12;

// Real IERS finals2000A Bulletin B values around the 2016-12-31 leap second (tests/data/eop_finals2000A_2016-12.txt).
EarthOrientation leap_second_eop()
{
    std::vector<EopRow> rows = {
        {57752, 0.082924, 0.263518, -0.4069106, 0.8288e-3, 0, 0, 0.004e-3, -0.124e-3, false},
        {57753, 0.081318, 0.262990, -0.4077600, 0.8838e-3, 0, 0, 0.006e-3, -0.134e-3, false},
        {57754, 0.080450, 0.263074, 0.5912975, 1.0311e-3, 0, 0, 0.008e-3, -0.143e-3, false},
        {57755, 0.080275, 0.263595, 0.5902149, 1.1717e-3, 0, 0, -0.001e-3, -0.152e-3, true},
    };
    return EarthOrientation(rows, "finals2000A 2016-12 excerpt");
}

std::vector<StateVector<Teme>> random_states(const time::Instant &t0, int n)
{
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> radius(6578.0, 42164.0), unit(-1.0, 1.0), day(0.0, 3.0);
    std::vector<StateVector<Teme>> out;
    for (int i = 0; i < n; ++i) {
        const Vec3 u = Vec3(unit(rng), unit(rng), unit(rng)).normalized();
        const Vec3 w = Vec3(unit(rng), unit(rng), unit(rng)).normalized();
        const double r = radius(rng);
        out.push_back({t0 + time::Duration::from_days(day(rng)), r * u, std::sqrt(398600.4418 / r) * w});
    }
    return out;
}

} // namespace

TEST(FramesProperty, TemeItrfTemeRoundTrip)
{
    const EarthOrientation eop = leap_second_eop();
    for (const auto &s : random_states(time::Instant::parse_iso8601("2016-12-30T00:00:00Z"), 200)) {
        const StateVector<Teme> back = itrf_to_teme(teme_to_itrf(s, eop), eop);
        EXPECT_NEAR_VEC3(back.r_km, s.r_km, round_trip_rel * s.r_km.norm());
        EXPECT_NEAR_VEC3(back.v_km_s, s.v_km_s, round_trip_rel * s.v_km_s.norm());
        EXPECT_EQ(back.t, s.t);
    }
}

TEST(FramesProperty, GcrfItrfGcrfRoundTrip)
{
    const EarthOrientation eop = leap_second_eop();
    for (const auto &s : random_states(time::Instant::parse_iso8601("2016-12-30T00:00:00Z"), 200)) {
        const StateVector<Gcrf> g{s.t, s.r_km, s.v_km_s};
        const StateVector<Gcrf> back = itrf_to_gcrf(gcrf_to_itrf(g, eop), eop);
        EXPECT_NEAR_VEC3(back.r_km, g.r_km, round_trip_rel * g.r_km.norm());
        EXPECT_NEAR_VEC3(back.v_km_s, g.v_km_s, round_trip_rel * g.v_km_s.norm());
        const StateVector<Gcrf> via_teme = teme_to_gcrf(gcrf_to_teme(g, eop), eop);
        EXPECT_NEAR_VEC3(via_teme.r_km, g.r_km, round_trip_rel * g.r_km.norm());
        EXPECT_NEAR_VEC3(via_teme.v_km_s, g.v_km_s, round_trip_rel * g.v_km_s.norm());
    }
}

TEST(FramesProperty, GeodeticItrfGeodeticRoundTrip)
{
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> lat(-90.0, 90.0), lon(-180.0, 180.0), h(-0.5, 36000.0);
    for (int i = 0; i < 2000; ++i) {
        const Geodetic g{lat(rng), lon(rng), h(rng)};
        const Vec3 r = geodetic_to_itrf(g);
        const Geodetic back = itrf_to_geodetic(r);
        // Compare in Cartesian space (longitude is ill-defined at the poles).
        EXPECT_NEAR_VEC3(geodetic_to_itrf(back), r, geodetic_round_trip_km);
        EXPECT_NEAR_TOL(back.h_km, g.h_km, geodetic_round_trip_km);
    }
    // Poles and the equator exactly.
    for (const Geodetic g : {Geodetic{90.0, 0.0, 0.0}, Geodetic{-90.0, 0.0, 1.0}, Geodetic{0.0, 180.0, 0.0}}) {
        EXPECT_NEAR_TOL(itrf_to_geodetic(geodetic_to_itrf(g)).lat_deg, g.lat_deg, 1e-12);
    }
    // WGS-84 equator point: x = a.
    EXPECT_NEAR_VEC3(geodetic_to_itrf(Geodetic{0.0, 0.0, 0.0}), Vec3(wgs84_a_km, 0.0, 0.0), 1e-12);
}

TEST(FramesProperty, GeodeticRejectsBadLatitude)
{
    for (double bad : {90.0001, -91.0, std::nan("")}) {
        try {
            (void)geodetic_to_itrf(Geodetic{bad, 0.0, 0.0});
            ADD_FAILURE() << "latitude " << bad << " accepted";
        } catch (const Error &e) {
            EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
            EXPECT_EQ(e.context().field, "lat_deg");
        }
    }
    EXPECT_THROW((void)itrf_to_geodetic(Vec3(std::nan(""), 0.0, 0.0)), Error);
}

TEST(FramesProperty, EmptyContextGivesZerosAndWarning)
{
    const EarthOrientation none;
    const time::Instant t = time::Instant::parse_iso8601("2025-10-03T12:00:00Z");
    const EarthOrientation::Values v = none.at(t);
    EXPECT_FALSE(v.in_range);
    EXPECT_EQ(v.ut1_minus_utc_s, 0.0);
    EXPECT_EQ(v.lod_s, 0.0);
    EXPECT_EQ(v.xp_rad, 0.0);
    EXPECT_EQ(v.yp_rad, 0.0);
    EXPECT_EQ(v.dx_rad, 0.0);
    EXPECT_EQ(v.dy_rad, 0.0);
    EXPECT_EQ(v.dpsi_rad, 0.0);
    EXPECT_EQ(v.deps_rad, 0.0);
    EXPECT_TRUE(none.empty());
    EXPECT_TRUE(none.coverage_warning(t, t).has_value());
    EXPECT_FALSE(none.first_predicted().has_value());
    try {
        (void)none.first();
        ADD_FAILURE() << "first() of an empty table";
    } catch (const DataError &e) {
        EXPECT_EQ(e.code(), ErrorCode::data_out_of_range);
    }
    // Copies share the same immutable table.
    const EarthOrientation a = leap_second_eop();
    const EarthOrientation b = a;
    EXPECT_EQ(&a.rows(), &b.rows());
}

TEST(FramesProperty, OutsideTheTableGivesZerosNotExtrapolation)
{
    const EarthOrientation eop = leap_second_eop();
    EXPECT_FALSE(eop.at(eop.first() - time::Duration::from_seconds(1.0)).in_range);
    EXPECT_FALSE(eop.at(eop.last() + time::Duration::from_seconds(1.0)).in_range);
    EXPECT_EQ(eop.at(eop.last() + time::Duration::from_seconds(1.0)).ut1_minus_utc_s, 0.0);
    EXPECT_TRUE(eop.at(eop.first()).in_range);
    EXPECT_TRUE(eop.at(eop.last()).in_range);
    EXPECT_TRUE(eop.coverage_warning(eop.first(), eop.last() + time::Duration::from_days(1.0)).has_value());
    EXPECT_FALSE(eop.coverage_warning(eop.first(), eop.last()).has_value());
}

TEST(FramesProperty, LinearInterpolationBetweenRows)
{
    const EarthOrientation eop = leap_second_eop();
    // 2016-12-30T06:00Z: a quarter of the way from MJD 57752 to 57753 (no leap second in between).
    const EarthOrientation::Values v = eop.at(time::Instant::parse_iso8601("2016-12-30T06:00:00Z"));
    EXPECT_TRUE(v.in_range);
    EXPECT_FALSE(v.predicted);
    EXPECT_NEAR_TOL(v.ut1_minus_utc_s, -0.4069106 + 0.25 * (-0.4077600 + 0.4069106), interp_tol);
    EXPECT_NEAR_TOL(v.lod_s, 0.8288e-3 + 0.25 * (0.8838e-3 - 0.8288e-3), interp_tol);
    EXPECT_NEAR_TOL(v.xp_rad / arcsec_to_rad, 0.082924 + 0.25 * (0.081318 - 0.082924), interp_tol);
    EXPECT_NEAR_TOL(v.yp_rad / arcsec_to_rad, 0.263518 + 0.25 * (0.262990 - 0.263518), interp_tol);
    EXPECT_NEAR_TOL(v.dy_rad / arcsec_to_rad, -0.124e-3 + 0.25 * (-0.134e-3 + 0.124e-3), interp_tol);
    // Predicted flag propagates from either node.
    EXPECT_TRUE(eop.at(time::Instant::parse_iso8601("2017-01-01T12:00:00Z")).predicted);
    EXPECT_EQ(eop.first_predicted()->to_iso8601_utc(0), "2017-01-02T00:00:00Z");
}

TEST(FramesProperty, LeapSecondJumpInUt1MinusUtc)
{
    const EarthOrientation eop = leap_second_eop();
    // UT1-TAI is interpolated: it goes linearly from -0.4077600-36 to 0.5912975-37 over 86401 s.
    const double ut1_tai_0 = -0.4077600 - 36.0;
    const double ut1_tai_1 = 0.5912975 - 37.0;
    const time::Instant before = time::Instant::parse_iso8601("2016-12-31T23:59:59Z");
    const time::Instant after = time::Instant::parse_iso8601("2017-01-01T00:00:00Z");
    const time::Instant mid = time::Instant::parse_iso8601("2016-12-31T12:00:00Z");
    const double f_before = 86399.0 / 86401.0;
    const double f_mid = 43200.0 / 86401.0;
    EXPECT_NEAR_TOL(eop.at(before).ut1_minus_utc_s, ut1_tai_0 + f_before * (ut1_tai_1 - ut1_tai_0) + 36.0, interp_tol);
    EXPECT_NEAR_TOL(eop.at(after).ut1_minus_utc_s, 0.5912975, interp_tol);
    EXPECT_NEAR_TOL(eop.at(mid).ut1_minus_utc_s, ut1_tai_0 + f_mid * (ut1_tai_1 - ut1_tai_0) + 36.0, interp_tol);
    // No spurious 1-s ramp: mid-day value stays near -0.408 s, not half-way to +0.59 s.
    EXPECT_LT(std::abs(eop.at(mid).ut1_minus_utc_s + 0.408), 0.001);
    // UT1 itself is continuous across the leap second: 1 s of TAI later, UT1 advanced by ~1 s.
    const time::JulianDate jb = before.ut1_jd(eop.at(before).ut1_minus_utc_s);
    const time::JulianDate ja = after.ut1_jd(eop.at(after).ut1_minus_utc_s);
    const double ut1_before = ((jb.jd1 - 2457754.5) + jb.jd2) * 86400.0;
    const double ut1_after = ((ja.jd1 - 2457754.5) + ja.jd2) * 86400.0;
    // 2 s of TAI (23:59:59 -> :60 -> 00:00); UT1-TAI drifts 1.1e-8 s/s; JD parts resolve ~1e-11 d = 1 µs.
    EXPECT_NEAR_TOL(ut1_after - ut1_before, 2.0, 2e-6);
}

TEST(FramesProperty, ConstructorRejectsBadRows)
{
    const EopRow a{57752, 0, 0, 0, 0, 0, 0, 0, 0, false};
    EopRow b = a;
    try {
        EarthOrientation({a, b}, "dup");
        ADD_FAILURE() << "duplicate MJD accepted";
    } catch (const DataError &e) {
        EXPECT_EQ(e.code(), ErrorCode::duplicate);
    }
    b.mjd_utc = 57751;
    try {
        EarthOrientation({a, b}, "order");
        ADD_FAILURE() << "decreasing MJD accepted";
    } catch (const DataError &e) {
        EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    }
    b.mjd_utc = 57753;
    b.xp_arcsec = std::nan("");
    EXPECT_THROW(EarthOrientation({a, b}, "nan"), DataError);
}

TEST(FramesProperty, Gmst82IsInRangeAndAdvancesAtSiderealRate)
{
    const time::JulianDate a{2460951.5, 0.25};
    const time::JulianDate b{2460951.5, 0.25 + 1.0 / 86400.0};
    const double g = gmst82_rad(a);
    EXPECT_GE(g, 0.0);
    EXPECT_LT(g, two_pi);
    // 1 s of UT1 = 1.00273790935 s of sidereal time = 7.2921158553e-5 rad (Aoki et al. 1982).
    EXPECT_NEAR_TOL(gmst82_rad(b) - g, 7.2921158553e-5, 1e-13);
}
