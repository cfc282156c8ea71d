// The SPOT5 checker rejects planted faults of every kind and accepts the untouched solution; validate()
// rejects inconsistent instances built in code. Instances here are built in code (no io).
#include <gtest/gtest.h>

#include "vantage/core/error.hpp"
#include "vantage/spot5/spot5.hpp"

namespace sp = vantage::spot5;

namespace {

// Photo 0 (w 3, cameras 1/2/3, mono 451.15), photo 1 (w 5, stereo 1804.5), photo 2 (w 1, camera 2, 0),
// photo 3 (w 2, cameras 1/3, 451.15). Binary (0,3) forbids (1,1); ternary (0,2,3) forbids (2,2,3).
// Capacity 2300: 5.1 mono units -> units200 reading round(2300/451) = 5 units.
sp::Instance small()
{
    sp::Instance inst;
    inst.name = "small";
    inst.photos = {
        {0, 3, {{1, 451.15}, {2, 451.15}, {3, 451.15}}, {}},
        {1, 5, {{13, 1804.5}}, {}},
        {2, 1, {{2, 0.0}}, {}},
        {3, 2, {{1, 451.15}, {3, 451.15}}, {}},
    };
    inst.constraints = {
        {{0, 3}, {{1, 1}}},
        {{0, 2, 3}, {{2, 2, 3}}},
    };
    inst.capacity = 2300.0;
    return inst;
}

bool has(const sp::CheckReport &r, sp::ViolationKind k)
{
    for (const auto &v : r.violations) {
        if (v.kind == k) {
            return true;
        }
    }
    return false;
}

} // namespace

TEST(Spot5CheckerProperty, AcceptsAFeasibleSolutionWithItsValue)
{
    const sp::Instance inst = small();
    const sp::Solution s{{1, 13, 2, 3}}; // 451.15 + 1804.5 + 0 + 451.15 = 2706.8 raw = 6 units > 5
    const sp::Solution fits{{1, 13, 2, 0}}; // 5 units, 2255.65 raw
    const auto rep = sp::check(inst, fits, sp::CapacityMode::units200, 9);
    EXPECT_TRUE(rep.ok()) << (rep.violations.empty() ? "" : rep.violations.front().detail);
    EXPECT_EQ(rep.value, 9);
    EXPECT_EQ(rep.consumption, 5.0);
    EXPECT_EQ(rep.capacity, 5.0);
    EXPECT_TRUE(sp::check(inst, fits, sp::CapacityMode::literal, 9).ok());
    EXPECT_TRUE(has(sp::check(inst, s, sp::CapacityMode::units200), sp::ViolationKind::capacity));
}

TEST(Spot5CheckerProperty, RejectsAViolatedBinaryConstraint)
{
    const auto rep = sp::check(small(), sp::Solution{{1, 0, 0, 1}}, sp::CapacityMode::units200);
    ASSERT_TRUE(has(rep, sp::ViolationKind::forbidden_tuple));
    EXPECT_EQ(rep.violations.front().constraint, 0);
}

TEST(Spot5CheckerProperty, RejectsAViolatedTernaryConstraint)
{
    const auto rep = sp::check(small(), sp::Solution{{2, 0, 2, 3}}, sp::CapacityMode::units200);
    ASSERT_TRUE(has(rep, sp::ViolationKind::forbidden_tuple));
    EXPECT_EQ(rep.violations.front().constraint, 1);
    // A ternary constraint only applies when all three photos are taken.
    EXPECT_TRUE(sp::check(small(), sp::Solution{{2, 0, 0, 3}}, sp::CapacityMode::units200).ok());
}

TEST(Spot5CheckerProperty, RejectsCapacityExcessUnderEachReading)
{
    sp::Instance inst = small();
    // Photos 0 and 1 take 451.15 + 1804.5 = 2255.65 raw = 1 + 4 units.
    inst.capacity = 2255.0; // literal: 2255.65 > 2255 fails; units200: round(2255/451) = 5 units holds
    const sp::Solution s{{1, 13, 2, 0}};
    EXPECT_TRUE(has(sp::check(inst, s, sp::CapacityMode::literal), sp::ViolationKind::capacity));
    EXPECT_TRUE(sp::check(inst, s, sp::CapacityMode::units200).ok());
}

TEST(Spot5CheckerProperty, RejectsAWrongValueAValueOutsideTheDomainAndAWrongSize)
{
    const sp::Instance inst = small();
    EXPECT_TRUE(has(sp::check(inst, sp::Solution{{1, 13, 2, 0}}, sp::CapacityMode::units200, 10), sp::ViolationKind::value_mismatch));
    const auto dom = sp::check(inst, sp::Solution{{13, 0, 0, 0}}, sp::CapacityMode::units200);
    ASSERT_TRUE(has(dom, sp::ViolationKind::not_in_domain));
    EXPECT_EQ(dom.violations.front().photo, 0);
    EXPECT_TRUE(has(sp::check(inst, sp::Solution{{1, 13}}, sp::CapacityMode::units200), sp::ViolationKind::wrong_size));
}

TEST(Spot5CheckerProperty, ValidateRejectsInconsistentInstances)
{
    auto expect_invalid = [](sp::Instance inst) {
        try {
            sp::validate(inst);
            ADD_FAILURE() << "accepted";
        } catch (const vantage::DomainError &e) {
            EXPECT_EQ(e.code(), vantage::ErrorCode::invalid_argument);
        }
    };
    EXPECT_NO_THROW(sp::validate(small()));
    sp::Instance a = small();
    a.photos[0].weight = -1;
    expect_invalid(a);
    sp::Instance b = small();
    b.photos[0].options.push_back({2, 0.0}); // camera 2 twice
    expect_invalid(b);
    sp::Instance c = small();
    c.constraints[0].scope = {0, 0};
    expect_invalid(c);
    sp::Instance d = small();
    d.constraints[1].forbidden = {{2, 2}};
    expect_invalid(d);
    sp::Instance e = small();
    e.capacity = -1.0;
    expect_invalid(e);
    sp::Instance f = small();
    f.constraints[0].scope = {0, 7};
    expect_invalid(f);
}
