#include "search.hpp"

// NOTE: the guarantee argument for the search below is written out in docs/accuracy.md ("Access windows: why none
// is missed"); the comments here point at its steps.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fmt/format.h>
#include <limits>
#include <optional>

#include "node_kernel.hpp"
#include "sweep.hpp"
#include "vantage/core/constants.hpp"
#include "vantage/core/error.hpp"
#include "vantage/frames/transforms.hpp"
#include "vantage/orbits/sgp4_batch.hpp"

namespace vantage::access::detail {

namespace {

using geometry::LookSide;
using geometry::PassDirection;

// Extra angular margin of the pruning footprint: the footprints are computed on a sphere with geocentric
// directions, while elevations are measured from the WGS-84 normal and off-nadir angles from the geodetic nadir;
// the two directions differ by < 0.193 deg, which moves an elevation footprint by < 0.18 deg of central angle and
// a cone footprint by far less (docs/accuracy.md). 0.5 deg is that with room.
constexpr double prune_margin_rad = 0.5 * deg_to_rad;
// Node spacing for small footprints: at most half the time the sub-satellite point takes to move one footprint
// radius, so that a window spans a few nodes (the edges then come from one evaluation each instead of interval
// splits); not below 10 s.
constexpr double footprint_nodes_per_radius = 3.0;
constexpr double min_node_step_s = 10.0;
// Time tolerance of the best-time search (s): the objective is quadratic at its extremum.
constexpr double best_time_tol_s = 0.01;
// Up to this many sites, a coarse certified sweep of SGP4 first finds the spans in which any site can be inside
// the footprint (coarse_spans), and the ephemeris is built only there.
constexpr std::size_t coarse_prune_max_sites = 64;
constexpr double no_stamp = -10.0;
// Splits of one ephemeris interval by resolve_term before the sweep takes over (at most 2^depth pieces).
constexpr int resolve_depth = 4;

/// A closed window of one site (sorted index), seconds from the analysis start; best_node = local node index of
/// the best node inside it (-1: none).
struct RawOut {
    std::uint32_t site;
    double start;
    double end;
    long best_node;
};

} // namespace

// ---------------------------------------------------------------------------------------------------------
struct Scratch {
    std::size_t n = 0;
    std::uint64_t owner = 0; // the SiteSet the arrays were last sized for (its address)
    double next_id = 0.0;
    std::vector<double> mem;
    KernelState st{};
    std::vector<double> win_start;
    std::vector<std::uint32_t> attention;
    std::vector<std::uint32_t> resolved;
    std::vector<std::uint32_t> ranges; // index ranges of one node's query, (begin, end) pairs
    std::vector<RawWindow> raws;
    std::vector<RawOut> out;
    std::vector<RawOut> sorted;
    struct Roots {
        std::vector<double> v;
        std::vector<double> &clear_and_get()
        {
            v.clear();
            return v;
        }
    } roots;
    std::vector<std::uint32_t> count;
    // sweep path
    std::vector<std::uint32_t> run_first, run_last;

