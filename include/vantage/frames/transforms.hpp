#pragma once
/// @file
/// Frame transformations between TEME, ITRF and GCRF, and geodetic coordinates on WGS-84.
///
/// Naming: `<from>_to_<to>`; every Earth-fixed conversion takes the `EarthOrientation` context explicitly.
/// Positions in km, velocities in km/s; ITRF velocities are relative to the rotating Earth.
///
/// Models:
/// - TEME <-> ITRF: Vallado, Crawford, Hujsak & Kelso 2006 (AIAA 2006-6753, "Revisiting Spacetrack Report
///   #3", appendix C `teme2ecef`): GMST IAU-1982 on UT1, rotation about Z, polar motion, Earth rate scaled
///   by LOD. This is the convention SGP4 was fitted in; no equation of the equinoxes (TEME's X axis is the
///   mean equinox).
/// - ITRF <-> GCRF: IAU 2006/2000A, CIO based (IERS Conventions 2010 ch. 5, eqs. 5.1, 5.5-5.7, 5.10), with
///   ERFA: X,Y from `eraXy06` plus dX,dY from the EOP, s from `eraS06`, ERA from `eraEra00` on UT1, polar
///   motion `eraPom00` with s' from `eraSp00` on TT.
/// - TEME <-> GCRF: composed through ITRF (so it inherits both models; the EOP cancel to first order).
///
/// Accuracy (measured; tests/frames/, docs/accuracy.md):
/// - TEME -> ITRF vs Vallado, Seago & Seidelmann 2006 (AAS 06-134) LEO example (printed to 0.1 mm and
///   1e-9 km/s): 0.07 mm and 0.7 µm/s once Vallado's own rounding of the UT1 Julian date to one double is
///   reproduced; 8.6 mm / 4.2 µm/s with the exact two-part UT1 (his rounding moves GMST by 1.07e-9 rad).
/// - ITRF -> GCRF vs the same paper's IAU-2000A vectors: 19.2 mm / 5.5 µm/s (LEO), 80.6 mm / 5.6 µm/s (GEO),
///   identical to Orekit's IERS-2010 result: a model difference (IAU 2000 vs 2006 precession), not an error.
/// - vs skyfield 1.45 on 600 states LEO..GEO, Oct 2025, real EOP: ITRF position 2.5 mm (skyfield applies s'),
///   ITRF velocity 5.8 µm/s (skyfield rotates about the ITRS Z axis instead of the CIP; 0.5 nm/s once
///   that convention is matched), GCRF position 9.0 cm (skyfield has no dX/dY; 2.8 mm with dX = dY = 0).
/// - Round trips (exact rotation inverses): ~1e-15 relative, tested at 1e-12.
/// Without EOP (empty context, or outside the table) UT1=UTC and the pole is at the CIP: Earth-fixed
/// positions are then off by up to ~440 m at the surface (more at altitude).

#include "vantage/core/math.hpp"
#include "vantage/frames/earth_orientation.hpp"
#include "vantage/frames/state.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::frames {

/// Nominal Earth rotation rate (rad/s), Vallado 2006 / IERS: 7.292115146706979e-5 rad/s. The rate used
/// at an instant is `earth_rate_rad_s * (1 - LOD / 86400 s)`.
inline constexpr double earth_rate_rad_s = 7.29211514670698e-05;

/// Greenwich mean sidereal time, IAU 1982 model (Aoki et al. 1982; Vallado 2006 `gstime`), via `eraGmst82`.
/// @param ut1 two-part UT1 Julian date (e.g. `t.ut1_jd(eop.at(t).ut1_minus_utc_s)`)
/// @return GMST (radians, [0, 2π))
/// Accuracy: the formula itself, to ~1e-15 rad of double rounding (two-part date kept apart).
double gmst82_rad(const time::JulianDate &ut1);

/// TEME (SGP4 output) to ITRF, Vallado 2006 `teme2ecef` (AIAA 2006-6753 eqs. C-1..C-3):
/// r_itrf = W^T R3(GMST) r_teme, v_itrf = W^T (R3(GMST) v_teme - ω × r_pef), ω = earth rate × (1 - LOD/86400).
/// @param s TEME state (km, km/s) at `s.t`
/// @param eop Earth orientation: UT1-UTC, LOD, xp, yp are used (dψ, dε are not: TEME is defined without them)
/// @return ITRF state (km, km/s relative to the rotating Earth) at the same instant
StateVector<Itrf> teme_to_itrf(const StateVector<Teme> &s, const EarthOrientation &eop);

/// Inverse of `teme_to_itrf` (exact rotation inverse; round trip ~1e-12 relative).
StateVector<Teme> itrf_to_teme(const StateVector<Itrf> &s, const EarthOrientation &eop);

/// ITRF to GCRF, IAU 2006/2000A CIO based (IERS Conventions 2010 eq. 5.1: [GCRS] = Q(t) R(t) W(t) [ITRS]),
/// with dX, dY from the EOP added to the model X, Y. Velocity includes Earth rotation:
/// v_gcrf = Q R (W v_itrf + ω × r_tirs).
/// @param s ITRF state (km, km/s relative to the rotating Earth)
/// @param eop Earth orientation: UT1-UTC, LOD, xp, yp, dX, dY
StateVector<Gcrf> itrf_to_gcrf(const StateVector<Itrf> &s, const EarthOrientation &eop);

/// GCRF to ITRF, inverse of `itrf_to_gcrf`.
StateVector<Itrf> gcrf_to_itrf(const StateVector<Gcrf> &s, const EarthOrientation &eop);

/// TEME to GCRF through ITRF (`itrf_to_gcrf(teme_to_itrf(s))`).
StateVector<Gcrf> teme_to_gcrf(const StateVector<Teme> &s, const EarthOrientation &eop);

/// GCRF to TEME through ITRF (`itrf_to_teme(gcrf_to_itrf(s))`).
StateVector<Teme> gcrf_to_teme(const StateVector<Gcrf> &s, const EarthOrientation &eop);

/// Earth-fixed Cartesian (ITRF, km) to geodetic latitude, longitude and height on WGS-84, with
/// GeographicLib::Geocentric::WGS84() (Karney's closed form; error below 7 nm for points within 5000 km
/// of the surface, GeographicLib Geocentric.hpp).
/// @param r_km ITRF position (km), finite
/// @return latitude (deg, [-90, 90]), longitude (deg, [-180, 180]), height above the ellipsoid (km)
/// @throws Error(ErrorCode::invalid_argument) for a non-finite component.
Geodetic itrf_to_geodetic(const Vec3 &r_km);

/// Geodetic (WGS-84) to Earth-fixed Cartesian (ITRF, km) with GeographicLib::Geocentric::WGS84().
/// @param g latitude (deg, [-90, 90]), longitude (deg, any finite value), height (km, finite)
/// @throws Error(ErrorCode::invalid_argument) for a latitude outside [-90, 90] or a non-finite value.
Vec3 geodetic_to_itrf(const Geodetic &g);

} // namespace vantage::frames
