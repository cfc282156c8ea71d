// Exact MILP of the discretised tasking problem (timing and slews), solved with COIN-OR CBC through the MILP wrapper
// (vantage/milp/milp.hpp, driver branch_and_bound with clique and probing cuts).
//
// Variables: x_{o,k} = 1 when opportunity o starts at grid step k; y_j = 1 when job j is served.
//   max  sum_j v_j y_j
//   s.t. sum_{o of t, k} x_{o,k} <= 1                    each task at most once
//        y_j <= sum_{o of t, k} x_{o,k}                   for every task t of job j (a polygon needs all strips)
//        x_{a,ka} + sum_{kb in C(a,ka,b)} x_{b,kb} <= 1   for opportunities a < b of one satellite, C = the starts of b
//                                                         that fit neither before nor after (a, ka)
// Pairwise conflicts describe sequence feasibility exactly when the slew times obey the triangle inequality along
// a sequence: t(θ_ac) <= t(θ_ab) + d_b + t(θ_bc) + settle. With θ_ac <= θ_ab + θ_b + θ_bc (θ_b: the look vector's
// turn during b) and t subadditive (concave, t(0) = 0), it holds when t_rr(θ_b) <= d_b + settle for every node,
// which is checked; otherwise the MILP is not used.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "vantage/milp/milp.hpp"
#include "vantage/scheduling/agility.hpp"
#include "vantage/scheduling/detail/tasking_instance.hpp"

