#pragma once
/// @file
/// The tasking planner: requests of partner nations -> acquisitions (which satellite images what, when) and
/// downlinks (when each image reaches which station), on the access engine's exact geometry; and replanning.
///
/// Model and algorithms: docs/architecture/scheduling.md. Output keys (plan.json, timeline.csv, changes.json):
/// docs/formats.md § Tasking plan. The plan is a deterministic function of (mission, seed, iterations) unless
/// the wall-clock cap `time_limit_s` stops the search first (`metrics.time_limit_hit`).
///
/// Constraints every plan satisfies (tests/scheduling check them on every plan they produce):
/// - each acquisition lies inside an access window of its satellite on its target, with every geometry limit of
///   the sensor tightened by the request's holding over the whole acquisition (points: certified windows of the
///   access engine; strips: checked at <= 1 s samples with a 0.01 deg margin);
/// - acquisitions of one satellite do not overlap, and consecutive ones leave at least transition_s(θ) between
///   them (agility.hpp; none for a fixed push-broom sensor);
/// - storage stays within [0, storage_gbit]; every image is downlinked completely, after its acquisition, through
///   stations its nation allows, during station passes (elevation >= mask) outside outages; one satellite per
///   antenna at a time and one station at a time per satellite;
/// - imaging time per orbit <= max_imaging_s_per_orbit where set;
/// - the share rule (fairness_tolerance) for every nation that still has an unserved occurrence with an
///   opportunity.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "vantage/core/math.hpp"
#include "vantage/geometry/sensor.hpp"
#include "vantage/mission/imaging_limits.hpp"
#include "vantage/scheduling/mission.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::scheduling {

/// Part of one image sent during one downlink.
struct DownlinkPart {
    std::size_t station = 0; ///< index into Mission::stations (through a relay: its feeder station)
    time::Instant start;     ///< first bit of this part
    time::Instant end;       ///< last bit of this part
    double data_gbit = 0.0;  ///< data sent (Gbit)
    std::optional<std::size_t> relay; ///< index into Mission::relays when sent through a relay
};

/// The effective geometry limits of one acquisition: the sensor's, tightened by the request by the one rule
/// (mission::imaging_limits).
using AcquisitionLimits = mission::ImagingLimits;

/// One acquisition: a point target, or one strip of a polygon, imaged by one satellite.
struct Acquisition {
    std::string acquisition_id;  ///< "<request_id>.<occurrence>.<strip_id>" (URL-safe), stable across replans
    std::string request_id;
    int occurrence = 0;          ///< 0-based occurrence of the request
    int strip_id = 0;            ///< 0 for a point; 0..n-1 for the strips of a polygon
    int strip_count = 1;         ///< 1 for a point
    std::string tenant;
    std::size_t satellite = 0;   ///< index into Mission::satellites
    time::Instant start;
    time::Instant end;
    frames::Geodetic target;     ///< point: the target; strip: its centre point
    frames::Geodetic scan_start; ///< ground point imaged at `start` (= target for a point)
    frames::Geodetic scan_end;   ///< ground point imaged at `end` (= target for a point)
    double off_nadir_deg = 0.0;  ///< largest off-nadir angle over the acquisition (deg)
    double incidence_deg = 0.0;  ///< largest incidence over the acquisition (deg)
    /// Signed along-track look angle (deg, + ahead; docs/formats.md) at which the target is imaged: for a sensor
    /// that images at a crossing (fixed push-broom, SAR) the one at the imaging instant, where the geometry limits
    /// hold with the largest margin (the crossing of the line or zero-Doppler plane unless another limit binds
    /// there; a SAR's squint), for an agile optical sensor the one at the middle of the acquisition.
    double along_track_deg = 0.0;
    /// Resolution, when the sensor states one (else 0): optical GSD along and across track and their geometric mean
    /// (geometry::optical_gsd), SAR ground-range resolution in all three; at the imaging instant for a crossing
    /// sensor, the coarsest over the acquisition for an agile optical one (m).
    double gsd_along_m = 0.0;
    double gsd_cross_m = 0.0;
    double gsd_m = 0.0;
    geometry::LookSide look_side = geometry::LookSide::right; ///< side throughout; `both` when it crosses the ground track
    Vec3 look_start_lvlh = Vec3::Zero(); ///< unit look vector at start, LVLH components (agility.hpp)
    Vec3 look_end_lvlh = Vec3::Zero();   ///< unit look vector at end
    double slew_before_deg = 0.0;  ///< θ from the previous acquisition of this satellite (0 for the first)
    double slew_before_s = 0.0;    ///< transition_s(θ) (0 for the first or a fixed sensor)
    /// the occurrence's value (point) or value / strip_count (strip of a complete polygon), times cloud_probability;
    /// 0 for a strip of an incomplete polygon
    double value = 0.0;
    /// Clouds (optical, a cover limit and cloud data): the cover predicted at the target (a strip's centre) at
    /// `cloud_time` (%) and the probability that it is at most the request's limit; unset otherwise
    std::optional<double> cloud_cover_pct;
    std::optional<double> cloud_probability;
    /// the instant of the prediction: the middle of the imaging opportunity (the pass's range of start times) this
    /// acquisition was chosen in, so one value per opportunity (within minutes of the acquisition)
    time::Instant cloud_time;
    mission::CloudSource cloud_source = mission::CloudSource::forecast;
    double data_gbit = 0.0;        ///< data recorded (Gbit)
    std::vector<DownlinkPart> downlinks; ///< in time order; their data sums to data_gbit
    time::Instant delivered;       ///< end of the last downlink part
    AcquisitionLimits limits;      ///< the limits this acquisition satisfies
    double storage_after_gbit = 0.0; ///< satellite memory at `end` (Gbit; see storage_at_gbit)
    std::optional<double> battery_wh_after; ///< battery energy at `end` (Wh), for a satellite with a power model
    /// Stereo images: the along-track viewing angle at the target at the middle of the image
    /// (geometry::along_track_view_angle_deg) and the B/H with the set's previous image in time (none for the first)
    std::optional<double> stereo_view_deg;
    std::optional<double> stereo_bh;
};

