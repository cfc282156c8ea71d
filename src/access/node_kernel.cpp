// The node path's vectorised certificate (node_kernel.hpp), Highway dynamic dispatch; lanes are sites.
//
// Per site and node t_j the kernel computes, from the exact node state (r, v) and frame:
//   d = r - s, rho = |d|, u = d / rho, u' = (v - (u.v) u) / rho,
//   E = u.up, E' = u'.up; C = -u.n, C' = -(u'.n + u.n'); X = -u.right, ...; A = -u.along, ...; S = Sun's sin(el),
// the same formulas as site_quantities() in constraints.cpp. With the previous node's values (parity buffer) each
// term g of the spec is then classified over [t_{j-1}, t_j] (h = t_j - t_{j-1}, rho >= rho_lo = (rho_0 + rho_1 - v_max
// h) / 2 on it, |g''| <= M(rho_lo), computed rates within eps(rho_lo) of the true ones):
//   same sign at both nodes and min(|g_0|, |g_1|) > M h^2 / 8   -> sign constant (g is above its chord less M h^2/8);
//   same sign and |g_0| + q_0 h - M h^2 / 2 > 0 (or the same from t_1 backward), q = sign(g) g' - eps
//                                                                 -> sign constant (a concave lower bound, checked at h);
//   otherwise same sign and span2(g_0, forward) + span2(g_1, backward) >= h -> sign constant;
//   Sun term (first order): same sign and |g_0| + |g_1| > L h.
// A term constant and >= 0 is "P", constant and < 0 is "N"; a mode is P when all its terms are, N when one is; the
// spec is P when a mode is, N when all modes are. A site is left alone when the spec is P and its window is open, or N
// and closed; or when it was not evaluated at t_{j-1} (entering the candidate set) and the spec fails at t_j.
// Everything else goes to the scalar code (node_search.cpp).

#include "node_kernel.hpp"

#include <cstring>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "node_kernel.cpp"
#include <hwy/foreach_target.h> // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace vantage::access::detail {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using D = hn::ScalableTag<double>;
using V = hn::Vec<D>;
using M = hn::Mask<D>;

struct Q {
    V rho, e, de, c, dc, x, dx, a, da, s;
};

/// g and g' of term t from the quantities (k, dk: the swath coefficient at this node).
HWY_INLINE void term_gd(const D d, const KernelTerm &t, const Q &q, double k, double dk, V &g, V &dg)
{
    switch (t.kind) {
    case 0: // elev_min
        g = hn::Sub(q.e, hn::Set(d, t.th));
        dg = q.de;
        return;
    case 1: // elev_max
        g = hn::Sub(hn::Set(d, t.th), q.e);
        dg = hn::Neg(q.de);
        return;
    case 2: // cone
        g = hn::Sub(q.c, hn::Set(d, t.th));
        dg = q.dc;
        return;
    case 3: // side
        g = hn::Mul(hn::Set(d, t.sgn), q.x);
        dg = hn::Mul(hn::Set(d, t.sgn), q.dx);
        return;
    case 4: { // swath
        const V kv = hn::Set(d, k);
        const V sg = hn::Set(d, t.sgn);
        g = hn::Add(hn::Mul(kv, q.c), hn::Mul(sg, q.x));
        dg = hn::Add(hn::Add(hn::Mul(hn::Set(d, dk), q.c), hn::Mul(kv, q.dc)), hn::Mul(sg, q.dx));
        return;
    }
    case 5: { // along
        const V th = hn::Set(d, t.th);
        const V sg = hn::Set(d, t.sgn);
        g = hn::Add(hn::Mul(th, q.c), hn::Mul(sg, q.a));
        dg = hn::Add(hn::Mul(th, q.dc), hn::Mul(sg, q.da));
        return;
    }
    default: // 6: sun
        g = hn::Sub(q.s, hn::Set(d, t.th));
        dg = hn::Zero(d);
        return;
    }
}

/// span2 (constraints.cpp) on vectors, direction dir: q = sign(g) dir g' - eps; (q + sqrt(q^2 + 2 M |g|)) / M for
/// q >= 0, else 2 |g| / (sqrt(...) - q).
HWY_INLINE V span2v(const D d, V g, V dg, V m, V eps, double dir)
{
    const V zero = hn::Zero(d);
    const V sd = hn::Mul(dg, hn::Set(d, dir));
    const V q = hn::Sub(hn::IfThenElse(hn::Ge(g, zero), sd, hn::Neg(sd)), eps);
    const V ag = hn::Abs(g);
    const V disc = hn::Sqrt(hn::Add(hn::Mul(q, q), hn::Mul(hn::Set(d, 2.0), hn::Mul(m, ag))));
    const V pos = hn::Div(hn::Add(q, disc), m);
    const V den = hn::Sub(disc, q);
    const V neg = hn::IfThenElse(hn::Gt(den, zero), hn::Div(hn::Mul(hn::Set(d, 2.0), ag), den), zero);
    return hn::IfThenElse(hn::Ge(q, zero), pos, neg);
}

