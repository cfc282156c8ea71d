// SPOT5Validation: our solvers on the published instances reach the published optima; the published
// RSOA certificates pass our checker with the values the reference README lists; planted faults in real
// solutions are rejected.
//
// Sources (vendored byte for byte in tests/reference/scheduling/, see tests/reference/README.md):
// - instances: Bensana, Lemaitre & Verfaillie 1999 (Constraints 4(3):293-299), via Mendeley Data
//   DOI 10.17632/2kbzg9nw3b.1 / Mtrya/astro-reason @ffd1e89c;
// - optima: optimal-values.csv (1999 Table 1, proofs by CPLEX/PDS/RDS, re-proved with CBC 2.10.8);
// - certificates: Wei, Hao, Ren & Glover, EJOR 2023 (RSOA), Zequn-Wei/DCKP_RSOA @dddc1f33.
// Built twice: the fast instances in the unit set, the heavier ones with VANTAGE_SPOT5_SLOW (label slow).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "spot5/spot5_random.hpp"
#include "spot5/spot5_test_util.hpp"
#include "vantage/io/spot5.hpp"
#include "vantage/spot5/spot5_solver.hpp"

namespace io = vantage::io;
namespace sp = vantage::spot5;
using vantage::test_util::spot5_certificate_path;
using vantage::test_util::spot5_instance_path;

namespace {

// Iteration budget for the heuristic: it stops at the optimum (target_value), so this only bounds a
// failure. Measured here with seed 1: at most 477 steps on the fast set, 3360 (11.spot) on the slow one.
constexpr std::int64_t heuristic_budget = 50000;

void expect_feasible(const sp::Instance &inst, const sp::Solution &s, sp::CapacityMode mode, std::int64_t value)
{
    const auto rep = sp::check(inst, s, mode, value);
    EXPECT_TRUE(rep.ok()) << (rep.violations.empty() ? "" : rep.violations.front().detail);
}

} // namespace

void exact_proves_optimum(const std::string &id)
{
    const auto ref = vantage::test_util::spot5_reference_table().at(id);
    ASSERT_TRUE(ref.proven_optimal);
    const sp::Instance inst = io::read_spot5_file(spot5_instance_path(id));
    // The fast set: the MILP alone. The slow set: warm-started with a short heuristic run, as
    // `vantage spot5` does (without it CBC needs 10-35 s on 5 and 11 here; with it 1-3 s).
    // 1502 is proven under both capacity readings (README § 2.6).
    for (const auto mode : {sp::CapacityMode::units200, sp::CapacityMode::literal}) {
        if (!inst.capacity && mode == sp::CapacityMode::literal) {
            continue;
        }
        sp::ExactOptions eo;
        eo.time_limit_s = 50.0; // a cap, not an assertion: all of these finish in seconds
#ifdef VANTAGE_SPOT5_SLOW
        sp::HeuristicOptions ho;
        ho.max_iterations = 2000;
        const sp::Result start = sp::solve_heuristic(inst, mode, ho);
        eo.warm_start = &start.solution;
#endif
        const sp::Result r = sp::solve_exact(inst, mode, eo);
        expect_feasible(inst, r.solution, mode, r.value);
        EXPECT_EQ(r.value, ref.optimum_or_best) << sp::to_string(mode);
        EXPECT_EQ(r.upper_bound, ref.optimum_or_best) << sp::to_string(mode);
        EXPECT_TRUE(r.proven_optimal);
        EXPECT_FALSE(r.time_limit_hit);
        EXPECT_GE(sp::lp_upper_bound(inst, mode), ref.optimum_or_best);
    }
}

void heuristic_reaches_optimum(const std::string &id)
{
    const auto ref = vantage::test_util::spot5_reference_table().at(id);
    const sp::Instance inst = io::read_spot5_file(spot5_instance_path(id));
    sp::HeuristicOptions ho;
    ho.seed = 1;
    ho.max_iterations = heuristic_budget;
    ho.target_value = ref.optimum_or_best;
    const sp::Result r = sp::solve_heuristic(inst, sp::CapacityMode::units200, ho);
    expect_feasible(inst, r.solution, sp::CapacityMode::units200, r.value);
    EXPECT_EQ(r.value, ref.optimum_or_best);
    testing::Test::RecordProperty("iterations", std::to_string(r.iterations));
}