/// One use of an antenna: a satellite sending data to a station; or of a relay terminal: a satellite sending data
/// through a relay to the relay's feeder station.
struct Downlink {
    std::size_t satellite = 0;
    std::size_t station = 0;
    int antenna = 0;        ///< 0-based antenna of the station, or terminal of the relay
    time::Instant start;
    time::Instant end;
    double data_gbit = 0.0; ///< data sent (Gbit)
    double storage_after_gbit = 0.0; ///< satellite memory at `end` (Gbit)
    std::optional<std::size_t> relay; ///< index into Mission::relays when through a relay
    /// through a relay: the start of the session's link acquisition (the terminal is held from here; the session's
    /// first data may be later than `start` of this downlink's first part); else `start`
    time::Instant link_start;
};

/// Delivery latency of the acquisitions whose target lies in one region (scenario `latency_regions`, plus `other`):
/// the time from the end of each acquisition to the end of its last downlink part.
struct RegionLatency {
    std::string region;
    int acquisitions = 0;     ///< delivered acquisitions in the region
    int relayed = 0;          ///< of which some part went through a relay
    double p50_h = 0.0;       ///< median (h; 0 without acquisitions)
    double p95_h = 0.0;       ///< 95th percentile, nearest rank (h)
};

/// Why an occurrence is not served.
enum class UnservedReason {
    no_opportunity, ///< some task (the point, or a strip) has no access window in the occurrence's window
    outcompeted,    ///< opportunities exist but the satellites' time went to other acquisitions
    storage,        ///< an opportunity fits in time but the mass memory would overflow
    downlink,       ///< an opportunity fits but the image could not be downlinked within the horizon
    share_limit,    ///< it fits, but serving it would break the share rule for another nation
    clouds,         ///< some task's every opportunity has P(usable) below the request's min_cloud_probability
    power,          ///< an opportunity fits in time but the battery would fall below its minimum state of charge
    stereo,         ///< every task has opportunities, but no pass of one satellite holds the whole stereo set with
                    ///< its B/H range, even with nothing else planned
};
const char *to_string(UnservedReason reason) noexcept;