HWY_INLINE V load(const D d, const double *p, std::uint32_t i)
{
    return hn::LoadU(d, p + i);
}

/// The satellite at per-lane times `tau` inside [t_{j-1}, t_j]: six-point Lagrange on the stencil nodes
/// (Ephemeris::at, written out).
HWY_INLINE void interpolate(const D d, const KernelNode &node, V tau, V r[3], V v[3])
{
    const V one = hn::Set(d, 1.0);
    const V sl = hn::Sub(hn::Div(hn::Sub(tau, hn::Set(d, node.st_t0)), hn::Set(d, node.st_step)), hn::Set(d, node.st_first));
    const V a0 = sl, a1 = hn::Sub(sl, one), a2 = hn::Sub(sl, hn::Set(d, 2.0)), a3 = hn::Sub(sl, hn::Set(d, 3.0)),
            a4 = hn::Sub(sl, hn::Set(d, 4.0)), a5 = hn::Sub(sl, hn::Set(d, 5.0));
    const V p2 = hn::Mul(a0, a1), p3 = hn::Mul(p2, a2), p4 = hn::Mul(p3, a3);
    const V q3 = hn::Mul(a4, a5), q2 = hn::Mul(q3, a3), q1 = hn::Mul(q2, a2);
    V w[6];
    w[0] = hn::Mul(hn::Mul(q1, a1), hn::Set(d, -1.0 / 120.0));
    w[1] = hn::Mul(hn::Mul(a0, q1), hn::Set(d, 1.0 / 24.0));
    w[2] = hn::Mul(hn::Mul(p2, q2), hn::Set(d, -1.0 / 12.0));
    w[3] = hn::Mul(hn::Mul(p3, q3), hn::Set(d, 1.0 / 12.0));
    w[4] = hn::Mul(hn::Mul(p4, a5), hn::Set(d, -1.0 / 24.0));
    w[5] = hn::Mul(hn::Mul(p4, a4), hn::Set(d, 1.0 / 120.0));
    for (int c = 0; c < 3; ++c) {
        r[c] = hn::Zero(d);
        v[c] = hn::Zero(d);
    }
    for (int i = 0; i < 6; ++i) {
        for (int c = 0; c < 3; ++c) {
            r[c] = hn::Add(r[c], hn::Mul(w[i], hn::Set(d, node.st_r[i][c])));
            v[c] = hn::Add(v[c], hn::Mul(w[i], hn::Set(d, node.st_v[i][c])));
        }
    }
}

/// C = los.nadir and its rate at a satellite state, with the geodetic nadir by two Bowring steps and its rate
/// up' = (v.north) north / (M + h) + (v.east) east / (N + h) -- fast_geodetic and make_frame in ephemeris.cpp,
/// written out; u, du: the unit site -> satellite vector and its rate.
HWY_INLINE void cone_quantity(const D d, const V r[3], const V v[3], const V u[3], const V du[3], V &c, V &dc)
{
    constexpr double a = 6378.137, f = 1.0 / 298.257223563, b = a * (1.0 - f), e2 = f * (2.0 - f), ep2 = e2 / (1.0 - e2);
    const V one = hn::Set(d, 1.0);
    const V x = r[0], y = r[1], z = r[2];
    const V pp = hn::Sqrt(hn::Add(hn::Mul(x, x), hn::Mul(y, y)));
    const V ipp = hn::Div(one, pp);
    const V cl = hn::Mul(x, ipp), sl = hn::Mul(y, ipp);
    V cb = hn::Mul(hn::Set(d, b), pp), sb = hn::Mul(hn::Set(d, a), z);
    V nb = hn::Div(one, hn::Sqrt(hn::Add(hn::Mul(cb, cb), hn::Mul(sb, sb))));
    cb = hn::Mul(cb, nb);
    sb = hn::Mul(sb, nb);
    V cphi = one, sphi = hn::Zero(d);
    for (int it = 0; it < 2; ++it) {
        const V num = hn::Add(z, hn::Mul(hn::Set(d, ep2 * b), hn::Mul(sb, hn::Mul(sb, sb))));
        const V den = hn::Sub(pp, hn::Mul(hn::Set(d, e2 * a), hn::Mul(cb, hn::Mul(cb, cb))));
        const V inp = hn::Div(one, hn::Sqrt(hn::Add(hn::Mul(den, den), hn::Mul(num, num))));
        cphi = hn::Mul(den, inp);
        sphi = hn::Mul(num, inp);
        cb = cphi;
        sb = hn::Mul(hn::Set(d, 1.0 - f), sphi);
        nb = hn::Div(one, hn::Sqrt(hn::Add(hn::Mul(cb, cb), hn::Mul(sb, sb))));
        cb = hn::Mul(cb, nb);
        sb = hn::Mul(sb, nb);
    }
    const V w2 = hn::Sub(one, hn::Mul(hn::Set(d, e2), hn::Mul(sphi, sphi)));
    const V w = hn::Sqrt(w2);
    const V h = hn::Sub(hn::Add(hn::Mul(pp, cphi), hn::Mul(z, sphi)), hn::Mul(hn::Set(d, a), w));
    const V nc = hn::Div(hn::Set(d, a), w);
    const V mc = hn::Div(hn::Set(d, a * (1.0 - e2)), hn::Mul(w2, w));
    const V upx = hn::Mul(cphi, cl), upy = hn::Mul(cphi, sl), upz = sphi;
    const V nx = hn::Neg(hn::Mul(sphi, cl)), ny = hn::Neg(hn::Mul(sphi, sl)), nz = cphi; // north
    const V ex = hn::Neg(sl), ey = cl;                                                 // east (z = 0)
    const V vn = hn::Div(hn::Add(hn::Add(hn::Mul(v[0], nx), hn::Mul(v[1], ny)), hn::Mul(v[2], nz)), hn::Add(mc, h));
    const V ve = hn::Div(hn::Add(hn::Mul(v[0], ex), hn::Mul(v[1], ey)), hn::Add(nc, h));
    const V dupx = hn::Add(hn::Mul(vn, nx), hn::Mul(ve, ex));
    const V dupy = hn::Add(hn::Mul(vn, ny), hn::Mul(ve, ey));
    const V dupz = hn::Mul(vn, nz);
    // C = -u.nadir = u.up; C' = du.up + u.up'
    c = hn::Add(hn::Add(hn::Mul(u[0], upx), hn::Mul(u[1], upy)), hn::Mul(u[2], upz));
    dc = hn::Add(hn::Add(hn::Add(hn::Mul(du[0], upx), hn::Mul(du[1], upy)), hn::Mul(du[2], upz)),
                 hn::Add(hn::Add(hn::Mul(u[0], dupx), hn::Mul(u[1], dupy)), hn::Mul(u[2], dupz)));
}