namespace vantage::scheduling::detail {

std::optional<MilpResult> solve_milp(const Instance &inst, double time_limit_s, std::size_t max_nodes, std::size_t max_rows)
{
    struct NodeV {
        std::size_t opp;
        int k;
        double s, e;
        Vec3 ls, le;
    };
    for (const auto &si : inst.sats) {
        if (si.pointable && !slew_time_subadditive(si.agility)) {
            return std::nullopt; // pairwise conflicts would not be exact
        }
    }
    std::vector<NodeV> nodes;
    std::vector<std::size_t> first(inst.opps.size() + 1, 0);
    for (std::size_t oi = 0; oi < inst.opps.size(); ++oi) {
        first[oi] = nodes.size();
        const auto &o = inst.opps[oi];
        const double d = inst.tasks[o.task].duration_s;
        for (int k = o.k_min; k <= o.k_max; ++k) {
            if (nodes.size() >= max_nodes) {
                return std::nullopt;
            }
            NodeV n{oi, k, k * inst.step_s, k * inst.step_s + d, Vec3::Zero(), Vec3::Zero()};
            inst.looks(o, k, n.ls, n.le);
            const auto &si = inst.sats[o.sat];
            if (si.pointable && slew_time_s(slew_measure_deg(n.ls, n.le, si.agility), si.agility) > d + si.agility.settle_s) {
                return std::nullopt; // no triangle property: pairwise conflicts would not be exact
            }
            nodes.push_back(n);
        }
    }
    first[inst.opps.size()] = nodes.size();
    const std::size_t nx = nodes.size();
    const std::size_t ny = inst.jobs.size();

    // Columns: x (no value of their own), then y (the job's value; fixed at 0 for an infeasible job).
    milp::MilpModel model;
    for (std::size_t n = 0; n < nx; ++n) {
        model.add_binary(0.0);
    }
    for (std::size_t j = 0; j < ny; ++j) {
        model.add_column(inst.jobs[j].value, 0.0, inst.jobs[j].feasible ? 1.0 : 0.0, true);
    }
    auto add_row = [&](const std::vector<int> &idx, const std::vector<double> &val, double lo, double hi) {
        model.add_row(idx, val, lo, hi);
    };
    // tasks at most once; jobs need every task
    for (std::size_t t = 0; t < inst.tasks.size(); ++t) {
        std::vector<int> idx;
        for (std::size_t oi : inst.task_opps[t]) {
            for (std::size_t n = first[oi]; n < first[oi + 1]; ++n) {
                idx.push_back(static_cast<int>(n));
            }
        }
        if (idx.size() > 1) {
            add_row(idx, std::vector<double>(idx.size(), 1.0), -milp::milp_infinity, 1.0);
        }
        const std::size_t j = inst.tasks[t].job;
        std::vector<double> val(idx.size(), -1.0);
        idx.push_back(static_cast<int>(nx + j));
        val.push_back(1.0);
        add_row(idx, val, -milp::milp_infinity, 0.0);
    }
    // time cliques (valid for every pair, they only tighten the LP): the nodes of one satellite whose interval
    // [start, end + settle) contains the instant t pairwise conflict, so at most one of them is chosen
    for (std::size_t s = 0; s < inst.sats.size(); ++s) {
        const double gap = inst.sats[s].pointable ? inst.sats[s].agility.settle_s : 0.0;
        std::vector<std::size_t> mine;
        for (std::size_t oi : inst.sat_opps[s]) {
            for (std::size_t n = first[oi]; n < first[oi + 1]; ++n) {
                mine.push_back(n);
            }
        }
        std::vector<double> times;
        for (std::size_t n : mine) {
            times.push_back(nodes[n].s);
        }
        std::sort(times.begin(), times.end());
        times.erase(std::unique(times.begin(), times.end()), times.end());
        for (double t : times) {
            std::vector<int> idx;
            for (std::size_t n : mine) {
                if (nodes[n].s <= t && t < nodes[n].e + gap) {
                    idx.push_back(static_cast<int>(n));
                }
            }
            if (idx.size() > 1) {
                add_row(idx, std::vector<double>(idx.size(), 1.0), -milp::milp_infinity, 1.0);
            }
        }
    }
    // conflicts
    for (std::size_t s = 0; s < inst.sats.size(); ++s) {
        const auto &si = inst.sats[s];
        const auto &ops = inst.sat_opps[s];
        auto trans = [&](const Vec3 &a, const Vec3 &b) { return si.pointable ? transition_s(a, b, si.agility) : 0.0; };
        for (std::size_t ia = 0; ia < ops.size(); ++ia) {
            const std::size_t a = ops[ia];
            for (std::size_t ib = ia + 1; ib < ops.size(); ++ib) {
                const std::size_t b = ops[ib];
                if (inst.opps[a].task == inst.opps[b].task) {
                    continue;
                }
                const double margin = 120.0;
                if (nodes[first[b]].s > nodes[first[a + 1] - 1].e + margin) {
                    break; // sat_opps is sorted by k_min: later ones start later still
                }
                if (nodes[first[a]].s > nodes[first[b + 1] - 1].e + margin) {
                    continue;
                }
                for (std::size_t na = first[a]; na < first[a + 1]; ++na) {
                    std::vector<int> idx{static_cast<int>(na)};
                    for (std::size_t nb = first[b]; nb < first[b + 1]; ++nb) {
                        const NodeV &A = nodes[na], &B = nodes[nb];
                        const double gap = si.pointable ? si.agility.settle_s : 0.0;
                        if (B.s < A.e + gap && A.s < B.e + gap) {
                            continue; // already in a time clique
                        }
                        const bool ab = B.s >= A.e + trans(A.le, B.ls) - 1e-9;
                        const bool ba = A.s >= B.e + trans(B.le, A.ls) - 1e-9;
                        if (!ab && !ba) {
                            idx.push_back(static_cast<int>(nb));
                        }
                    }
                    if (idx.size() > 1) {
                        add_row(idx, std::vector<double>(idx.size(), 1.0), -milp::milp_infinity, 1.0);
                        if (static_cast<std::size_t>(model.num_rows()) > max_rows) {
                            return std::nullopt;
                        }
                    }
                }
            }
        }
    }
    // Clique cuts (the rows are set-packing constraints) and probing; plain branch and bound otherwise. The time
    // limit is wall-clock.
    milp::MilpOptions options;
    options.driver = milp::MilpDriver::branch_and_bound;
    options.time_limit_s = time_limit_s;
    options.clique_cuts = true;
    options.probing_cuts = true;
    const milp::MilpResult res = milp::solve_milp(model, options);
    MilpResult r;
    r.optimal = res.status == milp::MilpStatus::optimal;
    r.bound = res.bound;
    if (!res.x.empty()) {
        r.value = res.objective;
        for (std::size_t n = 0; n < nx; ++n) {
            if (res.x[n] > 0.5) {
                r.chosen.emplace_back(nodes[n].opp, nodes[n].k);
            }
        }
    }
    if (r.optimal) {
        r.bound = r.value;
    }
    // An empty instance: nothing to serve.
    if (nx == 0) {
        r.value = r.bound = 0.0;
        r.optimal = true;
    }
    return r;
}

} // namespace vantage::scheduling::detail

