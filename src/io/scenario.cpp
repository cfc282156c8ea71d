#include "vantage/io/scenario.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "scenario_node.hpp"
#include "text_util.hpp"
#include "yaml_reader.hpp"
#include "vantage/io/eop.hpp"
#include "vantage/io/omm.hpp"
#include "vantage/io/stations.hpp"
#include "vantage/io/tle.hpp"

namespace vantage::io {

namespace {

namespace fs = std::filesystem;
using detail::indexed;
using detail::Reader;

/// The constraint keys of a sensor or of one of its modes into `s` (keys absent from `n` keep the value in `s`).
void read_sensor_constraints(const Reader &r, const YAML::Node &n, const std::string &path, geometry::Sensor &s)
{
    using geometry::LookSide;
    auto opt = [&](const char *key, double lo, double hi, bool lo_open, bool hi_open, std::optional<double> &out) {
        const YAML::Node v = n[key];
        if (!v.IsDefined() || v.IsNull()) {
            return;
        }
        out = r.number_in(v, Reader::join(path, key), lo, hi, lo_open, hi_open);
    };
    opt("max_off_nadir_deg", 0.0, 90.0, true, true, s.max_off_nadir_deg);
    opt("swath_km", 0.0, 10000.0, true, false, s.swath_km);
    opt("along_track_half_angle_deg", 0.0, 45.0, true, false, s.along_track_half_angle_deg);
    opt("min_sun_elevation_deg", -90.0, 90.0, false, false, s.min_sun_elevation_deg);
    opt("incidence_min_deg", 0.0, 90.0, false, true, s.incidence_min_deg);
    opt("incidence_max_deg", 0.0, 90.0, true, false, s.incidence_max_deg);
    opt("max_squint_deg", 0.0, 45.0, true, false, s.max_squint_deg);
    opt("gsd_nadir_m", 0.0, 1000.0, true, false, s.gsd_nadir_m);
    opt("slant_range_resolution_m", 0.0, 1000.0, true, false, s.slant_range_resolution_m);
    if (const YAML::Node pol = n["polarizations"]; pol.IsDefined()) {
        const std::string ppath = Reader::join(path, "polarizations");
        if (!pol.IsSequence() || pol.size() == 0) {
            r.fail(ErrorCode::syntax, "expected a non-empty list of polarizations (HH, HV, VH, VV)", pol, ppath);
        }
        s.polarizations.clear();
        for (std::size_t i = 0; i < pol.size(); ++i) {
            const std::string p = r.text(pol[i], indexed(ppath, i));
            if (!geometry::is_polarization(p)) {
                r.fail(ErrorCode::out_of_range, "polarization must be one of HH, HV, VH, VV", pol[i], indexed(ppath, i));
            }
            if (std::find(s.polarizations.begin(), s.polarizations.end(), p) != s.polarizations.end()) {
                r.fail(ErrorCode::duplicate, "polarization given twice", pol[i], indexed(ppath, i));
            }
            s.polarizations.push_back(p);
        }
    }
    if (n["look_side"].IsDefined()) {
        s.look_side = r.choice<LookSide>(n["look_side"], Reader::join(path, "look_side"),
                                         {{"left", LookSide::left}, {"right", LookSide::right}, {"both", LookSide::both}});
    }
}

/// Completeness of a sensor (or mode) `s` read from node `n` at `path` (the rules of geometry::Sensor), stated with
/// the scenario's key paths; the node of a key that holds a default from the sensor may be the sensor's (`base`).
void check_sensor_complete(const Reader &r, const geometry::Sensor &s, const YAML::Node &n, const YAML::Node &base,
                           const std::string &path, const std::string &base_path, const std::string &name)
{
    using geometry::SensorType;
    const int line = Reader::line_of(n);
    // Where a key was given: in the mode itself, else in the sensor (a default), else nowhere (the mode's line).
    auto at = [&](const char *key) -> std::pair<YAML::Node, std::string> {
        if (n[key].IsDefined()) {
            return {n[key], Reader::join(path, key)};
        }
        if (base.IsDefined() && base[key].IsDefined()) {
            return {base[key], Reader::join(base_path, key)};
        }
        return {YAML::Node(), Reader::join(path, key)};
    };
    auto fail_at = [&](ErrorCode code, const std::string &msg, const char *key) {
        const auto [node, kpath] = at(key);
        if (node.IsDefined()) {
            r.fail(code, msg, Reader::line_of(node), kpath, node.IsScalar() ? node.Scalar() : name);
        }
        r.fail(code, msg, line, kpath, name);
    };
    if (s.type == SensorType::optical) {
        if (!s.max_off_nadir_deg && !s.swath_km) {
            r.fail(ErrorCode::missing_field, "an optical sensor needs max_off_nadir_deg (agile) or swath_km (fixed)", line,
                   Reader::join(path, "max_off_nadir_deg"), name);
        }
        if (s.incidence_min_deg || s.incidence_max_deg) {
            fail_at(ErrorCode::unsupported, "incidence bounds apply to sar sensors only",
                    s.incidence_min_deg ? "incidence_min_deg" : "incidence_max_deg");
        }
        if (s.max_squint_deg) {
            fail_at(ErrorCode::unsupported, "max_squint_deg applies to sar sensors only", "max_squint_deg");
        }
        if (!s.polarizations.empty()) {
            fail_at(ErrorCode::unsupported, "polarizations apply to sar sensors only", "polarizations");
        }
        if (s.along_track_half_angle_deg && s.max_off_nadir_deg) {
            fail_at(ErrorCode::unsupported,
                    "along_track_half_angle_deg applies to fixed optical sensors (swath_km without max_off_nadir_deg)",
                    "along_track_half_angle_deg");
        }
    } else {
        if (!s.incidence_min_deg || !s.incidence_max_deg) {
            r.fail(ErrorCode::missing_field, "a sar sensor needs incidence_min_deg and incidence_max_deg", line,
                   Reader::join(path, s.incidence_min_deg ? "incidence_max_deg" : "incidence_min_deg"), name);
        }
        if (!(*s.incidence_min_deg < *s.incidence_max_deg)) {
            fail_at(ErrorCode::out_of_range, "incidence_min_deg must be below incidence_max_deg", "incidence_max_deg");
        }
        if (s.max_off_nadir_deg || s.swath_km || s.min_sun_elevation_deg || s.along_track_half_angle_deg) {
            const char *key = s.max_off_nadir_deg ? "max_off_nadir_deg"
                              : s.swath_km        ? "swath_km"
                              : s.min_sun_elevation_deg ? "min_sun_elevation_deg"
                                                        : "along_track_half_angle_deg";
            fail_at(ErrorCode::unsupported, "optical constraints do not apply to sar sensors", key);
        }
    }
}

geometry::Sensor read_sensor(const Reader &r, const std::string &name, const YAML::Node &n, const std::string &path)
{
    // NOTE: agility, data_rate_mbit_s and imaging_swath_km are tasking keys, read by io/mission_scenario.cpp.
    r.check_map(n, path,
                {"type", "max_off_nadir_deg", "swath_km", "along_track_half_angle_deg", "min_sun_elevation_deg",
                 "incidence_min_deg", "incidence_max_deg", "max_squint_deg", "polarizations", "gsd_nadir_m", "slant_range_resolution_m",
                 "look_side", "pass_direction", "modes", "agility",
                 "data_rate_mbit_s", "imaging_swath_km"});
    using geometry::PassDirection;
    using geometry::SensorType;
    geometry::Sensor s;
    s.name = name;
    s.type = r.choice<SensorType>(r.need(n, "type", path), Reader::join(path, "type"),
                                  {{"optical", SensorType::optical}, {"sar", SensorType::sar}});
    read_sensor_constraints(r, n, path, s);
    if (n["pass_direction"].IsDefined()) {
        s.pass_direction = r.choice<PassDirection>(
            n["pass_direction"], Reader::join(path, "pass_direction"),
            {{"ascending", PassDirection::ascending}, {"descending", PassDirection::descending}, {"any", PassDirection::any}});
    }
    const YAML::Node modes = n["modes"];
    if (modes.IsDefined()) {
        // Modes (OR): each mode starts from the sensor's constraint keys (defaults) and overrides them.
        const std::string mpath = Reader::join(path, "modes");
        if (!modes.IsSequence() || modes.size() == 0) {
            r.fail(ErrorCode::syntax, "expected a non-empty list of modes", modes, mpath);
        }
        std::set<std::string> mode_names;
        for (std::size_t i = 0; i < modes.size(); ++i) {
            const std::string p = indexed(mpath, i);
            const YAML::Node m = modes[i];
            r.check_map(m, p,
                        {"name", "max_off_nadir_deg", "swath_km", "along_track_half_angle_deg", "min_sun_elevation_deg",
                         "incidence_min_deg", "incidence_max_deg", "max_squint_deg", "polarizations", "gsd_nadir_m",
                         "slant_range_resolution_m", "look_side"});
            geometry::Sensor mode = s;
            mode.modes.clear();
            mode.pass_direction = PassDirection::any;
            mode.name = m["name"].IsDefined() ? r.text(m["name"], Reader::join(p, "name")) : fmt::format("mode{}", i);
            if (!mode_names.insert(mode.name).second) {
                r.fail(ErrorCode::duplicate, "mode name given twice", m["name"], Reader::join(p, "name"));
            }
            read_sensor_constraints(r, m, p, mode);
            check_sensor_complete(r, mode, m, n, p, path, name);
            s.modes.push_back(std::move(mode));
        }
    } else {
        check_sensor_complete(r, s, n, YAML::Node(), path, path, name);
    }
    // A SAR without `agility` cannot pitch: beyond the electronic steering the default covers it images at zero
    // Doppler (geometry::default_max_squint_deg).
    if (s.type == SensorType::sar && !n["agility"].IsDefined()) {
        auto too_wide = [&](const geometry::Sensor &x, const YAML::Node &at, const std::string &p) {
            if (x.max_squint_deg && *x.max_squint_deg > geometry::default_max_squint_deg && at["max_squint_deg"].IsDefined()) {
                r.fail(ErrorCode::unsupported,
                       fmt::format("a sar sensor without agility images at zero Doppler: max_squint_deg above {} "
                                   "needs an agility block (the satellite pitches to squint)",
                                   geometry::default_max_squint_deg),
                       at["max_squint_deg"], Reader::join(p, "max_squint_deg"));
            }
        };
        too_wide(s, n, path);
        for (std::size_t i = 0; i < s.modes.size(); ++i) {
            too_wide(s.modes[i], modes[i], indexed(Reader::join(path, "modes"), i));
        }
    }
    // The engine's own rules (geometry::validate_sensor), reported at this sensor's line and key path.
    try {
        geometry::validate_sensor(s);
    } catch (const ConfigError &e) {
        // The field may be "modes[i].key": find the node it names.
        const std::string field = e.context().field;
        YAML::Node at = n;
        std::string key = field;
        if (field.rfind("modes[", 0) == 0) {
            const std::size_t close = field.find(']');
            const std::size_t i = std::stoul(field.substr(6, close - 6));
            at = modes[i];
            key = field.substr(close + 2);
        }
        const YAML::Node leaf = at[key];
        r.fail(e.code(), e.message(), leaf.IsDefined() ? Reader::line_of(leaf) : Reader::line_of(at),
               Reader::join(path, field), leaf.IsDefined() && leaf.IsScalar() ? leaf.Scalar() : name);
    }
    return s;
}

geometry::GroundStation read_inline_station(const Reader &r, const YAML::Node &n, const std::string &path)
{
    r.check_map(n, path, {"name", "lat_deg", "lon_deg", "alt_m", "min_elevation_deg", "downlink_mbit_s", "antennas", "mask"});
    geometry::GroundStation s;
    s.name = r.text(r.need(n, "name", path), Reader::join(path, "name"));
    const double lat = r.number_in(r.need(n, "lat_deg", path), Reader::join(path, "lat_deg"), -90.0, 90.0);
    const double lon = r.number_in(r.need(n, "lon_deg", path), Reader::join(path, "lon_deg"), -180.0, 360.0);
    double alt_m = 0.0;
    if (n["alt_m"].IsDefined()) {
        alt_m = r.number_in(n["alt_m"], Reader::join(path, "alt_m"), -1000.0, 10000.0);
    }
    s.location = frames::Geodetic{lat, lon, alt_m / 1000.0};
    if (n["min_elevation_deg"].IsDefined()) {
        s.min_elevation_deg = r.number_in(n["min_elevation_deg"], Reader::join(path, "min_elevation_deg"), -90.0, 90.0);
    }
    if (n["downlink_mbit_s"].IsDefined()) {
        s.downlink_mbit_s = r.number_in(n["downlink_mbit_s"], Reader::join(path, "downlink_mbit_s"), 0.0, 1e9);
    }
    if (n["antennas"].IsDefined()) {
        const double a = r.number_in(n["antennas"], Reader::join(path, "antennas"), 1.0, 1000.0);
        if (a != std::floor(a)) {
            r.fail(ErrorCode::invalid_number, "must be a whole number", n["antennas"], Reader::join(path, "antennas"));
        }
        s.antennas = static_cast<int>(a);
    }
    if (const YAML::Node m = n["mask"]; m.IsDefined()) {
        const std::string mpath = Reader::join(path, "mask");
        if (!m.IsSequence() || m.size() == 0) {
            r.fail(ErrorCode::syntax, "expected a non-empty list of {azimuth_deg, min_elevation_deg}", m, mpath);
        }
        for (std::size_t i = 0; i < m.size(); ++i) {
            const std::string p = indexed(mpath, i);
            r.check_map(m[i], p, {"azimuth_deg", "min_elevation_deg"});
            geometry::MaskPoint mp{};
            mp.azimuth_deg = r.number_in(r.need(m[i], "azimuth_deg", p), Reader::join(p, "azimuth_deg"), 0.0, 360.0, false, true);
            mp.min_elevation_deg =
                r.number_in(r.need(m[i], "min_elevation_deg", p), Reader::join(p, "min_elevation_deg"), -90.0, 90.0);
            s.mask.push_back(mp);
        }
    }
    return s;
}

void read_station_file_ref(const Reader &r, const YAML::Node &n, const std::string &path, Scenario &sc)
{
    r.check_map(n, path, {"file", "select", "min_elevation_deg", "downlink_mbit_s", "antennas"});
    const YAML::Node fnode = r.need(n, "file", path);
    const fs::path file = r.file(fnode, Reader::join(path, "file"));
    ParseResult<geometry::GroundStation> rows;
    try {
        rows = read_stations_csv(file);
    } catch (const ParseError &e) {
        // A file-level problem (missing column ...) is reported where the scenario names the file, with
        // the file's own location in the message.
        r.fail(e.code(), fmt::format("in '{}': {}", file.string(), e.what()), fnode, Reader::join(path, "file"));
    }
    sc.diagnostics.insert(sc.diagnostics.end(), rows.rejected.begin(), rows.rejected.end());
    sc.diagnostics.insert(sc.diagnostics.end(), rows.warnings.begin(), rows.warnings.end());
    std::optional<double> min_el;
    if (n["min_elevation_deg"].IsDefined()) {
        min_el = r.number_in(n["min_elevation_deg"], Reader::join(path, "min_elevation_deg"), -90.0, 90.0);
    }
    std::optional<double> rate;
    std::optional<int> antennas;
    if (n["downlink_mbit_s"].IsDefined()) {
        rate = r.number_in(n["downlink_mbit_s"], Reader::join(path, "downlink_mbit_s"), 0.0, 1e9);
    }
    if (n["antennas"].IsDefined()) {
        const double a = r.number_in(n["antennas"], Reader::join(path, "antennas"), 1.0, 1000.0);
        if (a != std::floor(a)) {
            r.fail(ErrorCode::invalid_number, "must be a whole number", n["antennas"], Reader::join(path, "antennas"));
        }
        antennas = static_cast<int>(a);
    }
    std::vector<geometry::GroundStation> chosen;
    if (const YAML::Node sel = n["select"]; sel.IsDefined()) {
        const std::string spath = Reader::join(path, "select");
        if (!sel.IsSequence()) {
            r.fail(ErrorCode::syntax, "expected a list of station names", sel, spath);
        }
        for (std::size_t i = 0; i < sel.size(); ++i) {
            const std::string name = r.text(sel[i], indexed(spath, i));
            auto it = std::find_if(rows.items.begin(), rows.items.end(), [&](const auto &s) { return s.name == name; });
            if (it == rows.items.end()) {
                const bool rejected = std::any_of(rows.rejected.begin(), rows.rejected.end(),
                                                  [&](const Diagnostic &d) { return d.context.value == name; });
                r.fail(ErrorCode::missing_field,
                       fmt::format("no station of that name in '{}'{}", file.string(), rejected ? " (its row was rejected)" : ""),
                       sel[i], indexed(spath, i));
            }
            chosen.push_back(*it);
        }
    } else {
        chosen = rows.items;
    }
    for (auto &s : chosen) {
        if (min_el) {
            s.min_elevation_deg = *min_el;
        }
        if (rate) {
            s.downlink_mbit_s = *rate;
        }
        if (antennas) {
            s.antennas = *antennas;
        }
        sc.stations.push_back(std::move(s));
    }
}

void read_satellites(const Reader &r, const YAML::Node &list, const std::map<std::string, geometry::Sensor> &sensors,
                     Scenario &sc)
{
    const std::string base = "satellites";
    if (!list.IsSequence()) {
        r.fail(ErrorCode::syntax, "expected a list of satellite entries", list, base);
    }
    std::map<std::uint32_t, std::string> seen; // norad id -> key path of its entry
    for (std::size_t i = 0; i < list.size(); ++i) {
        const YAML::Node n = list[i];
        const std::string path = indexed(base, i);
        // NOTE: storage_gbit, max_imaging_s_per_orbit, power and relay_terminal are tasking keys, read by
        // io/mission_scenario.cpp.
        r.check_map(n, path, {"tle_file", "omm_file", "norad_ids", "sensor", "storage_gbit", "max_imaging_s_per_orbit", "power",
                              "relay_terminal"});
        const bool has_tle = n["tle_file"].IsDefined();
        const bool has_omm = n["omm_file"].IsDefined();
        if (has_tle == has_omm) {
            r.fail(has_tle ? ErrorCode::syntax : ErrorCode::missing_field, "give exactly one of tle_file and omm_file",
                   Reader::line_of(n), Reader::join(path, "tle_file"));
        }
        const char *key = has_tle ? "tle_file" : "omm_file";
        const YAML::Node fnode = n[key];
        const fs::path file = r.file(fnode, Reader::join(path, key));
        ParseResult<ElementRecord> read;
        try {
            read = has_tle ? read_tle_file(file) : read_omm_file(file);
        } catch (const ParseError &e) {
            r.fail(e.code(), fmt::format("in '{}': {}", file.string(), e.what()), fnode, Reader::join(path, key));
        }
        sc.diagnostics.insert(sc.diagnostics.end(), read.rejected.begin(), read.rejected.end());
        sc.diagnostics.insert(sc.diagnostics.end(), read.warnings.begin(), read.warnings.end());

        const YAML::Node snode = r.need(n, "sensor", path);
        const std::string sname = r.text(snode, Reader::join(path, "sensor"));
        auto sit = sensors.find(sname);
        if (sit == sensors.end()) {
            r.fail(ErrorCode::missing_field, "no entry of that name under 'sensors'", snode, Reader::join(path, "sensor"));
        }

        std::vector<std::pair<const ElementRecord *, YAML::Node>> picked;
        if (const YAML::Node ids = n["norad_ids"]; ids.IsDefined()) {
            const std::string ipath = Reader::join(path, "norad_ids");
            std::vector<YAML::Node> items;
            if (ids.IsScalar()) {
                items.push_back(ids);
            } else if (ids.IsSequence() && ids.size() > 0) {
                for (std::size_t k = 0; k < ids.size(); ++k) {
                    items.push_back(ids[k]);
                }
            } else {
                r.fail(ErrorCode::syntax, "expected a NORAD id or a non-empty list of them", ids, ipath);
            }
            for (std::size_t k = 0; k < items.size(); ++k) {
                const std::string p = ids.IsScalar() ? ipath : indexed(ipath, k);
                const std::uint32_t id = r.norad_id(items[k], p);
                auto it = std::find_if(read.items.begin(), read.items.end(),
                                       [&](const ElementRecord &e) { return e.elements.norad_id == id; });
                if (it == read.items.end()) {
                    r.fail(ErrorCode::missing_field, fmt::format("NORAD id not found (or rejected) in '{}'", file.string()),
                           items[k], p);
                }
                picked.emplace_back(&*it, items[k]);
            }
        } else {
            if (read.items.empty()) {
                r.fail(ErrorCode::missing_field, fmt::format("no valid element set in '{}'", file.string()), fnode,
                       Reader::join(path, key));
            }
            for (const auto &e : read.items) {
                picked.emplace_back(&e, fnode);
            }
        }
        for (const auto &[rec, at] : picked) {
            const auto &el = rec->elements;
            if (auto [it, inserted] = seen.emplace(el.norad_id, path); !inserted) {
                r.fail(ErrorCode::duplicate, fmt::format("NORAD id {} is already listed by {}", el.norad_id, it->second),
                       at, n["norad_ids"].IsDefined() ? Reader::join(path, "norad_ids") : Reader::join(path, key));
            }
            std::string name(detail::trim(el.object_name));
            if (name.empty()) {
                name = fmt::format("NORAD {}", el.norad_id);
            }
            sc.satellites.push_back(access::Satellite{orbits::Sgp4Propagator(el, sc.sgp4), std::move(name), sit->second});
            sc.satellite_entries.push_back(i);
        }
    }
}

void read_targets(const Reader &r, const YAML::Node &list, Scenario &sc)
{
    const std::string base = "targets";
    if (!list.IsSequence()) {
        r.fail(ErrorCode::syntax, "expected a list of targets", list, base);
    }
    std::map<std::string, int> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const YAML::Node n = list[i];
        const std::string path = indexed(base, i);
        r.check_map(n, path, {"id", "lat_deg", "lon_deg", "alt_m"});
        geometry::Target t;
        const YAML::Node idn = r.need(n, "id", path);
        t.id = r.text(idn, Reader::join(path, "id"));
        if (auto [it, inserted] = seen.emplace(t.id, Reader::line_of(idn)); !inserted) {
            r.fail(ErrorCode::duplicate, fmt::format("target id already used on line {}", it->second), idn,
                   Reader::join(path, "id"));
        }
        const double lat = r.number_in(r.need(n, "lat_deg", path), Reader::join(path, "lat_deg"), -90.0, 90.0);
        const double lon = r.number_in(r.need(n, "lon_deg", path), Reader::join(path, "lon_deg"), -180.0, 360.0);
        double alt_m = 0.0;
        if (n["alt_m"].IsDefined()) {
            alt_m = r.number_in(n["alt_m"], Reader::join(path, "alt_m"), -1000.0, 10000.0);
        }
        t.location = frames::Geodetic{lat, lon, alt_m / 1000.0};
        sc.targets.push_back(std::move(t));
    }
}

} // namespace

