#pragma once
// Rounding of element values to the precision of their TLE fields (private to orbits): the synthetic catalogue
// and the constellation designer produce element sets that io::format_tle + io::parse_tle reproduce exactly.

#include <cmath>

namespace vantage::orbits::detail {

/// x rounded to `decimals` decimal places, as the nearest double to that decimal (what strtod gives
/// when the TLE text is read back): an integer divided by an exact power of ten is correctly rounded.
inline double round_to(double x, int decimals) noexcept
{
    const double p = std::pow(10.0, decimals);
    return std::round(x * p) / p;
}

/// An angle reduced to [0, 360) and rounded to the TLE's 4 decimals (360.0000 becomes 0).
inline double tle_angle_deg(double x) noexcept
{
    double r = std::fmod(x, 360.0);
    if (r < 0.0) {
        r += 360.0;
    }
    r = round_to(r, 4);
    return r >= 360.0 ? 0.0 : r;
}

} // namespace vantage::orbits::detail
