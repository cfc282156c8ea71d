#include "strips.hpp"

#include <algorithm>
#include <cmath>

#include <GeographicLib/Gnomonic.hpp>

#include "vantage/core/constants.hpp"
#include "vantage/frames/transforms.hpp"

namespace vantage::scheduling::detail {

namespace {

struct P2 {
    double s; // cross-track (km, positive to the right of the track)
    double l; // along-track (km)
};

using Ring = std::vector<P2>;

/// Sutherland-Hodgman: keep the part of `in` where sign * (coord - c) >= 0, coord = s (axis 0) or l (axis 1).
Ring clip(const Ring &in, int axis, double c, double sign)
{
    Ring out;
    if (in.empty()) {
        return out;
    }
    auto val = [&](const P2 &p) { return sign * ((axis == 0 ? p.s : p.l) - c); };
    for (std::size_t i = 0; i < in.size(); ++i) {
        const P2 &p = in[i];
        const P2 &q = in[(i + 1) % in.size()];
        const double vp = val(p);
        const double vq = val(q);
        if (vp >= 0.0) {
            out.push_back(p);
        }
        if ((vp >= 0.0) != (vq >= 0.0)) {
            const double f = vp / (vp - vq);
            out.push_back(P2{p.s + f * (q.s - p.s), p.l + f * (q.l - p.l)});
        }
    }
    return out;
}

Ring clip_box(const Ring &in, double s0, double s1, double l0, double l1)
{
    Ring r = clip(in, 0, s0, 1.0);
    r = clip(r, 0, s1, -1.0);
    r = clip(r, 1, l0, 1.0);
    return clip(r, 1, l1, -1.0);
}

double area(const Ring &r)
{
    double a = 0.0;
    for (std::size_t i = 0; i < r.size(); ++i) {
        const P2 &p = r[i];
        const P2 &q = r[(i + 1) % r.size()];
        a += p.s * q.l - q.s * p.l;
    }
    return std::abs(a) / 2.0;
}

} // namespace

double ground_track_heading_deg(double inclination_deg, double a_km, double lat_deg, bool descending)
{
    constexpr double mu_km3_s2 = 398600.4418;
    constexpr double r_earth_km = 6378.137;
    const double v = std::sqrt(mu_km3_s2 / a_km);
    const double cl = std::cos(lat_deg * deg_to_rad);
    // Angular momentum about the polar axis: the eastward inertial speed at latitude lat is v cos(i) / cos(lat).
    double ve = v * std::cos(inclination_deg * deg_to_rad) / std::max(cl, 1e-6);
    ve = std::clamp(ve, -v, v);
    double vn = std::sqrt(std::max(0.0, v * v - ve * ve));
    if (descending) {
        vn = -vn;
    }
    // Earth-fixed: subtract the surface speed of the rotating Earth at the foot point, scaled to orbit height
    // (the ground track moves at the angular rate of the sub-satellite point).
    const double scale = r_earth_km / a_km;
    const double ge = ve * scale - 7.2921150e-5 * r_earth_km * cl;
    const double gn = vn * scale;
    double h = std::atan2(ge, gn) * rad_to_deg;
    if (h < 0.0) {
        h += 360.0;
    }
    return h;
}

std::vector<StripGeometry> decompose_polygon(const geometry::Polygon &polygon, double heading_deg, double width_km,
                                             double overlap, double max_length_km)
{
    const geometry::LatLonBox box = geometry::bounding_box(polygon);
    const double lat0 = 0.5 * (box.lat_min_deg + box.lat_max_deg);
    double lon0 = 0.5 * (box.lon_min_deg + box.lon_max_deg);
    if (box.lon_min_deg > box.lon_max_deg) { // crosses the antimeridian
        lon0 = 0.5 * (box.lon_min_deg + box.lon_max_deg + 360.0);
        if (lon0 > 180.0) {
            lon0 -= 360.0;
        }
    }
    const GeographicLib::Gnomonic gn(GeographicLib::Geodesic::WGS84());
    const double h = heading_deg * deg_to_rad;
    // Along-track unit u = (sin h, cos h) in (east, north); cross-track (right) c = (cos h, -sin h).
    auto to_sl = [&](const geometry::LonLat &v) {
        double x = 0.0, y = 0.0;
        gn.Forward(lat0, lon0, v.lat_deg, v.lon_deg, x, y);
        x /= 1000.0;
        y /= 1000.0;
        return P2{x * std::cos(h) - y * std::sin(h), x * std::sin(h) + y * std::cos(h)};
    };
    auto to_geo = [&](double s, double l) {
        const double x = (s * std::cos(h) + l * std::sin(h)) * 1000.0;
        const double y = (-s * std::sin(h) + l * std::cos(h)) * 1000.0;
        double lat = 0.0, lon = 0.0;
        gn.Reverse(lat0, lon0, x, y, lat, lon);
        return frames::Geodetic{lat, lon, 0.0};
    };
    std::vector<Ring> outers, holes;
    for (const auto &part : polygon.parts) {
        Ring r;
        for (const auto &v : part.outer) {
            r.push_back(to_sl(v));
        }
        outers.push_back(std::move(r));
        for (const auto &hole : part.holes) {
            Ring hr;
            for (const auto &v : hole) {
                hr.push_back(to_sl(v));
            }
            holes.push_back(std::move(hr));
        }
    }
    double s_min = 1e300, s_max = -1e300;
    for (const auto &r : outers) {
        for (const auto &p : r) {
            s_min = std::min(s_min, p.s);
            s_max = std::max(s_max, p.s);
        }
    }
    const double w = width_km;
    const double we = w * (1.0 - overlap);
    const double extent = s_max - s_min;
    const int n = extent <= w ? 1 : 1 + static_cast<int>(std::ceil((extent - w) / we - 1e-9));
    const double total = w + (n - 1) * we;
    const double start = 0.5 * (s_min + s_max) - 0.5 * total;
    const double big = 1e6;
    auto region_area = [&](double s0, double s1, double l0, double l1) {
        double a = 0.0;
        for (const auto &r : outers) {
            a += area(clip_box(r, s0, s1, l0, l1));
        }
        for (const auto &r : holes) {
            a -= area(clip_box(r, s0, s1, l0, l1));
        }
        return std::max(0.0, a);
    };
    const double total_area = region_area(-big, big, -big, big);
    std::vector<StripGeometry> out;
    for (int j = 0; j < n; ++j) {
        const double lo = start + j * we;
        const double hi = lo + w;
        const double own_lo = j == 0 ? -big : lo + 0.5 * (w - we);
        const double own_hi = j == n - 1 ? big : lo + we + 0.5 * (w - we);
        double l_min = 1e300, l_max = -1e300;
        for (const auto &r : outers) {
            for (const auto &p : clip_box(r, lo, hi, -big, big)) {
                l_min = std::min(l_min, p.l);
                l_max = std::max(l_max, p.l);
            }
        }
        if (!(l_max > l_min)) {
            continue;
        }
        const double len = l_max - l_min;
        const int pieces = std::max(1, static_cast<int>(std::ceil(len / max_length_km - 1e-9)));
        const double sc = 0.5 * (lo + hi);
        for (int p = 0; p < pieces; ++p) {
            const double a0 = l_min + len * p / pieces;
            const double a1 = l_min + len * (p + 1) / pieces;
            StripGeometry g;
            g.a = to_geo(sc, a0);
            g.b = to_geo(sc, a1);
            g.centre = to_geo(sc, 0.5 * (a0 + a1));
            g.length_km = a1 - a0;
            const double own_l0 = p == 0 ? -big : a0;
            const double own_l1 = p == pieces - 1 ? big : a1;
            g.area_fraction = total_area > 0.0 ? region_area(own_lo, own_hi, own_l0, own_l1) / total_area : 0.0;
            out.push_back(g);
        }
    }
    return out;
}

} // namespace vantage::scheduling::detail
