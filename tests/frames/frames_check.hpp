#pragma once
// Comparison helpers for frame tests: report component, expected, actual, difference and tolerance
// (GeographicLib's checkEquals style), so a failure says which number moved and by how much.

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include <fmt/format.h>

#include "vantage/core/math.hpp"

namespace vantage::test {

inline ::testing::AssertionResult near_scalar(const std::string &what, double actual, double expected, double tol)
{
    const double diff = actual - expected;
    if (std::isfinite(actual) && std::abs(diff) <= tol) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << fmt::format("{}: expected {:.12g}, actual {:.12g}, diff {:.3e}, tol {:.3e}",
                                                        what, expected, actual, diff, tol);
}

inline ::testing::AssertionResult near_vec3(const std::string &what, const Vec3 &actual, const Vec3 &expected,
                                            double tol)
{
    static const char *axis[] = {"x", "y", "z"};
    std::string msg;
    for (int i = 0; i < 3; ++i) {
        const double diff = actual[i] - expected[i];
        if (!std::isfinite(actual[i]) || std::abs(diff) > tol) {
            msg += fmt::format("\n  {}.{}: expected {:.12g}, actual {:.12g}, diff {:.3e}, tol {:.3e}", what, axis[i],
                               expected[i], actual[i], diff, tol);
        }
    }
    if (msg.empty()) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << msg;
}

} // namespace vantage::test

/// EXPECT that every component of `actual` is within `tol` of `expected` (same unit), printing each bad one.
#define EXPECT_NEAR_VEC3(actual, expected, tol) EXPECT_TRUE(::vantage::test::near_vec3(#actual, (actual), (expected), (tol)))
/// EXPECT a scalar within `tol`, printing expected, actual, diff and tol.
#define EXPECT_NEAR_TOL(actual, expected, tol) EXPECT_TRUE(::vantage::test::near_scalar(#actual, (actual), (expected), (tol)))
