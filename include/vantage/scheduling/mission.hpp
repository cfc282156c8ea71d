#pragma once
/// @file
/// The tasking mission model: what the planner (scheduling/plan.hpp) plans for. Plain domain values; the scenario
/// reader (io/mission_scenario.hpp) builds them from YAML, the HTTP service from its store. Keys, units and
/// defaults: docs/formats.md § Tasking scenario; the model: docs/architecture/scheduling.md.
///
/// Defaults are Pléiades-class: agility 3 deg/s, 1 deg/s², 2 s settle (60 deg in about 25 s); instrument data
/// rate 1000 Mbit/s (after compression); mass memory 600 Gbit; X-band downlink 465 Mbit/s (3 x 155 Mbit/s).

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vantage/access/access.hpp"
#include "vantage/access/eclipse.hpp"
#include "vantage/access/links.hpp"
#include "vantage/frames/earth_orientation.hpp"
#include "vantage/geometry/site.hpp"
#include "vantage/mission/clouds.hpp"
#include "vantage/mission/request.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::scheduling {

/// How the size of a slew between two look vectors is measured (sensor key `agility.slew_angle`; agility.hpp).
enum class SlewMeasure {
    lvlh,       ///< `lvlh`: the angle between the two LVLH look vectors (default)
    roll_pitch, ///< `roll_pitch`: |Δroll| + |Δpitch| of the two looks' roll and pitch angles
};

/// Attitude agility of a satellite (sensor key `agility`): rest-to-rest slews with bounded rate and acceleration
/// (or a piecewise-linear slew table), followed by a settling time. See agility.hpp for the slew laws.
struct Agility {
    double max_rate_deg_s = 3.0;   ///< ω, maximum slew rate (deg/s, > 0)
    double max_accel_deg_s2 = 1.0; ///< α, maximum angular acceleration (deg/s², > 0)
    double settle_s = 2.0;         ///< settling time after every slew (s, >= 0)
    SlewMeasure measure = SlewMeasure::lvlh; ///< `slew_angle`
    /// `slew_table`: (slew size in deg, slew time in s) points; when given it replaces the rate/acceleration law:
    /// linear between points, the last segment's slope beyond the last. Sizes start at 0 and increase, times do not
    /// decrease (validate_mission).
    std::vector<std::pair<double, double>> slew_table;
    /// `initial_attitude: nadir`: the satellite looks at nadir at the start of the horizon, so its first acquisition
    /// starts no earlier than the slew from nadir allows (`free`, the default: no constraint before the first one)
    bool initial_nadir = false;
    bool operator==(const Agility &) const = default;
};

/// The electrical power of a satellite (satellite key `power`; issue 15, item 2): a battery charged by the solar
/// array in sunlight and drained by the loads. The planner simulates its energy like the mass memory: between
/// events (eclipse edges, the start and end of each acquisition, slew and downlink) the net power is constant; the
/// energy rises to at most max_soc x battery_wh (the charge regulator clips it) and must never fall below
/// min_soc x battery_wh. Penumbra counts as shadow (no solar power: conservative, ~10 s per eclipse).
struct PowerModel {
    double battery_wh = 0.0;  ///< `battery_wh`: capacity (Wh, > 0)
    double initial_soc = 1.0; ///< `initial_soc`: state of charge at the horizon start (fraction, [min_soc, max_soc])
    double min_soc = 0.3;     ///< `min_soc`: never below (fraction, [0, 1))
    double max_soc = 1.0;     ///< `max_soc`: charging stops here (fraction, (min_soc, 1])
    double solar_w = 0.0;     ///< `solar_w`: array output in sunlight, orbit-average pointing (W, >= 0)
    double bus_w = 0.0;       ///< `bus_w`: platform load, always on (W, >= 0)
    double imaging_w = 0.0;   ///< `imaging_w`: extra load of the sensor while imaging (W, >= 0)
    double slew_w = 0.0;      ///< `slew_w`: extra load of the actuators over a whole transition, settling included (W, >= 0)
    double downlink_w = 0.0;  ///< `downlink_w`: extra load of the transmitter while sending (W, >= 0)
    access::ShadowModel shadow = access::ShadowModel::conical; ///< `eclipse`: `conical` (default) or `cylindrical`
    bool operator==(const PowerModel &) const = default;
};

