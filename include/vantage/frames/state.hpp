#pragma once
/// @file
/// Reference-frame tags and the typed position/state values that carry them.
///
/// Frames are compile-time tags (Orekit's explicit frames, checked by the compiler): a
/// `StateVector<Teme>` cannot be passed where a `StateVector<Itrf>` is expected. Conversions between
/// frames are free functions named `<from>_to_<to>` in `vantage/frames/transforms.hpp`, and take the
/// Earth-orientation context explicitly.
///
/// Units: positions in km, velocities in km/s, angles in degrees at every boundary.

#include <type_traits>

#include "vantage/core/math.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::frames {

/// True Equator, Mean Equinox: the quasi-inertial frame of SGP4/SDP4 output (Vallado et al. 2006,
/// AAS 06-134, sec. "TEME"). Z along the true (CIP-ish, IAU-76/80) pole of date, X along the mean
/// equinox of date measured along the true equator.
struct Teme {};

/// Geocentric Celestial Reference Frame (IERS Conventions 2010, ch. 5): the inertial frame aligned
/// with the ICRS, origin at the Earth's centre.
struct Gcrf {};

/// International Terrestrial Reference Frame (Earth-fixed; the realisation implied by the EOP in use,
/// ITRF2014/2020 for current IERS/CelesTrak data). WGS-84 coincides with it to a few centimetres.
struct Itrf {};

/// True Of Date: true equator and true equinox of date (IAU-76/80 precession-nutation).
struct Tod {};

/// Whether frame `F` is (quasi-)inertial: true for `Teme`, `Gcrf`, `Tod`; false for `Itrf`.
/// Use it to constrain APIs that need an inertial frame (`requires is_inertial_v<F>`).
template <class F>
inline constexpr bool is_inertial_v = std::is_same_v<F, Teme> || std::is_same_v<F, Gcrf> || std::is_same_v<F, Tod>;

/// A position vector in frame `F`.
template <class F>
struct Position {
    Vec3 r_km; ///< position (km) in frame F
};

/// A position and velocity at an instant, in frame `F`.
/// For Earth-fixed frames (`Itrf`) the velocity is the velocity relative to the rotating frame.
template <class F>
struct StateVector {
    time::Instant t; ///< epoch of the state
    Vec3 r_km;       ///< position (km) in frame F
    Vec3 v_km_s;     ///< velocity (km/s) in frame F
};

/// Geodetic coordinates on the WGS-84 ellipsoid.
struct Geodetic {
    double lat_deg; ///< geodetic latitude (degrees, [-90, 90])
    double lon_deg; ///< longitude east (degrees, (-180, 180] on output; any value on input)
    double h_km;    ///< height above the ellipsoid (km)
    bool operator==(const Geodetic &) const = default;
};

/// Run-time frame identifier, for the `io`/`api` edge only (user input, JSON). Convert to the typed
/// world (`StateVector<Teme>` etc.) immediately.
enum class FrameId { teme, gcrf, itrf };

} // namespace vantage::frames
