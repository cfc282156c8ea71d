// Synthetic LEO catalogue (benchmark workload); see the header.

#include "vantage/orbits/synthetic_catalog.hpp"

#include <cmath>
#include <string>

#include "tle_rounding.hpp"
#include "vantage/core/constants.hpp"

namespace vantage::orbits {
namespace {

using detail::round_to;

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, portable, deterministic.
struct SplitMix64 {
    std::uint64_t state;
    std::uint64_t next() noexcept
    {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [lo, hi).
    double uniform(double lo, double hi) noexcept
    {
        return lo + (hi - lo) * static_cast<double>(next() >> 11) * 0x1.0p-53;
    }
};

} // namespace

std::vector<ElementSet> synthetic_leo_catalog(std::size_t n, std::uint64_t seed)
{
    constexpr double mu_km3_s2 = 398600.8; // WGS-72
    constexpr double re_km = 6378.135;
    SplitMix64 rng{seed};
    std::vector<ElementSet> out;
    out.reserve(n);
    const time::Instant day0 = time::Instant::from_utc(time::UtcCalendar{2025, 10, 2, 0, 0, 0.0});
    for (std::size_t i = 0; i < n; ++i) {
        ElementSet e;
        e.object_name = "SYNTH-LEO " + std::to_string(i);
        e.norad_id = static_cast<std::uint32_t>(90000 + i);
        const double h_km = rng.uniform(400.0, 1200.0);
        const double a_km = re_km + h_km;
        const double n_rad_s = std::sqrt(mu_km3_s2 / (a_km * a_km * a_km));
        e.mean_motion_rev_day = round_to(n_rad_s * 86400.0 / (2.0 * pi), 8);
        e.inclination_deg = round_to(rng.uniform(0.0, 100.0), 4);
        e.eccentricity = round_to(rng.uniform(0.0, 0.01), 7);
        e.raan_deg = round_to(rng.uniform(0.0, 360.0), 4);
        e.arg_perigee_deg = round_to(rng.uniform(0.0, 360.0), 4);
        e.mean_anomaly_deg = round_to(rng.uniform(0.0, 360.0), 4);
        e.bstar_per_er = round_to(rng.uniform(1e-5, 1e-4), 9);
        // Epoch: a whole multiple of 1e-5 day (0.864 s) within 2025-10-02, exactly representable in a TLE.
        const double frac_day = round_to(rng.uniform(0.0, 0.99999), 5);
        set_epoch_from_instant(e, day0 + time::Duration::from_seconds(frac_day * 86400.0));
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace vantage::orbits