Scenario read_scenario_file(const std::filesystem::path &path)
{
    const std::string text = detail::read_text_file(path);
    return parse_scenario_text(text, path.string(), path.parent_path());
}

namespace detail {

YAML::Node load_yaml(std::string_view text, const std::string &source_name)
{
    try {
        return YAML::Load(std::string(text));
    } catch (const YAML::Exception &e) {
        throw ParseError(ErrorCode::syntax, fmt::format("YAML: {}", e.msg),
                         ErrorContext{source_name, e.mark.is_null() ? 0 : e.mark.line + 1, "", ""});
    }
}

const std::vector<std::string_view> &scenario_top_level_keys()
{
    // NOTE: one scenario file drives access, coverage and tasking, so every reader accepts the union of the
    // top-level keys (a misspelt key is still an error) and validates the sections it uses.
    static const std::vector<std::string_view> keys = {
        // access (this file)
        "start_utc", "stop_utc", "duration_h", "eop_file", "search", "sgp4", "sensors", "satellites", "ground_stations",
        "targets",
        // coverage (coverage_scenario.cpp)
        "aoi", "coverage",
        // tasking (io/mission_scenario.cpp)
        "tenants", "requests", "requests_file", "planning", "station_outages", "clouds", "relays", "latency_regions",
    };
    return keys;
}

void check_top_level_keys(const Reader &r, const YAML::Node &root)
{
    if (!root.IsMap()) {
        r.fail(ErrorCode::syntax, "expected a mapping (key: value)", root, "");
    }
    const auto &allowed = scenario_top_level_keys();
    std::set<std::string> seen;
    for (auto it = root.begin(); it != root.end(); ++it) {
        const std::string k = it->first.IsScalar() ? it->first.Scalar() : std::string();
        if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
            std::string list;
            for (auto a : allowed) {
                list += (list.empty() ? "" : ", ") + std::string(a);
            }
            r.fail(ErrorCode::unknown_key, fmt::format("unknown key (allowed: {})", list), Reader::line_of(it->first), k, k);
        }
        if (!seen.insert(k).second) {
            r.fail(ErrorCode::duplicate, "key given twice", Reader::line_of(it->first), k, k);
        }
    }
}

