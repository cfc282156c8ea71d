#include "vantage/access/access.hpp"

// NOTE: the guarantee argument for the sampling below is written out in docs/accuracy.md
// ("Access windows: why none is missed"); the comments here point at its steps.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fmt/format.h>
#include <limits>
#include <thread>
#include <utility>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "vantage/core/constants.hpp"
#include "vantage/core/error.hpp"
#include "vantage/frames/transforms.hpp"
#include "vantage/geometry/detail/sun_table.hpp"
#include "vantage/geometry/look.hpp"
#include "vantage/orbits/sgp4_propagator.hpp"

namespace vantage::access {

double Window::duration_s() const
{
    return (end - start).seconds();
}

namespace {

using geometry::LookSide;
using geometry::PassDirection;

constexpr double earth_mu_km3_s2 = 398600.4418;
// Bound on the rate of the Sun's elevation at a fixed ground point: Earth rotation plus the Sun's own
// apparent motion (< 1.02 deg/day = 2.1e-7 rad/s), with margin.
constexpr double sun_rate_bound_rad_s = frames::earth_rate_rad_s * 1.0001 + 2.5e-7;
// Semi-minor axis of WGS-84: every point of the ellipsoid is at least this far from the centre.
constexpr double wgs84_b_km = wgs84_a_km * (1.0 - wgs84_f);
// Smallest meridian radius of curvature of WGS-84 (b^2/a): the ellipsoid normal along the satellite's motion
// turns at most at v / (M_min + h) rad/s.
constexpr double wgs84_m_min_km = wgs84_b_km * wgs84_b_km / wgs84_a_km;
// Mean Earth radius used for the fixed-optical half-swath angle (geometry::half_swath_angle_deg default).
constexpr double mean_radius_km = 6371.0088;
// Extra angular margin of the pruning footprint: geodetic vs geocentric directions differ by < 0.2 deg at
// the target and at the satellite's foot point; 1 deg covers both with room.
constexpr double prune_margin_rad = 1.0 * deg_to_rad;
// Node spacing of the Sun table: the Sun's CIRS direction is linear over 30 min to < 1e-9 rad (the chord error
// is radial; its non-uniform angular speed, 2 e n^2, bends it by ~5e-10 rad), i.e. Sun-elevation edges within
// ~15 µs; 3x fewer ERFA node evaluations than the table's 600 s default.
constexpr double sun_node_step_s = 1800.0;
// Time tolerance of the best-time search (s): the objective is quadratic at its extremum.
constexpr double best_time_tol_s = 0.01;

// ---------------------------------------------------------------------------------------------------------
/// TEME -> ITRF (frames::teme_to_itrf, Vallado's teme2ecef: r_itrf = W rot3(gmst) r_teme, v_itrf = W (rot3(gmst)
/// v_teme - omega x rot3(gmst) r_teme)) for many instants of one span, from exact transforms at knots <= 1 h apart:
/// at a knot the matrix A_k = W rot3(gmst_k) comes from the transforms of the basis vectors and omega_itrf = |omega|
/// A_k e_z; between knots M(t) = A_k rot3(rate_k (t - t_k)) with rate_k from A_k^T A_{k+1}. GMST82 is linear in UT1
/// to 1e-15 rad over an hour and UT1 - UTC is interpolated linearly between daily EOP rows (a row inside a knot
/// interval bends it by < 1e-10 rad); polar motion moves < 0.05 mas (2.4e-10 rad) in an hour. So positions
/// agree with teme_to_itrf to ~1e-9 of the radius (7 µm in LEO), far below the 1 ms edge tolerance (~7 m).
class TemeToItrf {
public:
    TemeToItrf(const time::Instant &start, double t0_s, double t1_s, const frames::EarthOrientation &eop)
        : m_t0_s(t0_s)
    {
        const double span = std::max(t1_s - t0_s, 1e-3);
        const auto n = static_cast<std::size_t>(std::max(1.0, std::ceil(span / 3600.0)));
        m_h_s = span / static_cast<double>(n);
        for (std::size_t k = 0; k <= n; ++k) {
            const time::Instant t = start + time::Duration::from_seconds(t0_s + static_cast<double>(k) * m_h_s);
            Knot knot;
            for (int i = 0; i < 3; ++i) {
                const frames::StateVector<frames::Itrf> e =
                    frames::teme_to_itrf(frames::StateVector<frames::Teme>{t, Vec3::Unit(i), Vec3::Zero()}, eop);
                knot.a.col(i) = e.r_km;
                if (i == 0) {
                    knot.omega_mag = e.v_km_s.norm();
                }
            }
            knot.omega = knot.omega_mag * knot.a.col(2);
            m_knots.push_back(knot);
        }
        for (std::size_t k = 0; k + 1 < m_knots.size(); ++k) {
            const Mat3 r = m_knots[k].a.transpose() * m_knots[k + 1].a;
            m_knots[k].rate = std::atan2(r(0, 1), r(0, 0)) / m_h_s;
        }
    }

    void apply(double tau, const Vec3 &r_teme, const Vec3 &v_teme, Vec3 &r, Vec3 &v) const
    {
        const double x = (tau - m_t0_s) / m_h_s;
        const auto k = static_cast<std::size_t>(std::clamp(std::floor(x), 0.0, static_cast<double>(m_knots.size() - 2)));
        const Knot &kn = m_knots[k];
        const double d = kn.rate * (tau - m_t0_s - static_cast<double>(k) * m_h_s);
        const double c = std::cos(d), s = std::sin(d);
        const Vec3 q(c * r_teme.x() + s * r_teme.y(), -s * r_teme.x() + c * r_teme.y(), r_teme.z());
        const Vec3 w(c * v_teme.x() + s * v_teme.y(), -s * v_teme.x() + c * v_teme.y(), v_teme.z());
        r = kn.a * q;
        v = kn.a * w - kn.omega.cross(r);
    }

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

// ---------------------------------------------------------------------------------------------------------
// Ephemeris: six-point Lagrange interpolation of the ITRF state sampled from SGP4.
struct SatState {
    Vec3 r;
    Vec3 v;
};

struct SatBounds {
    double v_max = 0.0;       // max ITRF speed over the interval (km/s), with margin
    double r_min = 0.0;       // min geocentric radius (km), with margin
    double r_max = 0.0;       // max geocentric radius (km), with margin
    double omega_n = 0.0;     // max turn rate of the geodetic nadir (rad/s)
    double omega_right = 0.0; // max turn rate of the unit "right" vector nadir x v / |nadir x v| (rad/s)
    double omega_dir = 0.0;   // max turn rate of the geocentric direction r/|r| (rad/s)
    double h_min = 0.0;       // min altitude above the ellipsoid (km), lower bound
    double a_max = 0.0;       // max ITRF acceleration (km/s^2), with margin
};

class Ephemeris {
public:
    /// Ephemeris covering [t0_s, t0_s + span_s] (seconds from `start`).
    Ephemeris(const orbits::Sgp4Propagator &prop, const time::Instant &start, double t0_s, double span_s,
              const frames::EarthOrientation &eop)
        : m_t0_s(t0_s)
    {
        const orbits::ElementSet &el = prop.elements();
        const double n_rad_s = el.mean_motion_rev_day * two_pi / seconds_per_day;
        const double e = std::clamp(el.eccentricity, 0.0, 0.99);
        // Angular rate at perigee (Kepler) plus Earth rotation: the fastest the ITRF state turns.
        const double omega_max = n_rad_s * (1.0 + e) * (1.0 + e) / std::pow(1.0 - e * e, 1.5) + frames::earth_rate_rad_s;
        // NOTE: six-point Lagrange with node spacing h: position error ~ 5e-3 r (omega h)^6, i.e. 25 µm for LEO at
        // omega h = 0.03; at least 6 nodes.
        const double step_target_s = std::min(30.0, 0.03 / omega_max);
        const auto intervals = static_cast<std::size_t>(std::max(5.0, std::ceil(span_s / step_target_s)));
        m_step_s = span_s / static_cast<double>(intervals);
        const std::size_t n = intervals + 1;
        m_r.resize(n);
        m_v.resize(n);
        // Nodes from the batch SGP4 kernel (SIMD over the times of this satellite; equal to propagate_minutes to
        // orbits::sgp4_batch_vs_scalar_pos_km), rotated to ITRF by TemeToItrf.
        std::vector<time::Instant> times(n);
        for (std::size_t k = 0; k < n; ++k) {
            times[k] = start + time::Duration::from_seconds(t0_s + ((k + 1 == n) ? span_s : static_cast<double>(k) * m_step_s));
        }
        std::vector<double> buf(6 * n);
        std::vector<orbits::Sgp4Status> status(n);
        const std::span<double> all(buf);
        const orbits::Sgp4BatchOutput out{all.subspan(0, n),     all.subspan(n, n),     all.subspan(2 * n, n),
                                          all.subspan(3 * n, n), all.subspan(4 * n, n), all.subspan(5 * n, n),
                                          std::span<orbits::Sgp4Status>(status)};
        orbits::propagate_batch(std::span<const orbits::Sgp4Propagator>(&prop, 1), times, out);
        const TemeToItrf rot(start, t0_s, t0_s + span_s, eop);
        for (std::size_t k = 0; k < n; ++k) {
            if (status[k] != orbits::Sgp4Status::ok) {
                throw DomainError(orbits::to_error_code(status[k]),
                                  fmt::format("SGP4 fails for NORAD {} at {}: {}", el.norad_id,
                                              times[k].to_iso8601_utc(3), orbits::describe(status[k])),
                                  ErrorContext{"", 0, "norad_id", std::to_string(el.norad_id)});
            }
            rot.apply((times[k] - start).seconds(), Vec3(out.x_km[k], out.y_km[k], out.z_km[k]),
                      Vec3(out.vx_km_s[k], out.vy_km_s[k], out.vz_km_s[k]), m_r[k], m_v[k]);
        }
        compute_bounds();
    }

