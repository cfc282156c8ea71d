// Tasking scenario reader: the common sections through parse_scenario_node, then the tasking keys.
#include "vantage/io/mission_scenario.hpp"

#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "vantage/io/cloud_grib.hpp"
#include "vantage/io/omm.hpp"
#include "vantage/io/tle.hpp"

#include "json_util.hpp"
#include "request_reader.hpp"
#include "scenario_node.hpp"
#include "text_util.hpp"
#include "yaml_reader.hpp"

namespace vantage::io {

namespace {

namespace fs = std::filesystem;
using detail::indexed;
using detail::Reader;

struct SensorTasking {
    scheduling::Agility agility;
    std::optional<double> data_rate_mbit_s;
    std::optional<double> imaging_swath_km;
};

SensorTasking read_sensor_tasking(const Reader &r, const YAML::Node &n, const std::string &path)
{
    SensorTasking t;
    if (const YAML::Node a = n["agility"]; a.IsDefined()) {
        const std::string ap = Reader::join(path, "agility");
        r.check_map(a, ap, {"max_rate_deg_s", "max_accel_deg_s2", "settle_s", "slew_angle", "slew_table", "initial_attitude"});
        if (a["initial_attitude"].IsDefined()) {
            t.agility.initial_nadir =
                r.choice<bool>(a["initial_attitude"], Reader::join(ap, "initial_attitude"), {{"free", false}, {"nadir", true}});
        }
        if (a["slew_angle"].IsDefined()) {
            t.agility.measure = r.choice<scheduling::SlewMeasure>(
                a["slew_angle"], Reader::join(ap, "slew_angle"),
                {{"lvlh", scheduling::SlewMeasure::lvlh}, {"roll_pitch", scheduling::SlewMeasure::roll_pitch}});
        }
        if (const YAML::Node tb = a["slew_table"]; tb.IsDefined()) {
            // [[size_deg, time_s], ...]: sizes from 0, increasing; times not decreasing
            const std::string tp = Reader::join(ap, "slew_table");
            if (!tb.IsSequence() || tb.size() == 0) {
                r.fail(ErrorCode::syntax, "expected a list of [size_deg, time_s] pairs", tb, tp);
            }
            for (std::size_t i = 0; i < tb.size(); ++i) {
                const std::string ip = fmt::format("{}[{}]", tp, i);
                if (!tb[i].IsSequence() || tb[i].size() != 2) {
                    r.fail(ErrorCode::syntax, "expected a pair [size_deg, time_s]", tb[i], ip);
                }
                const double size = r.number_in(tb[i][0], ip + "[0]", 0.0, 360.0);
                const double time = r.number_in(tb[i][1], ip + "[1]", 0.0, 3600.0);
                if (i == 0 && size != 0.0) {
                    r.fail(ErrorCode::out_of_range, "the first size must be 0", tb[i][0], ip + "[0]");
                }
                if (i > 0 && !(size > t.agility.slew_table.back().first)) {
                    r.fail(ErrorCode::out_of_range, "sizes must increase", tb[i][0], ip + "[0]");
                }
                if (i > 0 && time < t.agility.slew_table.back().second) {
                    r.fail(ErrorCode::out_of_range, "times must not decrease", tb[i][1], ip + "[1]");
                }
                t.agility.slew_table.emplace_back(size, time);
            }
        }
        if (a["max_rate_deg_s"].IsDefined()) {
            t.agility.max_rate_deg_s = r.number_in(a["max_rate_deg_s"], Reader::join(ap, "max_rate_deg_s"), 0.0, 180.0, true);
        }
        if (a["max_accel_deg_s2"].IsDefined()) {
            t.agility.max_accel_deg_s2 =
                r.number_in(a["max_accel_deg_s2"], Reader::join(ap, "max_accel_deg_s2"), 0.0, 180.0, true);
        }
        if (a["settle_s"].IsDefined()) {
            t.agility.settle_s = r.number_in(a["settle_s"], Reader::join(ap, "settle_s"), 0.0, 600.0);
        }
    }
    if (n["data_rate_mbit_s"].IsDefined()) {
        t.data_rate_mbit_s = r.number_in(n["data_rate_mbit_s"], Reader::join(path, "data_rate_mbit_s"), 0.0, 1e7, true);
    }
    if (n["imaging_swath_km"].IsDefined()) {
        t.imaging_swath_km = r.number_in(n["imaging_swath_km"], Reader::join(path, "imaging_swath_km"), 0.0, 5000.0, true);
    }
    return t;
}

/// A satellite's `power: {battery_wh, initial_soc, min_soc, max_soc, solar_w, bus_w, imaging_w, slew_w, downlink_w,
/// eclipse}` (docs/formats.md § Tasking scenario).
scheduling::PowerModel read_power(const Reader &r, const YAML::Node &n, const std::string &path)
{
    r.check_map(n, path, {"battery_wh", "initial_soc", "min_soc", "max_soc", "solar_w", "bus_w", "imaging_w", "slew_w",
                          "downlink_w", "eclipse"});
    scheduling::PowerModel p;
    p.battery_wh = r.number_in(r.need(n, "battery_wh", path), Reader::join(path, "battery_wh"), 0.0, 1e9, true);
    // an optional number in [0, hi]: state-of-charge fractions (hi 1) and loads in W (hi 1e7)
    auto optional_in = [&](const char *key, double hi, double &out) {
        if (n[key].IsDefined()) {
            out = r.number_in(n[key], Reader::join(path, key), 0.0, hi);
        }
    };
    for (const auto &[key, out] : {std::pair{"min_soc", &p.min_soc}, std::pair{"max_soc", &p.max_soc},
                                   std::pair{"initial_soc", &p.initial_soc}}) {
        optional_in(key, 1.0, *out);
    }
    if (!(p.max_soc > p.min_soc)) {
        r.fail(ErrorCode::out_of_range, "max_soc must be above min_soc", n["max_soc"].IsDefined() ? n["max_soc"] : n,
               Reader::join(path, "max_soc"));
    }
    if (!n["initial_soc"].IsDefined()) {
        p.initial_soc = p.max_soc;
    }
    if (p.initial_soc < p.min_soc || p.initial_soc > p.max_soc) {
        r.fail(ErrorCode::out_of_range, "initial_soc must be within [min_soc, max_soc]", n["initial_soc"],
               Reader::join(path, "initial_soc"));
    }
    for (const auto &[key, out] : {std::pair{"solar_w", &p.solar_w}, std::pair{"bus_w", &p.bus_w},
                                   std::pair{"imaging_w", &p.imaging_w}, std::pair{"slew_w", &p.slew_w},
                                   std::pair{"downlink_w", &p.downlink_w}}) {
        optional_in(key, 1e7, *out);
    }
    if (n["eclipse"].IsDefined()) {
        p.shadow = r.choice<access::ShadowModel>(n["eclipse"], Reader::join(path, "eclipse"),
                                                 {{"conical", access::ShadowModel::conical},
                                                  {"cylindrical", access::ShadowModel::cylindrical}});
    }
    return p;
}

std::vector<mission::Request> read_request_list(const Reader &r, const YAML::Node &list, const std::string &base)
{
    if (!list.IsSequence()) {
        r.fail(ErrorCode::syntax, "expected a list of requests", list, base);
    }
    std::vector<mission::Request> out;
    std::map<std::string, int> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string path = indexed(base, i);
        const int line = Reader::line_of(list[i]);
        const detail::JsonWhere where{r.source(), line, path};
        mission::Request q = detail::request_from_json(detail::yaml_to_json(list[i], where), where);
        if (auto [it, inserted] = seen.emplace(q.id, line); !inserted) {
            r.fail(ErrorCode::duplicate, fmt::format("request id already used on line {}", it->second), line,
                   Reader::join(path, "id"), q.id);
        }
        out.push_back(std::move(q));
    }
    return out;
}

/// `clouds: {forecast: [files], climatology: [files], forecast_sigma_pct, climatology_sigma_pct, default_max_cover_pct}`
/// (a single file may be given as a string).
mission::CloudData read_clouds_node(const Reader &r, const YAML::Node &c)
{
    r.check_map(c, "clouds", {"forecast", "climatology", "forecast_sigma_pct", "climatology_sigma_pct", "default_max_cover_pct"});
    auto files = [&](const char *key) {
        std::vector<fs::path> out;
        const YAML::Node n = c[key];
        const std::string path = Reader::join("clouds", key);
        if (!n.IsDefined() || n.IsNull()) {
            return out;
        }
        if (n.IsScalar()) {
            out.push_back(r.file(n, path));
        } else if (n.IsSequence()) {
            for (std::size_t i = 0; i < n.size(); ++i) {
                out.push_back(r.file(n[i], indexed(path, i)));
            }
        } else {
            r.fail(ErrorCode::syntax, "expected a GRIB file or a list of them", n, path);
        }
        return out;
    };
    const auto forecast = files("forecast");
    const auto climatology = files("climatology");
    if (forecast.empty() && climatology.empty()) {
        r.fail(ErrorCode::missing_field, "give a forecast or a climatology (GRIB files)", c, "clouds");
    }
    mission::CloudData d;
    try {
        d = read_clouds(forecast, climatology);
    } catch (const ConfigError &e) {
        r.fail(e.code(), fmt::format("{}: {}", e.context().source, e.message()), c, e.context().field);
    }
    if (c["forecast_sigma_pct"].IsDefined()) {
        d.forecast_sigma_pct = r.number_in(c["forecast_sigma_pct"], "clouds.forecast_sigma_pct", 0.0, 100.0);
    }
    if (c["climatology_sigma_pct"].IsDefined()) {
        d.climatology_sigma_pct = r.number_in(c["climatology_sigma_pct"], "clouds.climatology_sigma_pct", 0.0, 100.0);
    }
    if (c["default_max_cover_pct"].IsDefined()) {
        d.default_max_cover_pct = r.number_in(c["default_max_cover_pct"], "clouds.default_max_cover_pct", 0.0, 100.0);
    }
    return d;
}

std::vector<mission::Request> requests_from_node(const Reader &r, const YAML::Node &root)
{
    if (root.IsMap()) {
        r.check_map(root, "", {"requests"});
        return read_request_list(r, r.need(root, "requests", ""), "requests");
    }
    return read_request_list(r, root, "requests");
}

void read_planning(const Reader &r, const YAML::Node &n, scheduling::PlanningOptions &p)
{
    r.check_map(n, "planning",
                {"seed", "iterations", "time_limit_s", "time_step_s", "strip_overlap", "max_strip_length_km",
                 "strip_scan_speed_km_s", "delivery_margin_h", "fairness_tolerance", "min_contact_s",
                 "default_downlink_mbit_s", "freeze_h", "change_penalty", "exact_bound",  "urgent_share_exempt", "bound_time_limit_s",
                 "replan_iterations"});
    auto num = [&](const char *key, double lo, double hi, bool lo_open, bool hi_open, double &out) {
        if (n[key].IsDefined()) {
            out = r.number_in(n[key], Reader::join("planning", key), lo, hi, lo_open, hi_open);
        }
    };
    auto whole = [&](const char *key, double lo, double hi) -> std::optional<double> {
        if (!n[key].IsDefined()) {
            return std::nullopt;
        }
        const double v = r.number_in(n[key], Reader::join("planning", key), lo, hi);
        if (v != std::floor(v)) {
            r.fail(ErrorCode::invalid_number, "must be a whole number", n[key], Reader::join("planning", key));
        }
        return v;
    };
    if (auto v = whole("seed", 0.0, 9007199254740991.0)) {
        p.seed = static_cast<std::uint64_t>(*v);
    }
    if (auto v = whole("iterations", 0.0, 1e9)) {
        p.iterations = static_cast<int>(*v);
    }
    if (auto v = whole("replan_iterations", 0.0, 1e9)) {
        p.replan_iterations = static_cast<int>(*v);
    }
    num("time_limit_s", 0.0, 1e7, true, false, p.time_limit_s);
    num("bound_time_limit_s", 0.0, 1e7, true, false, p.bound_time_limit_s);
    num("time_step_s", 0.0, 60.0, true, false, p.time_step_s);
    num("strip_overlap", 0.0, 0.5, false, false, p.strip_overlap);
    num("max_strip_length_km", 0.0, 1e4, true, false, p.max_strip_length_km);
    num("strip_scan_speed_km_s", 0.0, 100.0, true, false, p.strip_scan_speed_km_s);
    num("delivery_margin_h", 0.0, 24.0 * 30.0, false, false, p.delivery_margin_h);
    num("fairness_tolerance", 0.0, 1.0, false, false, p.fairness_tolerance);
    num("min_contact_s", 0.0, 86400.0, false, false, p.min_contact_s);
    num("default_downlink_mbit_s", 0.0, 1e7, true, false, p.default_downlink_mbit_s);
    num("freeze_h", 0.0, 24.0 * 30.0, false, false, p.freeze_h);
    num("change_penalty", 0.0, 1e6, false, false, p.change_penalty);
    if (const YAML::Node e = n["exact_bound"]; e.IsDefined()) {
        p.exact_bound = r.choice<bool>(e, "planning.exact_bound", {{"true", true}, {"false", false}});
    }
    if (const YAML::Node e = n["urgent_share_exempt"]; e.IsDefined()) {
        p.urgent_share_exempt = r.choice<bool>(e, "planning.urgent_share_exempt", {{"true", true}, {"false", false}});
    }
}

/// `relays: [{name, longitude_deg | tle_file/omm_file + norad_id, feeder_station, rate_mbit_s, acquisition_s, terminals,
/// max_session_s, max_off_nadir_deg, grazing_height_km}]` (docs/formats.md § Tasking scenario).
std::vector<scheduling::Relay> read_relays(const Reader &r, const YAML::Node &list, const std::set<std::string> &station_names)
{
    if (!list.IsSequence()) {
        r.fail(ErrorCode::syntax, "expected a list of relays", list, "relays");
    }
    std::vector<scheduling::Relay> out;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const YAML::Node n = list[i];
        const std::string path = indexed("relays", i);
        r.check_map(n, path, {"name", "longitude_deg", "tle_file", "omm_file", "norad_id", "feeder_station", "rate_mbit_s",
                              "acquisition_s", "terminals", "max_session_s", "max_off_nadir_deg", "grazing_height_km"});
        scheduling::Relay rel;
        rel.end.name = r.text(r.need(n, "name", path), Reader::join(path, "name"));
        for (const auto &o : out) {
            if (o.end.name == rel.end.name) {
                r.fail(ErrorCode::duplicate, "relay name already used", n["name"], Reader::join(path, "name"));
            }
        }
        const int given = (n["longitude_deg"].IsDefined() ? 1 : 0) + (n["tle_file"].IsDefined() ? 1 : 0) +
                          (n["omm_file"].IsDefined() ? 1 : 0);
        if (given != 1) {
            r.fail(given == 0 ? ErrorCode::missing_field : ErrorCode::syntax,
                   "give exactly one of longitude_deg (an ideal geostationary point), tle_file and omm_file", n,
                   Reader::join(path, "longitude_deg"));
        }
        if (n["longitude_deg"].IsDefined()) {
            rel.end.geo_longitude_deg = r.number_in(n["longitude_deg"], Reader::join(path, "longitude_deg"), -180.0, 360.0);
        } else {
            const char *key = n["tle_file"].IsDefined() ? "tle_file" : "omm_file";
            const fs::path file = r.file(n[key], Reader::join(path, key));
            ParseResult<ElementRecord> read;
            try {
                read = n["tle_file"].IsDefined() ? read_tle_file(file) : read_omm_file(file);
            } catch (const ParseError &e) {
                r.fail(e.code(), fmt::format("in '{}': {}", file.string(), e.what()), n[key], Reader::join(path, key));
            }
            const YAML::Node idn = r.need(n, "norad_id", path);
            const double id = r.number_in(idn, Reader::join(path, "norad_id"), 0.0, 999999999.0);
            for (const auto &rec : read.items) {
                if (static_cast<double>(rec.elements.norad_id) == id) {
                    rel.end.propagator.emplace(rec.elements);
                }
            }
            if (!rel.end.propagator) {
                r.fail(ErrorCode::missing_field, fmt::format("no element set with this id in '{}'", file.string()), idn,
                       Reader::join(path, "norad_id"));
            }
        }
        const YAML::Node fs_node = r.need(n, "feeder_station", path);
        rel.feeder_station = r.text(fs_node, Reader::join(path, "feeder_station"));
        if (!station_names.count(rel.feeder_station)) {
            r.fail(ErrorCode::missing_field, "not one of the scenario's ground_stations", fs_node, Reader::join(path, "feeder_station"));
        }
        auto number = [&](const char *key, double lo, double hi, bool lo_open, double &outv) {
            if (n[key].IsDefined()) {
                outv = r.number_in(n[key], Reader::join(path, key), lo, hi, lo_open);
            }
        };
        number("rate_mbit_s", 0.0, 1e7, true, rel.rate_mbit_s);
        number("acquisition_s", 0.0, 3600.0, false, rel.acquisition_s);
        number("max_session_s", 0.0, 86400.0, true, rel.max_session_s);
        number("grazing_height_km", 0.0, 1000.0, false, rel.grazing_height_km);
        number("max_off_nadir_deg", 0.0, 180.0, true, rel.end.terminal.max_off_nadir_deg);
        if (n["terminals"].IsDefined()) {
            const double t = r.number_in(n["terminals"], Reader::join(path, "terminals"), 1.0, 64.0);
            if (t != std::floor(t)) {
                r.fail(ErrorCode::out_of_range, "a whole number of terminals", n["terminals"], Reader::join(path, "terminals"));
            }
            rel.terminals = static_cast<int>(t);
        }
        out.push_back(std::move(rel));
    }
    return out;
}

