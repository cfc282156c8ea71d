#pragma once
// Shared expectations of the coverage tests: the figures that the definitions fix exactly.
#include <gtest/gtest.h>

#include "vantage/coverage/figures.hpp"

namespace vantage::test_util {

/// A point never seen over T seconds: no access, one gap of T, response T/2 (the lower bound), never NaN.
inline void expect_never_seen(const coverage::PointFigures &f, double duration_s)
{
    EXPECT_EQ(f.accesses, 0u);
    EXPECT_EQ(f.satellite_passes, 0u);
    EXPECT_FALSE(f.first_access_s.has_value());
    EXPECT_EQ(f.gaps, 1u);
    EXPECT_EQ(f.max_gap_s, duration_s);
    EXPECT_EQ(f.mean_gap_s, duration_s);
    EXPECT_EQ(f.p95_gap_s, duration_s);
    EXPECT_EQ(f.mean_response_s, duration_s / 2.0);
    EXPECT_EQ(f.time_in_view_s, 0.0);
}

/// A point in view for the whole interval (one access from t = 0): no gap, response 0.
inline void expect_always_seen(const coverage::PointFigures &f, double duration_s, double view_tol_s = 0.0)
{
    EXPECT_EQ(f.accesses, 1u);
    ASSERT_TRUE(f.first_access_s.has_value());
    EXPECT_EQ(*f.first_access_s, 0.0);
    EXPECT_EQ(f.gaps, 0u);
    EXPECT_EQ(f.max_gap_s, 0.0);
    EXPECT_EQ(f.mean_gap_s, 0.0);
    EXPECT_EQ(f.p95_gap_s, 0.0);
    EXPECT_EQ(f.mean_response_s, 0.0);
    EXPECT_NEAR(f.time_in_view_s, duration_s, view_tol_s);
}

} // namespace vantage::test_util