/// An acquisition of the plan that holds satellite time an unserved occurrence needed.
struct Blocker {
    std::string acquisition_id;
    std::string request_id;
    std::string tenant;
    mission::Tier tier = mission::Tier::standard;
    std::size_t satellite = 0; ///< index into Mission::satellites
    time::Instant start;
    time::Instant end;
    std::uint32_t norad_id = 0; ///< the satellite's (what a plan read back from plan.json identifies it by)
};

/// One limit that does not hold at a nearest miss: measured value, bound and how far the value is on the wrong side
/// (degrees; seconds for "duration" and "window"; metres for "gsd").
struct LimitMiss {
    std::string limit;
    double value = 0.0;
    double bound = 0.0;
    double excess = 0.0; ///< > 0
};

/// For a `no_opportunity` occurrence, one satellite that could serve the request: the instant in the occurrence's
/// window (inside the horizon) at which its geometry comes closest to the request's limits, and the limits that do
/// not hold there. Closest: if the target never sees the satellite, the instant of highest elevation (limit
/// "elevation"); else, among the instants it sees it, the one where the largest violation among the other limits
/// is smallest. `limit` is the largest violation there: "elevation", "off_nadir", "swath", "along_track", "squint",
/// "incidence_min", "incidence_max", "look_side" (value: the signed cross-track look angle, + right),
/// "sun_elevation", "gsd" (resolution, metres); or "duration" (every limit holds around `time` but for less than duration_s), "window" (the
/// limits hold only where the occurrence's window or the horizon cuts the acquisition off), "pass_direction" (no
/// instant of the wanted pass direction), "excluded" (the request's limits exclude the sensor: family, empty
/// incidence band, look side or pass direction). Relaxing every limit in `misses` by its excess gives an instant
/// where all hold; relaxing them by less does not (tests/scheduling/explain_test.cpp).
struct NearestMiss {
    std::size_t satellite = 0;         ///< index into Mission::satellites
    std::uint32_t norad_id = 0;        ///< the satellite's (what a plan read back from plan.json identifies it by)
    std::optional<time::Instant> time; ///< when (unset for "excluded" and "pass_direction")
    std::string limit;                 ///< the largest violation (as above)
    std::vector<LimitMiss> misses;     ///< every limit that does not hold at `time`, largest excess first (elevation
                                       ///< first when the target never sees the satellite)
};

/// A station contact named in an explanation.
struct ContactWindow {
    std::string station; ///< station name
    time::Instant start;
    time::Instant end;
};

/// For a `storage`, `downlink` or `power` occurrence: where its data (or its energy) did not fit, on the first
/// placement the insertion tries that fits in time (of the first task that cannot be placed).
struct CapacityMiss {
    std::size_t satellite = 0;  ///< index into Mission::satellites
    std::uint32_t norad_id = 0;
    /// storage: the end of the acquisition after which the memory holds more than its capacity; downlink: the end
    /// of the first acquisition whose image is not delivered
    time::Instant time;
    double excess_gbit = 0.0; ///< storage: above the capacity; downlink: left on board of that image; power: 0
    /// power: the instant the battery would fall below its minimum is `time`; this is the energy missing at the end
    /// of that discharge (Wh)
    double deficit_wh = 0.0;
    /// storage: the satellite's next contact after `time` (what would drain it); downlink: its contacts from `time`
    /// to the delivery deadline (horizon + delivery_margin_h), at most 8, all of them busy or not allowed for the
    /// nation's data; power: none
    std::vector<ContactWindow> contacts;
};

/// An occurrence that the plan does not serve.
struct Unserved {
    std::string request_id;
    int occurrence = 0;
    UnservedReason reason = UnservedReason::outcompeted;
    double covered_fraction = 0.0; ///< polygons: area fraction covered by the acquired strips ([0, 1)); points 0
    /// `outcompeted`: every acquisition within a slew's reach (transition time of the largest possible slew) of an
    /// access opportunity of the first task that could not be placed, by satellite and start. Removing them all
    /// frees each of those opportunities completely (tests/scheduling verify it by re-running the insertion).
    std::vector<Blocker> blocked_by;
    /// `no_opportunity`: per satellite whose sensor family can serve the request, its nearest miss (by satellite).
    std::vector<NearestMiss> nearest_misses;
    /// `storage` / `downlink` / `power`: where the data or the energy did not fit.
    std::optional<CapacityMiss> capacity;
};