/// The kernel's edge refinement (node_kernel.hpp): a cubic Hermite estimate of the root of one term from its values
/// and rates at both nodes, one evaluation there (`eval(tau, g, dg)` on the interpolated ephemeris), and the
/// certificate of refine_root in search.cpp. Returns the lanes whose edge is certified, with the edge in `root`.
template <class Eval>
HWY_INLINE M refine_edge(const D d, const KernelParams &p, const KernelNode &node, V g0, V d0, V g1, V d1, V m, V eps,
                         M cand, V &root, Eval &&eval)
{
    const V zero = hn::Zero(d);
    const V one = hn::Set(d, 1.0);
    const V two = hn::Set(d, 2.0);
    const V three = hn::Set(d, 3.0);
    const V hh = hn::Set(d, node.tau - node.tau_prev);
    const V hd0 = hn::Mul(hh, d0), hd1 = hn::Mul(hh, d1);
    // Cubic Hermite estimate: secant, then two Newton steps kept inside [0, 1].
    V x = hn::Div(g0, hn::Sub(g0, g1));
    for (int it = 0; it < 2; ++it) {
        const V x2 = hn::Mul(x, x), x3 = hn::Mul(x2, x);
        const V h00 = hn::Add(hn::Sub(hn::Mul(two, x3), hn::Mul(three, x2)), one);
        const V h10 = hn::Add(hn::Sub(x3, hn::Mul(two, x2)), x);
        const V h01 = hn::Sub(hn::Mul(three, x2), hn::Mul(two, x3));
        const V h11 = hn::Sub(x3, x2);
        const V pv = hn::Add(hn::Add(hn::Mul(h00, g0), hn::Mul(h10, hd0)), hn::Add(hn::Mul(h01, g1), hn::Mul(h11, hd1)));
        const V six = hn::Set(d, 6.0);
        const V dh00 = hn::Sub(hn::Mul(six, x2), hn::Mul(six, x));
        const V dh10 = hn::Add(hn::Sub(hn::Mul(three, x2), hn::Mul(hn::Set(d, 4.0), x)), one);
        const V dh11 = hn::Sub(hn::Mul(three, x2), hn::Mul(two, x));
        const V dpv = hn::Add(hn::Add(hn::Mul(dh00, g0), hn::Mul(dh10, hd0)), hn::Sub(hn::Mul(dh11, hd1), hn::Mul(dh00, g1)));
        const V xn = hn::Sub(x, hn::Div(pv, dpv));
        const M ok = hn::And(hn::Ge(xn, zero), hn::Le(xn, one));
        x = hn::IfThenElse(ok, xn, x);
    }
    const V ta = hn::Set(d, node.tau_prev), tb = hn::Set(d, node.tau);
    const V tau = hn::Add(ta, hn::Mul(x, hh));
    V gs, ds;
    eval(tau, gs, ds);
    // Certificate (refine_root in search.cpp): bracket |g| / (|g'| + eps) .. |g| / (|g'| - eps) toward the root,
    // narrower than tol; g' keeps its sign across it; the spans from both nodes and from the point cover the rest.
    const V gam = hn::Abs(gs), ad = hn::Abs(ds);
    const V qq = hn::Sub(ad, eps);
    const M toward_neg = hn::Not(hn::Xor(hn::Ge(gs, zero), hn::Ge(ds, zero)));
    const V sigma = hn::IfThenElse(toward_neg, hn::Set(d, -1.0), one);
    const V disc = hn::Sub(hn::Mul(qq, qq), hn::Mul(two, hn::Mul(m, gam)));
    const V sq = hn::Sqrt(hn::Max(disc, zero));
    const V dhi = hn::Div(hn::Mul(two, gam), hn::Add(qq, sq));
    const V ade = hn::Add(ad, eps);
    const V dlo = hn::Div(hn::Mul(two, gam), hn::Add(ade, hn::Sqrt(hn::Add(hn::Mul(ade, ade), hn::Mul(two, hn::Mul(m, gam))))));
    const V tolv = hn::Set(d, p.tol);
    root = hn::Add(tau, hn::Mul(sigma, hn::Mul(hn::Set(d, 0.5), hn::Add(dlo, dhi))));
    M ok = hn::And(cand, hn::And(hn::Gt(qq, zero), hn::Ge(disc, zero)));
    ok = hn::And(ok, hn::Le(hn::Sub(dhi, dlo), tolv));
    ok = hn::And(ok, hn::Gt(qq, hn::Mul(m, dhi)));
    ok = hn::And(ok, hn::And(hn::Ge(root, hn::Sub(ta, tolv)), hn::Le(root, hn::Add(tb, tolv))));
    const V s2 = hn::Div(hn::Add(qq, sq), m);
    // span2 away from the root: q = sign(g) (-sigma) g' - eps (> 0 here).
    const V sg = hn::IfThenElse(hn::Ge(gs, zero), one, hn::Set(d, -1.0));
    const V qb = hn::Sub(hn::Mul(hn::Mul(sg, hn::Neg(sigma)), ds), eps);
    const V discb = hn::Sqrt(hn::Add(hn::Mul(qb, qb), hn::Mul(two, hn::Mul(m, gam))));
    const V sback = hn::IfThenElse(hn::Ge(qb, zero), hn::Div(hn::Add(qb, discb), m),
                                   hn::Div(hn::Mul(two, gam), hn::Max(hn::Sub(discb, qb), hn::Set(d, 1e-300))));
    const M sig_pos = hn::Gt(sigma, zero);
    const V left_end = hn::IfThenElse(sig_pos, hn::Sub(tau, sback), hn::Sub(tau, s2));
    const V right_end = hn::IfThenElse(sig_pos, hn::Add(tau, s2), hn::Add(tau, sback));
    const V sf = span2v(d, g0, d0, m, eps, 1.0);
    const V sb = span2v(d, g1, d1, m, eps, -1.0);
    ok = hn::And(ok, hn::And(hn::Ge(hn::Add(ta, sf), left_end), hn::Le(hn::Sub(tb, sb), right_end)));
    root = hn::Min(hn::Max(root, ta), tb);
    return ok;
}

