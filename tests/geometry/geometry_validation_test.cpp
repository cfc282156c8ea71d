// GeometryValidation: published references and hand-computable cases.
// - Sun: the instants of the 2024 equinoxes and solstices published by the U.S. Naval Observatory
//   (Astronomical Applications Dept., "Earth's Seasons and Apsides", 2024: Mar 20 03:06, Jun 20 20:51,
//   Sep 22 12:44, Dec 21 09:21 UT, to the minute). By definition the Sun's apparent geocentric ecliptic
//   longitude of date is then 0°, 90°, 180°, 270°.
// - Look angles: satellite straight above the target, on the horizon, left/right of a polar orbit.
// - Fixed-optical half-swath angle at nadir: flat-Earth limit and a closed-form spherical case.
#include <gtest/gtest.h>

#include <iostream>

#include <cmath>
#include <erfa.h>

#include "vantage/core/constants.hpp"
#include "vantage/core/error.hpp"
#include "vantage/frames/transforms.hpp"
#include "vantage/geometry/look.hpp"
#include "vantage/geometry/sensor.hpp"
#include "vantage/geometry/site.hpp"
#include "vantage/geometry/sun.hpp"
#include "vantage/geometry/detail/sun_table.hpp"

using namespace vantage;
using namespace vantage::geometry;

namespace {

// The published instants are rounded to the minute (±30 s); the Sun's ecliptic longitude moves 2.46″/min,
// so ±1.23″ from rounding alone. Anything beyond 1.5″ is a real error (aberration alone is 20.5″).
constexpr double season_lon_tol_arcsec = 1.5;
// Closed-form angles computed in double precision through asin/atan2: 1e-9 deg is far above rounding and far
// below any modelling mistake.
constexpr double angle_tol_deg = 1e-9;
// The satellite placed 1 mm off the exact geometry by geodetic_to_itrf's own rounding; 1e-6 deg is 0.1 mm at
// 700 km range.
constexpr double placed_tol_deg = 1e-6;

double apparent_ecliptic_longitude_deg(const time::Instant &t)
{
    const Vec3 s = sun_position_gcrf_km(t);
    const time::JulianDate tt = t.tt_jd();
    double rbpn[3][3];
    eraPnm06a(tt.jd1, tt.jd2, rbpn); // GCRS -> true equator and equinox of date
    double dpsi = 0.0, deps = 0.0;
    eraNut06a(tt.jd1, tt.jd2, &dpsi, &deps);
    const double eps = eraObl06(tt.jd1, tt.jd2) + deps; // true obliquity
    Vec3 tod;
    for (int i = 0; i < 3; ++i) {
        tod[i] = rbpn[i][0] * s.x() + rbpn[i][1] * s.y() + rbpn[i][2] * s.z();
    }
    const double y_ecl = tod.y() * std::cos(eps) + tod.z() * std::sin(eps);
    double lon = std::atan2(y_ecl, tod.x()) * rad_to_deg;
    return lon < 0.0 ? lon + 360.0 : lon;
}

double arcsec_diff(double a_deg, double b_deg)
{
    double d = std::fmod(a_deg - b_deg + 540.0, 360.0) - 180.0;
    return d * 3600.0;
}

} // namespace

TEST(GeometryValidation, SunLongitudeAtUsnoSeasons2024)
{
    struct Case {
        time::UtcCalendar utc;
        double lon_deg;
    };
    const Case cases[] = {{{2024, 3, 20, 3, 6, 0.0}, 0.0},
                          {{2024, 6, 20, 20, 51, 0.0}, 90.0},
                          {{2024, 9, 22, 12, 44, 0.0}, 180.0},
                          {{2024, 12, 21, 9, 21, 0.0}, 270.0}};
    for (const Case &c : cases) {
        const time::Instant t = time::Instant::from_utc(c.utc);
        const double lon = apparent_ecliptic_longitude_deg(t);
        EXPECT_LE(std::abs(arcsec_diff(lon, c.lon_deg)), season_lon_tol_arcsec)
            << t.to_iso8601_utc(0) << ": apparent ecliptic longitude " << lon << " deg, expected " << c.lon_deg;
    }
}

TEST(GeometryValidation, SunDistanceWithinOrbitBounds)
{
    // Perihelion 2024-01-03 00:39 UT at 0.983307 au, aphelion 2024-07-05 05:06 UT at 1.016725 au (USNO);
    // eraEpv00 is good to 4.6 km, the printed au values to ~75 km (6 decimals).
    constexpr double au_km = 149597870.7;
    constexpr double dist_tol_km = 200.0; // printed precision (75 km) plus the Earth-Moon barycentre wobble sampled at the minute
    const double peri = sun_position_gcrf_km(time::Instant::from_utc({2024, 1, 3, 0, 39, 0.0})).norm();
    const double aph = sun_position_gcrf_km(time::Instant::from_utc({2024, 7, 5, 5, 6, 0.0})).norm();
    EXPECT_NEAR(peri, 0.983307 * au_km, dist_tol_km);
    EXPECT_NEAR(aph, 1.016725 * au_km, dist_tol_km);
}

