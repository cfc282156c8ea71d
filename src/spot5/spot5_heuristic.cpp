// SPOT5 heuristic: greedy construction by value density, then iterated local search with
// large-neighbourhood restarts (include/vantage/spot5/spot5_solver.hpp).
//
// The search moves among feasible selections only; nodes are (photo, camera) pairs.
// - Insert-with-repair ("consistent neighbourhood" of Vasquez & Hao 2001, Comput. Optim. Appl.
//   20:137-157, on the logic-constrained knapsack form of SPOT5): take a node u and drop every selected
//   node in binary conflict with it, the other camera of its photo, for each forbidden triple whose two
//   other nodes are taken the cheaper of them, and, if the capacity is exceeded, the selected nodes of
//   lowest weight per unit of consumption until it fits.
// - Local search (VND), as in the ILS-VND of Nogueira, Pinheiro & Subramanian 2018 (Optim. Lett.
//   12:567-583) for maximum-weight independent sets, extended to triples and the capacity:
//   N1 = (w,1)-swap: an insert-with-repair of positive gain; N2 = (1,2)-swap: drop one selected node v and
//   take two compatible nodes whose only obstacle was v (one may be another camera of v's photo).
// - Perturbation: force-insert 1-4 random nodes (half of the draws weight-proportional, so the rare
//   high-priority photographs are tried often), locked during the following local search so that it
//   cannot undo them. The result is kept if it is not worse than before, or with probability 2 %;
//   otherwise the move is undone from a journal.
// - After `stagnation` iterations without a new best, restart from the best solution destroyed by one of
//   two operators (a window of consecutive photos, which the files list chronologically, or a random
//   subset) and repaired greedily with noisy densities; the operators are chosen by adaptive weights
//   (ALNS, Ropke & Pisinger 2006).
// All randomness comes from one seeded generator, so the run is a function of (instance, mode, seed,
// iteration budget) unless the wall-clock cap stops it.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "spot5_model.hpp"
#include "vantage/core/error.hpp"
#include "vantage/spot5/spot5_solver.hpp"

namespace vantage::spot5 {

namespace {

using detail::Compiled;

// splitmix64: small, fast and identical on every platform (std distributions are not).
class Rng {
public:
    explicit Rng(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31U);
    }
    /// Uniform integer in [0, n), n > 0.
    std::uint64_t below(std::uint64_t n) { return n <= 1 ? 0 : next() % n; }
    /// Uniform in [0, 1).
    double unit() { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }

private:
    std::uint64_t m_state;
};

class Search {
public:
    Search(const Compiled &c, const HeuristicOptions &o)
        : m_c(c), m_opt(o), m_rng(o.seed ^ 0x5EED5EED5EED5EEDULL), m_sel(idx(c.num_photos), -1), m_on(idx(c.num_nodes), 0),
          m_locked(idx(c.num_nodes), 0), m_bin_n(idx(c.num_nodes), 0), m_bin_w(idx(c.num_nodes), 0),
          m_bin_c(idx(c.num_nodes), 0.0), m_tri_cnt(c.triples.size(), 0), m_mark(idx(c.num_nodes), 0)
    {
        m_cap = c.capacity ? *c.capacity + c.capacity_tolerance : std::numeric_limits<double>::infinity();
        // Static density of each node: weight per (1 + relative conflict degree + relative consumption).
        double mean_deg = 0.0;
        double mean_cons = 0.0;
        for (int u = 0; u < c.num_nodes; ++u) {
            mean_deg += degree(u);
            mean_cons += cons(u);
        }
        mean_deg = c.num_nodes > 0 ? mean_deg / c.num_nodes : 0.0;
        mean_cons = c.num_nodes > 0 ? mean_cons / c.num_nodes : 0.0;
        m_density.resize(idx(c.num_nodes));
        m_cumulative_w.resize(idx(c.num_nodes));
        double total = 0.0;
        for (int u = 0; u < c.num_nodes; ++u) {
            double denom = 1.0 + (mean_deg > 0.0 ? degree(u) / mean_deg : 0.0);
            if (c.capacity && mean_cons > 0.0) {
                denom += cons(u) / mean_cons;
            }
            m_density[idx(u)] = static_cast<double>(w(u)) / denom;
            total += static_cast<double>(w(u));
            m_cumulative_w[idx(u)] = total;
        }
        m_stagnation = std::max<std::int64_t>(1000, 20LL * c.num_photos);
    }