Scenario parse_scenario_node(const Reader &r, const YAML::Node &root)
{
    const std::string &source_name = r.source();
    if (!root.IsDefined() || root.IsNull()) {
        r.fail(ErrorCode::missing_field, "empty scenario", 0, "start_utc");
    }
    check_top_level_keys(r, root);

    Scenario sc;
    sc.source = source_name;
    // ---- interval
    sc.start = r.instant(r.need(root, "start_utc", ""), "start_utc");
    const YAML::Node stop = root["stop_utc"];
    const YAML::Node dur = root["duration_h"];
    if (stop.IsDefined() && dur.IsDefined()) {
        r.fail(ErrorCode::syntax, "give stop_utc or duration_h, not both", dur, "duration_h");
    }
    if (stop.IsDefined()) {
        sc.stop = r.instant(stop, "stop_utc");
        if (!(sc.stop > sc.start)) {
            r.fail(ErrorCode::out_of_range, "stop_utc must be after start_utc", stop, "stop_utc");
        }
    } else if (dur.IsDefined()) {
        const double h = r.number_in(dur, "duration_h", 0.0, 24.0 * 366.0 * 10.0, true, false);
        sc.stop = sc.start + time::Duration::from_hours(h);
    } else {
        r.fail(ErrorCode::missing_field, "required key 'stop_utc' (or 'duration_h') is missing", 1, "stop_utc");
    }
    // ---- Earth orientation
    if (const YAML::Node e = root["eop_file"]; e.IsDefined()) {
        const fs::path file = r.file(e, "eop_file");
        try {
            sc.eop = read_eop_file(file);
        } catch (const ParseError &err) {
            r.fail(err.code(), fmt::format("in '{}': {}", file.string(), err.what()), e, "eop_file");
        }
    }
    // ---- search options
    if (const YAML::Node s = root["search"]; s.IsDefined()) {
        r.check_map(s, "search", {"min_window_s", "edge_tolerance_s", "threads"});
        if (s["min_window_s"].IsDefined()) {
            sc.search.min_window_s = r.number_in(s["min_window_s"], "search.min_window_s", 0.0, 86400.0, true, false);
        }
        if (s["edge_tolerance_s"].IsDefined()) {
            sc.search.edge_tolerance_s = r.number_in(s["edge_tolerance_s"], "search.edge_tolerance_s", 0.0, 60.0, true, false);
        }
        if (s["threads"].IsDefined()) {
            const double t = r.number_in(s["threads"], "search.threads", 0.0, 1024.0);
            if (t != std::floor(t)) {
                r.fail(ErrorCode::invalid_number, "must be a whole number", s["threads"], "search.threads");
            }
            sc.search.threads = static_cast<int>(t);
        }
    }
    // ---- sensors
    std::map<std::string, geometry::Sensor> sensors;
    if (const YAML::Node s = root["sensors"]; s.IsDefined()) {
        if (!s.IsMap()) {
            r.fail(ErrorCode::syntax, "expected a mapping of sensor name to sensor", s, "sensors");
        }
        std::set<std::string> names;
        for (auto it = s.begin(); it != s.end(); ++it) {
            const std::string name = r.text(it->first, "sensors");
            if (!names.insert(name).second) {
                r.fail(ErrorCode::duplicate, "sensor name given twice", it->first, "sensors." + name);
            }
            auto sensor = read_sensor(r, name, it->second, "sensors." + name);
            sensors.emplace(name, sensor);
            sc.sensors.push_back(std::move(sensor));
        }
    }
    // ---- SGP4 constants (every satellite of the scenario): published benchmarks may state WGS-84
    if (const YAML::Node g = root["sgp4"]; g.IsDefined()) {
        r.check_map(g, "sgp4", {"gravity", "opsmode"});
        if (g["gravity"].IsDefined()) {
            sc.sgp4.gravity = r.choice<orbits::GravityModel>(g["gravity"], "sgp4.gravity",
                                                             {{"wgs72", orbits::GravityModel::wgs72},
                                                              {"wgs72old", orbits::GravityModel::wgs72old},
                                                              {"wgs84", orbits::GravityModel::wgs84}});
        }
        if (g["opsmode"].IsDefined()) {
            sc.sgp4.opsmode = r.choice<orbits::OpsMode>(g["opsmode"], "sgp4.opsmode",
                                                        {{"improved", orbits::OpsMode::improved},
                                                         {"afspc", orbits::OpsMode::afspc}});
        }
    }
    // ---- satellites
    if (const YAML::Node s = root["satellites"]; s.IsDefined() && !s.IsNull()) {
        read_satellites(r, s, sensors, sc);
    }
    // ---- ground stations: {file, select} or a list of inline entries and {file, select} items
    if (const YAML::Node g = root["ground_stations"]; g.IsDefined() && !g.IsNull()) {
        if (g.IsMap()) {
            read_station_file_ref(r, g, "ground_stations", sc);
        } else if (g.IsSequence()) {
            for (std::size_t i = 0; i < g.size(); ++i) {
                const std::string p = indexed("ground_stations", i);
                if (g[i].IsMap() && g[i]["file"].IsDefined()) {
                    read_station_file_ref(r, g[i], p, sc);
                } else {
                    sc.stations.push_back(read_inline_station(r, g[i], p));
                }
            }
        } else {
            r.fail(ErrorCode::syntax, "expected {file, select} or a list of stations", g, "ground_stations");
        }
        std::map<std::string, std::size_t> seen;
        for (std::size_t i = 0; i < sc.stations.size(); ++i) {
            if (!seen.emplace(sc.stations[i].name, i).second) {
                r.fail(ErrorCode::duplicate, "station selected or defined twice", Reader::line_of(g), "ground_stations",
                       sc.stations[i].name);
            }
        }
    }
    // ---- targets
    if (const YAML::Node t = root["targets"]; t.IsDefined() && !t.IsNull()) {
        read_targets(r, t, sc);
    }
    if (sc.satellites.empty()) {
        r.fail(ErrorCode::missing_field, "no satellites", 1, "satellites");
    }
    return sc;
}

} // namespace detail

Scenario parse_scenario_text(std::string_view text, const std::string &source_name, const std::filesystem::path &base_dir)
{
    const Reader r(source_name, base_dir.empty() ? fs::path(".") : base_dir);
    return detail::parse_scenario_node(r, detail::load_yaml(text, source_name));
}

} // namespace vantage::io