TEST(GeometryValidation, SunTableMatchesExactSun)
{
    // The interpolated table must reproduce sun_position_itrf_km to < 1e-9 rad (Sun-elevation edges < 15 µs), at
    // the default 600 s nodes and at the access engine's 3600 s.
    constexpr double table_tol_rad = 1e-9;
    const time::Instant start = time::Instant::from_utc({2025, 10, 3, 0, 0, 0.0});
    const time::Instant stop = start + time::Duration::from_days(1.0);
    const frames::EarthOrientation eop;
    for (const double step_s : {600.0, 3600.0}) {
        const detail::SunTable table(start, stop, eop, step_s);
        double worst = 0.0;
        for (double tau = 0.0; tau <= 86400.0; tau += 997.3) {
            const Vec3 a = table.position_itrf_km(tau).normalized();
            const Vec3 b = sun_position_itrf_km(start + time::Duration::from_seconds(tau), eop).normalized();
            worst = std::max(worst, std::atan2(a.cross(b).norm(), a.dot(b)));
        }
        std::cout << "[ measured ] Sun table, nodes " << step_s << " s: max " << worst << " rad\n";
        EXPECT_LT(worst, table_tol_rad) << step_s;
    }
}

TEST(GeometryValidation, SatelliteStraightAboveTarget)
{
    const frames::Geodetic site{45.0, 10.0, 0.2};
    const Vec3 up = ellipsoid_up_itrf(site);
    const Vec3 r_site = frames::geodetic_to_itrf(site);
    // Northbound along the local meridian, 700 km straight up along the ellipsoid normal.
    const Vec3 north(-std::sin(45.0 * deg_to_rad) * std::cos(10.0 * deg_to_rad),
                     -std::sin(45.0 * deg_to_rad) * std::sin(10.0 * deg_to_rad), std::cos(45.0 * deg_to_rad));
    const frames::StateVector<frames::Itrf> sat{time::Instant(), r_site + 700.0 * up, 7.5 * north};
    const LookAngles la = look_angles(sat, site);
    EXPECT_NEAR(la.elevation_deg, 90.0, placed_tol_deg);
    EXPECT_NEAR(la.off_nadir_deg, 0.0, placed_tol_deg);
    EXPECT_NEAR(la.incidence_deg, 0.0, placed_tol_deg);
    EXPECT_NEAR(la.range_km, 700.0, 1e-9);
    EXPECT_NEAR(la.cross_track_deg, 0.0, placed_tol_deg);
    EXPECT_EQ(pass_direction_of(sat), PassDirection::ascending);
    const frames::StateVector<frames::Itrf> south{time::Instant(), sat.r_km, -sat.v_km_s};
    EXPECT_EQ(pass_direction_of(south), PassDirection::descending);
}

TEST(GeometryValidation, SatelliteOnTheHorizonOfEquatorialSite)
{
    // Site on the equator at 0° E (ellipsoid normal = +X); satellite due east in the local horizontal plane.
    const frames::Geodetic site{0.0, 0.0, 0.0};
    const frames::StateVector<frames::Itrf> sat{time::Instant(), Vec3(wgs84_a_km, 2000.0, 0.0), Vec3(0, 0, 7.5)};
    const LookAngles la = look_angles(sat, site);
    EXPECT_NEAR(la.elevation_deg, 0.0, angle_tol_deg);
    EXPECT_NEAR(la.incidence_deg, 90.0, angle_tol_deg);
    EXPECT_NEAR(la.azimuth_deg, 90.0, angle_tol_deg);
    EXPECT_NEAR(la.range_km, 2000.0, 1e-9);
    // Satellite at lon = atan(2000/a) on the equator: geodetic nadir = geocentric there; off-nadir is the angle
    // between -r_sat and (site - sat): 90° − atan(2000/a) (right triangle at the site).
    EXPECT_NEAR(la.off_nadir_deg, 90.0 - std::atan2(2000.0, wgs84_a_km) * rad_to_deg, angle_tol_deg);
}

TEST(GeometryValidation, LookSideOfPolarOrbit)
{
    // Satellite over (0°, 0°) moving north (polar orbit, ascending). Facing north with nadir down, east is
    // on the right, west on the left.
    const frames::StateVector<frames::Itrf> sat{time::Instant(), Vec3(wgs84_a_km + 700.0, 0.0, 0.0), Vec3(0, 0, 7.5)};
    const LookAngles east = look_angles(sat, frames::Geodetic{0.0, 3.0, 0.0});
    const LookAngles west = look_angles(sat, frames::Geodetic{0.0, -3.0, 0.0});
    EXPECT_EQ(east.side, LookSide::right);
    EXPECT_GT(east.cross_track_deg, 0.0);
    EXPECT_EQ(west.side, LookSide::left);
    EXPECT_LT(west.cross_track_deg, 0.0);
    // Symmetric geometry: same off-nadir and |cross-track| on both sides; for a target in the cross-track
    // plane off-nadir equals |cross-track|.
    EXPECT_NEAR(east.off_nadir_deg, west.off_nadir_deg, angle_tol_deg);
    EXPECT_NEAR(east.off_nadir_deg, east.cross_track_deg, angle_tol_deg);
    // Moving south the sides swap.
    const frames::StateVector<frames::Itrf> down{time::Instant(), sat.r_km, -sat.v_km_s};
    EXPECT_EQ(look_angles(down, frames::Geodetic{0.0, 3.0, 0.0}).side, LookSide::left);
}

