#pragma once
/// @file
/// Physical and conversion constants. Every name carries its unit.

namespace vantage {

inline constexpr double pi = 3.14159265358979323846;
inline constexpr double two_pi = 2.0 * pi;
inline constexpr double deg_to_rad = pi / 180.0;
inline constexpr double rad_to_deg = 180.0 / pi;
inline constexpr double arcsec_to_rad = pi / (180.0 * 3600.0);
inline constexpr double seconds_per_day = 86400.0;
inline constexpr double minutes_per_day = 1440.0;

/// WGS-84 ellipsoid (NIMA TR8350.2).
inline constexpr double wgs84_a_km = 6378.137;
inline constexpr double wgs84_f = 1.0 / 298.257223563;

} // namespace vantage
