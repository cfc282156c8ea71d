#pragma once
// Internal to the access module (visible to its tests): the switching functions of stations and sensors, their rates and
// second-derivative bounds, and the AND / OR combination with certified sign-keeping spans
// (docs/accuracy.md § Access windows).
//
// A site-satellite pair is described by a `Spec`: an OR over modes of an AND over terms. Each term is a smooth
// switching function g(t) >= 0 built from a few line-of-sight quantities (`SiteQ`):
//   E = u.up  (sine of the elevation; u = unit site -> satellite)       C = los.nadir (cosine of the off-nadir angle)
//   X = los.right (cross-track component of los = -u)                    A = los.along (along-track component)
//   S = sine of the Sun's elevation at the site
// and each returns g and g' at a point; `term_bounds` gives |g''| <= M and the error eps of the computed g' (the
// interpolated velocity is not exactly the derivative of the interpolated position) for a lower bound rho_lo
// on the range. The Sun term and azimuth masks are first-order (a Lipschitz bound); everything else second order.

#include <cstdint>
#include <utility>
#include <vector>

#include "vantage/access/detail/ephemeris.hpp"
#include "vantage/core/math.hpp"
#include "vantage/geometry/detail/sun_table.hpp"
#include "vantage/geometry/sensor.hpp"
#include "vantage/geometry/site.hpp"