TEST(GeometryValidation, HalfSwathAngleAtNadir)
{
    // Flat-Earth limit: a 2 km swath from 700 km is atan(1/700) to ~1e-9 relative (Earth curvature over 1 km).
    EXPECT_NEAR(half_swath_angle_deg(2.0, 700.0), std::atan(1.0 / 700.0) * rad_to_deg, 1e-7);
    // Sentinel-2: 290 km from 786 km on R = 6371.0088 km: lambda = 145/R, tan(eta) = R sin(lambda) /
    // (R + h - R cos(lambda)), worked by hand: lambda = 0.022759 rad, R sin(lambda) = 144.987 km,
    // R (1 - cos(lambda)) = 1.650 km, eta = atan(144.987 / 787.650) = 10.430°.
    const double r = 6371.0088, lam = 145.0 / r;
    const double expected = std::atan2(r * std::sin(lam), r + 786.0 - r * std::cos(lam)) * rad_to_deg;
    EXPECT_NEAR(half_swath_angle_deg(290.0, 786.0), expected, angle_tol_deg);
    EXPECT_NEAR(expected, 10.430, 0.001);
    try {
        (void)half_swath_angle_deg(-1.0, 700.0);
        FAIL() << "expected an error";
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    }
}

TEST(GeometryValidation, StationMaskInterpolatesAndWraps)
{
    GroundStation g{"s", {0, 0, 0}, 5.0, {{0.0, 10.0}, {90.0, 20.0}, {270.0, 0.0}}, 0.0, 1};
    EXPECT_DOUBLE_EQ(g.min_elevation_at_deg(45.0), 15.0);
    EXPECT_DOUBLE_EQ(g.min_elevation_at_deg(180.0), 10.0);
    EXPECT_DOUBLE_EQ(g.min_elevation_at_deg(315.0), 5.0);  // wrap segment 270 -> 360
    EXPECT_DOUBLE_EQ(g.min_elevation_at_deg(-45.0), 5.0);
    EXPECT_DOUBLE_EQ(g.mask_max_slope(), 10.0 / 90.0);
    GroundStation c{"c", {0, 0, 0}, 7.0, {}, 0.0, 1};
    EXPECT_DOUBLE_EQ(c.min_elevation_at_deg(123.0), 7.0);
}

TEST(GeometryValidation, SensorValidationNamesTheField)
{
    Sensor s;
    s.name = "opt";
    try {
        validate_sensor(s);
        FAIL() << "expected ConfigError";
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.code(), ErrorCode::missing_field);
        EXPECT_EQ(e.context().field, "max_off_nadir_deg");
        EXPECT_EQ(e.context().value, "opt");
    }
    s.type = SensorType::sar;
    s.incidence_min_deg = 40.0;
    s.incidence_max_deg = 20.0;
    try {
        validate_sensor(s);
        FAIL() << "expected ConfigError";
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.code(), ErrorCode::out_of_range);
        EXPECT_EQ(e.context().field, "incidence_max_deg");
    }
}

// Image resolution (issue 15 item 5), hand-computed: G0 rho/h along, / cos i across, geometric mean; SAR slant-range
// resolution / sin i.
TEST(ImageResolution, HandComputedValuesAndBadInput)
{
    const auto nadir = vantage::geometry::optical_gsd(0.5, 600.0, 600.0, 0.0);
    EXPECT_DOUBLE_EQ(nadir.along_m, 0.5);
    EXPECT_DOUBLE_EQ(nadir.cross_m, 0.5);
    EXPECT_DOUBLE_EQ(nadir.mean_m, 0.5);
    const auto oblique = vantage::geometry::optical_gsd(0.5, 1200.0, 600.0, 60.0);
    EXPECT_NEAR(oblique.along_m, 1.0, 1e-12);
    EXPECT_NEAR(oblique.cross_m, 2.0, 1e-12);
    EXPECT_NEAR(oblique.mean_m, std::sqrt(2.0), 1e-12);
    EXPECT_NEAR(vantage::geometry::sar_ground_range_resolution_m(1.0, 30.0), 2.0, 1e-12);
    EXPECT_THROW(vantage::geometry::optical_gsd(0.5, 600.0, 600.0, 90.0), vantage::Error);
    EXPECT_THROW(vantage::geometry::optical_gsd(0.0, 600.0, 600.0, 10.0), vantage::Error);
    EXPECT_THROW(vantage::geometry::optical_gsd(0.5, 600.0, -1.0, 10.0), vantage::Error);
    EXPECT_THROW(vantage::geometry::sar_ground_range_resolution_m(1.0, 0.0), vantage::Error);
    EXPECT_THROW(vantage::geometry::sar_ground_range_resolution_m(std::nan(""), 30.0), vantage::Error);
}
