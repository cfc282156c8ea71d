#include "vantage/geometry/polygon.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/PolygonArea.hpp>

#include "vantage/core/error.hpp"

namespace vantage::geometry {

namespace {

/// A ring whose plate-carrée area is below this fraction of its bounding box's squared diagonal encloses no area:
/// collinear vertices leave ~1e-16 of round-off; the thinnest real sliver (1 m wide, 1000 km long) is ~1e-6.
constexpr double zero_area_rel = 1e-12;

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

/// Signed plate-carrée area of a ring (deg^2, counter-clockwise positive) with continuous longitudes `lons`,
/// taken about the first vertex (fewer cancelling digits), and the square of its bounding box's diagonal.
std::pair<double, double> planar_area_deg2(const std::vector<LonLat> &ring, const std::vector<double> &lons)
{
    const double x0 = lons[0], y0 = ring[0].lat_deg;
    double twice = 0.0;
    double xmin = 0.0, xmax = 0.0, ymin = 0.0, ymax = 0.0;
    for (std::size_t i = 0; i < ring.size(); ++i) {
        const std::size_t j = (i + 1) % ring.size();
        const double xi = lons[i] - x0, yi = ring[i].lat_deg - y0;
        const double xj = lons[j] - x0, yj = ring[j].lat_deg - y0;
        twice += xi * yj - xj * yi;
        xmin = std::min(xmin, xi), xmax = std::max(xmax, xi), ymin = std::min(ymin, yi), ymax = std::max(ymax, yi);
    }
    const double dx = xmax - xmin, dy = ymax - ymin;
    return {0.5 * twice, dx * dx + dy * dy};
}

/// One edge of a ring in the continuous-longitude plane; `v` is the index of its first vertex in the ring.
struct Edge {
    double x0, y0, x1, y1;
    std::size_t ring;
    std::size_t v;
    std::size_t seq = 0; // its place among the ring's edges of non-zero length
    std::size_t n = 0;   // number of such edges in its ring (to tell consecutive edges)
    double xmin() const { return std::min(x0, x1); }
    double xmax() const { return std::max(x0, x1); }
};

int orientation(double ax, double ay, double bx, double by, double cx, double cy)
{
    const double d = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    return d > 0.0 ? 1 : (d < 0.0 ? -1 : 0);
}

bool on_segment(double ax, double ay, double bx, double by, double px, double py)
{
    return std::min(ax, bx) <= px && px <= std::max(ax, bx) && std::min(ay, by) <= py && py <= std::max(ay, by);
}

/// How two edges meet: 0 not at all; 1 they touch (they meet at a point that is an end of at least one of them);
/// 2 they cross (at a point inside both) or overlap along a length.
int edges_meet(const Edge &a, const Edge &b)
{
    const int o1 = orientation(a.x0, a.y0, a.x1, a.y1, b.x0, b.y0);
    const int o2 = orientation(a.x0, a.y0, a.x1, a.y1, b.x1, b.y1);
    const int o3 = orientation(b.x0, b.y0, b.x1, b.y1, a.x0, a.y0);
    const int o4 = orientation(b.x0, b.y0, b.x1, b.y1, a.x1, a.y1);
    if (o1 == 0 && o2 == 0) { // on one line: overlap of positive length, a shared point, or nothing
        const bool use_x = a.x0 != a.x1; // compare along x unless the common line is vertical
        const double a0 = use_x ? a.x0 : a.y0, a1 = use_x ? a.x1 : a.y1;
        const double b0 = use_x ? b.x0 : b.y0, b1 = use_x ? b.x1 : b.y1;
        const double lo = std::max(std::min(a0, a1), std::min(b0, b1));
        const double hi = std::min(std::max(a0, a1), std::max(b0, b1));
        return hi > lo ? 2 : (hi == lo ? 1 : 0);
    }
    if (o1 * o2 < 0 && o3 * o4 < 0) {
        return 2;
    }
    if ((o1 == 0 && on_segment(a.x0, a.y0, a.x1, a.y1, b.x0, b.y0))
        || (o2 == 0 && on_segment(a.x0, a.y0, a.x1, a.y1, b.x1, b.y1))
        || (o3 == 0 && on_segment(b.x0, b.y0, b.x1, b.y1, a.x0, a.y0))
        || (o4 == 0 && on_segment(b.x0, b.y0, b.x1, b.y1, a.x1, a.y1))) {
        return 1;
    }
    return 0;
}

/// The edges of one ring with continuous longitudes `lons` (consecutive repeated vertices skipped). The ring
/// winds 0 times (checked before), so its closing edge ends at lons[0].
void add_edges(std::vector<Edge> &edges, const std::vector<LonLat> &ring, const std::vector<double> &lons,
               std::size_t ring_index)
{
    const std::size_t first = edges.size();
    const std::size_t n = ring.size();
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t j = (i + 1) % n;
        Edge e{lons[i], ring[i].lat_deg, lons[j], ring[j].lat_deg, ring_index, i};
        if (e.x0 != e.x1 || e.y0 != e.y1) {
            e.seq = edges.size() - first;
            edges.push_back(e);
        }
    }
    for (std::size_t k = first; k < edges.size(); ++k) {
        edges[k].n = edges.size() - first;
    }
}

/// First pair of edges (by a sweep over longitude) that meet where they must not: two edges of one ring that are
/// not consecutive must not meet at all, consecutive ones only at their shared vertex; edges of different rings
/// may touch (a vertex of one on the other) but not cross or overlap.
std::optional<std::pair<Edge, Edge>> find_crossing(std::vector<Edge> edges)
{
    // Sweep along the axis on which the edges overlap least (a comb of long, flat edges is linear along y and
    // quadratic along x). Swapping the axes changes no answer of edges_meet. Worst case (a spiral) stays
    // quadratic: request AOIs are capped in positions for that reason (io).
    double span_x = 0.0, span_y = 0.0, lo_x = 0.0, hi_x = 0.0, lo_y = 0.0, hi_y = 0.0;
    for (std::size_t k = 0; k < edges.size(); ++k) {
        const Edge &e = edges[k];
        span_x += std::abs(e.x1 - e.x0);
        span_y += std::abs(e.y1 - e.y0);
        lo_x = k == 0 ? e.xmin() : std::min(lo_x, e.xmin()), hi_x = k == 0 ? e.xmax() : std::max(hi_x, e.xmax());
        lo_y = k == 0 ? std::min(e.y0, e.y1) : std::min({lo_y, e.y0, e.y1});
        hi_y = k == 0 ? std::max(e.y0, e.y1) : std::max({hi_y, e.y0, e.y1});
    }
    const bool swap = span_y * (hi_x - lo_x) < span_x * (hi_y - lo_y);
    if (swap) {
        for (Edge &e : edges) {
            std::swap(e.x0, e.y0);
            std::swap(e.x1, e.y1);
        }
    }
    auto unswapped = [&](Edge e) {
        if (swap) {
            std::swap(e.x0, e.y0);
            std::swap(e.x1, e.y1);
        }
        return e;
    };
    std::sort(edges.begin(), edges.end(), [](const Edge &a, const Edge &b) { return a.xmin() < b.xmin(); });
    struct Box {
        double xmax, ymin, ymax;
        std::size_t k;
    };
    std::vector<Box> active; // edges whose x-range may still reach the sweep position
    for (std::size_t k = 0; k < edges.size(); ++k) {
        const Edge &e = edges[k];
        const double x = e.xmin(), ymin = std::min(e.y0, e.y1), ymax = std::max(e.y0, e.y1);
        std::size_t kept = 0;
        for (std::size_t i = 0; i < active.size(); ++i) {
            const Box b = active[i];
            if (b.xmax < x) {
                continue; // passed: dropped
            }
            active[kept++] = b;
            if (b.ymin > ymax || b.ymax < ymin) {
                continue;
            }
            const Edge &f = edges[b.k];
            const int meet = edges_meet(e, f);
            if (meet == 0) {
                continue;
            }
            if (e.ring != f.ring) {
                if (meet == 2) {
                    return std::make_pair(unswapped(f), unswapped(e));
                }
                continue;
            }
            // Consecutive edges share their vertex (meet == 1); more is an overlap (the ring turns back on itself).
            const bool consecutive = (e.seq + 1) % e.n == f.seq || (f.seq + 1) % f.n == e.seq;
            if (meet == 2 || !consecutive) {
                return std::make_pair(unswapped(f), unswapped(e));
            }
        }
        active.resize(kept);
        active.push_back(Box{e.xmax(), ymin, ymax, k});
    }
    return std::nullopt;
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
    // Zero area in the plane of the containment rule (collinear vertices, or a ring whose halves cancel), and for
    // an outer ring also on the ellipsoid.
    const auto [area_deg2, diag2] = planar_area_deg2(ring, lons);
    if (!(std::abs(area_deg2) > zero_area_rel * diag2) || (outer && !(ring_area_m2(ring) > 0.0))) {
        throw ConfigError(ErrorCode::out_of_range,
                          fmt::format("the {} encloses no area (its vertices are collinear, or it crosses itself so that "
                                      "its parts cancel)",
                                      outer ? "outer ring" : "hole"),
                          ErrorContext{"", 0, ring_path(multi, p, r), ""});
    }
}

/// A part's rings do not cross themselves or each other, and every hole lies inside the outer ring.
void validate_part_shape(const PolygonPart &part, bool multi, std::size_t p)
{
    const std::vector<double> outer_lons = unwrapped_lons(part.outer);
    const auto [olo, ohi] = std::minmax_element(outer_lons.begin(), outer_lons.end());
    const double mid = 0.5 * (*olo + *ohi);
    std::vector<Edge> edges;
    add_edges(edges, part.outer, outer_lons, 0);
    std::vector<std::vector<double>> hole_lons;
    for (std::size_t h = 0; h < part.holes.size(); ++h) {
        std::vector<double> lons = unwrapped_lons(part.holes[h]);
        // The hole's longitudes brought into the outer ring's interval (both may be written across the antimeridian).
        const double shift = -360.0 * std::round((lons[0] - mid) / 360.0);
        for (double &x : lons) {
            x += shift;
        }
        add_edges(edges, part.holes[h], lons, h + 1);
        hole_lons.push_back(std::move(lons));
    }
    if (const auto c = find_crossing(std::move(edges))) {
        const auto &[a, b] = *c;
        const std::size_t ring = std::max(a.ring, b.ring); // a hole rather than the outer ring
        const std::string what = a.ring == b.ring
                                     ? fmt::format("the ring crosses itself (edges from vertices {} and {})", std::min(a.v, b.v),
                                                   std::max(a.v, b.v))
                                     : fmt::format("ring {} crosses ring {} (edges from vertices {} and {})",
                                                   std::min(a.ring, b.ring), std::max(a.ring, b.ring),
                                                   a.ring < b.ring ? a.v : b.v, a.ring < b.ring ? b.v : a.v);
        throw ConfigError(ErrorCode::syntax, what, ErrorContext{"", 0, ring_path(multi, p, ring), ""});
    }
    // With no crossings, a hole is inside the outer ring when its vertices are (inside or on the boundary).
    for (std::size_t h = 0; h < part.holes.size(); ++h) {
        const auto &hole = part.holes[h];
        for (std::size_t v = 0; v < hole.size(); ++v) {
            const double x = hole_lons[h][v], y = hole[v].lat_deg;
            if (ring_contains(part.outer, outer_lons, y, x)) {
                continue;
            }
            bool on_boundary = false;
            const std::size_t n = part.outer.size();
            for (std::size_t i = 0; i < n && !on_boundary; ++i) {
                const std::size_t j = (i + 1) % n;
                const double x0 = outer_lons[i];
                const double x1 = outer_lons[j];
                on_boundary = orientation(x0, part.outer[i].lat_deg, x1, part.outer[j].lat_deg, x, y) == 0
                              && on_segment(x0, part.outer[i].lat_deg, x1, part.outer[j].lat_deg, x, y);
            }
            if (!on_boundary) {
                throw ConfigError(ErrorCode::syntax,
                                  fmt::format("the hole is not inside the outer ring (its vertex {} is outside)", v),
                                  ErrorContext{"", 0, ring_path(multi, p, h + 1), ""});
            }
        }
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
        validate_part_shape(part, multi, p);
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
