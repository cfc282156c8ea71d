#pragma once
/// @file
/// Near-equal-area grids on the WGS-84 ellipsoid for coverage studies, and the regions (areas of interest, latitude
/// bands, the globe) whose points are analysed (docs/coverage.md § Grid).
///
/// The grid at spacing d (km), exactly:
/// - the meridian from the south to the north pole (length 2·Q, Q = 10,001.965729 km the WGS-84 quarter meridian)
///   is cut into N = max(1, round(2Q / d)) rings of equal meridian length Δ = 2Q / N;
/// - ring k (k = 0 at the south pole) spans the meridian distances [kΔ, (k + 1)Δ] from the south pole; its points
///   lie at the geodetic latitude φ_k of meridian distance (k + ½)Δ (GeographicLib's inverse rectifying latitude);
/// - the ring holds n_k = max(1, round(L_k / d)) points, L_k = 2π a cos φ_k / √(1 − e² sin² φ_k) the length of the
///   parallel at φ_k, at longitudes λ_kj = −180° + (j + ½)·360°/n_k, j = 0 … n_k − 1;
/// - each point's cell is the band [φ_k^south, φ_k^north] × [λ_kj − 180°/n_k, λ_kj + 180°/n_k]; its weight is the
///   cell's exact ellipsoidal area, (A/2)(sin ξ_north − sin ξ_south)/n_k with ξ the authalic latitude and A the
///   ellipsoid's area (510,065,621.72 km²), so the weights of the global grid sum to A;
/// - rounding is half away from zero; points are numbered ring by ring from the south, west to east.
/// Cells are near-equal in area: away from the poles a cell is Δ × L_k/n_k ≈ d × d.
///
/// A region's points are the points of this one global grid that belong to it (latitude band: φ_k inside the
/// band; polygon: `geometry::contains` at the point), so the figures of overlapping regions come from the same
/// points. A cell that straddles a polygon's boundary counts whole when its point is inside (STK's grid-point
/// convention); the region's grid area therefore approaches the polygon's area as d shrinks.

#include <cstdint>
#include <string>
#include <vector>

#include "vantage/geometry/polygon.hpp"

namespace vantage::coverage {

/// One grid point and its cell.
struct GridPoint {
    double lat_deg = 0.0;       ///< geodetic latitude of the point (deg)
    double lon_deg = 0.0;       ///< longitude of the point (deg, (−180, 180))
    double weight_km2 = 0.0;    ///< cell area on WGS-84 (km², > 0)
    std::uint32_t ring = 0;     ///< ring index k (0 = southernmost)
    std::uint32_t index_in_ring = 0; ///< j
};

/// The ring layout of the global grid at one spacing.
struct RingLayout {
    double spacing_km = 0.0;    ///< d
    std::uint32_t rings = 0;    ///< N
    double ring_step_km = 0.0;  ///< Δ = 2Q / N (meridian length of a ring)
};

/// Layout of the grid at spacing `spacing_km`.
/// @throws ConfigError(out_of_range, field "grid_km") unless spacing is in [1, 20000] km.
RingLayout ring_layout(double spacing_km);

/// Centre latitude of ring k and its south/north edges (deg).
struct RingLatitudes {
    double center_deg;
    double south_deg;
    double north_deg;
};
RingLatitudes ring_latitudes(const RingLayout &layout, std::uint32_t ring);

/// Number of points in ring k (n_k).
std::uint32_t ring_points(const RingLayout &layout, std::uint32_t ring);

/// Cell bounds of a point: latitudes of its ring edges, longitudes ± 180°/n_k (deg).
geometry::LatLonBox cell_bounds(const RingLayout &layout, const GridPoint &point);

/// A region analysed on the grid.
struct Region {
    enum class Kind { global, latitude_band, polygon };
    std::string name;                 ///< shown in summaries ("global", "lat -60..60", the AOI's name)
    Kind kind = Kind::global;
    double lat_min_deg = -90.0;       ///< latitude band (deg), kind latitude_band
    double lat_max_deg = 90.0;
    geometry::Polygon polygon;        ///< kind polygon (validated by the caller: geometry::validate_polygon)
};

/// The points of the regions: the union of their grid points (each once, in grid order) and each region's members.
struct GridSelection {
    RingLayout layout;
    std::vector<GridPoint> points;                   ///< in grid order (ring, then index in ring)
    std::vector<Region> regions;                     ///< as given
    std::vector<std::vector<std::uint32_t>> members; ///< members[r]: indices into `points` of region r's points
};

/// Selects the grid points of the regions (an empty list means one global region).
/// @throws ConfigError(out_of_range, field "grid_km") for a bad spacing; ConfigError(out_of_range, field "aoi",
///         value the region's name) when a region holds no grid point (smaller than the spacing: use a smaller d);
///         ConfigError(out_of_range, field "lat_min_deg") for an empty or inverted band.
GridSelection select_grid(double spacing_km, std::vector<Region> regions);

/// The whole global grid at spacing d (one global region).
GridSelection global_grid(double spacing_km);

} // namespace vantage::coverage
