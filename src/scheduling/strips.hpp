#pragma once
// Polygon -> strips (private header of the tasking planner).

#include <vector>

#include "vantage/frames/state.hpp"
#include "vantage/geometry/polygon.hpp"

namespace vantage::scheduling::detail {

/// One strip: its centre line from `a` to `b`, and the share of the polygon's area it owns.
struct StripGeometry {
    frames::Geodetic a{}, b{}, centre{};
    double length_km = 0.0;
    double area_fraction = 0.0;
};

/// Splits a polygon into parallel strips of width `width_km` along the ground-track azimuth `heading_deg`
/// (clockwise from north), adjacent strips overlapping by `overlap` of the width, each strip covering the
/// polygon's along-track extent inside its band, cut into pieces no longer than `max_length_km`.
///
/// Geometry in the gnomonic projection centred on the polygon's bounding-box centre (GeographicLib Gnomonic:
/// geodesics are straight lines, so the strip centre lines are geodesics; scale error < 0.1 % within 100 km).
/// Each strip "owns" the band between the mid lines of its overlaps with its neighbours; `area_fraction` is the
/// polygon area (holes removed) inside the owned band and the strip's along-track piece, over the polygon area,
/// so the fractions of all strips sum to 1. Strips whose band holds no part of the polygon are dropped.
std::vector<StripGeometry> decompose_polygon(const geometry::Polygon &polygon, double heading_deg, double width_km,
                                             double overlap, double max_length_km);

/// Azimuth (deg, clockwise from north) of the Earth-fixed ground track of a circular orbit of inclination
/// `inclination_deg` and semi-major axis `a_km`, at geodetic latitude `lat_deg`, on a descending pass (or ascending).
/// Spherical Earth, inertial azimuth from sin(A) = cos(i)/cos(lat), minus the Earth's rotation.
double ground_track_heading_deg(double inclination_deg, double a_km, double lat_deg, bool descending);

} // namespace vantage::scheduling::detail
