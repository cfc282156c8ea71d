#pragma once
/// @file
/// Ground stations and ground targets: plain domain values on the WGS-84 ellipsoid.
///
/// Parsing (stations CSV, scenario YAML) lives in `vantage::io`; these are the validated values the
/// access engine consumes.

#include <string>
#include <utility>
#include <vector>

#include "vantage/frames/state.hpp"

namespace vantage::geometry {

/// One vertex of an azimuth-dependent elevation mask.
struct MaskPoint {
    double azimuth_deg;       ///< azimuth from north, clockwise (degrees, [0, 360))
    double min_elevation_deg; ///< minimum elevation at that azimuth (degrees, [-90, 90])
};

/// A ground station (antenna site).
struct GroundStation {
    std::string name;                ///< unique name
    frames::Geodetic location;       ///< WGS-84 latitude/longitude (degrees) and height (km)
    double min_elevation_deg = 5.0;  ///< constant elevation mask (degrees, [-90, 90]); used when `mask` is empty
    std::vector<MaskPoint> mask;     ///< optional azimuth-dependent mask, piecewise linear in azimuth, wraps at 360
    double downlink_mbit_s = 0.0;    ///< downlink rate (Mbit/s, >= 0); not used by the geometry
    int antennas = 1;                ///< number of antennas (>= 1); not used by the geometry

    /// Minimum elevation at an azimuth.
    /// @param azimuth_deg azimuth from north, clockwise (degrees, any finite value; reduced to [0, 360))
    /// @return `min_elevation_deg` when `mask` is empty; otherwise the mask interpolated linearly in azimuth
    ///         between its points (sorted by azimuth internally), wrapping from the last point through 360° to the
    ///         first. A single-point mask is constant.
    double min_elevation_at_deg(double azimuth_deg) const;

    /// Smallest and largest elevation the mask can demand (degrees): `min_elevation_deg` twice when `mask`
    /// is empty, otherwise the extremes of the mask points (linear interpolation never leaves them).
    std::pair<double, double> mask_bounds_deg() const;

    /// Largest |d(min elevation)/d(azimuth)| of the mask (degrees per degree); 0 for a constant mask.
    double mask_max_slope() const;
};

/// A point target on the ground.
struct Target {
    std::string id;            ///< unique identifier
    frames::Geodetic location; ///< WGS-84 latitude/longitude (degrees) and height (km)
    bool operator==(const Target &) const = default;
};

} // namespace vantage::geometry
