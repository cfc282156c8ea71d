// The CBC MILP wrapper (vantage/milp/milp.hpp, module milp): optima against exhaustive enumeration on random 0/1 models,
// bounds, warm starts, status codes, continuous columns and the clique cover.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "vantage/core/error.hpp"
#include "vantage/milp/milp.hpp"

namespace milp = vantage::milp;

namespace {

// Objectives here are sums of small integers; CBC works to 1e-6 relative, far below the integer step.
constexpr double objective_tol = 1e-6;

struct Random01 {
    milp::MilpModel model;
    std::vector<double> weight;
    std::vector<std::pair<int, int>> conflicts;
    std::vector<double> size;
    double capacity = 0.0;
};

// n items, random pairwise conflicts (x_u + x_v <= 1) and one knapsack row.
Random01 random_model(std::uint32_t seed, int n)
{
    std::mt19937 rng(seed);
    Random01 r;
    for (int j = 0; j < n; ++j) {
        r.weight.push_back(std::uniform_int_distribution<int>(1, 20)(rng));
        r.size.push_back(std::uniform_int_distribution<int>(1, 9)(rng));
        r.model.add_binary(r.weight.back());
    }
    for (int u = 0; u < n; ++u) {
        for (int v = u + 1; v < n; ++v) {
            if (std::uniform_int_distribution<int>(0, 4)(rng) == 0) {
                r.conflicts.emplace_back(u, v);
                const int cols[2] = {u, v};
                r.model.add_at_most(cols, 1.0);
            }
        }
    }
    r.capacity = std::uniform_int_distribution<int>(10, 30)(rng);
    std::vector<int> all(static_cast<std::size_t>(n));
    for (int j = 0; j < n; ++j) {
        all[static_cast<std::size_t>(j)] = j;
    }
    r.model.add_row(all, r.size, -milp::milp_infinity, r.capacity);
    return r;
}

double brute_force(const Random01 &r)
{
    const int n = static_cast<int>(r.weight.size());
    double best = 0.0;
    for (std::uint32_t mask = 0; mask < (1U << n); ++mask) {
        bool ok = true;
        for (const auto &[u, v] : r.conflicts) {
            ok = ok && !(((mask >> u) & 1U) && ((mask >> v) & 1U));
        }
        double used = 0.0;
        double value = 0.0;
        for (int j = 0; j < n; ++j) {
            if ((mask >> j) & 1U) {
                used += r.size[static_cast<std::size_t>(j)];
                value += r.weight[static_cast<std::size_t>(j)];
            }
        }
        if (ok && used <= r.capacity && value > best) {
            best = value;
        }
    }
    return best;
}

} // namespace

TEST(MilpCrossCheck, OptimumEqualsEnumerationOnRandomConflictKnapsacks)
{
    for (std::uint32_t seed = 1; seed <= 12; ++seed) {
        SCOPED_TRACE(seed);
        const Random01 r = random_model(seed, 14);
        const double expected = brute_force(r);
        const milp::MilpResult res = milp::solve_milp(r.model, {});
        ASSERT_EQ(res.status, milp::MilpStatus::optimal);
        EXPECT_NEAR(res.objective, expected, objective_tol);
        EXPECT_NEAR(res.bound, expected, objective_tol);
        EXPECT_LE(r.model.max_violation(res.x), 1e-6);
        const milp::LpResult lp = milp::solve_lp_relaxation(r.model);
        ASSERT_TRUE(lp.optimal);
        EXPECT_GE(lp.objective, expected - objective_tol); // the relaxation bounds the optimum
    }
}

TEST(MilpProperty, WarmStartIsNeverLost)
{
    const Random01 r = random_model(7, 14);
    const double expected = brute_force(r);
    milp::MilpOptions o;
    o.warm_start.assign(14, 0.0); // the empty selection is feasible
    const milp::MilpResult res = milp::solve_milp(r.model, o);
    EXPECT_NEAR(res.objective, expected, objective_tol);
    // A start of the wrong size is refused.
    o.warm_start.assign(3, 0.0);
    EXPECT_THROW((void)milp::solve_milp(r.model, o), vantage::DomainError);
}

