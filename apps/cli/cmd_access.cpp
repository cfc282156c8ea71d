// vantage access: imaging opportunities of the satellites of a scenario (optical or SAR sensors) on its
// targets, found by the access engine.
#include <fstream>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_util.hpp"
#include "commands.hpp"
#include "vantage/access/access.hpp"
#include "vantage/io/scenario.hpp"

namespace vantage::cli {

namespace {

struct AccessOptions {
    std::string scenario_file;
    std::string format = "csv";
    std::string out_file;
    std::string passes_file;
};

const char *side_name(geometry::LookSide s)
{
    return s == geometry::LookSide::left ? "left" : s == geometry::LookSide::right ? "right" : "both";
}

const char *direction_name(geometry::PassDirection d)
{
    return d == geometry::PassDirection::ascending ? "ascending" : d == geometry::PassDirection::descending ? "descending" : "any";
}

int run_access(const AccessOptions &o)
{
    const io::Scenario sc = io::read_scenario_file(o.scenario_file);
    print_diagnostics(std::cerr, sc.diagnostics);
    if (auto warn = sc.eop.coverage_warning(sc.start, sc.stop)) {
        std::cerr << "warning: " << *warn << '\n';
    }
    if (sc.targets.empty()) {
        std::cerr << "warning: the scenario has no targets\n";
    }
    for (const auto &s : sc.satellites) {
        if (s.propagator.init_status() != orbits::Sgp4Status::ok) {
            std::cerr << fmt::format("warning: norad_id {}: SGP4 initialisation failed ({}); no windows computed\n",
                                     s.propagator.elements().norad_id, orbits::describe(s.propagator.init_status()));
        }
    }
    const auto windows = access::find_target_access(sc.satellites, sc.targets, sc.start, sc.stop, sc.eop, sc.search);

    OutputTarget target(o.out_file, "--out");
    std::ostream &out = target.stream();
    if (o.format == "json") {
        nlohmann::ordered_json j;
        j["scenario"] = o.scenario_file;
        j["start_utc"] = sc.start.to_iso8601_utc(6);
        j["stop_utc"] = sc.stop.to_iso8601_utc(6);
        j["windows"] = nlohmann::ordered_json::array();
        for (const auto &a : windows) {
            const auto &w = a.window;
            const auto &sat = sc.satellites[a.satellite];
            // The mode that holds at best (sensors with modes), null otherwise.
            const nlohmann::ordered_json mode =
                w.mode >= 0 && static_cast<std::size_t>(w.mode) < sat.sensor.modes.size()
                    ? nlohmann::ordered_json(sat.sensor.modes[static_cast<std::size_t>(w.mode)].name)
                    : nlohmann::ordered_json(nullptr);
            j["windows"].push_back({{"norad_id", sat.propagator.elements().norad_id},
                                    {"satellite", sat.name},
                                    {"sensor", sat.sensor.name},
                                    {"target", sc.targets[a.target].id},
                                    {"start_utc", w.start.to_iso8601_utc(6)},
                                    {"end_utc", w.end.to_iso8601_utc(6)},
                                    {"best_utc", w.best.to_iso8601_utc(6)},
                                    {"off_nadir_deg_at_best", w.min_off_nadir_deg},
                                    {"incidence_deg_at_best", w.incidence_deg_at_best},
                                    {"sun_elevation_deg_at_best", w.sun_elevation_deg_at_best},
                                    {"look_side", side_name(w.look_side)},
                                    {"pass_direction", direction_name(w.pass_direction)},
                                    {"partial", w.partial},
                                    {"mode", mode}});
        }
        out << j.dump() << '\n';
    } else {
        out << "norad_id,satellite,target,start_utc,end_utc,best_utc,off_nadir_deg_at_best,incidence_deg_at_best,"
               "sun_elevation_deg_at_best,look_side,pass_direction,partial\n";
        for (const auto &a : windows) {
            const auto &w = a.window;
            const auto &sat = sc.satellites[a.satellite];
            out << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", sat.propagator.elements().norad_id,
                               csv_field(sat.name), csv_field(sc.targets[a.target].id), w.start.to_iso8601_utc(6),
                               w.end.to_iso8601_utc(6), w.best.to_iso8601_utc(6), w.min_off_nadir_deg,
                               w.incidence_deg_at_best, w.sun_elevation_deg_at_best, side_name(w.look_side),
                               direction_name(w.pass_direction), w.partial ? "true" : "false");
        }
    }
    target.check();
    if (!o.passes_file.empty()) {
        // The scenario's ground stations: the passes CSV of `vantage passes`.
        OutputTarget passes_target(o.passes_file, "--passes-out");
        const auto passes = access::find_station_passes(sc.satellites, sc.stations, sc.start, sc.stop, sc.eop, sc.search);
        write_passes_csv(passes_target.stream(), passes, sc.satellites, sc.stations);
        passes_target.check();
    }
    return exit_ok;
}

} // namespace

Runner add_access(CLI::App &app)
{
    auto opts = std::make_shared<AccessOptions>();
    CLI::App *cmd = app.add_subcommand("access", "imaging opportunities of a scenario's satellites on its targets");
    cmd->add_option("--scenario", opts->scenario_file, "scenario YAML (docs/formats.md)")->required()->check(CLI::ExistingFile);
    cmd->add_option("--format", opts->format, "output format")->check(CLI::IsMember({"csv", "json"}))->capture_default_str();
    cmd->add_option("--out", opts->out_file, "write to this file instead of stdout");
    cmd->add_option("--passes-out", opts->passes_file,
                    "also write the passes over the scenario's ground_stations to this file (CSV of `vantage passes`)");
    return [opts]() { return run_access(*opts); };
}

} // namespace vantage::cli
