// The tasking planner behind POST /api/v1/plan (planner.hpp documents the mapping).
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "vantage/api/planner.hpp"
#include "vantage/core/error.hpp"
#include "vantage/io/plan_io.hpp"
#include "vantage/scheduling/plan.hpp"

namespace vantage::api {

namespace {

using json = nlohmann::ordered_json;

/// The tasking figures of a fleet satellite: those of the scenario satellite with the same NORAD id and sensor (all of
/// them: agility, data rate, swath, storage, imaging cap, power model, relay terminal), with the fleet's element set;
/// else the defaults the scenario reader would give its sensor.
scheduling::TaskingSatellite tasking_satellite(const access::Satellite &sat, const scheduling::Mission *figures)
{
    const std::uint32_t norad = sat.propagator.elements().norad_id;
    if (figures) {
        for (const auto &f : figures->satellites) {
            if (f.sat.propagator.elements().norad_id == norad && f.sat.sensor.name == sat.sensor.name) {
                scheduling::TaskingSatellite ts = f;
                ts.sat = sat;
                return ts;
            }
        }
    }
    scheduling::TaskingSatellite ts{sat};
    const auto &s = sat.sensor;
    if (s.type == geometry::SensorType::sar) {
        ts.imaging_swath_km = 30.0;
    } else if (!s.max_off_nadir_deg && s.swath_km) {
        ts.imaging_swath_km = *s.swath_km;
    } else {
        ts.imaging_swath_km = 20.0;
    }
    return ts;
}

/// (NORAD id, sensor name) of each tasking satellite: the identity a held horizon needs the fleet to keep.
std::vector<std::pair<std::uint32_t, std::string>> satellite_keys(const std::vector<scheduling::TaskingSatellite> &sats)
{
    std::vector<std::pair<std::uint32_t, std::string>> keys;
    for (const auto &s : sats) {
        keys.emplace_back(s.sat.propagator.elements().norad_id, s.sat.sensor.name);
    }
    return keys;
}

/// Whether any occurrence of `r` is still open: ends after `start` and is neither served nor in progress.
bool has_open_occurrence(const mission::Request &r, const time::Instant &start,
                         const std::set<std::pair<std::string, int>> &taken)
{
    for (const auto &o : mission::occurrences(r)) {
        if (o.end > start && !taken.count({r.id, o.index})) {
            return true;
        }
    }
    return false;
}

class SchedulingPlanner final : public Planner {
public:
    std::string name() const override { return "scheduling"; }

    std::string plan(const PlanInput &in) override
    {
        if (!in.fleet) {
            throw Error(ErrorCode::invalid_argument, "the plan input has no fleet", ErrorContext{"", 0, "fleet", ""});
        }
        std::set<std::pair<std::string, int>> taken = in.served;
        if (auto held = incremental_input(in, taken)) {
            return replan_held(in, *held, taken);
        }
        return plan_new_horizon(in, taken);
    }

private:
    /// The planning horizon held between calls.
    struct Held {
        std::unique_ptr<scheduling::Replanner> replanner;
        std::shared_ptr<const Fleet> fleet;            ///< the fleet its element sets came from
        std::map<std::string, std::string> service_id; ///< current plan: scheduling acquisition id -> the service's
        std::set<std::string> published;               ///< scheduling ids of the acquisitions the last document had
        std::string plan_id;                           ///< the plan id of the last document
    };
    std::optional<Held> m_held;

    /// The satellites of the fleet, as the tasking planner sees them.
    static std::vector<scheduling::TaskingSatellite> tasking_satellites(const Fleet &fleet)
    {
        std::vector<scheduling::TaskingSatellite> out;
        for (const auto &sat : fleet.satellites) {
            if (sat.propagator.init_status() == orbits::Sgp4Status::ok) {
                out.push_back(tasking_satellite(sat, fleet.tasking.get()));
            }
        }
        return out;
    }

    /// What changed since the held plan, when this call may replan within the held horizon; nullopt otherwise.
    std::optional<scheduling::ReplanInput> incremental_input(const PlanInput &in, const std::set<std::pair<std::string, int>> &taken)
    {
        // Only on top of the plan the service stored last: a plan this planner made but the service did not store
        // (refused, a storage error, an idempotent replay, another process's plan) leaves no horizon to replan.
        if (!m_held || in.new_horizon || !in.previous_plan_id || *in.previous_plan_id != m_held->plan_id) {
            return std::nullopt;
        }
        const scheduling::Mission &m = m_held->replanner->mission();
        if (!(in.now < m.stop) || (in.horizon_given && m.stop < in.horizon_end)) {
            return std::nullopt;
        }
        if (in.fleet != m_held->fleet && satellite_keys(tasking_satellites(*in.fleet)) != satellite_keys(m.satellites)) {
            return std::nullopt; // satellites came or went: a new horizon
        }
        std::set<std::string> tenants;
        for (const auto &t : m.tenants) {
            tenants.insert(t.name);
        }
        scheduling::ReplanInput ri;
        ri.now = std::max(in.now, m.start); // the horizon may begin after acquisitions in progress at its start
        std::set<std::string> held_ids, input_ids;
        for (const auto &r : m.requests) {
            held_ids.insert(r.id);
        }
        for (const auto &r : in.requests) {
            input_ids.insert(r.id);
            if (!held_ids.count(r.id) && has_open_occurrence(r, in.now, taken)) {
                if (!tenants.empty() && !tenants.count(r.tenant)) {
                    return std::nullopt; // a nation without a rights share: the new horizon notes it
                }
                ri.added.push_back(r);
            }
        }
        for (const auto &id : held_ids) {
            if (!input_ids.count(id)) {
                ri.removed_requests.push_back(id);
            }
        }
        std::map<std::string, std::string> scheduling_id;
        for (const auto &[sched, service] : m_held->service_id) {
            scheduling_id.emplace(service, sched);
        }
        for (const auto &id : in.failed) {
            if (const auto it = scheduling_id.find(id); it != scheduling_id.end()) {
                ri.failed.push_back(it->second);
            }
        }
        return ri;
    }

