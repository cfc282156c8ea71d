#include "vantage/access/detail/ephemeris.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <span>

#include "vantage/core/constants.hpp"
#include "vantage/core/error.hpp"
#include "vantage/frames/transforms.hpp"
#include "vantage/orbits/sgp4_batch.hpp"

namespace vantage::access::detail {

namespace {

constexpr double node_step_max_s = 60.0;
constexpr double node_angle_max_rad = 0.06;

// Semi-minor axis of WGS-84 and the smallest meridian radius of curvature b^2/a: the ellipsoid normal along the
// satellite's motion turns at most at v / (M_min + h) rad/s.
constexpr double wgs84_b_km = wgs84_a_km * (1.0 - wgs84_f);
constexpr double wgs84_e2 = wgs84_f * (2.0 - wgs84_f);
constexpr double wgs84_m_min_km = wgs84_b_km * wgs84_b_km / wgs84_a_km;

} // namespace

// ---------------------------------------------------------------------------------------------------------
/// TEME -> ITRF (frames::teme_to_itrf, Vallado's teme2ecef: r_itrf = W rot3(gmst) r_teme, v_itrf = W (rot3(gmst)
/// v_teme - omega x rot3(gmst) r_teme)) for many instants of one span, from exact transforms at knots <= 1 h apart:
/// at a knot the matrix A_k = W rot3(gmst_k) comes from the transforms of the basis vectors and omega_itrf = |omega|
/// A_k e_z; between knots M(t) = A_k rot3(rate_k (t - t_k)) with rate_k from A_k^T A_{k+1}. GMST82 is linear in UT1
/// to 1e-15 rad over an hour and UT1 - UTC is interpolated linearly between daily EOP rows (a row inside a knot
/// interval bends it by < 1e-10 rad); polar motion moves < 0.05 mas (2.4e-10 rad) in an hour. So positions
/// agree with teme_to_itrf to ~1e-9 of the radius (7 µm in LEO), far below the 1 ms edge tolerance (~7 m).
TemeToItrf::TemeToItrf(const time::Instant &start, double t0_s, double t1_s, const frames::EarthOrientation &eop)
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

void TemeToItrf::apply(double tau, const Vec3 &r_teme, const Vec3 &v_teme, Vec3 &r, Vec3 &v) const
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

// ---------------------------------------------------------------------------------------------------------
namespace {

// Lagrange weights on the nodes 0..5 at position s (and their derivatives d/ds when `dw` is given), from prefix
// and suffix products of (s - j): no division but the constant denominators.
void lagrange6(double s, double w[6], double *dw)
{
    static constexpr double inv_den[6] = {-1.0 / 120.0, 1.0 / 24.0, -1.0 / 12.0, 1.0 / 12.0, -1.0 / 24.0, 1.0 / 120.0};
    double pre[6], suf[6];
    pre[0] = 1.0;
    suf[5] = 1.0;
    for (int i = 1; i < 6; ++i) {
        pre[i] = pre[i - 1] * (s - (i - 1));
        suf[5 - i] = suf[6 - i] * (s - (6 - i));
    }
    for (int i = 0; i < 6; ++i) {
        w[i] = pre[i] * suf[i] * inv_den[i];
    }
    if (dw != nullptr) {
        double dpre[6], dsuf[6];
        dpre[0] = 0.0;
        dsuf[5] = 0.0;
        for (int i = 1; i < 6; ++i) {
            dpre[i] = dpre[i - 1] * (s - (i - 1)) + pre[i - 1];
            dsuf[5 - i] = dsuf[6 - i] * (s - (6 - i)) + suf[6 - i];
        }
        for (int i = 0; i < 6; ++i) {
            dw[i] = (dpre[i] * suf[i] + pre[i] * dsuf[i]) * inv_den[i];
        }
    }
}

} // namespace

Ephemeris::Ephemeris(const orbits::Sgp4Propagator &prop, const time::Instant &start, double t0_s, double span_s,
                     const TemeToItrf &rot, double max_step_s)
    : m_t0_s(t0_s)
{
    const orbits::ElementSet &el = prop.elements();
    const double n_rad_s = el.mean_motion_rev_day * two_pi / seconds_per_day;
    const double e = std::clamp(el.eccentricity, 0.0, 0.99);
    // Angular rate at perigee (Kepler) plus Earth rotation: the fastest the ITRF state turns.
    const double omega_max = n_rad_s * (1.0 + e) * (1.0 + e) / std::pow(1.0 - e * e, 1.5) + frames::earth_rate_rad_s;
    // NOTE: six-point Lagrange with node spacing h: position error ~ 5e-3 r (omega h)^6, i.e. 1.6 mm for LEO at
    // omega h = 0.06 (60 s), 0.2 µs of edge time; at least 6 nodes. Wider nodes mean fewer node evaluations of every
    // candidate site (the node path's main cost) against a wider band of sites whose certificate needs the tangent
    // or span test; 60 s measured faster than 30 s and 90 s.
    const double step_target_s = std::min({node_step_max_s, node_angle_max_rad / omega_max, std::max(max_step_s, 1.0)});
    const auto intervals = static_cast<std::size_t>(std::max(5.0, std::ceil(span_s / step_target_s)));
    m_step_s = span_s / static_cast<double>(intervals);
    const std::size_t n = intervals + 1;
    m_nodes.resize(n);
    // Nodes from the batch SGP4 kernel (SIMD over the times of this satellite; equal to propagate_minutes to
    // orbits::sgp4_batch_vs_scalar_pos_km), rotated to ITRF by TemeToItrf.
    std::vector<time::Instant> times(n);
    for (std::size_t k = 0; k < n; ++k) {
        times[k] =
            start + time::Duration::from_seconds(t0_s + ((k + 1 == n) ? span_s : static_cast<double>(k) * m_step_s));
    }
    std::vector<double> buf(6 * n);
    std::vector<orbits::Sgp4Status> status(n);
    const std::span<double> all(buf);
    const orbits::Sgp4BatchOutput out{all.subspan(0, n),     all.subspan(n, n),     all.subspan(2 * n, n),
                                      all.subspan(3 * n, n), all.subspan(4 * n, n), all.subspan(5 * n, n),
                                      std::span<orbits::Sgp4Status>(status)};
    orbits::propagate_batch(std::span<const orbits::Sgp4Propagator>(&prop, 1), times, out);
    for (std::size_t k = 0; k < n; ++k) {
        if (status[k] != orbits::Sgp4Status::ok) {
            throw DomainError(orbits::to_error_code(status[k]),
                              fmt::format("SGP4 fails for NORAD {} at {}: {}", el.norad_id,
                                          times[k].to_iso8601_utc(3), orbits::describe(status[k])),
                              ErrorContext{"", 0, "norad_id", std::to_string(el.norad_id)});
        }
        rot.apply((times[k] - start).seconds(), Vec3(out.x_km[k], out.y_km[k], out.z_km[k]),
                  Vec3(out.vx_km_s[k], out.vy_km_s[k], out.vz_km_s[k]), m_nodes[k].r, m_nodes[k].v);
    }
    // Node accelerations: the derivative of the interpolated velocity on the piece starting at the node.
    for (std::size_t k = 0; k < n; ++k) {
        m_nodes[k].a = at(node_tau(k), true).a;
    }
    compute_bounds();
}

/// Six-point Lagrange interpolation of the node positions and, separately, of the node velocities.
/// NOTE: not cubic Hermite: SGP4's velocity is not exactly the derivative of its position (differences of
/// ~1 m/s), so a Hermite interpolant drifts by metres between nodes. Interpolating each quantity on its own
/// keeps both on SGP4's values: error ~ 5e-3 (omega h)^6 r, 25 µm for LEO at omega h = 0.03.
SatState Ephemeris::at(double tau_s, bool with_accel) const
{
    const std::size_t n = m_nodes.size();
    const double x = std::clamp((tau_s - m_t0_s) / m_step_s, 0.0, static_cast<double>(n - 1));
    const auto k = static_cast<std::size_t>(x);
    // Stencil k-2 .. k+3, shifted inward at the ends.
    std::size_t first = k >= 2 ? k - 2 : 0;
    if (first + 6 > n) {
        first = n - 6;
    }
    const double s = x - static_cast<double>(first); // position within the stencil, nodes at 0..5
    double w[6];
    double dw[6];
    if (with_accel) {
        lagrange6(s, w, dw);
    } else {
        // The same weights written out (this is the engine's most frequent call).
        const double a0 = s, a1 = s - 1.0, a2 = s - 2.0, a3 = s - 3.0, a4 = s - 4.0, a5 = s - 5.0;
        const double p2 = a0 * a1, p3 = p2 * a2, p4 = p3 * a3;
        const double q3 = a4 * a5, q2 = q3 * a3, q1 = q2 * a2;
        w[0] = q1 * a1 * (-1.0 / 120.0);
        w[1] = a0 * q1 * (1.0 / 24.0);
        w[2] = p2 * q2 * (-1.0 / 12.0);
        w[3] = p3 * q3 * (1.0 / 12.0);
        w[4] = p4 * a5 * (-1.0 / 24.0);
        w[5] = p4 * a4 * (1.0 / 120.0);
    }
    const SatState *nd = m_nodes.data() + first;
    double r0 = 0.0, r1 = 0.0, r2 = 0.0, v0 = 0.0, v1 = 0.0, v2 = 0.0;
    for (int i = 0; i < 6; ++i) {
        r0 += w[i] * nd[i].r.x();
        r1 += w[i] * nd[i].r.y();
        r2 += w[i] * nd[i].r.z();
        v0 += w[i] * nd[i].v.x();
        v1 += w[i] * nd[i].v.y();
        v2 += w[i] * nd[i].v.z();
    }
    SatState out{Vec3(r0, r1, r2), Vec3(v0, v1, v2), Vec3::Zero()};
    if (with_accel) {
        const double inv_h = 1.0 / m_step_s;
        double a0 = 0.0, a1 = 0.0, a2 = 0.0;
        for (int i = 0; i < 6; ++i) {
            a0 += dw[i] * nd[i].v.x();
            a1 += dw[i] * nd[i].v.y();
            a2 += dw[i] * nd[i].v.z();
        }
        out.a = Vec3(a0 * inv_h, a1 * inv_h, a2 * inv_h);
    }
    return out;
}

void Ephemeris::compute_bounds()
{
    double v_max = 0.0, r_min = std::numeric_limits<double>::max(), r_max = 0.0;
    double w_min = std::numeric_limits<double>::max();
    for (const SatState &st : m_nodes) {
        v_max = std::max(v_max, st.v.norm());
        r_min = std::min(r_min, st.r.norm());
        r_max = std::max(r_max, st.r.norm());
        const Vec3 nadir = -fast_geodetic(st.r).up;
        w_min = std::min(w_min, nadir.cross(st.v).norm());
    }
    const double h = m_step_s;
    const double w = frames::earth_rate_rad_s;
    // Extremes between nodes: the radius can dip below the node minimum by at most a h^2 / 8 (a = radial
    // acceleration bound), the speed exceed the node maximum by at most a h / 2.
    const double a_max0 = 1.01 * earth_mu_km3_s2 / (r_min * r_min) + 2.0 * w * v_max + w * w * r_max;
    r_min -= a_max0 * h * h / 8.0 + 0.01;
    r_max += a_max0 * h * h / 8.0 + 0.01;
    v_max = v_max + a_max0 * h / 2.0 + 1e-4;
    SatBounds b;
    // ITRF acceleration: gravity (J2 adds < 0.3%), Coriolis, centrifugal.
    b.a_max = 1.01 * earth_mu_km3_s2 / (r_min * r_min) + 2.0 * w * v_max + w * w * r_max;
    // ITRF jerk: the gravity gradient (eigenvalues 2 mu / r^3, -mu / r^3 for a point mass; J2 adds < 1%) applied to
    // the velocity, plus the derivatives of the Coriolis and centrifugal terms; 10% margin on the first.
    b.j_max = 1.1 * 2.0 * earth_mu_km3_s2 * v_max / (r_min * r_min * r_min) + 2.0 * w * b.a_max + w * w * v_max;
    b.v_max = v_max;
    b.r_min = r_min;
    b.r_max = r_max;
    b.h_min = std::max(r_min - wgs84_a_km, 1.0);
    b.omega_dir = v_max / r_min;
    // Geodetic nadir: up' = S v with S the shape operator at height h (norm <= 1 / (M_min + h)); up'' = S a + S' v,
    // |S'| <= (2 |up'| + |(N + h)'|) / (M_min + h) + small terms of the flattening <= 3.1 v / (M_min + h)^2 (docs):
    // 4 v^2 / (M_min + h)^2 with margin.
    const double rc = wgs84_m_min_km + b.h_min;
    b.n1 = v_max / rc;
    b.n2 = b.a_max / rc + 4.0 * v_max * v_max / (rc * rc);
    // "right" = unit(w), w = nadir x v: |w'| <= n1 v + a, |w''| <= n2 v + 2 n1 a + j; the unit vector turns at
    // |w'| / |w| and accelerates at most (|w''| + 3 |w'|^2 / |w|) / |w|. |w| is at least the node minimum less its
    // possible change over half a step.
    const double wd = b.n1 * v_max + b.a_max;
    const double wdd = b.n2 * v_max + 2.0 * b.n1 * b.a_max + b.j_max;
    b.w_floor = std::max(w_min - wd * h / 2.0, 1e-6);
    b.r1 = wd / b.w_floor;
    b.r2 = (wdd + 3.0 * wd * wd / b.w_floor) / b.w_floor;
    // "along" = right x nadir.
    b.a1 = b.r1 + b.n1;
    b.a2 = b.r2 + 2.0 * b.r1 * b.n1 + b.n2;
    m_bounds = b;
}

// ---------------------------------------------------------------------------------------------------------
FastGeodetic fast_geodetic(const Vec3 &r_km)
{
    // Bowring (1976) with the parametric latitude beta: tan(phi) = (z + e'^2 b sin^3 beta) / (p - e^2 a cos^3 beta),
    // tan(beta) = (1 - f) tan(phi); two steps from tan(beta0) = a z / (b p): 8e-9 rad after one, 5e-16 rad after two
    // (measured against GeographicLib from 10 km to 1e5 km height); sines and cosines are carried as normalised pairs
    // (no trigonometric calls).
    constexpr double a = wgs84_a_km;
    constexpr double b = wgs84_b_km;
    constexpr double e2 = wgs84_e2;
    constexpr double ep2 = e2 / (1.0 - e2);
    const double x = r_km.x(), y = r_km.y(), z = r_km.z();
    const double p = std::sqrt(x * x + y * y);
    FastGeodetic g{};
    if (p > 1e-9) {
        g.cos_lon = x / p;
        g.sin_lon = y / p;
    } else {
        g.cos_lon = 1.0;
        g.sin_lon = 0.0;
    }
    double cb = b * p, sb = a * z;
    double nb = std::sqrt(cb * cb + sb * sb);
    cb /= nb;
    sb /= nb;
    double cphi = 0.0, sphi = 0.0;
    for (int it = 0; it < 2; ++it) {
        const double num = z + ep2 * b * sb * sb * sb;
        const double den = p - e2 * a * cb * cb * cb;
        const double np = std::sqrt(den * den + num * num);
        cphi = den / np;
        sphi = num / np;
        cb = cphi;
        sb = (1.0 - wgs84_f) * sphi;
        nb = std::sqrt(cb * cb + sb * sb);
        cb /= nb;
        sb /= nb;
    }
    g.sin_lat = sphi;
    g.cos_lat = cphi;
    g.h_km = p * cphi + z * sphi - a * std::sqrt(1.0 - e2 * sphi * sphi);
    g.up = Vec3(cphi * g.cos_lon, cphi * g.sin_lon, sphi);
    return g;
}

SatFrame make_frame(const SatState &st, bool with_rates)
{
    SatFrame f;
    f.r = st.r;
    f.v = st.v;
    f.a = st.a;
    const FastGeodetic g = fast_geodetic(st.r);
    f.h_km = g.h_km;
    f.nadir = -g.up;
    f.north = Vec3(-g.sin_lat * g.cos_lon, -g.sin_lat * g.sin_lon, g.cos_lat);
    const Vec3 east(-g.sin_lon, g.cos_lon, 0.0);
    const double w = std::sqrt(1.0 - wgs84_e2 * g.sin_lat * g.sin_lat);
    const double mc = wgs84_a_km * (1.0 - wgs84_e2) / (w * w * w); // meridian radius of curvature
    const double nc = wgs84_a_km / w;                                // prime-vertical radius of curvature
    // up' = (v.north) north / (M + h) + (v.east) east / (N + h): the normal's rate at height h (exact).
    const Vec3 dup = (st.v.dot(f.north) / (mc + g.h_km)) * f.north + (st.v.dot(east) / (nc + g.h_km)) * east;
    f.dnadir = -dup;
    f.dh_km_s = st.v.dot(g.up);
    const Vec3 wv = f.nadir.cross(st.v);
    const double wn = wv.norm();
    f.right = wn > 0.0 ? Vec3(wv / wn) : Vec3::Zero();
    f.along = f.right.cross(f.nadir);
    if (with_rates && wn > 0.0) {
        const Vec3 wd = f.dnadir.cross(st.v) + f.nadir.cross(st.a);
        f.dright = (wd - f.right * f.right.dot(wd)) / wn;
        f.dalong = f.dright.cross(f.nadir) + f.right.cross(f.dnadir);
    } else {
        f.dright = Vec3::Zero();
        f.dalong = Vec3::Zero();
    }
    return f;
}

} // namespace vantage::access::detail
