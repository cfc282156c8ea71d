#include "vantage/geometry/look.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "vantage/core/constants.hpp"
#include "vantage/core/error.hpp"
#include "vantage/frames/transforms.hpp"

namespace vantage::geometry {

Vec3 ellipsoid_up_itrf(const frames::Geodetic &site)
{
    const double phi = site.lat_deg * deg_to_rad;
    const double lam = site.lon_deg * deg_to_rad;
    return Vec3(std::cos(phi) * std::cos(lam), std::cos(phi) * std::sin(lam), std::sin(phi));
}

Vec3 geodetic_nadir_itrf(const Vec3 &r_km)
{
    return -ellipsoid_up_itrf(frames::itrf_to_geodetic(r_km));
}

LookAngles look_angles(const frames::StateVector<frames::Itrf> &sat, const frames::Geodetic &site)
{
    if (!sat.r_km.allFinite() || !sat.v_km_s.allFinite()) {
        throw Error(ErrorCode::invalid_argument, "satellite state has a non-finite component",
                    ErrorContext{"", 0, "sat", ""});
    }
    const Vec3 r_site = frames::geodetic_to_itrf(site);
    const Vec3 rho = sat.r_km - r_site; // ground point -> satellite
    const double range_km = rho.norm();
    if (!(range_km > 0.0)) {
        throw Error(ErrorCode::invalid_argument, "satellite at the ground point", ErrorContext{"", 0, "sat", ""});
    }
    const Vec3 u = rho / range_km;
    const double phi = site.lat_deg * deg_to_rad;
    const double lam = site.lon_deg * deg_to_rad;
    const Vec3 up(std::cos(phi) * std::cos(lam), std::cos(phi) * std::sin(lam), std::sin(phi));
    const Vec3 east(-std::sin(lam), std::cos(lam), 0.0);
    const Vec3 north(-std::sin(phi) * std::cos(lam), -std::sin(phi) * std::sin(lam), std::cos(phi));

    LookAngles out{};
    out.range_km = range_km;
    // atan2 form: well conditioned at the zenith too (asin loses ~1e-6 deg there).
    out.elevation_deg = std::atan2(u.dot(up), u.cross(up).norm()) * rad_to_deg;
    double az = std::atan2(u.dot(east), u.dot(north)) * rad_to_deg;
    if (az < 0.0) {
        az += 360.0;
    }
    out.azimuth_deg = az >= 360.0 ? 0.0 : az;
    out.incidence_deg = 90.0 - out.elevation_deg;

    const Vec3 nadir = geodetic_nadir_itrf(sat.r_km);
    const Vec3 los = -u; // satellite -> ground point
    out.off_nadir_deg = std::atan2(los.cross(nadir).norm(), los.dot(nadir)) * rad_to_deg;
    // "right" = nadir x velocity: facing along v with nadir down, right-handed (v, right, nadir).
    const Vec3 right_raw = nadir.cross(sat.v_km_s);
    const double rn = right_raw.norm();
    const Vec3 right = rn > 0.0 ? Vec3(right_raw / rn) : Vec3::Zero();
    const double c = los.dot(right);
    out.cross_track_deg = std::atan2(c, los.dot(nadir)) * rad_to_deg;
    out.along_track_deg = std::atan2(los.dot(right.cross(nadir)), los.dot(nadir)) * rad_to_deg;
    out.side = c >= 0.0 ? LookSide::right : LookSide::left;
    return out;
}

PassDirection pass_direction_of(const frames::StateVector<frames::Itrf> &sat)
{
    const frames::Geodetic foot = frames::itrf_to_geodetic(sat.r_km);
    const double phi = foot.lat_deg * deg_to_rad;
    const double lam = foot.lon_deg * deg_to_rad;
    const Vec3 north(-std::sin(phi) * std::cos(lam), -std::sin(phi) * std::sin(lam), std::cos(phi));
    return sat.v_km_s.dot(north) >= 0.0 ? PassDirection::ascending : PassDirection::descending;
}

double half_swath_angle_deg(double swath_km, double altitude_km, double radius_km)
{
    if (!(swath_km > 0.0) || !(altitude_km > 0.0) || !(radius_km > 0.0) || !(swath_km < pi * radius_km)) {
        throw Error(ErrorCode::invalid_argument, "half_swath_angle_deg needs 0 < swath_km < pi R and altitude_km > 0",
                    ErrorContext{"", 0, "swath_km", fmt::format("{} (altitude {} km)", swath_km, altitude_km)});
    }
    // Sphere of radius R: central angle of the half swath, then the look angle from altitude h (plane triangle
    // centre-satellite-point): tan(eta) = R sin(lambda) / (R + h - R cos(lambda)).
    const double lambda = swath_km / (2.0 * radius_km);
    return std::atan2(radius_km * std::sin(lambda), radius_km + altitude_km - radius_km * std::cos(lambda)) * rad_to_deg;
}

OpticalGsd optical_gsd(double gsd_nadir_m, double range_km, double height_km, double incidence_deg)
{
    if (!(gsd_nadir_m > 0.0) || !(range_km > 0.0) || !(height_km > 0.0) || !(incidence_deg >= 0.0 && incidence_deg < 90.0)
        || !std::isfinite(gsd_nadir_m) || !std::isfinite(range_km) || !std::isfinite(height_km)) {
        throw Error(ErrorCode::invalid_argument, "optical_gsd needs G0 > 0, range > 0, height > 0 and incidence in [0, 90)",
                    ErrorContext{"", 0, "incidence_deg", fmt::format("{} (range {} km, height {} km)", incidence_deg,
                                                                     range_km, height_km)});
    }
    OpticalGsd g{};
    g.along_m = gsd_nadir_m * range_km / height_km;
    g.cross_m = g.along_m / std::cos(incidence_deg * deg_to_rad);
    g.mean_m = std::sqrt(g.along_m * g.cross_m);
    return g;
}

double along_track_view_angle_deg(const Vec3 &r_km, const Vec3 &v_km_s, const frames::Geodetic &target)
{
    const Vec3 p = frames::geodetic_to_itrf(target);
    const Vec3 n = ellipsoid_up_itrf(target);
    const Vec3 u = (r_km - p).normalized();
    const Vec3 a = (v_km_s - v_km_s.dot(n) * n).normalized();
    return std::atan2(u.dot(a), u.dot(n)) * rad_to_deg;
}

double base_to_height(double theta1_deg, double theta2_deg) noexcept
{
    return std::abs(std::tan(theta1_deg * deg_to_rad) - std::tan(theta2_deg * deg_to_rad));
}

double sar_ground_range_resolution_m(double slant_range_resolution_m, double incidence_deg)
{
    if (!(slant_range_resolution_m > 0.0) || !(incidence_deg > 0.0 && incidence_deg <= 90.0)
        || !std::isfinite(slant_range_resolution_m)) {
        throw Error(ErrorCode::invalid_argument, "sar_ground_range_resolution_m needs a resolution > 0 and incidence in (0, 90]",
                    ErrorContext{"", 0, "incidence_deg", fmt::format("{}", incidence_deg)});
    }
    return slant_range_resolution_m / std::sin(incidence_deg * deg_to_rad);
}

} // namespace vantage::geometry