/// The id of an acquisition: "<request_id>.<occurrence>.<strip_id>" (URL-safe), stable across replans.
std::string acquisition_id(const std::string &request_id, int occurrence, int strip_id);

/// Served value and share of one nation.
struct TenantMetrics {
    std::string tenant;
    double value = 0.0;        ///< served value
    double share = 0.0;        ///< value / total served value (0 when nothing is served)
    double rights_share = 0.0; ///< normalised rights share (0 when the mission has no tenants)
    int served = 0;            ///< occurrences served
    int total = 0;             ///< occurrences requested
};

/// Served occurrences of one tier (mission::Tier).
struct TierMetrics {
    mission::Tier tier = mission::Tier::standard;
    int served = 0;           ///< occurrences served
    int with_opportunity = 0; ///< occurrences for which every task has an access opportunity in the horizon (and, for
                              ///< a stereo set, one pass holds it)
    int total = 0;            ///< occurrences in the horizon
    double value = 0.0;       ///< served value
};

/// Plan figures.
struct PlanMetrics {
    /// served value: the sum of the served occurrences' values; with clouds the expected value (each value times
    /// the mean probability that its images are clear enough)
    double value = 0.0;
    double value_if_clear = 0.0;      ///< the served occurrences' values without the cloud probabilities
    double value_upper_bound = 0.0;   ///< a proven upper bound on the optimal value (the real bound: bound_method)
    double value_trivial_bound = 0.0; ///< value of every occurrence that has an opportunity for each of its tasks
    std::string bound_method;         ///< "trivial" (the trivial bound), "exact_dp" (optimum of the discretised
                                      ///< relaxation, small instances), "column_generation", or for a replan
                                      ///< "previous_plus_added" (previous bound + value of the added occurrences)
    bool bound_is_optimal = false;    ///< value_upper_bound is the optimum of the discretised relaxation
    int requests_served = 0;          ///< occurrences served
    int requests_total = 0;           ///< occurrences in the horizon
    std::vector<TenantMetrics> tenants;
    std::vector<TierMetrics> tiers;   ///< the tiers that have occurrences, highest first
    double latency_p50_h = 0.0;       ///< median of (delivered - occurrence window start) over served occurrences (h)
    double latency_p95_h = 0.0;       ///< 95th percentile (nearest rank) (h)
    /// per latency region (then `other` when some acquisition lies in none; empty without latency_regions)
    std::vector<RegionLatency> latency_regions;
    int relayed_acquisitions = 0;     ///< acquisitions with some data sent through a relay
    /// Figures of the same mission planned without its relays (compare_without_relays), to show what they change
    struct WithoutRelays {
        double value = 0.0;
        int requests_served = 0;
        double latency_p50_h = 0.0;
        double latency_p95_h = 0.0;
        std::vector<RegionLatency> latency_regions;
    };
    std::optional<WithoutRelays> without_relays;
    bool time_limit_hit = false;      ///< the wall-clock cap stopped the search before its iteration budget
    int iterations_done = 0;          ///< ALNS iterations run
    double constructive_value = 0.0;  ///< value after the constructive heuristic, before ALNS
    double plan_seconds = 0.0;        ///< wall-clock time of the search (s); not part of the determinism guarantee
    double bound_seconds = 0.0;       ///< wall-clock time of the bound (s)
    int bound_iterations = 0;         ///< column-generation pricing rounds completed (0 for the other methods)
    bool bound_time_limit_hit = false; ///< planning.bound_time_limit_s stopped the column generation
    double opportunities_seconds = 0.0; ///< wall-clock time of the access computations (s)
    std::size_t opportunities = 0;    ///< opportunities found (task x satellite x window)
};

/// The battery of one satellite over the plan (satellites with a power model).
struct EnergyProfile {
    std::size_t satellite = 0;      ///< index into Mission::satellites
    /// (instant, energy in Wh) breakpoints from the horizon start to the end of the delivery margin; the energy is
    /// linear between them
    std::vector<std::pair<time::Instant, double>> samples;
    double min_wh = 0.0;            ///< lowest energy
    time::Instant min_time;         ///< when
};

