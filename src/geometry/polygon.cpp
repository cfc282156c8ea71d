#include "vantage/geometry/polygon.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>
#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/PolygonArea.hpp>

#include "vantage/core/error.hpp"

namespace vantage::geometry {

namespace {

/// Longitudes of a ring made continuous: each vertex is taken the short way round from the previous one
/// (RFC 7946 §3.1.9), so a ring across the antimeridian becomes one interval of longitudes.
std::vector<double> unwrapped_lons(const std::vector<LonLat> &ring)
{
    std::vector<double> out;
    out.reserve(ring.size());
    for (std::size_t i = 0; i < ring.size(); ++i) {
        if (i == 0) {
            out.push_back(ring[0].lon_deg);
        } else {
            out.push_back(out.back() + std::remainder(ring[i].lon_deg - ring[i - 1].lon_deg, 360.0));
        }
    }
    return out;
}

/// Net longitude swept going once round the ring (0 for an ordinary ring, +-360 for one around a pole).
double winding_deg(const std::vector<LonLat> &ring, const std::vector<double> &lons)
{
    return lons.back() + std::remainder(ring.front().lon_deg - ring.back().lon_deg, 360.0) - lons.front();
}

/// Even-odd test of (lon, lat) against one ring with continuous longitudes `lons`.
bool ring_contains(const std::vector<LonLat> &ring, const std::vector<double> &lons, double lat, double lon)
{
    const auto [lo_it, hi_it] = std::minmax_element(lons.begin(), lons.end());
    // Bring the point into the ring's longitude interval (its width is < 360 for a valid ring).
    double x = lon;
    x = *lo_it + std::fmod(std::fmod(x - *lo_it, 360.0) + 360.0, 360.0);
    if (x > *hi_it) {
        return false;
    }
    bool inside = false;
    const std::size_t n = ring.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
        const double yi = ring[i].lat_deg, yj = ring[j].lat_deg;
        const double xi = lons[i];
        // The closing edge (j = n - 1 -> i = 0) uses the continuous longitude of vertex n - 1.
        const double xj = lons[j];
        if ((yi > lat) != (yj > lat)) {
            const double xc = xj + (lat - yj) / (yi - yj) * (xi - xj);
            if (x < xc) {
                inside = !inside;
            }
        }
    }
    return inside;
}

double ring_area_m2(const std::vector<LonLat> &ring)
{
    GeographicLib::PolygonArea poly(GeographicLib::Geodesic::WGS84());
    for (const LonLat &v : ring) {
        poly.AddPoint(v.lat_deg, v.lon_deg);
    }
    double perimeter_m = 0.0, area_m2 = 0.0;
    poly.Compute(false, true, perimeter_m, area_m2);
    return std::abs(area_m2);
}

std::string vertex_path(bool multi, std::size_t part, std::size_t ring, std::size_t vertex)
{
    return multi ? fmt::format("coordinates[{}][{}][{}]", part, ring, vertex)
                 : fmt::format("coordinates[{}][{}]", ring, vertex);
}

std::string ring_path(bool multi, std::size_t part, std::size_t ring)
{
    return multi ? fmt::format("coordinates[{}][{}]", part, ring) : fmt::format("coordinates[{}]", ring);
}

void validate_ring(const std::vector<LonLat> &ring, bool multi, std::size_t p, std::size_t r, bool outer)
{
    for (std::size_t v = 0; v < ring.size(); ++v) {
        const LonLat &x = ring[v];
        if (!(std::isfinite(x.lon_deg) && x.lon_deg >= -180.0 && x.lon_deg <= 180.0)) {
            throw ConfigError(ErrorCode::out_of_range, "longitude must be in [-180, 180] degrees",
                              ErrorContext{"", 0, vertex_path(multi, p, r, v), fmt::format("{}", x.lon_deg)});
        }
        if (!(std::isfinite(x.lat_deg) && x.lat_deg >= -90.0 && x.lat_deg <= 90.0)) {
            throw ConfigError(ErrorCode::out_of_range, "latitude must be in [-90, 90] degrees",
                              ErrorContext{"", 0, vertex_path(multi, p, r, v), fmt::format("{}", x.lat_deg)});
        }
    }
    std::vector<LonLat> distinct = ring;
    std::sort(distinct.begin(), distinct.end(), [](const LonLat &a, const LonLat &b) {
        return a.lon_deg != b.lon_deg ? a.lon_deg < b.lon_deg : a.lat_deg < b.lat_deg;
    });
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    if (distinct.size() < 3) {
        throw ConfigError(ErrorCode::syntax, "a ring needs at least 3 distinct vertices",
                          ErrorContext{"", 0, ring_path(multi, p, r), fmt::format("{} distinct", distinct.size())});
    }
    const std::vector<double> lons = unwrapped_lons(ring);
    if (std::abs(winding_deg(ring, lons)) > 180.0) {
        throw ConfigError(ErrorCode::unsupported, "a ring that encloses a pole is not supported (split it)",
                          ErrorContext{"", 0, ring_path(multi, p, r), ""});
    }
    const auto [lo, hi] = std::minmax_element(lons.begin(), lons.end());
    if (*hi - *lo >= 360.0) {
        throw ConfigError(ErrorCode::unsupported, "a ring spans 360 degrees of longitude (split it)",
                          ErrorContext{"", 0, ring_path(multi, p, r), ""});
    }
    if (outer && !(ring_area_m2(ring) > 0.0)) {
        throw ConfigError(ErrorCode::out_of_range, "the outer ring encloses no area",
                          ErrorContext{"", 0, ring_path(multi, p, r), ""});
    }
}

} // namespace