    Result run()
    {
        const auto t0 = std::chrono::steady_clock::now();
        auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
        Result r;
        greedy_fill(0.0);
        local_search();
        save_best();
        std::int64_t last_improve = 0;
        int op = -1;
        std::array<double, 2> op_weight{1.0, 1.0};
        std::int64_t it = 0;
        for (; it < m_opt.max_iterations; ++it) {
            if (m_opt.target_value && m_best_value >= *m_opt.target_value) {
                break;
            }
            if (m_opt.time_limit_s > 0.0 && (it & 15) == 0 && elapsed() >= m_opt.time_limit_s) {
                r.time_limit_hit = true;
                break;
            }
            if (it - last_improve >= m_stagnation) {
                // LNS restart from the best solution: destroy (operator chosen by adaptive weights), greedy
                // repair, descent.
                for (auto &x : op_weight) {
                    x = std::max(0.1, 0.9 * x);
                }
                op = m_rng.unit() * (op_weight[0] + op_weight[1]) < op_weight[0] ? 0 : 1;
                restore_best();
                destroy(op);
                greedy_fill(0.5);
                local_search();
                last_improve = it;
            }
            // One ILS step: perturb, descend, accept or undo.
            const std::int64_t before = m_value;
            m_journal.clear();
            m_journaling = true;
            perturb();
            local_search();
            m_journaling = false;
            for (const int u : m_locked_list) {
                m_locked[idx(u)] = 0;
            }
            m_locked_list.clear();
            if (m_value > m_best_value) {
                save_best();
                last_improve = it;
                if (op >= 0) {
                    op_weight[static_cast<std::size_t>(op)] += 1.0; // reward the restart operator that led here
                }
            }
            if (m_value < before && m_rng.unit() >= accept_worse_probability) {
                undo_journal();
            }
        }
        r.iterations = it;
        r.solution = detail::to_solution(m_c, m_best);
        r.value = m_best_value;
        r.seconds = elapsed();
        r.best_found_s = std::chrono::duration<double>(m_best_at - t0).count();
        return r;
    }

private:
    // Probability of keeping a perturbed local optimum worse than the current solution (a random walk
    // out of deep basins; the best solution is kept apart).
    static constexpr double accept_worse_probability = 0.02;

    static std::size_t idx(int i) { return static_cast<std::size_t>(i); }
    std::int64_t w(int u) const { return m_c.node_weight[idx(u)]; }
    double cons(int u) const { return m_c.node_consumption[idx(u)]; }
    int photo(int u) const { return m_c.node_photo[idx(u)]; }
    double degree(int u) const { return static_cast<double>(m_c.conflicts[idx(u)].size() + m_c.node_triples[idx(u)].size()); }

    void add(int u)
    {
        m_on[idx(u)] = 1;
        m_sel[idx(photo(u))] = u;
        m_value += w(u);
        m_used += cons(u);
        for (const int v : m_c.conflicts[idx(u)]) {
            ++m_bin_n[idx(v)];
            m_bin_w[idx(v)] += w(u);
            m_bin_c[idx(v)] += cons(u);
        }
        for (const int t : m_c.node_triples[idx(u)]) {
            ++m_tri_cnt[idx(t)];
        }
        m_order_dirty = true;
        if (m_journaling) {
            m_journal.push_back(u + 1);
        }
    }