/// Energy of a profile at `t` (Wh; linear between breakpoints, the end values outside).
double energy_at_wh(const EnergyProfile &profile, const time::Instant &t);

/// A plan.
struct Plan {
    std::vector<Acquisition> acquisitions; ///< sorted by (start, satellite)
    std::vector<Downlink> downlinks;       ///< sorted by (start, satellite)
    std::vector<Unserved> unserved;        ///< sorted by (request_id, occurrence)
    std::vector<EnergyProfile> energy;     ///< satellites with a power model, in satellite order
    PlanMetrics metrics;
    std::uint64_t seed = 1;
    int iterations = 0;
};

/// Memory of satellite `satellite` at `t` according to the plan itself (Gbit): every acquisition adds its
/// data linearly over [start, end], every downlink part removes its data linearly over [start, end].
double storage_at_gbit(const Plan &plan, std::size_t satellite, const time::Instant &t);

/// The opportunities of one plan, kept for the next (a replan, or a plan of the same satellites and horizon), so
/// that it computes only what it has not seen: the start-step ranges of one task on one satellite in one access
/// window. Each entry is keyed by a 64-bit hash of every value its computation reads - the satellite's ephemeris
/// (sampled every 60 s: element set, gravity model, Earth orientation and horizon start all change it), the Sun's,
/// the horizon and time grid, the task's geometry and duration, the occurrence's time window, the imaging limits,
/// the access window and a version of the algorithm - so any change of input is a miss, computed afresh. Files:
/// io::write_opportunity_cache / io::read_opportunity_cache (`plan.cache` beside plan.json).
struct OpportunityCache {
    struct Range {
        int k_min = 0;         ///< earliest start step
        int k_max = 0;         ///< latest start step
        bool reversed = false; ///< strips: scanned from its end b to a
        bool operator==(const Range &) const = default;
    };
    std::unordered_map<std::uint64_t, std::vector<Range>> entries; ///< after a plan: exactly its own work items
    std::size_t hits = 0;   ///< work items the last plan or replan found here
    std::size_t misses = 0; ///< work items it computed
};

/// Plans a mission.
/// @param mission validated mission (validate_mission)
/// @param options planner controls (normally mission.planning, with CLI overrides)
/// @param cache optional: opportunities found there are reused, and it is left holding this plan's
/// @throws ConfigError from validate_mission; DomainError when SGP4 fails inside the horizon.
Plan plan(const Mission &mission, const PlanningOptions &options, OpportunityCache *cache = nullptr);

/// Plans `mission` again without its relays (same options; the cache is shared: the opportunities do not depend on the
/// relays) and stores that plan's value, served count and latencies in `with_relays.metrics.without_relays`: what the
/// relays change, both plans in one run. No-op for a mission without relays.
void compare_without_relays(const Mission &mission, const PlanningOptions &options, Plan &with_relays,
                            OpportunityCache *cache = nullptr);

/// One acquisition of a previous plan, as replanning needs it (read from plan.json).
struct PreviousAcquisition {
    std::string acquisition_id;
    std::string request_id;
    int occurrence = 0;
    int strip_id = 0;
    std::uint32_t norad_id = 0;
    time::Instant start;
    time::Instant end;
};

/// One downlink of a previous plan.
struct PreviousDownlink {
    std::uint32_t norad_id = 0;
    std::string station;
    int antenna = 0;
    std::string relay;      ///< the relay's name, empty for a station downlink
    time::Instant start;
    time::Instant end;
};

/// The previous plan.
struct PreviousPlan {
    std::vector<PreviousAcquisition> acquisitions;
    std::vector<PreviousDownlink> downlinks;
    std::uint64_t seed = 1;
    int iterations = 0;
    PlanMetrics metrics; ///< the previous plan's metrics (bounds are reused when nothing changed)
    std::vector<Unserved> unserved; ///< the previous plan's unserved occurrences and reasons
};

