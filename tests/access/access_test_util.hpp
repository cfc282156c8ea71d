#pragma once
// Helpers shared by the access tests: element sets built in code (no files).
#include <cmath>

#include "vantage/orbits/element_set.hpp"
#include "vantage/orbits/sgp4_propagator.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::test_util {

/// Kozai-ish mean motion (rev/day) of a circular orbit at `alt_km` (two-body, WGS-72 mu; SGP4 recovers
/// the Brouwer value, close enough for test geometry).
inline double mean_motion_for_altitude(double alt_km)
{
    constexpr double mu = 398600.8, re = 6378.135;
    const double a = re + alt_km;
    return std::sqrt(mu / (a * a * a)) * 86400.0 / (2.0 * 3.14159265358979323846);
}

inline orbits::ElementSet make_elements(std::uint32_t norad, const time::Instant &epoch, double n_rev_day, double e,
                                        double inc_deg, double raan_deg, double argp_deg, double ma_deg)
{
    orbits::ElementSet el;
    el.norad_id = norad;
    el.object_name = "TEST " + std::to_string(norad);
    orbits::set_epoch_from_instant(el, epoch);
    el.mean_motion_rev_day = n_rev_day;
    el.eccentricity = e;
    el.inclination_deg = inc_deg;
    el.raan_deg = raan_deg;
    el.arg_perigee_deg = argp_deg;
    el.mean_anomaly_deg = ma_deg;
    el.bstar_per_er = 0.0;
    return el;
}

} // namespace vantage::test_util
