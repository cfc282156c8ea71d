#pragma once
/// @file
/// Internals of the tasking planner, visible to tests (not a stable API): the planning instance built from a
/// mission (jobs, tasks, opportunities, contacts, ephemerides), solutions, the storage/downlink simulation, the
/// constructive heuristic + ALNS, the bounds and the exact MILP. docs/architecture/scheduling.md explains them.
///
/// Times inside are seconds since Mission::start (double); acquisition starts are whole multiples of
/// PlanningOptions::time_step_s ("grid steps" k).

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vantage/core/math.hpp"
#include "vantage/frames/state.hpp"
#include "vantage/geometry/detail/sun_table.hpp"
#include "vantage/scheduling/mission.hpp"
#include "vantage/scheduling/plan.hpp"

namespace vantage::scheduling::detail {

inline constexpr std::size_t npos = std::numeric_limits<std::size_t>::max();

/// ITRF ephemeris of one satellite sampled from SGP4 (+ teme_to_itrf) every `step_s`, cubic Hermite in between.
/// Interpolation error for LEO at 20 s nodes: ~ h^4 |r''''| / 384 ~ 2 cm, far below SGP4's own error.
class Ephemeris {
public:
    Ephemeris() = default;
    /// @param t0_s, t1_s span in seconds after `epoch0` (nodes cover it with one extra node each side)
    Ephemeris(const orbits::Sgp4Propagator &prop, const frames::EarthOrientation &eop, const time::Instant &epoch0,
              double t0_s, double t1_s, double step_s = 20.0);
    /// ITRF position (km) and velocity relative to the rotating Earth (km/s) at t seconds after epoch0.
    void state(double t_s, Vec3 &r_km, Vec3 &v_km_s) const;
    /// Unit look vector in LVLH (agility.hpp) to an ITRF ground point; the inertial velocity is v + ω_E × r.
    /// At whole seconds the satellite's position and LVLH axes come from a cache filled in blocks of 64 s on first
    /// use (identical values: the same computation, stored); the cache makes this object unsafe to share between
    /// threads.
    Vec3 look(double t_s, const Vec3 &p_itrf_km) const;
    bool empty() const noexcept { return m_r.empty(); }

private:
    struct Frames {
        Vec3 r[64];
        Mat3 axes[64];
    };
    double m_t0 = 0.0;
    double m_step = 20.0;
    std::vector<Vec3> m_r, m_v;
    mutable std::vector<std::shared_ptr<Frames>> m_frames; // per 64-s block after m_t0
};

/// A request occurrence: served (value earned) when all its tasks are acquired and delivered.
struct Job {
    std::size_t request = 0;       ///< index into Mission::requests
    int occurrence = 0;
    std::size_t tenant = npos;     ///< index into Mission::tenants (npos without tenants)
    double value = 0.0;            ///< the request's value within its tier (`reward`, else `priority`)
    mission::Tier tier = mission::Tier::standard;
    /// The search's objective weight: value plus a tier base that makes one occurrence of a tier worth more than all
    /// occurrences of the lower tiers together (and, for the urgent tier, more than all urgent values together, so
    /// that the number of urgent occurrences served comes first). Equal to `value` when every job is of one tier.
    double score = 0.0;
    bool share_exempt = false;     ///< urgent with planning.urgent_share_exempt: outside the share rule
    double window_start_s = 0.0;   ///< occurrence window (s after start, clipped to the horizon)
    double window_end_s = 0.0;
    double window_opens_s = 0.0;   ///< the occurrence window's own start (s after start; < 0 before the horizon)
    bool polygon = false;
    /// stereo (mission::Stereo): its tasks are the images; all on one satellite, one pass, consecutive B/H in range
    std::optional<mission::Stereo> stereo;
    std::vector<std::size_t> tasks;
    bool feasible = false;         ///< every task has at least one opportunity (and a stereo set fits one pass)
    /// a stereo set whose images all have opportunities but that no pass holds, even in an empty plan (found when
    /// the instance is built): not feasible, unserved `stereo`
    bool stereo_impossible = false;
};

/// Something to image: a point, or one strip of a polygon occurrence (the scan line a -> b on the ground).
struct Task {
    std::size_t job = 0;
    int strip = 0;                 ///< 0 for a point
    double duration_s = 0.0;       ///< imaging time (s)
    frames::Geodetic a{}, b{};     ///< scan ends (a == b for a point)
    frames::Geodetic centre{};     ///< point, or the strip's mid point
    double area_fraction = 1.0;    ///< share of the polygon's area this strip owns (1 for a point)
};

/// One way to acquire a task: satellite `sat`, start grid step in [k_min, k_max].
struct Opportunity {
    std::size_t task = 0;
    std::size_t sat = 0;
    int k_min = 0;
    int k_max = 0;
    bool reversed = false;         ///< scan from b to a (strips: the satellite's along-track direction)
    AcquisitionLimits limits;
    /// Clouds (optical request with a cover limit and cloud data): the cover predicted at the task's centre at the
    /// middle of the opportunity (%; -1: no prediction) and the probability that the image is usable
    /// (mission::usable_probability); an acquisition earns its job's value times this (expected value)
    double cloud_cover_pct = -1.0;
    double p_usable = 1.0;
    double cloud_time_s = 0.0; ///< the instant of the prediction: the middle of the opportunity's acquisitions (s)
    mission::CloudSource cloud_source = mission::CloudSource::forecast;
};

/// A usable contact of a satellite, seconds after start: a station pass with an antenna reserved for it, or a relay
/// session with a relay terminal reserved for it (data flows from start_s, after the link acquisition that starts at
/// link_start_s; the data reaches the ground at the relay's feeder station).
struct Contact {
    std::size_t sat = 0;
    std::size_t station = 0;   ///< the station, or the relay's feeder station
    int antenna = 0;           ///< the station's antenna, or the relay's terminal
    double start_s = 0.0;
    double end_s = 0.0;
    double rate_gbit_s = 0.0;
    std::size_t relay = npos;  ///< index into Mission::relays (npos: a station pass)
    double link_start_s = 0.0; ///< relay: the terminal is held from here (start_s - acquisition_s); station: start_s
};

/// Per-satellite constants.
struct SatInfo {
    bool pointable = true;
    Agility agility;
    double data_rate_gbit_s = 1.0;
    double storage_gbit = 600.0;
    double orbit_period_s = 5900.0;
    std::optional<double> cap_s;   ///< max imaging per orbit period
    std::optional<PowerModel> power; ///< battery model (none: power is not simulated)
    /// with power: the intervals without solar power (penumbra and umbra, or the cylindrical shadow), s after start,
    /// over [0, power_end_s]
    std::vector<std::pair<double, double>> shadow;
    double power_end_s = 0.0;      ///< the power simulation runs to here: the horizon plus the delivery margin
};

/// The planning instance.
struct Instance {
    const Mission *mission = nullptr;
    PlanningOptions options;
    double horizon_s = 0.0;        ///< stop - start
    double step_s = 1.0;           ///< grid step
    std::vector<Job> jobs;
    std::vector<Task> tasks;
    std::vector<Vec3> task_a_itrf, task_b_itrf; ///< scan ends in ITRF (km)
    std::vector<Opportunity> opps;
    std::vector<std::vector<std::size_t>> task_opps; ///< opportunities of each task
    std::vector<std::vector<std::size_t>> sat_opps;  ///< opportunities of each satellite, by k_min
    std::vector<SatInfo> sats;
    std::vector<Ephemeris> eph;
    std::vector<std::vector<Contact>> contacts;      ///< per satellite, by start
    std::vector<std::vector<char>> allowed;          ///< [tenant][station] (empty without tenants)
    std::vector<double> shares;                      ///< normalised rights shares per tenant
    std::vector<int> tenant_feasible;                ///< feasible jobs per tenant (share-rule jobs only)
    /// opportunities of each task dropped because P(usable) < the request's min_cloud_probability
    std::vector<int> task_cloud_dropped;
    bool clouds_used = false;                        ///< some opportunity has a cloud prediction (p_usable may be < 1)
    bool any_stereo = false;                         ///< some job is a stereo set (else the stereo rules are skipped)
    double opportunities_seconds = 0.0;

