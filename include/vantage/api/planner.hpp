#pragma once
/// @file
/// The service's narrow interface to a planner. `POST /api/v1/plan` builds a PlanInput from the store (the
/// FEASIBLE and SCHEDULED requests of every nation, what was already acquired, what is in progress) and the
/// fleet, and stores the plan document the planner returns (docs/design/tasking-model.md § Plan document).
///
/// Binding the tasking planner (issue 6, `scheduling::plan` / `scheduling::replan`): implement this interface in
/// src/api/ (e.g. `scheduling_planner.cpp`: build a `scheduling::Mission` from PlanInput, call plan() or, when
/// `previous_plan` is set, replan(), and write the `Plan` with io's plan-JSON writer) and return it from
/// `make_default_planner()` in src/api/planner.cpp. Nothing else in the service changes.
///
/// Until then make_default_planner() returns the built-in greedy planner (make_greedy_access_planner), which is
/// honest but simple: it is labelled `"planner": "greedy-access"` in its documents.

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

/// The planner the service uses (today: the greedy one; the binding point for issue 6's planner).
std::unique_ptr<Planner> make_default_planner();

} // namespace vantage::api
