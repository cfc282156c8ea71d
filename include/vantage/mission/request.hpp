#pragma once
/// @file
/// Observation requests of partner nations: the request model shared by the tasking planner (issue 6), the
/// scenario files and the HTTP service (issue 7). Plain domain values; parsing is in `vantage::io`
/// (io/request_json.hpp for JSON bodies; the scenario reader for YAML). Keys and rules:
/// docs/design/tasking-model.md and docs/formats.md § Requests.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vantage/geometry/polygon.hpp"
#include "vantage/geometry/sensor.hpp"
#include "vantage/geometry/site.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::mission {

/// Which sensor family may serve a request.
enum class SensorKind {
    optical, ///< optical sensors only
    sar,     ///< SAR sensors only
    any,     ///< either
};

/// Commercial tasking tiers, highest first (`tier` key). The planner's objective is lexicographic over tiers: a
/// higher tier is served whenever it has a feasible placement, displacing lower tiers; within the urgent tier the
/// number of served occurrences comes first; within a tier the value is `reward` (default: `priority`).
enum class Tier {
    urgent = 0,   ///< pre-empts every lower tier (`urgent: true` means this tier)
    priority = 1, ///< above routine tasking
    standard = 2, ///< the default
    flexible = 3, ///< served with what is left
};
/// Number of tiers.
inline constexpr int tier_count = 4;

/// Repetition: occurrence k (0-based, k < count) has the window
/// [window_start + k every_h, window_start + k every_h + window_h].
struct Repeat {
    double every_h = 24.0;  ///< period (hours, > 0)
    int count = 1;          ///< number of occurrences (1 .. 10000)
    double window_h = 24.0; ///< length of each occurrence's window (hours, (0, every_h])
    bool operator==(const Repeat &) const = default;
};

/// Stereo (`stereo` key; optical, point targets): `images` images of the target by one satellite on one pass, each
/// of the request's duration_s, whose consecutive pairs have a base-to-height ratio B/H = |tan θ1 - tan θ2| in
/// [bh_min, bh_max] (θ: the along-track viewing angle at the target, docs/formats.md § Geometry definitions). The
/// occurrence is served only when all are acquired.
struct Stereo {
    int images = 2;       ///< 2 (stereo) or 3 (tri-stereo)
    double bh_min = 0.25; ///< (0, 2)
    double bh_max = 0.6;  ///< (bh_min, 2]
    bool operator==(const Stereo &) const = default;
};

/// One observation request.
struct Request {
    std::string id;     ///< `[A-Za-z0-9._:-]{1,64}`, unique per store / scenario
    std::string tenant; ///< owning nation, `[A-Za-z0-9_-]{1,16}` (e.g. "FR")
    int priority = 5;   ///< 1 .. 10, 10 highest; the value of serving one occurrence
    /// point target (exactly one of point / polygon); `id` = request id; lat [-90, 90], lon [-180, 180] (RFC 7946,
    /// as polygon vertices: a longitude in (180, 360] is refused, not wrapped), alt [-1000, 10000] m
    std::optional<geometry::Target> point;
    std::optional<geometry::Polygon> polygon;  ///< area target (GeoJSON Polygon / MultiPolygon; geometry::validate_polygon)
    time::Instant window_start; ///< start of the (first occurrence's) window
    time::Instant window_end;   ///< end of the (first occurrence's) window (> start); with `repeat`, see Repeat
    SensorKind sensor = SensorKind::any;
    std::optional<double> max_off_nadir_deg;     ///< (0, 90); tightens the sensor's own limit
    std::optional<double> incidence_min_deg;     ///< [0, 90); SAR
    std::optional<double> incidence_max_deg;     ///< (min, 90]; SAR
    std::optional<double> min_sun_elevation_deg; ///< [-90, 90]; optical
    geometry::LookSide look_side = geometry::LookSide::both;
    geometry::PassDirection pass_direction = geometry::PassDirection::any;
    /// SAR: the instrument mode (a sensor mode's `name`, e.g. "IW"; a sensor without modes is one mode named after
    /// the sensor), as STAC's `sar:instrument_mode`; none: any mode
    std::optional<std::string> instrument_mode;
    std::vector<std::string> polarizations; ///< SAR: every one must be offered by the mode (geometry::is_polarization)
    /// (0, 1e5] m: largest image resolution: optical, the geometric-mean GSD (geometry::optical_gsd); SAR, the
    /// ground-range resolution (geometry::sar_ground_range_resolution_m). A sensor that states no resolution
    /// (`gsd_nadir_m`, `slant_range_resolution_m`) does not serve such a request.
    std::optional<double> max_gsd_m;
    /// [0, 100] %: optical: the most cloud cover an image may have (STAC's `eo:cloud_cover` unit). With cloud data
    /// the planner values an opportunity by the probability that its cover is at most this (mission/clouds.hpp);
    /// without, it is reported and ignored. SAR ignores clouds.
    std::optional<double> max_cloud_cover_pct;
    /// (0, 1]: optical: plan an image only where that probability is at least this (value subject to a minimum
    /// probability); none: every opportunity counts by its probability (expected value)
    std::optional<double> min_cloud_probability;
    std::optional<Stereo> stereo; ///< stereo or tri-stereo images (optical point targets)
    double duration_s = 10.0;     ///< imaging duration for a point (s, (0, 3600]); polygons: from their strips
    std::optional<Repeat> repeat; ///< none: one occurrence with the window above
    Tier tier = Tier::standard;   ///< `tier` (`urgent: true` means Tier::urgent)
    std::optional<double> reward; ///< `reward` ((0, 1e6]): the value of one occurrence, overriding `priority`

    /// The value of serving one occurrence within its tier: `reward`, else `priority`.
    double value() const noexcept { return reward ? *reward : static_cast<double>(priority); }

    bool operator==(const Request &) const = default;
};

/// One occurrence of a request.
struct Occurrence {
    int index = 0;       ///< 0-based occurrence number
    time::Instant start; ///< window start
    time::Instant end;   ///< window end
};

/// Checks every rule of the request model.
/// @throws ConfigError whose context field is the key path of the offending value (`priority`, `window_end_utc`,
///         `target.lat_deg`, `aoi.coordinates[0][3]`, `repeat.window_h`, `incidence_max_deg`, ...) and value its
///         text: out_of_range, missing_field (neither target nor aoi), syntax (both, or a malformed id), unsupported
///         (a SAR-only limit on an optical request or the reverse).
void validate_request(const Request &request);

/// The occurrences in time order (one when `repeat` is absent).
std::vector<Occurrence> occurrences(const Request &request);

/// Stable names used in files and JSON: "optical", "sar", "any".
const char *to_string(SensorKind kind) noexcept;

/// Stable names used in files and JSON: "urgent", "priority", "standard", "flexible".
const char *to_string(Tier tier) noexcept;

/// The tier named `name` (one of to_string's names), or nullopt.
std::optional<Tier> tier_from_string(std::string_view name) noexcept;

} // namespace vantage::mission