// One test per instance, so that ctest runs them in parallel and names the one that fails.
#define SPOT5_OPTIMUM_TESTS(id)                                                                                         \
    TEST(Spot5Validation, ExactMethodProvesTheOptimumOf##id) { exact_proves_optimum(#id); }                           \
    TEST(Spot5Validation, HeuristicReachesTheOptimumOf##id) { heuristic_reaches_optimum(#id); }

#ifdef VANTAGE_SPOT5_SLOW
// 1-5 s each here.
SPOT5_OPTIMUM_TESTS(28)
SPOT5_OPTIMUM_TESTS(5)
SPOT5_OPTIMUM_TESTS(412)
SPOT5_OPTIMUM_TESTS(507)
SPOT5_OPTIMUM_TESTS(509)
SPOT5_OPTIMUM_TESTS(11)
SPOT5_OPTIMUM_TESTS(1502)
#else
// CBC proves these in < 2 s, the heuristic reaches them in < 0.1 s (README § 2.6 lists plain-CBC times).
SPOT5_OPTIMUM_TESTS(8)
SPOT5_OPTIMUM_TESTS(54)
SPOT5_OPTIMUM_TESTS(29)
SPOT5_OPTIMUM_TESTS(404)
SPOT5_OPTIMUM_TESTS(503)
SPOT5_OPTIMUM_TESTS(42)
SPOT5_OPTIMUM_TESTS(408)
SPOT5_OPTIMUM_TESTS(505)
#endif

#ifndef VANTAGE_SPOT5_SLOW
TEST(Spot5Validation, RsoaCertificatesPassOurCheckerWithTheListedValues)
{
    // ../shared/data/README.md § 2.5 "Wei, Hao, Ren & Glover, EJOR 2023, RSOA": values recomputed there with
    // an independent checker under the 200-unit reading (the certificate headers understate some by 2-4).
    const std::map<std::string, std::int64_t> listed = {
        {"8", 10},        {"54", 70},       {"29", 12032},    {"404", 49},      {"408", 3080},    {"412", 16096},
        {"42", 108067},   {"28", 56053},    {"5", 115},       {"503", 9096},    {"505", 13099},   {"507", 15137},
        {"509", 19117},   {"11", 22119},    {"1502", 61158},  {"1504", 124240}, {"1506", 164241}, {"1401", 171062},
        {"1403", 172143}, {"1405", 170179}, {"1021", 169243},
    };
    for (const auto &[id, value] : listed) {
        SCOPED_TRACE(id);
        const sp::Instance inst = io::read_spot5_file(spot5_instance_path(id));
        const io::Spot5Certificate c = io::read_spot5_certificate(spot5_certificate_path(id), inst);
        const auto rep = sp::check(inst, c.solution, sp::CapacityMode::units200, value);
        EXPECT_TRUE(rep.ok()) << (rep.violations.empty() ? "" : rep.violations.front().detail);
        EXPECT_EQ(rep.value, value);
        if (inst.capacity) {
            EXPECT_LE(rep.consumption, 200.0);
        }
    }
}

TEST(Spot5CrossCheck, TinyInstanceOptimaByEnumeration)
{
    // tests/data/scheduling/spot5_tiny.spot: 40 under units200, 31 under literal (tests/reference/README.md).
    const sp::Instance inst = io::read_spot5_file(std::string(VANTAGE_TEST_DATA) + "/scheduling/spot5_tiny.spot");
    for (const auto &[mode, expected] : {std::pair{sp::CapacityMode::units200, std::int64_t{40}},
                                         std::pair{sp::CapacityMode::literal, std::int64_t{31}}}) {
        SCOPED_TRACE(sp::to_string(mode));
        EXPECT_EQ(vantage::test_util::brute_force_optimum(inst, mode), expected);
        const sp::Result ex = sp::solve_exact(inst, mode, {});
        EXPECT_EQ(ex.value, expected);
        EXPECT_TRUE(ex.proven_optimal);
        sp::HeuristicOptions ho;
        ho.max_iterations = 500;
        EXPECT_EQ(sp::solve_heuristic(inst, mode, ho).value, expected);
    }
}

TEST(Spot5Validation, FullCapacityCertificatesBreakTheLiteralReading)
{
    // README § 2.4: the 1504, 1506, 1405 and 1021 certificates use exactly 200 units, i.e. ~90230 raw >
    // 90000. (Its § 2.5 remark that 1021 and 1405 use 198 units does not hold: counting the chosen
    // camera's consumption gives 200 for both, here and in an independent recount.)
    for (const std::string id : {"1504", "1506", "1405", "1021"}) {
        SCOPED_TRACE(id);
        const sp::Instance inst = io::read_spot5_file(spot5_instance_path(id));
        const io::Spot5Certificate c = io::read_spot5_certificate(spot5_certificate_path(id), inst);
        EXPECT_EQ(sp::check(inst, c.solution, sp::CapacityMode::units200).consumption, 200.0);
        const auto lit = sp::check(inst, c.solution, sp::CapacityMode::literal);
        ASSERT_EQ(lit.violations.size(), 1U);
        EXPECT_EQ(lit.violations.front().kind, sp::ViolationKind::capacity);
        EXPECT_GT(lit.consumption, 90000.0);
    }
}

TEST(Spot5Validation, CheckerRejectsFaultsPlantedInPublishedSolutions)
{
    // A forbidden pair and a forbidden triple planted in the RSOA solution of 54 (181 binary, 23 ternary
    // constraints), one photo too many in the full 1504 solution, and a wrong claimed value.
    const sp::Instance inst = io::read_spot5_file(spot5_instance_path("54"));
    const sp::Solution good = io::read_spot5_certificate(spot5_certificate_path("54"), inst).solution;
    ASSERT_TRUE(sp::check(inst, good, sp::CapacityMode::units200, 70).ok());
    for (const std::size_t arity : {2U, 3U}) {
        SCOPED_TRACE(arity);
        bool planted = false;
        for (std::size_t c = 0; c < inst.constraints.size() && !planted; ++c) {
            const auto &k = inst.constraints[c];
            if (k.scope.size() != arity || k.forbidden.empty()) {
                continue;
            }
            sp::Solution bad = good;
            for (std::size_t a = 0; a < arity; ++a) {
                bad.camera[static_cast<std::size_t>(k.scope[a])] = k.forbidden.front()[a];
            }
            const auto rep = sp::check(inst, bad, sp::CapacityMode::units200);
            bool found = false;
            for (const auto &v : rep.violations) {
                found = found || (v.kind == sp::ViolationKind::forbidden_tuple && v.constraint == static_cast<int>(c));
            }
            EXPECT_TRUE(found) << "constraint " << c;
            planted = true;
        }
        EXPECT_TRUE(planted);
    }
    EXPECT_EQ(sp::check(inst, good, sp::CapacityMode::units200, 71).violations.front().kind, sp::ViolationKind::value_mismatch);

    const sp::Instance full = io::read_spot5_file(spot5_instance_path("1504"));
    sp::Solution over = io::read_spot5_certificate(spot5_certificate_path("1504"), full).solution;
    for (std::size_t i = 0; i < full.photos.size(); ++i) {
        if (over.camera[i] == sp::camera_none && sp::consumption(full.photos[i].options[0], sp::CapacityMode::units200) > 0.0) {
            over.camera[i] = full.photos[i].options[0].camera;
            break;
        }
    }
    const auto rep = sp::check(full, over, sp::CapacityMode::units200);
    bool capacity = false;
    for (const auto &v : rep.violations) {
        capacity = capacity || v.kind == sp::ViolationKind::capacity;
    }
    EXPECT_TRUE(capacity);
    EXPECT_GT(rep.consumption, 200.0);
}
#endif
