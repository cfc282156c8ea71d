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

/// The kernel's edge refinement for constant-mask stations (node_kernel.hpp): returns the lanes whose edge is
/// certified, with the edge in `root`.
HWY_INLINE M refine_station_edge(const D d, const KernelParams &p, const KernelNode &node, V sx, V sy, V sz, V upx,
                                 V upy, V upz, V th, V g0, V d0, V g1, V d1, V m, V eps, M cand, V &root)
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
    // Six-point Lagrange weights on the stencil (Ephemeris::at, written out).
    const V sl = hn::Sub(hn::Div(hn::Sub(tau, hn::Set(d, node.st_t0)), hn::Set(d, node.st_step)), hn::Set(d, node.st_first));
    const V a0 = sl, a1 = hn::Sub(sl, one), a2 = hn::Sub(sl, two), a3 = hn::Sub(sl, three), a4 = hn::Sub(sl, hn::Set(d, 4.0)),
            a5 = hn::Sub(sl, hn::Set(d, 5.0));
    const V p2 = hn::Mul(a0, a1), p3 = hn::Mul(p2, a2), p4 = hn::Mul(p3, a3);
    const V q3 = hn::Mul(a4, a5), q2 = hn::Mul(q3, a3), q1 = hn::Mul(q2, a2);
    V w[6];
    w[0] = hn::Mul(hn::Mul(q1, a1), hn::Set(d, -1.0 / 120.0));
    w[1] = hn::Mul(hn::Mul(a0, q1), hn::Set(d, 1.0 / 24.0));
    w[2] = hn::Mul(hn::Mul(p2, q2), hn::Set(d, -1.0 / 12.0));
    w[3] = hn::Mul(hn::Mul(p3, q3), hn::Set(d, 1.0 / 12.0));
    w[4] = hn::Mul(hn::Mul(p4, a5), hn::Set(d, -1.0 / 24.0));
    w[5] = hn::Mul(hn::Mul(p4, a4), hn::Set(d, 1.0 / 120.0));
    V r0 = zero, r1 = zero, r2 = zero, v0 = zero, v1 = zero, v2 = zero;
    for (int i = 0; i < 6; ++i) {
        r0 = hn::Add(r0, hn::Mul(w[i], hn::Set(d, node.st_r[i][0])));
        r1 = hn::Add(r1, hn::Mul(w[i], hn::Set(d, node.st_r[i][1])));
        r2 = hn::Add(r2, hn::Mul(w[i], hn::Set(d, node.st_r[i][2])));
        v0 = hn::Add(v0, hn::Mul(w[i], hn::Set(d, node.st_v[i][0])));
        v1 = hn::Add(v1, hn::Mul(w[i], hn::Set(d, node.st_v[i][1])));
        v2 = hn::Add(v2, hn::Mul(w[i], hn::Set(d, node.st_v[i][2])));
    }
    const V dx = hn::Sub(r0, sx), dy = hn::Sub(r1, sy), dz = hn::Sub(r2, sz);
    const V rho = hn::Sqrt(hn::Add(hn::Add(hn::Mul(dx, dx), hn::Mul(dy, dy)), hn::Mul(dz, dz)));
    const V inv = hn::Div(one, rho);
    const V ux = hn::Mul(dx, inv), uy = hn::Mul(dy, inv), uz = hn::Mul(dz, inv);
    const V e = hn::Add(hn::Add(hn::Mul(ux, upx), hn::Mul(uy, upy)), hn::Mul(uz, upz));
    const V upv = hn::Add(hn::Add(hn::Mul(upx, v0), hn::Mul(upy, v1)), hn::Mul(upz, v2));
    const V uv = hn::Add(hn::Add(hn::Mul(ux, v0), hn::Mul(uy, v1)), hn::Mul(uz, v2));
    const V gs = hn::Sub(e, th);
    const V ds = hn::Mul(hn::Sub(upv, hn::Mul(e, uv)), inv);
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

void NodeKernel(const KernelParams &p, const KernelNode &node, const KernelSites &sites, const KernelState &st,
                std::uint32_t begin, std::uint32_t end, std::vector<std::uint32_t> &attention,
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
                edge = refine_station_edge(d, p, node, sx, sy, sz, upx, upy, upz, th, g0, q0.de, g1, q1.de, u2, e_u,
                                           cand, edge_root);
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
                 std::uint32_t begin, std::uint32_t end, std::vector<std::uint32_t> &attention,
                 std::vector<std::uint32_t> &resolved)
{
    HWY_DYNAMIC_DISPATCH(NodeKernel)(p, node, sites, st, begin, end, attention, resolved);
}

const char *node_kernel_target()
{
    return HWY_DYNAMIC_DISPATCH(Target)();
}

} // namespace vantage::access::detail
#endif