namespace vantage::access::detail {

/// Bound on |v_interp - d r_interp / dt| (km/s): SGP4's velocity differs from the derivative of its position by
/// ~1 m/s, the six-point interpolants add < 1 mm/s; 20x margin.
inline constexpr double vel_mismatch_km_s = 0.02;
/// Bound on the rate of the Sun's elevation at a fixed ground point: Earth rotation plus the Sun's own apparent
/// motion (< 1.02 deg/day = 2.1e-7 rad/s), with margin.
double sun_rate_bound_rad_s();
/// Mean Earth radius of the fixed-optical half-swath angle (geometry::half_swath_angle_deg's default).
inline constexpr double mean_radius_km = 6371.0088;
/// Range lower bound used by a point span: the span is capped at kappa rho / v_max so that rho stays >= (1-kappa) rho.
inline constexpr double span_kappa = 0.25;

/// One ground point as the engine sees it.
struct Site {
    Vec3 r;    // ITRF (km)
    Vec3 up;   // ellipsoid normal
    Vec3 east;
    Vec3 north;
    Vec3 unit; // geocentric direction (for pruning)
};
Site make_site(const frames::Geodetic &g);

enum class TermKind : std::uint8_t {
    elev_min, ///< E - th            (station mask, elevation >= 0, SAR incidence max)
    elev_max, ///< th - E            (SAR incidence min)
    cone,     ///< C - th, th = cos(max off-nadir)
    side,     ///< sgn X             (look side: +1 right, -1 left)
    swath,    ///< k(h) C + sgn X,   k(h) = p1 / (p2 + h) = tan(half-swath angle at height h)
    along,    ///< th C + sgn A,     th = tan(along-track half-angle)
    sun,      ///< S - th            (first order)
    mask,     ///< azimuth-dependent station mask: elevation - mask(azimuth) (first order, angles)
};

struct Term {
    TermKind kind = TermKind::elev_min;
    double th = 0.0;
    double sgn = 1.0;
    double p1 = 0.0; // swath: R sin(lambda)
    double p2 = 0.0; // swath: R (1 - cos(lambda))
};

struct Mode {
    std::vector<Term> terms; // all must hold
};

enum class Objective : std::uint8_t { max_elevation, min_off_nadir, min_along };

struct Spec {
    bool station = false;
    std::vector<Mode> modes; // any must hold (one mode for stations and sensors without modes)
    Objective objective = Objective::max_elevation;
    geometry::PassDirection pass = geometry::PassDirection::any;
    bool needs_frame = false;     // some term uses C, X or A (targets always do, for the off-nadir objective)
    bool needs_accel = false;     // some term uses X or A rates
    bool uses_sun = false;
    // station mask (kind mask)
    std::vector<std::pair<double, double>> mask_rad; // (azimuth, min elevation), sorted by azimuth
    double mask_lo_rad = 0.0;
    double mask_hi_rad = 0.0;
    double mask_slope = 0.0;
    bool const_mask = false; // station with a constant mask: the single term elev_min
};

Spec spec_for_station(const geometry::GroundStation &g);
/// @throws ConfigError from geometry::validate_sensor
Spec spec_for_sensor(const geometry::Sensor &sensor);

/// Earth central angle from the sub-satellite direction beyond which no site can satisfy the spec, for a satellite
/// at radius r and sites at radius >= rs (sphere); `h_min_km` (a lower bound on the satellite's height) gives the
/// swath terms' largest half-swath angle.
double footprint_rad(const Spec &s, double r_km, double rs_km, double h_min_km);

double mask_at(const Spec &s, double az_rad);

/// The line-of-sight quantities of one site at one satellite frame.
struct SiteQ {
    double rho = 0.0;
    double E = 0.0, dE = 0.0;
    double C = 0.0, dC = 0.0;
    double X = 0.0, dX = 0.0;
    double A = 0.0, dA = 0.0;
    double S = 0.0;
};
/// @param with_frame compute C, X, A (needs `f.nadir`, `f.right`, `f.along` and their rates)
/// @param sun_itrf Sun position (km) when `with_sun`
SiteQ site_quantities(const SatFrame &f, const Site &s, bool with_frame, bool with_sun, const Vec3 &sun_itrf);

/// Value and rate of one smooth term (not `mask`) from the quantities and the frame height.
struct TermValue {
    double g;
    double d;
};
TermValue term_value(const Term &t, const SiteQ &q, const SatFrame &f);
/// The swath coefficient k = tan(half-swath angle) = p1 / (p2 + h) and its rate at a frame (0 for other terms).
void swath_k(const Term &t, const SatFrame &f, double &k, double &dk);
/// term_value with the swath coefficient given (the node path keeps it per node).
TermValue term_value_k(const Term &t, const SiteQ &q, double k, double dk);

/// |g''| <= m and |g'_computed - g'| <= eps for a smooth term over a stretch where the range stays >= rho_lo.
struct TermBound {
    double m;
    double eps;
};
/// The same bounds as coefficients: m = c2 U2 + c1 U1 + c0 and eps = e1 vm / rho_lo + e0 with U1 = v_max / rho_lo,
/// U2 = a_max / rho_lo + 2 v_max^2 / rho_lo^2 (the vectorised kernel evaluates them per site).
struct TermCoef {
    double c2, c1, c0, e1, e0;
};
TermCoef term_coef(const Term &t, const SatBounds &b);
TermBound term_bound(const Term &t, double rho_lo, const SatBounds &b);

/// Second-order certified span of a smooth term from a point, in direction dir (+1 forward, -1 backward): the sign
/// of g cannot change within it. |g(t + dir s) | >= |g| + q s - m s^2 / 2 with q = sign(g) dir g' - eps.
double span2(double g, double d, double m, double eps, double dir);

/// Value and certified sign-keeping span of the combined switching function at one instant (the sweep's sample).
struct Eval {
    double g;         // >= 0: the spec holds
    double skip;      // g keeps its sign on [tau, tau + skip) (s)
};

/// Conjunction: G = min g_i. If G < 0, G stays negative at least as long as the longest certified span among the
/// negative constraints; if G >= 0, as long as the shortest certified span of all.
struct AndAcc {
    double g = 1e300;
    double skip_min = 1e300;
    double skip_neg = 0.0;
    bool neg = false;
    void add(double gi, double si)
    {
        g = gi < g ? gi : g;
        skip_min = si < skip_min ? si : skip_min;
        if (gi < 0.0) {
            neg = true;
            skip_neg = si > skip_neg ? si : skip_neg;
        }
    }
    Eval result() const { return {g, neg ? skip_neg : skip_min}; }
};

/// Disjunction (the dual): G = max g_i. If G >= 0, G stays non-negative at least as long as the longest certified
/// span among the positive constraints; if G < 0, as long as the shortest certified span of all.
struct OrAcc {
    double g = -1e300;
    double skip_min = 1e300;
    double skip_pos = 0.0;
    bool pos = false;
    void add(double gi, double si)
    {
        g = gi > g ? gi : g;
        skip_min = si < skip_min ? si : skip_min;
        if (gi >= 0.0) {
            pos = true;
            skip_pos = si > skip_pos ? si : skip_pos;
        }
    }
    Eval result() const { return {g, pos ? skip_pos : skip_min}; }
};

/// Everything a scalar evaluation of one satellite-site pair needs.
struct Context {
    const Spec *spec;
    const Site *site;
    const Ephemeris *eph;
    const geometry::detail::SunTable *sun;
};

/// Frame at tau as the spec needs it (rates of right/along only when a term uses them).
SatFrame frame_at(const Context &c, double tau);

/// The combined switching function with its certified span (the sweep's evaluation).
Eval evaluate(const Context &c, double tau);

/// Index of the first mode that holds at tau (or the one with the largest margin when none does: rounding at an
/// edge); -1 when the spec has a single mode.
int mode_at(const Context &c, double tau);

/// Objective value (larger is better) and its rate at a point: E (max elevation), C (min off-nadir), or -|A|
/// (min along-track angle; rate -sign(A) A').
TermValue objective_value(const Spec &s, const SiteQ &q);

} // namespace vantage::access::detail