    void drop(int u)
    {
        m_on[idx(u)] = 0;
        m_sel[idx(photo(u))] = -1;
        m_value -= w(u);
        m_used -= cons(u);
        for (const int v : m_c.conflicts[idx(u)]) {
            --m_bin_n[idx(v)];
            m_bin_w[idx(v)] -= w(u);
            m_bin_c[idx(v)] -= cons(u);
        }
        for (const int t : m_c.node_triples[idx(u)]) {
            --m_tri_cnt[idx(t)];
        }
        m_order_dirty = true;
        if (m_journaling) {
            m_journal.push_back(-(u + 1));
        }
    }

    void undo_journal()
    {
        for (auto it = m_journal.rbegin(); it != m_journal.rend(); ++it) {
            if (*it > 0) {
                drop(*it - 1);
            } else {
                add(-*it - 1);
            }
        }
        m_journal.clear();
    }

    // Selected nodes with a consumption, cheapest to evict first (weight per unit, then larger consumption).
    const std::vector<int> &evict_order()
    {
        if (m_order_dirty) {
            m_order.clear();
            for (std::size_t p = 0; p < m_sel.size(); ++p) {
                if (m_sel[p] >= 0 && cons(m_sel[p]) > 0.0) {
                    m_order.push_back(m_sel[p]);
                }
            }
            std::sort(m_order.begin(), m_order.end(), [&](int a, int b) {
                const double da = static_cast<double>(w(a)) / cons(a);
                const double db = static_cast<double>(w(b)) / cons(b);
                if (da != db) {
                    return da < db;
                }
                if (cons(a) != cons(b)) {
                    return cons(a) > cons(b);
                }
                return a < b;
            });
            m_order_dirty = false;
        }
        return m_order;
    }

    // Gain of inserting node u with the repair described at the top; fills `removals` when given.
    // Returns false when the capacity cannot be met.
    bool evaluate(int u, std::int64_t &gain, std::vector<int> *removals)
    {
        const int p = photo(u);
        const int cur = m_sel[idx(p)];
        ++m_stamp;
        gain = (cur < 0 ? w(u) : 0) - m_bin_w[idx(u)];
        double freed = m_bin_c[idx(u)] + (cur >= 0 ? cons(cur) : 0.0);
        bool r_marked = false;
        auto mark_r = [&] {
            if (r_marked) {
                return;
            }
            r_marked = true;
            for (const int v : m_c.conflicts[idx(u)]) {
                if (m_on[idx(v)] != 0) {
                    m_mark[idx(v)] = m_stamp;
                }
            }
            if (cur >= 0) {
                m_mark[idx(cur)] = m_stamp;
            }
        };
        if (removals != nullptr) {
            removals->clear();
            mark_r();
            for (const int v : m_c.conflicts[idx(u)]) {
                if (m_on[idx(v)] != 0) {
                    removals->push_back(v);
                }
            }
            if (cur >= 0) {
                removals->push_back(cur);
            }
        }
        for (const int t : m_c.node_triples[idx(u)]) {
            if (m_tri_cnt[idx(t)] != 2) {
                continue;
            }
            // The two other nodes are taken (u is not). No pair of a kept triple is in binary conflict, so
            // neither is in the binary removal set; one may already go for another triple.
            const auto &tr = m_c.triples[idx(t)];
            int x = -1;
            int y = -1;
            for (const int v : tr) {
                if (v != u) {
                    (x < 0 ? x : y) = v;
                }
            }
            if (m_mark[idx(x)] == m_stamp || m_mark[idx(y)] == m_stamp) {
                continue;
            }
            int out = x;
            if (w(y) < w(x) || (w(y) == w(x) && cons(y) > cons(x))) {
                out = y;
            }
            m_mark[idx(out)] = m_stamp;
            gain -= w(out);
            freed += cons(out);
            if (removals != nullptr) {
                removals->push_back(out);
            }
        }
        double excess = m_used - freed + cons(u) - m_cap;
        if (excess > 0.0) {
            mark_r();
            for (const int z : evict_order()) {
                if (excess <= 0.0) {
                    break;
                }
                if (m_mark[idx(z)] == m_stamp) {
                    continue;
                }
                m_mark[idx(z)] = m_stamp;
                gain -= w(z);
                excess -= cons(z);
                if (removals != nullptr) {
                    removals->push_back(z);
                }
            }
            if (excess > 0.0) {
                return false;
            }
        }
        return true;
    }

