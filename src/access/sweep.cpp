#include "sweep.hpp"

#include <algorithm>

namespace vantage::access::detail {

void sweep(const Context &c, double ta, double tb, double h, double tol, std::vector<RawWindow> &out)
{
    auto gval = [&](double t) { return evaluate(c, t).g; };
    double t = ta;
    Eval e = evaluate(c, t);
    bool in = e.g >= 0.0;
    double open = ta;
    while (t < tb) {
        const double tn = std::min(t + std::max(h, e.skip), tb);
        const Eval en = evaluate(c, tn);
        const bool in_n = en.g >= 0.0;
        if (in_n != in) {
            const double root = brent_root(gval, t, e.g, tn, en.g, tol);
            if (in_n) {
                open = root;
            } else {
                out.push_back({open, root});
            }
        }
        t = tn;
        e = en;
        in = in_n;
    }
    if (in) {
        out.push_back({open, tb});
    }
}

} // namespace vantage::access::detail