    /// Six-point Lagrange interpolation of the node positions and, separately, of the node velocities.
    /// NOTE: not cubic Hermite: SGP4's velocity is not exactly the derivative of its position (differences of
    /// ~1 m/s), so a Hermite interpolant drifts by metres between nodes. Interpolating each quantity on its own
    /// keeps both on SGP4's values: error ~ 5e-3 (omega h)^6 r, 25 µm for LEO at omega h = 0.03.
    SatState at(double tau_s) const
    {
        const std::size_t n = m_r.size();
        const double x = std::clamp((tau_s - m_t0_s) / m_step_s, 0.0, static_cast<double>(n - 1));
        auto k = static_cast<std::size_t>(x);
        // Stencil k-2 .. k+3, shifted inward at the ends.
        std::size_t first = k >= 2 ? k - 2 : 0;
        if (first + 6 > n) {
            first = n - 6;
        }
        const double s = x - static_cast<double>(first); // position within the stencil, nodes at 0..5
        // Lagrange weights on the nodes 0..5: w_i = prod_{j != i} (s - j) / prod_{j != i} (i - j), from prefix and
        // suffix products of (s - j) (no division but the constant denominators).
        static constexpr double inv_den[6] = {-1.0 / 120.0, 1.0 / 24.0, -1.0 / 12.0, 1.0 / 12.0, -1.0 / 24.0, 1.0 / 120.0};
        double pre[6], suf[6];
        pre[0] = 1.0;
        suf[5] = 1.0;
        for (int i = 1; i < 6; ++i) {
            pre[i] = pre[i - 1] * (s - (i - 1));
            suf[5 - i] = suf[6 - i] * (s - (6 - i));
        }
        double w[6];
        for (int i = 0; i < 6; ++i) {
            w[i] = pre[i] * suf[i] * inv_den[i];
        }
        SatState out{Vec3::Zero(), Vec3::Zero()};
        for (std::size_t i = 0; i < 6; ++i) {
            out.r += w[i] * m_r[first + i];
            out.v += w[i] * m_v[first + i];
        }
        return out;
    }

    std::size_t nodes() const noexcept { return m_r.size(); }
    double step_s() const noexcept { return m_step_s; }
    double node_tau(std::size_t k) const noexcept { return m_t0_s + m_step_s * static_cast<double>(k); }
    const Vec3 &node_r(std::size_t k) const noexcept { return m_r[k]; }
    const SatBounds &bounds() const noexcept { return m_bounds; }

private:
    void compute_bounds()
    {
        double v_max = 0.0, r_min = std::numeric_limits<double>::max(), r_max = 0.0;
        double w_min = std::numeric_limits<double>::max();
        for (std::size_t k = 0; k < m_r.size(); ++k) {
            v_max = std::max(v_max, m_v[k].norm());
            r_min = std::min(r_min, m_r[k].norm());
            r_max = std::max(r_max, m_r[k].norm());
            const Vec3 nadir = geometry::geodetic_nadir_itrf(m_r[k]);
            w_min = std::min(w_min, nadir.cross(m_v[k]).norm());
        }
        const double h = m_step_s;
        const double w = frames::earth_rate_rad_s;
        // Extremes between nodes: the radius can dip below the node minimum by at most a h^2 / 8 (a = radial
        // acceleration bound), the speed exceed the node maximum by at most a h / 2.
        const double a_max0 = 1.01 * earth_mu_km3_s2 / (r_min * r_min) + 2.0 * w * v_max + w * w * r_max;
        r_min -= a_max0 * h * h / 8.0 + 0.01;
        r_max += a_max0 * h * h / 8.0 + 0.01;
        v_max = v_max + a_max0 * h / 2.0 + 1e-4;
        // ITRF acceleration: gravity (J2 adds < 0.3%), Coriolis, centrifugal.
        const double a_max = 1.01 * earth_mu_km3_s2 / (r_min * r_min) + 2.0 * w * v_max + w * w * r_max;
        SatBounds b;
        b.v_max = v_max;
        b.r_min = r_min;
        b.r_max = r_max;
        b.h_min = std::max(r_min - wgs84_a_km, 1.0);
        b.omega_n = v_max / (wgs84_m_min_km + b.h_min);
        b.omega_dir = v_max / r_min;
        // |d(nadir x v)/dt| <= omega_n |v| + |a|; the unit vector turns at most that over |nadir x v|, whose
        // minimum between nodes is at least the node minimum minus that rate times h / 2.
        const double wdot = b.omega_n * v_max + a_max;
        const double w_floor = std::max(w_min - wdot * h / 2.0, 1e-6);
        b.omega_right = wdot / w_floor;
        b.a_max = a_max;
        m_bounds = b;
    }