    std::string replan_held(const PlanInput &in, scheduling::ReplanInput ri, std::set<std::pair<std::string, int>> &taken)
    {
        Held &h = *m_held;
        if (in.fleet != h.fleet) { // new element sets (same satellites): their opportunities are computed again
            const auto sats = tasking_satellites(*in.fleet);
            for (std::size_t i = 0; i < sats.size(); ++i) {
                h.replanner->set_propagator(i, sats[i].sat.propagator);
            }
            h.fleet = in.fleet;
        }
        scheduling::PlanChanges changes;
        h.replanner->replan(ri, changes); // the held state is unchanged when it throws (cancelled)
        std::set<std::string> kept(changes.kept.begin(), changes.kept.end());
        kept.insert(changes.frozen.begin(), changes.frozen.end());
        json notes = json::array();
        // Started acquisitions the service holds that this plan does not carry under their id (those the horizon
        // began with, in progress or awaiting their outcome) are copied unchanged; their occurrences are taken.
        std::set<std::string> carried_ids;
        for (const auto &id : kept) {
            if (const auto it = h.service_id.find(id); it != h.service_id.end()) {
                carried_ids.insert(it->second);
            }
        }
        std::vector<json> locked;
        for (const auto &text : in.locked) {
            json a = json::parse(text);
            if (!carried_ids.count(a.at("acquisition_id").get<std::string>())) {
                taken.insert({a.at("request_id").get<std::string>(), a.at("occurrence").get<int>()});
                locked.push_back(std::move(a));
            }
        }
        json replan = {{"mode", "incremental"},
                       {"horizon_start_utc", h.replanner->mission().start.to_iso8601_utc(3)},
                       {"horizon_end_utc", h.replanner->mission().stop.to_iso8601_utc(3)},
                       {"freeze_h", changes.freeze_h},
                       {"requests_added", ri.added.size()},
                       {"requests_removed", ri.removed_requests.size()},
                       {"kept", changes.kept.size()},
                       {"moved", changes.moved.size()},
                       {"added", changes.added.size()},
                       {"removed", changes.removed.size()},
                       {"failed", changes.failed.size()},
                       {"frozen", changes.frozen.size()},
                       {"fraction_unchanged", changes.fraction_unchanged}};
        return document(in, h.replanner->current(), h.replanner->mission(), taken, std::move(locked), kept,
                        std::move(notes), std::move(replan));
    }

    std::string plan_new_horizon(const PlanInput &in, std::set<std::pair<std::string, int>> &taken)
    {
        const Fleet &fleet = *in.fleet;
        const scheduling::Mission *figures = fleet.tasking.get();
        json notes = json::array();

        // Acquisitions in progress keep their satellite time: planning starts when the last of them ends.
        // Their occurrences, like the served ones, are not planned again (a polygon's other strips included).
        std::vector<json> locked;
        time::Instant start = in.now;
        for (const auto &text : in.locked) {
            json a = json::parse(text);
            start = std::max(start, time::Instant::parse_iso8601(a.at("end_utc").get<std::string>()));
            taken.insert({a.at("request_id").get<std::string>(), a.at("occurrence").get<int>()});
            locked.push_back(std::move(a));
        }
        if (!locked.empty() && start > in.now) {
            notes.push_back(fmt::format("{} acquisition(s) in progress kept; new acquisitions start after {}",
                                        locked.size(), start.to_iso8601_utc(6)));
        }

        scheduling::Mission m;
        m.source = "service";
        m.start = start;
        m.stop = std::max(in.horizon_end, start + time::Duration::from_seconds(1.0));
        m.eop = fleet.eop;
        m.search = fleet.search;
        if (figures) { // the scenario's figures: everything but its satellites' element sets, stations and requests
            m.planning = figures->planning;
            m.outages = figures->outages;
            m.tenants = figures->tenants;
            m.relays = figures->relays;
            m.latency_regions = figures->latency_regions;
            m.clouds = figures->clouds;
        }
        m.satellites = tasking_satellites(fleet);
        m.stations = fleet.stations;
        for (const auto &r : in.requests) {
            // A request all of whose open occurrences are served is left out; a served occurrence of a repeat
            // whose other occurrences are open is dropped from the result below.
            if (has_open_occurrence(r, m.start, taken)) {
                m.requests.push_back(r);
            }
        }
        if (!m.tenants.empty()) {
            std::set<std::string> known;
            for (const auto &t : m.tenants) {
                known.insert(t.name);
            }
            for (const auto &r : m.requests) {
                if (!known.count(r.tenant)) {
                    notes.push_back(fmt::format("nation {} has no rights share in the scenario: share rule not applied",
                                                r.tenant));
                    m.tenants.clear();
                    break;
                }
            }
        }
        m.planning.cancel = in.cancel; // a shutdown of the service cancels a running plan (Error(cancelled))
        scheduling::validate_mission(m);
        m_held.reset(); // a failed or cancelled plan leaves no horizon held: the next call plans a new one
        const scheduling::PlanningOptions options = m.planning;
        auto replanner = std::make_unique<scheduling::Replanner>(std::move(m), options);
        Held h{std::move(replanner), in.fleet, {}, {}, {}};
        json replan = {{"mode", "new_horizon"},
                       {"horizon_start_utc", h.replanner->mission().start.to_iso8601_utc(3)},
                       {"horizon_end_utc", h.replanner->mission().stop.to_iso8601_utc(3)}};
        m_held = std::move(h);
        return document(in, m_held->replanner->current(), m_held->replanner->mission(), taken, std::move(locked), {},
                        std::move(notes), std::move(replan));
    }