scheduling::Mission parse_mission_node(const Reader &r, const YAML::Node &root)
{
    Scenario sc = detail::parse_scenario_node(r, root);
    scheduling::Mission m;
    m.source = sc.source;
    m.start = sc.start;
    m.stop = sc.stop;
    m.eop = sc.eop;
    m.search = sc.search;
    m.stations = sc.stations;

    // ---- sensors' and satellites' tasking keys
    std::map<std::string, SensorTasking> tasking;
    if (const YAML::Node s = root["sensors"]; s.IsDefined() && s.IsMap()) {
        for (auto it = s.begin(); it != s.end(); ++it) {
            const std::string name = it->first.Scalar();
            tasking[name] = read_sensor_tasking(r, it->second, "sensors." + name);
        }
    }
    const YAML::Node sats = root["satellites"];
    for (std::size_t i = 0; i < sc.satellites.size(); ++i) {
        scheduling::TaskingSatellite ts{sc.satellites[i]};
        const auto &sensor = ts.sat.sensor;
        const SensorTasking &st = tasking[sensor.name];
        ts.agility = st.agility;
        if (st.data_rate_mbit_s) {
            ts.data_rate_mbit_s = *st.data_rate_mbit_s;
        }
        if (st.imaging_swath_km) {
            ts.imaging_swath_km = *st.imaging_swath_km;
        } else if (sensor.type == geometry::SensorType::sar) {
            ts.imaging_swath_km = 30.0;
        } else if (!sensor.max_off_nadir_deg && sensor.swath_km) {
            ts.imaging_swath_km = *sensor.swath_km;
        } else {
            ts.imaging_swath_km = 20.0;
        }
        const std::size_t e = sc.satellite_entries[i];
        const YAML::Node n = sats[e];
        const std::string path = indexed("satellites", e);
        if (n["storage_gbit"].IsDefined()) {
            ts.storage_gbit = r.number_in(n["storage_gbit"], Reader::join(path, "storage_gbit"), 0.0, 1e9, true);
        }
        if (n["max_imaging_s_per_orbit"].IsDefined()) {
            ts.max_imaging_s_per_orbit =
                r.number_in(n["max_imaging_s_per_orbit"], Reader::join(path, "max_imaging_s_per_orbit"), 0.0, 1e6, true);
        }
        if (const YAML::Node pw = n["power"]; pw.IsDefined() && !pw.IsNull()) {
            ts.power = read_power(r, pw, Reader::join(path, "power"));
        }
        if (const YAML::Node rt = n["relay_terminal"]; rt.IsDefined() && !rt.IsNull()) {
            const std::string tp = Reader::join(path, "relay_terminal");
            r.check_map(rt, tp, {"min_elevation_deg"});
            access::LinkTerminal t;
            t.min_elevation_deg = 0.0;
            if (rt["min_elevation_deg"].IsDefined()) {
                t.min_elevation_deg = r.number_in(rt["min_elevation_deg"], Reader::join(tp, "min_elevation_deg"), -90.0, 90.0);
            }
            ts.relay_terminal = t;
        }
        m.satellites.push_back(std::move(ts));
    }
    std::set<std::string> station_names;
    for (const auto &s : m.stations) {
        station_names.insert(s.name);
    }

    // ---- tenants
    if (const YAML::Node t = root["tenants"]; t.IsDefined() && !t.IsNull()) {
        if (!t.IsMap()) {
            r.fail(ErrorCode::syntax, "expected a mapping of nation code to {share, allowed_stations}", t, "tenants");
        }
        double sum = 0.0;
        for (auto it = t.begin(); it != t.end(); ++it) {
            const std::string name = r.text(it->first, "tenants");
            const std::string path = "tenants." + name;
            const YAML::Node n = it->second;
            r.check_map(n, path, {"share", "allowed_stations"});
            scheduling::Tenant ten;
            ten.name = name;
            ten.share = r.number_in(r.need(n, "share", path), Reader::join(path, "share"), 0.0, 1.0);
            sum += ten.share;
            if (const YAML::Node al = n["allowed_stations"]; al.IsDefined()) {
                const std::string ap = Reader::join(path, "allowed_stations");
                if (!al.IsSequence()) {
                    r.fail(ErrorCode::syntax, "expected a list of station names", al, ap);
                }
                for (std::size_t k = 0; k < al.size(); ++k) {
                    const std::string s = r.text(al[k], indexed(ap, k));
                    if (!station_names.count(s)) {
                        r.fail(ErrorCode::missing_field, "not one of the scenario's ground_stations", al[k], indexed(ap, k));
                    }
                    ten.allowed_stations.push_back(s);
                }
            }
            m.tenants.push_back(std::move(ten));
        }
        if (!(sum > 0.0)) {
            r.fail(ErrorCode::out_of_range, "the rights shares must not all be zero", t, "tenants");
        }
    }

    // ---- requests (inline, then requests_file)
    std::vector<int> request_lines;
    if (const YAML::Node q = root["requests"]; q.IsDefined() && !q.IsNull()) {
        m.requests = read_request_list(r, q, "requests");
        for (std::size_t i = 0; i < q.size(); ++i) {
            request_lines.push_back(Reader::line_of(q[i]));
        }
    }
    std::string req_source = r.source();
    if (const YAML::Node f = root["requests_file"]; f.IsDefined()) {
        const fs::path file = r.file(f, "requests_file");
        const auto more = read_requests_file(file);
        std::set<std::string> ids;
        for (const auto &q : m.requests) {
            ids.insert(q.id);
        }
        for (const auto &q : more) {
            if (!ids.insert(q.id).second) {
                r.fail(ErrorCode::duplicate, fmt::format("request id '{}' of '{}' is also in the scenario", q.id, file.string()),
                       f, "requests_file");
            }
            m.requests.push_back(q);
            request_lines.push_back(Reader::line_of(f));
        }
    }
    if (!m.tenants.empty()) {
        std::set<std::string> known;
        for (const auto &t : m.tenants) {
            known.insert(t.name);
        }
        for (std::size_t i = 0; i < m.requests.size(); ++i) {
            if (!known.count(m.requests[i].tenant)) {
                r.fail(ErrorCode::missing_field, "tenant not listed under 'tenants'", request_lines[i],
                       fmt::format("requests[{}].tenant", i), m.requests[i].tenant);
            }
        }
    }

    // ---- station outages
    if (const YAML::Node o = root["station_outages"]; o.IsDefined() && !o.IsNull()) {
        if (!o.IsSequence()) {
            r.fail(ErrorCode::syntax, "expected a list of {station, start_utc, end_utc}", o, "station_outages");
        }
        for (std::size_t i = 0; i < o.size(); ++i) {
            const std::string path = indexed("station_outages", i);
            r.check_map(o[i], path, {"station", "start_utc", "end_utc"});
            scheduling::Outage out;
            const YAML::Node sn = r.need(o[i], "station", path);
            out.station = r.text(sn, Reader::join(path, "station"));
            if (!station_names.count(out.station)) {
                r.fail(ErrorCode::missing_field, "not one of the scenario's ground_stations", sn, Reader::join(path, "station"));
            }
            out.start = r.instant(r.need(o[i], "start_utc", path), Reader::join(path, "start_utc"));
            const YAML::Node en = r.need(o[i], "end_utc", path);
            out.end = r.instant(en, Reader::join(path, "end_utc"));
            if (!(out.end > out.start)) {
                r.fail(ErrorCode::out_of_range, "end_utc must be after start_utc", en, Reader::join(path, "end_utc"));
            }
            m.outages.push_back(out);
        }
    }

    // ---- relays and latency regions
    if (const YAML::Node rl = root["relays"]; rl.IsDefined() && !rl.IsNull()) {
        m.relays = read_relays(r, rl, station_names);
    }
    if (const YAML::Node lr = root["latency_regions"]; lr.IsDefined() && !lr.IsNull()) {
        if (!lr.IsSequence()) {
            r.fail(ErrorCode::syntax, "expected a list of {name, west_deg, south_deg, east_deg, north_deg}", lr, "latency_regions");
        }
        for (std::size_t i = 0; i < lr.size(); ++i) {
            const std::string path = indexed("latency_regions", i);
            r.check_map(lr[i], path, {"name", "west_deg", "south_deg", "east_deg", "north_deg"});
            scheduling::LatencyRegion g;
            g.name = r.text(r.need(lr[i], "name", path), Reader::join(path, "name"));
            g.west_deg = r.number_in(r.need(lr[i], "west_deg", path), Reader::join(path, "west_deg"), -180.0, 180.0);
            g.east_deg = r.number_in(r.need(lr[i], "east_deg", path), Reader::join(path, "east_deg"), -180.0, 180.0);
            g.south_deg = r.number_in(r.need(lr[i], "south_deg", path), Reader::join(path, "south_deg"), -90.0, 90.0);
            const YAML::Node nn = r.need(lr[i], "north_deg", path);
            g.north_deg = r.number_in(nn, Reader::join(path, "north_deg"), -90.0, 90.0);
            if (!(g.north_deg > g.south_deg)) {
                r.fail(ErrorCode::out_of_range, "north_deg must be above south_deg", nn, Reader::join(path, "north_deg"));
            }
            m.latency_regions.push_back(g);
        }
    }

    // ---- planning
    if (const YAML::Node p = root["planning"]; p.IsDefined() && !p.IsNull()) {
        read_planning(r, p, m.planning);
    }

    // ---- clouds
    if (const YAML::Node c = root["clouds"]; c.IsDefined() && !c.IsNull()) {
        m.clouds = std::make_shared<const mission::CloudData>(read_clouds_node(r, c));
    }
    try {
        scheduling::validate_mission(m);
    } catch (const ConfigError &e) {
        r.fail(e.code(), e.message(), 0, e.context().field, e.context().value);
    }
    return m;
}

} // namespace

scheduling::Mission read_mission_file(const std::filesystem::path &path)
{
    const std::string text = detail::read_text_file(path);
    return parse_mission_text(text, path.string(), path.parent_path());
}

scheduling::Mission parse_mission_text(std::string_view text, const std::string &source_name,
                                       const std::filesystem::path &base_dir)
{
    const Reader r(source_name, base_dir.empty() ? fs::path(".") : base_dir);
    return parse_mission_node(r, detail::load_yaml(text, source_name));
}

std::vector<mission::Request> read_requests_file(const std::filesystem::path &path)
{
    const std::string text = detail::read_text_file(path);
    const Reader r(path.string(), path.parent_path().empty() ? fs::path(".") : path.parent_path());
    const YAML::Node root = detail::load_yaml(text, path.string());
    if (!root.IsDefined() || root.IsNull()) {
        return {};
    }
    return requests_from_node(r, root);
}

} // namespace vantage::io
