#pragma once
/// @file
/// Earth-shadow (eclipse) intervals of satellites: the illumination of a point from the Sun and the Earth, and the
/// entries and exits of the penumbra and the umbra found by the access module's event search. Definitions in
/// docs/formats.md § Eclipses (Montenbruck & Gill, Satellite Orbits, 2000, § 3.4.2, conical model).

#include <optional>
#include <span>
#include <vector>

#include "vantage/access/access.hpp"
#include "vantage/core/math.hpp"
#include "vantage/frames/earth_orientation.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::access {

/// Earth shadow model.
enum class ShadowModel {
    conical,     ///< umbra and penumbra of a spherical Sun behind a spherical Earth (the default)
    cylindrical, ///< a cylinder of the Earth's radius behind the Earth, Sun at infinity (no penumbra), as published
                 ///< power benchmarks use
};

/// What a point sees of the Sun.
enum class Illumination {
    sunlit,   ///< the whole disc
    penumbra, ///< part of the disc (conical model only)
    umbra,    ///< none
};

/// Nominal solar radius (IAU 2015 Resolution B3), km.
inline constexpr double sun_radius_km = 695700.0;
/// Radius of the shadowing sphere, km: the WGS-84 equatorial radius (the ellipsoid's shadow is up to 21 km narrower
/// across the poles, a few seconds of a LEO eclipse edge there).
inline constexpr double shadow_earth_radius_km = 6378.137;

/// Shadow functions of a point at `r_km` with the Sun at `sun_km` (both Earth-centred, same frame), in radians,
/// continuous, each zero on one boundary: with a the Sun's apparent radius, b the Earth's and c the angle between
/// the directions to the Sun's and the Earth's centres (conical), `penumbra_rad` = c - (a + b) (< 0 inside the
/// penumbra or umbra) and `umbra_rad` = c - (b - a) (< 0 inside the umbra). Cylindrical: both are
/// (d - R) / |r| behind the Earth (d the distance from the shadow axis), (|r| - R) / |r| in front.
struct ShadowFunctions {
    double penumbra_rad;
    double umbra_rad;
};
ShadowFunctions shadow_functions(const Vec3 &r_km, const Vec3 &sun_km, ShadowModel model);

/// The illumination (the signs of `shadow_functions`).
Illumination illumination(const Vec3 &r_km, const Vec3 &sun_km, ShadowModel model);

/// One pass through the Earth's shadow. Conical: [penumbra_start, penumbra_end] contains [umbra_start, umbra_end]
/// (no umbra on a grazing pass); cylindrical: both are the umbra.
struct Eclipse {
    std::size_t satellite = 0;              ///< index into the satellites
    time::Instant penumbra_start;           ///< entry into the shadow (penumbra, or umbra when cylindrical)
    time::Instant penumbra_end;             ///< exit from the shadow
    std::optional<time::Instant> umbra_start; ///< entry into the umbra (none on a penumbral-only pass)
    std::optional<time::Instant> umbra_end;   ///< exit from the umbra
    bool partial = false;                   ///< cut by the analysis interval
};

/// Eclipses of every satellite in [start, stop] (ITRF positions from SGP4 and `eop`, the Sun of
/// geometry::sun_position_itrf_km). Both shadow functions are sampled every `step_s` and each sign change refined
/// by bisection to 1 ms: an entry and exit of one boundary closer than `step_s` (a grazing pass at the edge of an
/// eclipse season) can be missed; a LEO eclipse otherwise lasts 20-36 min, its penumbra crossings ~10 s each (each
/// boundary is searched on its own function, so their shortness does not matter). Satellites whose SGP4
/// initialisation failed get none.
/// @throws ConfigError(out_of_range) when stop <= start or step_s is not in (0, 600].
std::vector<Eclipse> find_eclipses(std::span<const Satellite> sats, const time::Instant &start, const time::Instant &stop,
                                   const frames::EarthOrientation &eop, ShadowModel model = ShadowModel::conical,
                                   double step_s = 30.0);

} // namespace vantage::access