/// A satellite as the planner sees it: the access engine's satellite (propagator, name, sensor) plus its
/// tasking figures.
struct TaskingSatellite {
    explicit TaskingSatellite(access::Satellite s) : sat(std::move(s)) {}
    access::Satellite sat;               ///< propagator, display name, sensor (geometry limits)
    Agility agility;                     ///< sensor `agility`
    double data_rate_mbit_s = 1000.0;    ///< sensor `data_rate_mbit_s`: data recorded per second of imaging (Mbit/s, > 0)
    double imaging_swath_km = 20.0;      ///< sensor `imaging_swath_km`: ground width of one acquisition (km, > 0);
                                         ///< default swath_km for a fixed optical sensor, 20 (agile optical), 30 (SAR)
    double storage_gbit = 600.0;         ///< satellite `storage_gbit`: mass memory (Gbit, > 0)
    std::optional<double> max_imaging_s_per_orbit; ///< satellite `max_imaging_s_per_orbit` (s, > 0): see docs
    std::optional<PowerModel> power;     ///< satellite `power`; none: power is not a constraint
    /// satellite `relay_terminal: {min_elevation_deg}`: the satellite carries a terminal for the scenario's relays
    /// (its pointing limit; access::LinkTerminal); none: it downlinks only directly to stations
    std::optional<access::LinkTerminal> relay_terminal;
    /// True when the sensor is pointed at each target (agile optical, SAR); false for a fixed push-broom
    /// (optical with `swath_km` and no `max_off_nadir_deg`), which needs no slew between acquisitions.
    bool pointable() const;
};

/// An interval during which a station cannot be used (scenario `station_outages`).
struct Outage {
    std::string station;   ///< station name
    time::Instant start;   ///< outage start
    time::Instant end;     ///< outage end (> start)
};

/// A data-relay satellite (scenario `relays`; issue 15 item 6), e.g. EDRS-A at 9 deg E: a contact resource for the
/// satellites with a `relay_terminal`. A satellite sends to it during a link window (access::find_link_windows: line
/// of sight clear of the Earth by `grazing_height_km`, both terminals' pointing limits), after `acquisition_s` of
/// link acquisition, at `rate_mbit_s`; each of its `terminals` serves one satellite at a time, in sessions of at
/// most `max_session_s`; the data reaches the ground at `feeder_station` (which a nation must allow).
struct Relay {
    /// `name`, and `longitude_deg` (ideal GEO) or `tle_file`/`omm_file` + `norad_id`; `max_off_nadir_deg` is its
    /// terminal's limit (default 10 deg: the Earth's disc seen from GEO and the LEO shell just above it)
    access::LinkEnd end{"", std::nullopt, 0.0, access::LinkTerminal{-90.0, 10.0}};
    std::string feeder_station;     ///< `feeder_station`: a station of Mission::stations
    double rate_mbit_s = 1800.0;    ///< `rate_mbit_s` (> 0): EDRS's optical link carries 1.8 Gbit/s
    double acquisition_s = 50.0;    ///< `acquisition_s` (>= 0): link acquisition before data flows
    int terminals = 1;              ///< `terminals` (>= 1): links at a time
    double max_session_s = 600.0;   ///< `max_session_s` (> 0): the longest data session of one link
    double grazing_height_km = 100.0; ///< `grazing_height_km` ([0, 1000])
};

/// A region of the latency report (scenario `latency_regions`): the acquisitions whose target lies in the box.
struct LatencyRegion {
    std::string name;
    double west_deg = -180.0, south_deg = -90.0, east_deg = 180.0, north_deg = 90.0; ///< west > east: across 180
    bool contains(double lat_deg, double lon_deg) const;
};

/// A nation with programming rights (scenario `tenants`).
struct Tenant {
    std::string name;                          ///< nation code, as in the requests' `tenant`
    double share = 0.0;                        ///< rights share (fraction, [0, 1]); shares are normalised to sum 1
    std::vector<std::string> allowed_stations; ///< stations its images may be downlinked through; empty = all
};

