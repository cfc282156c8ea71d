// Upper bounds on the optimal plan value: the trivial one, a Lagrangian relaxation, and (small instances) the
// exact MILP of tasking_milp.cpp.
//
// The relaxation (everything dropped or weakened only loosens, so its optimum bounds the real one):
// - storage, downlinks, the per-orbit cap and the share rule are dropped;
// - a polygon worth v with n strips is worth v/n per acquired strip (v [all strips] <= (v/n) sum_j [strip j]);
// - between consecutive acquisitions of a pointable satellite only the settling time is required (slews >= 0);
// - start times are relaxed to 5-s cells: a node (opportunity, cell) may start anywhere in its cell;
// - "each task at most once" is moved into the objective with multipliers λ >= 0 (Lagrange), which leaves one
//   longest-path problem per satellite over its nodes ordered in time.
// L(λ) = sum_t λ_t + sum_s max_path_s(w - λ) >= optimum for every λ >= 0; λ by subgradient steps (Polyak, with the
// heuristic's value as the target; Held, Wolfe & Crowder 1974).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include "vantage/scheduling/detail/tasking_instance.hpp"

namespace vantage::scheduling::detail {

namespace {

struct Node {
    std::size_t task;
    double ls;  // latest start in the cell (s)
    double key; // earliest end + minimum gap (s): the node may precede nodes whose ls >= key
};

struct SatGraph {
    std::vector<Node> nodes;            // by ls
    std::vector<std::size_t> by_key;    // node indices by key
};

std::vector<SatGraph> build_graphs(const Instance &inst)
{
    double min_d = 1e300;
    for (const auto &t : inst.tasks) {
        min_d = std::min(min_d, t.duration_s);
    }
    // Cell length: at most 5 s, and below (shortest duration + one step) so that a node can only precede nodes
    // with a strictly later latest start (the sweep below relies on it).
    const double step = inst.step_s;
    const double cell = step * std::max(1.0, std::floor(std::min(5.0, min_d) / step));
    std::vector<SatGraph> g(inst.sats.size());
    for (const auto &o : inst.opps) {
        const double d = inst.tasks[o.task].duration_s;
        const double gap = inst.sats[o.sat].pointable ? inst.sats[o.sat].agility.settle_s : 0.0;
        const double s0 = o.k_min * step, s1 = o.k_max * step;
        for (double c = std::floor(s0 / cell) * cell; c <= s1; c += cell) {
            const double es = std::max(s0, c);
            const double ls = std::min(s1, c + cell - step);
            if (ls < es - 1e-9) {
                continue;
            }
            g[o.sat].nodes.push_back(Node{o.task, ls, es + d + gap});
        }
    }
    for (auto &sg : g) {
        std::sort(sg.nodes.begin(), sg.nodes.end(), [](const Node &a, const Node &b) {
            return std::tie(a.ls, a.task) < std::tie(b.ls, b.task);
        });
        sg.by_key.resize(sg.nodes.size());
        std::iota(sg.by_key.begin(), sg.by_key.end(), std::size_t{0});
        std::sort(sg.by_key.begin(), sg.by_key.end(), [&](std::size_t a, std::size_t b) {
            return std::tie(sg.nodes[a].key, a) < std::tie(sg.nodes[b].key, b);
        });
    }
    return g;
}

/// Longest path over one satellite's nodes with node weights w[task]; adds 1 to count[task] for each node on it.
double longest_path(const SatGraph &g, const std::vector<double> &w, std::vector<int> &count, std::vector<double> &dp,
                    std::vector<std::size_t> &pred)
{
    const std::size_t n = g.nodes.size();
    dp.assign(n, -1.0);
    pred.assign(n, npos);
    double m = 0.0;
    std::size_t m_node = npos;
    std::size_t ins = 0;
    double best = 0.0;
    std::size_t best_node = npos;
    for (std::size_t i = 0; i < n; ++i) {
        const Node &b = g.nodes[i];
        while (ins < n && g.nodes[g.by_key[ins]].key <= b.ls + 1e-9) {
            const std::size_t a = g.by_key[ins];
            if (dp[a] > m) {
                m = dp[a];
                m_node = a;
            }
            ++ins;
        }
        const double wb = w[b.task];
        if (wb <= 0.0) {
            continue;
        }
        dp[i] = wb + m;
        pred[i] = m > 0.0 ? m_node : npos;
        if (dp[i] > best) {
            best = dp[i];
            best_node = i;
        }
    }
    for (std::size_t k = best_node; k != npos; k = pred[k]) {
        ++count[g.nodes[k].task];
    }
    return best;
}

} // namespace

Bounds compute_bounds(const Instance &inst, double incumbent)
{
    const auto t0 = std::chrono::steady_clock::now();
    Bounds b;
    for (const auto &j : inst.jobs) {
        if (j.feasible) {
            b.trivial += j.value;
        }
    }
    b.real = b.trivial;
    b.method = "trivial";
    if (incumbent >= b.trivial - 1e-9) {
        b.optimal = true; // every occurrence with an opportunity is served
        b.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        return b;
    }
    if (inst.options.exact_bound) {
        // Small instances: the exact optimum of the discretised relaxation (no storage, downlink, cap or share rule)
        // by the subset DP - a tight upper bound.
        if (auto dp = solve_exact_subsets(inst, 14)) {
            b.real = std::min(b.real, *dp);
            b.method = "exact_dp";
            b.optimal = true;
            b.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            return b;
        }
    }
    // Lagrangian relaxation.
    const std::size_t nt = inst.tasks.size();
    std::vector<double> value(nt, 0.0);
    for (std::size_t t = 0; t < nt; ++t) {
        const Job &j = inst.jobs[inst.tasks[t].job];
        if (j.feasible) {
            value[t] = j.value / static_cast<double>(j.tasks.size());
        }
    }
    const auto graphs = build_graphs(inst);
    std::vector<double> lambda(nt);
    for (std::size_t t = 0; t < nt; ++t) {
        lambda[t] = value[t]; // L(λ = w) is the trivial bound: start there and go down
    }
    std::vector<double> w(nt), dp;
    std::vector<std::size_t> pred;
    std::vector<int> count(nt);
    double mu = 1.0;
    double best = std::numeric_limits<double>::infinity();
    int since_improve = 0;
    const int max_iter = 150;
    for (int it = 0; it < max_iter; ++it) {
        throw_if_cancelled(inst.options);
        double L = 0.0;
        for (std::size_t t = 0; t < nt; ++t) {
            w[t] = value[t] - lambda[t];
            L += lambda[t];
        }
        std::fill(count.begin(), count.end(), 0);
        for (const auto &g : graphs) {
            L += longest_path(g, w, count, dp, pred);
        }
        if (L < best - 1e-9) {
            best = L;
            since_improve = 0;
        } else if (++since_improve >= 5) {
            mu *= 0.5;
            since_improve = 0;
        }
        double norm2 = 0.0;
        for (std::size_t t = 0; t < nt; ++t) {
            const double g = static_cast<double>(count[t]) - 1.0;
            // the subgradient component of a task with λ = 0 that is unused cannot lower λ further
            if (!(lambda[t] <= 0.0 && g < 0.0)) {
                norm2 += g * g;
            }
        }
        if (norm2 <= 0.0 || best - incumbent < 1e-6 * std::max(1.0, incumbent) || mu < 1e-4) {
            break;
        }
        const double stepsize = mu * std::max(L - incumbent, 1e-3 * std::max(1.0, L)) / norm2;
        for (std::size_t t = 0; t < nt; ++t) {
            lambda[t] = std::max(0.0, lambda[t] + stepsize * (static_cast<double>(count[t]) - 1.0));
        }
    }
    if (best < b.real - 1e-9 * std::max(1.0, b.real)) { // a real improvement, not rounding of the trivial bound
        b.real = best;
        b.method = "lagrangian";
        b.optimal = false;
    }
    b.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return b;
}

} // namespace vantage::scheduling::detail
