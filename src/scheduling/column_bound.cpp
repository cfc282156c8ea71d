// The column-generation bound of the tasking plan (issue 13 item 1): an LP over per-pass acquisition sequences whose
// pricing is an ng-route longest path on the relaxed sequencing graph (bound_graph.hpp), and the Lagrangian bound of
// every round's duals as the reported value.
//
// Blocks. A satellite's nodes (in order of latest start) split into blocks wherever every node before the split can
// precede every node after it without a slew test (earliest end + settle + the largest slew's time <= latest start):
// the passes over the targets. A longest path over the satellite is then the sum of its blocks' longest paths. A
// block longer than max_block_s is cut as well (a relaxation: the transition across the cut is not tested).
//
// Master LP (milp::ColumnLp): a column is a sequence of one block; rows "each task at most once" (duals π ≥ 0) and
// "each block at most one sequence" (σ ≥ 0). Duals steer the pricing; the master's own value is never reported.
//
// Bound. For every π ≥ 0, L(π) = Σ_t π_t + Σ_B max(0, P_B(π)) ≥ the optimum of the real problem whenever P_B(π) is at
// least the best value, under weights v - π, of any real sequence of block B (Lagrangian relaxation of "each task at
// most once" across blocks). The best L over the rounds is the bound, valid at every round whatever the LP does.
//
// Pricing P_B(π): labels on the relaxed graph, so it only ever over-estimates:
// - the arcs relax the real transitions (bound_graph.hpp);
// - ng-routes (Baldacci, Mingozzi & Roberti 2011): a label remembers the tasks of its path that lie in the
//   neighbourhood N(j) of the task j it ends at (the tasks whose start times overlap j's most), and may not extend to
//   a remembered task; a real sequence never repeats a task, so it is always an ng-route;
// - a node keeps at most labels_per_node labels: the best ones not dominated (value >= and memory ⊆ of a kept one);
//   the rest merge into one label with their largest value and the intersection of their memories, and the
//   predecessors the search did not examine enter as a label of their best value with an empty memory. A merged
//   label has a value >= and a memory ⊆ each label it replaces, so every path it stands for is still counted.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <unordered_set>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include "vantage/milp/milp.hpp"
#include "bound_graph.hpp"

