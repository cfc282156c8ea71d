// SPOT5 solvers against exhaustive enumeration on random small instances (the checker is the only
// oracle), plus determinism and bound properties. Instances are built in code (no io).
#include <gtest/gtest.h>

#include "spot5/spot5_random.hpp"
#include "vantage/core/error.hpp"
#include "vantage/spot5/spot5_solver.hpp"

namespace sp = vantage::spot5;
using vantage::test_util::brute_force_optimum;
using vantage::test_util::random_spot5;

namespace {

void expect_feasible(const sp::Instance &inst, const sp::Result &r, sp::CapacityMode mode)
{
    const auto rep = sp::check(inst, r.solution, mode, r.value);
    EXPECT_TRUE(rep.ok()) << (rep.violations.empty() ? "" : rep.violations.front().detail);
}

} // namespace

TEST(Spot5CrossCheck, ExactAndHeuristicFindTheEnumeratedOptimum)
{
    int cases = 0;
    for (std::uint32_t seed = 1; seed <= 40; ++seed) {
        const bool with_capacity = seed % 2 == 0;
        const sp::Instance inst = random_spot5(seed, 8, with_capacity);
        for (const auto mode : {sp::CapacityMode::units200, sp::CapacityMode::literal}) {
            if (!with_capacity && mode == sp::CapacityMode::literal) {
                continue; // the readings differ only with a capacity
            }
            SCOPED_TRACE(testing::Message() << "seed " << seed << " mode " << sp::to_string(mode));
            const std::int64_t optimum = brute_force_optimum(inst, mode);
            const sp::Result ex = sp::solve_exact(inst, mode, {});
            expect_feasible(inst, ex, mode);
            EXPECT_EQ(ex.value, optimum);
            EXPECT_EQ(ex.upper_bound, optimum);
            EXPECT_TRUE(ex.proven_optimal);
            sp::HeuristicOptions ho;
            ho.seed = 1;
            ho.max_iterations = 2000;
            const sp::Result h = sp::solve_heuristic(inst, mode, ho);
            expect_feasible(inst, h, mode);
            EXPECT_EQ(h.value, optimum);
            EXPECT_FALSE(h.time_limit_hit);
            EXPECT_GE(sp::lp_upper_bound(inst, mode), optimum);
            ++cases;
        }
    }
    EXPECT_GE(cases, 55);
}

TEST(Spot5Property, HeuristicIsDeterministicForASeedAndBudget)
{
    const sp::Instance inst = random_spot5(4242, 9, true);
    sp::HeuristicOptions ho;
    ho.seed = 17;
    ho.max_iterations = 3000;
    const sp::Result a = sp::solve_heuristic(inst, sp::CapacityMode::units200, ho);
    const sp::Result b = sp::solve_heuristic(inst, sp::CapacityMode::units200, ho);
    EXPECT_EQ(a.solution.camera, b.solution.camera);
    EXPECT_EQ(a.value, b.value);
    EXPECT_EQ(a.iterations, 3000);
    EXPECT_EQ(a.upper_bound, sp::trivial_upper_bound(inst));
}

TEST(Spot5Property, ExactKeepsItsWarmStartAndBoundsIt)
{
    const sp::Instance inst = random_spot5(99, 9, true);
    sp::HeuristicOptions ho;
    ho.max_iterations = 0; // greedy + descent only
    const sp::Result h = sp::solve_heuristic(inst, sp::CapacityMode::units200, ho);
    sp::ExactOptions eo;
    eo.warm_start = &h.solution;
    const sp::Result ex = sp::solve_exact(inst, sp::CapacityMode::units200, eo);
    EXPECT_GE(ex.value, h.value);
    EXPECT_GE(ex.upper_bound, ex.value);
    // An infeasible warm start is refused.
    sp::Solution bad = h.solution;
    bad.camera[0] = 7;
    eo.warm_start = &bad;
    EXPECT_THROW((void)sp::solve_exact(inst, sp::CapacityMode::units200, eo), vantage::DomainError);
}

TEST(Spot5Property, RejectsBadOptions)
{
    const sp::Instance inst = random_spot5(1, 5, false);
    sp::HeuristicOptions ho;
    ho.max_iterations = -1;
    EXPECT_THROW((void)sp::solve_heuristic(inst, sp::CapacityMode::units200, ho), vantage::DomainError);
    sp::ExactOptions eo;
    eo.time_limit_s = -1.0;
    EXPECT_THROW((void)sp::solve_exact(inst, sp::CapacityMode::units200, eo), vantage::DomainError);
    eo.time_limit_s = 1.0;
    eo.threads = 0;
    EXPECT_THROW((void)sp::solve_exact(inst, sp::CapacityMode::units200, eo), vantage::DomainError);
}
