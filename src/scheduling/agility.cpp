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

namespace {

/// Roll and pitch of an LVLH look (deg): agility.hpp, slew_measure_deg.
std::pair<double, double> roll_pitch_deg(const Vec3 &u) noexcept
{
    const double pitch = std::asin(std::clamp(u.x(), -1.0, 1.0)) * rad_to_deg;
    const double roll = std::atan2(-u.y(), u.z()) * rad_to_deg;
    return {roll, pitch};
}

} // namespace

double slew_measure_deg(const Vec3 &from, const Vec3 &to, const Agility &agility) noexcept
{
    if (agility.measure == SlewMeasure::lvlh) {
        return angle_deg(from, to);
    }
    const auto [r0, p0] = roll_pitch_deg(from);
    const auto [r1, p1] = roll_pitch_deg(to);
    double dr = std::fabs(r1 - r0);
    dr = dr > 180.0 ? 360.0 - dr : dr;
    return dr + std::fabs(p1 - p0);
}

double max_slew_measure_deg(const Agility &agility) noexcept
{
    return agility.measure == SlewMeasure::lvlh ? 180.0 : 360.0;
}

double slew_time_s(double measure_deg, const Agility &agility) noexcept
{
    const auto &tb = agility.slew_table;
    if (tb.empty()) {
        return rest_to_rest_s(measure_deg, agility);
    }
    const double m = std::max(0.0, measure_deg);
    if (tb.size() == 1) {
        return tb[0].second;
    }
    // the segment holding m (the last one beyond the table)
    std::size_t i = 1;
    while (i + 1 < tb.size() && tb[i].first < m) {
        ++i;
    }
    const auto [a0, t0] = tb[i - 1];
    const auto [a1, t1] = tb[i];
    return t0 + (t1 - t0) * (m - a0) / (a1 - a0);
}

double reachable_measure_deg(double t_s, const Agility &agility) noexcept
{
    const auto &tb = agility.slew_table;
    if (tb.empty()) {
        // inverse of rest_to_rest_s
        if (t_s <= 0.0) {
            return 0.0;
        }
        const double w = agility.max_rate_deg_s, a = agility.max_accel_deg_s2;
        return t_s <= 2.0 * w / a ? 0.25 * a * t_s * t_s : w * (t_s - w / a);
    }
    if (t_s < tb[0].second) {
        return -1.0;
    }
    if (tb.size() == 1) {
        return 1e9; // a constant time: every size
    }
    // the last point whose time is <= t, then along the next segment (the last one's slope beyond the table)
    std::size_t i = 0;
    while (i + 1 < tb.size() && tb[i + 1].second <= t_s) {
        ++i;
    }
    const std::size_t j = i + 1 < tb.size() ? i + 1 : i;
    const std::size_t k = j == i ? i - 1 : i; // segment (k, j)
    const double slope = (tb[j].second - tb[k].second) / (tb[j].first - tb[k].first); // s per deg, >= 0
    if (slope <= 0.0) {
        return j == i ? 1e9 : tb[j].first; // a flat segment: its far end (or every size, beyond the table)
    }
    return tb[i].first + (t_s - tb[i].second) / slope;
}

bool slew_time_subadditive(const Agility &agility)
{
    if (agility.slew_table.empty()) {
        return true; // 2 sqrt(θ/α) and θ/ω + ω/α are concave with T(0) = 0
    }
    const double top = max_slew_measure_deg(agility);
    constexpr double grid = 0.25;
    for (double a = grid; a < top; a += grid) {
        for (double b = grid; a + b <= top; b += grid) {
            if (slew_time_s(a + b, agility) > slew_time_s(a, agility) + slew_time_s(b, agility) + 1e-9) {
                return false;
            }
        }
    }
    return true;
}

double transition_s(double measure_deg, const Agility &agility) noexcept
{
    return slew_time_s(measure_deg, agility) + agility.settle_s;
}

double transition_s(const Vec3 &from, const Vec3 &to, const Agility &agility) noexcept
{
    return transition_s(slew_measure_deg(from, to, agility), agility);
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
