// Upper bounds on the optimal plan value: the trivial one, a slew-aware Lagrangian relaxation, and (small
// instances) the exact subset DP.
//
// The relaxation (everything dropped or weakened only loosens, so its optimum bounds the real one):
// - storage, downlinks, the per-orbit cap and the share rule are dropped;
// - a polygon worth v with n strips is worth v/n per acquired strip (v [all strips] <= (v/n) sum_j [strip j]);
// - start times are relaxed to cells of a few grid steps: a node (opportunity, cell) may start anywhere in its
//   cell, so an arc a -> b needs earliest end of a + transition <= latest start of b;
// - the transition between two consecutive acquisitions of a pointable satellite is settle_s + the slew time of
//   a LOWER BOUND of the slew size over the two cells: with the look vectors of each node at the middle of its
//   cell (e_a at a's end, s_b at b's start) and the largest size any start step of the cell moves them (dev,
//   computed at every grid step of the cell), every real pair of looks is at least
//   size(e_a, s_b) - dev_e(a) - dev_s(b) apart (the triangle inequality: both slew measures, the LVLH angle and
//   |Δroll| + |Δpitch|, are metrics); the slew time is non-decreasing in the size, so the arc relaxes the real
//   transition (never a time-discretised exact value, which would restrict);
// - "each task at most once" is moved into the objective with multipliers λ >= 0 (Lagrange), which leaves one
//   longest-path problem per satellite over its nodes ordered in time.
// L(λ) = sum_t λ_t + sum_s max_path_s(w - λ) >= optimum for every λ >= 0, so the best L over the iterations is a
// bound whatever the step rule; λ by subgradient steps (Polyak, with the heuristic's value as the target; Held,
// Wolfe & Crowder 1974). docs/architecture/scheduling.md § Upper bounds.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include <tbb/parallel_for.h>

#include "vantage/core/constants.hpp"
#include "vantage/scheduling/agility.hpp"
#include "vantage/scheduling/detail/tasking_instance.hpp"

