#pragma once
// Margins of an acquisition's geometry limits (private header of the tasking planner).

#include <limits>
#include <optional>
#include <vector>

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
    double along_track_deg = 0.0; ///< signed along-track look angle (+ ahead; docs/formats.md): the SAR's squint
    double gsd_along_m = 0.0;     ///< optical with a resolution: along-track GSD (m); SAR: ground-range resolution
    double gsd_cross_m = 0.0;     ///< optical with a resolution: cross-track GSD (m); SAR: ground-range resolution
    double gsd_m = 0.0;           ///< optical: geometric-mean GSD; SAR: ground-range resolution (m); 0: none stated
    geometry::LookSide side = geometry::LookSide::right;
    geometry::PassDirection pass = geometry::PassDirection::ascending;
};

/// One limit that does not hold at an instant: its name ("elevation", "off_nadir", "swath", "along_track" (fixed
/// optical), "squint" (SAR), "incidence_min", "incidence_max", "look_side", "sun_elevation"), measured value, bound, and
/// excess = how far the value is on the wrong side of the bound (deg, > 0).
struct LimitViolation {
    const char *limit = "";
    double value_deg = 0.0;  ///< for "gsd": metres
    double bound_deg = 0.0;  ///< for "gsd": metres
    double excess_deg = 0.0; ///< for "gsd": metres
    double rank_deg = 0.0;   ///< how far off, comparable across limits: excess_deg; for "gsd" the margin's scale
};

/// Evaluates every limit of `lim` for a satellite at ITRF (r, v) looking at the ground point `p` (ITRF km,
/// geodetic `g`), with the Sun at `sun_itrf_km` (ignored without a Sun limit). Pass direction is returned, not
/// included in the margin (it is checked once per acquisition, at its mid time).
/// With `violations`, every limit that does not hold is appended to it.
LimitEval evaluate_limits(const AcquisitionLimits &lim, const Vec3 &r_km, const Vec3 &v_km_s, const Vec3 &p_km,
                          const frames::Geodetic &g, const Vec3 &sun_itrf_km,
                          std::vector<LimitViolation> *violations = nullptr);

/// The sensor's limits tightened by the request's (mission::imaging_limits on the sensor's modes merged into one set,
/// planning_sensor); `tight` says whether the request tightened anything but the pass direction (the access
/// engine's windows, found with the sensor's own limits, then need re-checking); nullopt when the two exclude each
/// other. @throws ConfigError(unsupported) for modes that are not one set of limits.
std::optional<AcquisitionLimits> effective_limits(const geometry::Sensor &with_modes, const mission::Request &r, bool &tight);

} // namespace vantage::scheduling::detail