TEST(MilpProperty, ReportsInfeasibleModels)
{
    milp::MilpModel m;
    const int a = m.add_binary(1.0);
    const int b = m.add_binary(1.0);
    const int cols[2] = {a, b};
    const double coefs[2] = {1.0, 1.0};
    m.add_row(cols, coefs, 3.0, milp::milp_infinity);
    EXPECT_EQ(milp::solve_milp(m, {}).status, milp::MilpStatus::infeasible);
    EXPECT_FALSE(milp::solve_lp_relaxation(m).optimal);
}

TEST(MilpProperty, ContinuousColumnsAndDuplicateEntries)
{
    // max x + y, x + 2y <= 4 (written as x + y + y), 0 <= x <= 3 continuous, y integer in [0, 5]:
    // x = 3, y = 0.5 is not integral, so y = 0 -> 3... or x = 2, y = 1 -> 3; optimum 3.
    milp::MilpModel m;
    const int x = m.add_column(1.0, 0.0, 3.0, false);
    const int y = m.add_column(1.0, 0.0, 5.0, true);
    const int cols[3] = {x, y, y};
    const double coefs[3] = {1.0, 1.0, 1.0};
    m.add_row(cols, coefs, -milp::milp_infinity, 4.0);
    EXPECT_EQ(m.num_nonzeros(), 2); // duplicates summed
    const auto res = milp::solve_milp(m, {});
    ASSERT_EQ(res.status, milp::MilpStatus::optimal);
    EXPECT_NEAR(res.objective, 3.0, objective_tol);
    const auto lp = milp::solve_lp_relaxation(m);
    EXPECT_NEAR(lp.objective, 3.5, objective_tol); // x = 3, y = 0.5
}

TEST(MilpProperty, RejectsBadArguments)
{
    milp::MilpModel m;
    EXPECT_THROW(m.add_column(1.0, 2.0, 1.0, false), vantage::DomainError);
    const int bad[1] = {5};
    const double one[1] = {1.0};
    EXPECT_THROW(m.add_row(bad, one, 0.0, 1.0), vantage::DomainError);
    m.add_binary(1.0);
    milp::MilpOptions o;
    o.time_limit_s = 0.0;
    EXPECT_THROW((void)milp::solve_milp(m, o), vantage::DomainError);
}

TEST(MilpProperty, CliqueCoverCoversEveryEdgeWithCliques)
{
    for (std::uint32_t seed = 1; seed <= 20; ++seed) {
        std::mt19937 rng(seed);
        const int n = 30;
        std::vector<std::vector<char>> adj(n, std::vector<char>(n, 0));
        std::vector<std::pair<int, int>> edges;
        for (int u = 0; u < n; ++u) {
            for (int v = u + 1; v < n; ++v) {
                if (std::uniform_int_distribution<int>(0, 2)(rng) == 0) {
                    edges.emplace_back(u, v);
                    adj[static_cast<std::size_t>(u)][static_cast<std::size_t>(v)] = 1;
                    adj[static_cast<std::size_t>(v)][static_cast<std::size_t>(u)] = 1;
                }
            }
        }
        const auto cliques = milp::clique_cover(n, edges);
        std::vector<std::vector<char>> covered(n, std::vector<char>(n, 0));
        for (const auto &k : cliques) {
            ASSERT_GE(k.size(), 2U);
            for (std::size_t a = 0; a < k.size(); ++a) {
                for (std::size_t b = a + 1; b < k.size(); ++b) {
                    const auto ua = static_cast<std::size_t>(k[a]);
                    const auto ub = static_cast<std::size_t>(k[b]);
                    ASSERT_TRUE(adj[ua][ub]) << "not a clique: " << k[a] << "-" << k[b];
                    covered[ua][ub] = covered[ub][ua] = 1;
                }
            }
        }
        for (const auto &[u, v] : edges) {
            EXPECT_TRUE(covered[static_cast<std::size_t>(u)][static_cast<std::size_t>(v)]) << u << "-" << v;
        }
        EXPECT_LE(cliques.size(), edges.size());
    }
    const std::pair<int, int> loop[1] = {{1, 1}};
    EXPECT_THROW((void)milp::clique_cover(3, loop), vantage::DomainError);
}