namespace vantage::scheduling::detail {

namespace {

struct Node {
    std::size_t task;
    double ls;      // latest start in the cell (s)
    double key;     // earliest end + settle (s): the node may precede nodes whose ls >= key (+ the slew)
    Vec3 e;         // look at the end, for a start in the middle of the cell (LVLH)
    Vec3 s;         // look at the start, same
    double dev_e;   // largest angle between e and the end look of any start step of the cell (deg)
    double dev_s;   // same for the start look
};

struct SatGraph {
    std::vector<Node> nodes;         // by ls
    std::vector<std::size_t> by_key; // node indices by key
    bool slews = false;              // pointable: arcs closer than `reach` need the slew check
    Agility agility;
    double reach = 0.0;              // slew time of the largest possible slew (s)
};

SatGraph build_graph(const Instance &inst, std::size_t sat, double cell_steps)
{
    SatGraph g;
    const SatInfo &si = inst.sats[sat];
    g.slews = si.pointable;
    g.agility = si.agility;
    const double step = inst.step_s;
    const int cs = static_cast<int>(cell_steps);
    const double gap = si.pointable ? si.agility.settle_s : 0.0;
    double max_nadir = 0.0; // largest slew size of any look from the LVLH nadir axis (deg)
    const Vec3 nadir(0.0, 0.0, 1.0);
    std::vector<Vec3> ss, ee;
    for (std::size_t oi : inst.sat_opps[sat]) {
        const Opportunity &o = inst.opps[oi];
        const double d = inst.tasks[o.task].duration_s;
        for (int c0 = (o.k_min / cs) * cs; c0 <= o.k_max; c0 += cs) {
            const int k0 = std::max(o.k_min, c0), k1 = std::min(o.k_max, c0 + cs - 1);
            if (k1 < k0) {
                continue;
            }
            Node n{o.task, k1 * step, k0 * step + d + gap, Vec3::Zero(), Vec3::Zero(), 0.0, 0.0};
            if (g.slews) {
                ss.resize(static_cast<std::size_t>(k1 - k0 + 1));
                ee.resize(ss.size());
                for (int k = k0; k <= k1; ++k) {
                    inst.looks(o, k, ss[static_cast<std::size_t>(k - k0)], ee[static_cast<std::size_t>(k - k0)]);
                }
                const std::size_t mid = ss.size() / 2;
                n.s = ss[mid];
                n.e = ee[mid];
                for (std::size_t i = 0; i < ss.size(); ++i) {
                    n.dev_s = std::max(n.dev_s, slew_measure_deg(ss[i], n.s, g.agility));
                    n.dev_e = std::max(n.dev_e, slew_measure_deg(ee[i], n.e, g.agility));
                    max_nadir = std::max({max_nadir, slew_measure_deg(ss[i], nadir, g.agility),
                                          slew_measure_deg(ee[i], nadir, g.agility)});
                }
            }
            g.nodes.push_back(n);
        }
    }
    if (g.slews) {
        g.reach = slew_time_s(std::min(max_slew_measure_deg(g.agility), 2.0 * max_nadir), g.agility);
    }
    std::sort(g.nodes.begin(), g.nodes.end(), [](const Node &a, const Node &b) {
        return std::tie(a.ls, a.task) < std::tie(b.ls, b.task);
    });
    g.by_key.resize(g.nodes.size());
    std::iota(g.by_key.begin(), g.by_key.end(), std::size_t{0});
    std::sort(g.by_key.begin(), g.by_key.end(), [&](std::size_t a, std::size_t b) {
        return std::tie(g.nodes[a].key, a) < std::tie(g.nodes[b].key, b);
    });
    return g;
}

std::vector<SatGraph> build_graphs(const Instance &inst)
{
    double min_d = 1e300;
    for (const auto &t : inst.tasks) {
        min_d = std::min(min_d, t.duration_s);
    }
    // Cell length: one grid step - nodes are then the start times the planner can use, exactly, and the arcs the
    // exact transitions between them - while the instance has at most `exact_cell_nodes` of them. Beyond, cells of
    // at most 5 s (fewer nodes, looser arcs: each transition gains up to a cell of time and the looks' movement
    // within the two cells), below (shortest duration + one step) so that a node can only precede nodes with a
    // strictly later latest start (the sweep below relies on it). Measured on 8 one-pass instances of 12-15
    // requests: 5-s cells left the bound at the trivial one on 6 of them (97 for an optimum of 84), one-step cells
    // on 2 (89 for that optimum).
    constexpr double exact_cell_nodes = 1.5e6;
    double grid_nodes = 0.0;
    for (const auto &o : inst.opps) {
        grid_nodes += static_cast<double>(o.k_max - o.k_min + 1);
    }
    const double step = inst.step_s;
    const double cell_steps = grid_nodes <= exact_cell_nodes ? 1.0 : std::max(1.0, std::floor(std::min(5.0, min_d) / step));
    std::vector<SatGraph> g(inst.sats.size());
    // One satellite per thread: each has its own ephemeris (whose frame cache is not shared).
    tbb::parallel_for(std::size_t{0}, g.size(), [&](std::size_t s) { g[s] = build_graph(inst, s, cell_steps); });
    return g;
}

/// Can node a precede node b? Time (settle included in key) and, within a slew's reach, the slew lower bound.
bool arc_ok(const SatGraph &g, const Node &a, const Node &b)
{
    const double slack = b.ls - a.key; // time left for the rest-to-rest slew (s)
    if (slack < -1e-9) {
        return false;
    }
    if (!g.slews || slack >= g.reach) {
        return true;
    }
    const double reachable = reachable_measure_deg(slack, g.agility);
    if (reachable < 0.0) {
        return false; // not even a slew of size 0 fits (a slew table whose first time exceeds the slack)
    }
    const double allowed = reachable + a.dev_e + b.dev_s + 1e-9;
    return allowed >= max_slew_measure_deg(g.agility) || slew_measure_deg(a.e, b.s, g.agility) <= allowed;
}

/// Scratch space of one satellite's longest path (reused across iterations).
struct PathWork {
    std::vector<std::size_t> act, act_key; // nodes with positive weight, by ls and by key
    std::vector<std::size_t> pos;          // node -> position in act_key
    std::vector<double> dp;                // per node: best path value ending there (-1: none)
    std::vector<std::size_t> pred;
    std::vector<double> tree;              // max-segment tree over act_key positions (dp)
    std::vector<std::pair<double, std::size_t>> heap;
    std::vector<int> on_path;              // tasks on the longest path
    double best = 0.0;
};

/// Candidates a node's best-first predecessor search examines before it takes the best remaining value as if its
/// arc were there. Taking a value >= that of every valid predecessor only raises the path (a further relaxation:
/// the bound stays valid); it bounds the work per node, which in dense passes otherwise grows with every target in
/// reach (measured on the benchmark day: 14-19 s per iteration exact, 0.4 s with 16).
constexpr int max_predecessor_candidates = 16;

/// Longest path over one satellite's nodes with node weights w[task] (only nodes of positive weight can be on it).
/// Predecessors further back than the largest slew's reach are summed up in a running maximum; within reach, the
/// candidates are taken in decreasing path value (best-first over a max-segment tree) until one passes arc_ok, or
/// after max_predecessor_candidates the best remaining value is taken: an upper bound of the longest path of the
/// relaxed graph (its exact value when no search hits the cap).
/// Returns false when `deadline` passed before the path was complete (the result is then not used).
bool longest_path(const SatGraph &g, const std::vector<double> &w, PathWork &pw,
                  std::chrono::steady_clock::time_point deadline, const std::atomic<bool> *cancel)
{
    const std::size_t n = g.nodes.size();
    pw.act.clear();
    for (std::size_t i = 0; i < n; ++i) {
        if (w[g.nodes[i].task] > 0.0) {
            pw.act.push_back(i);
        }
    }
    pw.act_key.clear();
    for (std::size_t i : g.by_key) {
        if (w[g.nodes[i].task] > 0.0) {
            pw.act_key.push_back(i);
        }
    }
    const std::size_t na = pw.act.size();
    pw.dp.assign(n, -1.0);
    pw.pred.assign(n, npos);
    pw.pos.resize(n);
    for (std::size_t q = 0; q < na; ++q) {
        pw.pos[pw.act_key[q]] = q;
    }
    std::size_t size = 1;
    while (size < std::max<std::size_t>(na, 1)) {
        size <<= 1;
    }
    pw.tree.assign(2 * size, -1.0);
    auto set = [&](std::size_t q, double v) {
        std::size_t x = q + size;
        pw.tree[x] = v;
        for (x >>= 1; x >= 1; x >>= 1) {
            pw.tree[x] = std::max(pw.tree[2 * x], pw.tree[2 * x + 1]);
        }
    };
    // Best path values among nodes beyond reach: the best, and the best of another task (a real sequence never
    // images one task twice in a row, so the arc from a node of the same task is left out - which only tightens).
    double m = 0.0, m2 = 0.0;
    std::size_t m_node = npos, m2_node = npos;
    std::size_t far = 0, ins = 0; // act_key[far, ins): predecessors within reach
    pw.best = 0.0;
    std::size_t best_node = npos;
    auto cmp = [](const std::pair<double, std::size_t> &x, const std::pair<double, std::size_t> &y) { return x.first < y.first; };
    std::size_t done = 0;
    for (std::size_t i : pw.act) {
        if ((++done & 1023) == 0
            && (std::chrono::steady_clock::now() > deadline || (cancel != nullptr && cancel->load(std::memory_order_relaxed)))) {
            return false;
        }
        const Node &b = g.nodes[i];
        while (ins < na && g.nodes[pw.act_key[ins]].key <= b.ls + 1e-9) {
            ++ins;
        }
        while (far < ins && g.nodes[pw.act_key[far]].key + g.reach <= b.ls) {
            const std::size_t a = pw.act_key[far];
            const double v = pw.dp[a];
            if (v > m) {
                if (m_node == npos || g.nodes[m_node].task != g.nodes[a].task) {
                    m2 = m;
                    m2_node = m_node;
                }
                m = v;
                m_node = a;
            } else if (v > m2 && g.nodes[a].task != g.nodes[m_node].task) {
                m2 = v;
                m2_node = a;
            }
            ++far;
        }
        const bool same = m_node != npos && g.nodes[m_node].task == b.task;
        double p = same ? m2 : m;
        std::size_t p_node = same ? m2_node : m_node;
        if (far < ins) {
            // best-first over the canonical tree nodes of [far, ins)
            pw.heap.clear();
            for (std::size_t lo = far + size, hi = ins + size; lo < hi; lo >>= 1, hi >>= 1) {
                if (lo & 1) {
                    if (pw.tree[lo] > p) {
                        pw.heap.emplace_back(pw.tree[lo], lo);
                    }
                    ++lo;
                }
                if (hi & 1) {
                    --hi;
                    if (pw.tree[hi] > p) {
                        pw.heap.emplace_back(pw.tree[hi], hi);
                    }
                }
            }
            std::make_heap(pw.heap.begin(), pw.heap.end(), cmp);
            int examined = 0;
            while (!pw.heap.empty()) {
                if (examined == max_predecessor_candidates) {
                    // the best remaining value bounds every predecessor not yet examined: take it (its node, for the
                    // subgradient, is the leaf that holds that value)
                    std::size_t x = pw.heap.front().second;
                    if (pw.heap.front().first > p) {
                        p = pw.heap.front().first;
                        while (x < size) {
                            x = pw.tree[2 * x] >= pw.tree[2 * x + 1] ? 2 * x : 2 * x + 1;
                        }
                        p_node = pw.act_key[x - size];
                    }
                    break;
                }
                std::pop_heap(pw.heap.begin(), pw.heap.end(), cmp);
                const auto [v, x] = pw.heap.back();
                pw.heap.pop_back();
                if (v <= p) {
                    break;
                }
                if (x >= size) {
                    ++examined;
                    const std::size_t a = pw.act_key[x - size];
                    if (g.nodes[a].task != b.task && arc_ok(g, g.nodes[a], b)) {
                        p = v;
                        p_node = a;
                        break; // the largest remaining value that is a valid predecessor
                    }
                    continue;
                }
                for (std::size_t c : {2 * x, 2 * x + 1}) {
                    if (pw.tree[c] > p) {
                        pw.heap.emplace_back(pw.tree[c], c);
                        std::push_heap(pw.heap.begin(), pw.heap.end(), cmp);
                    }
                }
            }
        }
        const double v = w[b.task] + p;
        pw.dp[i] = v;
        pw.pred[i] = p > 0.0 ? p_node : npos;
        set(pw.pos[i], v);
        if (v > pw.best) {
            pw.best = v;
            best_node = i;
        }
    }
    pw.on_path.clear();
    for (std::size_t k = best_node; k != npos; k = pw.pred[k]) {
        pw.on_path.push_back(static_cast<int>(g.nodes[k].task));
    }
    return true;
}

} // namespace

double task_bound_value(const Instance &inst, std::size_t task)
{
    const Job &j = inst.jobs[inst.tasks[task].job];
    if (!inst.clouds_used) {
        return inst.task_opps[task].empty() ? 0.0 : j.value / static_cast<double>(j.tasks.size());
    }
    double p = 0.0;
    for (std::size_t o : inst.task_opps[task]) {
        p = std::max(p, inst.opps[o].p_usable);
    }
    return j.value * p / static_cast<double>(j.tasks.size());
}

double job_bound_value(const Instance &inst, std::size_t job)
{
    const Job &j = inst.jobs[job];
    if (!j.feasible) {
        return 0.0;
    }
    if (!inst.clouds_used) {
        return j.value;
    }
    double v = 0.0;
    for (std::size_t t : j.tasks) {
        v += task_bound_value(inst, t);
    }
    return v;
}

Bounds compute_bounds(const Instance &inst, double incumbent)
{
    const auto t0 = std::chrono::steady_clock::now();
    Bounds b;
    for (std::size_t j = 0; j < inst.jobs.size(); ++j) {
        b.trivial += job_bound_value(inst, j);
    }
    b.real = b.trivial;
    b.method = "trivial";
    if (incumbent >= b.trivial - 1e-9) {
        b.optimal = true; // every occurrence with an opportunity is served
        b.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        return b;
    }
    if (inst.options.exact_bound && !inst.clouds_used) { // the subset DP counts whole job values
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
        if (inst.jobs[inst.tasks[t].job].feasible) {
            value[t] = task_bound_value(inst, t);
        }
    }
    const auto graphs = build_graphs(inst);
    throw_if_cancelled(inst.options);
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    std::vector<double> lambda(nt);
    for (std::size_t t = 0; t < nt; ++t) {
        lambda[t] = value[t]; // L(λ = w) is the trivial bound: start there and go down
    }
    std::vector<double> w(nt);
    std::vector<int> count(nt);
    std::vector<PathWork> work(graphs.size());
    double mu = 1.0;
    double best = std::numeric_limits<double>::infinity();
    // Step control (Held, Wolfe & Crowder): μ halves after `patience` iterations without a new best L. The first L
    // (λ = w) is the trivial bound and the first steps overshoot above it, so that L does not count: counting it
    // halved μ to nothing before L ever came back down (measured on the demo: 71 iterations, no bound).
    double best_moving = std::numeric_limits<double>::infinity();
    constexpr int patience = 10;
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
        const auto deadline = t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                        std::chrono::duration<double>(inst.options.bound_time_limit_s));
        std::vector<char> complete(graphs.size(), 1);
        tbb::parallel_for(std::size_t{0}, graphs.size(),
                          [&](std::size_t s) {
                              complete[s] = longest_path(graphs[s], w, work[s], deadline, inst.options.cancel) ? 1 : 0;
                          });
        throw_if_cancelled(inst.options);
        if (std::find(complete.begin(), complete.end(), 0) != complete.end()) {
            b.time_limit_hit = true; // this iteration's L is incomplete: keep the best complete one
            break;
        }
        for (const auto &pw : work) {
            L += pw.best;
            for (int t : pw.on_path) {
                ++count[static_cast<std::size_t>(t)];
            }
        }
        b.iterations = it + 1;
        best = std::min(best, L);
        if (it > 0 && L < best_moving - 1e-9) {
            best_moving = L;
            since_improve = 0;
        } else if (it > 0 && ++since_improve >= patience) {
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
        if (elapsed() > inst.options.bound_time_limit_s) {
            b.time_limit_hit = true;
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
