#pragma once
/// @file
/// Imaging sensor models: agile optical (cone field of regard), fixed optical (swath), SAR (incidence
/// band and look side). The geometry definitions (nadir, off-nadir, incidence, look side, pass direction)
/// are in `vantage/geometry/look.hpp` and docs/formats.md § Geometry definitions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vantage::geometry {

/// Sensor family.
enum class SensorType {
    optical, ///< passive optical: needs daylight at the target when `min_sun_elevation_deg` is set
    sar,     ///< synthetic aperture radar: day and night, incidence band and look side
};

/// Side of the ground track, facing along the satellite's Earth-fixed velocity with nadir down.
enum class LookSide {
    left,  ///< left of the ground track
    right, ///< right of the ground track
    both,  ///< either side (sensor constraint only; a window is always left or right)
};

/// Direction of the sub-satellite point in latitude.
enum class PassDirection {
    ascending,  ///< latitude increasing (northbound)
    descending, ///< latitude decreasing (southbound)
    any,        ///< no constraint (sensor constraint only; a window is always ascending or descending)
};

/// Default along-track half-angle of a fixed (push-broom) optical sensor (degrees): a nadir push-broom at
/// 500-800 km then sees a target for 3-5 s around the instant it crosses the cross-track plane.
inline constexpr double default_along_track_half_angle_deg = 1.0;

/// Default SAR squint limit (degrees): |along-track look angle| at which a SAR images. A side-looking SAR images a
/// point as it crosses the zero-Doppler plane (the plane through the satellite normal to its Earth-fixed velocity;
/// the along-track look angle of docs/formats.md is 0 there); 1 deg is a few seconds of a LEO pass either side.
inline constexpr double default_max_squint_deg = 1.0;

/// The SAR polarisations (transmit, receive) a sensor or mode offers and a request may ask for, as STAC's
/// `sar:polarizations`: "HH", "HV", "VH", "VV".
bool is_polarization(std::string_view p) noexcept;

/// A sensor as the access engine sees it. Which fields apply:
/// - optical with `max_off_nadir_deg`: **agile optical**, target inside the cone off-nadir <= max;
/// - optical without `max_off_nadir_deg` but with `swath_km`: **fixed optical** (push-broom) with a rectangular
///   instantaneous field of view, as STK's rectangular sensor: |cross-track look angle| <= half-swath angle
///   (`half_swath_angle_deg` of `swath_km` at the current geodetic height) and |along-track look angle| <=
///   `along_track_half_angle_deg` (default `default_along_track_half_angle_deg`);
/// - optical, both: `min_sun_elevation_deg` (if set) must hold at the target;
/// - sar: incidence in [`incidence_min_deg`, `incidence_max_deg`], `look_side` and |along-track look angle| (the
///   squint) <= `max_squint_deg` (default `default_max_squint_deg`: a SAR images at zero Doppler, so, like a
///   push-broom, it sees a point while it crosses its beam); lighting ignored.
/// All: the target must see the satellite (elevation >= 0) and `pass_direction` filters windows by the
/// pass direction at their best time.
///
/// **Modes** (OR): when `modes` is non-empty, the window holds whenever *any* mode holds (e.g. Sentinel-1 IW or EW
/// incidence bands, or right-looking with one band and left-looking with another). Each mode is a complete sensor
/// of the same `type` (its own constraint fields; no `modes` of its own; `pass_direction` any); the sensor's own
/// constraint fields are then not used (the scenario reader copies them into every mode as defaults), but its
/// `pass_direction` filters the merged windows.
struct Sensor {
    std::string name;                               ///< sensor name (for messages)
    SensorType type = SensorType::optical;          ///< family
    std::optional<double> max_off_nadir_deg;        ///< agile optical field of regard half-angle (degrees, (0, 90))
    std::optional<double> swath_km;                 ///< fixed optical swath width on the ground (km, > 0)
    std::optional<double> along_track_half_angle_deg; ///< fixed optical along-track half-angle (degrees, (0, 45])
    std::optional<double> min_sun_elevation_deg;    ///< optical: min Sun elevation at the target (degrees, [-90, 90])
    std::optional<double> incidence_min_deg;        ///< SAR: min incidence at the target (degrees, [0, 90))
    std::optional<double> incidence_max_deg;        ///< SAR: max incidence at the target (degrees, (min, 90])
    std::optional<double> max_squint_deg;           ///< SAR: max |along-track look angle| (degrees, (0, 45])
    LookSide look_side = LookSide::both;            ///< allowed look side (SAR; honoured for optical too)
    PassDirection pass_direction = PassDirection::any; ///< allowed pass direction at the best time
    std::vector<std::string> polarizations;         ///< SAR: polarisations offered (is_polarization; empty: none declared)
    std::optional<double> gsd_nadir_m;              ///< optical: ground sample distance at nadir (m, (0, 1000])
    std::optional<double> slant_range_resolution_m; ///< SAR: slant-range resolution (m, (0, 1000])
    std::vector<Sensor> modes;                      ///< alternative modes (OR); empty: the fields above apply
};

/// Checks that a sensor is complete and consistent (the rules in the `Sensor` comment).
/// @throws ConfigError(ErrorCode::missing_field) naming the missing field (context field e.g. "max_off_nadir_deg"
///         or "swath_km", value the sensor name), ConfigError(ErrorCode::out_of_range) for a value outside its range,
///         ConfigError(ErrorCode::unsupported) for a mode with another type, modes of its own or a pass direction
///         (context field "modes[i].<key>").
void validate_sensor(const Sensor &sensor);

} // namespace vantage::geometry
