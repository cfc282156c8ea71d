// The tasking planner behind POST /api/v1/plan (planner.hpp documents the mapping).
#include <algorithm>
#include <map>
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

/// The tasking figures of a fleet satellite: those of the scenario satellite with the same NORAD id, else the
/// defaults the scenario reader would give its sensor.
scheduling::TaskingSatellite tasking_satellite(const access::Satellite &sat, const scheduling::Mission *figures)
{
    scheduling::TaskingSatellite ts{sat};
    const std::uint32_t norad = sat.propagator.elements().norad_id;
    if (figures) {
        for (const auto &f : figures->satellites) {
            if (f.sat.propagator.elements().norad_id == norad && f.sat.sensor.name == sat.sensor.name) {
                ts.agility = f.agility;
                ts.data_rate_mbit_s = f.data_rate_mbit_s;
                ts.imaging_swath_km = f.imaging_swath_km;
                ts.storage_gbit = f.storage_gbit;
                ts.max_imaging_s_per_orbit = f.max_imaging_s_per_orbit;
                return ts;
            }
        }
    }
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

class SchedulingPlanner final : public Planner {
public:
    std::string name() const override { return "scheduling"; }

    std::string plan(const PlanInput &in) override
    {
        if (!in.fleet) {
            throw Error(ErrorCode::invalid_argument, "the plan input has no fleet", ErrorContext{"", 0, "fleet", ""});
        }
        const Fleet &fleet = *in.fleet;
        const scheduling::Mission *figures = fleet.tasking.get();
        json notes = json::array();

        // Acquisitions in progress keep their satellite time: planning starts when the last of them ends.
        // Their occurrences, like the served ones, are not planned again (a polygon's other strips included).
        std::vector<json> locked;
        std::set<std::pair<std::string, int>> taken = in.served;
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
        if (figures) {
            m.planning = figures->planning;
            m.outages = figures->outages;
            m.tenants = figures->tenants;
        }
        for (const auto &sat : fleet.satellites) {
            if (sat.propagator.init_status() == orbits::Sgp4Status::ok) {
                m.satellites.push_back(tasking_satellite(sat, figures));
            }
        }
        m.stations = fleet.stations;
        for (const auto &r : in.requests) {
            // A request all of whose open occurrences are served is left out; a served occurrence of a repeat
            // whose other occurrences are open is dropped from the result below.
            bool open = false;
            for (const auto &o : mission::occurrences(r)) {
                if (o.end > m.start && !taken.count({r.id, o.index})) {
                    open = true;
                    break;
                }
            }
            if (open) {
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
        const scheduling::Plan p = scheduling::plan(m, m.planning);
        json doc = json::parse(io::plan_to_json(p, m, "service"));

        json acquisitions = json::array();
        std::size_t dropped = 0;
        for (auto &a : doc["acquisitions"]) {
            if (taken.count({a["request_id"].get<std::string>(), a["occurrence"].get<int>()})) {
                ++dropped;
                continue;
            }
            // URL-safe: "<plan_id>.<request_id>.<occurrence>.<strip_id>" (plan ids have no '.'; the two integers
            // are read from the right), so POST /acquisitions/{id}/outcome takes it as one path segment.
            a["acquisition_id"] = in.plan_id + "." + a["acquisition_id"].get<std::string>();
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
                        b["acquisition_id"] = in.plan_id + "." + b["acquisition_id"].get<std::string>();
                    }
                }
                unserved.push_back(std::move(u));
            }
        }
        doc["unserved"] = std::move(unserved);
        if (dropped > 0) {
            notes.push_back(fmt::format("{} acquisition(s) of occurrences already served or in progress left out", dropped));
        }
        doc["planner"] = "scheduling";
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
