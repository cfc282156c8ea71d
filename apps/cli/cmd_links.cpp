// vantage links: satellite-to-GEO-relay and satellite-to-satellite visibility windows of TLE/OMM satellites
// (access::find_link_windows; definitions in docs/formats.md § Links).
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_util.hpp"
#include "commands.hpp"
#include "vantage/access/links.hpp"
#include "vantage/core/error.hpp"
#include "vantage/io/eop.hpp"

namespace vantage::cli {

namespace {

struct LinksOptions {
    ElementInput elements;
    std::string start;
    std::string stop;
    std::vector<std::string> geo;     // NAME:LONGITUDE_DEG
    bool between_satellites = false;
    double grazing_height_km = 100.0;
    double min_elevation_deg = -90.0;
    double max_off_nadir_deg = 10.0;
    std::string format = "csv";
    std::string eop_file;
    std::string out_file;
};

int run_links(const LinksOptions &o)
{
    const std::vector<io::ElementRecord> records = load_elements(o.elements, std::cerr).records;
    const AnalysisSpan span = read_analysis_span(o.start, o.stop, o.eop_file, std::cerr);
    const std::vector<access::Satellite> sats = sgp4_satellites(records, "links", std::cerr);
    std::vector<std::pair<std::string, double>> geo;
    for (std::size_t i = 0; i < o.geo.size(); ++i) {
        const std::string &g = o.geo[i];
        const auto colon = g.rfind(':');
        double lon = 0.0;
        try {
            if (colon == std::string::npos || colon == 0) {
                throw std::invalid_argument("no name");
            }
            std::size_t used = 0;
            lon = std::stod(g.substr(colon + 1), &used);
            if (used != g.size() - colon - 1 || !(lon >= -180.0 && lon <= 360.0)) {
                throw std::invalid_argument("bad longitude");
            }
        } catch (const std::exception &) {
            throw ConfigError(ErrorCode::syntax, "expected NAME:LONGITUDE_DEG with a longitude in [-180, 360] (e.g. EDRS-A:9)",
                              ErrorContext{"", 0, fmt::format("--geo[{}]", i), g});
        }
        geo.emplace_back(g.substr(0, colon), lon);
    }
    const auto [ends, pairs] = access::satellite_links(sats, access::LinkTerminal{o.min_elevation_deg, 180.0}, geo,
                                                       access::LinkTerminal{-90.0, o.max_off_nadir_deg}, o.between_satellites);
    const std::size_t nsat = sats.size();
    if (pairs.empty()) {
        throw ConfigError(ErrorCode::missing_field, "no pair of ends: give --geo NAME:LON, or --between-satellites with two or more satellites",
                          ErrorContext{"", 0, "--geo", ""});
    }
    access::LinkOptions lo;
    lo.grazing_height_km = o.grazing_height_km;
    const auto windows = access::find_link_windows(ends, pairs, span.start, span.stop, span.eop, lo);

    OutputTarget target(o.out_file, "--out");
    std::ostream &out = target.stream();
    auto id = [&](std::size_t k) {
        return k < nsat ? std::to_string(sats[k].propagator.elements().norad_id) : std::string();
    };
    if (o.format == "json") {
        nlohmann::ordered_json j;
        j["start_utc"] = span.start.to_iso8601_utc(6);
        j["stop_utc"] = span.stop.to_iso8601_utc(6);
        j["grazing_height_km"] = o.grazing_height_km;
        j["windows"] = nlohmann::ordered_json::array();
        for (const auto &w : windows) {
            j["windows"].push_back(nlohmann::ordered_json{{"first", ends[w.first].name}, {"first_norad_id", id(w.first)},
                                                          {"second", ends[w.second].name}, {"second_norad_id", id(w.second)},
                                                          {"start_utc", w.start.to_iso8601_utc(6)},
                                                          {"end_utc", w.end.to_iso8601_utc(6)}, {"duration_s", w.duration_s()},
                                                          {"min_range_km", w.min_range_km}, {"max_range_km", w.max_range_km},
                                                          {"partial", w.partial}});
        }
        out << j.dump() << '\n';
    } else {
        out << "first_norad_id,first,second_norad_id,second,start_utc,end_utc,duration_s,min_range_km,max_range_km,partial\n";
        for (const auto &w : windows) {
            out << fmt::format("{},{},{},{},{},{},{:.3f},{:.1f},{:.1f},{}\n", id(w.first), csv_field(ends[w.first].name),
                               id(w.second), csv_field(ends[w.second].name), w.start.to_iso8601_utc(6),
                               w.end.to_iso8601_utc(6), w.duration_s(), w.min_range_km, w.max_range_km,
                               w.partial ? "true" : "false");
        }
    }
    target.check();
    return exit_ok;
}

} // namespace

Runner add_links(CLI::App &app)
{
    auto opts = std::make_shared<LinksOptions>();
    CLI::App *cmd = app.add_subcommand("links", "visibility windows between satellites and GEO relays, or between satellites");
    add_element_options(cmd, opts->elements);
    cmd->add_option("--start", opts->start, "analysis start, ISO 8601 UTC (e.g. 2025-10-03T00:00:00Z)")->required();
    cmd->add_option("--stop", opts->stop, "analysis stop, ISO 8601 UTC")->required();
    cmd->add_option("--geo", opts->geo, "a geostationary relay NAME:LONGITUDE_DEG (repeatable, e.g. --geo EDRS-A:9 --geo EDRS-C:31)");
    cmd->add_flag("--between-satellites", opts->between_satellites, "also every pair of the satellites");
    cmd->add_option("--grazing-height-km", opts->grazing_height_km, "the line of sight clears the ellipsoid by this (km)")
        ->check(CLI::Range(0.0, 1000.0))
        ->capture_default_str();
    cmd->add_option("--min-elevation-deg", opts->min_elevation_deg,
                    "satellites' terminal: the other end's elevation above the local horizontal (deg; -90: no limit)")
        ->check(CLI::Range(-90.0, 90.0))
        ->capture_default_str();
    cmd->add_option("--max-off-nadir-deg", opts->max_off_nadir_deg, "relays' terminal: the satellite's angle from the relay's nadir (deg)")
        ->check(CLI::Range(1e-6, 180.0))
        ->capture_default_str();
    cmd->add_option("--format", opts->format, "output format")->check(CLI::IsMember({"csv", "json"}))->capture_default_str();
    cmd->add_option("--eop", opts->eop_file, "Earth orientation file (CelesTrak EOP-All.csv or IERS finals2000A)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--out", opts->out_file, "write to this file instead of stdout");
    cmd->callback([opts]() { require_element_input(opts->elements); });
    return [opts]() { return run_links(*opts); };
}

} // namespace vantage::cli