TEST(ColumnLpProperty, IncrementalSolvesMatchAFreshLpAndTheirDualsCertifyIt)
{
    // Random packing masters (rows Σ a x <= 1 or <= 2) grown in batches of columns, as a column generation does. After
    // every batch: the warm-started optimum equals a fresh solve of the same LP (solve_lp_relaxation), the duals are
    // >= 0, no column has a positive reduced cost, and Σ dual·upper equals the optimum (strong duality) - the
    // properties the tasking bound relies on when it prices with these duals.
    for (std::uint32_t seed = 1; seed <= 6; ++seed) {
        std::mt19937 rng(seed);
        const int rows = 5 + static_cast<int>(seed);
        std::vector<double> upper(static_cast<std::size_t>(rows));
        for (auto &u : upper) {
            u = std::uniform_int_distribution<int>(1, 2)(rng);
        }
        milp::ColumnLp lp(upper);
        milp::MilpModel full;
        for (int r = 0; r < rows; ++r) {
            full.add_row(std::vector<int>{}, std::vector<double>{}, -milp::milp_infinity, upper[static_cast<std::size_t>(r)]);
        }
        std::vector<std::vector<std::pair<int, double>>> columns;
        std::vector<double> objective;
        for (int batch = 0; batch < 4; ++batch) {
            for (int k = 0; k < 5; ++k) {
                std::vector<int> idx;
                std::vector<double> coef;
                for (int r = 0; r < rows; ++r) {
                    if (std::uniform_int_distribution<int>(0, 2)(rng) == 0) {
                        idx.push_back(r);
                        coef.push_back(std::uniform_int_distribution<int>(1, 2)(rng));
                    }
                }
                if (idx.empty()) { // a column in no row would make the LP unbounded
                    idx.push_back(k % rows);
                    coef.push_back(1.0);
                }
                const double c = std::uniform_int_distribution<int>(1, 12)(rng);
                EXPECT_EQ(lp.add_column(c, idx, coef), static_cast<int>(objective.size()));
                objective.push_back(c);
                columns.emplace_back();
                for (std::size_t q = 0; q < idx.size(); ++q) {
                    columns.back().emplace_back(idx[q], coef[q]);
                }
            }
            const auto sol = lp.solve();
            ASSERT_TRUE(sol.optimal);
            // the same LP from scratch: rows rebuilt with every column so far
            milp::MilpModel m;
            for (double c : objective) {
                (void)m.add_column(c, 0.0, milp::milp_infinity, false);
            }
            for (int r = 0; r < rows; ++r) {
                std::vector<int> cols;
                std::vector<double> coefs;
                for (std::size_t j = 0; j < columns.size(); ++j) {
                    for (const auto &[rr, a] : columns[j]) {
                        if (rr == r) {
                            cols.push_back(static_cast<int>(j));
                            coefs.push_back(a);
                        }
                    }
                }
                m.add_row(cols, coefs, -milp::milp_infinity, upper[static_cast<std::size_t>(r)]);
            }
            const auto fresh = milp::solve_lp_relaxation(m);
            ASSERT_TRUE(fresh.optimal);
            EXPECT_NEAR(sol.objective, fresh.objective, 1e-7) << "seed " << seed << " batch " << batch;
            double dual_value = 0.0;
            for (int r = 0; r < rows; ++r) {
                EXPECT_GE(sol.duals[static_cast<std::size_t>(r)], 0.0);
                dual_value += sol.duals[static_cast<std::size_t>(r)] * upper[static_cast<std::size_t>(r)];
            }
            EXPECT_NEAR(dual_value, sol.objective, 1e-7) << "seed " << seed << " batch " << batch;
            for (std::size_t j = 0; j < columns.size(); ++j) {
                double reduced = objective[j];
                for (const auto &[r, a] : columns[j]) {
                    reduced -= a * sol.duals[static_cast<std::size_t>(r)];
                }
                EXPECT_LE(reduced, 1e-7) << "column " << j;
            }
        }
    }
    const double u[1] = {1.0};
    milp::ColumnLp lp(u);
    const int bad_row[1] = {3};
    const double one[1] = {1.0};
    EXPECT_THROW((void)lp.add_column(1.0, bad_row, one), vantage::DomainError);
    const double neg[1] = {-1.0};
    EXPECT_THROW(milp::ColumnLp{neg}, vantage::DomainError);
}
