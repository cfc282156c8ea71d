#pragma once
/// @file
/// The one rule by which a request tightens a sensor's limits. The service's feasibility search
/// (api::find_opportunities) and the tasking planner (scheduling::build_instance) both call `imaging_limits`, so a
/// request the service calls feasible is one the planner can place, and the other way round.

#include <optional>

#include "vantage/geometry/sensor.hpp"
#include "vantage/mission/request.hpp"

namespace vantage::mission {

/// The geometry limits one acquisition of a request must meet on one sensor (or one mode of it): the sensor's own,
/// tightened by the request's. Which fields are set follows the sensor kind (geometry::Sensor):
/// agile optical: `max_off_nadir_deg` (the cone); fixed optical: `swath_km` and `along_track_half_angle_deg`
/// (the instrument's field of view) and, when the request sets one, `max_off_nadir_deg` (a limit on the look
/// angle of the scene: a push-broom cannot point, so the limit selects crossings); SAR: the incidence band, the
/// squint limit in `along_track_half_angle_deg` (the sensor's `max_squint_deg`, default 1 deg: zero Doppler) and,
/// when the request sets one, `max_off_nadir_deg` (the radar's look angle). Optical: `min_sun_elevation_deg`.
struct ImagingLimits {
    std::optional<double> max_off_nadir_deg;          ///< off-nadir angle of the line of sight <= this (deg)
    std::optional<double> swath_km;                   ///< fixed optical: |cross-track| <= half_swath_angle_deg(swath_km, h)
    std::optional<double> along_track_half_angle_deg; ///< fixed optical, SAR (squint): |along-track look angle| <= this (deg)
    std::optional<double> incidence_min_deg;          ///< SAR (deg)
    std::optional<double> incidence_max_deg;          ///< SAR (deg)
    std::optional<double> min_sun_elevation_deg;      ///< optical (deg)
    std::optional<double> resolution_m; ///< the sensor's gsd_nadir_m (optical) or slant_range_resolution_m (SAR)
    std::optional<double> max_gsd_m;    ///< the request's: mean GSD (optical) / ground-range resolution (SAR) <= this (m)
    geometry::LookSide look_side = geometry::LookSide::both;
    geometry::PassDirection pass_direction = geometry::PassDirection::any;
    bool operator==(const ImagingLimits &) const = default;
};

/// Whether a sensor of this family may serve the request at all (`sensor: optical | sar | any`).
bool serves_kind(const geometry::Sensor &sensor, const Request &request) noexcept;

/// Whether one mode (or a sensor without modes, one mode named after the sensor) offers what a SAR request asks
/// for: its `instrument_mode` is the mode's name, and it offers every one of the request's `polarizations`. A
/// request that asks for neither is offered by every mode; one that asks for either only by SAR modes.
bool offers(const geometry::Sensor &mode, const Request &request);

/// The sensor with only the modes that offer the request (`offers`), or the sensor itself when it has no modes
/// and offers it; nullopt when none does. Call it before `imaging_limits` (which tightens one mode at a time).
std::optional<geometry::Sensor> offered_modes(const geometry::Sensor &sensor, const Request &request);

/// The rule, for a sensor without modes or for one mode (a mode is a complete geometry::Sensor):
/// - off-nadir: the request's `max_off_nadir_deg` and the sensor's cone, the smaller; for a sensor without a cone
///   (fixed optical, SAR) the request's limit alone;
/// - incidence (SAR): the two bands intersect; an empty band excludes the sensor;
/// - Sun elevation (optical): the higher minimum; ignored for SAR (it images at night);
/// - look side and pass direction: `both`/`any` take the other's; two different fixed values exclude the sensor;
/// - resolution: the request's `max_gsd_m` on the sensor's resolution; a sensor that states none is excluded.
/// nullopt when the request excludes the sensor (family, empty band, side, direction). `sensor.modes` must be
/// empty (tighten each mode; geometry::Sensor's modes are ORed).
std::optional<ImagingLimits> imaging_limits(const geometry::Sensor &sensor, const Request &request);

/// The sensor's own limits: `imaging_limits` for a request that asks nothing more.
ImagingLimits sensor_limits(const geometry::Sensor &sensor);

/// Whether the sensor has a cone the access engine searches (agile optical; for a sensor with modes, its modes').
bool has_cone(const geometry::Sensor &sensor) noexcept;

/// The request's off-nadir limit when the sensor has no cone to shrink (fixed optical, SAR): the access engine then
/// searches the sensor's own field of view and the limit selects windows (`window_min_off_nadir_deg <= limit`, the
/// angle being nearly constant over a crossing) and, in the planner, the acquisitions. nullopt otherwise.
std::optional<double> look_angle_limit_deg(const geometry::Sensor &sensor, const Request &request) noexcept;

/// Whether the sensor points its line of sight at a target (agile optical, SAR): the satellite then slews between
/// acquisitions. A fixed push-broom cannot.
bool points(const geometry::Sensor &sensor) noexcept;

/// Whether the sensor images a point as the point crosses its instrument line or beam (fixed push-broom; SAR, at
/// zero Doppler within its squint limit): its window is the few seconds of that crossing, and an acquisition of
/// `duration_s` is the scene around it (the window inside the acquisition). Agile optical stares: its acquisition
/// lies inside a window.
bool images_at_crossing(const geometry::Sensor &sensor) noexcept;

/// Whether an access window of `window_s` seconds can hold an acquisition of `duration_s` seconds
/// (`images_at_crossing`, else the window must be as long as the acquisition).
bool window_holds(const geometry::Sensor &sensor, double window_s, double duration_s) noexcept;

/// `sensor` (without modes, or one mode) with its constraint fields replaced by `limits`, for the access engine: an
/// agile sensor's cone shrinks; a sensor without a cone gets none (the engine would take it for an agile one).
geometry::Sensor search_sensor(const geometry::Sensor &sensor, const ImagingLimits &limits);

} // namespace vantage::mission