/// The site -> satellite unit vector, its rate and E = u.up, E' at a satellite state.
HWY_INLINE void los_at(const D d, const V r[3], const V v[3], V sx, V sy, V sz, V upx, V upy, V upz, V u[3], V du[3],
                       V &e, V &de)
{
    const V one = hn::Set(d, 1.0);
    const V dx = hn::Sub(r[0], sx), dy = hn::Sub(r[1], sy), dz = hn::Sub(r[2], sz);
    const V inv = hn::Div(one, hn::Sqrt(hn::Add(hn::Add(hn::Mul(dx, dx), hn::Mul(dy, dy)), hn::Mul(dz, dz))));
    u[0] = hn::Mul(dx, inv);
    u[1] = hn::Mul(dy, inv);
    u[2] = hn::Mul(dz, inv);
    const V uv = hn::Add(hn::Add(hn::Mul(u[0], v[0]), hn::Mul(u[1], v[1])), hn::Mul(u[2], v[2]));
    for (int c = 0; c < 3; ++c) {
        du[c] = hn::Mul(hn::Sub(v[c], hn::Mul(uv, u[c])), inv);
    }
    e = hn::Add(hn::Add(hn::Mul(u[0], upx), hn::Mul(u[1], upy)), hn::Mul(u[2], upz));
    de = hn::Add(hn::Add(hn::Mul(du[0], upx), hn::Mul(du[1], upy)), hn::Mul(du[2], upz));
}