void validate_polygon(const Polygon &polygon, bool as_multipolygon)
{
    if (polygon.parts.empty()) {
        throw ConfigError(ErrorCode::missing_field, "a polygon needs at least one ring", ErrorContext{"", 0, "coordinates", ""});
    }
    const bool multi = as_multipolygon || polygon.parts.size() > 1;
    for (std::size_t p = 0; p < polygon.parts.size(); ++p) {
        const PolygonPart &part = polygon.parts[p];
        validate_ring(part.outer, multi, p, 0, true);
        for (std::size_t h = 0; h < part.holes.size(); ++h) {
            validate_ring(part.holes[h], multi, p, h + 1, false);
        }
    }
}

bool contains(const Polygon &polygon, double lat_deg, double lon_deg)
{
    for (const PolygonPart &part : polygon.parts) {
        if (!ring_contains(part.outer, unwrapped_lons(part.outer), lat_deg, lon_deg)) {
            continue;
        }
        bool in_hole = false;
        for (const auto &hole : part.holes) {
            if (ring_contains(hole, unwrapped_lons(hole), lat_deg, lon_deg)) {
                in_hole = true;
                break;
            }
        }
        if (!in_hole) {
            return true;
        }
    }
    return false;
}

double area_km2(const Polygon &polygon)
{
    double m2 = 0.0;
    for (const PolygonPart &part : polygon.parts) {
        double a = ring_area_m2(part.outer);
        for (const auto &hole : part.holes) {
            a -= ring_area_m2(hole);
        }
        m2 += std::max(a, 0.0);
    }
    return m2 * 1e-6;
}

LatLonBox bounding_box(const Polygon &polygon)
{
    LatLonBox box{90.0, -90.0, 0.0, 0.0};
    // Longitude: each outer ring covers an arc [start, start + width]; the box is the complement of the largest
    // gap between the arcs on the circle.
    std::vector<std::pair<double, double>> arcs; // (start in [-180, 180), width)
    for (const PolygonPart &part : polygon.parts) {
        for (const LonLat &v : part.outer) {
            box.lat_min_deg = std::min(box.lat_min_deg, v.lat_deg);
            box.lat_max_deg = std::max(box.lat_max_deg, v.lat_deg);
        }
        const std::vector<double> lons = unwrapped_lons(part.outer);
        const auto [lo, hi] = std::minmax_element(lons.begin(), lons.end());
        double start = std::fmod(std::fmod(*lo + 180.0, 360.0) + 360.0, 360.0) - 180.0;
        arcs.emplace_back(start, std::min(*hi - *lo, 360.0));
    }
    if (arcs.empty()) {
        return LatLonBox{};
    }
    std::sort(arcs.begin(), arcs.end());
    // Merge arcs in order, tracking the covered end; the biggest gap between the running end and the next start
    // (including the wrap-around gap) is left out.
    double best_gap = -1.0, gap_start = 0.0, gap_end = 0.0;
    double cov_start = arcs[0].first, cov_end = arcs[0].first + arcs[0].second;
    for (std::size_t i = 1; i < arcs.size(); ++i) {
        const double s = arcs[i].first;
        if (s > cov_end && s - cov_end > best_gap) {
            best_gap = s - cov_end;
            gap_start = cov_end;
            gap_end = s;
        }
        cov_end = std::max(cov_end, s + arcs[i].second);
    }
    const double wrap_gap = cov_start + 360.0 - cov_end;
    if (wrap_gap >= best_gap) {
        if (wrap_gap <= 0.0) { // the arcs cover every longitude
            box.lon_min_deg = -180.0;
            box.lon_max_deg = 180.0;
            return box;
        }
        gap_start = cov_end;
        gap_end = cov_start + 360.0;
    }
    auto wrap = [](double x) { return std::fmod(std::fmod(x + 180.0, 360.0) + 360.0, 360.0) - 180.0; };
    box.lon_min_deg = wrap(gap_end);
    box.lon_max_deg = wrap(gap_start);
    if (box.lon_max_deg == -180.0) {
        box.lon_max_deg = 180.0;
    }
    return box;
}

} // namespace vantage::geometry