namespace vantage::scheduling::detail {

std::optional<double> solve_exact_subsets(const Instance &inst, int max_tasks, std::vector<std::size_t> *best_tasks)
{
    // bit of each task that has an opportunity
    std::vector<int> bit(inst.tasks.size(), -1);
    int n = 0;
    for (std::size_t t = 0; t < inst.tasks.size(); ++t) {
        if (!inst.task_opps[t].empty()) {
            bit[t] = n++;
        }
    }
    if (n > max_tasks) {
        return std::nullopt;
    }
    const std::size_t masks = std::size_t{1} << n;
    const std::size_t words = std::max<std::size_t>(1, masks / 64);
    using Bits = std::vector<std::uint64_t>;
    auto set = [](Bits &b, std::size_t m) { b[m >> 6] |= std::uint64_t{1} << (m & 63); };
    auto get = [](const Bits &b, std::size_t m) { return (b[m >> 6] >> (m & 63)) & 1U; };
    // R_b |= { m | 2^t : m in R_a, bit t clear in m }
    auto add_shifted = [&](Bits &dst, const Bits &src, int t) {
        if (t >= 6) {
            const std::size_t step = std::size_t{1} << (t - 6);
            for (std::size_t w = 0; w < words; ++w) {
                if (!(w & step)) {
                    dst[w | step] |= src[w];
                }
            }
        } else {
            std::uint64_t clear = 0; // positions p in a word with bit t of p clear
            for (int p = 0; p < 64; ++p) {
                if (!((p >> t) & 1)) {
                    clear |= std::uint64_t{1} << p;
                }
            }
            for (std::size_t w = 0; w < words; ++w) {
                dst[w] |= (src[w] & clear) << (1 << t);
            }
        }
    };
    struct NodeV {
        std::size_t opp;
        int t;
        double s, e;
        Vec3 ls, le;
    };
    for (const auto &si : inst.sats) {
        if (si.pointable && !slew_time_subadditive(si.agility)) {
            return std::nullopt; // the sequences' pairwise feasibility would not be exact
        }
    }
    Bits total(words, 0);
    set(total, 0);
    for (std::size_t s = 0; s < inst.sats.size(); ++s) {
        const SatInfo &si = inst.sats[s];
        std::vector<NodeV> nodes;
        for (std::size_t oi : inst.sat_opps[s]) {
            const auto &o = inst.opps[oi];
            for (int k = o.k_min; k <= o.k_max; ++k) {
                NodeV v{oi, bit[o.task], k * inst.step_s, k * inst.step_s + inst.tasks[o.task].duration_s, Vec3::Zero(), Vec3::Zero()};
                inst.looks(o, k, v.ls, v.le);
                if (si.pointable && slew_time_s(slew_measure_deg(v.ls, v.le, si.agility), si.agility) > inst.tasks[o.task].duration_s + si.agility.settle_s) {
                    return std::nullopt;
                }
                nodes.push_back(v);
            }
        }
        std::sort(nodes.begin(), nodes.end(), [](const NodeV &a, const NodeV &b) { return a.s < b.s; });
        std::vector<Bits> reach(nodes.size(), Bits(words, 0));
        Bits sat_union(words, 0);
        set(sat_union, 0);
        for (std::size_t b = 0; b < nodes.size(); ++b) {
            Bits start(words, 0);
            set(start, 0);
            add_shifted(reach[b], start, nodes[b].t);
            for (std::size_t a = 0; a < b; ++a) {
                const double need = si.pointable ? transition_s(nodes[a].le, nodes[b].ls, si.agility) : 0.0;
                if (nodes[b].s >= nodes[a].e + need - 1e-9) {
                    add_shifted(reach[b], reach[a], nodes[b].t);
                }
            }
            for (std::size_t w = 0; w < words; ++w) {
                sat_union[w] |= reach[b][w];
            }
        }
        // disjoint unions with what the previous satellites can do
        Bits next(words, 0);
        for (std::size_t m1 = 0; m1 < masks; ++m1) {
            if (!get(total, m1)) {
                continue;
            }
            const std::size_t rest = (masks - 1) & ~m1;
            for (std::size_t m2 = rest;; m2 = (m2 - 1) & rest) {
                if (get(sat_union, m2)) {
                    set(next, m1 | m2);
                }
                if (m2 == 0) {
                    break;
                }
            }
        }
        total = std::move(next);
    }
    double best = 0.0;
    for (std::size_t m = 0; m < masks; ++m) {
        if (!get(total, m)) {
            continue;
        }
        double v = 0.0;
        for (const auto &j : inst.jobs) {
            bool all = j.feasible;
            for (std::size_t t : j.tasks) {
                all = all && bit[t] >= 0 && ((m >> bit[t]) & 1U);
            }
            v += all ? j.value : 0.0;
        }
        if (v > best) {
            best = v;
            if (best_tasks) {
                best_tasks->clear();
                for (std::size_t t = 0; t < inst.tasks.size(); ++t) {
                    if (bit[t] >= 0 && ((m >> bit[t]) & 1U)) {
                        best_tasks->push_back(t);
                    }
                }
            }
        }
    }
    return best;
}

} // namespace vantage::scheduling::detail
