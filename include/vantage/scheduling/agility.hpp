#pragma once
/// @file
/// Slews between acquisitions: look vectors in the satellite's local orbital frame (LVLH) and the rest-to-rest
/// slew law of issue 6.
///
/// LVLH (the CCSDS / Orekit `LVLH_CCSDS` convention), built from the satellite's *inertial* position r and
/// velocity v at the instant considered:
///   z = -r/|r| (towards the Earth's centre), y = -(r × v)/|r × v| (minus the orbit normal), x = y × z
///   (along the velocity for a circular orbit).
/// A look vector is the unit line of sight from the satellite to the ground point it images, expressed in
/// those axes. Angles between look vectors taken at two instants compare their LVLH components, so they do
/// not depend on the inertial frame used (TEME, GCRF, or ITRF with v_inertial = v_itrf + ω_E × r_itrf give the
/// same components: each is one rotation of the other at that instant; ω_E's LOD variation moves them by
/// < 1e-8 rad).
///
/// Between acquisition i (ending at t_e) and i+1 (starting at t_s) the satellite turns from the look vector at
/// the end of i to the look vector at the start of i+1: θ = angle between them (deg), and it needs
///   t(θ) = 2 sqrt(θ/α)           if θ <= ω²/α  (triangular rate profile, ω never reached)
///   t(θ) = θ/ω + ω/α             otherwise      (trapezoidal profile)
/// then `settle_s`; feasible when t_s - t_e >= t(θ) + settle_s. Pléiades-class figures (3 deg/s, 1 deg/s², 2 s)
/// give 60 deg in 23 s + 2 s = 25 s.

#include "vantage/core/math.hpp"
#include "vantage/scheduling/mission.hpp"

namespace vantage::scheduling {

/// Rest-to-rest slew time of the issue-6 law (s, >= 0), without settling.
/// @param theta_deg slew angle (deg, >= 0; negative values are treated as 0)
/// @param agility ω = max_rate_deg_s, α = max_accel_deg_s2 (both > 0)
double rest_to_rest_s(double theta_deg, const Agility &agility) noexcept;

/// Size of the slew from look `from` to look `to` (unit LVLH vectors), as `agility.measure` says (deg):
/// - lvlh: the angle between them (angle_deg);
/// - roll_pitch: |Δroll| + |Δpitch|, with a look u = (x, y, z) in LVLH decomposed as pitch = asin(x) (towards the
///   velocity) and roll = atan2(-y, z) (about the velocity axis, towards the orbit normal): u = (sin p,
///   -cos p sin r, cos p cos r), a pitch-then-roll rotation of nadir. This is the measure of agile-satellite
///   benchmarks whose attitude is commanded as separate roll and pitch manoeuvres (Δroll wrapped to [-180, 180]).
///   Yaw is not a degree of freedom of a look vector and is left out.
/// Both are metrics (the triangle inequality holds), which the slew-aware bound relies on.
double slew_measure_deg(const Vec3 &from, const Vec3 &to, const Agility &agility) noexcept;

/// Largest value slew_measure_deg can take (deg): 180 (lvlh), 360 (roll_pitch).
double max_slew_measure_deg(const Agility &agility) noexcept;

/// Slew time of a slew of size `measure_deg` (s, >= 0), without settling: the slew table when the agility has one,
/// else rest_to_rest_s. Non-decreasing in the size.
double slew_time_s(double measure_deg, const Agility &agility) noexcept;

/// The largest slew size a slew of at most `t_s` seconds covers (deg; the inverse of slew_time_s), -1 when even a
/// slew of size 0 takes longer (a table whose first time is > 0).
double reachable_measure_deg(double t_s, const Agility &agility) noexcept;

/// Whether slew_time_s(a + b) <= slew_time_s(a) + slew_time_s(b) for all sizes (the exact solvers' pairwise
/// conflicts are exact only then): always for the rate/acceleration law; checked on a 0.25-deg grid for a table.
bool slew_time_subadditive(const Agility &agility);

/// Time needed between two acquisitions whose slew has size `measure_deg`: slew_time_s + settle_s.
double transition_s(double measure_deg, const Agility &agility) noexcept;

/// Time needed between an acquisition that ends with look `from` and one that starts with look `to`.
double transition_s(const Vec3 &from, const Vec3 &to, const Agility &agility) noexcept;

/// The LVLH axes (rows: x, y, z unit vectors in the frame of r and v) of an inertial position/velocity.
/// @param r_km inertial position (km), v_km_s inertial velocity (km/s); r × v != 0
Mat3 lvlh_axes(const Vec3 &r_km, const Vec3 &v_km_s);

/// Unit look vector in LVLH from a satellite at inertial (r, v) to a ground point at inertial position p (km,
/// same frame as r).
Vec3 look_vector_lvlh(const Vec3 &r_km, const Vec3 &v_km_s, const Vec3 &p_km);

/// Angle between two unit vectors (deg, [0, 180]) as 2 asin(|a - b| / 2): accurate near 0, where slews are short.
double angle_deg(const Vec3 &a, const Vec3 &b) noexcept;

} // namespace vantage::scheduling
