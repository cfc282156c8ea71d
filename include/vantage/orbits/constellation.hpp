#pragma once
/// @file
/// Constellation design: Walker delta and star patterns, sun-synchronous orbits from altitude and the local time
/// of a node, and single circular orbits, produced as SGP4 mean element sets (`ElementSet`) that any SGP4 reader
/// (python-sgp4, Skyfield, satellite.js, STK) propagates to the designed orbit. Writing them as TLE / OMM is
/// `vantage::io` (format_tle, format_omm_*).
///
/// Conventions (docs/coverage.md § Constellation design):
/// - **Altitude** is the SGP4 mean altitude: the Brouwer mean semi-major axis that SGP4 recovers from the
///   element set's Kozai mean motion (Vallado 2006 `initl`: a1 = (ke/n)^(2/3), the δ1/δ0 J2 correction, a0'' =
///   (ke/n0'')^(2/3)) minus the equatorial radius of SGP4's gravity model (WGS-72: 6378.135 km). The Kozai mean
///   motion written to the file is found by inverting that correction (fixed point, converged to 1e-15 relative).
///   The time-averaged SGP4 radius of a circular orbit differs from a0'' by SGP4's J2 short-period term,
///   −0.75 J2 Re² (3cos²i − 1)/a0'' (+0.4 km at 53°, −4.5 km for sun-synchronous orbits).
/// - Orbits are circular in SGP4's mean elements (eccentricity 0, argument of perigee 0), so the mean anomaly is
///   the argument of latitude u, measured from the ascending node. No drag (B* = 0).
/// - Every value is rounded to the precision of its TLE field (angles 1e-4°, mean motion 1e-8 rev/day, epoch
///   1e-8 day ≤ 0.44 ms), so a TLE and an OMM of the same design describe the same orbit; all rates below are
///   those of the rounded elements.
/// - **Sun-synchronous**: the inclination makes SGP4's secular nodal rate (J2, J2² and J4 terms, Vallado 2006
///   `sgp4init` nodedot) equal the mean Sun's rate in right ascension, 0.98564736629°/day (the IAU-82 GMST rate
///   minus one turn per UT day; 360° per tropical year). The closed J2 condition
///   cos i = −Ω̇☉ / (1.5 n J2 (Re/p)²) starts a secant iteration on SGP4's own rate.
/// - **Local time of the node** is mean local solar time: MLT = UT1 + λ/15° at the node crossing, λ its
///   Earth-fixed longitude. With the mean Sun's right ascension α☉(t) = GMST82(t) − 15°·(UT(t) − 12 h) in TEME, a
///   node of local time L has RAAN = α☉(epoch) + 15°·(L − 12 h). The apparent (true) Sun differs from the mean
///   Sun by the equation of time (±16 min); EO missions quote mean local time. UT1 is taken as UTC (< 1 s).
/// - **Walker** i:T/P/F (Walker 1984, "Satellite constellations", JBIS 37): P planes of S = T/P satellites, plane
///   j at RAAN Ω0 + j·spread/P (spread 360° for delta, 180° for star), satellite k of plane j at u = u0 +
///   k·360°/S + j·F·360°/T. Satellites are numbered plane by plane.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vantage/orbits/element_set.hpp"
#include "vantage/orbits/sgp4_propagator.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::orbits {

/// The mean Sun's rate in right ascension (deg/day): d(GMST82)/d(UT) − 360°/day.
inline constexpr double mean_sun_rate_deg_day = 0.98564736629;

/// What every designed element set shares.
struct DesignCommon {
    time::Instant epoch;                 ///< element-set epoch (UTC at the edges; rounded to 1e-8 day)
    std::uint32_t first_norad_id = 80000; ///< catalog number of the first satellite; the others follow ([0, 339999])
    std::string name_prefix = "VANTAGE"; ///< object names are "<prefix>-P<plane>-S<sat>" (1-based, 2 digits)
    GravityModel gravity = GravityModel::wgs72; ///< model whose mean elements are produced (TLEs use WGS-72)
};

/// Walker pattern type.
enum class WalkerType {
    delta, ///< planes spread over 360° of RAAN (default spread)
    star,  ///< planes spread over 180° of RAAN (polar "streets of coverage")
};

/// Walker i:T/P/F.
struct WalkerSpec {
    WalkerType type = WalkerType::delta;
    int total = 0;                         ///< T, total satellites (>= 1)
    int planes = 0;                        ///< P, planes (>= 1, divides T)
    int phasing = 0;                       ///< F, relative phasing ([0, P − 1])
    double altitude_km = 0.0;              ///< SGP4 mean altitude (km, [150, 40000])
    double inclination_deg = 0.0;          ///< (deg, [0, 180])
    std::optional<double> raan_spread_deg; ///< RAAN span of the planes (deg, (0, 360]); default 360 delta / 180 star
    double raan0_deg = 0.0;                ///< RAAN of plane 0 (deg, any; reduced to [0, 360))
    double arg_latitude0_deg = 0.0;        ///< argument of latitude of satellite 0 of plane 0 (deg, any)
};

