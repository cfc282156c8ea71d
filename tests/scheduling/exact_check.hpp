#pragma once
/// @file
/// The planner-vs-optimum check shared by the unit (planner_test.cpp) and slow (exact_test.cpp) scheduling tests.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vantage/scheduling/detail/tasking_instance.hpp"
#include "vantage/scheduling/mission.hpp"

namespace vantage::test {

using scheduling::Mission;
using scheduling::PlanningOptions;
namespace detail = scheduling::detail;

// Plan values are sums of integer priorities (and priority / strip count): equal to round-off.
inline constexpr double value_tol = 1e-9;

inline std::string violations(const std::vector<std::string> &v)
{
    std::string s;
    for (const auto &x : v) {
        s += x + "\n";
    }
    return s;
}

/// Solves an instance exactly (exhaustive subset DP) and with the heuristic: both must agree.
inline void expect_heuristic_reaches_optimum(const Mission &m, int iterations)
{
    PlanningOptions opt = m.planning;
    opt.iterations = iterations;
    opt.exact_bound = false;
    const detail::Instance inst = detail::build_instance(m, opt);
    const auto exact = detail::solve_exact_subsets(inst, 18);
    ASSERT_TRUE(exact.has_value()) << "instance too large for the exact subset DP";
    detail::SearchStats stats;
    const detail::Solution sol = detail::search(inst, nullptr, nullptr, stats);
    EXPECT_TRUE(detail::check_solution(inst, sol).empty()) << violations(detail::check_solution(inst, sol));
    // the instance must be oversubscribed, or the test proves nothing
    double trivial = 0.0;
    for (const auto &j : inst.jobs) {
        trivial += j.feasible ? j.value : 0.0;
    }
    EXPECT_LT(*exact, trivial - 1.0) << "not oversubscribed";
    EXPECT_NEAR(sol.value, *exact, value_tol) << "heuristic " << sol.value << " vs optimum " << *exact << " (constructive "
                                              << stats.constructive_value << ", " << inst.opps.size() << " opportunities)";
}

} // namespace vantage::test
