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
    /// Acquisitions in progress (planned, started before `now`), as plan-document acquisition objects (JSON):
    /// they must appear unchanged in the new plan and their satellite time is taken.
    std::vector<std::string> locked;
    std::optional<std::string> previous_plan;     ///< the last plan document (JSON), when this is a replan
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

/// The tasking planner (name "scheduling"): builds a scheduling::Mission from the input and the fleet (the
/// fleet's `tasking` figures when set) over [now, horizon_end], calls scheduling::plan and returns io's
/// plan.json document (docs/formats.md § Tasking plan). Acquisitions in progress (`locked`) are copied
/// unchanged and their satellite time is kept: the new plan's acquisitions start after the last of them ends.
/// Served occurrences, and those of acquisitions in progress, are not planned again. Acquisition ids are prefixed with the plan id ("<plan_id>.<request>.
/// <occurrence>.<strip>", URL-safe: one path segment) so that the acquisitions of successive plans never share an id. Every POST /plan plans
/// the remaining horizon afresh (no change penalty against the previous plan; `vantage replan` has one).
std::unique_ptr<Planner> make_scheduling_planner();

/// The planner the service uses: the tasking planner.
std::unique_ptr<Planner> make_default_planner();

} // namespace vantage::api
