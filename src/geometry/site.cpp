#include "vantage/geometry/site.hpp"

#include <algorithm>
#include <cmath>

namespace vantage::geometry {

double GroundStation::min_elevation_at_deg(double azimuth_deg) const
{
    if (mask.empty()) {
        return min_elevation_deg;
    }
    if (mask.size() == 1) {
        return mask.front().min_elevation_deg;
    }
    std::vector<MaskPoint> pts = mask;
    for (auto &p : pts) {
        p.azimuth_deg = std::fmod(p.azimuth_deg, 360.0);
        if (p.azimuth_deg < 0.0) {
            p.azimuth_deg += 360.0;
        }
    }
    std::sort(pts.begin(), pts.end(), [](const MaskPoint &a, const MaskPoint &b) { return a.azimuth_deg < b.azimuth_deg; });
    double az = std::fmod(azimuth_deg, 360.0);
    if (az < 0.0) {
        az += 360.0;
    }
    // Find the segment [p_i, p_{i+1}] holding az; the wrap segment runs from the last point through 360°.
    const auto it = std::upper_bound(pts.begin(), pts.end(), az,
                                     [](double a, const MaskPoint &p) { return a < p.azimuth_deg; });
    const MaskPoint &hi = (it == pts.end()) ? pts.front() : *it;
    const MaskPoint &lo = (it == pts.begin()) ? pts.back() : *(it - 1);
    double span = hi.azimuth_deg - lo.azimuth_deg;
    double off = az - lo.azimuth_deg;
    if (span <= 0.0) { // wrap segment
        span += 360.0;
    }
    if (off < 0.0) {
        off += 360.0;
    }
    if (span <= 0.0) {
        return lo.min_elevation_deg;
    }
    return lo.min_elevation_deg + (hi.min_elevation_deg - lo.min_elevation_deg) * (off / span);
}

std::pair<double, double> GroundStation::mask_bounds_deg() const
{
    if (mask.empty()) {
        return {min_elevation_deg, min_elevation_deg};
    }
    const auto [lo, hi] = std::minmax_element(mask.begin(), mask.end(), [](const MaskPoint &a, const MaskPoint &b) {
        return a.min_elevation_deg < b.min_elevation_deg;
    });
    return {lo->min_elevation_deg, hi->min_elevation_deg};
}

double GroundStation::mask_max_slope() const
{
    if (mask.size() < 2) {
        return 0.0;
    }
    std::vector<MaskPoint> pts = mask;
    for (auto &p : pts) {
        p.azimuth_deg = std::fmod(p.azimuth_deg, 360.0);
        if (p.azimuth_deg < 0.0) {
            p.azimuth_deg += 360.0;
        }
    }
    std::sort(pts.begin(), pts.end(), [](const MaskPoint &a, const MaskPoint &b) { return a.azimuth_deg < b.azimuth_deg; });
    double slope = 0.0;
    for (std::size_t i = 0; i < pts.size(); ++i) {
        const MaskPoint &a = pts[i];
        const MaskPoint &b = pts[(i + 1) % pts.size()];
        double span = b.azimuth_deg - a.azimuth_deg;
        if (i + 1 == pts.size()) {
            span += 360.0;
        }
        // NOTE: two points at the same azimuth make a vertical step; treat it as a very steep ramp over
        // 1e-6 degrees so the rate bound stays finite and honest.
        span = std::max(span, 1e-6);
        slope = std::max(slope, std::abs(b.min_elevation_deg - a.min_elevation_deg) / span);
    }
    return slope;
}

} // namespace vantage::geometry
