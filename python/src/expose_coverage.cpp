// vantage.coverage (revisit / response / time in view over a grid) and the constellation design functions
// (walker, sun_synchronous, ...). Results are plain records (lists of dicts with the CLI's column names), wrapped in
// a dataclass by vantage/__init__.py.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "conversions.hpp"
#include "docstrings.hpp"
#include "expose.hpp"
#include "vantage/coverage/coverage.hpp"
#include "vantage/io/coverage_output.hpp"
#include "vantage/io/coverage_scenario.hpp"
#include "vantage/io/element_writer.hpp"
#include "vantage/orbits/constellation.hpp"

namespace vantage::python {

namespace {

orbits::DesignCommon design_common(const py::object &epoch, std::uint32_t first_norad_id, const std::string &name_prefix)
{
    orbits::DesignCommon c;
    c.epoch = to_instant(epoch, "epoch");
    c.first_norad_id = first_norad_id;
    c.name_prefix = name_prefix;
    return c;
}

orbits::NodeKind node_kind(const std::string &node)
{
    if (node == "ascending") {
        return orbits::NodeKind::ascending;
    }
    if (node == "descending") {
        return orbits::NodeKind::descending;
    }
    throw ConfigError(ErrorCode::out_of_range, "node must be 'ascending' or 'descending'", ErrorContext{"", 0, "node", node});
}

} // namespace

void expose_coverage(py::module_ &m)
{
    m.def(
        "_coverage",
        [](const std::filesystem::path &scenario, const py::object &aoi, const py::object &grid_km,
           const py::object &min_accesses, int threads) {
            io::CoverageScenario cs = io::read_coverage_scenario_file(scenario);
            if (!aoi.is_none()) {
                io::set_regions_from_geojson_file(cs, aoi.cast<std::filesystem::path>());
            }
            if (!grid_km.is_none()) {
                cs.grid_km = grid_km.cast<double>();
                cs.grid_origin = ErrorContext{"", 0, "grid_km", ""};
            }
            if (!min_accesses.is_none()) {
                cs.min_accesses = min_accesses.cast<int>();
            }
            const auto warn = py::module_::import("warnings").attr("warn");
            for (const auto &d : cs.scenario.diagnostics) {
                warn(d.to_string());
            }
            const auto &sc = cs.scenario;
            const coverage::GridSelection sel = io::select_coverage_grid(cs);
            coverage::CoverageOptions opt;
            opt.search = sc.search;
            if (threads >= 0) {
                opt.search.threads = threads;
            }
            std::vector<coverage::PointFigures> figs;
            std::vector<coverage::RegionSummary> regions;
            {
                py::gil_scoped_release release;
                figs = coverage::compute_points(sc.satellites, sel.points, sc.start, sc.stop, sc.eop, opt);
                regions = coverage::summarize(sel, figs, (sc.stop - sc.start).seconds(), cs.min_accesses);
            }
            constexpr double s_per_h = 3600.0;
            const double duration_s = (sc.stop - sc.start).seconds();
            py::list points;
            for (std::size_t i = 0; i < sel.points.size(); ++i) {
                const auto &p = sel.points[i];
                const auto &f = figs[i];
                py::dict d;
                d["lat_deg"] = p.lat_deg;
                d["lon_deg"] = p.lon_deg;
                d["weight"] = p.weight_km2;
                d["accesses"] = f.accesses;
                d["satellite_passes"] = f.satellite_passes;
                d["first_access_utc"] = f.first_access_s
                                            ? to_datetime(sc.start + time::Duration::from_seconds(*f.first_access_s))
                                            : py::object(py::none());
                d["max_gap_h"] = f.max_gap_s / s_per_h;
                d["mean_gap_h"] = f.mean_gap_s / s_per_h;
                d["p95_gap_h"] = f.p95_gap_s / s_per_h;
                d["mean_response_h"] = f.mean_response_s / s_per_h;
                d["time_in_view_fraction"] = f.time_in_view_s / duration_s;
                points.append(d);
            }
            py::dict members;
            for (std::size_t r = 0; r < sel.regions.size(); ++r) {
                members[py::str(sel.regions[r].name)] = sel.members[r];
            }
            io::CoverageRunInfo info;
            info.scenario = scenario.string();
            info.start = sc.start;
            info.stop = sc.stop;
            info.satellites = sc.satellites.size();
            info.sensors = sc.sensors;
            info.search = sc.search;
            py::dict out;
            out["start_utc"] = to_datetime(sc.start);
            out["stop_utc"] = to_datetime(sc.stop);
            out["grid_km"] = sel.layout.spacing_km;
            out["points"] = points;
            out["members"] = members;
            out["summary_json"] = io::coverage_summary_json(info, sel, regions);
            return out;
        },
        py::arg("scenario"), py::arg("aoi") = py::none(), py::arg("grid_km") = py::none(),
        py::arg("min_accesses") = py::none(), py::arg("threads") = -1, coverage_doc().c_str());

    m.def(
        "walker",
        [](int total, int planes, int phasing, double altitude_km, double inclination_deg, const py::object &epoch,
           const std::string &pattern, const py::object &raan_spread_deg, double raan0_deg, double arg_latitude0_deg,
           std::uint32_t first_norad_id, const std::string &name_prefix) {
            orbits::WalkerSpec w;
            if (pattern != "delta" && pattern != "star") {
                throw ConfigError(ErrorCode::out_of_range, "pattern must be 'delta' or 'star'",
                                  ErrorContext{"", 0, "pattern", pattern});
            }
            w.type = pattern == "star" ? orbits::WalkerType::star : orbits::WalkerType::delta;
            w.total = total;
            w.planes = planes;
            w.phasing = phasing;
            w.altitude_km = altitude_km;
            w.inclination_deg = inclination_deg;
            if (!raan_spread_deg.is_none()) {
                w.raan_spread_deg = raan_spread_deg.cast<double>();
            }
            w.raan0_deg = raan0_deg;
            w.arg_latitude0_deg = arg_latitude0_deg;
            return orbits::walker_constellation(w, design_common(epoch, first_norad_id, name_prefix));
        },
        py::arg("total"), py::arg("planes"), py::arg("phasing"), py::arg("altitude_km"), py::arg("inclination_deg"),
        py::arg("epoch"), py::arg("pattern") = "delta", py::arg("raan_spread_deg") = py::none(), py::arg("raan0_deg") = 0.0,
        py::arg("arg_latitude0_deg") = 0.0, py::arg("first_norad_id") = 80000, py::arg("name_prefix") = "VANTAGE",
        walker_doc().c_str());

    m.def(
        "sun_synchronous",
        [](double altitude_km, const std::vector<double> &local_times_h, const py::object &epoch, const std::string &node,
           int sats_per_plane, int phasing, double arg_latitude0_deg, std::uint32_t first_norad_id,
           const std::string &name_prefix) {
            orbits::SsoSpec s;
            s.altitude_km = altitude_km;
            s.local_times_h = local_times_h;
            s.node = node_kind(node);
            s.sats_per_plane = sats_per_plane;
            s.phasing = phasing;
            s.arg_latitude0_deg = arg_latitude0_deg;
            return orbits::sun_synchronous_constellation(s, design_common(epoch, first_norad_id, name_prefix));
        },
        py::arg("altitude_km"), py::arg("local_times_h"), py::arg("epoch"), py::arg("node") = "ascending",
        py::arg("sats_per_plane") = 1, py::arg("phasing") = 0, py::arg("arg_latitude0_deg") = 0.0,
        py::arg("first_norad_id") = 80000, py::arg("name_prefix") = "VANTAGE", sun_synchronous_doc().c_str());

    m.def(
        "sun_synchronous_inclination_deg", [](double altitude_km) { return orbits::sun_synchronous_inclination_deg(altitude_km); },
        py::arg("altitude_km"), sso_inclination_doc().c_str());
    m.def(
        "sgp4_mean_altitude_km", [](const orbits::ElementSet &e) { return orbits::sgp4_mean_altitude_km(e); },
        py::arg("elements"), "SGP4 mean altitude (km): SGP4's Brouwer mean semi-major axis minus 6378.135 km (WGS-72).");
    m.def(
        "mean_local_time_of_node_h",
        [](const orbits::ElementSet &e, const std::string &node) { return orbits::mean_local_time_of_node_h(e, node_kind(node)); },
        py::arg("elements"), py::arg("node") = "ascending",
        "Mean local solar time (h, [0, 24)) of the ascending or descending node at the element-set epoch.");
    m.def(
        "write_elements",
        [](const std::vector<orbits::ElementSet> &elements, const std::filesystem::path &path, const py::object &format) {
            std::optional<io::ElementOutputFormat> f = format.is_none()
                                                           ? io::element_format_for_path(path)
                                                           : io::parse_element_output_format(format.cast<std::string>());
            if (!f) {
                throw ConfigError(ErrorCode::unsupported,
                                  "format: 'tle', 'omm-kvn', 'omm-xml' or 'omm-json' (or a .tle/.kvn/.omm/.xml/.json path)",
                                  ErrorContext{"", 0, "format", format.is_none() ? path.string() : format.cast<std::string>()});
            }
            const std::string text = io::format_element_sets(elements, *f);
            py::module_::import("pathlib").attr("Path")(path).attr("write_text")(text);
        },
        py::arg("elements"), py::arg("path"), py::arg("format") = py::none(), write_elements_doc().c_str());
}

} // namespace vantage::python
