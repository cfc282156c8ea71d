#pragma once
/// @file
/// Position of the Sun and its elevation at a ground point.
///
/// Model: ERFA `eraEpv00` (Bretagnon & Francou VSOP87 fit plus planetary terms, valid 1900-2100) gives the
/// Earth's heliocentric position and barycentric velocity in the BCRS (aligned with the ICRS, hence with
/// GCRF axes). The geocentric Sun is minus the Earth's heliocentric position, then corrected for **annual
/// aberration** (`eraAb`, Earth barycentric velocity, ~20.5″) so that the direction is the *apparent* one
/// that matters for lighting. Light time (~499 s) is not applied to the Sun's own motion: the Sun moves
/// ~13 m/s about the barycentre, i.e. ~6 km in 499 s, 0.01″. Gravitational deflection is zero for the
/// Sun itself. TDB is taken as TT (|TDB-TT| < 2 ms, 1e-7″ of solar motion). This is the same algorithm as
/// astropy 5.2's `get_sun`.
///
/// Accuracy: `eraEpv00` states 4.6 km (heliocentric Earth position, 1900-2100), i.e. 0.006″ of direction; the
/// direction is therefore good to ~0.01″ against a rigorous apparent-place computation (the neglected terms
/// above). Measured: agreement with astropy 5.2 `get_sun` (tests/geometry, GeometryCrossCheck) and with the
/// Astronomical Almanac 2006 apparent Sun (GeometryValidation); see docs/accuracy.md.

#include "vantage/core/math.hpp"
#include "vantage/frames/earth_orientation.hpp"
#include "vantage/frames/state.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::geometry {

/// Apparent geocentric position of the Sun (GCRF axes, km): apparent direction (annual aberration applied),
/// geometric distance (~1.47e8..1.52e8 km).
/// @param t instant (valid 1900-2100, the range of `eraEpv00`; outside it the error grows slowly)
Vec3 sun_position_gcrf_km(const time::Instant &t);

/// Apparent position of the Sun in ITRF (km): `sun_position_gcrf_km` rotated with `frames::gcrf_to_itrf`
/// (IAU 2006/2000A, EOP from `eop`).
Vec3 sun_position_itrf_km(const time::Instant &t, const frames::EarthOrientation &eop);

/// Elevation of the Sun's centre above the local horizon at a ground point, against the WGS-84 ellipsoid
/// normal there, topocentric (parallax up to 8.8″ included), without refraction.
/// @param t instant
/// @param site WGS-84 point (latitude in [-90, 90] degrees)
/// @param eop Earth orientation (UT1-UTC and polar motion: without them the Sun's hour angle is off by up to
///        0.9 s of Earth rotation, 13.5″)
/// @return elevation (degrees, [-90, 90])
double sun_elevation_deg(const time::Instant &t, const frames::Geodetic &site, const frames::EarthOrientation &eop);

} // namespace vantage::geometry