    // Insert u with its repair, unless that would drop a locked node. Returns whether it was done.
    bool insert(int u)
    {
        std::int64_t gain = 0;
        if (!evaluate(u, gain, &m_removals)) {
            return false;
        }
        for (const int v : m_removals) {
            if (m_locked[idx(v)] != 0) {
                return false;
            }
        }
        for (const int v : m_removals) {
            drop(v);
        }
        add(u);
        return true;
    }

    // N1: (w,1)-swaps of positive gain, first improvement from a random start. True if any was made.
    bool n1_pass()
    {
        const int n = m_c.num_nodes;
        if (n == 0) {
            return false;
        }
        bool improved = false;
        const int start = static_cast<int>(m_rng.below(static_cast<std::uint64_t>(n)));
        for (int k = 0; k < n; ++k) {
            const int u = (start + k) % n;
            if (m_on[idx(u)] != 0) {
                continue;
            }
            // Upper bound of the gain before triples and capacity (they only lower it).
            if ((m_sel[idx(photo(u))] < 0 ? w(u) : 0) - m_bin_w[idx(u)] <= 0) {
                continue;
            }
            std::int64_t gain = 0;
            if (evaluate(u, gain, nullptr) && gain > 0 && insert(u)) {
                improved = true;
            }
        }
        return improved;
    }

    // Can x be taken once v is dropped, with no other removal? `adjacent` says whether x and v are in
    // binary conflict (the caller knows: it found x in v's conflict list, its photo or its triples, and
    // the nodes of a kept triple are never in binary conflict).
    bool free_without(int x, int v, bool adjacent)
    {
        if (m_bin_n[idx(x)] != (adjacent ? 1 : 0)) {
            return false;
        }
        const int q = photo(x);
        if (m_on[idx(x)] != 0 || (m_sel[idx(q)] >= 0 && m_sel[idx(q)] != v)) {
            return false;
        }
        for (const int t : m_c.node_triples[idx(x)]) {
            if (m_tri_cnt[idx(t)] == 2) {
                const auto &tr = m_c.triples[idx(t)];
                if (tr[0] != v && tr[1] != v && tr[2] != v) {
                    return false;
                }
            }
        }
        return m_used - cons(v) + cons(x) <= m_cap;
    }