    /// io's plan.json of `p`, as the service stores it: the service's acquisition ids (a `kept` acquisition keeps
    /// the one the held plan gave it), without served occurrences, with the started acquisitions `locked`. An
    /// acquisition the last document did not publish (its occurrence was taken then) is never published later
    /// with a start before now. Records the ids and the plan id in the held state.
    std::string document(const PlanInput &in, const scheduling::Plan &p, const scheduling::Mission &m,
                         const std::set<std::pair<std::string, int>> &taken, std::vector<json> locked,
                         const std::set<std::string> &kept, json notes, json replan)
    {
        json doc = json::parse(io::plan_to_json(p, m, "service"));
        std::map<std::string, std::string> ids;
        for (const auto &a : p.acquisitions) {
            const auto old = m_held->service_id.find(a.acquisition_id);
            ids[a.acquisition_id] = kept.count(a.acquisition_id) && old != m_held->service_id.end()
                                        ? old->second
                                        // URL-safe: "<plan_id>.<request_id>.<occurrence>.<strip_id>" (plan ids have
                                        // no '.'; the two integers are read from the right): one path segment.
                                        : in.plan_id + "." + a.acquisition_id;
        }
        json acquisitions = json::array();
        std::size_t dropped = 0;
        std::set<std::string> published;
        const std::string now_utc = in.now.to_iso8601_utc(6);
        for (auto &a : doc["acquisitions"]) {
            const std::string sched = a["acquisition_id"].get<std::string>();
            if (taken.count({a["request_id"].get<std::string>(), a["occurrence"].get<int>()})
                || (a["start_utc"].get<std::string>() < now_utc && !m_held->published.count(sched))) {
                ++dropped;
                continue;
            }
            published.insert(sched);
            a["acquisition_id"] = ids.at(sched);
            acquisitions.push_back(std::move(a));
        }
        for (auto &a : locked) {
            acquisitions.push_back(std::move(a));
        }
        std::stable_sort(acquisitions.begin(), acquisitions.end(), [](const json &a, const json &b) {
            return a["start_utc"].get<std::string>() < b["start_utc"].get<std::string>();
        });
        doc["acquisitions"] = std::move(acquisitions);
        json unserved = json::array();
        for (auto &u : doc["unserved"]) {
            if (!taken.count({u["request_id"].get<std::string>(), u["occurrence"].get<int>()})) {
                if (u.contains("blocked_by")) { // the acquisitions it names carry the service's ids too
                    for (auto &b : u["blocked_by"]) {
                        const auto it = ids.find(b["acquisition_id"].get<std::string>());
                        b["acquisition_id"] = it != ids.end() ? it->second : in.plan_id + "." + b["acquisition_id"].get<std::string>();
                    }
                }
                unserved.push_back(std::move(u));
            }
        }
        doc["unserved"] = std::move(unserved);
        if (dropped > 0) {
            notes.push_back(fmt::format("{} acquisition(s) of occurrences already served or in progress left out", dropped));
        }
        m_held->service_id = std::move(ids);
        m_held->published = std::move(published);
        m_held->plan_id = in.plan_id;
        doc["planner"] = "scheduling";
        doc["replan"] = std::move(replan);
        doc["notes"] = std::move(notes);
        return doc.dump(-1, ' ', false, json::error_handler_t::replace);
    }
};

} // namespace

std::unique_ptr<Planner> make_scheduling_planner()
{
    return std::make_unique<SchedulingPlanner>();
}

} // namespace vantage::api
