#pragma once
// Run-time frame names at the Python edge, converted to the typed world at once.
#include <string>

#include "vantage/frames/earth_orientation.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::python {
enum class FrameName { teme, itrf, gcrf };
FrameName parse_frame(const std::string &name);
/// Converts one state (x, y, z km, vx, vy, vz km/s) in place.
void convert_state(FrameName from, FrameName to, const time::Instant &t, double *state,
                   const frames::EarthOrientation &eop);
} // namespace vantage::python
