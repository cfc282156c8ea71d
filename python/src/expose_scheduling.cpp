// vantage.plan (the tasking planner on a scenario file): the raw records behind the `vantage.Plan` dataclass of
// vantage/__init__.py, with the keys of `vantage plan`'s plan.json (docs/formats.md § Tasking plan).
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "conversions.hpp"
#include "docstrings.hpp"
#include "expose.hpp"
#include "vantage/io/mission_scenario.hpp"
#include "vantage/scheduling/plan.hpp"

namespace vantage::python {

namespace {

const char *side_name(geometry::LookSide s)
{
    return s == geometry::LookSide::left ? "left" : "right";
}

py::dict plan_records(const scheduling::Plan &p, const scheduling::Mission &m)
{
    const auto norad = [&](std::size_t s) { return m.satellites[s].sat.propagator.elements().norad_id; };
    py::list acqs;
    // per occurrence: acquisition ids, last delivery
    std::map<std::pair<std::string, int>, std::pair<py::list, time::Instant>> served;
    for (const auto &a : p.acquisitions) {
        py::dict d;
        d["acquisition_id"] = a.acquisition_id;
        d["request_id"] = a.request_id;
        d["occurrence"] = a.occurrence;
        d["strip_id"] = a.strip_id;
        d["strip_count"] = a.strip_count;
        d["tenant"] = a.tenant;
        d["satellite"] = m.satellites[a.satellite].sat.name;
        d["norad_id"] = norad(a.satellite);
        d["start_utc"] = to_datetime(a.start);
        d["end_utc"] = to_datetime(a.end);
        d["target_lat_deg"] = a.target.lat_deg;
        d["target_lon_deg"] = a.target.lon_deg;
        d["off_nadir_deg"] = a.off_nadir_deg;
        d["incidence_deg"] = a.incidence_deg;
        d["look_side"] = side_name(a.look_side);
        d["value"] = a.value;
        d["data_gbit"] = a.data_gbit;
        py::list parts;
        for (const auto &q : a.downlinks) {
            py::dict pd;
            pd["station"] = m.stations[q.station].name;
            pd["start_utc"] = to_datetime(q.start);
            pd["end_utc"] = to_datetime(q.end);
            pd["data_gbit"] = q.data_gbit;
            parts.append(pd);
        }
        d["downlinks"] = parts;
        d["delivered_utc"] = to_datetime(a.delivered);
        acqs.append(d);
        if (a.value > 0.0) { // a strip of an incomplete polygon earns nothing: its occurrence is unserved
            auto [it, fresh] = served.try_emplace({a.request_id, a.occurrence}, py::list{}, a.delivered);
            it->second.first.append(a.acquisition_id);
            if (!fresh && it->second.second < a.delivered) {
                it->second.second = a.delivered;
            }
        }
    }
    py::list downs;
    for (const auto &dl : p.downlinks) {
        py::dict d;
        d["satellite"] = m.satellites[dl.satellite].sat.name;
        d["norad_id"] = norad(dl.satellite);
        d["station"] = m.stations[dl.station].name;
        d["antenna"] = dl.antenna;
        d["start_utc"] = to_datetime(dl.start);
        d["end_utc"] = to_datetime(dl.end);
        d["data_gbit"] = dl.data_gbit;
        downs.append(d);
    }
    // per-occurrence status, sorted by (request_id, occurrence)
    std::map<std::string, const mission::Request *> req;
    for (const auto &r : m.requests) {
        req[r.id] = &r;
    }
    std::map<std::pair<std::string, int>, py::dict> status;
    for (auto &[key, v] : served) {
        py::dict d;
        d["status"] = "served";
        d["reason"] = py::none();
        d["acquisition_ids"] = v.first;
        d["delivered_utc"] = to_datetime(v.second);
        d["covered_fraction"] = 1.0;
        status[key] = d;
    }
    for (const auto &u : p.unserved) {
        py::dict d;
        d["status"] = "unserved";
        d["reason"] = scheduling::to_string(u.reason);
        d["acquisition_ids"] = py::list{};
        d["delivered_utc"] = py::none();
        d["covered_fraction"] = u.covered_fraction;
        status[{u.request_id, u.occurrence}] = d;
    }
    py::list requests;
    for (auto &[key, d] : status) {
        py::dict row;
        row["request_id"] = key.first;
        row["occurrence"] = key.second;
        const auto it = req.find(key.first);
        row["tenant"] = it != req.end() ? it->second->tenant : std::string{};
        row["priority"] = it != req.end() ? it->second->priority : 0;
        for (auto item : d) {
            row[item.first] = item.second;
        }
        requests.append(row);
    }
    const auto &mt = p.metrics;
    py::dict metrics;
    metrics["value"] = mt.value;
    metrics["value_upper_bound"] = mt.value_upper_bound;
    metrics["value_trivial_bound"] = mt.value_trivial_bound;
    metrics["bound_method"] = mt.bound_method;
    metrics["requests_served"] = mt.requests_served;
    metrics["requests_total"] = mt.requests_total;
    py::dict by_tenant;
    for (const auto &t : mt.tenants) {
        by_tenant[py::str(t.tenant)] = t.value;
    }
    metrics["served_value_by_tenant"] = by_tenant;
    metrics["latency_p50_h"] = mt.latency_p50_h;
    metrics["latency_p95_h"] = mt.latency_p95_h;
    metrics["time_limit_hit"] = mt.time_limit_hit;
    metrics["iterations_done"] = mt.iterations_done;
    py::dict out;
    out["acquisitions"] = acqs;
    out["downlinks"] = downs;
    out["requests"] = requests;
    out["metrics"] = metrics;
    out["seed"] = p.seed;
    return out;
}

} // namespace

void expose_scheduling(py::module_ &m)
{
    m.def(
        "_plan",
        [](const std::filesystem::path &scenario_path, std::optional<std::uint64_t> seed, std::optional<int> iterations,
           std::optional<double> time_limit_s) {
            const scheduling::Mission mission = io::read_mission_file(scenario_path);
            scheduling::PlanningOptions opt = mission.planning;
            if (seed) {
                opt.seed = *seed;
            }
            if (iterations) {
                opt.iterations = *iterations;
            }
            if (time_limit_s) {
                opt.time_limit_s = *time_limit_s;
            }
            if (auto warn = mission.eop.coverage_warning(mission.start, mission.stop)) {
                py::module_::import("warnings").attr("warn")(*warn);
            }
            scheduling::Plan p;
            {
                py::gil_scoped_release release;
                p = scheduling::plan(mission, opt);
            }
            return plan_records(p, mission);
        },
        py::arg("scenario"), py::arg("seed") = py::none(), py::arg("iterations") = py::none(),
        py::arg("time_limit_s") = py::none(), plan_doc().c_str());
}

} // namespace vantage::python