namespace vantage::scheduling::detail {

namespace {

/// Tasks a label remembers, its own included: the ng-neighbourhood size + 1. A real revisit of a task within its
/// window passes only tasks whose windows overlap it, so remembering the most overlapping ones removes most of the
/// relaxation's revisits; a larger memory costs more labels per node.
constexpr int ng_size = 12;
/// Labels kept per node (the last one the merge of the rest).
constexpr int labels_per_node = 4;
/// Best labels of predecessors beyond a slew's reach kept for the nodes after them (the rest merge into one).
constexpr int far_pool_size = 32;
/// Nodes of one predecessor opportunity tested (latest first) for an arc to the current node; past them the next one
/// stands in untested (a relaxation: its labels cover every earlier node's).
constexpr int max_arc_tries = 32;
/// A block longer than this (latest starts, s) is cut at its next node. A cut is a further relaxation - the last
/// acquisition before it and the first after it are taken as compatible without their transition (a real sequence
/// still splits into one sequence per block) - that bounds the work of one pricing problem and lets the blocks of one
/// satellite be priced in parallel (a dense pass is otherwise one block of hours on one core).
constexpr double max_block_s = 300.0;
/// Sequences a block contributes to the master per round (best labels at distinct end nodes).
constexpr int columns_per_block = 3;

struct Mem {
    std::uint8_t n = 0;
    std::array<std::uint16_t, ng_size> t{}; // block-local task ids, sorted
    bool contains(std::uint16_t x) const noexcept { return std::binary_search(t.begin(), t.begin() + n, x); }
    /// this ⊆ o
    bool subset_of(const Mem &o) const noexcept { return std::includes(o.t.begin(), o.t.begin() + o.n, t.begin(), t.begin() + n); }
    void intersect(const Mem &o) noexcept
    {
        auto end = std::set_intersection(t.begin(), t.begin() + n, o.t.begin(), o.t.begin() + o.n, t.begin());
        n = static_cast<std::uint8_t>(end - t.begin());
    }
};

struct Label {
    double v;         // path value (weights v - π) ending at this node, the node's own weight included
    std::int32_t pred;  // label id of the predecessor (-1: the path starts here, or a merged remainder)
    std::int32_t node;  // block-local node position
    Mem mem;
};

struct Block {
    std::size_t sat = 0;
    std::size_t begin = 0, end = 0;           // node range of the satellite's graph (by latest start)
    std::vector<std::uint16_t> local;         // per node of the range: block-local task id
    std::vector<std::size_t> tasks;           // block-local -> instance task
    std::vector<std::vector<std::uint16_t>> ng; // block-local task -> its neighbours (sorted, itself excluded)
    std::vector<std::uint32_t> opp_of;        // per node position: block-local opportunity
    std::vector<std::vector<std::uint32_t>> opp_nodes; // block-local opportunity -> its node positions (by latest start)
    std::vector<std::uint32_t> opp_by_first;  // opportunities by the key of their first node
    std::vector<double> opp_rate;             // per opportunity: the largest slew measure between the end looks of
                                              // two consecutive nodes per second of latest start (deg/s)
    std::vector<double> opp_dev;              // per opportunity: the largest dev_e of its nodes (deg)
};

std::vector<Block> split_blocks(const std::vector<SatGraph> &graphs)
{
    std::vector<Block> blocks;
    for (std::size_t s = 0; s < graphs.size(); ++s) {
        const auto &g = graphs[s];
        double frontier = -std::numeric_limits<double>::infinity(); // max(key + reach) of the nodes so far
        for (std::size_t i = 0; i < g.nodes.size(); ++i) {
            const Node &n = g.nodes[i];
            if (n.value <= 0.0) {
                continue; // never on a path (weights v - π <= v)
            }
            if (blocks.empty() || blocks.back().sat != s || n.ls >= frontier
                || n.ls - g.nodes[blocks.back().begin].ls > max_block_s) {
                Block b;
                b.sat = s;
                b.begin = i;
                blocks.push_back(std::move(b));
            }
            blocks.back().end = i + 1;
            frontier = std::max(frontier, n.key + g.reach);
        }
    }
    return blocks;
}

/// Block-local task ids and ng-neighbourhoods: the tasks whose node spans (latest starts of their nodes) overlap
/// the most, up to ng_size - 1 of them.
void index_block(const SatGraph &g, Block &b)
{
    std::vector<std::pair<std::size_t, std::uint16_t>> seen; // instance task -> local id
    std::vector<std::pair<double, double>> span;
    b.local.resize(b.end - b.begin);
    for (std::size_t i = b.begin; i < b.end; ++i) {
        const Node &n = g.nodes[i];
        auto it = std::find_if(seen.begin(), seen.end(), [&](const auto &p) { return p.first == n.task; });
        std::uint16_t id;
        if (it == seen.end()) {
            id = static_cast<std::uint16_t>(b.tasks.size());
            seen.emplace_back(n.task, id);
            b.tasks.push_back(n.task);
            span.emplace_back(n.ls, n.ls);
        } else {
            id = it->second;
        }
        b.local[i - b.begin] = id;
        span[id].first = std::min(span[id].first, n.ls);
        span[id].second = std::max(span[id].second, n.ls);
    }
    const std::size_t nt = b.tasks.size();
    b.ng.assign(nt, {});
    std::vector<std::pair<double, std::uint16_t>> cand;
    for (std::size_t a = 0; a < nt; ++a) {
        cand.clear();
        for (std::size_t c = 0; c < nt; ++c) {
            if (c == a) {
                continue;
            }
            const double overlap = std::min(span[a].second, span[c].second) - std::max(span[a].first, span[c].first);
            if (overlap >= 0.0) {
                cand.emplace_back(-overlap, static_cast<std::uint16_t>(c));
            }
        }
        const std::size_t keep = std::min<std::size_t>(cand.size(), ng_size - 1);
        std::partial_sort(cand.begin(), cand.begin() + static_cast<std::ptrdiff_t>(keep), cand.end());
        for (std::size_t k = 0; k < keep; ++k) {
            b.ng[a].push_back(cand[k].second);
        }
        std::sort(b.ng[a].begin(), b.ng[a].end());
    }
    // opportunities: a node's key (earliest end + settle) grows with its latest start within one opportunity
    std::vector<std::pair<std::size_t, std::uint32_t>> opps; // instance opportunity -> local id
    b.opp_of.resize(b.end - b.begin);
    for (std::size_t i = b.begin; i < b.end; ++i) {
        const std::size_t o = g.nodes[i].opp;
        auto it = std::find_if(opps.rbegin(), opps.rend(), [&](const auto &p) { return p.first == o; });
        std::uint32_t id;
        if (it == opps.rend()) {
            id = static_cast<std::uint32_t>(b.opp_nodes.size());
            opps.emplace_back(o, id);
            b.opp_nodes.emplace_back();
        } else {
            id = it->second;
        }
        b.opp_of[i - b.begin] = id;
        b.opp_nodes[id].push_back(static_cast<std::uint32_t>(i - b.begin));
    }
    b.opp_rate.assign(b.opp_nodes.size(), 0.0);
    b.opp_dev.assign(b.opp_nodes.size(), 0.0);
    for (std::size_t o = 0; o < b.opp_nodes.size(); ++o) {
        const auto &on = b.opp_nodes[o];
        for (std::size_t q = 0; q < on.size(); ++q) {
            const Node &x = g.nodes[b.begin + on[q]];
            b.opp_dev[o] = std::max(b.opp_dev[o], x.dev_e);
            if (q > 0 && g.slews) {
                const Node &w = g.nodes[b.begin + on[q - 1]];
                const double dt = x.ls - w.ls;
                const double m = slew_measure_deg(w.e, x.e, g.agility);
                b.opp_rate[o] = std::max(b.opp_rate[o], dt > 0.0 ? m / dt : (m > 0.0 ? 1e9 : 0.0));
            }
        }
    }
    b.opp_by_first.resize(b.opp_nodes.size());
    std::iota(b.opp_by_first.begin(), b.opp_by_first.end(), 0U);
    auto first_key = [&](std::uint32_t o) { return g.nodes[b.begin + b.opp_nodes[o].front()].key; };
    std::sort(b.opp_by_first.begin(), b.opp_by_first.end(),
              [&](std::uint32_t x, std::uint32_t y) {
                  const double kx = first_key(x), ky = first_key(y);
                  return kx < ky || (kx == ky && x < y);
              });
    // more than 65,535 tasks in one block would overflow the local ids; a day's pass never has that many
    if (nt > 65535) {
        throw Error(ErrorCode::internal, "column bound: a block with more than 65,535 tasks");
    }
}

struct Cand {
    double v;           // the label's value (the new node's weight included)
    std::int32_t pred;
    std::int32_t node;  // the node the label ends at (an earlier node of the same opportunity for a carried label)
    const Mem *mem;     // the predecessor's memory (extended when the candidate is taken), or the carried label's own
    bool carried;
};

struct PriceWork {
    std::vector<double> ow;          // per block-local opportunity: its weight v - π
    std::vector<std::int32_t> first; // node position -> first label id
    std::vector<std::uint8_t> count;
    std::vector<std::int32_t> last;  // per opportunity: its node processed last (-1: none yet)
    std::vector<std::int32_t> ptr;   // per opportunity: its latest node that ends before the current one (-1: none)
    std::vector<std::uint32_t> active; // opportunities within a slew's reach of the current node
    std::vector<Label> labels;
    std::vector<Cand> cand;
    std::vector<Label> kept;         // a node's labels before the candidates that need an arc test
    std::vector<std::int32_t> pool; // far pool: label ids by value (descending)
};

struct BlockPrice {
    double best = 0.0;                               // P_B: an upper bound of the best sequence's reduced value
    std::vector<std::vector<std::size_t>> columns;   // node indices of the graph (in order), best first
};

/// The memory at a node of task j after a path with memory m: (m ∩ N(j)) ∪ {j}.
Mem extend(const Mem &m, const std::vector<std::uint16_t> &nj, std::uint16_t j)
{
    Mem out;
    std::size_t a = 0, c = 0;
    bool put = false;
    while (a < m.n && c < nj.size()) {
        if (m.t[a] < nj[c]) {
            ++a;
        } else if (nj[c] < m.t[a]) {
            ++c;
        } else {
            if (!put && j < m.t[a]) {
                out.t[out.n++] = j;
                put = true;
            }
            out.t[out.n++] = m.t[a];
            ++a;
            ++c;
        }
    }
    if (!put) {
        // j goes in its sorted place
        std::size_t k = out.n;
        while (k > 0 && out.t[k - 1] > j) {
            out.t[k] = out.t[k - 1];
            --k;
        }
        out.t[k] = j;
        ++out.n;
    }
    return out;
}

BlockPrice price_block(const SatGraph &g, const Block &b, const std::vector<double> &pi, PriceWork &pw)
{
    BlockPrice out;
    const std::size_t n = b.end - b.begin;
    const std::size_t no = b.opp_nodes.size();
    auto node = [&](std::uint32_t p) -> const Node & { return g.nodes[b.begin + p]; };
    auto weight = [&](std::uint32_t o) { const Node &nd = node(b.opp_nodes[o].front()); return nd.value - pi[nd.task]; };
    pw.ow.resize(no);
    for (std::size_t o = 0; o < no; ++o) {
        pw.ow[o] = weight(static_cast<std::uint32_t>(o));
    }
    pw.first.assign(n, -1);
    pw.count.assign(n, 0);
    pw.labels.clear();
    pw.ptr.assign(no, -1);
    pw.last.assign(no, -1);
    pw.active.clear();
    pw.pool.clear();
    bool have_rest = false; // the far pool's evicted labels, merged
    Label far_rest{};
    auto pool_insert = [&](std::int32_t id) {
        const Label &l = pw.labels[static_cast<std::size_t>(id)];
        for (std::int32_t q : pw.pool) {
            const Label &o = pw.labels[static_cast<std::size_t>(q)];
            if (o.v >= l.v && o.mem.subset_of(l.mem)) {
                return; // covered
            }
        }
        auto it = std::upper_bound(pw.pool.begin(), pw.pool.end(), l.v,
                                   [&](double v, std::int32_t q) { return v > pw.labels[static_cast<std::size_t>(q)].v; });
        pw.pool.insert(it, id);
        if (pw.pool.size() > static_cast<std::size_t>(far_pool_size)) {
            const Label &ev = pw.labels[static_cast<std::size_t>(pw.pool.back())];
            if (!have_rest) {
                far_rest = ev;
                have_rest = true;
            } else {
                far_rest.v = std::max(far_rest.v, ev.v);
                far_rest.mem.intersect(ev.mem);
            }
            pw.pool.pop_back();
        }
    };
    std::size_t next_start = 0;
    std::int32_t best_id = -1;
    for (std::uint32_t pb = 0; pb < n; ++pb) {
        const std::uint32_t ob = b.opp_of[pb];
        const double wb = pw.ow[ob];
        if (wb <= 1e-12) {
            continue;
        }
        const Node &nb = node(pb);
        const std::uint16_t j = b.local[pb];
        const auto &nj = b.ng[j];
        // opportunities whose first node may precede this one join the active list
        while (next_start < no && node(b.opp_nodes[b.opp_by_first[next_start]].front()).key <= nb.ls + 1e-9) {
            const std::uint32_t o = b.opp_by_first[next_start++];
            if (pw.ow[o] > 1e-12) {
                pw.active.push_back(o);
            }
        }
        // advance each active opportunity to its latest node that ends in time; one wholly beyond a slew's reach
        // leaves for the far pool with the labels of its last node (which cover all of its nodes)
        for (std::size_t q = 0; q < pw.active.size();) {
            const std::uint32_t o = pw.active[q];
            const auto &on = b.opp_nodes[o];
            auto &ptr = pw.ptr[o];
            while (ptr + 1 < static_cast<std::int32_t>(on.size()) && node(on[static_cast<std::size_t>(ptr + 1)]).key <= nb.ls + 1e-9) {
                ++ptr;
            }
            if (ptr + 1 == static_cast<std::int32_t>(on.size()) && node(on.back()).key + g.reach <= nb.ls) {
                const std::uint32_t last = on.back();
                for (int k = 0; k < pw.count[last]; ++k) {
                    pool_insert(pw.first[last] + k);
                }
                pw.active[q] = pw.active.back();
                pw.active.pop_back();
                continue;
            }
            ++q;
        }
        // room for this node's labels now: candidates point at the memories of labels already stored
        if (pw.labels.capacity() < pw.labels.size() + labels_per_node) {
            pw.labels.reserve(2 * (pw.labels.size() + labels_per_node));
        }
        pw.cand.clear();
        static const Mem none;
        const auto self = static_cast<std::int32_t>(pb);
        pw.cand.push_back({wb, -1, self, &none, false});
        for (std::int32_t id : pw.pool) {
            const Label &l = pw.labels[static_cast<std::size_t>(id)];
            if (!l.mem.contains(j)) {
                pw.cand.push_back({wb + l.v, id, self, &l.mem, false});
            }
        }
        if (have_rest && !far_rest.mem.contains(j)) {
            pw.cand.push_back({wb + far_rest.v, -1, self, &far_rest.mem, false});
        }
        // the labels of the same opportunity's previous node: a node's labels cover those of the nodes before it
        if (const std::int32_t prev = pw.last[ob]; prev >= 0) {
            for (int k = 0; k < pw.count[static_cast<std::size_t>(prev)]; ++k) {
                const Label &l = pw.labels[static_cast<std::size_t>(pw.first[static_cast<std::size_t>(prev)] + k)];
                pw.cand.push_back({l.v, l.pred, l.node, &l.mem, true});
            }
        }
        pw.last[ob] = static_cast<std::int32_t>(pb);
        // the node's labels from pw.cand: the best non-dominated ones, the rest merged into the last (once the merged
        // memory is {j} alone, nothing further can change it: its value is the first merged one's)
        const std::size_t base = pw.labels.size();
        pw.first[pb] = static_cast<std::int32_t>(base);
        auto select = [&]() {
            std::sort(pw.cand.begin(), pw.cand.end(), [](const Cand &x, const Cand &y) { return x.v > y.v; });
            pw.labels.resize(base);
            int kept = 0;
            bool merging = false;
            Label rest{};
            for (const Cand &c : pw.cand) {
                const Mem m = c.carried ? *c.mem : extend(*c.mem, nj, j);
                bool dominated = false;
                for (int k = 0; k < kept && !dominated; ++k) {
                    dominated = pw.labels[base + static_cast<std::size_t>(k)].mem.subset_of(m); // its value is >= by the order
                }
                if (dominated) {
                    continue;
                }
                if (kept < labels_per_node - 1) {
                    pw.labels.push_back({c.v, c.pred, c.node, m});
                    ++kept;
                } else if (!merging) {
                    rest = {c.v, c.pred, c.node, m};
                    merging = true;
                } else {
                    rest.mem.intersect(m);
                }
                if (merging && rest.mem.n <= 1) {
                    break;
                }
            }
            if (merging) {
                bool dominated = false;
                for (int k = 0; k < kept && !dominated; ++k) {
                    dominated = pw.labels[base + static_cast<std::size_t>(k)].mem.subset_of(rest.mem);
                }
                if (!dominated) {
                    pw.labels.push_back(rest);
                    ++kept;
                }
            }
            return kept;
        };
        // first the candidates that need no arc test (start here, far pool, carried labels)
        int kept = select();
        // A candidate worth at most a kept label whose memory is {j} alone is dominated by it: a predecessor
        // opportunity whose best label (at its latest node in time, which covers its earlier nodes) cannot beat that
        // needs no arc test.
        double covered = -std::numeric_limits<double>::infinity();
        for (int k = 0; k < kept; ++k) {
            const Label &l = pw.labels[base + static_cast<std::size_t>(k)];
            if (l.mem.n <= 1) {
                covered = std::max(covered, l.v);
            }
        }
        pw.kept.assign(pw.labels.begin() + static_cast<std::ptrdiff_t>(base), pw.labels.end());
        pw.cand.clear();
        for (const Label &l : pw.kept) {
            pw.cand.push_back({l.v, l.pred, l.node, &l.mem, true});
        }
        const std::size_t first_new = pw.cand.size();
        // within reach: per opportunity, its latest node whose arc holds; that node's labels cover the earlier ones
        for (std::uint32_t o : pw.active) {
            const auto &on = b.opp_nodes[o];
            std::int32_t q = pw.ptr[o];
            if (q < 0 || b.local[on.front()] == j) {
                continue;
            }
            {
                const std::uint32_t top = on[static_cast<std::size_t>(q)];
                if (pw.count[top] == 0 || wb + pw.labels[static_cast<std::size_t>(pw.first[top])].v <= covered) {
                    continue;
                }
            }
            int tries = 0;
            while (q >= 0 && tries < max_arc_tries && !arc_ok(g, node(on[static_cast<std::size_t>(q)]), nb)) {
                ++tries;
                // Skip the earlier nodes that surely fail too: by the triangle inequality the slew from node x's end
                // look is at least θ_q - rate·(ls_q - ls_x), while the slew the slack allows, reachable(ls_b - key_x) +
                // the cells' deviations, grows as x goes back; the first x where the lower bound no longer exceeds it
                // is the next one to test (both sides monotone in x: a binary search).
                const Node &nq = node(on[static_cast<std::size_t>(q)]);
                const double theta = slew_measure_deg(nq.e, nb.s, g.agility);
                const double rate = b.opp_rate[o], devs = b.opp_dev[o] + nb.dev_s + 1e-9;
                auto surely_fails = [&](std::int32_t x) {
                    const Node &nx = node(on[static_cast<std::size_t>(x)]);
                    const double slack = nb.ls - nx.key;
                    if (slack >= g.reach) {
                        return false;
                    }
                    return theta - rate * (nq.ls - nx.ls) > reachable_measure_deg(slack, g.agility) + devs;
                };
                std::int32_t lo = -1, hi = q - 1; // find the largest x in [0, q-1] that does not surely fail
                if (hi < 0 || surely_fails(0)) {
                    q = -1;
                    break;
                }
                lo = 0;
                while (lo < hi) { // invariant: lo does not surely fail
                    const std::int32_t mid = (lo + hi + 1) / 2;
                    if (surely_fails(mid)) {
                        hi = mid - 1;
                    } else {
                        lo = mid;
                    }
                }
                q = lo;
            }
            if (q < 0) {
                continue;
            }
            // after max_arc_tries failures node q stands in without its test: a further relaxation
            const std::uint32_t pa = on[static_cast<std::size_t>(q)];
            for (int k = 0; k < pw.count[pa]; ++k) {
                const std::int32_t id = pw.first[pa] + k;
                const Label &l = pw.labels[static_cast<std::size_t>(id)];
                if (!l.mem.contains(j)) {
                    pw.cand.push_back({wb + l.v, id, self, &l.mem, false});
                }
            }
        }
        if (pw.cand.size() > first_new) {
            kept = select();
        } else {
            pw.labels.resize(base + pw.kept.size());
        }
        pw.count[pb] = static_cast<std::uint8_t>(kept);
        if (best_id < 0 || pw.labels[static_cast<std::size_t>(pw.first[pb])].v > pw.labels[static_cast<std::size_t>(best_id)].v) {
            best_id = pw.first[pb];
        }
    }
    if (best_id < 0) {
        return out;
    }
    out.best = pw.labels[static_cast<std::size_t>(best_id)].v;
    // columns: the best label of each opportunity's last node (which covers its other nodes), the best few
    std::vector<std::pair<double, std::int32_t>> ends;
    for (std::size_t o = 0; o < no; ++o) {
        const std::uint32_t last = b.opp_nodes[o].back();
        if (pw.count[last] > 0) {
            ends.emplace_back(pw.labels[static_cast<std::size_t>(pw.first[last])].v, pw.first[last]);
        }
    }
    const std::size_t k = std::min<std::size_t>(ends.size(), columns_per_block);
    std::partial_sort(ends.begin(), ends.begin() + static_cast<std::ptrdiff_t>(k), ends.end(),
                      [](const auto &x, const auto &y) { return x.first > y.first; });
    for (std::size_t c = 0; c < k; ++c) {
        std::vector<std::size_t> path;
        for (std::int32_t id = ends[c].second; id >= 0; id = pw.labels[static_cast<std::size_t>(id)].pred) {
            path.push_back(b.begin + static_cast<std::size_t>(pw.labels[static_cast<std::size_t>(id)].node));
        }
        std::reverse(path.begin(), path.end());
        out.columns.push_back(std::move(path));
    }
    return out;
}

} // namespace

ColumnBound column_generation_bound(const Instance &inst, const std::vector<SatGraph> &graphs, double incumbent,
                                    std::chrono::steady_clock::time_point deadline)
{
    ColumnBound out;
    std::vector<Block> blocks = split_blocks(graphs);
    tbb::parallel_for(std::size_t{0}, blocks.size(), [&](std::size_t i) { index_block(graphs[blocks[i].sat], blocks[i]); });
    throw_if_cancelled(inst.options);
    out.blocks = blocks.size();
    // rows: tasks that appear in some block, then one per block
    const std::size_t nt = inst.tasks.size();
    std::vector<int> task_row(nt, -1);
    int rows = 0;
    for (const auto &b : blocks) {
        for (std::size_t t : b.tasks) {
            if (task_row[t] < 0) {
                task_row[t] = rows++;
            }
        }
    }
    const int first_block_row = rows;
    rows += static_cast<int>(blocks.size());
    std::vector<double> upper(static_cast<std::size_t>(rows), 1.0);
    milp::ColumnLp lp(upper);
    std::vector<std::unordered_set<std::uint64_t>> seen(blocks.size());
    // Dual smoothing (Wentges 1997): the blocks are priced at π = α·centre + (1 - α)·π_LP, where the centre is the π
    // of the best bound so far. It starts at each task's best node value, where L is the trivial bound, so the
    // bound never starts above it; every priced π gives a valid L. A round that finds no column improving the master
    // at its own duals (a mis-price) is priced again at π_LP itself.
    constexpr double alpha = 0.5;
    std::vector<double> centre(nt, 0.0);
    for (const auto &b : blocks) {
        const auto &g = graphs[b.sat];
        for (std::size_t i = b.begin; i < b.end; ++i) {
            centre[g.nodes[i].task] = std::max(centre[g.nodes[i].task], g.nodes[i].value);
        }
    }
    double centre_L = 0.0;
    for (double c : centre) {
        centre_L += c;
    }
    std::vector<double> pi_lp(nt, 0.0), sigma(blocks.size(), 0.0), pi(nt, 0.0);
    std::vector<BlockPrice> price(blocks.size());
    tbb::enumerable_thread_specific<PriceWork> work;
    out.bound = centre_L;
    const double tol = 1e-6 * std::max(1.0, incumbent);
    double lp_value = std::numeric_limits<double>::infinity();
    bool at_lp = false; // price at π_LP (after a mis-price)
    std::vector<int> idx;
    std::vector<double> coef;
    for (int it = 0;; ++it) {
        for (std::size_t t = 0; t < nt; ++t) {
            pi[t] = at_lp ? pi_lp[t] : alpha * centre[t] + (1.0 - alpha) * pi_lp[t];
        }
        std::atomic<bool> late{false};
        tbb::parallel_for(std::size_t{0}, blocks.size(), [&](std::size_t i) {
            if (late.load(std::memory_order_relaxed)) {
                return;
            }
            if (std::chrono::steady_clock::now() > deadline
                || (inst.options.cancel != nullptr && inst.options.cancel->load(std::memory_order_relaxed))) {
                late = true;
                return;
            }
            price[i] = price_block(graphs[blocks[i].sat], blocks[i], pi, work.local());
        });
        throw_if_cancelled(inst.options);
        if (late) {
            out.time_limit_hit = true; // this round is incomplete: its L is not a bound
            break;
        }
        double L = 0.0;
        for (std::size_t t = 0; t < nt; ++t) {
            L += pi[t];
        }
        for (const auto &p : price) {
            L += std::max(0.0, p.best);
        }
        out.iterations = it + 1;
        if (L < centre_L) {
            centre_L = L;
            centre = pi;
        }
        out.bound = std::min(out.bound, L);
        if (out.bound <= incumbent + tol || (std::isfinite(lp_value) && out.bound - lp_value <= 1e-4 * out.bound)) {
            out.converged = true;
            break;
        }
        // new columns: sequences whose reduced value at the master's own duals beats the block's dual
        int added = 0;
        for (std::size_t i = 0; i < blocks.size(); ++i) {
            const auto &g = graphs[blocks[i].sat];
            for (const auto &path : price[i].columns) {
                double value = 0.0, reduced = 0.0;
                std::uint64_t h = 1469598103934665603ULL;
                idx.clear();
                coef.clear();
                for (std::size_t node : path) {
                    const Node &nd = g.nodes[node];
                    value += nd.value;
                    reduced += nd.value - pi_lp[nd.task];
                    h = (h ^ nd.task) * 1099511628211ULL;
                    const int r = task_row[nd.task];
                    auto f = std::find(idx.begin(), idx.end(), r);
                    if (f == idx.end()) {
                        idx.push_back(r);
                        coef.push_back(1.0);
                    } else {
                        coef[static_cast<std::size_t>(f - idx.begin())] += 1.0;
                    }
                }
                if (reduced <= sigma[i] + tol || !seen[i].insert(h).second) {
                    continue;
                }
                idx.push_back(first_block_row + static_cast<int>(i));
                coef.push_back(1.0);
                (void)lp.add_column(value, idx, coef);
                ++added;
            }
        }
        if (std::chrono::steady_clock::now() > deadline) {
            out.time_limit_hit = true;
            break;
        }
        if (added == 0) {
            if (at_lp) {
                // priced at the master's own duals and nothing improves it: the master is optimal over the relaxed
                // sequences, and L(π_LP) - already taken - is its value
                out.converged = true;
                break;
            }
            at_lp = true; // a mis-price: price at π_LP next
            continue;
        }
        at_lp = false;
        const auto sol = lp.solve();
        if (!sol.optimal) {
            break;
        }
        lp_value = sol.objective;
        out.lp_value = sol.objective;
        for (std::size_t t = 0; t < nt; ++t) {
            pi_lp[t] = task_row[t] >= 0 ? sol.duals[static_cast<std::size_t>(task_row[t])] : 0.0;
        }
        for (std::size_t i = 0; i < blocks.size(); ++i) {
            sigma[i] = sol.duals[static_cast<std::size_t>(first_block_row) + i];
        }
        out.columns = lp.num_columns();
    }
    return out;
}

} // namespace vantage::scheduling::detail
