// Upper bounds on the optimal plan value: the trivial one, a slew-aware column-generation bound, and (small
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
// - "each task at most once" across passes is priced by column generation (column_bound.cpp): the bound is the
//   Lagrangian value L(π) = Σ_t π_t + Σ_passes max(0, best relaxed sequence under v - π), valid for every π ≥ 0,
//   with π the duals of the restricted master LP. docs/architecture/scheduling.md § Bounds.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include <tbb/parallel_for.h>

#include "vantage/core/constants.hpp"
#include "vantage/scheduling/agility.hpp"
#include "vantage/scheduling/detail/tasking_instance.hpp"
#include "bound_graph.hpp"

namespace vantage::scheduling::detail {

namespace {

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
            Node n{o.task, oi, opportunity_bound_value(inst, oi), k1 * step, k0 * step + d + gap, Vec3::Zero(), Vec3::Zero(), 0.0, 0.0};
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

} // namespace

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

double opportunity_bound_value(const Instance &inst, std::size_t opp)
{
    const Opportunity &o = inst.opps[opp];
    const Job &j = inst.jobs[inst.tasks[o.task].job];
    if (!j.feasible) {
        return 0.0;
    }
    return j.value * (inst.clouds_used ? o.p_usable : 1.0) / static_cast<double>(j.tasks.size());
}

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
    // Column generation on the slew-aware sequencing graph (column_bound.cpp).
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    const auto graphs = build_graphs(inst);
    throw_if_cancelled(inst.options);
    const auto deadline = t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(inst.options.bound_time_limit_s));
    const ColumnBound cg = column_generation_bound(inst, graphs, incumbent, deadline);
    b.iterations = cg.iterations;
    b.time_limit_hit = cg.time_limit_hit;
    if (cg.bound < b.real - 1e-9 * std::max(1.0, b.real)) { // a real improvement, not rounding of the trivial bound
        b.real = cg.bound;
        b.method = "column_generation";
        b.optimal = false;
    }
    b.seconds = elapsed();
    return b;
}

} // namespace vantage::scheduling::detail
