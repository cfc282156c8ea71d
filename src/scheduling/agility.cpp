#include "vantage/scheduling/agility.hpp"

#include <algorithm>
#include <cmath>

#include "vantage/core/constants.hpp"

namespace vantage::scheduling {

double rest_to_rest_s(double theta_deg, const Agility &agility) noexcept
{
    // Issue 6: bang-bang (triangular) profile while the rate limit is not reached, else accelerate, coast at ω,
    // decelerate (trapezoidal). The switch angle is ω²/α (accelerating to ω and back takes ω/α each, covering ω²/α).
    const double theta = std::max(0.0, theta_deg);
    const double w = agility.max_rate_deg_s;
    const double a = agility.max_accel_deg_s2;
    if (theta <= w * w / a) {
        return 2.0 * std::sqrt(theta / a);
    }
    return theta / w + w / a;
}

double transition_s(double theta_deg, const Agility &agility) noexcept
{
    return rest_to_rest_s(theta_deg, agility) + agility.settle_s;
}

Mat3 lvlh_axes(const Vec3 &r_km, const Vec3 &v_km_s)
{
    // CCSDS LVLH: z to the Earth's centre, y against the orbit normal, x completes the right-handed triad.
    const Vec3 z = -r_km.normalized();
    const Vec3 y = -(r_km.cross(v_km_s)).normalized();
    const Vec3 x = y.cross(z);
    Mat3 m;
    m.row(0) = x.transpose();
    m.row(1) = y.transpose();
    m.row(2) = z.transpose();
    return m;
}

Vec3 look_vector_lvlh(const Vec3 &r_km, const Vec3 &v_km_s, const Vec3 &p_km)
{
    return lvlh_axes(r_km, v_km_s) * (p_km - r_km).normalized();
}

double angle_deg(const Vec3 &a, const Vec3 &b) noexcept
{
    // For unit vectors |a - b| = 2 sin(θ/2): accurate near 0 (where acos loses half the digits) and cheaper than
    // atan2(|a x b|, a . b); exact to ~1e-16 relative up to 180 deg for unit inputs.
    const double c = 0.5 * (a - b).norm();
    return 2.0 * std::asin(std::min(1.0, c)) * rad_to_deg;
}

} // namespace vantage::scheduling
