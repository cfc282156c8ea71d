// vantage._plan (the tasking planner on a scenario file), behind `vantage.plan` / `vantage.Plan` of
// vantage/__init__.py: the plan document is exactly `vantage plan`'s plan.json (io::plan_to_json, docs/formats.md
// § Tasking plan), so Python and the CLI cannot drift apart; the package turns its times into datetimes.
#include <optional>
#include <tuple>

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "conversions.hpp"
#include "docstrings.hpp"
#include "expose.hpp"
#include "vantage/io/mission_scenario.hpp"
#include "vantage/io/plan_io.hpp"
#include "vantage/scheduling/plan.hpp"

namespace vantage::python {


void expose_scheduling(py::module_ &m)
{
    m.def(
        "_plan",
        [](const std::filesystem::path &scenario_path, std::optional<std::uint64_t> seed, std::optional<int> iterations,
           std::optional<double> time_limit_s, bool compare_relays) {
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
            std::string json;
            {
                py::gil_scoped_release release;
                scheduling::Plan p = scheduling::plan(mission, opt);
                if (compare_relays) {
                    scheduling::compare_without_relays(mission, opt, p);
                }
                json = io::plan_to_json(p, mission, scenario_path.filename().string());
            }
            std::vector<std::tuple<std::string, std::string, int>> requests;
            requests.reserve(mission.requests.size());
            for (const auto &r : mission.requests) {
                requests.emplace_back(r.id, r.tenant, r.priority);
            }
            return py::make_tuple(json, requests);
        },
        py::arg("scenario"), py::arg("seed") = py::none(), py::arg("iterations") = py::none(),
        py::arg("time_limit_s") = py::none(), py::arg("compare_relays") = false, plan_doc().c_str());
}

} // namespace vantage::python
