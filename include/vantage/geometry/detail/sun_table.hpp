#pragma once
/// @file
/// Fast apparent Sun position in ITRF over an interval, for the access engine's inner loop.
///
/// At nodes every `node_step_s` the exact pieces of `sun_position_itrf_km` are stored: the Sun in CIRS
/// (GCRF rotated by the IAU 2006/2000A bias-precession-nutation matrix with the EOP dX/dY), the Earth rotation
/// angle and the polar-motion matrix. Between nodes the CIRS vector and the ERA are interpolated linearly and
/// the rotations applied. Error vs `sun_position_itrf_km` (600 s nodes): the CIRS path's curvature over 600 s
/// (~1e-12 rad), ERA linearity (UT1-UTC itself is linear between daily EOP rows; < 1e-11 rad), polar motion
/// held at the node (< 1e-12 rad): far below 1e-9 rad, i.e. Sun-elevation edges move by < 15 µs.

#include <vector>

#include "vantage/core/math.hpp"
#include "vantage/frames/earth_orientation.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::geometry::detail {

class SunTable {
public:
    /// Table covering [start - node_step_s, stop + node_step_s].
    /// @param node_step_s node spacing (s, > 0; default 600)
    SunTable(const time::Instant &start, const time::Instant &stop, const frames::EarthOrientation &eop,
             double node_step_s = 600.0);

    /// Apparent Sun position in ITRF (km) at `start + tau_s` (tau_s seconds of TAI, within the covered span;
    /// clamped to it otherwise).
    Vec3 position_itrf_km(double tau_s) const;

private:
    double m_t0_s = 0.0; // tau of node 0 relative to start (s)
    double m_step_s = 600.0;
    std::vector<Vec3> m_cirs_km;
    std::vector<double> m_era_rad;
    std::vector<double> m_cos_era; // cos/sin of the node ERA (position_itrf_km uses the addition theorems)
    std::vector<double> m_sin_era;
    std::vector<Mat3> m_pom;
};

} // namespace vantage::geometry::detail
