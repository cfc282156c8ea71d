#pragma once
// Internal to the access module (visible to its tests): the satellite ephemeris (ITRF, interpolated from SGP4 nodes), its rate bounds,
// and the satellite frame (geodetic nadir, "right", "along" and their time derivatives) that the switching
// functions use. The bounds are the ingredients of the certificates in docs/accuracy.md § Access windows.

#include <cstddef>
#include <vector>

#include "vantage/core/math.hpp"
#include "vantage/frames/earth_orientation.hpp"
#include "vantage/orbits/sgp4_propagator.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::access::detail {

inline constexpr double earth_mu_km3_s2 = 398600.4418;

/// Satellite state from the ephemeris: ITRF position (km), velocity (km/s) and, where asked, the
/// acceleration of the interpolated velocity (km/s^2).
struct SatState {
    Vec3 r;
    Vec3 v;
    Vec3 a;
};

/// Bounds over one ephemeris (all with margin). Names follow docs/accuracy.md: U* for the line of sight from a
/// ground point, N* for the geodetic nadir, R* for the unit "right" vector, A* for the unit "along" vector.
struct SatBounds {
    double v_max = 0.0;       ///< max ITRF speed (km/s)
    double r_min = 0.0;       ///< min geocentric radius (km)
    double r_max = 0.0;       ///< max geocentric radius (km)
    double h_min = 0.0;       ///< min height above the ellipsoid (km), >= 1
    double a_max = 0.0;       ///< max ITRF acceleration (km/s^2)
    double j_max = 0.0;       ///< max ITRF jerk (km/s^3)
    double omega_dir = 0.0;   ///< max turn rate of the geocentric direction r/|r| (rad/s)
    double n1 = 0.0;          ///< |nadir'| (rad/s)
    double n2 = 0.0;          ///< |nadir''| (rad/s^2)
    double w_floor = 0.0;     ///< min |nadir x v| (km/s)
    double r1 = 0.0;          ///< |right'| (rad/s)
    double r2 = 0.0;          ///< |right''| (rad/s^2)
    double a1 = 0.0;          ///< |along'| (rad/s)
    double a2 = 0.0;          ///< |along''| (rad/s^2)
};

/// TEME -> ITRF for many instants of one span, from exact transforms at knots <= 1 h apart (details in
/// ephemeris.cpp).
class TemeToItrf {
public:
    TemeToItrf(const time::Instant &start, double t0_s, double t1_s, const frames::EarthOrientation &eop);
    void apply(double tau, const Vec3 &r_teme, const Vec3 &v_teme, Vec3 &r, Vec3 &v) const;

private:
    struct Knot {
        Mat3 a;
        Vec3 omega;
        double omega_mag = 0.0;
        double rate = 0.0;
    };
    double m_t0_s;
    double m_h_s = 3600.0;
    std::vector<Knot> m_knots;
};

/// Six-point Lagrange interpolation of the ITRF state sampled from SGP4 over [t0_s, t0_s + span_s] (seconds from
/// `start`), nodes <= 30 s and <= 0.03 rad of orbital motion apart.
class Ephemeris {
public:
    /// @param rot TEME -> ITRF over (at least) [t0_s, t0_s + span_s], shared by all satellites of a search
    /// @param max_step_s largest node spacing wanted by the caller (s; the spacing is also <= 60 s and <= 0.06 rad
    ///        of orbital motion)
    /// @throws DomainError(sgp4_*) when SGP4 fails at a node.
    Ephemeris(const orbits::Sgp4Propagator &prop, const time::Instant &start, double t0_s, double span_s,
              const TemeToItrf &rot, double max_step_s = 60.0);

    /// Interpolated position and velocity (and, with `with_accel`, the derivative of the interpolated velocity).
    SatState at(double tau_s, bool with_accel = false) const;
    /// The node state itself (exact: the interpolant passes through it); `a` is the derivative of the interpolated
    /// velocity on the piece that starts at the node.
    const SatState &node(std::size_t k) const noexcept { return m_nodes[k]; }

    std::size_t nodes() const noexcept { return m_nodes.size(); }
    double step_s() const noexcept { return m_step_s; }
    double t0_s() const noexcept { return m_t0_s; }
    double node_tau(std::size_t k) const noexcept { return m_t0_s + m_step_s * static_cast<double>(k); }
    const SatBounds &bounds() const noexcept { return m_bounds; }

private:
    void compute_bounds();

    double m_t0_s = 0.0;
    double m_step_s = 30.0;
    std::vector<SatState> m_nodes;
    SatBounds m_bounds;
};

/// The satellite frame at one instant (docs/formats.md § Geometry definitions), with time derivatives.
struct SatFrame {
    Vec3 r = Vec3::Zero(), v = Vec3::Zero(), a = Vec3::Zero();
    Vec3 nadir = Vec3::Zero(), dnadir = Vec3::Zero(); ///< geodetic nadir (unit) and its rate
    Vec3 right = Vec3::Zero(), dright = Vec3::Zero(); ///< unit(nadir x v) and its rate
    Vec3 along = Vec3::Zero(), dalong = Vec3::Zero(); ///< right x nadir (unit, the horizontal direction of motion)
    Vec3 north = Vec3::Zero();                        ///< local north at the sub-satellite point
    double h_km = 0.0;    ///< geodetic height (km)
    double dh_km_s = 0.0; ///< its rate (km/s)
};

/// Unit WGS-84 normal ("up") through an ITRF point, its geodetic height and latitude/longitude trigonometry, by
/// Bowring's iteration (two steps: < 1e-15 rad against GeographicLib from the ground to beyond GEO;
/// AccessValidation.FastGeodeticMatchesGeographicLib).
struct FastGeodetic {
    Vec3 up;
    double h_km;
    double sin_lat, cos_lat, sin_lon, cos_lon;
};
FastGeodetic fast_geodetic(const Vec3 &r_km);

/// Frame of a state (the acceleration is needed for the rates of "right" and "along").
SatFrame make_frame(const SatState &st, bool with_rates);

} // namespace vantage::access::detail
