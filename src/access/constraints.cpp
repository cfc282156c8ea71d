#include "vantage/access/detail/constraints.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "vantage/core/constants.hpp"
#include "vantage/core/error.hpp"
#include "vantage/frames/transforms.hpp"

namespace vantage::access::detail {

double sun_rate_bound_rad_s()
{
    return frames::earth_rate_rad_s * 1.0001 + 2.5e-7;
}

namespace {

constexpr double wgs84_b_km = wgs84_a_km * (1.0 - wgs84_f);
constexpr double wgs84_m_min_km = wgs84_b_km * wgs84_b_km / wgs84_a_km;

/// Time before the line of sight from a fixed ground point can turn by `angle_rad`: its turn rate is at most
/// v_max / rho(t') with rho(t') >= rho - v_max (t' - t), whose integral is ln(rho / (rho - v_max s)).
double los_skip(double angle_rad, double rho_km, double v_max)
{
    return rho_km * (-std::expm1(-angle_rad)) / v_max;
}

double azimuth_rad(const Site &s, const Vec3 &u)
{
    double az = std::atan2(u.dot(s.east), u.dot(s.north));
    return az < 0.0 ? az + two_pi : az;
}

/// The azimuth-mask term (first order, in angles; unchanged from the original engine): g = el - mask(az).
double mask_term(const Spec &s, const Site &site, const SatFrame &f, const SatBounds &b, double &skip)
{
    const Vec3 d = f.r - site.r;
    const double rho = d.norm();
    const Vec3 u = d / rho;
    const double el = std::asin(std::clamp(u.dot(site.up), -1.0, 1.0));
    const double gm = el - mask_at(s, azimuth_rad(site, u));
    if (el < s.mask_lo_rad) { // below the lowest mask value: el must rise that far first
        skip = los_skip(s.mask_lo_rad - el, rho, b.v_max);
    } else if (el > s.mask_hi_rad) {
        skip = los_skip(el - s.mask_hi_rad, rho, b.v_max);
    } else { // inside the band: g = el - mask(az), |dg/dt| <= (1 + slope / cos(el_band)) * LOS rate
        const double band = std::min(5.0 * deg_to_rad, (0.5 * pi - s.mask_hi_rad) / 2.0);
        const double k = 1.0 + s.mask_slope / std::cos(s.mask_hi_rad + band);
        const double stay = los_skip(s.mask_hi_rad + band - el, rho, b.v_max);
        skip = std::min(los_skip(std::abs(gm) / k, rho, b.v_max), stay);
    }
    return gm;
}

} // namespace

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

// ---------------------------------------------------------------------------------------------------------
Spec spec_for_station(const geometry::GroundStation &g)
{
    Spec s;
    s.station = true;
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
    Term t;
    if (s.const_mask) {
        t.kind = TermKind::elev_min;
        t.th = std::sin(lo * deg_to_rad);
    } else {
        t.kind = TermKind::mask;
    }
    s.modes.push_back(Mode{{t}});
    s.objective = Objective::max_elevation;
    return s;
}

namespace {

Mode mode_for_sensor(const geometry::Sensor &sensor, Spec &spec)
{
    Mode m;
    auto add = [&](TermKind k, double th, double sgn = 1.0) {
        Term t;
        t.kind = k;
        t.th = th;
        t.sgn = sgn;
        m.terms.push_back(t);
        return &m.terms.back();
    };
    if (sensor.type == geometry::SensorType::sar) {
        // elevation in [90 - incidence_max, 90 - incidence_min]; the lower bound implies elevation >= 0.
        add(TermKind::elev_min, std::sin((90.0 - *sensor.incidence_max_deg) * deg_to_rad));
        add(TermKind::elev_max, std::sin((90.0 - *sensor.incidence_min_deg) * deg_to_rad));
        // Zero Doppler within the squint limit: |along-track look angle| <= sigma, as tan(sigma) C -/+ A >= 0.
        const double sigma = sensor.max_squint_deg.value_or(geometry::default_max_squint_deg) * deg_to_rad;
        add(TermKind::along, std::tan(sigma), -1.0);
        add(TermKind::along, std::tan(sigma), 1.0);
    } else {
        add(TermKind::elev_min, 0.0); // the target sees the satellite
        if (sensor.max_off_nadir_deg) {
            add(TermKind::cone, std::cos(*sensor.max_off_nadir_deg * deg_to_rad));
        } else {
            // Rectangular field of view: |cross-track look angle| <= half-swath angle eta(h) and |along-track look
            // angle| <= alpha, written as k C -/+ X >= 0 and tan(alpha) C -/+ A >= 0 (same zero set for C > 0).
            const double lam = *sensor.swath_km / (2.0 * mean_radius_km);
            for (const double sgn : {-1.0, 1.0}) {
                Term *t = add(TermKind::swath, 0.0, sgn);
                t->p1 = mean_radius_km * std::sin(lam);
                t->p2 = mean_radius_km * (1.0 - std::cos(lam));
            }
            const double alpha =
                sensor.along_track_half_angle_deg.value_or(geometry::default_along_track_half_angle_deg) * deg_to_rad;
            add(TermKind::along, std::tan(alpha), -1.0);
            add(TermKind::along, std::tan(alpha), 1.0);
        }
        if (sensor.min_sun_elevation_deg) {
            add(TermKind::sun, std::sin(*sensor.min_sun_elevation_deg * deg_to_rad));
            spec.uses_sun = true;
        }
    }
    if (sensor.look_side != geometry::LookSide::both) {
        add(TermKind::side, 0.0, sensor.look_side == geometry::LookSide::right ? 1.0 : -1.0);
    }
    return m;
}

/// Images a point as it crosses its instrument line or beam (fixed push-broom, SAR): the best time of a window is
/// the crossing (smallest |along-track look angle|), not the smallest off-nadir angle.
bool is_crossing(const geometry::Sensor &s)
{
    return s.type == geometry::SensorType::sar || !s.max_off_nadir_deg;
}

} // namespace

Spec spec_for_sensor(const geometry::Sensor &sensor)
{
    geometry::validate_sensor(sensor);
    Spec s;
    s.station = false;
    s.pass = sensor.pass_direction;
    bool all_crossing = true;
    if (sensor.modes.empty()) {
        s.modes.push_back(mode_for_sensor(sensor, s));
        all_crossing = is_crossing(sensor);
    } else {
        for (const auto &m : sensor.modes) {
            s.modes.push_back(mode_for_sensor(m, s));
            all_crossing = all_crossing && is_crossing(m);
        }
    }
    s.objective = all_crossing ? Objective::min_along : Objective::min_off_nadir;
    s.needs_frame = true;
    for (const Mode &m : s.modes) {
        for (const Term &t : m.terms) {
            s.needs_accel = s.needs_accel || t.kind == TermKind::side || t.kind == TermKind::swath ||
                            t.kind == TermKind::along;
        }
    }
    return s;
}

/// Earth central angle from the sub-satellite direction beyond which no site can satisfy the spec, on a sphere of
/// radius `rs` (the smallest site radius, which makes every formula below larger): elevation >= e: lambda =
/// acos(rs cos e / r) - e; off-nadir <= theta: lambda = asin(r sin theta / rs) - theta (horizon when the cone
/// reaches it). A mode's region lies inside each of its terms' regions (AND), the spec's inside the union of its
/// modes' (OR). The rectangular field of view lies inside the cone of half-angle atan(sqrt(k_max^2 + tan^2 alpha)).
double footprint_rad(const Spec &s, double r_km, double rs_km, double h_min_km)
{
    const double horizon = std::acos(std::min(1.0, rs_km / r_km));
    auto from_elevation = [&](double e) {
        const double e_c = std::max(e, 0.0);
        return std::clamp(std::acos(std::min(1.0, rs_km * std::cos(e_c) / r_km)) - e_c, 0.0, horizon);
    };
    auto from_cone = [&](double theta) {
        const double x = r_km * std::sin(theta) / rs_km;
        return x >= 1.0 ? horizon : std::min(horizon, std::asin(x) - theta);
    };
    if (s.station) {
        return from_elevation(s.mask_lo_rad);
    }
    double out = 0.0;
    for (const Mode &m : s.modes) {
        double lam = horizon;
        double k_swath = -1.0, k_along = -1.0;
        for (const Term &t : m.terms) {
            switch (t.kind) {
            case TermKind::elev_min:
            case TermKind::mask:
                lam = std::min(lam, from_elevation(std::asin(std::clamp(t.th, -1.0, 1.0))));
                break;
            case TermKind::cone:
                lam = std::min(lam, from_cone(std::acos(std::clamp(t.th, -1.0, 1.0))));
                break;
            case TermKind::swath:
                k_swath = t.p1 / (t.p2 + std::max(h_min_km, 1.0));
                break;
            case TermKind::along:
                k_along = t.th;
                break;
            default:
                break;
            }
        }
        if (k_swath >= 0.0 && k_along >= 0.0) {
            lam = std::min(lam, from_cone(std::atan(std::hypot(k_swath, k_along))));
        }
        out = std::max(out, lam);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------
SiteQ site_quantities(const SatFrame &f, const Site &s, bool with_frame, bool with_sun, const Vec3 &sun_itrf)
{
    SiteQ q;
    const Vec3 d = f.r - s.r;
    q.rho = d.norm();
    const double inv = 1.0 / q.rho;
    const Vec3 u = d * inv;
    const Vec3 du = (f.v - u * u.dot(f.v)) * inv;
    q.E = u.dot(s.up);
    q.dE = du.dot(s.up);
    if (with_frame) {
        q.C = -u.dot(f.nadir);
        q.dC = -(du.dot(f.nadir) + u.dot(f.dnadir));
        q.X = -u.dot(f.right);
        q.dX = -(du.dot(f.right) + u.dot(f.dright));
        q.A = -u.dot(f.along);
        q.dA = -(du.dot(f.along) + u.dot(f.dalong));
    }
    if (with_sun) {
        const Vec3 sd = sun_itrf - s.r;
        q.S = sd.dot(s.up) / sd.norm();
    }
    return q;
}

void swath_k(const Term &t, const SatFrame &f, double &k, double &dk)
{
    if (t.kind != TermKind::swath) {
        k = dk = 0.0;
        return;
    }
    const double hh = t.p2 + std::max(f.h_km, 1.0);
    k = t.p1 / hh;
    dk = f.h_km > 1.0 ? -t.p1 * f.dh_km_s / (hh * hh) : 0.0;
}

TermValue term_value_k(const Term &t, const SiteQ &q, double k, double dk)
{
    switch (t.kind) {
    case TermKind::elev_min:
        return {q.E - t.th, q.dE};
    case TermKind::elev_max:
        return {t.th - q.E, -q.dE};
    case TermKind::cone:
        return {q.C - t.th, q.dC};
    case TermKind::side:
        return {t.sgn * q.X, t.sgn * q.dX};
    case TermKind::swath:
        return {k * q.C + t.sgn * q.X, dk * q.C + k * q.dC + t.sgn * q.dX};
    case TermKind::along:
        return {t.th * q.C + t.sgn * q.A, t.th * q.dC + t.sgn * q.dA};
    case TermKind::sun:
        return {q.S - t.th, 0.0};
    case TermKind::mask:
        break;
    }
    return {0.0, 0.0};
}

TermValue term_value(const Term &t, const SiteQ &q, const SatFrame &f)
{
    double k = 0.0, dk = 0.0;
    swath_k(t, f, k, dk);
    return term_value_k(t, q, k, dk);
}

/// Second-derivative bounds (docs/accuracy.md § Access windows, "Second-order certificates"): with U1 = v / rho_lo
/// and U2 = a / rho_lo + 2 v^2 / rho_lo^2 bounding |u'| and |u''|, and n1, n2, r1, r2, a1, a2 bounding the first and
/// second derivatives of the unit nadir, right and along vectors (ephemeris.cpp):
///   E'' <= U2;  C'' <= U2 + 2 U1 n1 + n2;  X'' <= U2 + 2 U1 r1 + r2;  A'' <= U2 + 2 U1 a1 + a2;
///   swath k C + X: k_max C'' + X'' + 2 |k'| |C'| + |k''| with k = p1 / (p2 + h), |h'| <= v, |h''| <= a + v n1,
///   |C| <= 1, |C'| <= U1 + n1;  along tan(alpha) C + A: tan(alpha) C'' + A''.
/// eps: the computed rates use the interpolated velocity v where the derivative of the interpolated position is
/// meant: |u'| is off by <= vm / rho, the nadir rate by <= vm n1 / v, right's by <= vm n1 / w_floor.
TermCoef term_coef(const Term &t, const SatBounds &b)
{
    const double v = b.v_max;
    const double vm = vel_mismatch_km_s;
    const double e_n = vm * b.n1 / v;
    const double e_r = vm * b.n1 / b.w_floor;
    switch (t.kind) {
    case TermKind::elev_min:
    case TermKind::elev_max:
        return {1.0, 0.0, 0.0, 1.0, 0.0};
    case TermKind::cone:
        return {1.0, 2.0 * b.n1, b.n2, 1.0, e_n};
    case TermKind::side:
        return {1.0, 2.0 * b.r1, b.r2, 1.0, e_r};
    case TermKind::swath: {
        const double hh = t.p2 + b.h_min;
        const double k_max = t.p1 / hh;
        const double k1 = t.p1 * v / (hh * hh);
        const double k2 = 2.0 * t.p1 * v * v / (hh * hh * hh) + t.p1 * (b.a_max + v * b.n1) / (hh * hh);
        return {k_max + 1.0, 2.0 * k_max * b.n1 + 2.0 * b.r1 + 2.0 * k1, k_max * b.n2 + b.r2 + 2.0 * k1 * b.n1 + k2,
                k_max + 1.0, k_max * e_n + e_r + vm * t.p1 / (hh * hh)};
    }
    case TermKind::along:
        return {t.th + 1.0, 2.0 * t.th * b.n1 + 2.0 * b.a1, t.th * b.n2 + b.a2, t.th + 1.0, t.th * e_n + e_r + e_n};
    case TermKind::sun:
    case TermKind::mask:
        break;
    }
    return {0.0, 0.0, 0.0, 0.0, 0.0};
}

TermBound term_bound(const Term &t, double rho_lo, const SatBounds &b)
{
    const TermCoef c = term_coef(t, b);
    const double inv = 1.0 / rho_lo;
    const double u1 = b.v_max * inv;
    const double u2 = inv * (b.a_max + 2.0 * b.v_max * b.v_max * inv);
    return {c.c2 * u2 + c.c1 * u1 + c.c0, c.e1 * vel_mismatch_km_s * inv + c.e0};
}

double span2(double g, double d, double m, double eps, double dir)
{
    const double q = (g >= 0.0 ? d : -d) * dir - eps;
    const double ag = std::abs(g);
    const double disc = std::sqrt(q * q + 2.0 * m * ag);
    if (q >= 0.0) {
        return (q + disc) / m;
    }
    return disc - q > 0.0 ? 2.0 * ag / (disc - q) : 0.0;
}

// ---------------------------------------------------------------------------------------------------------
SatFrame frame_at(const Context &c, double tau)
{
    const SatState st = c.eph->at(tau, c.spec->needs_accel);
    if (!c.spec->needs_frame) {
        SatFrame f{};
        f.r = st.r;
        f.v = st.v;
        return f;
    }
    return make_frame(st, c.spec->needs_accel);
}

Eval evaluate(const Context &c, double tau)
{
    const Spec &s = *c.spec;
    const SatBounds &b = c.eph->bounds();
    const SatFrame f = frame_at(c, tau);
    if (!s.const_mask && s.station) { // azimuth-dependent mask: the first-order angle form
        double skip = 0.0;
        const double g = mask_term(s, *c.site, f, b, skip);
        return {g, skip};
    }
    const Vec3 sun = s.uses_sun ? c.sun->position_itrf_km(tau) : Vec3::Zero();
    const SiteQ q = site_quantities(f, *c.site, s.needs_frame, s.uses_sun, sun);
    // Spans are capped at kappa rho / v_max so that the range stays >= (1 - kappa) rho = rho_lo over them.
    const double cap = span_kappa * q.rho / b.v_max;
    const double rho_lo = (1.0 - span_kappa) * q.rho;
    OrAcc any;
    for (const Mode &m : s.modes) {
        AndAcc all;
        for (const Term &t : m.terms) {
            const TermValue tv = term_value(t, q, f);
            double skip = 0.0;
            if (t.kind == TermKind::sun) {
                skip = std::abs(tv.g) / sun_rate_bound_rad_s();
            } else {
                const TermBound tb = term_bound(t, rho_lo, b);
                skip = std::min(span2(tv.g, tv.d, tb.m, tb.eps, 1.0), cap);
            }
            all.add(tv.g, skip);
        }
        const Eval e = all.result();
        any.add(e.g, e.skip);
    }
    return any.result();
}

int mode_at(const Context &c, double tau)
{
    const Spec &s = *c.spec;
    if (s.modes.size() < 2) {
        return -1;
    }
    const SatFrame f = frame_at(c, tau);
    const Vec3 sun = s.uses_sun ? c.sun->position_itrf_km(tau) : Vec3::Zero();
    const SiteQ q = site_quantities(f, *c.site, s.needs_frame, s.uses_sun, sun);
    int best = 0;
    double best_g = -1e300;
    for (std::size_t i = 0; i < s.modes.size(); ++i) {
        double g = 1e300;
        for (const Term &t : s.modes[i].terms) {
            g = std::min(g, term_value(t, q, f).g);
        }
        if (g >= 0.0) {
            return static_cast<int>(i);
        }
        if (g > best_g) {
            best_g = g;
            best = static_cast<int>(i);
        }
    }
    return best;
}

TermValue objective_value(const Spec &s, const SiteQ &q)
{
    switch (s.objective) {
    case Objective::max_elevation:
        return {q.E, q.dE};
    case Objective::min_off_nadir:
        return {q.C, q.dC};
    case Objective::min_along:
        return {-std::abs(q.A), q.A >= 0.0 ? -q.dA : q.dA};
    }
    return {q.E, q.dE};
}

} // namespace vantage::access::detail
