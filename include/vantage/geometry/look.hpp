#pragma once
/// @file
/// Line-of-sight geometry between a satellite and a ground point, with the definitions of issue 3
/// (docs/formats.md § Geometry definitions):
/// - **nadir** at the satellite: the geodetic nadir, along the WGS-84 ellipsoid normal through the
///   satellite, pointing down;
/// - **off-nadir angle**: angle at the satellite between nadir and the line of sight to the target;
/// - **elevation** at the ground point: angle of the line of sight to the satellite above the plane
///   normal to the WGS-84 ellipsoid normal at that point; **incidence** = 90° − elevation;
/// - **azimuth** at the ground point: from north, clockwise, in that plane;
/// - **look side**: right or left of the ground track, facing along the satellite's velocity in the
///   Earth-fixed frame (ITRF), nadir down; "right" is the direction of nadir × velocity;
/// - **cross-track look angle**: the roll angle to the target, atan2(LOS·right, LOS·nadir) — the angle in
///   the plane through nadir perpendicular to the along-track direction; positive to the right;
/// - **along-track look angle**: the pitch angle, atan2(LOS·along, LOS·nadir) with along = right × nadir (the
///   horizontal direction of motion); positive ahead of the satellite;
/// - **pass direction**: ascending when the sub-satellite (geodetic) latitude increases, i.e. the
///   ITRF velocity has a positive component along local north at the sub-satellite point.
///
/// All vectors in ITRF (km, km/s). Accuracy: exact closed forms in double precision (~1e-12 rad), with
/// the geodetic normal from GeographicLib `Geocentric` (< 7 nm in position).

#include "vantage/core/math.hpp"
#include "vantage/frames/state.hpp"
#include "vantage/geometry/sensor.hpp"

namespace vantage::geometry {

/// Angles of one satellite-ground point geometry.
struct LookAngles {
    double elevation_deg;   ///< elevation of the satellite seen from the ground point (degrees, [-90, 90])
    double azimuth_deg;     ///< azimuth of the satellite seen from the ground point (degrees, [0, 360))
    double range_km;        ///< distance satellite-ground point (km, > 0)
    double off_nadir_deg;   ///< angle at the satellite between geodetic nadir and the ground point (degrees, [0, 180])
    double incidence_deg;   ///< 90 − elevation_deg (degrees, [0, 180])
    double cross_track_deg; ///< signed cross-track look angle, positive right (degrees, (-180, 180])
    double along_track_deg; ///< signed along-track look angle, positive ahead (degrees, (-180, 180])
    LookSide side;          ///< left or right (never both); right when the target is exactly on the track
};

/// Look angles of a ground point from a satellite.
/// @param sat satellite state in ITRF (km, km/s relative to the rotating Earth); |v| > 0 for the look side
/// @param site WGS-84 ground point
/// @throws Error(ErrorCode::invalid_argument) for a non-finite state or a satellite at the ground point.
LookAngles look_angles(const frames::StateVector<frames::Itrf> &sat, const frames::Geodetic &site);

/// Unit geodetic nadir at an ITRF position: minus the WGS-84 ellipsoid normal through the point.
/// @param r_km ITRF position (km), finite, not at the Earth's centre
Vec3 geodetic_nadir_itrf(const Vec3 &r_km);

/// Unit WGS-84 ellipsoid normal (local "up") at geodetic latitude/longitude (height irrelevant), ITRF.
Vec3 ellipsoid_up_itrf(const frames::Geodetic &site);

/// Pass direction of a satellite state: ascending when the ITRF velocity has a non-negative northward
/// component at the sub-satellite point (geodetic latitude rate >= 0), descending otherwise.
PassDirection pass_direction_of(const frames::StateVector<frames::Itrf> &sat);

/// Half-swath look angle of a fixed (nadir-centred) optical sensor, on a sphere of radius R (by default the
/// WGS-84 mean radius R1 = 6371.0088 km, the value the access engine uses everywhere; not the local radius at the
/// foot point): the swath's half width s/2 is an arc of Earth central angle λ = s/(2R), and the look angle at
/// altitude h to the point at central angle λ is η = atan2(R sin λ, R + h − R cos λ). Sphere-vs-ellipsoid
/// difference: the local radius of curvature is 6335–6400 km, so the swath's ground half-width differs from
/// s/2 by < 0.6% (< 0.9 km for a 290 km swath).
/// @param swath_km full swath width on the ground (km, > 0, < π R)
/// @param altitude_km satellite altitude above the ellipsoid (geodetic height, km, > 0)
/// @param radius_km sphere radius (km), default the WGS-84 mean radius 6371.0088 km
/// @return half-swath angle (degrees, (0, 90))
double half_swath_angle_deg(double swath_km, double altitude_km, double radius_km = 6371.0088);

/// Ground sample distance of an optical image (metres), the usual first-order model: a detector of nadir GSD
/// G0 at height h sees, at slant range rho and incidence i at the target, along track G0 rho / h and across
/// track G0 rho / (h cos i); `mean_m` is their geometric mean (what a request's `max_gsd_m` bounds).
struct OpticalGsd {
    double along_m; ///< along-track GSD (m)
    double cross_m; ///< cross-track GSD (m)
    double mean_m;  ///< sqrt(along_m cross_m) (m)
};

/// @param gsd_nadir_m G0, the nadir GSD at the satellite's height (m, > 0)
/// @param range_km slant range satellite-target (km, > 0)
/// @param height_km satellite height above the target's height (km, > 0)
/// @param incidence_deg incidence at the target (degrees, [0, 90))
/// @throws Error(ErrorCode::invalid_argument) outside those ranges (the target must see the satellite).
OpticalGsd optical_gsd(double gsd_nadir_m, double range_km, double height_km, double incidence_deg);

/// Ground-range resolution of a SAR image (metres): slant-range resolution / sin(incidence).
/// @param slant_range_resolution_m (m, > 0); @param incidence_deg (degrees, (0, 90])
/// @throws Error(ErrorCode::invalid_argument) outside those ranges.
double sar_ground_range_resolution_m(double slant_range_resolution_m, double incidence_deg);

/// The along-track viewing angle at a target (degrees, signed: + once the satellite has passed the target along its
/// ground motion and looks back at it; docs/formats.md § Geometry definitions): with u the unit vector from the target to the
/// satellite, n the ellipsoid normal at the target and a the unit horizontal direction at the target of the
/// satellite's Earth-fixed velocity (v with its n component removed), θ = atan2(u·a, u·n). What stereo's B/H uses.
/// @param r_km, v_km_s the satellite's ITRF position (km) and Earth-fixed velocity (km/s); @param target geodetic
double along_track_view_angle_deg(const Vec3 &r_km, const Vec3 &v_km_s, const frames::Geodetic &target);

/// Base-to-height ratio of two images from along-track viewing angles θ1, θ2 (degrees): |tan θ1 - tan θ2|.
double base_to_height(double theta1_deg, double theta2_deg) noexcept;

} // namespace vantage::geometry
