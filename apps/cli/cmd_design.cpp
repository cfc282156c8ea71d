// vantage design walker|sso|custom|sweep: constellation design written as TLE / OMM with a stated epoch, and trade
// sweeps (planes x satellites per plane x altitude x sensor) with the coverage figures of each design.
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_util.hpp"
#include "commands.hpp"
#include "coverage_ranks.hpp"
#include "progress.hpp"
#include "vantage/coverage/coverage.hpp"
#include "vantage/io/coverage_scenario.hpp"
#include "vantage/io/design_spec.hpp"
#include "vantage/io/element_writer.hpp"
#include "vantage/io/eop.hpp"
#include "vantage/io/geojson.hpp"
#include "vantage/orbits/constellation.hpp"

namespace vantage::cli {

namespace {

struct CommonOut {
    std::string epoch = "";
    std::uint32_t first_norad = 80000;
    std::string name = "VANTAGE";
    std::string out_file;
    std::string format;
};

struct WalkerOpts {
    CommonOut c;
    std::string pattern = "delta";
    int total = 0;
    int planes = 0;
    int phasing = 0;
    double altitude_km = 0.0;
    double inclination_deg = 0.0;
    double raan_spread_deg = 0.0;
    double raan0_deg = 0.0;
    double u0_deg = 0.0;
};

struct SsoOpts {
    CommonOut c;
    double altitude_km = 0.0;
    std::string local_times;
    std::string node = "ascending";
    int sats_per_plane = 1;
    int phasing = 0;
    double u0_deg = 0.0;
};

struct CustomOpts {
    CommonOut c;
    std::string spec;
};

struct SweepOpts {
    std::string pattern = "delta";
    std::string planes = "";
    std::string sats_per_plane = "";
    std::string altitude_km = "";
    double inclination_deg = 53.0;
    int phasing = 1;
    std::string off_nadir_deg;
    std::string swath_km;
    double min_sun_elevation_deg = -100.0;
    std::string start = "";
    double duration_h = 24.0;
    double grid_km = 500.0;
    std::string aoi_file;
    double lat_min_deg = -100.0;
    double lat_max_deg = -100.0;
    int min_accesses = 2;
    std::string eop_file;
    std::string out_csv;
    std::string out_json;
    int threads = -1;
    bool quiet = false;
};

/// "4,6,8" or "4:12:2" (start:stop:step, both ends included) -> values; errors name the option.
std::vector<double> parse_list(const std::string &text, const std::string &option)
{
    auto number = [&](const std::string &s) {
        std::size_t used = 0;
        double v = 0.0;
        try {
            v = std::stod(s, &used);
        } catch (const std::exception &) {
            used = 0;
        }
        if (used == 0 || used != s.size() || !std::isfinite(v)) {
            throw ConfigError(ErrorCode::invalid_number, "expected numbers separated by commas, or start:stop:step",
                              ErrorContext{"", 0, option, s});
        }
        return v;
    };
    std::vector<double> out;
    if (text.find(':') != std::string::npos) {
        std::vector<double> p;
        std::stringstream ss(text);
        std::string item;
        while (std::getline(ss, item, ':')) {
            p.push_back(number(item));
        }
        if (p.size() != 3 || !(p[2] > 0.0) || p[1] < p[0]) {
            throw ConfigError(ErrorCode::syntax, "a range is start:stop:step with step > 0 and stop >= start",
                              ErrorContext{"", 0, option, text});
        }
        for (double v = p[0]; v <= p[1] + 1e-9 * std::abs(p[1]); v += p[2]) {
            out.push_back(v);
        }
    } else {
        std::stringstream ss(text);
        std::string item;
        while (std::getline(ss, item, ',')) {
            out.push_back(number(item));
        }
    }
    if (out.empty()) {
        throw ConfigError(ErrorCode::missing_field, "empty list", ErrorContext{"", 0, option, text});
    }
    return out;
}

std::vector<int> parse_int_list(const std::string &text, const std::string &option)
{
    std::vector<int> out;
    for (double v : parse_list(text, option)) {
        if (v != std::floor(v) || v < 1 || v > 100000) {
            throw ConfigError(ErrorCode::invalid_number, "expected whole numbers in [1, 100000]",
                              ErrorContext{"", 0, option, fmt::format("{}", v)});
        }
        out.push_back(static_cast<int>(v));
    }
    return out;
}

orbits::DesignCommon design_common(const CommonOut &c)
{
    orbits::DesignCommon d;
    d.epoch = parse_time_option(c.epoch, "--epoch");
    d.first_norad_id = c.first_norad;
    d.name_prefix = c.name;
    return d;
}

/// Rethrows a domain ConfigError (field = spec field) naming the CLI option instead.
template <class F>
auto with_option_names(F &&fn) -> decltype(fn())
{
    try {
        return fn();
    } catch (const ConfigError &e) {
        std::string f = e.context().field;
        std::replace(f.begin(), f.end(), '_', '-');
        if (f == "local-times-h") {
            f = "local-time-h";
        } else if (f == "first-norad-id") {
            f = "first-norad";
        }
        throw ConfigError(e.code(), e.message(), ErrorContext{"", 0, "--" + f, e.context().value});
    }
}

int write_elements(const std::vector<orbits::ElementSet> &els, const CommonOut &c, const std::string &what)
{
    std::optional<io::ElementOutputFormat> fmt_opt;
    if (!c.format.empty()) {
        fmt_opt = io::parse_element_output_format(c.format);
    } else if (!c.out_file.empty()) {
        fmt_opt = io::element_format_for_path(c.out_file);
        if (!fmt_opt) {
            throw ConfigError(ErrorCode::unsupported,
                              "cannot tell the format from the file name (.tle, .kvn/.omm, .xml, .json); give --format",
                              ErrorContext{"", 0, "--out", c.out_file});
        }
    } else {
        fmt_opt = io::ElementOutputFormat::tle;
    }
    OutputTarget t(c.out_file, "--out");
    t.stream() << io::format_element_sets(els, *fmt_opt);
    t.check();
    std::cerr << fmt::format("{}: {} element sets, epoch {} (SGP4 mean elements, WGS-72){}\n", what, els.size(),
                             els.empty() ? std::string() : els.front().epoch.to_iso8601_utc(6),
                             c.out_file.empty() ? std::string() : ", written to " + c.out_file);
    return exit_ok;
}

void add_common(CLI::App *cmd, CommonOut &c)
{
    cmd->add_option("--epoch", c.epoch, "element-set epoch, ISO 8601 UTC (rounded to the TLE's 1e-8 day)")->required();
    cmd->add_option("--first-norad", c.first_norad, "catalog number of the first satellite")
        ->check(CLI::Range(0, 339999))
        ->capture_default_str();
    cmd->add_option("--name", c.name, "object name prefix (<name>-P01-S01 ...)")->capture_default_str();
    cmd->add_option("--out", c.out_file, "output file (format from the extension: .tle, .kvn/.omm, .xml, .json); "
                                         "default stdout (TLE)");
    cmd->add_option("--format", c.format, "output format")->check(CLI::IsMember({"tle", "omm-kvn", "omm-xml", "omm-json"}));
}

int run_walker(const WalkerOpts &o)
{
    orbits::WalkerSpec w;
    w.type = o.pattern == "star" ? orbits::WalkerType::star : orbits::WalkerType::delta;
    w.total = o.total;
    w.planes = o.planes;
    w.phasing = o.phasing;
    w.altitude_km = o.altitude_km;
    w.inclination_deg = o.inclination_deg;
    if (o.raan_spread_deg > 0.0) {
        w.raan_spread_deg = o.raan_spread_deg;
    }
    w.raan0_deg = o.raan0_deg;
    w.arg_latitude0_deg = o.u0_deg;
    const auto els = with_option_names([&] { return orbits::walker_constellation(w, design_common(o.c)); });
    return write_elements(els, o.c,
                          fmt::format("Walker {} {}:{}/{}/{} at {} km", o.pattern, o.inclination_deg, o.total, o.planes,
                                      o.phasing, o.altitude_km));
}

int run_sso(const SsoOpts &o)
{
    orbits::SsoSpec s;
    s.altitude_km = o.altitude_km;
    s.local_times_h = parse_list(o.local_times, "--local-time-h");
    s.node = o.node == "descending" ? orbits::NodeKind::descending : orbits::NodeKind::ascending;
    s.sats_per_plane = o.sats_per_plane;
    s.phasing = o.phasing;
    s.arg_latitude0_deg = o.u0_deg;
    const auto els = with_option_names([&] { return orbits::sun_synchronous_constellation(s, design_common(o.c)); });
    return write_elements(els, o.c,
                          fmt::format("sun-synchronous at {} km, inclination {} deg, {} node at {} h", o.altitude_km,
                                      els.empty() ? 0.0 : els.front().inclination_deg, o.node, o.local_times));
}

int run_custom(const CustomOpts &o)
{
    const auto els = io::read_design_file(o.spec);
    return write_elements(els, o.c, fmt::format("design {}", o.spec));
}

// ------------------------------------------------------------------------------------------------ sweep

int run_sweep(const SweepOpts &o)
{
    RankSession session;
    const Ranks &ranks = session.ranks();
    const bool lead = ranks.rank == 0;
    const auto planes = parse_int_list(o.planes, "--planes");
    const auto spp = parse_int_list(o.sats_per_plane, "--sats-per-plane");
    const auto alts = parse_list(o.altitude_km, "--altitude-km");
    std::vector<geometry::Sensor> sensors;
    if (!o.off_nadir_deg.empty()) {
        for (double v : parse_list(o.off_nadir_deg, "--off-nadir-deg")) {
            geometry::Sensor s;
            s.name = fmt::format("cone-{}deg", v);
            s.max_off_nadir_deg = v;
            sensors.push_back(s);
        }
    }
    if (!o.swath_km.empty()) {
        for (double v : parse_list(o.swath_km, "--swath-km")) {
            geometry::Sensor s;
            s.name = fmt::format("swath-{}km", v);
            s.swath_km = v;
            sensors.push_back(s);
        }
    }
    if (sensors.empty()) {
        throw ConfigError(ErrorCode::missing_field, "give the sensors to sweep: --off-nadir-deg and/or --swath-km",
                          ErrorContext{"", 0, "--off-nadir-deg", ""});
    }
    for (auto &s : sensors) {
        if (o.min_sun_elevation_deg >= -90.0) {
            s.min_sun_elevation_deg = o.min_sun_elevation_deg;
        }
        try {
            geometry::validate_sensor(s);
        } catch (const ConfigError &e) {
            throw ConfigError(e.code(), e.message(),
                              ErrorContext{"", 0, s.swath_km ? "--swath-km" : "--off-nadir-deg", s.name});
        }
    }
    const time::Instant start = parse_time_option(o.start, "--start");
    const time::Instant stop = start + time::Duration::from_hours(o.duration_h);
    frames::EarthOrientation eop;
    if (!o.eop_file.empty()) {
        eop = io::read_eop_file(o.eop_file);
    }
    std::vector<coverage::Region> regions;
    if (!o.aoi_file.empty()) {
        regions = io::regions_from_areas(io::read_geojson_file(o.aoi_file));
    } else if (o.lat_min_deg >= -90.0 || o.lat_max_deg >= -90.0) {
        regions.push_back(coverage::Region{fmt::format("latitudes {} to {}", o.lat_min_deg, o.lat_max_deg),
                                           coverage::Region::Kind::latitude_band, o.lat_min_deg, o.lat_max_deg, {}});
    }
    const coverage::GridSelection sel = coverage::select_grid(o.grid_km, regions);
    const double duration_s = (stop - start).seconds();

    const std::vector<std::string> columns = {
        "design", "pattern", "planes", "sats_per_plane", "total", "phasing", "altitude_km", "inclination_deg", "sensor",
        "region", "points", "percent_area_covered", "min_accesses_k", "percent_area_covered_at_least_k", "mean_accesses",
        "mean_max_gap_h", "max_max_gap_h", "mean_p95_gap_h", "mean_mean_gap_h", "mean_response_h",
        "max_mean_response_h", "mean_time_in_view_fraction", "mean_time_to_first_access_h"};
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    const std::size_t n_designs = planes.size() * spp.size() * alts.size() * sensors.size();
    ProgressBar bar(fmt::format("sweep {} designs", n_designs), lead && !o.quiet);
    std::size_t design = 0;
    coverage::CoverageOptions opt;
    if (o.threads >= 0) {
        opt.search.threads = o.threads;
    } else if (ranks.size > 1) {
        opt.search.threads = default_threads(ranks);
    }
    for (int p : planes) {
        for (int s : spp) {
            for (double h : alts) {
                for (const auto &sensor : sensors) {
                    orbits::WalkerSpec w;
                    w.type = o.pattern == "star" ? orbits::WalkerType::star : orbits::WalkerType::delta;
                    w.total = p * s;
                    w.planes = p;
                    w.phasing = std::min(o.phasing, p - 1);
                    w.altitude_km = h;
                    w.inclination_deg = o.inclination_deg;
                    orbits::DesignCommon c;
                    c.epoch = start;
                    const auto els = with_option_names([&] { return orbits::walker_constellation(w, c); });
                    std::vector<access::Satellite> sats;
                    for (const auto &e : els) {
                        sats.push_back(access::Satellite{orbits::Sgp4Propagator(e), e.object_name, sensor});
                    }
                    const RankedFigures r = compute_on_ranks(ranks, sats, sel.points, start, stop, eop, opt);
                    ++design;
                    bar.update(design, n_designs);
                    if (!lead) {
                        continue;
                    }
                    for (const auto &g : coverage::summarize(sel, r.figures, duration_s, o.min_accesses)) {
                        rows.push_back(nlohmann::ordered_json::array(
                            {design, o.pattern, p, s, p * s, w.phasing, h, o.inclination_deg, sensor.name, g.name,
                             g.points, g.percent_area_covered, g.k, g.percent_area_covered_at_least_k, g.accesses.mean,
                             g.max_gap_h.mean, g.max_gap_h.max, g.p95_gap_h.mean, g.mean_gap_h.mean,
                             g.mean_response_h.mean, g.mean_response_h.max, g.time_in_view_fraction.mean,
                             g.time_to_first_access_h.mean}));
                    }
                }
            }
        }
    }
    bar.finish();
    if (!lead) {
        return exit_ok;
    }
    {
        OutputTarget t(o.out_csv, "--out");
        std::ostream &out = t.stream();
        for (std::size_t i = 0; i < columns.size(); ++i) {
            out << (i ? "," : "") << columns[i];
        }
        out << '\n';
        for (const auto &row : rows) {
            for (std::size_t i = 0; i < row.size(); ++i) {
                out << (i ? "," : "") << (row[i].is_string() ? csv_field(row[i].get<std::string>()) : row[i].dump());
            }
            out << '\n';
        }
        t.check();
    }
    if (!o.out_json.empty()) {
        nlohmann::ordered_json j;
        j["sweep"] = {{"pattern", o.pattern},
                      {"planes", planes},
                      {"sats_per_plane", spp},
                      {"altitude_km", alts},
                      {"inclination_deg", o.inclination_deg},
                      {"phasing", o.phasing},
                      {"sensors", nlohmann::ordered_json::array()},
                      {"start_utc", start.to_iso8601_utc(6)},
                      {"stop_utc", stop.to_iso8601_utc(6)},
                      {"grid_km", o.grid_km},
                      {"points", sel.points.size()}};
        for (const auto &s : sensors) {
            j["sweep"]["sensors"].push_back(s.name);
        }
        j["columns"] = columns;
        j["rows"] = rows;
        // Column-wise copy for plotting libraries (pandas.DataFrame(j["data"]), Plotly traces).
        nlohmann::ordered_json data;
        for (std::size_t c = 0; c < columns.size(); ++c) {
            nlohmann::ordered_json col = nlohmann::ordered_json::array();
            for (const auto &row : rows) {
                col.push_back(row[c]);
            }
            data[columns[c]] = col;
        }
        j["data"] = data;
        OutputTarget t(o.out_json, "--json");
        t.stream() << j.dump(2) << '\n';
        t.check();
    }
    std::cerr << fmt::format("sweep: {} x {} over {}\n", count_of(n_designs, "design"), count_of(sel.regions.size(), "region"),
                             count_of(sel.points.size(), "point"));
    return exit_ok;
}

} // namespace

Runner add_design(CLI::App &app)
{
    CLI::App *design = app.add_subcommand("design", "constellation design: walker, sso, custom (as TLE/OMM), sweep");
    design->require_subcommand(1);

    auto w = std::make_shared<WalkerOpts>();
    CLI::App *cw = design->add_subcommand("walker", "Walker delta or star i:T/P/F as SGP4 element sets");
    add_common(cw, w->c);
    cw->add_option("--pattern", w->pattern, "delta (planes over 360 deg) or star (over 180 deg)")
        ->check(CLI::IsMember({"delta", "star"}))
        ->capture_default_str();
    cw->add_option("--total", w->total, "T, total satellites")->required();
    cw->add_option("--planes", w->planes, "P, planes (divides T)")->required();
    cw->add_option("--phasing", w->phasing, "F, relative phasing in [0, P-1]")->capture_default_str();
    cw->add_option("--altitude-km", w->altitude_km, "SGP4 mean altitude (km)")->required();
    cw->add_option("--inclination-deg", w->inclination_deg, "inclination (deg)")->required();
    cw->add_option("--raan-spread-deg", w->raan_spread_deg, "RAAN span of the planes (deg; default 360 delta, 180 star)");
    cw->add_option("--raan0-deg", w->raan0_deg, "RAAN of the first plane (deg)")->capture_default_str();
    cw->add_option("--arg-latitude0-deg", w->u0_deg, "argument of latitude of the first satellite (deg)")->capture_default_str();

    auto s = std::make_shared<SsoOpts>();
    CLI::App *cs = design->add_subcommand("sso", "sun-synchronous planes from altitude and mean local time of a node");
    add_common(cs, s->c);
    cs->add_option("--altitude-km", s->altitude_km, "SGP4 mean altitude (km)")->required();
    cs->add_option("--local-time-h", s->local_times, "mean local time of the node, one per plane (h; e.g. 10.5,22.5)")
        ->required();
    cs->add_option("--node", s->node, "node the local times refer to")
        ->check(CLI::IsMember({"ascending", "descending"}))
        ->capture_default_str();
    cs->add_option("--sats-per-plane", s->sats_per_plane, "satellites per plane, evenly spaced")->capture_default_str();
    cs->add_option("--phasing", s->phasing, "Walker-like phasing between planes")->capture_default_str();
    cs->add_option("--arg-latitude0-deg", s->u0_deg, "argument of latitude of the first satellite (deg)")->capture_default_str();

    auto cu = std::make_shared<CustomOpts>();
    CLI::App *cc = design->add_subcommand("custom", "a custom list of groups (Walker, SSO, single orbits) from a YAML file");
    cc->add_option("--spec", cu->spec, "design YAML (docs/formats.md)")->required()->check(CLI::ExistingFile);
    cc->add_option("--out", cu->c.out_file, "output file (.tle, .kvn/.omm, .xml, .json); default stdout (TLE)");
    cc->add_option("--format", cu->c.format, "output format")->check(CLI::IsMember({"tle", "omm-kvn", "omm-xml", "omm-json"}));

    auto sw = std::make_shared<SweepOpts>();
    CLI::App *csw = design->add_subcommand(
        "sweep", "Walker trade sweep: planes x sats per plane x altitude x sensor, coverage figures per design");
    csw->add_option("--pattern", sw->pattern)->check(CLI::IsMember({"delta", "star"}))->capture_default_str();
    csw->add_option("--planes", sw->planes, "planes: 4,6,8 or 4:12:2")->required();
    csw->add_option("--sats-per-plane", sw->sats_per_plane, "satellites per plane: list or start:stop:step")->required();
    csw->add_option("--altitude-km", sw->altitude_km, "altitudes (km): list or start:stop:step")->required();
    csw->add_option("--inclination-deg", sw->inclination_deg, "inclination (deg)")->capture_default_str();
    csw->add_option("--phasing", sw->phasing, "Walker F (capped at planes - 1)")->capture_default_str();
    csw->add_option("--off-nadir-deg", sw->off_nadir_deg, "agile optical cone half-angles (deg), one sensor each");
    csw->add_option("--swath-km", sw->swath_km, "fixed optical swath widths (km), one sensor each");
    csw->add_option("--min-sun-elevation-deg", sw->min_sun_elevation_deg, "daylight limit for the optical sensors (deg)");
    csw->add_option("--start", sw->start, "analysis start, ISO 8601 UTC (also the element-set epoch)")->required();
    csw->add_option("--duration-h", sw->duration_h, "analysis length (h)")->check(CLI::Range(0.01, 24.0 * 366))->capture_default_str();
    csw->add_option("--grid-km", sw->grid_km, "grid spacing (km)")->check(CLI::Range(1.0, 20000.0))->capture_default_str();
    csw->add_option("--aoi", sw->aoi_file, "GeoJSON areas (default: the globe)")->check(CLI::ExistingFile);
    csw->add_option("--lat-min-deg", sw->lat_min_deg, "latitude band south bound (deg), with --lat-max-deg");
    csw->add_option("--lat-max-deg", sw->lat_max_deg, "latitude band north bound (deg)");
    csw->add_option("--min-accesses", sw->min_accesses, "k of 'percent covered at least k times'")->capture_default_str();
    csw->add_option("--eop", sw->eop_file, "Earth orientation CSV")->check(CLI::ExistingFile);
    csw->add_option("--out", sw->out_csv, "CSV output (default stdout)");
    csw->add_option("--json", sw->out_json, "plot-ready JSON output");
    csw->add_option("--threads", sw->threads, "worker threads (0 = all)")->check(CLI::Range(0, 1024));
    csw->add_flag("--quiet", sw->quiet, "no progress bar");

    return [=]() -> int {
        if (cw->parsed()) {
            return run_walker(*w);
        }
        if (cs->parsed()) {
            return run_sso(*s);
        }
        if (cc->parsed()) {
            return run_custom(*cu);
        }
        return run_sweep(*sw);
    };
}

} // namespace vantage::cli