    void ensure(const SiteSet &set)
    {
        const auto key = reinterpret_cast<std::uint64_t>(&set);
        if (owner == key && n == set.size()) {
            return;
        }
        owner = key;
        n = set.size();
        const std::size_t stride = n + 16;
        // 2 x (stamp rho e de c dc x dx a da s) + root inwin best_o best_k
        mem.assign(stride * 26, 0.0);
        double *p = mem.data();
        auto take = [&]() {
            double *q = p;
            p += stride;
            return q;
        };
        for (int k = 0; k < 2; ++k) {
            st.stamp[k] = take();
            st.rho[k] = take();
            st.e[k] = take();
            st.de[k] = take();
            st.c[k] = take();
            st.dc[k] = take();
            st.x[k] = take();
            st.dx[k] = take();
            st.a[k] = take();
            st.da[k] = take();
            st.s[k] = take();
            std::fill(st.stamp[k], st.stamp[k] + stride, no_stamp);
            std::fill(st.rho[k], st.rho[k] + stride, 1.0);
        }
        st.root = take();
        st.inwin = take();
        st.best_o = take();
        st.best_k = take();
        std::fill(st.best_o, st.best_o + stride, -1e300);
        std::fill(st.best_k, st.best_k + stride, -1.0);
        win_start.assign(stride, 0.0);
        run_first.assign(n, std::numeric_limits<std::uint32_t>::max());
        run_last.assign(n, std::numeric_limits<std::uint32_t>::max());
    }
};

void ScratchDeleter::operator()(Scratch *s) const
{
    delete s;
}

ScratchPtr make_scratch()
{
    return ScratchPtr(new Scratch());
}

namespace {

// ---------------------------------------------------------------------------------------------------------
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
std::vector<std::pair<double, double>> coarse_spans(const orbits::Sgp4Propagator &prop, const SiteSet &set,
                                                    const Spec *target_spec, const time::Instant &start, double span_s,
                                                    const frames::EarthOrientation &eop)
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
    const double rs = set.rs_km();
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
            const double h_lo = std::max(1.0, 0.98 * rp - wgs84_a_km - 20.0);
            const double omega = 1.05 * h / (rp * rp) + 1.001 * frames::earth_rate_rad_s;
            const double coarse = std::clamp(0.07 / omega, 20.0, 600.0);
            const double phi = phi0 + phi_rate * tau;
            const double cp = std::cos(phi), sp = std::sin(phi);
            const Vec3 u = Vec3(cp * st.r_km.x() - sp * st.r_km.y(), sp * st.r_km.x() + cp * st.r_km.y(), st.r_km.z()) / r;
            const double lam_one = target_spec != nullptr ? footprint_rad(*target_spec, r_hi, rs, h_lo) : 0.0;
            double clear = std::numeric_limits<double>::infinity();
            for (std::uint32_t i = 0; i < set.size(); ++i) {
                const double lam = target_spec != nullptr ? lam_one : footprint_rad(set.spec(i), r_hi, rs, h_lo);
                const double d = std::acos(std::clamp(u.dot(set.site(i).unit), -1.0, 1.0));
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

// ---------------------------------------------------------------------------------------------------------
/// Root of one smooth term inside [ta, tb] where its node values g0, g1 have opposite signs, with a certificate
/// (docs/accuracy.md § "Node path"): a cubic Hermite estimate from the node values and rates, then Newton steps on
/// the interpolated ephemeris until the second-order bracket |g| / (|g'| + eps) .. |g| / (|g'| - eps) around the
/// estimate (|g''| <= M on the interval) is narrower than `tol`; the spans from both nodes and from the last point
/// must cover the interval minus the bracket, which proves the root is the only sign change in [ta, tb]. Returns
/// nothing when any step cannot be certified (the caller then sweeps the interval).
std::optional<double> refine_root(const Context &c, const Term &t, double ta, double g0, double d0, double tb,
                                  double g1, double d1, const TermBound &bd, double tol)
{
    const double h = tb - ta;
    const double m = bd.m;
    const double eps = bd.eps;
    const double sf = span2(g0, d0, m, eps, 1.0);
    const double sb = span2(g1, d1, m, eps, -1.0);
    // Cubic Hermite p(x) on [0, 1] with p(0) = g0, p(1) = g1, p'(0) = d0 h, p'(1) = d1 h; Newton from the secant.
    double x = g0 / (g0 - g1);
    for (int it = 0; it < 2; ++it) {
        const double x2 = x * x, x3 = x2 * x;
        const double p = (2 * x3 - 3 * x2 + 1) * g0 + (x3 - 2 * x2 + x) * h * d0 + (-2 * x3 + 3 * x2) * g1 +
                         (x3 - x2) * h * d1;
        const double dp = (6 * x2 - 6 * x) * g0 + (3 * x2 - 4 * x + 1) * h * d0 + (-6 * x2 + 6 * x) * g1 +
                          (3 * x2 - 2 * x) * h * d1;
        if (!(std::abs(dp) > 0.0)) {
            break;
        }
        const double xn = x - p / dp;
        if (!(xn >= 0.0 && xn <= 1.0)) {
            break;
        }
        x = xn;
    }
    double tau = ta + x * h;
    for (int iter = 0; iter < 5; ++iter) {
        const SatFrame f = frame_at(c, tau);
        const SiteQ q = site_quantities(f, *c.site, c.spec->needs_frame, false, Vec3::Zero());
        const TermValue tv = term_value(t, q, f);
        const double gam = std::abs(tv.g);
        const double ad = std::abs(tv.d);
        const double qq = ad - eps;
        if (!(qq > 0.0)) {
            return std::nullopt;
        }
        // Direction toward the root: g decreasing in magnitude.
        const double sigma = ((tv.g >= 0.0) == (tv.d >= 0.0)) ? -1.0 : 1.0;
        const double disc = qq * qq - 2.0 * m * gam;
        if (disc < 0.0) { // too far to certify: Newton step and try again
            tau = std::clamp(tau + sigma * gam / ad, ta, tb);
            continue;
        }
        const double sq = std::sqrt(disc);
        const double dhi = 2.0 * gam / (qq + sq);
        const double ade = ad + eps;
        const double dlo = 2.0 * gam / (ade + std::sqrt(ade * ade + 2.0 * m * gam));
        if (dhi - dlo > tol) {
            tau = std::clamp(tau + sigma * 0.5 * (dlo + dhi), ta, tb);
            continue;
        }
        if (!(qq > m * dhi)) { // g' must keep its sign across the bracket (single root)
            return std::nullopt;
        }
        const double root = tau + sigma * 0.5 * (dlo + dhi);
        if (!(root >= ta - tol && root <= tb + tol)) {
            return std::nullopt;
        }
        // Coverage: sign(g(tau)) on [tau - sback, tau + dlo) (away from the root: |g| grows first), the other sign
        // on [tau + dhi, tau + s2] (toward the root, past it) -- mirrored for sigma < 0.
        const double s2 = (qq + sq) / m;
        const double sback = span2(tv.g, tv.d, m, eps, -sigma);
        const double left_end = sigma > 0.0 ? tau - sback : tau - s2;
        const double right_end = sigma > 0.0 ? tau + s2 : tau + sback;
        if (!(ta + sf >= left_end && tb - sb <= right_end)) {
            return std::nullopt;
        }
        return std::clamp(root, ta, tb);
    }
    return std::nullopt;
}

/// The derivative of the cubic Hermite interpolant p on [0, 1] with p(0) = f0, p(1) = f1 and slopes p'(0) = s0,
/// p'(1) = s1 (per unit x): p'(x) = a x^2 + b x + c, p''(x) = 2 a x + b.
struct HermiteSlope {
    double a, b, c;
    HermiteSlope(double f0, double s0, double f1, double s1)
        : a(6.0 * (f0 - f1) + 3.0 * (s0 + s1)), b(-6.0 * (f0 - f1) - 4.0 * s0 - 2.0 * s1), c(s0)
    {
    }
    /// A root of p' in (x_lo, x_hi) (an extremum of p), or `fallback` when there is none.
    double extremum(double x_lo, double x_hi, double fallback) const
    {
        if (!(std::abs(a) > 1e-300)) {
            return fallback;
        }
        const double disc = b * b - 4.0 * a * c;
        if (disc < 0.0) {
            return fallback;
        }
        const double sq = std::sqrt(disc);
        const double q = -0.5 * (b + (b >= 0.0 ? sq : -sq));
        for (const double r : {q / a, q != 0.0 ? c / q : -1.0}) {
            if (r > x_lo && r < x_hi) {
                return r;
            }
        }
        return fallback;
    }
    double second(double x) const { return 2.0 * a * x + b; }
};

/// Sign of a smooth term certified constant over [a, b] from both ends (chord, tangents, spans; node_kernel.cpp).
bool certified_constant(double ga, double da, double gb, double db, double m, double eps, double h)
{
    if (!(ga * gb > 0.0)) {
        return false;
    }
    const double pos0 = ga >= 0.0 ? da : -da;
    const double pos1 = gb >= 0.0 ? -db : db;
    const double mh2 = m * 0.5 * h * h;
    return std::min(std::abs(ga), std::abs(gb)) > m * h * h / 8.0 ||
           std::max(std::abs(ga) + (pos0 - eps) * h - mh2, std::abs(gb) + (pos1 - eps) * h - mh2) > 0.0 ||
           span2(ga, da, m, eps, 1.0) + span2(gb, db, m, eps, -1.0) >= h;
}

/// All sign changes of one smooth term in [a, b] (values and rates known at both ends, |g''| <= bd.m there), each
/// certified: a piece whose sign is certified constant has none; a piece with opposite signs at its ends gets its
/// root from refine_root (which proves it is the only one); any other piece is split at the extremum of its cubic
/// Hermite model (or its middle), evaluated there on the ephemeris, and both halves resolved, at most `depth` times.
/// Returns false when a piece cannot be certified (the caller then sweeps [a, b]).
bool resolve_term(const Context &c, const Term &t, double a, double ga, double da, double b, double gb, double db,
                  const TermBound &bd, double tol, int depth, std::vector<double> &roots)
{
    const double h = b - a;
    if (certified_constant(ga, da, gb, db, bd.m, bd.eps, h)) {
        return true;
    }
    if ((ga >= 0.0) != (gb >= 0.0)) {
        if (auto r = refine_root(c, t, a, ga, da, b, gb, db, bd, tol)) {
            roots.push_back(*r);
            return true;
        }
    }
    if (depth <= 0 || h < 4.0 * tol) {
        return false;
    }
    // Extremum of the Hermite cubic p(x) = g(a + x h), kept away from the ends.
    const double x = HermiteSlope(ga, h * da, gb, h * db).extremum(0.1, 0.9, 0.5);
    const double tm = a + x * h;
    const SatFrame f = frame_at(c, tm);
    const TermValue vm = term_value(t, site_quantities(f, *c.site, c.spec->needs_frame, false, Vec3::Zero()), f);
    return resolve_term(c, t, a, ga, da, tm, vm.g, vm.d, bd, tol, depth - 1, roots) &&
           resolve_term(c, t, tm, vm.g, vm.d, b, gb, db, bd, tol, depth - 1, roots);
}

// Three-valued status of a term or a combination over an interval: certified >= 0 throughout (P), certified < 0
// throughout (N), or neither (U).
enum class St : std::uint8_t { p, n, u };

St classify(double g0, double d0, double g1, double d1, double m, double eps, double h, bool first_order,
            double lh, bool rho_ok)
{
    if (!rho_ok || !(g0 * g1 > 0.0)) {
        return St::u;
    }
    bool cert = false;
    if (first_order) {
        cert = std::abs(g0) + std::abs(g1) > lh;
    } else {
        // The kernel's tests (node_kernel.cpp): chord, tangents, spans.
        const double pos0 = g0 >= 0.0 ? d0 : -d0;
        const double pos1 = g1 >= 0.0 ? -d1 : d1;
        const double mh2 = m * 0.5 * h * h;
        cert = std::min(std::abs(g0), std::abs(g1)) > m * h * h / 8.0 ||
               std::max(std::abs(g0) + (pos0 - eps) * h - mh2, std::abs(g1) + (pos1 - eps) * h - mh2) > 0.0 ||
               span2(g0, d0, m, eps, 1.0) + span2(g1, d1, m, eps, -1.0) >= h;
    }
    if (!cert) {
        return St::u;
    }
    return g1 >= 0.0 ? St::p : St::n;
}

SiteQ stored_q(const KernelState &st, int par, std::uint32_t i)
{
    SiteQ q;
    q.rho = st.rho[par][i];
    q.E = st.e[par][i];
    q.dE = st.de[par][i];
    q.C = st.c[par][i];
    q.dC = st.dc[par][i];
    q.X = st.x[par][i];
    q.dX = st.dx[par][i];
    q.A = st.a[par][i];
    q.dA = st.da[par][i];
    q.S = st.s[par][i];
    return q;
}

// ---------------------------------------------------------------------------------------------------------
/// Best time and attributes of the closed windows of one ephemeris span.
class Finisher {
public:
    Finisher(const SiteSet &set, const Spec *target_spec, const Ephemeris &eph, const geometry::detail::SunTable *sun,
             const time::Instant &start, double span_s, double tb, const SearchOptions &opt)
        : m_set(set), m_target(target_spec), m_eph(eph), m_sun(sun), m_start(start), m_span_s(span_s), m_tb(tb),
          m_opt(opt)
    {
    }

    double node_tau(long k) const
    {
        return static_cast<std::size_t>(k) + 1 == m_eph.nodes() ? m_tb : m_eph.node_tau(static_cast<std::size_t>(k));
    }

    void finish(const RawOut &raw, std::vector<PairResult> &out) const
    {
        const Spec &spec = m_target != nullptr ? *m_target : m_set.spec(raw.site);
        const Context c{&spec, &m_set.site(raw.site), &m_eph, m_sun};
        Window w;
        w.start = m_start + time::Duration::from_seconds(raw.start);
        w.end = m_start + time::Duration::from_seconds(raw.end);
        w.partial = raw.start <= 0.0 || raw.end >= m_span_s;
        const bool filter = !spec.station && spec.pass != PassDirection::any;
        if (!m_opt.compute_attributes && !filter) {
            w.best = w.start;
            out.push_back(PairResult{m_set.original(raw.site), w});
            return;
        }
        const Pt bp = best_time(c, raw);
        const double best = bp.t;
        const SatState st{Vec3(bp.r[0], bp.r[1], bp.r[2]), Vec3(bp.v[0], bp.v[1], bp.v[2]), Vec3::Zero()};
        const FastGeodetic g = fast_geodetic(st.r);
        const Vec3 north(-g.sin_lat * g.cos_lon, -g.sin_lat * g.sin_lon, g.cos_lat);
        w.pass_direction = st.v.dot(north) >= 0.0 ? PassDirection::ascending : PassDirection::descending;
        if (filter && w.pass_direction != spec.pass) {
            return;
        }
        if (!m_opt.compute_attributes) {
            w.best = m_start + time::Duration::from_seconds(best);
            out.push_back(PairResult{m_set.original(raw.site), w});
            return;
        }
        w.best = m_start + time::Duration::from_seconds(best);
        const Site &site = *c.site;
        const Vec3 d = st.r - site.r;
        const Vec3 u = d / d.norm();
        const Vec3 nadir = -g.up;
        const double e = u.dot(site.up);
        // asin is well conditioned away from the zenith; the atan2 form there (asin loses ~1e-6 deg at 90 deg).
        const double el = std::abs(e) < 0.9 ? std::asin(e) : std::atan2(e, u.cross(site.up).norm());
        w.max_elevation_deg = el * rad_to_deg;
        const double cn = -u.dot(nadir);
        // acos is well conditioned below ~0.99 (off-nadir above 8 deg); the atan2 form near nadir.
        w.min_off_nadir_deg = (cn < 0.99 ? std::acos(cn) : std::atan2(u.cross(nadir).norm(), cn)) * rad_to_deg;
        w.incidence_deg_at_best = 90.0 - w.max_elevation_deg;
        const Vec3 sd = m_sun->position_itrf_km(best) - site.r;
        w.sun_elevation_deg_at_best = std::asin(std::clamp(sd.dot(site.up) / sd.norm(), -1.0, 1.0)) * rad_to_deg;
        // right = nadir x v: the sign of los.right = -(u . (nadir x v)).
        w.look_side = -u.dot(nadir.cross(st.v)) >= 0.0 ? LookSide::right : LookSide::left;
        w.mode = mode_at(c, best);
        out.push_back(PairResult{m_set.original(raw.site), w});
    }

private:
    struct Pt {
        double t, o, d, a, c;
        double r[3], v[3]; // the satellite state at t (ITRF km, km/s)
    };

    Pt point_at(const Context &c, double t, long node) const
    {
        if (!c.spec->needs_frame) { // stations: E and E' from the state alone
            const SatState st = node >= 0 ? m_eph.node(static_cast<std::size_t>(node)) : m_eph.at(t);
            const Vec3 dd = st.r - c.site->r;
            const double inv = 1.0 / dd.norm();
            const Vec3 u = dd * inv;
            const double e = u.dot(c.site->up);
            const double de = (c.site->up.dot(st.v) - e * u.dot(st.v)) * inv;
            return {t, e, de, 0.0, 0.0, {st.r.x(), st.r.y(), st.r.z()}, {st.v.x(), st.v.y(), st.v.z()}};
        }
        const SatFrame f = node >= 0 ? make_frame(m_eph.node(static_cast<std::size_t>(node)), c.spec->needs_accel)
                                     : frame_at(c, t);
        const SiteQ q = site_quantities(f, *c.site, true, false, Vec3::Zero());
        const TermValue o = objective_value(*c.spec, q);
        return {t, o.g, o.d, q.A, q.C, {f.r.x(), f.r.y(), f.r.z()}, {f.v.x(), f.v.y(), f.v.z()}};
    }

    /// Best time within [start, end] (docs/formats.md § Geometry definitions): the maximum of the objective (E for
    /// stations, C = cos(off-nadir) for targets). Candidates: the best node of the window with its neighbours inside
    /// the window, and the window edges where a bracket reaches them (or when no node lies inside). Next to the best
    /// candidate, on its rising side, the objective's rate changes sign: a cubic Hermite model of the objective from
    /// the values and rates at both bracket ends gives the first estimate of its root, then regula falsi steps on the
    /// interpolated ephemeris (Illinois) to `best_time_tol_s`. Fixed optical: the crossing of the cross-track plane
    /// (the root of A), else the edge nearer to it in along-track angle.
    Pt best_time(const Context &c, const RawOut &raw) const
    {
        thread_local std::vector<Pt> pts;
        pts.clear();
        long bn = raw.best_node;
        if (bn < 0) { // no best node recorded (sweep path): the best node inside the window, if any
            double bo = -1e300;
            for (std::size_t k = 0; k < m_eph.nodes(); ++k) {
                const double tk = node_tau(static_cast<long>(k));
                if (tk > raw.start && tk < raw.end) {
                    const Pt p = point_at(c, tk, static_cast<long>(k));
                    if (p.o > bo) {
                        bo = p.o;
                        bn = static_cast<long>(k);
                    }
                }
            }
        }
        bool need_start = true, need_end = true;
        if (bn >= 0) {
            for (long k = bn - 1; k <= bn + 1; ++k) {
                if (k >= 0 && static_cast<std::size_t>(k) < m_eph.nodes()) {
                    const double tk = node_tau(k);
                    if (tk >= raw.start && tk <= raw.end) {
                        pts.push_back(point_at(c, tk, k));
                    }
                }
            }
            if (!pts.empty() && c.spec->objective != Objective::min_along) {
                // The edges only matter when the rising side of the best node runs out of the window.
                const Pt *b = &pts[0];
                for (const Pt &p : pts) {
                    if (p.o > b->o) {
                        b = &p;
                    }
                }
                const bool rising = b->d >= 0.0;
                const bool is_first = b == &pts.front(), is_last = b == &pts.back();
                need_end = rising && is_last;
                need_start = !rising && is_first;
            }
        }
        if (need_start) {
            pts.push_back(point_at(c, raw.start, -1));
        }
        if (need_end && raw.end > raw.start) {
            pts.push_back(point_at(c, raw.end, -1));
        }
        std::sort(pts.begin(), pts.end(), [](const Pt &a, const Pt &b) { return a.t < b.t; });
        const double tol = std::max(m_opt.edge_tolerance_s, best_time_tol_s);
        if (c.spec->objective == Objective::min_along) {
            for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
                if ((pts[i].a >= 0.0) != (pts[i + 1].a >= 0.0)) {
                    auto fa = [&](double t) {
                        const SatFrame f = frame_at(c, t);
                        return site_quantities(f, *c.site, true, false, Vec3::Zero()).A;
                    };
                    const double r = std::clamp(brent_root(fa, pts[i].t, pts[i].a, pts[i + 1].t, pts[i + 1].a, tol),
                                                raw.start, raw.end);
                    return point_at(c, r, -1);
                }
            }
            std::size_t ib = 0;
            for (std::size_t i = 1; i < pts.size(); ++i) {
                if (std::abs(std::atan2(pts[i].a, pts[i].c)) < std::abs(std::atan2(pts[ib].a, pts[ib].c))) {
                    ib = i;
                }
            }
            return pts[ib];
        }
        std::size_t ib = 0;
        for (std::size_t i = 1; i < pts.size(); ++i) {
            if (pts[i].o > pts[ib].o) {
                ib = i;
            }
        }
        const std::size_t j = pts[ib].d >= 0.0 ? ib + 1 : ib - 1; // neighbour on the rising side
        if (!(j < pts.size() && (pts[ib].d >= 0.0) != (pts[j].d >= 0.0))) {
            return pts[ib];
        }
        Pt lo = pts[std::min(ib, j)];
        Pt hi = pts[std::max(ib, j)];
        // First estimate: the maximum of the cubic Hermite model of the objective on [lo, hi] (values and rates at
        // both ends), i.e. the root in (0, 1) of its derivative p'(x) / w = A x^2 + B x + C (w = hi.t - lo.t). Then
        // the true rate there and a Newton step with the model's curvature; secant steps on the ephemeris while a
        // step exceeds half the tolerance. (A degree-5 model through three nodes saved ~0.7 evaluations per window
        // but cost more than it saved.)
        const double w = hi.t - lo.t;
        const HermiteSlope model(lo.o, w * lo.d, hi.o, w * hi.d);
        const double x = model.extremum(0.0, 1.0, lo.d / (lo.d - hi.d)); // else the secant of the rate
        // The model's second derivative per s^2 at x.
        auto curvature = [&](double xx) { return model.second(xx) / (w * w); };
        const double t_ref = lo.t;
        // The best time returned is the last point evaluated: the loop stops when the next step is below half the
        // tolerance (or the bracket is narrower than it), so it is within the tolerance of the maximum.
        double t = lo.t + x * w;
        double tp = 0.0, dp = 0.0;
        bool have_prev = false;
        Pt last_pt = pts[ib];
        for (int it = 0; it < 30; ++it) {
            last_pt = point_at(c, t, -1);
            const double d = last_pt.d;
            if (d >= 0.0) {
                lo.t = t;
                lo.d = d;
            } else {
                hi.t = t;
                hi.d = d;
            }
            if (hi.t - lo.t <= tol) {
                break;
            }
            double tn = lo.t + (hi.t - lo.t) * (lo.d / (lo.d - hi.d));
            if (have_prev && d != dp) {
                const double ts = t - d * (t - tp) / (d - dp);
                if (ts > lo.t && ts < hi.t) {
                    tn = ts;
                }
            } else {
                const double p2 = curvature((t - t_ref) / w);
                if (p2 < 0.0) {
                    const double tn2 = t - d / p2;
                    if (tn2 > lo.t && tn2 < hi.t) {
                        tn = tn2;
                    }
                }
            }
            tp = t;
            dp = d;
            have_prev = true;
            if (std::abs(tn - t) <= 0.5 * tol) {
                break;
            }
            t = tn;
        }
        return last_pt;
    }

    const SiteSet &m_set;
    const Spec *m_target;
    const Ephemeris &m_eph;
    const geometry::detail::SunTable *m_sun;
    const time::Instant &m_start;
    double m_span_s;
    double m_tb;
    const SearchOptions &m_opt;
};

// ---------------------------------------------------------------------------------------------------------
/// Kernel parameters of a target spec (terms with their bound coefficients) or of stations.
KernelParams kernel_params(const Spec *target_spec, const Ephemeris &eph)
{
    const SatBounds &b = eph.bounds();
    KernelParams kp;
    kp.v_max = b.v_max;
    kp.a_max = b.a_max;
    kp.h = eph.step_s();
    kp.vm = vel_mismatch_km_s;
    kp.sun_rate = sun_rate_bound_rad_s();
    if (target_spec == nullptr) {
        kp.station = true;
        kp.objective = 0;
        return kp;
    }
    const Spec &s = *target_spec;
    kp.station = false;
    kp.n_modes = static_cast<int>(s.modes.size());
    kp.objective = s.objective == Objective::max_elevation ? 0 : (s.objective == Objective::min_off_nadir ? 1 : 2);
    kp.need_frame = true;
    kp.need_s = s.uses_sun;
    for (std::size_t m = 0; m < s.modes.size(); ++m) {
        for (const Term &t : s.modes[m].terms) {
            KernelTerm kt;
            kt.kind = static_cast<int>(t.kind);
            kt.mode = static_cast<int>(m);
            kt.th = t.th;
            kt.sgn = t.sgn;
            const TermCoef cf = term_coef(t, b);
            kt.c2 = cf.c2;
            kt.c1 = cf.c1;
            kt.c0 = cf.c0;
            kt.e1 = cf.e1;
            kt.e0 = cf.e0;
            kp.need_x = kp.need_x || t.kind == TermKind::side || t.kind == TermKind::swath;
            kp.need_a = kp.need_a || t.kind == TermKind::along || s.objective == Objective::min_along;
            kp.terms[kp.n_terms++] = kt;
        }
    }
    return kp;
}

/// Flat list of a target spec's terms in kernel order.
std::vector<const Term *> flat_terms(const Spec &s)
{
    std::vector<const Term *> out;
    for (const Mode &m : s.modes) {
        for (const Term &t : m.terms) {
            out.push_back(&t);
        }
    }
    return out;
}

/// The node path over one ephemeris span (docs/accuracy.md § "Node path").
void search_span_nodes(const SiteSet &set, const Spec *target_spec, const Ephemeris &eph,
                       const geometry::detail::SunTable *sun, double tb0, const SearchOptions &opt, Scratch &sc,
                       std::vector<RawOut> &raws)
{
    const SatBounds &b = eph.bounds();
    const std::size_t n_nodes = eph.nodes();
    const double step = eph.step_s();
    KernelParams kp = kernel_params(target_spec, eph);
    kp.station_const = target_spec == nullptr && set.all_const_masks();
    kp.tol = opt.edge_tolerance_s / 2.0;
    const std::vector<const Term *> terms = target_spec != nullptr ? flat_terms(*target_spec) : std::vector<const Term *>{};
    const KernelSites ks = set.kernel_sites();
    KernelState &st = sc.st;
    const Spec &fp_spec = target_spec != nullptr ? *target_spec : *set.widest_station();
    const double h_sweep = opt.min_window_s / 2.0;
    const double tol = opt.edge_tolerance_s / 2.0;
    const double base = sc.next_id;
    sc.next_id += static_cast<double>(n_nodes) + 2.0;
    auto tau_of = [&](std::size_t k) { return k + 1 == n_nodes ? tb0 : eph.node_tau(k); };
    const double move = b.omega_dir * step;
    const bool needs_frame = target_spec != nullptr;
    const bool needs_accel = target_spec != nullptr && target_spec->needs_accel;
    const bool uses_sun = target_spec != nullptr && target_spec->uses_sun;

    KernelNode node{};
    std::vector<double> r_norm(n_nodes);
    double r_lo = 1e300, r_top = 0.0;
    for (std::size_t k = 0; k < n_nodes; ++k) {
        r_norm[k] = eph.node(k).r.norm();
        r_lo = std::min(r_lo, r_norm[k]);
        r_top = std::max(r_top, r_norm[k]);
    }
    // Near-circular orbits: one footprint for the span at its largest radius (the footprint only grows with r);
    // eccentric ones: per node.
    const bool one_footprint = r_top - r_lo < 0.01 * r_top;
    const double span_footprint =
        one_footprint ? footprint_rad(fp_spec, r_top + 0.05 * b.v_max * step, set.rs_km(), b.h_min) : 0.0;
    for (std::size_t k = 0; k < n_nodes; ++k) {
        const double id = base + static_cast<double>(k);
        const double tau = tau_of(k);
        const double tau_prev = k > 0 ? tau_of(k - 1) : tau;
        const int cur = static_cast<int>(static_cast<long long>(id) & 1);
        const int prv = 1 - cur;
        const SatState &ns = eph.node(k);
        SatFrame f{};
        if (needs_frame) {
            f = make_frame(ns, needs_accel);
        } else {
            f.r = ns.r;
            f.v = ns.v;
        }
        node.id = id;
        node.tau = tau;
        node.tau_prev = tau_prev;
        if (k > 0) { // the Lagrange stencil of [t_{k-1}, t_k] (Ephemeris::at)
            std::size_t first = k - 1 >= 2 ? k - 3 : 0;
            if (first + 6 > n_nodes) {
                first = n_nodes - 6;
            }
            node.st_first = static_cast<double>(first);
            node.st_t0 = eph.t0_s();
            node.st_step = eph.step_s();
            for (std::size_t q = 0; q < 6; ++q) {
                for (int a = 0; a < 3; ++a) {
                    node.st_r[q][a] = eph.node(first + q).r[a];
                    node.st_v[q][a] = eph.node(first + q).v[a];
                }
            }
        }
        for (int a = 0; a < 3; ++a) {
            node.r[a] = f.r[a];
            node.v[a] = f.v[a];
            node.n[a] = f.nadir[a];
            node.dn[a] = f.dnadir[a];
            node.rt[a] = f.right[a];
            node.drt[a] = f.dright[a];
            node.al[a] = f.along[a];
            node.dal[a] = f.dalong[a];
        }
        if (uses_sun) {
            const Vec3 s = sun->position_itrf_km(tau);
            node.sun[0] = s.x();
            node.sun[1] = s.y();
            node.sun[2] = s.z();
        }
        for (int t = 0; t < kp.n_terms; ++t) {
            KernelTerm &kt = kp.terms[t];
            kt.k_prev = kt.k_cur;
            kt.dk_prev = kt.dk_cur;
            swath_k(*terms[static_cast<std::size_t>(t)], f, kt.k_cur, kt.dk_cur);
        }
        // Candidate sites: within footprint(r_hi) + (motion over one interval) + margin of the sub-satellite direction
        // at t_k; any site whose spec holds somewhere in [t_{k-1}, t_{k+1}] is inside (pruning lemma), so a site with a
        // sign change in [t_{k-1}, t_k] is a candidate at both nodes.
        double r_hi = r_norm[k];
        if (k > 0) {
            r_hi = std::max(r_hi, r_norm[k - 1]);
        }
        if (k + 1 < n_nodes) {
            r_hi = std::max(r_hi, r_norm[k + 1]);
        }
        r_hi += 0.05 * b.v_max * step;
        const double radius =
            (one_footprint ? span_footprint : footprint_rad(fp_spec, r_hi, set.rs_km(), b.h_min)) + move + prune_margin_rad;
        sc.attention.clear();
        sc.resolved.clear();
        sc.ranges.clear();
        set.query(ns.r / r_norm[k], radius, [&](std::uint32_t lo, std::uint32_t hi) {
            sc.ranges.push_back(lo);
            sc.ranges.push_back(hi);
        });
        node_kernel(kp, node, ks, st, sc.ranges.data(), sc.ranges.size() / 2, sc.attention, sc.resolved);
        // Edges certified by the kernel (constant-mask stations; single-mode sensors whose elevation, incidence or
        // cone term decides).
        for (const std::uint32_t i : sc.resolved) {
            const double r = st.root[i];
            if (st.inwin[i] > 0.5) {
                raws.push_back(RawOut{i, sc.win_start[i], r, st.best_k[i] >= 0.0 ? static_cast<long>(st.best_k[i] - base) : -1});
                st.inwin[i] = 0.0;
            } else {
                st.inwin[i] = 1.0;
                sc.win_start[i] = r;
                st.best_o[i] = kp.objective == 0 ? st.e[cur][i] : (kp.objective == 1 ? st.c[cur][i] : -std::abs(st.a[cur][i]));
                st.best_k[i] = id;
            }
        }
        if (sc.attention.empty()) {
            continue;
        }
        // ---- scalar handling of the sites the kernel could not certify
        const double h = tau - tau_prev;
        auto open_at = [&](std::uint32_t i, double t) {
            st.inwin[i] = 1.0;
            sc.win_start[i] = t;
            st.best_o[i] = -1e300;
            st.best_k[i] = -1.0;
        };
        auto close_at = [&](std::uint32_t i, double t) {
            const double bk = st.best_k[i];
            raws.push_back(RawOut{i, sc.win_start[i], t, bk >= 0.0 ? static_cast<long>(bk - base) : -1});
            st.inwin[i] = 0.0;
        };
        // Each root of the deciding term toggles the window (they alternate, starting from the state at t_{k-1}).
        auto apply_roots = [&](std::uint32_t i) {
            for (const double r : sc.roots.v) {
                if (st.inwin[i] > 0.5) {
                    close_at(i, r);
                } else {
                    open_at(i, r);
                }
            }
        };
        auto objective_now = [&](const SiteQ &q) {
            if (kp.objective == 0) {
                return q.E;
            }
            return kp.objective == 1 ? q.C : -std::abs(q.A);
        };
        // Sweep of [ta, tb] merged with the site's window state.
        auto fallback = [&](std::uint32_t i, const Spec &spec, double ta, double tb) {
            const Context c{&spec, &set.site(i), &eph, sun};
            sc.raws.clear();
            sweep(c, ta, tb, h_sweep, tol, sc.raws);
            bool open = st.inwin[i] > 0.5;
            std::size_t w = 0;
            if (open) {
                if (!sc.raws.empty() && sc.raws[0].start <= ta + opt.edge_tolerance_s) {
                    if (sc.raws[0].end >= tb) {
                        return; // the window continues through the interval
                    }
                    close_at(i, sc.raws[0].end);
                    w = 1;
                } else {
                    close_at(i, ta); // the node said "in" at ta, the sweep "out": both at the edge
                }
            }
            for (; w < sc.raws.size(); ++w) {
                const RawWindow &rw = sc.raws[w];
                if (rw.end >= tb) {
                    open_at(i, rw.start);
                } else {
                    sc.win_start[i] = rw.start;
                    st.best_k[i] = -1.0;
                    close_at(i, rw.end);
                }
            }
        };
        const Spec *one = target_spec;
        for (const std::uint32_t i : sc.attention) {
            const Spec &spec = one != nullptr ? *one : set.spec(i);
            const bool valid = st.stamp[prv][i] == id - 1.0;
            const bool in = st.inwin[i] > 0.5;
            const SiteQ q1 = stored_q(st, cur, i);
            [&] {
                if (!valid) {
                    double g_now = 0.0;
                    if (one == nullptr) {
                        g_now = q1.E - ks.th_lo[i];
                    } else {
                        g_now = -1e300;
                        std::size_t ti = 0;
                        for (const Mode &m : spec.modes) {
                            double gm = 1e300;
                            for (std::size_t j = 0; j < m.terms.size(); ++j, ++ti) {
                                const KernelTerm &kt = kp.terms[ti];
                                gm = std::min(gm, term_value_k(m.terms[j], q1, kt.k_cur, kt.dk_cur).g);
                            }
                            g_now = std::max(g_now, gm);
                        }
                    }
                    if (k == 0) {
                        if (g_now >= 0.0 && !in) {
                            open_at(i, tau);
                        }
                    } else if (g_now >= 0.0 || in) {
                        // Not reached by the pruning lemma; kept so that a violated assumption costs time, not windows.
                        fallback(i, spec, tau_prev, tau);
                    }
                    return;
                }
                const SiteQ q0 = stored_q(st, prv, i);
                const double rho_lo = 0.5 * (q0.rho + q1.rho - b.v_max * h);
                const bool rho_ok = rho_lo > 1.0;
                const double lh = kp.sun_rate * h;
                if (one == nullptr) {
                    const TermBound bd = term_bound(spec.modes[0].terms[0], std::max(rho_lo, 1.0), b);
                    const double thl = ks.th_lo[i], thh = ks.th_hi[i];
                    const St hi_st = classify(q0.E - thh, q0.dE, q1.E - thh, q1.dE, bd.m, bd.eps, h, false, lh, rho_ok);
                    const St lo_st = classify(q0.E - thl, q0.dE, q1.E - thl, q1.dE, bd.m, bd.eps, h, false, lh, rho_ok);
                    if ((hi_st == St::p && in) || (lo_st == St::n && !in)) {
                        return;
                    }
                    const double g0 = q0.E - thl, g1 = q1.E - thl;
                    if (spec.const_mask && rho_ok && (g0 >= 0.0) == in &&
                        resolve_term({&spec, &set.site(i), &eph, sun}, spec.modes[0].terms[0], tau_prev, g0, q0.dE,
                                     tau, g1, q1.dE, bd, tol, resolve_depth, sc.roots.clear_and_get())) {
                        apply_roots(i);
                        return;
                    }
                    fallback(i, spec, tau_prev, tau);
                    return;
                }
                // Targets: Kleene combination of the term statuses.
                int n_u = 0;
                std::size_t u_term = 0;
                double u_g0 = 0.0, u_d0 = 0.0, u_g1 = 0.0, u_d1 = 0.0;
                TermBound u_bd{0.0, 0.0};
                bool spec_p = false, spec_n = true;
                std::size_t ti = 0;
                for (const Mode &m : spec.modes) {
                    bool mode_p = true, mode_n = false;
                    for (const Term &t : m.terms) {
                        const KernelTerm &kt = kp.terms[ti];
                        const TermValue v0 = term_value_k(t, q0, kt.k_prev, kt.dk_prev);
                        const TermValue v1 = term_value_k(t, q1, kt.k_cur, kt.dk_cur);
                        const TermBound bd = term_bound(t, std::max(rho_lo, 1.0), b);
                        const St s = classify(v0.g, v0.d, v1.g, v1.d, bd.m, bd.eps, h, t.kind == TermKind::sun, lh,
                                              rho_ok);
                        mode_p = mode_p && s == St::p;
                        mode_n = mode_n || s == St::n;
                        if (s == St::u) {
                            ++n_u;
                            u_term = ti;
                            u_g0 = v0.g;
                            u_d0 = v0.d;
                            u_g1 = v1.g;
                            u_d1 = v1.d;
                            u_bd = bd;
                        }
                        ++ti;
                    }
                    spec_p = spec_p || mode_p;
                    spec_n = spec_n && mode_n;
                }
                if ((spec_p && in) || (spec_n && !in)) {
                    return;
                }
                if (!spec_p && !spec_n && n_u == 1 && rho_ok && terms[u_term]->kind != TermKind::sun &&
                    (u_g0 >= 0.0) == in &&
                    resolve_term({&spec, &set.site(i), &eph, sun}, *terms[u_term], tau_prev, u_g0, u_d0, tau, u_g1,
                                 u_d1, u_bd, tol, resolve_depth, sc.roots.clear_and_get())) {
                    apply_roots(i);
                    return;
                }
                fallback(i, spec, tau_prev, tau);
            }();
            // The best node of an open window.
            if (st.inwin[i] > 0.5) {
                const double o = objective_now(q1);
                if (o > st.best_o[i]) {
                    st.best_o[i] = o;
                    st.best_k[i] = id;
                }
            }
        }
    }
    // Windows still open at the end of the span.
    for (std::uint32_t i = 0; i < set.size(); ++i) {
        if (st.inwin[i] > 0.5) {
            const double bk = st.best_k[i];
            raws.push_back(RawOut{i, sc.win_start[i], tb0, bk >= 0.0 ? static_cast<long>(bk - base) : -1});
            st.inwin[i] = 0.0;
        }
    }
}

/// The sweep path over one ephemeris span: per site, runs of consecutive candidate intervals, each swept.
void search_span_sweep(const SiteSet &set, const Spec *target_spec, const Ephemeris &eph,
                       const geometry::detail::SunTable *sun, double tb0, const SearchOptions &opt, Scratch &sc,
                       std::vector<RawOut> &raws)
{
    const SatBounds &b = eph.bounds();
    const std::size_t n_int = eph.nodes() - 1;
    const Spec &fp_spec = target_spec != nullptr ? *target_spec : *set.widest_station();
    const double move = b.omega_dir * eph.step_s();
    constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
    const double h = opt.min_window_s / 2.0;
    const double tol = opt.edge_tolerance_s / 2.0;
    auto search_run = [&](std::uint32_t site, std::uint32_t first, std::uint32_t last) {
        const double ta = eph.node_tau(first);
        const double tb = last + 1 == n_int ? tb0 : eph.node_tau(last + 1);
        const Spec &spec = target_spec != nullptr ? *target_spec : set.spec(site);
        const Context c{&spec, &set.site(site), &eph, sun};
        sc.raws.clear();
        sweep(c, ta, tb, h, tol, sc.raws);
        for (const RawWindow &w : sc.raws) {
            raws.push_back(RawOut{site, w.start, w.end, -1});
        }
    };
    for (std::size_t jj = 0; jj < n_int; ++jj) {
        const auto j = static_cast<std::uint32_t>(jj);
        const double r_hi = std::max(eph.node(j).r.norm(), eph.node(j + 1).r.norm()) + 0.05 * b.v_max * eph.step_s();
        const double radius = footprint_rad(fp_spec, r_hi, set.rs_km(), b.h_min) + move + prune_margin_rad;
        const Vec3 center = eph.node(j).r.normalized();
        const double cos_r = std::cos(std::min(radius, pi));
        set.query(center, radius, [&](std::uint32_t lo, std::uint32_t hi) {
            for (std::uint32_t i = lo; i < hi; ++i) {
                if (set.site(i).unit.dot(center) < cos_r) {
                    continue;
                }
                if (sc.run_last[i] != none && sc.run_last[i] + 1 == j) {
                    sc.run_last[i] = j;
                    continue;
                }
                if (sc.run_last[i] != none) {
                    search_run(i, sc.run_first[i], sc.run_last[i]);
                }
                sc.run_first[i] = j;
                sc.run_last[i] = j;
            }
        });
    }
    for (std::uint32_t i = 0; i < set.size(); ++i) {
        if (sc.run_last[i] != none) {
            search_run(i, sc.run_first[i], sc.run_last[i]);
            sc.run_first[i] = sc.run_last[i] = none;
        }
    }
}

} // namespace

std::vector<PairResult> search_satellite(const orbits::Sgp4Propagator &prop, const SiteSet &set, const Spec *target_spec,
                                         const time::Instant &start, double span_s, const frames::EarthOrientation &eop,
                                         const TemeToItrf &rot, const geometry::detail::SunTable *sun,
                                         const SearchOptions &opt, Scratch &scratch)
{
    scratch.ensure(set);
    std::vector<std::pair<double, double>> spans;
    if (set.size() <= coarse_prune_max_sites) {
        spans = coarse_spans(prop, set, target_spec, start, span_s, eop);
    } else {
        spans.emplace_back(0.0, span_s);
    }
    // Node spacing from the footprint: osculating apogee radius and the fastest motion of the geocentric direction.
    double max_step = 60.0;
    Spec reduced;
    {
        const orbits::ElementSet &el = prop.elements();
        const double n_rad_s = el.mean_motion_rev_day * two_pi / seconds_per_day;
        const double a_km = std::cbrt(earth_mu_km3_s2 / (n_rad_s * n_rad_s));
        const double e = std::clamp(el.eccentricity, 0.0, 0.99);
        const double r_hi = a_km * (1.0 + e) * 1.01 + 20.0;
        const double h_lo = std::max(1.0, a_km * (1.0 - e) * 0.99 - wgs84_a_km - 20.0);
        const double omega = n_rad_s * (1.0 + e) * (1.0 + e) / std::pow(1.0 - e * e, 1.5) + frames::earth_rate_rad_s;
        const Spec &fp = target_spec != nullptr ? *target_spec : *set.widest_station();
        const double lam = footprint_rad(fp, r_hi, set.rs_km(), h_lo) + prune_margin_rad;
        max_step = std::max(min_node_step_s, lam / omega / footprint_nodes_per_radius);
        // A cone or rectangular field of view inside the horizon implies that the target sees the satellite: when
        // every candidate site (within lam + one node step of motion of the sub-satellite direction) is at least
        // 0.5 deg of central angle inside the horizon of the highest site from the lowest satellite position (more
        // than the < 0.2 deg between geocentric and geodetic directions), the term "elevation >= 0" holds for every
        // site the search ever evaluates and is left out of those modes.
        if (target_spec != nullptr) {
            const double r_lo = std::max(wgs84_a_km, a_km * (1.0 - e) * 0.99 - 20.0);
            const double horizon = std::acos(std::min(1.0, set.rs_max_km() / r_lo)) - 0.5 * deg_to_rad;
            if (lam + omega * max_step < horizon) {
                reduced = *target_spec;
                for (Mode &m : reduced.modes) {
                    const bool fov = std::any_of(m.terms.begin(), m.terms.end(), [](const Term &t) {
                        return t.kind == TermKind::cone || t.kind == TermKind::swath;
                    });
                    if (fov) {
                        std::erase_if(m.terms, [](const Term &t) { return t.kind == TermKind::elev_min && t.th == 0.0; });
                    }
                }
                target_spec = &reduced;
            }
        }
    }
    std::vector<PairResult> out;
    for (const auto &[ta0, tb0] : spans) {
        if (!(tb0 > ta0)) {
            continue;
        }
        const Ephemeris eph(prop, start, ta0, tb0 - ta0, rot, max_step);
        scratch.out.clear();
        if (opt.path == SearchPath::sweep) {
            search_span_sweep(set, target_spec, eph, sun, tb0, opt, scratch, scratch.out);
        } else {
            search_span_nodes(set, target_spec, eph, sun, tb0, opt, scratch, scratch.out);
        }
        const Finisher fin(set, target_spec, eph, sun, start, span_s, tb0, opt);
        // By input site index, in time order per site: a stable counting sort (each site's windows close in time
        // order).
        std::vector<std::uint32_t> &count = scratch.count;
        count.assign(set.size() + 1, 0);
        for (const RawOut &r : scratch.out) {
            ++count[set.original(r.site) + 1];
        }
        for (std::size_t k = 1; k < count.size(); ++k) {
            count[k] += count[k - 1];
        }
        scratch.sorted.resize(scratch.out.size());
        for (const RawOut &r : scratch.out) {
            scratch.sorted[count[set.original(r.site)]++] = r;
        }
        out.reserve(out.size() + scratch.sorted.size());
        for (const RawOut &r : scratch.sorted) {
            fin.finish(r, out);
        }
    }
    return out;
}

} // namespace vantage::access::detail
