#pragma once
/// @file
/// Eigen aliases used across Vantage.

#include <Eigen/Core>

namespace vantage {
using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;
} // namespace vantage
