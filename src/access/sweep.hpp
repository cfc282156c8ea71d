#pragma once
// Private to the access module: Brent's root finder and minimiser, and the scalar certified sweep (the few-site
// path's workhorse and the many-site path's fallback for the site-intervals its node certificates leave open).

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "vantage/access/detail/constraints.hpp"

namespace vantage::access::detail {

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

/// A window of one pair in seconds from the analysis start.
struct RawWindow {
    double start;
    double end;
};

/// Certified sweep of [ta, tb] (docs/accuracy.md): next sample = max(h, skip) later; every sign change between
/// samples is refined with Brent to `tol`. Windows are appended
/// to `out`; one that holds at ta starts at ta, one that holds at tb ends at tb.
void sweep(const Context &c, double ta, double tb, double h, double tol, std::vector<RawWindow> &out);

} // namespace vantage::access::detail
