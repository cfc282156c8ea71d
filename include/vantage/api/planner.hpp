#pragma once
/// @file
/// The service's narrow interface to a planner. `POST /api/v1/plan` builds a PlanInput from the store (the
/// FEASIBLE and SCHEDULED requests of every nation, what was already acquired, what is in progress) and the
/// fleet, and stores the plan document the planner returns (docs/design/tasking-model.md § Plan document).
///
/// Two planners: the tasking planner (`make_scheduling_planner`, the default: scheduling::plan with agility,
/// storage, downlinks, shares and an upper bound) and a built-in greedy one (`make_greedy_access_planner`,
/// labelled "greedy-access", kept as a simple baseline).

#include <atomic>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "vantage/api/fleet.hpp"
#include "vantage/mission/request.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::api {

/// Everything one planning run needs.
struct PlanInput {
    std::string plan_id;          ///< id to give the plan document
    time::Instant now;            ///< planning instant: nothing is planned to start before it
    time::Instant horizon_end;    ///< nothing is planned to start after it
    std::vector<mission::Request> requests;       ///< FEASIBLE and SCHEDULED requests, all nations, submission order
    std::shared_ptr<const Fleet> fleet;           ///< satellites with sensors, stations, Earth orientation
    /// (request id, occurrence) pairs already acquired: never plan them again.
    std::set<std::pair<std::string, int>> served;
    /// Acquisitions that have started (planned, started before `now`: in progress, or ended with no outcome reported
    /// yet), as plan-document acquisition objects (JSON): they must appear unchanged in the new plan and their
    /// satellite time is taken (a new plan never supersedes an image that may have been taken).
    std::vector<std::string> locked;
    std::optional<std::string> previous_plan_id;  ///< the id of the plan the service stored last
    /// Acquisitions whose outcome was reported failed (cloudy, lost): their occurrences go back to the queue.
    std::vector<std::string> failed;
    bool horizon_given = false; ///< the caller named the horizon (`horizon_h`); otherwise a held horizon is kept
    bool new_horizon = false;   ///< the caller asked for a new horizon (`"new_horizon": true`): plan afresh
    /// The service's stop flag: when it becomes true the planner gives up with Error(cancelled) (null: never).
    const std::atomic<bool> *cancel = nullptr;
};

/// A planner: returns the plan document as JSON text with the keys of docs/design/tasking-model.md
/// (`acquisitions[]`, `downlinks[]`, `unserved[]`, `metrics`; extra keys allowed, none renamed). The service
/// checks the document (every acquisition names a request of the input, with occurrence, satellite, norad_id,
/// start_utc < end_utc) and refuses a document that does not pass.
class Planner {
public:
    virtual ~Planner() = default;
    /// Short name written to the plan record ("greedy-access", "scheduling").
    virtual std::string name() const = 0;
    virtual std::string plan(const PlanInput &input) = 0;
};

/// The built-in planner: requests by priority (then submission order), each occurrence gets the earliest
/// feasible window (access engine, find_opportunities) of any satellite whose time it does not overlap,
/// imaging `duration_s` centred on the window's best time (clipped to the window). AOIs are imaged at their
/// representative point (strip_id "point"). No agility (slew) time, no onboard storage and no downlink
/// modelling: `downlinks` is empty, `delivered_utc`, `data_gbit` and the latency metrics are null, and
/// `value_upper_bound` is the trivial bound (the value of every occurrence that has an opportunity).
std::unique_ptr<Planner> make_greedy_access_planner();

/// The tasking planner (name "scheduling"). It holds a planning horizon in memory (a scheduling::Replanner: the
/// mission, the current plan and the opportunities found so far), and each call either
/// - **replans incrementally** within the held horizon (scheduling::replan: acquisitions starting before now +
///   freeze are kept, later ones stay where they still fit, a change must gain the change penalty): when a horizon
///   is held, the service stored its last plan (`previous_plan_id`), `now` lies inside it, `new_horizon` is false, the horizon asked for (if `horizon_given`) ends within
///   the held one, and the fleet has the same satellites (new element sets are taken, as `vantage replan
///   --elements`). Requests new in the input are added, requests gone from it (cancelled, delivered, expired) are
///   removed, `failed` acquisitions go back to the queue. A kept or frozen acquisition keeps its id.
/// - or **plans a new horizon** [now, horizon_end] afresh (scheduling::plan), as the first call after a start:
///   acquisitions in progress (`locked`) are copied unchanged and their satellite time is kept (the new plan's
///   acquisitions start after the last of them ends).
/// Either way served occurrences, and those of acquisitions in progress, are not planned again, the result is
/// io's plan.json document (docs/formats.md § Tasking plan) with a `replan` object (mode and changes), and the
/// ids of new acquisitions are prefixed with the plan id ("<plan_id>.<request>.<occurrence>.<strip>", URL-safe:
/// one path segment), so that two plans never give one id to different acquisitions.
std::unique_ptr<Planner> make_scheduling_planner();

/// The planner the service uses: the tasking planner.
std::unique_ptr<Planner> make_default_planner();

} // namespace vantage::api