    double m_t0_s = 0.0;
    double m_step_s = 30.0;
    std::vector<Vec3> m_r;
    std::vector<Vec3> m_v;
    SatBounds m_bounds;
};

// ---------------------------------------------------------------------------------------------------------
// Sites and satellite frames.
struct Site {
    Vec3 r;    // ITRF (km)
    Vec3 up;   // ellipsoid normal
    Vec3 east;
    Vec3 north;
    Vec3 unit; // geocentric direction (for pruning)
};

Site make_site(const frames::Geodetic &g)
{
    Site s;
    s.r = frames::geodetic_to_itrf(g);
    const double phi = g.lat_deg * deg_to_rad;
    const double lam = g.lon_deg * deg_to_rad;
    s.up = Vec3(std::cos(phi) * std::cos(lam), std::cos(phi) * std::sin(lam), std::sin(phi));
    s.east = Vec3(-std::sin(lam), std::cos(lam), 0.0);
    s.north = Vec3(-std::sin(phi) * std::cos(lam), -std::sin(phi) * std::sin(lam), std::cos(phi));
    s.unit = s.r.normalized();
    return s;
}

struct SatFrame {
    Vec3 r;
    Vec3 v;
    Vec3 nadir;
    Vec3 right;
    double alt_km;
    double lat_rad;
    double lon_rad;
};

SatFrame make_frame(const SatState &st)
{
    SatFrame f;
    f.r = st.r;
    f.v = st.v;
    const frames::Geodetic foot = frames::itrf_to_geodetic(st.r);
    f.lat_rad = foot.lat_deg * deg_to_rad;
    f.lon_rad = foot.lon_deg * deg_to_rad;
    f.alt_km = foot.h_km;
    f.nadir = -Vec3(std::cos(f.lat_rad) * std::cos(f.lon_rad), std::cos(f.lat_rad) * std::sin(f.lon_rad),
                    std::sin(f.lat_rad));
    const Vec3 w = f.nadir.cross(st.v);
    const double wn = w.norm();
    f.right = wn > 0.0 ? Vec3(w / wn) : Vec3::Zero();
    return f;
}

// ---------------------------------------------------------------------------------------------------------
// Constraints.
enum class Kind { station, agile, fixed, sar };

struct Spec {
    Kind kind = Kind::station;
    // station mask
    std::vector<std::pair<double, double>> mask_rad; // (azimuth, min elevation), sorted by azimuth; empty = constant
    double mask_lo_rad = 0.0;
    double mask_hi_rad = 0.0;
    double mask_slope = 0.0;
    bool const_mask = false; // constant mask: the second-order sweep on sin(elevation) (eval_station_const)
    double sin_mask = 0.0;
    // target sensors
    double max_off_nadir_rad = 0.0;
    double swath_km = 0.0;
    bool has_sun = false;
    double sun_min_rad = 0.0;
    double e_lo_rad = 0.0; // SAR: 90 - incidence_max
    double e_hi_rad = 0.0; // SAR: 90 - incidence_min
    LookSide side = LookSide::both;
    PassDirection pass = PassDirection::any;
};

double mask_at(const Spec &s, double az_rad)
{
    const auto &m = s.mask_rad;
    if (m.empty()) {
        return s.mask_lo_rad;
    }
    if (m.size() == 1) {
        return m.front().second;
    }
    const auto it = std::upper_bound(m.begin(), m.end(), az_rad,
                                     [](double a, const std::pair<double, double> &p) { return a < p.first; });
    const auto &hi = (it == m.end()) ? m.front() : *it;
    const auto &lo = (it == m.begin()) ? m.back() : *(it - 1);
    double span = hi.first - lo.first;
    double off = az_rad - lo.first;
    if (span <= 0.0) {
        span += two_pi;
    }
    if (off < 0.0) {
        off += two_pi;
    }
    return span > 0.0 ? lo.second + (hi.second - lo.second) * (off / span) : lo.second;
}

/// Value and certified sign-keeping span of one switching function at one instant.
struct Eval {
    double g;         // >= 0: constraint holds
    double skip;      // g keeps its sign on [tau, tau + skip) (s)
    double dg = 0.0;  // dg/dt where known (constant-mask stations), else 0
};

/// Conjunction of constraints: G = min g_i. If G < 0, G stays negative at least as long as the longest
/// certified span among the negative constraints; if G >= 0, as long as the shortest certified span of all.
struct AndAcc {
    double g = std::numeric_limits<double>::infinity();
    double skip_min = std::numeric_limits<double>::infinity();
    double skip_neg = 0.0;
    bool neg = false;
    void add(double gi, double si)
    {
        g = std::min(g, gi);
        skip_min = std::min(skip_min, si);
        if (gi < 0.0) {
            neg = true;
            skip_neg = std::max(skip_neg, si);
        }
    }
    Eval result() const { return {g, neg ? skip_neg : skip_min}; }
};

/// Time before the line of sight from a fixed ground point can turn by `angle_rad`: its turn rate is at most
/// v_max / rho(t') with rho(t') >= rho - v_max (t' - t), whose integral is ln(rho / (rho - v_max s)).
double los_skip(double angle_rad, double rho_km, double v_max)
{
    return rho_km * (-std::expm1(-angle_rad)) / v_max;
}

struct Context {
    const Spec *spec;
    const Site *site;
    const Ephemeris *eph;
    const geometry::detail::SunTable *sun;
};

struct Geo {
    SatFrame f;
    Vec3 u;      // unit site -> satellite
    double rho;  // range (km)
    double el;   // elevation (rad)
};

/// Satellite frame and line of sight at tau. `with_frame = false` (station masks) skips the geodetic nadir and
/// the "right" vector, which only target constraints and the window attributes need.
Geo geo_at(const Context &c, double tau, bool with_frame = true)
{
    Geo g;
    if (with_frame) {
        g.f = make_frame(c.eph->at(tau));
    } else {
        const SatState st = c.eph->at(tau);
        g.f.r = st.r;
        g.f.v = st.v;
    }
    const Vec3 d = g.f.r - c.site->r;
    g.rho = d.norm();
    g.u = d / g.rho;
    g.el = std::asin(std::clamp(g.u.dot(c.site->up), -1.0, 1.0));
    return g;
}

double azimuth_rad(const Site &s, const Vec3 &u)
{
    double az = std::atan2(u.dot(s.east), u.dot(s.north));
    return az < 0.0 ? az + two_pi : az;
}

double sun_elevation_rad(const Context &c, double tau)
{
    const Vec3 d = (c.sun->position_itrf_km(tau) - c.site->r).normalized();
    return std::asin(std::clamp(d.dot(c.site->up), -1.0, 1.0));
}

// Bound on |v_interp - d r_interp / dt| (km/s): SGP4's velocity differs from the derivative of its position by
// ~1 m/s, the six-point interpolants add < 1 mm/s; 20x margin.
constexpr double vel_mismatch_km_s = 0.02;

/// Station with a constant mask m: g = sin(el) - sin(m) = u.up - sin(m) (same sign and roots as el - m), with a
/// second-order certified span. At tau the derivative is g' = up.(r' - u (u.r')) / rho, known to within
/// vel_mismatch / rho from the interpolated velocity. Over [tau, tau + s] with s <= kappa rho / v_max the range
/// stays >= rho_lo = (1 - kappa) rho and |g''| <= |u''| <= a_max / rho_lo + 2 v_max^2 / rho_lo^2 = M: with
/// u = (r - site) / rho, u' = (v - rho' u) / rho and u'' = (a - rho'' u - 2 rho' u') / rho; as u.u'' = -|u'|^2 the
/// part of u'' across u is (a_perp - 2 rho' u') / rho and the part along u is -|u'|^2, so
/// |u''| <= a / rho + (2 v_r v_perp + v_perp^2) / rho^2 <= a / rho + 2 v^2 / rho^2 (v_r = rho', v_perp = rho |u'|).
/// So |g(tau + s)| >= |g| + q s - M s^2 / 2 with q = (sign g) g' - vel_mismatch / rho_lo, which stays > 0 for
/// s < (q + sqrt(q^2 + 2 M |g|)) / M: near an edge the steps shrink like Newton steps instead of |g| / rate.
/// The interpolant's acceleration differs from SGP4's by ~(omega h)^6 a, far inside a_max's 1% margin.
Eval eval_station_const(const Context &c, double tau)
{
    const SatBounds &b = c.eph->bounds();
    const SatState st = c.eph->at(tau);
    const Vec3 d = st.r - c.site->r;
    const double rho = d.norm();
    const double inv_rho = 1.0 / rho;
    const Vec3 u = d * inv_rho;
    const double f = u.dot(c.site->up);
    const double g = f - c.spec->sin_mask;
    const double fp = (c.site->up.dot(st.v) - f * u.dot(st.v)) * inv_rho;
    // NOTE: the certificate holds for any kappa in (0, 1); kappa = 1/4 measured best (1/2 or a max over several
    // saves < 2% of the samples and costs more per evaluation).
    constexpr double kappa = 0.25;
    const double ag = std::abs(g);
    const double inv_lo = inv_rho * (1.0 / (1.0 - kappa)); // 1 / rho_lo
    const double s_cap = kappa * rho / b.v_max;
    const double m = inv_lo * (b.a_max + 2.0 * b.v_max * b.v_max * inv_lo);
    const double q = (g >= 0.0 ? fp : -fp) - vel_mismatch_km_s * inv_lo;
    const double disc = std::sqrt(q * q + 2.0 * m * ag);
    const double span = q >= 0.0 ? (q + disc) / m : (disc - q > 0.0 ? 2.0 * ag / (disc - q) : 0.0);
    return {g, std::min(span, s_cap), fp};
}

/// The combined switching function of one satellite-site pair (see docs/accuracy.md for each bound).
Eval evaluate(const Context &c, double tau)
{
    const Spec &s = *c.spec;
    if (s.kind == Kind::station && s.const_mask) {
        return eval_station_const(c, tau);
    }
    const SatBounds &b = c.eph->bounds();
    const Geo g = geo_at(c, tau, s.kind != Kind::station);
    AndAcc acc;
    if (s.kind == Kind::station) {
        if (g.el < s.mask_lo_rad) { // below the lowest mask value: el must rise that far first
            acc.add(g.el - mask_at(s, azimuth_rad(*c.site, g.u)), los_skip(s.mask_lo_rad - g.el, g.rho, b.v_max));
        } else if (g.el > s.mask_hi_rad) {
            acc.add(g.el - mask_at(s, azimuth_rad(*c.site, g.u)), los_skip(g.el - s.mask_hi_rad, g.rho, b.v_max));
        } else { // inside the band: g = el - mask(az), |dg/dt| <= (1 + slope / cos(el_band)) * LOS rate
            const double band = std::min(5.0 * deg_to_rad, (0.5 * pi - s.mask_hi_rad) / 2.0);
            const double gm = g.el - mask_at(s, azimuth_rad(*c.site, g.u));
            const double k = 1.0 + s.mask_slope / std::cos(s.mask_hi_rad + band);
            const double stay = los_skip(s.mask_hi_rad + band - g.el, g.rho, b.v_max);
            acc.add(gm, std::min(los_skip(std::abs(gm) / k, g.rho, b.v_max), stay));
        }
        return acc.result();
    }
    // Every target constraint needs the target to see the satellite.
    acc.add(g.el, los_skip(std::abs(g.el), g.rho, b.v_max));
    const Vec3 los = -g.u; // satellite -> target
    const double cpart = los.dot(g.f.right);
    const double npart = los.dot(g.f.nadir);
    switch (s.kind) {
    case Kind::agile: {
        const double on = std::atan2(los.cross(g.f.nadir).norm(), npart);
        const double gi = s.max_off_nadir_rad - on;
        acc.add(gi, std::min(los_skip(std::abs(gi) / 2.0, g.rho, b.v_max), std::abs(gi) / (2.0 * b.omega_n)));
        break;
    }
    case Kind::fixed: {
        // g = sin(hs) sqrt(c^2 + n^2) - |c|: same sign as hs - |atan2(c, n)| for n > 0, globally Lipschitz.
        const double hs = geometry::half_swath_angle_deg(s.swath_km, std::max(g.f.alt_km, 1.0), mean_radius_km) * deg_to_rad;
        const double gi = std::sin(hs) * std::hypot(cpart, npart) - std::abs(cpart);
        const double lam = s.swath_km / (2.0 * mean_radius_km);
        const double omega_hs = mean_radius_km * std::sin(lam) * b.v_max / (b.h_min * b.h_min);
        const double rest = 2.0 * b.omega_right + b.omega_n + omega_hs;
        acc.add(gi, std::min(los_skip(std::abs(gi) / 6.0, g.rho, b.v_max), std::abs(gi) / (2.0 * rest)));
        break;
    }
    case Kind::sar: {
        acc.add(g.el - s.e_lo_rad, los_skip(std::abs(g.el - s.e_lo_rad), g.rho, b.v_max));
        acc.add(s.e_hi_rad - g.el, los_skip(std::abs(s.e_hi_rad - g.el), g.rho, b.v_max));
        break;
    }
    case Kind::station:
        break;
    }
    if (s.side != LookSide::both) {
        const double gi = s.side == LookSide::right ? cpart : -cpart;
        acc.add(gi, std::min(los_skip(std::abs(gi) / 2.0, g.rho, b.v_max), std::abs(gi) / (2.0 * b.omega_right)));
    }
    if (s.has_sun && !acc.neg) {
        // NOTE: skipped when a geometric constraint is already negative: the conjunction is then negative, and
        // the longest negative span over a subset is still a valid (shorter or equal) span.
        const double gi = sun_elevation_rad(c, tau) - s.sun_min_rad;
        acc.add(gi, std::abs(gi) / sun_rate_bound_rad_s);
    }
    return acc.result();
}

// ---------------------------------------------------------------------------------------------------------
// Root refinement and minimisation.

/// Brent's method (Brent 1973, ch. 4 "zero"): a root of f in [a, b] with f(a), f(b) of opposite sign
/// (in/out sign: >= 0 vs < 0), to within `tol` (s).
template <class F>
double brent_root(F &&f, double a, double fa, double b, double fb, double tol)
{
    if (fa == 0.0) {
        return a;
    }
    if (fb == 0.0) {
        return b;
    }
    double c = a, fc = fa, d = b - a, e = d;
    for (int iter = 0; iter < 200; ++iter) {
        if ((fb > 0.0) == (fc > 0.0)) {
            c = a;
            fc = fa;
            d = e = b - a;
        }
        if (std::abs(fc) < std::abs(fb)) {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        const double tol1 = 2.0 * std::numeric_limits<double>::epsilon() * std::abs(b) + 0.5 * tol;
        const double xm = 0.5 * (c - b);
        if (std::abs(xm) <= tol1 || fb == 0.0) {
            return b;
        }
        if (std::abs(e) >= tol1 && std::abs(fa) > std::abs(fb)) {
            double p, q, r;
            const double s = fb / fa;
            if (a == c) {
                p = 2.0 * xm * s;
                q = 1.0 - s;
            } else {
                q = fa / fc;
                r = fb / fc;
                p = s * (2.0 * xm * q * (q - r) - (b - a) * (r - 1.0));
                q = (q - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if (p > 0.0) {
                q = -q;
            }
            p = std::abs(p);
            if (2.0 * p < std::min(3.0 * xm * q - std::abs(tol1 * q), std::abs(e * q))) {
                e = d;
                d = p / q;
            } else {
                d = xm;
                e = d;
            }
        } else {
            d = xm;
            e = d;
        }
        a = b;
        fa = fb;
        b += (std::abs(d) > tol1) ? d : (xm > 0.0 ? tol1 : -tol1);
        fb = f(b);
    }
    return b;
}

/// Brent's minimiser (Brent 1973, ch. 5 "localmin": golden section + parabolic steps) of f on [a, b].
template <class F>
double brent_min(F &&f, double a, double b, double x, double fx, double tol)
{
    constexpr double cgold = 0.3819660112501051;
    double w = x, v = x, fw = fx, fv = fx, d = 0.0, e = 0.0;
    for (int iter = 0; iter < 100; ++iter) {
        const double xm = 0.5 * (a + b);
        const double tol1 = tol + 1e-12 * std::abs(x);
        const double tol2 = 2.0 * tol1;
        if (std::abs(x - xm) <= tol2 - 0.5 * (b - a)) {
            break;
        }
        bool golden = true;
        if (std::abs(e) > tol1) {
            const double r = (x - w) * (fx - fv);
            double q = (x - v) * (fx - fw);
            double p = (x - v) * q - (x - w) * r;
            q = 2.0 * (q - r);
            if (q > 0.0) {
                p = -p;
            }
            q = std::abs(q);
            const double etemp = e;
            e = d;
            if (!(std::abs(p) >= std::abs(0.5 * q * etemp) || p <= q * (a - x) || p >= q * (b - x))) {
                d = p / q;
                const double u = x + d;
                if (u - a < tol2 || b - u < tol2) {
                    d = xm - x >= 0.0 ? tol1 : -tol1;
                }
                golden = false;
            }
        }
        if (golden) {
            e = (x >= xm) ? a - x : b - x;
            d = cgold * e;
        }
        const double u = std::abs(d) >= tol1 ? x + d : x + (d >= 0.0 ? tol1 : -tol1);
        const double fu = f(u);
        if (fu <= fx) {
            if (u >= x) {
                a = x;
            } else {
                b = x;
            }
            v = w;
            fv = fw;
            w = x;
            fw = fx;
            x = u;
            fx = fu;
        } else {
            if (u < x) {
                a = u;
            } else {
                b = u;
            }
            if (fu <= fw || w == x) {
                v = w;
                fv = fw;
                w = u;
                fw = fu;
            } else if (fu <= fv || v == x || v == w) {
                v = u;
                fv = fu;
            }
        }
    }
    return x;
}

struct RawWindow {
    double start;
    double end;
    std::vector<double> samples;    // sweep samples inside the window
    std::vector<double> samples_g;  // g at the samples
    std::vector<double> samples_dg; // dg/dt at the samples (Eval::dg)
};

/// Certified sweep of [ta, tb] (docs/accuracy.md): next sample = max(h, skip) later; every sign change
/// between samples is refined with Brent. Windows go to out[0 .. n_out) (entries are reused, keeping the
/// capacity of their sample vectors across calls).
void sweep(const Context &c, double ta, double tb, double h, double tol, std::vector<RawWindow> &out,
           std::size_t &n_out)
{
    auto gval = [&](double t) { return evaluate(c, t).g; };
    n_out = 0;
    auto open_window = [&](double t0) -> RawWindow & {
        if (n_out == out.size()) {
            out.emplace_back();
        }
        RawWindow &w = out[n_out];
        w.start = w.end = t0;
        w.samples.clear();
        w.samples_g.clear();
        w.samples_dg.clear();
        return w;
    };
    auto add_sample = [](RawWindow &w, double t, const Eval &e) {
        w.samples.push_back(t);
        w.samples_g.push_back(e.g);
        w.samples_dg.push_back(e.dg);
    };
    double t = ta;
    Eval e = evaluate(c, t);
    bool in = e.g >= 0.0;
    if (in) {
        add_sample(open_window(ta), ta, e);
    }
    while (t < tb) {
        const double tn = std::min(t + std::max(h, e.skip), tb);
        const Eval en = evaluate(c, tn);
        const bool in_n = en.g >= 0.0;
        if (in_n != in) {
            const double root = brent_root(gval, t, e.g, tn, en.g, tol);
            if (in_n) {
                open_window(root);
            } else {
                out[n_out].end = root;
                ++n_out;
            }
        }
        if (in_n) {
            add_sample(out[n_out], tn, en);
        }
        t = tn;
        e = en;
        in = in_n;
    }
    if (in) {
        out[n_out].end = tb;
        ++n_out;
    }
}

// ---------------------------------------------------------------------------------------------------------
// Pruning: latitude/longitude grid of the sites' geocentric directions.
class SiteIndex {
public:
    SiteIndex(const std::vector<Site> &sites)
        : m_sites(sites)
    {
        // NOTE: cells of a few degrees: a query (LEO footprint radius ~15-20 deg) visits ~100 cells, not thousands.
        m_cell_deg = sites.size() >= 2000 ? 4.0 : (sites.size() >= 200 ? 6.0 : 10.0);
        m_nlat = static_cast<int>(std::lround(180.0 / m_cell_deg));
        m_nlon = static_cast<int>(std::lround(360.0 / m_cell_deg));
        m_cells.resize(static_cast<std::size_t>(m_nlat * m_nlon));
        for (std::size_t i = 0; i < sites.size(); ++i) {
            const Vec3 &u = sites[i].unit;
            const double lat = std::asin(std::clamp(u.z(), -1.0, 1.0)) * rad_to_deg;
            const double lon = std::atan2(u.y(), u.x()) * rad_to_deg;
            m_cells[static_cast<std::size_t>(cell(lat_row(lat), lon_col(lon)))].push_back(static_cast<std::uint32_t>(i));
        }
    }

    /// Calls f(site index) for every site within `radius_rad` of the unit vector `center`.
    template <class F>
    void query(const Vec3 &center, double radius_rad, F &&f) const
    {
        const double cos_r = std::cos(std::min(radius_rad, pi));
        const double lat_c = std::asin(std::clamp(center.z(), -1.0, 1.0)) * rad_to_deg;
        const double lon_c = std::atan2(center.y(), center.x()) * rad_to_deg;
        const double r_deg = radius_rad * rad_to_deg;
        const int r0 = lat_row(std::max(lat_c - r_deg, -90.0));
        const int r1 = lat_row(std::min(lat_c + r_deg, 90.0));
        bool all_lon = lat_c + r_deg >= 90.0 || lat_c - r_deg <= -90.0;
        double half = 180.0;
        if (!all_lon) {
            const double sr = std::sin(radius_rad) / std::cos(lat_c * deg_to_rad);
            if (sr >= 1.0) {
                all_lon = true;
            } else {
                half = std::asin(sr) * rad_to_deg + 1e-9;
            }
        }
        int c0 = 0, nc = m_nlon;
        if (!all_lon) {
            c0 = lon_col_unwrapped(lon_c - half);
            const int c1 = lon_col_unwrapped(lon_c + half);
            nc = std::min(c1 - c0 + 1, m_nlon);
        }
        for (int r = r0; r <= r1; ++r) {
            for (int k = 0; k < nc; ++k) {
                const int col = ((c0 + k) % m_nlon + m_nlon) % m_nlon;
                for (const std::uint32_t i : m_cells[static_cast<std::size_t>(cell(r, col))]) {
                    if (m_sites[i].unit.dot(center) >= cos_r) {
                        f(i);
                    }
                }
            }
        }
    }

private:
    int lat_row(double lat_deg) const
    {
        return std::clamp(static_cast<int>(std::floor((lat_deg + 90.0) / m_cell_deg)), 0, m_nlat - 1);
    }
    int lon_col(double lon_deg) const
    {
        const int c = static_cast<int>(std::floor((lon_deg + 180.0) / m_cell_deg));
        return ((c % m_nlon) + m_nlon) % m_nlon;
    }
    int lon_col_unwrapped(double lon_deg) const
    {
        return static_cast<int>(std::floor((lon_deg + 180.0) / m_cell_deg));
    }
    int cell(int r, int c) const { return r * m_nlon + c; }

    const std::vector<Site> &m_sites;
    double m_cell_deg = 10.0;
    int m_nlat = 18;
    int m_nlon = 36;
    std::vector<std::vector<std::uint32_t>> m_cells;
};

/// Earth central angle from the sub-satellite direction beyond which no site can satisfy the constraint, on a
/// sphere of radius `rs` (the smallest site radius, which makes every formula below larger):
/// elevation >= e: lambda = acos(rs cos e / r) - e; off-nadir <= theta: lambda = asin(r sin theta / rs) - theta
/// (horizon when the cone reaches it).
double footprint_rad(const Spec &s, double r_km, double rs_km)
{
    const double horizon = std::acos(std::min(1.0, rs_km / r_km));
    auto from_elevation = [&](double e) {
        const double e_c = std::max(e, 0.0);
        return std::clamp(std::acos(std::min(1.0, rs_km * std::cos(e_c) / r_km)) - e_c, 0.0, horizon);
    };
    switch (s.kind) {
    case Kind::station:
        return from_elevation(s.mask_lo_rad);
    case Kind::agile: {
        const double x = r_km * std::sin(s.max_off_nadir_rad) / rs_km;
        return x >= 1.0 ? horizon : std::min(horizon, std::asin(x) - s.max_off_nadir_rad);
    }
    case Kind::fixed:
        return horizon;
    case Kind::sar:
        return from_elevation(s.e_lo_rad);
    }
    return horizon;
}

Spec spec_for_station(const geometry::GroundStation &g)
{
    Spec s;
    s.kind = Kind::station;
    if (!(g.location.lat_deg >= -90.0 && g.location.lat_deg <= 90.0)) {
        throw ConfigError(ErrorCode::out_of_range, fmt::format("station '{}': latitude out of [-90, 90]", g.name),
                          ErrorContext{"", 0, "lat_deg", g.name});
    }
    for (const auto &m : g.mask) {
        if (!std::isfinite(m.azimuth_deg) || !(m.min_elevation_deg >= -90.0 && m.min_elevation_deg <= 90.0)) {
            throw ConfigError(ErrorCode::out_of_range, fmt::format("station '{}': bad mask point", g.name),
                              ErrorContext{"", 0, "mask", g.name});
        }
        double az = std::fmod(m.azimuth_deg, 360.0);
        if (az < 0.0) {
            az += 360.0;
        }
        s.mask_rad.emplace_back(az * deg_to_rad, m.min_elevation_deg * deg_to_rad);
    }
    std::sort(s.mask_rad.begin(), s.mask_rad.end());
    const auto [lo, hi] = g.mask_bounds_deg();
    if (!(lo >= -90.0 && hi <= 90.0)) {
        throw ConfigError(ErrorCode::out_of_range, fmt::format("station '{}': min_elevation_deg out of [-90, 90]", g.name),
                          ErrorContext{"", 0, "min_elevation_deg", g.name});
    }
    s.mask_lo_rad = lo * deg_to_rad;
    s.mask_hi_rad = std::min(hi, 89.0) * deg_to_rad;
    s.mask_slope = g.mask_max_slope();
    s.const_mask = lo == hi;
    s.sin_mask = std::sin(lo * deg_to_rad);
    return s;
}

Spec spec_for_sensor(const geometry::Sensor &sensor)
{
    geometry::validate_sensor(sensor);
    Spec s;
    s.side = sensor.look_side;
    s.pass = sensor.pass_direction;
    if (sensor.type == geometry::SensorType::sar) {
        s.kind = Kind::sar;
        s.e_lo_rad = (90.0 - *sensor.incidence_max_deg) * deg_to_rad;
        s.e_hi_rad = (90.0 - *sensor.incidence_min_deg) * deg_to_rad;
        return s;
    }
    if (sensor.max_off_nadir_deg) {
        s.kind = Kind::agile;
        s.max_off_nadir_rad = *sensor.max_off_nadir_deg * deg_to_rad;
    } else {
        s.kind = Kind::fixed;
        s.swath_km = *sensor.swath_km;
    }
    if (sensor.min_sun_elevation_deg) {
        s.has_sun = true;
        s.sun_min_rad = *sensor.min_sun_elevation_deg * deg_to_rad;
    }
    return s;
}

struct PairResult {
    std::size_t site;
    Window window;
};

Window window_attributes(const Context &c, const RawWindow &raw, const time::Instant &start, double span_s,
                         double best);

/// Fills the best time and the window attributes.
Window finish_window(const Context &c, const RawWindow &raw, const time::Instant &start, double span_s, double tol)
{
    const bool station = c.spec->kind == Kind::station;
    const bool const_station = station && c.spec->const_mask;
    auto objective = [&](double t) {
        if (const_station) { // max of sin(el) = u.up: no asin
            const Vec3 d = c.eph->at(t).r - c.site->r;
            return -d.dot(c.site->up) / d.norm();
        }
        const Geo g = geo_at(c, t, !station);
        if (station) {
            return -g.el;
        }
        const Vec3 los = -g.u;
        return std::atan2(los.cross(g.f.nadir).norm(), los.dot(g.f.nadir));
    };
    if (const_station) {
        // Maximum of sin(el): the sweep samples carry g and g'; with the two edges, take the best point and refine
        // the sign change of g' next to it with Brent (a root of g' is the maximum; edges: a boundary maximum).
        // Points: the edges and the samples strictly between them (the first sample can be the start itself).
        const Eval ea = evaluate(c, raw.start);
        const Eval eb = evaluate(c, raw.end);
        struct Pt {
            double t, g, dg;
        };
        thread_local std::vector<Pt> pts;
        pts.clear();
        pts.push_back({raw.start, ea.g, ea.dg});
        for (std::size_t i = 0; i < raw.samples.size(); ++i) {
            if (raw.samples[i] > raw.start && raw.samples[i] < raw.end) {
                pts.push_back({raw.samples[i], raw.samples_g[i], raw.samples_dg[i]});
            }
        }
        if (raw.end > raw.start) {
            pts.push_back({raw.end, eb.g, eb.dg});
        }
        std::size_t ib = 0;
        for (std::size_t i = 1; i < pts.size(); ++i) {
            if (pts[i].g > pts[ib].g) {
                ib = i;
            }
        }
        double best = pts[ib].t;
        const std::size_t j = pts[ib].dg >= 0.0 ? ib + 1 : ib - 1; // neighbour on the rising side
        if (j < pts.size() && (pts[ib].dg >= 0.0) != (pts[j].dg >= 0.0)) {
            const Pt &lo = pts[std::min(ib, j)];
            const Pt &hi = pts[std::max(ib, j)];
            best = brent_root([&](double t) { return evaluate(c, t).dg; }, lo.t, lo.dg, hi.t, hi.dg,
                              std::max(tol, best_time_tol_s));
            best = std::clamp(best, raw.start, raw.end);
        }
        return window_attributes(c, raw, start, span_s, best);
    }
    // Seed: the window edges and the sweep samples (at least 8 evenly spaced points when the sweep left fewer
    // than 8 inside the window), then Brent around the best one.
    std::vector<double> ts = raw.samples;
    ts.push_back(raw.start);
    ts.push_back(raw.end);
    if (raw.samples.size() < 8) {
        for (int i = 1; i < 8; ++i) {
            ts.push_back(raw.start + (raw.end - raw.start) * i / 8.0);
        }
    }
    std::sort(ts.begin(), ts.end());
    ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
    std::size_t ib = 0;
    double fb = std::numeric_limits<double>::infinity();
    std::vector<double> fs(ts.size());
    for (std::size_t i = 0; i < ts.size(); ++i) {
        fs[i] = objective(ts[i]);
        if (fs[i] < fb) {
            fb = fs[i];
            ib = i;
        }
    }
    const double lo = ib > 0 ? ts[ib - 1] : ts[ib];
    const double hi = ib + 1 < ts.size() ? ts[ib + 1] : ts[ib];
    double best = ts[ib];
    if (hi > lo) {
        // NOTE: the objective is flat at its extremum; 10 ms in time changes the extreme angle by < 1e-7 deg.
        best = brent_min(objective, lo, hi, ts[ib], fb, std::max(tol, best_time_tol_s));
    }
    return window_attributes(c, raw, start, span_s, best);
}

/// The window with its attributes at `best`.
Window window_attributes(const Context &c, const RawWindow &raw, const time::Instant &start, double span_s,
                         double best)
{
    Window w;
    w.start = start + time::Duration::from_seconds(raw.start);
    w.end = start + time::Duration::from_seconds(raw.end);
    w.best = start + time::Duration::from_seconds(best);
    w.partial = raw.start <= 0.0 || raw.end >= span_s;
    const Geo g = geo_at(c, best);
    const Vec3 los = -g.u;
    w.max_elevation_deg = g.el * rad_to_deg;
    w.min_off_nadir_deg = std::atan2(los.cross(g.f.nadir).norm(), los.dot(g.f.nadir)) * rad_to_deg;
    w.incidence_deg_at_best = 90.0 - w.max_elevation_deg;
    w.sun_elevation_deg_at_best = sun_elevation_rad(c, best) * rad_to_deg;
    w.look_side = los.dot(g.f.right) >= 0.0 ? LookSide::right : LookSide::left;
    const Vec3 north(-std::sin(g.f.lat_rad) * std::cos(g.f.lon_rad), -std::sin(g.f.lat_rad) * std::sin(g.f.lon_rad),
                     std::cos(g.f.lat_rad));
    w.pass_direction = g.f.v.dot(north) >= 0.0 ? PassDirection::ascending : PassDirection::descending;
    return w;
}

/// Few sites: candidate time spans from a coarse certified sweep of SGP4 itself, before any ephemeris is built.
/// At a sample the osculating Kepler orbit of the TEME state (a, e, angular momentum h) bounds the angular rate of
/// the geocentric direction by h / r_p^2 (fastest at perigee) plus Earth rotation, with 5% margin for the
/// perturbations (J2 moves the osculating elements by ~1e-3; drag and SGP4's WGS-72 mu far less over a skip), and
/// the radius by 1.02 r_a + 20 km. No site can satisfy its constraint while its geocentric direction is farther
/// than footprint(r) + prune margin from the sub-satellite direction, so the next
/// (angular distance - footprint - margin) / rate seconds are excluded for every site. TEME is turned into ITRF by
/// a rotation about z whose angle is interpolated linearly between the exact transforms at both ends of the
/// analysis (GMST is linear to 1e-9 rad per week; the ignored polar motion and LOD drift are < 1e-5 rad, inside the
/// extra 0.01 rad of margin). Samples that do not exclude at least a quarter of the coarse step open or extend a
/// candidate span by one coarse step (~4 deg of orbital motion).
constexpr std::size_t coarse_prune_max_sites = 64;

std::vector<std::pair<double, double>> coarse_spans(const orbits::Sgp4Propagator &prop, const std::vector<Site> &sites,
                                                    const std::vector<Spec> &specs, bool one_spec,
                                                    const time::Instant &start, double span_s,
                                                    const frames::EarthOrientation &eop, double rs_km)
{
    auto phi_at = [&](double tau) {
        const time::Instant t = start + time::Duration::from_seconds(tau);
        const Vec3 x =
            frames::teme_to_itrf(frames::StateVector<frames::Teme>{t, Vec3(1.0, 0.0, 0.0), Vec3::Zero()}, eop).r_km;
        return std::atan2(x.y(), x.x());
    };
    const double phi0 = phi_at(0.0);
    const double phi_rate =
        -frames::earth_rate_rad_s +
        std::remainder(phi_at(span_s) - phi0 + frames::earth_rate_rad_s * span_s, two_pi) / span_s;
    const orbits::ElementSet &el = prop.elements();
    std::vector<std::pair<double, double>> spans;
    bool open = false;
    double open_start = 0.0;
    double tau = 0.0;
    while (tau < span_s) {
        const time::Instant t = start + time::Duration::from_seconds(tau);
        const orbits::Sgp4State st = prop.propagate_minutes(prop.minutes_since_epoch(t));
        if (st.status != orbits::Sgp4Status::ok) {
            throw DomainError(orbits::to_error_code(st.status),
                              fmt::format("SGP4 fails for NORAD {} at {}: {}", el.norad_id, t.to_iso8601_utc(3),
                                          orbits::describe(st.status)),
                              ErrorContext{"", 0, "norad_id", std::to_string(el.norad_id)});
        }
        const double r = st.r_km.norm();
        const double h = st.r_km.cross(st.v_km_s).norm();
        const double energy = 0.5 * st.v_km_s.squaredNorm() - earth_mu_km3_s2 / r;
        double step = 60.0;
        bool candidate = true;
        if (energy < 0.0 && h > 0.0) {
            const double a = -earth_mu_km3_s2 / (2.0 * energy);
            const double e = std::sqrt(std::max(0.0, 1.0 - h * h / (earth_mu_km3_s2 * a)));
            const double rp = a * (1.0 - e);
            const double r_hi = 1.02 * a * (1.0 + e) + 20.0;
            const double omega = 1.05 * h / (rp * rp) + 1.001 * frames::earth_rate_rad_s;
            const double coarse = std::clamp(0.07 / omega, 20.0, 600.0);
            const double phi = phi0 + phi_rate * tau;
            const double cp = std::cos(phi), sp = std::sin(phi);
            const Vec3 u = Vec3(cp * st.r_km.x() - sp * st.r_km.y(), sp * st.r_km.x() + cp * st.r_km.y(), st.r_km.z()) / r;
            double lam_one = one_spec ? footprint_rad(specs.front(), r_hi, rs_km) : 0.0;
            double clear = std::numeric_limits<double>::infinity();
            for (std::size_t i = 0; i < sites.size(); ++i) {
                const double lam = one_spec ? lam_one : footprint_rad(specs[i], r_hi, rs_km);
                const double d = std::acos(std::clamp(u.dot(sites[i].unit), -1.0, 1.0));
                clear = std::min(clear, d - lam - prune_margin_rad - 0.01);
            }
            const double skip = clear / omega;
            if (skip >= 0.25 * coarse) {
                candidate = false;
                step = skip;
            } else {
                step = coarse;
            }
        }
        if (candidate && !open) {
            open = true;
            open_start = tau;
        } else if (!candidate && open) {
            open = false;
            spans.emplace_back(open_start, tau);
        }
        tau += step;
    }
    if (open) {
        spans.emplace_back(open_start, span_s);
    }
    return spans;
}

/// All windows of one satellite against all sites in [ta0, tb0] (a candidate span), appended to `out`.
void search_span(const orbits::Sgp4Propagator &prop, const std::vector<Site> &sites, const SiteIndex &index,
                 const std::vector<Spec> &specs, bool one_spec, const time::Instant &start, double ta0, double tb0,
                 double span_s, const frames::EarthOrientation &eop, const geometry::detail::SunTable &sun,
                 const SearchOptions &opt, double rs_km, std::vector<PairResult> &out)
{
    const Ephemeris eph(prop, start, ta0, tb0 - ta0, eop);
    const SatBounds &b = eph.bounds();
    // Footprint: the largest over the specs (stations may differ; targets share the satellite's sensor). A
    // station's footprint only grows as its lowest mask value falls, so the station with the lowest one gives it.
    const Spec *widest = &specs.front();
    for (const Spec &s : specs) {
        if (s.kind == Kind::station && widest->kind == Kind::station && s.mask_lo_rad < widest->mask_lo_rad) {
            widest = &s;
        }
    }
    const bool all_station = std::all_of(specs.begin(), specs.end(), [](const Spec &s) { return s.kind == Kind::station; });
    auto footprint = [&](double r) {
        if (all_station) {
            return footprint_rad(*widest, r, rs_km);
        }
        double lam = 0.0;
        for (const Spec &s : specs) {
            lam = std::max(lam, footprint_rad(s, r, rs_km));
        }
        return lam;
    };
    // Candidate (site, interval) pairs: site within footprint(r_hi) + motion over the interval + margin of the
    // sub-satellite direction at the interval's first node.
    const std::size_t n_int = eph.nodes() - 1;
    const double move = b.omega_dir * eph.step_s();
    // Runs of consecutive candidate intervals per site are tracked as the intervals are visited in time order
    // (no sort): a run is searched as soon as the site drops out of the footprint.
    constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
    std::vector<std::uint32_t> run_first(sites.size(), none);
    std::vector<std::uint32_t> run_last(sites.size(), none);
    std::vector<RawWindow> raws;
    const double h = opt.min_window_s / 2.0;
    const double tol = opt.edge_tolerance_s / 2.0;
    auto search_run = [&](std::uint32_t site, std::uint32_t first, std::uint32_t last) {
        const double ta = eph.node_tau(first);
        const double tb = last + 1 == n_int ? tb0 : eph.node_tau(last + 1);
        const Spec &spec = one_spec ? specs.front() : specs[site];
        const Context c{&spec, &sites[site], &eph, &sun};
        std::size_t n_raw = 0;
        sweep(c, ta, tb, h, tol, raws, n_raw);
        for (std::size_t k = 0; k < n_raw; ++k) {
            const RawWindow &raw = raws[k];
            Window w = finish_window(c, raw, start, span_s, tol);
            if (spec.kind != Kind::station && spec.pass != PassDirection::any && w.pass_direction != spec.pass) {
                continue;
            }
            out.push_back(PairResult{site, w});
        }
    };
    for (std::size_t jj = 0; jj < n_int; ++jj) {
        const auto j = static_cast<std::uint32_t>(jj);
        const double r_hi = std::max(eph.node_r(j).norm(), eph.node_r(j + 1).norm()) + 0.05 * b.v_max * eph.step_s();
        const double radius = footprint(r_hi) + move + prune_margin_rad;
        index.query(eph.node_r(j).normalized(), radius, [&](std::uint32_t i) {
            if (run_last[i] != none && run_last[i] + 1 == j) {
                run_last[i] = j;
                return;
            }
            if (run_last[i] != none) {
                search_run(i, run_first[i], run_last[i]);
            }
            run_first[i] = j;
            run_last[i] = j;
        });
    }
    for (std::size_t i = 0; i < sites.size(); ++i) {
        if (run_last[i] != none) {
            search_run(static_cast<std::uint32_t>(i), run_first[i], run_last[i]);
        }
    }
}

/// All windows of one satellite against all sites.
std::vector<PairResult> search_satellite(const orbits::Sgp4Propagator &prop, const std::vector<Site> &sites,
                                         const SiteIndex &index, const std::vector<Spec> &specs, bool one_spec,
                                         const time::Instant &start, double span_s,
                                         const frames::EarthOrientation &eop,
                                         const geometry::detail::SunTable &sun, const SearchOptions &opt,
                                         double rs_km)
{
    std::vector<std::pair<double, double>> spans;
    if (sites.size() <= coarse_prune_max_sites) {
        spans = coarse_spans(prop, sites, specs, one_spec, start, span_s, eop, rs_km);
    } else {
        spans.emplace_back(0.0, span_s);
    }
    std::vector<PairResult> out;
    for (const auto &[ta0, tb0] : spans) {
        if (tb0 > ta0) {
            search_span(prop, sites, index, specs, one_spec, start, ta0, tb0, span_s, eop, sun, opt, rs_km, out);
        }
    }
    return out;
}

void check_inputs(const time::Instant &start, const time::Instant &stop, const SearchOptions &opt)
{
    if (!(stop > start)) {
        throw Error(ErrorCode::invalid_argument, "the analysis interval must have stop > start",
                    ErrorContext{"", 0, "stop", stop.to_iso8601_utc(3)});
    }
    if (!(opt.min_window_s > 0.0) || !std::isfinite(opt.min_window_s)) {
        throw Error(ErrorCode::invalid_argument, "min_window_s must be > 0",
                    ErrorContext{"", 0, "min_window_s", fmt::format("{}", opt.min_window_s)});
    }
    if (!(opt.edge_tolerance_s > 0.0) || !std::isfinite(opt.edge_tolerance_s)) {
        throw Error(ErrorCode::invalid_argument, "edge_tolerance_s must be > 0",
                    ErrorContext{"", 0, "edge_tolerance_s", fmt::format("{}", opt.edge_tolerance_s)});
    }
    if (opt.threads < 0) {
        throw Error(ErrorCode::invalid_argument, "threads must be >= 0",
                    ErrorContext{"", 0, "threads", fmt::format("{}", opt.threads)});
    }
}

template <class Fn>
void for_each_satellite(std::size_t n, int threads, Fn &&fn)
{
    const int nthreads = threads > 0 ? threads : tbb::task_arena::automatic;
    tbb::task_arena arena(nthreads);
    arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1), [&](const tbb::blocked_range<std::size_t> &r) {
            for (std::size_t i = r.begin(); i != r.end(); ++i) {
                fn(i);
            }
        });
    });
}

double smallest_site_radius(const std::vector<Site> &sites)
{
    double rs = wgs84_b_km;
    for (const Site &s : sites) {
        rs = std::min(rs, s.r.norm());
    }
    return rs - 1.0;
}

} // namespace

std::vector<StationPass> find_station_passes(std::span<const Satellite> sats,
                                             std::span<const geometry::GroundStation> stations,
                                             const time::Instant &start, const time::Instant &stop,
                                             const frames::EarthOrientation &eop, const SearchOptions &options)
{
    check_inputs(start, stop, options);
    const double span_s = (stop - start).seconds();
    std::vector<Site> sites;
    std::vector<Spec> specs;
    for (const auto &g : stations) {
        specs.push_back(spec_for_station(g));
        sites.push_back(make_site(g.location));
    }
    std::vector<std::vector<StationPass>> per(sats.size());
    if (!sites.empty()) {
        const SiteIndex index(sites);
        const geometry::detail::SunTable sun(start, stop, eop, sun_node_step_s);
        const double rs = smallest_site_radius(sites);
        for_each_satellite(sats.size(), options.threads, [&](std::size_t i) {
            if (sats[i].propagator.init_status() != orbits::Sgp4Status::ok) {
                return;
            }
            for (PairResult &p : search_satellite(sats[i].propagator, sites, index, specs, false, start, span_s, eop,
                                                  sun, options, rs)) {
                per[i].push_back(StationPass{i, p.site, p.window});
            }
        });
    }
    std::vector<StationPass> out;
    for (auto &v : per) {
        std::sort(v.begin(), v.end(), [](const StationPass &a, const StationPass &b) {
            return a.station != b.station ? a.station < b.station : a.window.start < b.window.start;
        });
        out.insert(out.end(), v.begin(), v.end());
    }
    return out;
}

std::vector<TargetAccess> find_target_access(std::span<const Satellite> sats,
                                             std::span<const geometry::Target> targets,
                                             const time::Instant &start, const time::Instant &stop,
                                             const frames::EarthOrientation &eop, const SearchOptions &options)
{
    check_inputs(start, stop, options);
    const double span_s = (stop - start).seconds();
    std::vector<Spec> sat_specs;
    for (const auto &s : sats) {
        sat_specs.push_back(spec_for_sensor(s.sensor));
    }
    std::vector<Site> sites;
    for (const auto &t : targets) {
        sites.push_back(make_site(t.location));
    }
    std::vector<std::vector<TargetAccess>> per(sats.size());
    if (!sites.empty()) {
        const SiteIndex index(sites);
        const geometry::detail::SunTable sun(start, stop, eop, sun_node_step_s);
        const double rs = smallest_site_radius(sites);
        for_each_satellite(sats.size(), options.threads, [&](std::size_t i) {
            if (sats[i].propagator.init_status() != orbits::Sgp4Status::ok) {
                return;
            }
            const std::vector<Spec> one{sat_specs[i]};
            for (PairResult &p : search_satellite(sats[i].propagator, sites, index, one, true, start, span_s, eop, sun,
                                                  options, rs)) {
                per[i].push_back(TargetAccess{i, p.site, p.window});
            }
        });
    }
    std::vector<TargetAccess> out;
    for (auto &v : per) {
        std::sort(v.begin(), v.end(), [](const TargetAccess &a, const TargetAccess &b) {
            return a.target != b.target ? a.target < b.target : a.window.start < b.window.start;
        });
        out.insert(out.end(), v.begin(), v.end());
    }
    return out;
}

} // namespace vantage::access
