#pragma once
// Shared helpers of the SGP4 tests: a component-wise comparison that reports the component, the
// reference, the actual value, the difference and the tolerance (GeographicLib's checkEquals idea),
// and a running maximum so each test can print the largest difference it saw.

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vantage/core/math.hpp"
#include "vantage/orbits/sgp4_batch.hpp"

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

/// Which implementation a test drives: `Sgp4Propagator::propagate_minutes` per state, or the batch
/// path (`propagate_batch_minutes`: SIMD kernel for near-Earth, scalar kernel for deep space).
enum class Sgp4Path { scalar, batch };

inline const char *path_name(Sgp4Path path)
{
    return path == Sgp4Path::scalar ? "scalar" : "batch";
}

/// States of one satellite at the given minutes since epoch through `path`.
inline std::vector<Sgp4State> propagate_path(const Sgp4Propagator &prop, std::span<const double> t_min, Sgp4Path path)
{
    std::vector<Sgp4State> states;
    states.reserve(t_min.size());
    if (path == Sgp4Path::scalar) {
        for (const double t : t_min) {
            states.push_back(prop.propagate_minutes(t));
        }
        return states;
    }
    const std::size_t n = t_min.size();
    std::vector<double> x(n), y(n), z(n), vx(n), vy(n), vz(n);
    std::vector<Sgp4Status> st(n);
    propagate_batch_minutes(std::span<const Sgp4Propagator>(&prop, 1), t_min, Sgp4BatchOutput{x, y, z, vx, vy, vz, st});
    for (std::size_t k = 0; k < n; ++k) {
        states.push_back(Sgp4State{Vec3(x[k], y[k], z[k]), Vec3(vx[k], vy[k], vz[k]), st[k]});
    }
    return states;
}

} // namespace vantage::orbits::test
