// TierProperty: tiers are lexicographic (issue 13): the urgent tier served is the largest number of urgent
// occurrences that fit together (the urgent tier solved alone, exactly, by the subset DP), no unserved urgent
// occurrence could be inserted once every lower-tier acquisition is removed, and a priority-tier request with a
// low reward beats standard ones worth ten times more.
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "scheduling/exact_check.hpp"
#include "scheduling/tasking_fixture.hpp"
#include "vantage/scheduling/detail/tasking_instance.hpp"
#include "vantage/scheduling/plan.hpp"

using namespace vantage;
using namespace vantage::scheduling;
using vantage::test::one_pass;
using vantage::test::value_tol;
using vantage::test::violations;

TEST(TierProperty, UrgentTierServesTheMostUrgentThatFit)
{
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
        Mission m = one_pass(seed, 15);
        // every third request urgent and worth little; the others standard and worth the most
        Mission urgent_only = m;
        urgent_only.requests.clear();
        for (std::size_t i = 0; i < m.requests.size(); ++i) {
            auto &r = m.requests[i];
            if (i % 3 == 0) {
                r.tier = mission::Tier::urgent;
                r.priority = 1;
                urgent_only.requests.push_back(r);
            } else {
                r.priority = 10;
            }
        }
        const detail::Instance inst = detail::build_instance(m, m.planning);
        detail::SearchStats st;
        const detail::Solution sol = detail::search(inst, nullptr, nullptr, st);
        EXPECT_TRUE(detail::check_solution(inst, sol).empty()) << violations(detail::check_solution(inst, sol));
        int urgent_served = 0;
        for (std::size_t j = 0; j < inst.jobs.size(); ++j) {
            urgent_served += inst.jobs[j].tier == mission::Tier::urgent && sol.served(inst, j) ? 1 : 0;
        }
        // the urgent tier alone, exactly: every urgent request is worth 1, so the optimum is the largest count
        const detail::Instance ui = detail::build_instance(urgent_only, urgent_only.planning);
        const auto most = detail::solve_exact_subsets(ui, 18);
        ASSERT_TRUE(most.has_value());
        std::printf("seed %d: urgent served %d, most that fit together %g\n", static_cast<int>(seed), urgent_served, *most);
        EXPECT_NEAR(urgent_served, *most, value_tol) << "seed " << seed;
        // no unserved urgent occurrence fits once every lower-tier acquisition is gone
        detail::Solution bare = sol;
        for (std::size_t j = 0; j < inst.jobs.size(); ++j) {
            if (inst.jobs[j].tier != mission::Tier::urgent && bare.served(inst, j)) {
                detail::remove_job(inst, bare, j);
            }
        }
        for (std::size_t j = 0; j < inst.jobs.size(); ++j) {
            if (inst.jobs[j].tier == mission::Tier::urgent && inst.jobs[j].feasible && !sol.served(inst, j)) {
                detail::Solution probe = bare;
                EXPECT_NE(detail::insert_job(inst, probe, j), detail::PlaceStatus::ok)
                    << "seed " << seed << ": urgent job " << j << " fits without the lower tiers";
            }
        }
    }
}

TEST(TierProperty, PriorityTierBeatsStandardValue)
{
    Mission m = one_pass(3, 15);
    for (std::size_t i = 0; i < m.requests.size(); ++i) {
        auto &r = m.requests[i];
        if (i % 4 == 0) {
            r.tier = mission::Tier::priority;
            r.reward = 0.5;
        } else {
            r.reward = 100.0;
        }
    }
    const Plan p = plan(m, m.planning);
    int served = 0, total = 0;
    for (const auto &t : p.metrics.tiers) {
        if (t.tier == mission::Tier::priority) {
            served = t.served;
            total = t.with_opportunity;
        }
    }
    EXPECT_GT(total, 0);
    EXPECT_EQ(served, total) << "a priority-tier request lost to standard ones";
    ASSERT_EQ(p.metrics.tiers.size(), 2u);
    EXPECT_EQ(p.metrics.tiers[0].tier, mission::Tier::priority); // highest first
    double value = 0.0;
    for (const auto &t : p.metrics.tiers) {
        value += t.value;
    }
    EXPECT_NEAR(value, p.metrics.value, 1e-9);
}

TEST(ExplanationProperty, OutcompetedOccurrencesNameWhatHoldsTheirTime)
{
    // Verified by re-running the insertion it claims fails: with every listed acquisition removed, the occurrence
    // fits (the time it needed was held by exactly those); with them in place it does not.
    int checked = 0;
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        const Mission m = one_pass(seed, 15);
        const detail::Instance inst = detail::build_instance(m, m.planning);
        detail::SearchStats st;
        const detail::Solution sol = detail::search(inst, nullptr, nullptr, st);
        const Plan p = detail::make_plan(inst, sol);
        for (const auto &u : p.unserved) {
            if (u.reason != UnservedReason::outcompeted) {
                EXPECT_TRUE(u.blocked_by.empty());
                continue;
            }
            ASSERT_FALSE(u.blocked_by.empty()) << u.request_id;
            std::size_t job = detail::npos;
            for (std::size_t j = 0; j < inst.jobs.size(); ++j) {
                if (m.requests[inst.jobs[j].request].id == u.request_id && inst.jobs[j].occurrence == u.occurrence) {
                    job = j;
                }
            }
            ASSERT_NE(job, detail::npos);
            detail::Solution probe = sol;
            EXPECT_NE(detail::insert_job(inst, probe, job), detail::PlaceStatus::ok) << u.request_id;
            for (const auto &b : u.blocked_by) {
                for (std::size_t j = 0; j < inst.jobs.size(); ++j) {
                    if (m.requests[inst.jobs[j].request].id == b.request_id) {
                        detail::remove_job(inst, probe, j); // a no-op for tasks not in the plan
                    }
                }
                EXPECT_LT(b.start, b.end);
            }
            EXPECT_EQ(detail::insert_job(inst, probe, job), detail::PlaceStatus::ok)
                << u.request_id << " still does not fit without the " << u.blocked_by.size() << " acquisitions it names";
            ++checked;
        }
    }
    EXPECT_GE(checked, 5);
}