    /// Ground point scanned at fraction f in [0, 1] of an opportunity's acquisition (ITRF km): linear
    /// interpolation of latitude and longitude (degrees) between the scan ends, height 0 - docs/formats.md.
    Vec3 scan_point(const Opportunity &o, double f) const;
    /// Look vectors at the start and end of an acquisition of `o` starting at grid step k.
    void looks(const Opportunity &o, int k, Vec3 &start, Vec3 &end) const;
    /// Data volume of task t on satellite s (Gbit).
    double data_gbit(std::size_t task, std::size_t sat) const
    {
        return tasks[task].duration_s * sats[sat].data_rate_gbit_s;
    }
    bool station_allowed(std::size_t tenant, std::size_t station) const
    {
        return allowed.empty() || tenant == npos || allowed[tenant][station] != 0;
    }
};

/// Sets every job's `feasible` (each task has an opportunity) and the share-rule count `tenant_feasible`.
void refresh_feasibility(Instance &inst);

/// Sets `tenant_feasible` from the jobs' `feasible` flags (share-rule jobs only).
void count_share_feasible(Instance &inst);

/// The most a task can earn: its job's value / its task count, times the best p_usable among its opportunities
/// (0 without an opportunity). The bounds sum these: a valid upper bound on the expected value with clouds.
double task_bound_value(const Instance &inst, std::size_t task);

/// The most a feasible job can earn: the sum of task_bound_value over its tasks (its value without clouds).
double job_bound_value(const Instance &inst, std::size_t job);

/// Sets Job::score of every job from its tier and value (tier bases: see Job::score).
void assign_scores(Instance &inst);

/// Builds the instance: occurrences, strips, access opportunities (access engine + tightening), station
/// contacts with antennas reserved, ephemerides.
Instance build_instance(const Mission &mission, const PlanningOptions &options, OpportunityCache *cache = nullptr);

/// One scheduled acquisition in a satellite's timeline.
struct Slot {
    std::size_t opp = 0;
    int k = 0;
    double start = 0.0, end = 0.0;
    Vec3 look_start = Vec3::Zero(), look_end = Vec3::Zero();
};

/// Result of the storage / downlink simulation of one satellite.
struct SimResult {
    bool ok = true;
    UnservedReason failure = UnservedReason::storage; ///< storage or downlink when !ok
    std::vector<double> delivered;                    ///< per slot (s); +inf if not delivered
    struct Part {
        std::size_t slot;
        std::size_t contact;
        double start, end, data_gbit;
    };
    std::vector<Part> parts;                          ///< downlink parts in time order (details only)
    std::vector<double> storage_after;                ///< storage (Gbit) after each slot's acquisition (details only)
    double peak_gbit = 0.0;
    /// Power (a satellite with a battery model): the battery energy (Wh) at every breakpoint, from 0 to
    /// SatInfo::power_end_s (details only; linear in between), and its lowest value and when.
    std::vector<std::pair<double, double>> energy;
    double min_energy_wh = 0.0;
    double min_energy_s = 0.0;
    /// When !ok, the first failure: storage — the end of the acquisition after which the memory holds more than its
    /// capacity, and by how much (Gbit); downlink — the end of the first acquisition whose image is not delivered,
    /// and the data left on board of it (Gbit); power — the instant the battery falls below its minimum, and the
    /// energy missing at the end of that stretch of discharge (Wh, in fail_gbit).
    double fail_time_s = 0.0;
    double fail_gbit = 0.0;
};

/// Why an occurrence that fits in time cannot be served for memory: its first candidate placement (of the first
/// task that cannot be placed) that fits in time but fails the simulation, and how (SimResult's failure fields).
struct CapacityFailure {
    std::size_t sat = 0;
    UnservedReason reason = UnservedReason::storage;
    double time_s = 0.0;
    double gbit = 0.0;
};

/// Simulates the mass memory of one satellite: fills during each acquisition, drains first-in first-out during
/// its contacts (skipping images the station may not receive), and checks 0 <= storage <= capacity and that every
/// image is delivered before the horizon (+ margin). With a battery model, then simulates its energy over the
/// horizon plus the delivery margin (loads: imaging over each acquisition, slewing over each transition between
/// consecutive acquisitions, transmitting over each downlink part; solar power outside the shadow; charge clipped
/// at max_soc) and checks it never falls below min_soc.
SimResult simulate(const Instance &inst, std::size_t sat, const std::vector<Slot> &slots, bool details);

/// A solution: timelines per satellite plus bookkeeping.
struct Solution {
    std::vector<std::vector<Slot>> timeline;   ///< per satellite, by start
    std::vector<std::size_t> task_sat;         ///< satellite of each scheduled task (npos if not scheduled)
    std::vector<std::size_t> task_opp;         ///< opportunity of each scheduled task (npos if not scheduled)
    /// per served job: the fraction of its value it earns, the mean p_usable of its tasks' opportunities (1 without
    /// clouds); value and score count value x factor
    std::vector<double> job_factor;
    std::vector<int> job_done;                 ///< scheduled tasks per job
    std::vector<std::vector<double>> delivered; ///< per satellite per slot (s)
    double value = 0.0;                        ///< value of complete jobs
    double score = 0.0;                        ///< objective of complete jobs (Job::score)
    std::vector<double> tenant_value;          ///< value of served share-rule jobs per tenant
    std::vector<int> tenant_served;            ///< served feasible share-rule jobs per tenant
    // Change tracking, so that a task whose insertion failed is not retried until something near its
    // opportunities changed: versions per satellite and per 60-s bucket of each satellite's timeline.
    std::vector<std::uint32_t> sat_version;
    std::vector<std::vector<std::uint32_t>> bucket_version;
    struct FailMemo {
        std::uint64_t time_stamp = 0, sat_stamp = 0;
        int status = -1; // PlaceStatus as int; -1: none
    };
    std::vector<FailMemo> fail_memo;           ///< per task
    bool served(const Instance &inst, std::size_t job) const
    {
        return job_done[job] == static_cast<int>(inst.jobs[job].tasks.size());
    }
};

Solution empty_solution(const Instance &inst);

/// Records that timeline[sat] changed from `before` (bumps the versions of the buckets it touched).
void note_change(const Instance &inst, Solution &sol, std::size_t sat, const std::vector<Slot> &before);

/// A stretch of one satellite's timeline (s after start).
struct TimeRegion {
    std::size_t sat = 0;
    double a = 0.0, b = 0.0;
};

/// Where and when an opportunity could be inserted.
struct Placement {
    std::size_t opp = npos;
    std::size_t pos = 0;  ///< insert before timeline[sat][pos]
    int k = 0;
    Vec3 look_start = Vec3::Zero(), look_end = Vec3::Zero();
    std::vector<Slot> timeline; ///< the satellite's whole new timeline when later slots were pushed (else empty)
};

/// Outcome of trying to place a task.
enum class PlaceStatus { ok, no_time, storage, downlink, cap, power };

/// The PlaceStatus of a failed simulation (storage, downlink or power).
inline PlaceStatus place_status(UnservedReason failure) noexcept
{
    return failure == UnservedReason::storage ? PlaceStatus::storage
           : failure == UnservedReason::power ? PlaceStatus::power
                                              : PlaceStatus::downlink;
}

/// Earliest grid step in [k_lo, k_hi] at which opportunity `o` can start after `prev` (nullptr: no previous slot):
/// settle and the slew from prev's end look vector to the start look vector (returned in `ls`) must fit.
std::optional<int> earliest_start(const Instance &inst, const Opportunity &o, const Slot *prev, int k_lo, int k_hi, Vec3 &ls);

/// The slot a slot at position `pos` of satellite `sat`'s timeline `tl` follows: tl[pos - 1]; at position 0 the
/// satellite's attitude at the start of the horizon when its agility fixes one (agility.initial_nadir: a zero-length
/// slot at 0 s looking at nadir), else null.
const Slot *slot_before(const Instance &inst, std::size_t sat, const std::vector<Slot> &tl, std::size_t pos);

/// Finds a feasible placement of `task` (every opportunity, every gap; earliest end first), checking timing,
/// slews, per-orbit cap, storage and delivery. On success the simulation of the chosen satellite is in `sim`.
/// With `focus`, only opportunities overlapping one of its regions (on their satellite) are tried.
/// For a job unserved for storage or downlink: the first failing candidate (CapacityFailure); nullopt if the job is
/// placed or fails for another reason. `sol` is not changed.
std::optional<CapacityFailure> capacity_failure(const Instance &inst, const Solution &sol, std::size_t job);

PlaceStatus find_placement(const Instance &inst, const Solution &sol, std::size_t task, Placement &out, SimResult *sim,
                           const std::vector<TimeRegion> *focus = nullptr);

/// Checks whether opportunity `opp` can start exactly at grid step k (slews to both neighbours, cap, storage,
/// delivery); fills `out` and `sim` on success.
PlaceStatus try_place_at(const Instance &inst, const Solution &sol, std::size_t opp, int k, Placement &out, SimResult *sim);

/// Re-times a satellite's acquisitions, in their order, to their earliest feasible starts (left-justified); kept
/// only if still feasible (cap, storage, delivery). Returns whether anything moved.
bool compact(const Instance &inst, Solution &sol, std::size_t sat);

/// Local sequencing of slots [i0, i1) of one satellite: moves single acquisitions to other positions in the block
/// (Or-opt), re-timing the block left-justified, while the block ends earlier (then the sum of its ends decreases);
/// kept only if feasible. Returns whether the timeline changed.
bool resequence(const Instance &inst, Solution &sol, std::size_t sat, std::size_t i0, std::size_t i1, int max_rounds = 10);

/// The rules of one satellite's timeline beyond timing and memory: imaging time per orbit <= max_imaging_s_per_orbit
/// and every stereo set on it within one pass with its B/H range. The one home of both (insertion, re-timing,
/// re-sequencing and the constructive sweep all call it).
bool timeline_rules_ok(const Instance &inst, std::size_t sat, const std::vector<Slot> &tl);

/// Whether `task` belongs to a stereo set another image of which is scheduled on a satellite other than `sat` (a
/// stereo set is taken by one satellite, on one pass; the pass and B/H are checked with the imaging cap).
bool sibling_elsewhere(const Instance &inst, const Solution &sol, std::size_t task, std::size_t sat);

/// Inserts a slot without any check (frozen acquisitions of a replan).
void force_place(const Instance &inst, Solution &sol, std::size_t opp, int k);

/// Drops every opportunity start before grid step `k_from` (replanning: nothing new before now + freeze) and
/// refreshes the per-task / per-satellite indexes and job feasibility.
void restrict_opportunities(Instance &inst, int k_from);

/// Inserts a placement found by find_placement (with the simulation result of its satellite).
void apply_placement(const Instance &inst, Solution &sol, const Placement &p, SimResult &&sim);

/// Bookkeeping of a task whose slot was put into timeline[sat] directly (value, job and tenant counts).
void mark_scheduled(const Instance &inst, Solution &sol, std::size_t task, std::size_t opp);

/// The fraction of job `job`'s value its scheduled tasks earn: the mean p_usable of their opportunities.
double job_factor(const Instance &inst, const Solution &sol, std::size_t job);

/// What a served job adds to the objective (Job::score with its value scaled by `factor`).
inline double scaled_score(const Job &j, double factor) noexcept { return j.score - j.value * (1.0 - factor); }

/// Removes a scheduled task (and re-simulates its satellite).
void remove_task(const Instance &inst, Solution &sol, std::size_t task);

/// Tries to insert all tasks of a job (all or nothing). Returns ok or the first failure.
PlaceStatus insert_job(const Instance &inst, Solution &sol, std::size_t job, const std::vector<TimeRegion> *focus = nullptr);

/// Removes every scheduled task of a job.
void remove_job(const Instance &inst, Solution &sol, std::size_t job);

/// Sum over served jobs of (delivery of the last task - window start) (s).
double total_latency_s(const Instance &inst, const Solution &sol);

/// The share rule: nations that have an unserved feasible job and less than (share - tolerance) of the value.
/// Returns the sum of their deficits (value units); 0 when the rule holds.
double share_deficit(const Instance &inst, const Solution &sol, std::vector<double> *per_tenant = nullptr);

/// Search statistics.
struct SearchStats {
    double constructive_value = 0.0;
    int iterations_done = 0;
    bool time_limit_hit = false;
    double seconds = 0.0;
};

/// Constructive heuristic + ALNS + share-rule repair. Deterministic for (instance, seed, iterations) unless the
/// time limit stops it. `initial` (replanning) seeds the search; `locked[task]` tasks are never removed.
Solution search(const Instance &inst, const Solution *initial, const std::vector<char> *locked, SearchStats &stats,
                const std::vector<std::size_t> *previous_sat = nullptr, const std::vector<int> *previous_k = nullptr);

/// Upper bounds.
struct Bounds {
    double trivial = 0.0;
    double real = 0.0;
    std::string method;     ///< "trivial", "exact_dp" or "column_generation" (slew-aware: bounds.cpp)
    bool optimal = false;   ///< real is the optimum of the discretised relaxation (or the incumbent reaches it)
    double seconds = 0.0;
    int iterations = 0;     ///< column-generation pricing rounds completed
    bool time_limit_hit = false; ///< planning.bound_time_limit_s stopped the column generation before it converged
};

/// Writes a bound into a plan's metrics (value_upper_bound, value_trivial_bound, bound_method, bound_is_optimal,
/// bound_seconds).
inline void set_bound_metrics(PlanMetrics &m, const Bounds &b)
{
    m.value_upper_bound = b.real;
    m.value_trivial_bound = b.trivial;
    m.bound_method = b.method;
    m.bound_is_optimal = b.optimal;
    m.bound_seconds = b.seconds;
    m.bound_iterations = b.iterations;
    m.bound_time_limit_hit = b.time_limit_hit;
}

/// Trivial bound and the real one: the exact optimum of the discretised relaxation (subset DP) when at most 14 tasks
/// have opportunities, else the column-generation bound over per-pass sequences (column_bound.cpp).
/// `incumbent` is the heuristic's value (Polyak steps; equal to the trivial bound: proven optimal at once).
Bounds compute_bounds(const Instance &inst, double incumbent);

/// Exact MILP of the discretised problem (timing and slews; no storage, downlink, orbit cap or share rule) with
/// CBC. Returns nullopt when the instance is too large (nodes or conflict rows above the limits) or the slew
/// model lacks the triangle property the pairwise formulation needs.
struct MilpResult {
    double value = 0.0;       ///< best integer solution
    double bound = 0.0;       ///< best bound
    bool optimal = false;
    std::vector<std::pair<std::size_t, int>> chosen; ///< (opportunity, k)
};
std::optional<MilpResult> solve_milp(const Instance &inst, double time_limit_s, std::size_t max_nodes = 6000,
                                     std::size_t max_rows = 400000);

/// Exact optimum of the same discretised problem by exhaustive dynamic programming over task subsets: for each
/// satellite, the sets of tasks some feasible sequence of (opportunity, start step) nodes can acquire (bitsets over
/// 2^n masks, propagated through the nodes in time order), then the disjoint unions over satellites. Independent
/// of the MILP and of the heuristic; exact under the same triangle property. Only for n <= max_tasks tasks with
/// opportunities (memory 2^n bits per node); nullopt otherwise.
std::optional<double> solve_exact_subsets(const Instance &inst, int max_tasks = 16, std::vector<std::size_t> *best_tasks = nullptr);

/// The Plan document of a solution (acquisitions, downlinks, unserved with reasons, metrics without bounds).
Plan make_plan(const Instance &inst, const Solution &sol);

/// What holds the time an unserved job needed (Unserved::blocked_by): the acquisitions within a slew's reach of
/// the opportunities of its first task that find_placement cannot place.
std::vector<Blocker> blockers(const Instance &inst, const Solution &sol, std::size_t job);

/// The nearest misses (Unserved::nearest_misses) of a job without an opportunity, one per satellite whose sensor
/// family can serve it: coarse 15-s samples of the limits' margin over the occurrence's window, the three best local
/// maxima refined by golden section to 0.01 s. `sun_t0_s`: the Sun table's start in seconds after Mission::start.
std::vector<NearestMiss> nearest_misses(const Instance &inst, std::size_t job, const geometry::detail::SunTable &sun,
                                        double sun_t0_s);

/// Why each unserved job is unserved (no_opportunity, outcompeted, storage, downlink, share_limit).
std::vector<UnservedReason> unserved_reasons(const Instance &inst, const Solution &sol);

/// Invariant check of a plan against its instance (used by tests): returns the list of violations (empty when
/// every constraint of plan.hpp holds).
std::vector<std::string> check_solution(const Instance &inst, const Solution &sol);

} // namespace vantage::scheduling::detail
