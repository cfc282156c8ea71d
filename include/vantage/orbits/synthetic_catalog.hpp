#pragma once
/// @file
/// Deterministic synthetic LEO catalogues for benchmarks and tests (not physical satellites).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "vantage/orbits/element_set.hpp"

namespace vantage::orbits {

/// `n` near-Earth element sets, the same for the same `seed` on every platform (SplitMix64):
/// altitude 400-1,200 km (mean motion from Kepler's third law with WGS-72 mu), inclination 0-100 deg,
/// eccentricity 0-0.01, RAAN / argument of perigee / mean anomaly 0-360 deg, B* 1e-5-1e-4 1/ER, epochs
/// spread over 2025-10-02 (whole multiples of 1e-5 day). Every value is rounded to the precision of its
/// TLE field, so `io::format_tle` + `io::parse_tle` reproduce it. Catalog numbers 90000 + i (alpha-5
/// above 99999).
/// @param n number of element sets (<= 240000)
/// @param seed generator seed
std::vector<ElementSet> synthetic_leo_catalog(std::size_t n, std::uint64_t seed = 1);

} // namespace vantage::orbits
