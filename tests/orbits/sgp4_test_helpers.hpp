#pragma once
// Shared helpers of the SGP4 tests: a component-wise comparison that reports the component, the
// reference, the actual value, the difference and the tolerance (GeographicLib's checkEquals idea),
// and a running maximum so each test can print the largest difference it saw.

#include <algorithm>
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "vantage/core/math.hpp"

namespace vantage::orbits::test {

/// Largest absolute difference seen, with where it happened.
struct MaxDiff {
    double value = 0.0;
    std::string where;
    void update(double diff, const std::string &label)
    {
        if (diff > value) {
            value = diff;
            where = label;
        }
    }
};

/// Checks |actual - expected| <= tol and reports "label component: expected E, actual A, diff D, tol T".
inline ::testing::AssertionResult near_component(const std::string &label, const char *component, double expected,
                                                 double actual, double tol)
{
    const double diff = std::fabs(actual - expected);
    if (diff <= tol) {
        return ::testing::AssertionSuccess();
    }
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s %s: expected %.10f, actual %.10f, diff %.3e, tol %.1e", label.c_str(),
                  component, expected, actual, diff, tol);
    return ::testing::AssertionFailure() << buf;
}

/// Compares r (km) and v (km/s) vectors component by component; updates the running maxima.
inline void expect_state_near(const std::string &label, const Vec3 &r_expected_km, const Vec3 &v_expected_km_s,
                              const Vec3 &r_km, const Vec3 &v_km_s, double pos_tol_km, double vel_tol_km_s,
                              MaxDiff *max_pos_km = nullptr, MaxDiff *max_vel_km_s = nullptr)
{
    static const char *const rname[3] = {"x_km", "y_km", "z_km"};
    static const char *const vname[3] = {"vx_km_s", "vy_km_s", "vz_km_s"};
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(near_component(label, rname[i], r_expected_km[i], r_km[i], pos_tol_km));
        EXPECT_TRUE(near_component(label, vname[i], v_expected_km_s[i], v_km_s[i], vel_tol_km_s));
        if (max_pos_km != nullptr) {
            max_pos_km->update(std::fabs(r_km[i] - r_expected_km[i]), label);
        }
        if (max_vel_km_s != nullptr) {
            max_vel_km_s->update(std::fabs(v_km_s[i] - v_expected_km_s[i]), label);
        }
    }
}

} // namespace vantage::orbits::test