/// Which node a local time refers to.
enum class NodeKind { ascending, descending };

/// Sun-synchronous planes: one plane per local time, `sats_per_plane` satellites evenly spaced in each.
struct SsoSpec {
    double altitude_km = 0.0;          ///< SGP4 mean altitude (km, [150, 5900]; above ~5,970 km no SSO exists)
    std::vector<double> local_times_h; ///< mean local solar time of the node of each plane (h, [0, 24)), >= 1 entry
    NodeKind node = NodeKind::ascending; ///< the node the local times refer to
    int sats_per_plane = 1;            ///< satellites per plane (>= 1)
    int phasing = 0;                   ///< Walker-like phasing between planes: plane j shifted by j·F·360°/T (>= 0)
    double arg_latitude0_deg = 0.0;    ///< argument of latitude of satellite 0 of plane 0 (deg)
};

/// One circular orbit given by its elements.
struct CircularOrbitSpec {
    double altitude_km = 0.0;        ///< SGP4 mean altitude (km, [150, 40000])
    double inclination_deg = 0.0;    ///< (deg, [0, 180])
    double raan_deg = 0.0;           ///< RAAN in TEME of epoch (deg)
    double arg_latitude_deg = 0.0;   ///< argument of latitude at epoch (deg)
};

/// SGP4's Kozai mean motion (rev/day) whose Brouwer mean semi-major axis is R_e + altitude (see the file comment).
/// @param altitude_km mean altitude (km, > −R_e/2); @param inclination_deg (deg); @param eccentricity [0, 1)
double sgp4_mean_motion_rev_day(double altitude_km, double inclination_deg, double eccentricity = 0.0,
                                GravityModel gravity = GravityModel::wgs72);

/// SGP4 mean altitude of an element set (km): (ke / n0'')^(2/3)·R_e − R_e from SGP4's own initialisation.
double sgp4_mean_altitude_km(const ElementSet &elements, GravityModel gravity = GravityModel::wgs72);

/// SGP4's secular nodal rate of an element set (deg/day; B* = 0 gives a constant rate).
double sgp4_nodal_rate_deg_day(const ElementSet &elements, GravityModel gravity = GravityModel::wgs72);

/// Inclination of a circular sun-synchronous orbit (deg, (90, 180)), rounded to 1e-4° (the TLE field).
/// @throws ConfigError(out_of_range, field "altitude_km") when no sun-synchronous orbit exists at that altitude.
double sun_synchronous_inclination_deg(double altitude_km, GravityModel gravity = GravityModel::wgs72);

/// Right ascension of the mean Sun in TEME at `t` (deg, [0, 360)): GMST82(t) − 15°·(UTC hours − 12).
double mean_sun_right_ascension_deg(const time::Instant &t);

/// RAAN (deg, [0, 360)) of a node of mean local time `local_time_h` at `epoch` (the file comment).
double raan_for_local_time_deg(double local_time_h, NodeKind node, const time::Instant &epoch);

/// Mean local solar time (h, [0, 24)) of a node of an element set at its epoch: 12 h + (RAAN − α☉(epoch))/15°
/// (+12 h for the descending node). The inverse of `raan_for_local_time_deg`.
double mean_local_time_of_node_h(const ElementSet &elements, NodeKind node);

/// Walker constellation, T element sets plane by plane.
/// @throws ConfigError(out_of_range | invalid_argument) naming the WalkerSpec field ("total", "planes", "phasing",
///         "altitude_km", "inclination_deg", "raan_spread_deg") or the DesignCommon field ("first_norad_id").
std::vector<ElementSet> walker_constellation(const WalkerSpec &spec, const DesignCommon &common);

/// Sun-synchronous constellation: planes in `local_times_h` order, satellites within each plane.
/// @throws ConfigError as walker_constellation ("altitude_km", "local_times_h", "sats_per_plane", "phasing").
std::vector<ElementSet> sun_synchronous_constellation(const SsoSpec &spec, const DesignCommon &common);

/// Circular orbits given one by one (a custom list): one element set each, numbered in order, named
/// "<prefix>-<n>" (n 1-based, 3 digits).
/// @throws ConfigError as walker_constellation ("orbits[i].altitude_km", "orbits[i].inclination_deg").
std::vector<ElementSet> circular_orbits(const std::vector<CircularOrbitSpec> &orbits, const DesignCommon &common);

} // namespace vantage::orbits
