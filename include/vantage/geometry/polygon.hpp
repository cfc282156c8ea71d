#pragma once
/// @file
/// Areas on the ground: polygons and multipolygons of WGS-84 longitude/latitude vertices, the value that
/// GeoJSON `Polygon` / `MultiPolygon` geometries (RFC 7946) become. Used by coverage (areas of interest) and
/// tasking (polygon requests). Parsing is in `vantage::io` (io/geojson.hpp).
///
/// Conventions (stated in docs/formats.md § Areas of interest):
/// - vertices are (longitude, latitude) in degrees, the GeoJSON order; rings are stored **without** the closing
///   repeat of the first vertex; the first ring of a part is its outer boundary, the others are holes;
/// - **containment** follows RFC 7946 §3.1.1: edges are straight lines in longitude/latitude (plate carrée), the
///   even-odd rule decides, a point inside a hole is outside; a ring may cross the antimeridian (consecutive
///   vertices more than 180° apart in longitude are taken the short way round, as RFC 7946 §3.1.9 writes such
///   rings); a ring that encloses a pole is not supported (validate_polygon rejects rings whose longitudes
///   wind once around the globe);
/// - **area** is geodesic on WGS-84 (GeographicLib PolygonArea, edges as geodesics). For edges shorter than
///   ~100 km the geodesic and the plate-carrée edge enclose areas that differ by < 0.1 % (measured in
///   tests/geometry/polygon_test.cpp against the exact area of a parallel-bounded box).

#include <vector>

namespace vantage::geometry {

/// A vertex: longitude and latitude on WGS-84 (degrees; lon in [-180, 180], lat in [-90, 90]).
struct LonLat {
    double lon_deg = 0.0;
    double lat_deg = 0.0;
    bool operator==(const LonLat &) const = default;
};

/// One polygon: an outer ring and optional holes (each ring at least 3 distinct vertices, not closed).
struct PolygonPart {
    std::vector<LonLat> outer;
    std::vector<std::vector<LonLat>> holes;
    bool operator==(const PolygonPart &) const = default;
};

/// A polygon or multipolygon (one or more parts; a point is inside if it is inside any part).
struct Polygon {
    std::vector<PolygonPart> parts;
    bool operator==(const Polygon &) const = default;
};

/// Latitude/longitude bounds. `lon_min_deg` may exceed `lon_max_deg` when the area crosses the antimeridian
/// (the box then runs east from lon_min through 180 to lon_max).
struct LatLonBox {
    double lat_min_deg = 0.0;
    double lat_max_deg = 0.0;
    double lon_min_deg = 0.0;
    double lon_max_deg = 0.0;
};

/// Checks the rules above: at least one part; every ring >= 3 distinct vertices with finite coordinates in
/// range; no ring that winds around a pole; every ring of non-zero area (plate carrée, and an outer ring also
/// on the ellipsoid); no ring that crosses or touches itself (consecutive repeated vertices allowed); holes
/// neither cross their outer ring or each other nor lie outside the outer ring (a hole may touch it at a
/// vertex). The crossing checks are planar in longitude/latitude, like containment; they sweep the edges
/// (n log n for ordinary rings, quadratic in the worst case: a 9,920-vertex spiral takes ~0.15 s).
/// Parts of a multipolygon are not checked against each other.
/// @throws ConfigError (out_of_range for a coordinate or a zero-area ring, syntax for a ring shape,
///         unsupported for a polar ring) whose context field is the GeoJSON path of the offending element, e.g.
///         "coordinates[0][3]" for a Polygon vertex, "coordinates[1]" for its first hole, or
///         "coordinates[1][0][3]" for a MultiPolygon (part 1, ring 0, vertex 3).
/// @param as_multipolygon name elements with the MultiPolygon path (part index first) even for one part
void validate_polygon(const Polygon &polygon, bool as_multipolygon = false);

/// True if the point is inside the polygon (RFC 7946 plate-carrée edges, even-odd rule, holes excluded).
/// Points exactly on an edge may fall either way.
/// @param lat_deg, lon_deg the point (degrees; any longitude, reduced modulo 360)
bool contains(const Polygon &polygon, double lat_deg, double lon_deg);

/// Geodesic area on WGS-84 (km^2, >= 0): outer rings minus holes, summed over the parts.
/// Accuracy: GeographicLib's PolygonArea (exact to round-off for geodesic edges).
double area_km2(const Polygon &polygon);

/// Bounds of all outer rings (holes cannot extend them).
LatLonBox bounding_box(const Polygon &polygon);

} // namespace vantage::geometry
