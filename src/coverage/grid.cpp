// The near-equal-area coverage grid (definition in include/vantage/coverage/grid.hpp and docs/coverage.md § Grid).

#include "vantage/coverage/grid.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <GeographicLib/Ellipsoid.hpp>
#include <fmt/format.h>

#include "vantage/core/constants.hpp"
#include "vantage/core/error.hpp"

namespace vantage::coverage {

namespace {

const GeographicLib::Ellipsoid &wgs84()
{
    static const GeographicLib::Ellipsoid e(wgs84_a_km, wgs84_f);
    return e;
}

/// Half away from zero (std::round), as the definition states.
std::uint32_t round_count(double x)
{
    return static_cast<std::uint32_t>(std::max(1.0, std::round(x)));
}

/// Latitude (deg) at meridian distance s (km) from the south pole.
double latitude_at_meridian_distance(double s_km)
{
    const auto &e = wgs84();
    const double q = e.QuarterMeridian();
    // Rectifying latitude mu: meridian distance from the equator = Q * mu / 90 deg.
    const double mu_deg = std::clamp(90.0 * (s_km - q) / q, -90.0, 90.0);
    return e.InverseRectifyingLatitude(mu_deg);
}

/// Range of j whose longitude lies in [lo, hi] (deg, lo <= hi, within [-180, 180]) in a ring of n points.
std::pair<std::int64_t, std::int64_t> j_range(double lo, double hi, std::uint32_t n)
{
    // lambda_j = -180 + (j + 0.5) 360 / n  =>  j = (lambda + 180) n / 360 - 0.5
    const double step = 360.0 / n;
    const auto j0 = static_cast<std::int64_t>(std::ceil((lo + 180.0) / step - 0.5 - 1e-9));
    const auto j1 = static_cast<std::int64_t>(std::floor((hi + 180.0) / step - 0.5 + 1e-9));
    return {std::max<std::int64_t>(j0, 0), std::min<std::int64_t>(j1, static_cast<std::int64_t>(n) - 1)};
}

} // namespace

RingLayout ring_layout(double spacing_km)
{
    if (!(spacing_km >= 1.0 && spacing_km <= 20000.0)) {
        throw ConfigError(ErrorCode::out_of_range, "grid spacing must be in [1, 20000] km",
                          ErrorContext{"", 0, "grid_km", fmt::format("{}", spacing_km)});
    }
    const double meridian_km = 2.0 * wgs84().QuarterMeridian();
    RingLayout l;
    l.spacing_km = spacing_km;
    l.rings = round_count(meridian_km / spacing_km);
    l.ring_step_km = meridian_km / l.rings;
    return l;
}

RingLatitudes ring_latitudes(const RingLayout &layout, std::uint32_t ring)
{
    const double k = ring;
    return RingLatitudes{latitude_at_meridian_distance((k + 0.5) * layout.ring_step_km),
                         ring == 0 ? -90.0 : latitude_at_meridian_distance(k * layout.ring_step_km),
                         ring + 1 == layout.rings ? 90.0 : latitude_at_meridian_distance((k + 1.0) * layout.ring_step_km)};
}

std::uint32_t ring_points(const RingLayout &layout, std::uint32_t ring)
{
    const double phi = ring_latitudes(layout, ring).center_deg * deg_to_rad;
    const double e2 = wgs84_f * (2.0 - wgs84_f);
    const double s = std::sin(phi);
    const double parallel_km = two_pi * wgs84_a_km * std::cos(phi) / std::sqrt(1.0 - e2 * s * s);
    return round_count(parallel_km / layout.spacing_km);
}

geometry::LatLonBox cell_bounds(const RingLayout &layout, const GridPoint &p)
{
    const RingLatitudes lat = ring_latitudes(layout, p.ring);
    const double half = 180.0 / ring_points(layout, p.ring);
    return geometry::LatLonBox{lat.south_deg, lat.north_deg, p.lon_deg - half, p.lon_deg + half};
}

GridSelection select_grid(double spacing_km, std::vector<Region> regions)
{
    GridSelection sel;
    sel.layout = ring_layout(spacing_km);
    if (regions.empty()) {
        regions.push_back(Region{"global", Region::Kind::global, -90.0, 90.0, {}});
    }
    std::vector<geometry::LatLonBox> boxes;
    for (const auto &r : regions) {
        geometry::LatLonBox b{-90.0, 90.0, -180.0, 180.0};
        if (r.kind == Region::Kind::latitude_band) {
            if (!(r.lat_min_deg >= -90.0 && r.lat_max_deg <= 90.0 && r.lat_min_deg < r.lat_max_deg)) {
                throw ConfigError(ErrorCode::out_of_range, "a latitude band needs -90 <= lat_min_deg < lat_max_deg <= 90",
                                  ErrorContext{"", 0, "lat_min_deg", fmt::format("{}", r.lat_min_deg)});
            }
            b.lat_min_deg = r.lat_min_deg;
            b.lat_max_deg = r.lat_max_deg;
        } else if (r.kind == Region::Kind::polygon) {
            b = geometry::bounding_box(r.polygon);
        }
        boxes.push_back(b);
    }
    sel.regions = std::move(regions);
    sel.members.resize(sel.regions.size());

    const auto &ell = wgs84();
    const double half_area_km2 = ell.Area() / 2.0;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> hits; // (j, region) of one ring
    for (std::uint32_t k = 0; k < sel.layout.rings; ++k) {
        const RingLatitudes lat = ring_latitudes(sel.layout, k);
        const std::uint32_t n = ring_points(sel.layout, k);
        hits.clear();
        for (std::uint32_t r = 0; r < sel.regions.size(); ++r) {
            const auto &b = boxes[r];
            if (lat.center_deg < b.lat_min_deg || lat.center_deg > b.lat_max_deg) {
                continue;
            }
            const auto &region = sel.regions[r];
            auto add_range = [&](double lo, double hi) {
                const auto [j0, j1] = j_range(lo, hi, n);
                for (std::int64_t j = j0; j <= j1; ++j) {
                    const double lon = -180.0 + (static_cast<double>(j) + 0.5) * 360.0 / n;
                    if (region.kind != Region::Kind::polygon || geometry::contains(region.polygon, lat.center_deg, lon)) {
                        hits.emplace_back(static_cast<std::uint32_t>(j), r);
                    }
                }
            };
            if (b.lon_min_deg <= b.lon_max_deg) {
                add_range(b.lon_min_deg, b.lon_max_deg);
            } else { // crosses the antimeridian: east from lon_min through 180 to lon_max
                add_range(b.lon_min_deg, 180.0);
                add_range(-180.0, b.lon_max_deg);
            }
        }
        if (hits.empty()) {
            continue;
        }
        std::sort(hits.begin(), hits.end());
        // Exact ellipsoidal zone area between the ring edges (authalic latitude), shared by its n cells.
        const double zone_km2 = half_area_km2 * (std::sin(ell.AuthalicLatitude(lat.north_deg) * deg_to_rad)
                                                 - std::sin(ell.AuthalicLatitude(lat.south_deg) * deg_to_rad));
        std::uint32_t last_j = UINT32_MAX;
        for (const auto &[j, r] : hits) {
            if (j != last_j) {
                GridPoint p;
                p.lat_deg = lat.center_deg;
                p.lon_deg = -180.0 + (j + 0.5) * 360.0 / n;
                p.weight_km2 = zone_km2 / n;
                p.ring = k;
                p.index_in_ring = j;
                sel.points.push_back(p);
                last_j = j;
            }
            auto &m = sel.members[r];
            const auto idx = static_cast<std::uint32_t>(sel.points.size() - 1);
            if (m.empty() || m.back() != idx) {
                m.push_back(idx);
            }
        }
    }
    for (std::size_t r = 0; r < sel.regions.size(); ++r) {
        if (sel.members[r].empty()) {
            throw ConfigError(ErrorCode::out_of_range,
                              fmt::format("the area holds no point of the {} km grid; use a smaller grid spacing", spacing_km),
                              ErrorContext{"", 0, "aoi", sel.regions[r].name});
        }
    }
    return sel;
}

GridSelection global_grid(double spacing_km)
{
    return select_grid(spacing_km, {});
}

} // namespace vantage::coverage
