// vantage.GroundStation, read_stations, passes (station contacts) and access (scenario opportunities).
// Results are lists of dicts with the CLI's column names: ready for pandas.DataFrame(records).
#include <map>

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "conversions.hpp"
#include "docstrings.hpp"
#include "expose.hpp"
#include "vantage/access/access.hpp"
#include "vantage/access/eclipse.hpp"
#include "vantage/access/links.hpp"
#include "vantage/io/scenario.hpp"
#include "vantage/io/stations.hpp"

namespace vantage::python {

namespace {

const char *side_name(geometry::LookSide s)
{
    return s == geometry::LookSide::left ? "left" : "right";
}

const char *direction_name(geometry::PassDirection d)
{
    return d == geometry::PassDirection::descending ? "descending" : "ascending";
}

std::vector<access::Satellite> to_satellites(const py::object &elements)
{
    std::vector<orbits::ElementSet> sets;
    if (py::isinstance<orbits::ElementSet>(elements)) {
        sets.push_back(elements.cast<orbits::ElementSet>());
    } else {
        sets = elements.cast<std::vector<orbits::ElementSet>>();
    }
    std::vector<access::Satellite> sats;
    sats.reserve(sets.size());
    for (const auto &e : sets) {
        sats.push_back(access::Satellite{orbits::Sgp4Propagator(e), e.object_name, geometry::Sensor{}});
    }
    return sats;
}

} // namespace

void expose_access(py::module_ &m)
{
    py::class_<geometry::GroundStation>(m, "GroundStation", ground_station_doc().c_str())
        .def(py::init([](const std::string &name, double lat_deg, double lon_deg, double alt_m, double min_elevation_deg,
                         double downlink_mbit_s, int antennas) {
                 if (!(lat_deg >= -90.0 && lat_deg <= 90.0)) {
                     throw Error(ErrorCode::out_of_range, "latitude must be in [-90, 90] degrees",
                                 ErrorContext{"", 0, "lat_deg", std::to_string(lat_deg)});
                 }
                 if (!(min_elevation_deg >= -90.0 && min_elevation_deg <= 90.0)) {
                     throw Error(ErrorCode::out_of_range, "minimum elevation must be in [-90, 90] degrees",
                                 ErrorContext{"", 0, "min_elevation_deg", std::to_string(min_elevation_deg)});
                 }
                 geometry::GroundStation g;
                 g.name = name;
                 g.location = frames::Geodetic{lat_deg, lon_deg, alt_m / 1000.0};
                 g.min_elevation_deg = min_elevation_deg;
                 g.downlink_mbit_s = downlink_mbit_s;
                 g.antennas = antennas;
                 return g;
             }),
             py::arg("name"), py::arg("lat_deg"), py::arg("lon_deg"), py::arg("alt_m") = 0.0,
             py::arg("min_elevation_deg") = 5.0, py::arg("downlink_mbit_s") = 0.0, py::arg("antennas") = 1)
        .def_readonly("name", &geometry::GroundStation::name)
        .def_property_readonly("lat_deg", [](const geometry::GroundStation &g) { return g.location.lat_deg; })
        .def_property_readonly("lon_deg", [](const geometry::GroundStation &g) { return g.location.lon_deg; })
        .def_property_readonly("alt_m", [](const geometry::GroundStation &g) { return g.location.h_km * 1000.0; })
        .def_readonly("min_elevation_deg", &geometry::GroundStation::min_elevation_deg)
        .def_readonly("downlink_mbit_s", &geometry::GroundStation::downlink_mbit_s)
        .def_readonly("antennas", &geometry::GroundStation::antennas)
        .def("__repr__", [](const geometry::GroundStation &g) { return "GroundStation('" + g.name + "')"; });

    m.def(
        "read_stations",
        [](const std::filesystem::path &path, bool strict) {
            auto read = io::read_stations_csv(path);
            if (strict && !read.rejected.empty()) {
                raise_diagnostic(read.rejected.front(), read.rejected.size());
            }
            const auto warn = py::module_::import("warnings").attr("warn");
            for (const auto *list : {&read.rejected, &read.warnings}) {
                for (const auto &d : *list) {
                    warn(d.to_string());
                }
            }
            return read.items;
        },
        py::arg("path"), py::arg("strict") = true, read_stations_doc().c_str());

    m.def(
        "passes",
        [](const py::object &elements, std::vector<geometry::GroundStation> stations, const py::object &start,
           const py::object &stop, const py::object &min_elevation_deg, const py::object &eop_obj, int threads,
           bool compute_attributes) {
            const auto sats = to_satellites(elements);
            const time::Instant t0 = to_instant(start, "start");
            const time::Instant t1 = to_instant(stop, "stop");
            if (!min_elevation_deg.is_none()) {
                const double e = min_elevation_deg.cast<double>();
                for (auto &g : stations) {
                    g.min_elevation_deg = e;
                    g.mask.clear();
                }
            }
            frames::EarthOrientation eop;
            if (!eop_obj.is_none()) {
                eop = eop_obj.cast<frames::EarthOrientation>();
            }
            access::SearchOptions opt;
            opt.threads = threads;
            opt.compute_attributes = compute_attributes;
            std::vector<access::StationPass> found;
            {
                py::gil_scoped_release release;
                found = access::find_station_passes(sats, stations, t0, t1, eop, opt);
            }
            py::list out;
            for (const auto &p : found) {
                py::dict d;
                d["norad_id"] = sats[p.satellite].propagator.elements().norad_id;
                d["station"] = stations[p.station].name;
                d["aos_utc"] = to_datetime(p.window.start);
                d["tca_utc"] = to_datetime(p.window.best);
                d["los_utc"] = to_datetime(p.window.end);
                d["max_elevation_deg"] = p.window.max_elevation_deg;
                d["duration_s"] = p.window.duration_s();
                d["partial"] = p.window.partial;
                out.append(d);
            }
            return out;
        },
        py::arg("elements"), py::arg("stations"), py::arg("start"), py::arg("stop"),
        py::arg("min_elevation_deg") = py::none(), py::arg("eop") = py::none(), py::arg("threads") = 0,
        py::arg("compute_attributes") = true, passes_doc().c_str());

    m.def(
        "eclipses",
        [](const py::object &elements, const py::object &start, const py::object &stop, const std::string &model,
           const py::object &eop_obj, double step_s) {
            const auto sats = to_satellites(elements);
            const time::Instant t0 = to_instant(start, "start");
            const time::Instant t1 = to_instant(stop, "stop");
            if (model != "conical" && model != "cylindrical") {
                throw ConfigError(ErrorCode::out_of_range, "model must be 'conical' or 'cylindrical'",
                                  ErrorContext{"", 0, "model", model});
            }
            frames::EarthOrientation eop;
            if (!eop_obj.is_none()) {
                eop = eop_obj.cast<frames::EarthOrientation>();
            }
            std::vector<access::Eclipse> found;
            {
                py::gil_scoped_release release;
                found = access::find_eclipses(sats, t0, t1, eop,
                                              model == "cylindrical" ? access::ShadowModel::cylindrical
                                                                     : access::ShadowModel::conical,
                                              step_s);
            }
            py::list out;
            for (const auto &e : found) {
                py::dict d;
                d["norad_id"] = sats[e.satellite].propagator.elements().norad_id;
                d["satellite"] = sats[e.satellite].name;
                d["penumbra_start_utc"] = to_datetime(e.penumbra_start);
                d["umbra_start_utc"] = e.umbra_start ? py::object(to_datetime(*e.umbra_start)) : py::none();
                d["umbra_end_utc"] = e.umbra_end ? py::object(to_datetime(*e.umbra_end)) : py::none();
                d["penumbra_end_utc"] = to_datetime(e.penumbra_end);
                d["duration_s"] = (e.penumbra_end - e.penumbra_start).seconds();
                d["partial"] = e.partial;
                out.append(d);
            }
            return out;
        },
        py::arg("elements"), py::arg("start"), py::arg("stop"), py::arg("model") = "conical", py::arg("eop") = py::none(),
        py::arg("step_s") = 30.0, eclipses_doc().c_str());

    m.def(
        "links",
        [](const py::object &elements, const py::object &start, const py::object &stop, const py::object &geo,
           bool between_satellites, double grazing_height_km, double min_elevation_deg, double max_off_nadir_deg,
           const py::object &eop_obj) {
            const auto sats = to_satellites(elements);
            const time::Instant t0 = to_instant(start, "start");
            const time::Instant t1 = to_instant(stop, "stop");
            std::vector<std::pair<std::string, double>> relays;
            if (!geo.is_none()) {
                for (const auto &[name, lon] : geo.cast<std::map<std::string, double>>()) {
                    relays.emplace_back(name, lon);
                }
            }
            const auto [ends, pairs] =
                access::satellite_links(sats, access::LinkTerminal{min_elevation_deg, 180.0}, relays,
                                        access::LinkTerminal{-90.0, max_off_nadir_deg}, between_satellites);
            const std::size_t nsat = sats.size();
            frames::EarthOrientation eop;
            if (!eop_obj.is_none()) {
                eop = eop_obj.cast<frames::EarthOrientation>();
            }
            access::LinkOptions lo;
            lo.grazing_height_km = grazing_height_km;
            std::vector<access::LinkWindow> found;
            {
                py::gil_scoped_release release;
                found = access::find_link_windows(ends, pairs, t0, t1, eop, lo);
            }
            py::list out;
            for (const auto &w : found) {
                py::dict d;
                d["first"] = ends[w.first].name;
                d["first_norad_id"] = sats[w.first].propagator.elements().norad_id;
                d["second"] = ends[w.second].name;
                d["second_norad_id"] = w.second < nsat ? py::object(py::int_(sats[w.second].propagator.elements().norad_id)) : py::none();
                d["start_utc"] = to_datetime(w.start);
                d["end_utc"] = to_datetime(w.end);
                d["duration_s"] = w.duration_s();
                d["min_range_km"] = w.min_range_km;
                d["max_range_km"] = w.max_range_km;
                d["partial"] = w.partial;
                out.append(d);
            }
            return out;
        },
        py::arg("elements"), py::arg("start"), py::arg("stop"), py::arg("geo") = py::none(),
        py::arg("between_satellites") = false, py::arg("grazing_height_km") = 100.0, py::arg("min_elevation_deg") = -90.0,
        py::arg("max_off_nadir_deg") = 10.0, py::arg("eop") = py::none(), links_doc().c_str());

    m.def(
        "access",
        [](const std::filesystem::path &scenario_path, bool compute_attributes) {
            const io::Scenario sc = io::read_scenario_file(scenario_path);
            access::SearchOptions opt = sc.search;
            opt.compute_attributes = compute_attributes;
            const auto warn = py::module_::import("warnings").attr("warn");
            for (const auto &d : sc.diagnostics) {
                warn(d.to_string());
            }
            std::vector<access::TargetAccess> found;
            {
                py::gil_scoped_release release;
                found = access::find_target_access(sc.satellites, sc.targets, sc.start, sc.stop, sc.eop, opt);
            }
            py::list out;
            for (const auto &a : found) {
                const auto &sat = sc.satellites[a.satellite];
                py::dict d;
                d["norad_id"] = sat.propagator.elements().norad_id;
                d["satellite"] = sat.name;
                d["target"] = sc.targets[a.target].id;
                d["start_utc"] = to_datetime(a.window.start);
                d["end_utc"] = to_datetime(a.window.end);
                d["best_utc"] = to_datetime(a.window.best);
                d["off_nadir_deg_at_best"] = a.window.min_off_nadir_deg;
                d["incidence_deg_at_best"] = a.window.incidence_deg_at_best;
                d["sun_elevation_deg_at_best"] = a.window.sun_elevation_deg_at_best;
                d["look_side"] = side_name(a.window.look_side);
                d["pass_direction"] = direction_name(a.window.pass_direction);
                d["partial"] = a.window.partial;
                const auto &modes = sat.sensor.modes;
                if (a.window.mode >= 0 && static_cast<std::size_t>(a.window.mode) < modes.size()) {
                    d["mode"] = modes[static_cast<std::size_t>(a.window.mode)].name;
                } else {
                    d["mode"] = py::none();
                }
                out.append(d);
            }
            return out;
        },
        py::arg("scenario"), py::arg("compute_attributes") = true, access_doc().c_str());
}

} // namespace vantage::python