void NodeKernel(const KernelParams &p, const KernelNode &node, const KernelSites &sites, const KernelState &st,
                const std::uint32_t *ranges, std::size_t n_ranges, std::vector<std::uint32_t> &attention,
                std::vector<std::uint32_t> &resolved)
{
    const D d;
    const std::uint32_t lanes = static_cast<std::uint32_t>(hn::Lanes(d));
    const auto cur = static_cast<int>(static_cast<long long>(node.id) & 1);
    const int prv = 1 - cur;
    const V zero = hn::Zero(d);
    const V one = hn::Set(d, 1.0);
    const V rx = hn::Set(d, node.r[0]), ry = hn::Set(d, node.r[1]), rz = hn::Set(d, node.r[2]);
    const V vx = hn::Set(d, node.v[0]), vy = hn::Set(d, node.v[1]), vz = hn::Set(d, node.v[2]);
    const V id = hn::Set(d, node.id);
    const V id_prev = hn::Set(d, node.id - 1.0);
    const V vh = hn::Set(d, p.v_max * p.h);
    const V vmax = hn::Set(d, p.v_max);
    const V amax = hn::Set(d, p.a_max);
    const V two_v2 = hn::Set(d, 2.0 * p.v_max * p.v_max);
    const V h = hn::Set(d, p.h);
    const V h2_8 = hn::Set(d, p.h * p.h / 8.0);
    const V vm = hn::Set(d, p.vm);
    const V lh = hn::Set(d, p.sun_rate * p.h);
    const V rho_floor = hn::Set(d, 1.0);
    HWY_ALIGN std::uint8_t bits[8];

    for (std::size_t rg = 0; rg < n_ranges; ++rg) {
    const std::uint32_t begin = ranges[2 * rg], end = ranges[2 * rg + 1];
    for (std::uint32_t i = begin; i < end; i += lanes) {
        const std::uint32_t rem = end - i;
        const M live = hn::FirstN(d, rem < lanes ? rem : lanes);
        // --- quantities at this node
        const V sx = load(d, sites.sx, i), sy = load(d, sites.sy, i), sz = load(d, sites.sz, i);
        const V upx = load(d, sites.ux, i), upy = load(d, sites.uy, i), upz = load(d, sites.uz, i);
        const V dx = hn::Sub(rx, sx), dy = hn::Sub(ry, sy), dz = hn::Sub(rz, sz);
        Q q1;
        q1.rho = hn::Sqrt(hn::Add(hn::Add(hn::Mul(dx, dx), hn::Mul(dy, dy)), hn::Mul(dz, dz)));
        const V inv = hn::Div(one, q1.rho);
        const V ux = hn::Mul(dx, inv), uy = hn::Mul(dy, inv), uz = hn::Mul(dz, inv);
        const V uv = hn::Add(hn::Add(hn::Mul(ux, vx), hn::Mul(uy, vy)), hn::Mul(uz, vz));
        const V dux = hn::Mul(hn::Sub(vx, hn::Mul(uv, ux)), inv);
        const V duy = hn::Mul(hn::Sub(vy, hn::Mul(uv, uy)), inv);
        const V duz = hn::Mul(hn::Sub(vz, hn::Mul(uv, uz)), inv);
        q1.e = hn::Add(hn::Add(hn::Mul(ux, upx), hn::Mul(uy, upy)), hn::Mul(uz, upz));
        q1.de = hn::Add(hn::Add(hn::Mul(dux, upx), hn::Mul(duy, upy)), hn::Mul(duz, upz));
        auto neg_dot = [&](const double *w, const double *dw, V &val, V &rate) {
            const V wx = hn::Set(d, w[0]), wy = hn::Set(d, w[1]), wz = hn::Set(d, w[2]);
            const V dwx = hn::Set(d, dw[0]), dwy = hn::Set(d, dw[1]), dwz = hn::Set(d, dw[2]);
            val = hn::Neg(hn::Add(hn::Add(hn::Mul(ux, wx), hn::Mul(uy, wy)), hn::Mul(uz, wz)));
            const V a1 = hn::Add(hn::Add(hn::Mul(dux, wx), hn::Mul(duy, wy)), hn::Mul(duz, wz));
            const V a2 = hn::Add(hn::Add(hn::Mul(ux, dwx), hn::Mul(uy, dwy)), hn::Mul(uz, dwz));
            rate = hn::Neg(hn::Add(a1, a2));
        };
        q1.c = q1.dc = q1.x = q1.dx = q1.a = q1.da = q1.s = zero;
        if (p.need_frame) {
            neg_dot(node.n, node.dn, q1.c, q1.dc);
        }
        if (p.need_x) {
            neg_dot(node.rt, node.drt, q1.x, q1.dx);
        }
        if (p.need_a) {
            neg_dot(node.al, node.dal, q1.a, q1.da);
        }
        if (p.need_s) {
            const V ex = hn::Sub(hn::Set(d, node.sun[0]), sx), ey = hn::Sub(hn::Set(d, node.sun[1]), sy),
                    ez = hn::Sub(hn::Set(d, node.sun[2]), sz);
            const V en = hn::Sqrt(hn::Add(hn::Add(hn::Mul(ex, ex), hn::Mul(ey, ey)), hn::Mul(ez, ez)));
            q1.s = hn::Div(hn::Add(hn::Add(hn::Mul(ex, upx), hn::Mul(ey, upy)), hn::Mul(ez, upz)), en);
        }
        // --- previous node (parity buffer)
        const M valid = hn::Eq(load(d, st.stamp[prv], i), id_prev);
        Q q0;
        q0.rho = load(d, st.rho[prv], i);
        q0.e = load(d, st.e[prv], i);
        q0.de = load(d, st.de[prv], i);
        q0.c = q0.dc = q0.x = q0.dx = q0.a = q0.da = q0.s = zero;
        if (p.need_frame) {
            q0.c = load(d, st.c[prv], i);
            q0.dc = load(d, st.dc[prv], i);
        }
        if (p.need_x) {
            q0.x = load(d, st.x[prv], i);
            q0.dx = load(d, st.dx[prv], i);
        }
        if (p.need_a) {
            q0.a = load(d, st.a[prv], i);
            q0.da = load(d, st.da[prv], i);
        }
        if (p.need_s) {
            q0.s = load(d, st.s[prv], i);
        }
        // Range bound over the interval and the line-of-sight bounds U1 >= |u'|, U2 >= |u''|.
        const V rho_lo = hn::Mul(hn::Set(d, 0.5), hn::Sub(hn::Add(q0.rho, q1.rho), vh));
        const M rho_ok = hn::Gt(rho_lo, rho_floor);
        const V inv_lo = hn::Div(one, hn::Max(rho_lo, rho_floor));
        const V u1 = hn::Mul(vmax, inv_lo);
        const V u2 = hn::Mul(inv_lo, hn::Add(amax, hn::Mul(two_v2, inv_lo)));
        const V e_u = hn::Mul(vm, inv_lo);

        M spec_p, spec_n;
        V g_now;
        auto classify = [&](V g0, V d0, V g1, V d1, V m, V eps, bool first_order, M &pos, M &negm) {
            const M same = hn::Gt(hn::Mul(g0, g1), zero);
            M cert;
            if (first_order) {
                cert = hn::And(same, hn::Gt(hn::Add(hn::Abs(g0), hn::Abs(g1)), lh));
            } else {
                // Chord: |g| >= min(|g0|, |g1|) - M h^2 / 8 on the interval.
                const V ag0 = hn::Abs(g0), ag1 = hn::Abs(g1);
                cert = hn::And(same, hn::Gt(hn::Min(ag0, ag1), hn::Mul(m, h2_8)));
                M open = hn::AndNot(cert, hn::And(same, hn::And(valid, live)));
                if (!hn::AllFalse(d, open)) {
                    // Tangents: sign(g) g(t0 + s) >= |g0| + q0 s - M s^2 / 2 (concave: its minimum over [0, h] is at an
                    // end), q0 = sign(g0) g0' - eps; the same backward from t1.
                    const V pos0 = hn::IfThenElse(hn::Ge(g0, zero), d0, hn::Neg(d0));
                    const V pos1 = hn::IfThenElse(hn::Ge(g1, zero), hn::Neg(d1), d1);
                    const V mh2 = hn::Mul(m, hn::Mul(hn::Set(d, 0.5), hn::Mul(h, h)));
                    const V l0 = hn::Sub(hn::Add(ag0, hn::Mul(hn::Sub(pos0, eps), h)), mh2);
                    const V l1 = hn::Sub(hn::Add(ag1, hn::Mul(hn::Sub(pos1, eps), h)), mh2);
                    cert = hn::Or(cert, hn::And(same, hn::Gt(hn::Max(l0, l1), zero)));
                    open = hn::AndNot(cert, open);
                    if (!hn::AllFalse(d, open)) {
                        const V sf = span2v(d, g0, d0, m, eps, 1.0);
                        const V sb = span2v(d, g1, d1, m, eps, -1.0);
                        cert = hn::Or(cert, hn::And(same, hn::Ge(hn::Add(sf, sb), h)));
                    }
                }
            }
            cert = hn::And(cert, rho_ok);
            pos = hn::And(cert, hn::Ge(g1, zero));
            negm = hn::And(cert, hn::Lt(g1, zero));
        };
        M edge = hn::Lt(one, zero); // lanes whose edge the kernel certified
        V edge_root = zero;
        if (p.station && p.station_const) {
            const V th = load(d, sites.th_lo, i);
            const V g0 = hn::Sub(q0.e, th), g1 = hn::Sub(q1.e, th);
            classify(g0, q0.de, g1, q1.de, u2, e_u, false, spec_p, spec_n);
            g_now = g1;
            const V inw = load(d, st.inwin, i);
            const M in0 = hn::Gt(inw, hn::Set(d, 0.5));
            const M up0 = hn::Ge(g0, zero);
            // Sign change, consistent with the window state, not yet certified constant.
            const M cand = hn::And(hn::And(valid, live),
                                   hn::And(rho_ok, hn::And(hn::Xor(up0, hn::Ge(g1, zero)), hn::Not(hn::Xor(up0, in0)))));
            if (!hn::AllFalse(d, cand)) {
                edge = refine_edge(d, p, node, g0, q0.de, g1, q1.de, u2, e_u, cand, edge_root, [&](V tau, V &gs, V &ds) {
                    V r[3], v[3], u[3], du[3], e, de;
                    interpolate(d, node, tau, r, v);
                    los_at(d, r, v, sx, sy, sz, upx, upy, upz, u, du, e, de);
                    gs = hn::Sub(e, th);
                    ds = de;
                });
            }
        } else if (p.station) {
            const V thl = load(d, sites.th_lo, i), thh = load(d, sites.th_hi, i);
            M pos_hi, neg_hi, pos_lo, neg_lo;
            classify(hn::Sub(q0.e, thh), q0.de, hn::Sub(q1.e, thh), q1.de, u2, e_u, false, pos_hi, neg_hi);
            classify(hn::Sub(q0.e, thl), q0.de, hn::Sub(q1.e, thl), q1.de, u2, e_u, false, pos_lo, neg_lo);
            spec_p = pos_hi;
            spec_n = neg_lo;
            g_now = hn::Sub(q1.e, thl);
        } else {
            M mode_p[kernel_max_modes], mode_n[kernel_max_modes];
            V mode_g[kernel_max_modes];
            for (int m = 0; m < kernel_max_modes; ++m) {
                mode_p[m] = hn::Eq(zero, zero);
                mode_n[m] = hn::Lt(one, zero);
                mode_g[m] = hn::Set(d, 1e300);
            }
            // The single undecided term of each lane (single-mode specs): its values, bounds and kind.
            V n_u = zero, sel_g0 = zero, sel_d0 = zero, sel_g1 = zero, sel_d1 = zero, sel_m = one, sel_eps = zero;
            V sel_kind = hn::Set(d, -1.0), sel_th = zero;
            for (int k = 0; k < p.n_terms; ++k) {
                const KernelTerm &t = p.terms[k];
                V g0, d0, g1, d1;
                term_gd(d, t, q0, t.k_prev, t.dk_prev, g0, d0);
                term_gd(d, t, q1, t.k_cur, t.dk_cur, g1, d1);
                const V m = hn::Add(hn::Add(hn::Mul(hn::Set(d, t.c2), u2), hn::Mul(hn::Set(d, t.c1), u1)),
                                    hn::Set(d, t.c0));
                const V eps = hn::Add(hn::Mul(hn::Set(d, t.e1), e_u), hn::Set(d, t.e0));
                M pos, negm;
                classify(g0, d0, g1, d1, m, eps, t.kind == 6, pos, negm);
                mode_p[t.mode] = hn::And(mode_p[t.mode], pos);
                mode_n[t.mode] = hn::Or(mode_n[t.mode], negm);
                mode_g[t.mode] = hn::Min(mode_g[t.mode], g1);
                if (p.n_modes == 1) {
                    const M und = hn::Not(hn::Or(pos, negm));
                    n_u = hn::Add(n_u, hn::IfThenElse(und, one, zero));
                    sel_g0 = hn::IfThenElse(und, g0, sel_g0);
                    sel_d0 = hn::IfThenElse(und, d0, sel_d0);
                    sel_g1 = hn::IfThenElse(und, g1, sel_g1);
                    sel_d1 = hn::IfThenElse(und, d1, sel_d1);
                    sel_m = hn::IfThenElse(und, m, sel_m);
                    sel_eps = hn::IfThenElse(und, eps, sel_eps);
                    // In-kernel refinement for the elevation terms and the cone (kinds 0, 1, 2).
                    sel_kind = hn::IfThenElse(und, hn::Set(d, t.kind <= 2 ? static_cast<double>(t.kind) : -1.0), sel_kind);
                    sel_th = hn::IfThenElse(und, hn::Set(d, t.th), sel_th);
                }
            }
            if (p.n_modes == 1) {
                const V inw = load(d, st.inwin, i);
                const M in0 = hn::Gt(inw, hn::Set(d, 0.5));
                const M up0 = hn::Ge(sel_g0, zero);
                const M cand =
                    hn::And(hn::And(hn::And(valid, live), hn::And(rho_ok, hn::Eq(n_u, one))),
                            hn::And(hn::AndNot(mode_n[0], hn::Ge(sel_kind, zero)),
                                    hn::And(hn::Xor(up0, hn::Ge(sel_g1, zero)), hn::Not(hn::Xor(up0, in0)))));
                if (!hn::AllFalse(d, cand)) {
                    const bool any_cone = !hn::AllFalse(d, hn::And(cand, hn::Eq(sel_kind, hn::Set(d, 2.0))));
                    edge = refine_edge(d, p, node, sel_g0, sel_d0, sel_g1, sel_d1, sel_m, sel_eps, cand, edge_root,
                                       [&](V tau, V &gs, V &ds) {
                                           V r[3], v[3], u[3], du[3], e, de;
                                           interpolate(d, node, tau, r, v);
                                           los_at(d, r, v, sx, sy, sz, upx, upy, upz, u, du, e, de);
                                           V c = zero, dc = zero;
                                           if (any_cone) {
                                               cone_quantity(d, r, v, u, du, c, dc);
                                           }
                                           const M k0 = hn::Eq(sel_kind, zero), k1 = hn::Eq(sel_kind, one);
                                           gs = hn::IfThenElse(k0, hn::Sub(e, sel_th),
                                                               hn::IfThenElse(k1, hn::Sub(sel_th, e), hn::Sub(c, sel_th)));
                                           ds = hn::IfThenElse(k0, de, hn::IfThenElse(k1, hn::Neg(de), dc));
                                       });
                }
            }
            spec_p = mode_p[0];
            spec_n = mode_n[0];
            g_now = mode_g[0];
            for (int m = 1; m < p.n_modes; ++m) {
                spec_p = hn::Or(spec_p, mode_p[m]);
                spec_n = hn::And(spec_n, mode_n[m]);
                g_now = hn::Max(g_now, mode_g[m]);
            }
        }
        const V inwin = load(d, st.inwin, i);
        const M in = hn::Gt(inwin, hn::Set(d, 0.5));
        const M quiet_valid = hn::And(valid, hn::Or(hn::And(spec_p, in), hn::AndNot(in, spec_n)));
        const M quiet_enter = hn::AndNot(valid, hn::AndNot(in, hn::Lt(g_now, zero)));
        const M quiet = hn::Or(quiet_valid, quiet_enter);
        // --- store this node's quantities (all live lanes) and the best node of open windows (quiet lanes)
        hn::BlendedStore(id, live, d, st.stamp[cur] + i);
        hn::BlendedStore(q1.rho, live, d, st.rho[cur] + i);
        hn::BlendedStore(q1.e, live, d, st.e[cur] + i);
        hn::BlendedStore(q1.de, live, d, st.de[cur] + i);
        if (p.need_frame) {
            hn::BlendedStore(q1.c, live, d, st.c[cur] + i);
            hn::BlendedStore(q1.dc, live, d, st.dc[cur] + i);
        }
        if (p.need_x) {
            hn::BlendedStore(q1.x, live, d, st.x[cur] + i);
            hn::BlendedStore(q1.dx, live, d, st.dx[cur] + i);
        }
        if (p.need_a) {
            hn::BlendedStore(q1.a, live, d, st.a[cur] + i);
            hn::BlendedStore(q1.da, live, d, st.da[cur] + i);
        }
        if (p.need_s) {
            hn::BlendedStore(q1.s, live, d, st.s[cur] + i);
        }
        const V obj = p.objective == 0 ? q1.e : (p.objective == 1 ? q1.c : hn::Neg(hn::Abs(q1.a)));
        const M upd = hn::And(hn::And(quiet, in), hn::And(live, hn::Gt(obj, load(d, st.best_o, i))));
        if (!hn::AllFalse(d, upd)) {
            hn::BlendedStore(obj, upd, d, st.best_o + i);
            hn::BlendedStore(id, upd, d, st.best_k + i);
        }
        if (!hn::AllFalse(d, edge)) {
            hn::BlendedStore(edge_root, edge, d, st.root + i);
            hn::StoreMaskBits(d, edge, bits);
            std::uint64_t b = 0;
            std::memcpy(&b, bits, (lanes + 7) / 8);
            while (b != 0) {
                const int lane = __builtin_ctzll(b);
                resolved.push_back(i + static_cast<std::uint32_t>(lane));
                b &= b - 1;
            }
        }
        const M need = hn::AndNot(hn::Or(quiet, edge), live);
        if (!hn::AllFalse(d, need)) {
            hn::StoreMaskBits(d, need, bits);
            std::uint64_t b = 0;
            std::memcpy(&b, bits, (lanes + 7) / 8);
            while (b != 0) {
                const int lane = __builtin_ctzll(b);
                attention.push_back(i + static_cast<std::uint32_t>(lane));
                b &= b - 1;
            }
        }
    }
    }
}

const char *Target()
{
    return hwy::TargetName(HWY_TARGET);
}

} // namespace HWY_NAMESPACE
} // namespace vantage::access::detail
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace vantage::access::detail {

HWY_EXPORT(NodeKernel);
HWY_EXPORT(Target);

void node_kernel(const KernelParams &p, const KernelNode &node, const KernelSites &sites, const KernelState &st,
                 const std::uint32_t *ranges, std::size_t n_ranges, std::vector<std::uint32_t> &attention,
                 std::vector<std::uint32_t> &resolved)
{
    HWY_DYNAMIC_DISPATCH(NodeKernel)(p, node, sites, st, ranges, n_ranges, attention, resolved);
}

const char *node_kernel_target()
{
    return HWY_DYNAMIC_DISPATCH(Target)();
}

} // namespace vantage::access::detail
#endif
