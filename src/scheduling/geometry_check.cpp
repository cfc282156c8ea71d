#include "geometry_check.hpp"

#include <algorithm>
#include <cmath>

#include "vantage/core/constants.hpp"
#include "vantage/frames/transforms.hpp"
#include "vantage/geometry/look.hpp"

namespace vantage::scheduling::detail {

LimitEval evaluate_limits(const AcquisitionLimits &lim, const Vec3 &r_km, const Vec3 &v_km_s, const Vec3 &p_km,
                          const frames::Geodetic &g, const Vec3 &sun_itrf_km, std::vector<LimitViolation> *violations)
{
    // The definitions of docs/formats.md § Geometry definitions (geometry/look.hpp), evaluated from the ITRF
    // point already at hand.
    LimitEval e;
    const Vec3 los = (p_km - r_km).normalized(); // satellite -> ground point
    const Vec3 up = geometry::ellipsoid_up_itrf(g);
    const Vec3 u = -los;                          // ground point -> satellite
    const double elevation_deg = std::atan2(u.dot(up), u.cross(up).norm()) * rad_to_deg;
    e.incidence_deg = 90.0 - elevation_deg;
    const frames::Geodetic foot = frames::itrf_to_geodetic(r_km);
    const Vec3 nadir = -geometry::ellipsoid_up_itrf(foot);
    e.off_nadir_deg = std::atan2(los.cross(nadir).norm(), los.dot(nadir)) * rad_to_deg;
    const Vec3 right = nadir.cross(v_km_s).normalized();
    const double c = los.dot(right);
    const double cross_deg = std::atan2(c, los.dot(nadir)) * rad_to_deg;
    e.side = c >= 0.0 ? geometry::LookSide::right : geometry::LookSide::left;
    const double phi = foot.lat_deg * deg_to_rad;
    const double lam = foot.lon_deg * deg_to_rad;
    const Vec3 north(-std::sin(phi) * std::cos(lam), -std::sin(phi) * std::sin(lam), std::cos(phi));
    e.pass = v_km_s.dot(north) >= 0.0 ? geometry::PassDirection::ascending : geometry::PassDirection::descending;

    double m = elevation_deg; // every target must see the satellite
    if (violations && elevation_deg < 0.0) {
        violations->push_back(LimitViolation{"elevation", elevation_deg, 0.0, -elevation_deg});
    }
    auto consider = [&](double margin, const char *name, double value, double bound) {
        if (violations && margin < 0.0) {
            violations->push_back(LimitViolation{name, value, bound, -margin, -margin});
        }
        m = std::min(m, margin);
    };
    if (lim.max_off_nadir_deg) {
        consider(*lim.max_off_nadir_deg - e.off_nadir_deg, "off_nadir", e.off_nadir_deg, *lim.max_off_nadir_deg);
    }
    if (lim.swath_km) {
        const double hs = geometry::half_swath_angle_deg(*lim.swath_km, std::max(foot.h_km, 1.0));
        consider(hs - std::abs(cross_deg), "swath", std::abs(cross_deg), hs);
    }
    e.along_track_deg = std::atan2(los.dot(right.cross(nadir)), los.dot(nadir)) * rad_to_deg;
    if (lim.along_track_half_angle_deg) { // push-broom, SAR: the point is on the instrument's line, not ahead or behind
        const double a = std::abs(e.along_track_deg);
        consider(*lim.along_track_half_angle_deg - a, lim.incidence_min_deg ? "squint" : "along_track", a,
                 *lim.along_track_half_angle_deg);
    }
    if (lim.incidence_min_deg) {
        consider(e.incidence_deg - *lim.incidence_min_deg, "incidence_min", e.incidence_deg, *lim.incidence_min_deg);
    }
    if (lim.incidence_max_deg) {
        consider(*lim.incidence_max_deg - e.incidence_deg, "incidence_max", e.incidence_deg, *lim.incidence_max_deg);
    }
    if (lim.look_side == geometry::LookSide::right) { // value: the signed cross-track look angle (+ right)
        consider(cross_deg, "look_side", cross_deg, 0.0);
    } else if (lim.look_side == geometry::LookSide::left) {
        consider(-cross_deg, "look_side", cross_deg, 0.0);
    }
    if (lim.resolution_m && elevation_deg > 0.0 && foot.h_km > g.h_km) {
        const double range_km = (p_km - r_km).norm();
        if (lim.incidence_min_deg) { // SAR
            e.gsd_m = geometry::sar_ground_range_resolution_m(*lim.resolution_m, std::min(90.0, e.incidence_deg));
            e.gsd_along_m = e.gsd_cross_m = e.gsd_m;
        } else {
            const auto gsd = geometry::optical_gsd(*lim.resolution_m, range_km, foot.h_km - g.h_km, e.incidence_deg);
            e.gsd_along_m = gsd.along_m;
            e.gsd_cross_m = gsd.cross_m;
            e.gsd_m = gsd.mean_m;
        }
    }
    if (lim.max_gsd_m) {
        // The margin in the planner's angle scale: rad_to_deg ln(limit / value), 1 % of resolution ~ 0.57;
        // without a resolution value (target below the horizon) the elevation margin above already rules.
        if (e.gsd_m > 0.0) {
            const double margin = std::log(*lim.max_gsd_m / e.gsd_m) * rad_to_deg;
            if (violations && margin < 0.0) {
                violations->push_back(LimitViolation{"gsd", e.gsd_m, *lim.max_gsd_m, e.gsd_m - *lim.max_gsd_m, -margin});
            }
            m = std::min(m, margin);
        }
    }
    if (lim.min_sun_elevation_deg) {
        const Vec3 s = (sun_itrf_km - p_km).normalized();
        const double sun_el = std::atan2(s.dot(up), s.cross(up).norm()) * rad_to_deg;
        consider(sun_el - *lim.min_sun_elevation_deg, "sun_elevation", sun_el, *lim.min_sun_elevation_deg);
    }
    e.margin_deg = m;
    return e;
}

} // namespace vantage::scheduling::detail