/// Planner controls (scenario `planning:`; CLI options override seed, iterations and the time limit).
struct PlanningOptions {
    std::uint64_t seed = 1;             ///< ALNS random seed
    int iterations = 2000;              ///< ALNS iterations (>= 0); the plan is a function of (mission, seed, iterations)
    double time_limit_s = 60.0;         ///< wall-clock cap on the ALNS (s, > 0); `time_limit_hit` says if it stopped it
    double time_step_s = 1.0;           ///< acquisition start times are multiples of this after `start` (s, (0, 60])
    double strip_overlap = 0.1;         ///< overlap of adjacent polygon strips (fraction of the strip width, [0, 0.5])
    double max_strip_length_km = 120.0; ///< longer strips are cut into pieces (km, > 0)
    double strip_scan_speed_km_s = 6.8; ///< ground speed of the scan along a strip: duration = length / speed (km/s, > 0)
    double delivery_margin_h = 6.0;     ///< downlinks may run this long after `stop` (h, >= 0)
    double fairness_tolerance = 0.05;   ///< share rule tolerance (fraction, [0, 1]): 0.05 = 5 percentage points
    double min_contact_s = 30.0;        ///< station contacts shorter than this are not used (s, >= 0)
    double default_downlink_mbit_s = 465.0; ///< rate of a station whose `downlink_mbit_s` is 0 / absent (Mbit/s, > 0)
    double freeze_h = 1.0;              ///< replanning: acquisitions and downlinks starting before now + freeze are kept
    double change_penalty = 0.5;        ///< replanning: value a change must gain (priority units, >= 0)
    int replan_iterations = 100;        ///< replanning: ALNS iterations after the repair (>= 0). A replan keeps what
                                        ///< still fits and inserts around the change; a short search polishes it
                                        ///< (the full `iterations` would move more of the plan for little value)
    bool exact_bound = true;            ///< small instances (<= 14 tasks with opportunities): the bound is the exact optimum
                                        ///< of the discretised relaxation (subset DP) instead of the column-generation one
    double bound_time_limit_s = 2.0;    ///< wall-clock cap on the slew-aware column-generation bound (s, > 0): its best
                                        ///< value so far is a valid bound whenever it stops
    bool urgent_share_exempt = false;   ///< urgent-tier occurrences neither count towards nor are held back by the share
                                        ///< rule (their value is left out of every nation's share)
    /// Not owned, may be null. When it becomes true, plan() / replan() stop at their next check (between
    /// instance-building stages, every few search iterations, every bound iteration) and throw
    /// Error(ErrorCode::cancelled). Used by the service to drain on SIGTERM.
    const std::atomic<bool> *cancel = nullptr;
};

/// Throws Error(ErrorCode::cancelled) when `options.cancel` is set and true.
void throw_if_cancelled(const PlanningOptions &options);

/// Whether `options.cancel` is set and true (for loops that stop early, then call `throw_if_cancelled`).
bool cancelled(const PlanningOptions &options) noexcept;

/// Everything the planner needs.
struct Mission {
    std::string source;                          ///< scenario file (for messages)
    time::Instant start;                         ///< planning horizon start (acquisitions in [start, stop])
    time::Instant stop;                          ///< planning horizon end (> start)
    frames::EarthOrientation eop;                ///< Earth orientation (may be empty: UT1 = UTC, no polar motion)
    access::SearchOptions search;                ///< access search controls
    std::vector<TaskingSatellite> satellites;    ///< in scenario order
    std::vector<geometry::GroundStation> stations; ///< downlink stations (`downlink_mbit_s`, `antennas`)
    std::vector<Outage> outages;                 ///< station outages
    std::vector<Relay> relays;                   ///< data relays (`relays`); none: direct downlinks only
    std::vector<LatencyRegion> latency_regions;  ///< regions of the latency report (`latency_regions`)
    std::vector<Tenant> tenants;                 ///< empty: no share rule, every station allowed
    std::vector<mission::Request> requests;      ///< the requests (validated)
    PlanningOptions planning;                    ///< planner controls
    /// Cloud cover for optical requests (scenario `clouds`; mission/clouds.hpp); null or empty: none, and the plan
    /// says so (every optical image counts as clear)
    std::shared_ptr<const mission::CloudData> clouds;
};

/// Checks the cross-references and ranges of a mission (request tenants known, station names in outages and
/// allowed_stations, shares, agility, rates, unique request ids, planning ranges).
/// @throws ConfigError whose field names the offending key (e.g. "requests[4].tenant", "tenants.FR.share",
///         "station_outages[0].station", "planning.time_step_s"), with code missing_field / out_of_range / duplicate.
void validate_mission(const Mission &mission);

} // namespace vantage::scheduling
