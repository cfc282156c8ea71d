// The built-in greedy planner (planner.hpp documents what it does and does not model). Its opportunities are
// the access engine's real windows (find_opportunities); its output is the plan document of
// docs/design/tasking-model.md with the keys it cannot fill set to null.
#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "vantage/api/planner.hpp"
#include "vantage/core/error.hpp"

namespace vantage::api {

namespace {

using json = nlohmann::ordered_json;

/// "2025-10-03T10:15:30.123456Z" -> "20251003T101530Z" (an id-safe compact time).
std::string compact(const time::Instant &t)
{
    std::string s = t.to_iso8601_utc(0);
    s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == '-' || c == ':'; }), s.end());
    return s;
}

struct Busy {
    time::Instant start;
    time::Instant end;
};

bool overlaps(const std::vector<Busy> &busy, const time::Instant &s, const time::Instant &e)
{
    return std::any_of(busy.begin(), busy.end(), [&](const Busy &b) { return s < b.end && b.start < e; });
}

class GreedyAccessPlanner final : public Planner {
public:
    std::string name() const override { return "greedy-access"; }

    std::string plan(const PlanInput &in) override
    {
        if (!in.fleet) {
            throw Error(ErrorCode::invalid_argument, "plan input without a fleet");
        }
        const Fleet &fleet = *in.fleet;
        std::map<std::uint32_t, std::vector<Busy>> busy; // by NORAD id
        json acquisitions = json::array();
        json unserved = json::array();
        std::set<std::pair<std::string, int>> in_progress;
        std::map<std::string, double> value_by_tenant;
        std::set<std::string> served_requests;
        double value = 0.0;
        double bound = 0.0;

        for (const auto &text : in.locked) {
            json a = json::parse(text);
            const auto start = time::Instant::parse_iso8601(a.at("start_utc").get<std::string>());
            const auto end = time::Instant::parse_iso8601(a.at("end_utc").get<std::string>());
            busy[a.at("norad_id").get<std::uint32_t>()].push_back({start, end});
            in_progress.insert({a.at("request_id").get<std::string>(), a.at("occurrence").get<int>()});
            const double v = a.contains("value") && a["value"].is_number() ? a["value"].get<double>() : 0.0;
            value += v;
            bound += v;
            value_by_tenant[a.value("tenant", std::string())] += v;
            served_requests.insert(a.at("request_id").get<std::string>());
            acquisitions.push_back(std::move(a));
        }

        // Priority first (10 highest), then submission order.
        std::vector<const mission::Request *> order;
        for (const auto &r : in.requests) {
            order.push_back(&r);
        }
        std::stable_sort(order.begin(), order.end(),
                         [](const mission::Request *a, const mission::Request *b) { return a->priority > b->priority; });

        SearchLimits limits;
        limits.max_occurrences = 10000;
        limits.max_opportunities = 100000;
        limits.horizon_end = in.horizon_end;
        limits.cancel = in.cancel; // each search stops at the service's stop flag (Error(cancelled))
        for (const mission::Request *r : order) {
            const Opportunities opps = find_opportunities(fleet, *r, in.now, limits);
            std::map<int, std::vector<const Opportunity *>> by_occurrence;
            for (const auto &op : opps.items) {
                if (op.point == 0) { // the representative point (AOIs: see planner.hpp)
                    by_occurrence[op.occurrence].push_back(&op);
                }
            }
            for (const auto &occ : mission::occurrences(*r)) {
                if (occ.end <= in.now || occ.start >= in.horizon_end) {
                    continue; // over, or for a later plan
                }
                const std::pair<std::string, int> key{r->id, occ.index};
                if (in.served.count(key) || in_progress.count(key)) {
                    continue;
                }
                const auto it = by_occurrence.find(occ.index);
                if (it == by_occurrence.end()) {
                    unserved.push_back({{"request_id", r->id}, {"occurrence", occ.index}, {"reason", "no_opportunity"}});
                    continue;
                }
                bound += r->priority;
                bool placed = false;
                for (const Opportunity *op : it->second) {
                    const auto &w = op->window;
                    const double d = r->duration_s;
                    // Centred on the best time, kept inside the window; a window shorter than d (a push-broom's
                    // crossing, mission::window_holds) lies inside the scene centred on its best time.
                    time::Instant t0 = w.best - time::Duration::from_seconds(0.5 * d);
                    if ((w.end - w.start).seconds() >= d) {
                        if (t0 < w.start) {
                            t0 = w.start;
                        }
                        if (w.end - time::Duration::from_seconds(d) < t0) {
                            t0 = w.end - time::Duration::from_seconds(d);
                        }
                    }
                    const time::Instant t1 = t0 + time::Duration::from_seconds(d);
                    auto &b = busy[op->norad_id];
                    if (overlaps(b, t0, t1)) {
                        continue;
                    }
                    b.push_back({t0, t1});
                    acquisitions.push_back({
                        {"acquisition_id", fmt::format("acq-{}-{}-{}-{}", r->id, occ.index, op->norad_id, compact(t0))},
                        {"request_id", r->id},
                        {"occurrence", occ.index},
                        {"strip_id", r->polygon ? json("point") : json(nullptr)},
                        {"tenant", r->tenant},
                        {"satellite", op->satellite_name},
                        {"norad_id", op->norad_id},
                        {"sensor", op->sensor},
                        {"start_utc", t0.to_iso8601_utc(6)},
                        {"end_utc", t1.to_iso8601_utc(6)},
                        {"best_utc", w.best.to_iso8601_utc(6)},
                        {"target_lat_deg", op->lat_deg},
                        {"target_lon_deg", op->lon_deg},
                        {"off_nadir_deg", w.min_off_nadir_deg},
                        {"incidence_deg", w.incidence_deg_at_best},
                        {"sun_elevation_deg", w.sun_elevation_deg_at_best},
                        {"look_side", look_side_name(w.look_side)},
                        {"pass_direction", pass_direction_name(w.pass_direction)},
                        {"value", r->priority},
                        {"data_gbit", nullptr},
                        {"downlinks", json::array()},
                        {"delivered_utc", nullptr},
                    });
                    value += r->priority;
                    value_by_tenant[r->tenant] += r->priority;
                    served_requests.insert(r->id);
                    placed = true;
                    break;
                }
                if (!placed) {
                    unserved.push_back({{"request_id", r->id}, {"occurrence", occ.index}, {"reason", "outcompeted"}});
                }
            }
        }
        std::sort(acquisitions.begin(), acquisitions.end(), [](const json &a, const json &b) {
            return a["start_utc"].get<std::string>() < b["start_utc"].get<std::string>();
        });
        json by_tenant = json::object();
        for (const auto &[t, v] : value_by_tenant) {
            by_tenant[t] = v;
        }
        json doc;
        doc["plan_id"] = in.plan_id;
        doc["planner"] = name();
        doc["now_utc"] = in.now.to_iso8601_utc(6);
        doc["horizon_end_utc"] = in.horizon_end.to_iso8601_utc(6);
        doc["acquisitions"] = std::move(acquisitions);
        doc["downlinks"] = json::array();
        doc["unserved"] = std::move(unserved);
        doc["metrics"] = {{"value", value},
                          {"value_upper_bound", bound},
                          {"value_trivial_bound", bound},
                          {"requests_served", served_requests.size()},
                          {"requests_total", in.requests.size()},
                          {"served_value_by_tenant", by_tenant},
                          {"latency_p50_h", nullptr},
                          {"latency_p95_h", nullptr},
                          {"time_limit_hit", false}};
        doc["notes"] = json::array(
            {"greedy-access: the service's built-in planner (priority order, earliest non-overlapping access window "
             "per occurrence); no slew time, onboard storage or downlink modelling, so downlinks are empty and "
             "delivered_utc, data_gbit and latencies are null; value_upper_bound is the trivial bound",
             "AOIs are imaged at their representative point (strip_id \"point\"), not in strips"});
        return doc.dump(-1, ' ', false, json::error_handler_t::replace); // names from TLE files need not be UTF-8
    }
};

} // namespace

std::unique_ptr<Planner> make_greedy_access_planner()
{
    return std::make_unique<GreedyAccessPlanner>();
}

} // namespace vantage::api