/// What changed since the previous plan (vantage replan options).
struct ReplanInput {
    time::Instant now;                           ///< --now
    std::optional<double> freeze_h;              ///< --freeze-h (default mission.planning.freeze_h)
    std::vector<mission::Request> added;         ///< --add: new requests (ids must be new)
    std::vector<std::string> removed_stations;   ///< --remove-station: unusable from `now` on
    std::vector<std::string> failed;             ///< --failed: acquisition ids whose images were lost
    /// Request ids withdrawn from `now` on (cancelled, or no longer to be planned): their acquisitions leave the
    /// plan, frozen ones included, and what they held is free for the others.
    std::vector<std::string> removed_requests;  ///< --remove-request
    bool elements_changed = false;               ///< --elements: the mission's satellites carry new element sets
    /// Whether anything changed (otherwise the previous plan, explanations included, is the result).
    bool changes_anything() const noexcept
    {
        return !added.empty() || !removed_stations.empty() || !failed.empty() || !removed_requests.empty()
               || elements_changed;
    }
};

/// What a replan did, acquisition by acquisition.
struct PlanChanges {
    time::Instant now;
    double freeze_h = 0.0;
    std::vector<std::string> kept;    ///< same satellite and start time
    std::vector<std::string> moved;   ///< same task, other satellite or start time
    std::vector<std::string> added;   ///< new in this plan
    std::vector<std::string> removed; ///< in the previous plan, not in this one (failed ones included)
    std::vector<std::string> failed;  ///< marked failed (their occurrences went back to the queue)
    std::vector<std::string> frozen;  ///< kept because they start before now + freeze
    double fraction_unchanged = 1.0;  ///< kept / previous acquisitions (1 when there were none)
};

/// Replans: keeps every acquisition and downlink that starts before now + freeze, keeps later ones where they
/// remain feasible, and changes the rest as little as possible (a change must gain `change_penalty` value).
/// With no change in input the result is the previous plan itself.
/// @param mission the mission with the changes applied (new element sets; `added` requests are appended here)
/// @param previous the previous plan
/// @param input what changed
/// @param options planner controls
/// @param[out] changes what changed, acquisition by acquisition
/// @param cache optional: as for plan()
/// @throws ConfigError(duplicate) for an added request id already in the mission (field "requests[i].id"),
///         ConfigError(missing_field) for a failed id or removed station that does not exist (field "--failed" /
///         "--remove-station").
Plan replan(const Mission &mission, const PreviousPlan &previous, const ReplanInput &input,
            const PlanningOptions &options, PlanChanges &changes, OpportunityCache *cache = nullptr);

/// The mission a replan plans, and the one its plan refers to: `mission` without the input's removed requests, with
/// its added requests appended and its removed stations out of service from `now` to a day past the delivery margin.
/// @throws ConfigError(duplicate / missing_field) as replan() for an added id already there, an unknown station or
///         an unknown removed request (field "--remove-request").
Mission mission_after(const Mission &mission, const ReplanInput &input, const PlanningOptions &options);

/// A plan as the previous plan of a replan: what reading its plan.json back gives, without the file.
PreviousPlan previous_plan_of(const Plan &plan, const Mission &mission);

/// Incremental replanning that keeps its state in memory: the mission, the current plan and the opportunities
/// found so far (OpportunityCache). Each replan starts from the current plan, computes opportunities only for
/// what it has not seen (added requests, new element sets) and becomes the current plan; the mission grows by the
/// added requests and station outages. The same results as `vantage plan` then `vantage replan` on the files.
/// Not thread-safe: one caller at a time.
class Replanner {
public:
    /// Plans `mission` (scheduling::plan).
    Replanner(Mission mission, PlanningOptions options);

    /// Replans at input.now (scheduling::replan) and makes the result the current plan.
    /// @throws as scheduling::replan; the mission and the current plan are unchanged when it throws (the cache may
    ///         have gained entries, which stay valid)
    const Plan &replan(const ReplanInput &input, PlanChanges &changes);

    /// A new element set for a satellite: the next replan treats the elements as changed.
    void set_propagator(std::size_t satellite, const orbits::Sgp4Propagator &propagator);

    const Mission &mission() const noexcept { return m_mission; }
    const Plan &current() const noexcept { return m_plan; }
    const OpportunityCache &cache() const noexcept { return m_cache; }
    const PlanningOptions &options() const noexcept { return m_options; }

private:
    Mission m_mission;
    PlanningOptions m_options;
    OpportunityCache m_cache;
    Plan m_plan;
    bool m_elements_changed = false;
};

} // namespace vantage::scheduling
