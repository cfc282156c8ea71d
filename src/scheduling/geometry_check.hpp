#pragma once
// Margins of an acquisition's geometry limits (private header of the tasking planner).

#include <limits>

#include "vantage/core/math.hpp"
#include "vantage/frames/state.hpp"
#include "vantage/geometry/detail/sun_table.hpp"
#include "vantage/scheduling/plan.hpp"

namespace vantage::scheduling::detail {

/// Result of evaluating the limits at one instant for one ground point.
struct LimitEval {
    double margin_deg = 0.0;    ///< min over the constraints of (limit - value) in degrees; >= 0 when all hold
    double off_nadir_deg = 0.0;
    double incidence_deg = 0.0;
    geometry::LookSide side = geometry::LookSide::right;
    geometry::PassDirection pass = geometry::PassDirection::ascending;
};

/// Evaluates every limit of `lim` for a satellite at ITRF (r, v) looking at the ground point `p` (ITRF km,
/// geodetic `g`), with the Sun at `sun_itrf_km` (ignored without a Sun limit). Pass direction is returned, not
/// included in the margin (it is checked once per acquisition, at its mid time).
LimitEval evaluate_limits(const AcquisitionLimits &lim, const Vec3 &r_km, const Vec3 &v_km_s, const Vec3 &p_km,
                          const frames::Geodetic &g, const Vec3 &sun_itrf_km);

} // namespace vantage::scheduling::detail
