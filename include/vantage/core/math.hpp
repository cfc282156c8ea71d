#pragma once
/// @file
/// Eigen aliases used across Vantage.

#include <Eigen/Core>
#include <Eigen/Geometry>

namespace vantage {
using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;
} // namespace vantage