    // Can x and y (each free without v) be taken together once v is dropped?
    bool compatible(int x, int y, int v)
    {
        if (photo(x) == photo(y) || m_c.in_conflict(x, y) || m_used - cons(v) + cons(x) + cons(y) > m_cap) {
            return false;
        }
        for (const int t : m_c.node_triples[idx(x)]) {
            const auto &tr = m_c.triples[idx(t)];
            if (tr[0] != y && tr[1] != y && tr[2] != y) {
                continue;
            }
            for (const int z : tr) {
                if (z != x && z != y && z != v && m_on[idx(z)] != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    // N2: (1,2)-swaps of positive gain. True if any was made.
    bool n2_pass()
    {
        const int n = m_c.num_photos;
        if (n == 0) {
            return false;
        }
        bool improved = false;
        const int start = static_cast<int>(m_rng.below(static_cast<std::uint64_t>(n)));
        for (int k = 0; k < n; ++k) {
            const int v = m_sel[idx((start + k) % n)];
            if (v < 0 || m_locked[idx(v)] != 0) {
                continue;
            }
            ++m_stamp;
            m_cand.clear();
            auto consider = [&](int x, bool adjacent) {
                if (x != v && m_mark[idx(x)] != m_stamp) {
                    m_mark[idx(x)] = m_stamp;
                    if (free_without(x, v, adjacent)) {
                        m_cand.push_back(x);
                    }
                }
            };
            for (const int x : m_c.conflicts[idx(v)]) {
                consider(x, true);
            }
            const int p = photo(v);
            for (int x = m_c.photo_first[idx(p)]; x < m_c.photo_first[idx(p) + 1]; ++x) {
                consider(x, false);
            }
            for (const int t : m_c.node_triples[idx(v)]) {
                for (const int x : m_c.triples[idx(t)]) {
                    consider(x, false);
                }
            }
            if (m_cand.size() < 2) {
                continue;
            }
            std::sort(m_cand.begin(), m_cand.end(), [&](int a, int b) { return w(a) != w(b) ? w(a) > w(b) : a < b; });
            int bx = -1;
            int by = -1;
            for (std::size_t a = 0; a + 1 < m_cand.size() && bx < 0; ++a) {
                if (w(m_cand[a]) + w(m_cand[a + 1]) <= w(v)) {
                    break;
                }
                for (std::size_t b = a + 1; b < m_cand.size(); ++b) {
                    if (w(m_cand[a]) + w(m_cand[b]) <= w(v)) {
                        break;
                    }
                    if (compatible(m_cand[a], m_cand[b], v)) {
                        bx = m_cand[a];
                        by = m_cand[b];
                        break;
                    }
                }
            }
            if (bx >= 0) {
                drop(v);
                add(bx);
                add(by);
                improved = true;
            }
        }
        return improved;
    }

    void local_search()
    {
        while (n1_pass() || n2_pass()) {
        }
    }

    // Force-insert 1-4 random nodes and lock them.
    void perturb()
    {
        int k = 1;
        while (k < 4 && m_rng.unit() < 0.5) {
            ++k;
        }
        const int n = m_c.num_nodes;
        const double total = n > 0 ? m_cumulative_w.back() : 0.0;
        for (int i = 0; i < k; ++i) {
            for (int attempt = 0; attempt < 16; ++attempt) {
                int u = 0;
                if (total > 0.0 && m_rng.unit() < 0.5) {
                    const double r = m_rng.unit() * total;
                    u = static_cast<int>(std::upper_bound(m_cumulative_w.begin(), m_cumulative_w.end(), r) - m_cumulative_w.begin());
                    u = std::min(u, n - 1);
                } else {
                    u = static_cast<int>(m_rng.below(static_cast<std::uint64_t>(n)));
                }
                const int cur = m_sel[idx(photo(u))];
                if (m_on[idx(u)] != 0 || (cur >= 0 && m_locked[idx(cur)] != 0)) {
                    continue;
                }
                if (insert(u)) {
                    m_locked[idx(u)] = 1;
                    m_locked_list.push_back(u);
                    break;
                }
            }
        }
    }

    // Greedy: nodes by density (times 1 + noise·U[0,1)) descending, each taken when it needs no removal.
    void greedy_fill(double noise)
    {
        std::vector<std::pair<double, int>> order;
        order.reserve(idx(m_c.num_nodes));
        for (int u = 0; u < m_c.num_nodes; ++u) {
            if (m_sel[idx(photo(u))] < 0) {
                const double key = m_density[idx(u)] * (1.0 + noise * m_rng.unit());
                order.emplace_back(-key, u);
            }
        }
        std::sort(order.begin(), order.end());
        for (const auto &[key, u] : order) {
            (void)key;
            if (m_sel[idx(photo(u))] >= 0 || m_bin_n[idx(u)] != 0 || m_used + cons(u) > m_cap) {
                continue;
            }
            bool blocked = false;
            for (const int t : m_c.node_triples[idx(u)]) {
                blocked = blocked || m_tri_cnt[idx(t)] == 2;
            }
            if (!blocked) {
                add(u);
            }
        }
    }

    void destroy(int op)
    {
        const int n = m_c.num_photos;
        if (n == 0) {
            return;
        }
        if (op == 0) { // a window of consecutive photos
            const int lo = std::max(2, n / 50);
            const int hi = std::max(lo + 1, n / 8);
            const int len = lo + static_cast<int>(m_rng.below(static_cast<std::uint64_t>(hi - lo + 1)));
            const int start = static_cast<int>(m_rng.below(static_cast<std::uint64_t>(n)));
            for (int k = 0; k < len; ++k) {
                const int p = (start + k) % n;
                if (m_sel[idx(p)] >= 0) {
                    drop(m_sel[idx(p)]);
                }
            }
        } else { // a random subset of the taken photos
            const double q = 0.05 + 0.15 * m_rng.unit();
            for (int p = 0; p < n; ++p) {
                if (m_sel[idx(p)] >= 0 && m_rng.unit() < q) {
                    drop(m_sel[idx(p)]);
                }
            }
        }
    }

    void save_best()
    {
        m_best = m_sel;
        m_best_value = m_value;
        m_best_at = std::chrono::steady_clock::now();
    }

    void restore_best()
    {
        for (std::size_t p = 0; p < m_sel.size(); ++p) {
            if (m_sel[p] >= 0 && m_sel[p] != m_best[p]) {
                drop(m_sel[p]);
            }
        }
        for (std::size_t p = 0; p < m_sel.size(); ++p) {
            if (m_best[p] >= 0 && m_sel[p] != m_best[p]) {
                add(m_best[p]);
            }
        }
        // NOTE: literal consumptions are not exact in binary; re-sum so that millions of add/drop
        // updates cannot drift towards the 1e-6 capacity slack.
        m_used = 0.0;
        for (const int u : m_sel) {
            m_used += u >= 0 ? cons(u) : 0.0;
        }
    }

    const Compiled &m_c;
    HeuristicOptions m_opt;
    Rng m_rng;
    std::vector<int> m_sel;               // node per photo, −1 none
    std::vector<char> m_on;               // node taken
    std::vector<char> m_locked;           // node inserted by the current perturbation
    std::vector<int> m_locked_list;
    std::vector<int> m_bin_n;             // taken binary-conflict neighbours
    std::vector<std::int64_t> m_bin_w;    // their weight
    std::vector<double> m_bin_c;          // their consumption
    std::vector<int> m_tri_cnt;           // taken nodes per triple
    std::vector<std::uint64_t> m_mark;    // scratch marks (== m_stamp: seen in the current evaluation)
    std::uint64_t m_stamp = 0;
    std::vector<double> m_density;
    std::vector<double> m_cumulative_w;   // prefix sums of node weights (weighted draws)
    std::vector<int> m_order;
    bool m_order_dirty = true;
    std::vector<int> m_removals;
    std::vector<int> m_cand;
    std::vector<int> m_journal;           // +(u+1) added, −(u+1) dropped, during one ILS step
    bool m_journaling = false;
    std::vector<int> m_best;
    std::int64_t m_value = 0;
    std::int64_t m_best_value = 0;
    double m_used = 0.0;
    double m_cap = 0.0;
    std::int64_t m_stagnation = 1000;
    std::chrono::steady_clock::time_point m_best_at;
};

} // namespace

Result solve_heuristic(const Instance &instance, CapacityMode mode, const HeuristicOptions &options)
{
    if (options.max_iterations < 0) {
        throw DomainError(ErrorCode::invalid_argument,
                          fmt::format("SPOT5 heuristic: max_iterations must be >= 0, got {}", options.max_iterations));
    }
    if (!(options.time_limit_s >= 0.0) || !std::isfinite(options.time_limit_s)) {
        throw DomainError(ErrorCode::invalid_argument,
                          fmt::format("SPOT5 heuristic: time_limit_s must be >= 0, got {}", options.time_limit_s));
    }
    const Compiled c = detail::compile(instance, mode);
    Search search(c, options);
    Result r = search.run();
    r.upper_bound = trivial_upper_bound(instance);
    r.proven_optimal = r.value >= r.upper_bound;
    return r;
}

} // namespace vantage::spot5
