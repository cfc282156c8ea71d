// vantage validate: tells what kind of input a file is (TLE, OMM, stations CSV, access / coverage / tasking scenario,
// requests, design), says so, and lists every problem the matching reader finds with file, line and field.
#include <algorithm>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli_util.hpp"
#include "commands.hpp"
#include "vantage/io/coverage_scenario.hpp"
#include "vantage/io/design_spec.hpp"
#include "vantage/io/elements.hpp"
#include "vantage/io/file_kind.hpp"
#include "vantage/io/mission_scenario.hpp"
#include "vantage/io/omm.hpp"
#include "vantage/io/scenario.hpp"
#include "vantage/io/stations.hpp"

namespace vantage::cli {

namespace {

struct ValidateOptions {
    std::string file;
    std::string kind; ///< --kind; empty: detect
};

const char *kind_words(io::FileKind k)
{
    switch (k) {
    case io::FileKind::tle: return "TLE";
    case io::FileKind::omm: return "OMM";
    case io::FileKind::stations: return "ground-station CSV";
    case io::FileKind::access_scenario: return "access scenario";
    case io::FileKind::coverage_scenario: return "coverage scenario";
    case io::FileKind::tasking_scenario: return "tasking scenario";
    case io::FileKind::requests: return "requests file";
    case io::FileKind::design: return "constellation design";
    }
    return "file";
}

/// Prints every diagnostic (to stdout: they are validate's result) and the counts line; exit 1 when any was rejected.
template <class T>
int report_bulk(const std::string &file, const ParseResult<T> &read, const char *noun)
{
    for (const auto *list : {&read.rejected, &read.warnings}) {
        for (const auto &d : *list) {
            std::cout << d.to_string() << " [" << to_string(d.code) << "]\n";
        }
    }
    std::cout << fmt::format("{}: {} {} valid, {} rejected, {} warnings\n", file, read.items.size(), noun,
                             read.rejected.size(), read.warnings.size());
    return read.rejected.empty() ? exit_ok : exit_error;
}

/// Reads a whole-file input (the YAML kinds): one summary line when it reads, else its error (with file, line and
/// field) and exit 1. Diagnostics of referenced files (rejected TLE records, stations) are listed too.
int report_document(const std::string &file, io::FileKind kind)
{
    std::vector<Diagnostic> diagnostics;
    std::string summary;
    switch (kind) {
    case io::FileKind::access_scenario: {
        const io::Scenario sc = io::read_scenario_file(file);
        diagnostics = sc.diagnostics;
        summary = fmt::format("{}, {}, {}, {}", count_of(sc.satellites.size(), "satellite"), count_of(sc.sensors.size(), "sensor"),
                              count_of(sc.stations.size(), "ground station"), count_of(sc.targets.size(), "target"));
        break;
    }
    case io::FileKind::coverage_scenario: {
        const io::CoverageScenario cs = io::read_coverage_scenario_file(file);
        diagnostics = cs.scenario.diagnostics;
        const auto grid = io::select_coverage_grid(cs);
        summary = fmt::format("{}, {}, grid {} km: {}", count_of(cs.scenario.satellites.size(), "satellite"),
                              cs.regions.empty() ? std::string("the globe") : count_of(cs.regions.size(), "region"),
                              human_value(cs.grid_km), count_of(grid.points.size(), "grid point"));
        break;
    }
    case io::FileKind::tasking_scenario: {
        const scheduling::Mission m = io::read_mission_file(file);
        summary = fmt::format("{}, {}, {}, {}", count_of(m.satellites.size(), "satellite"),
                              count_of(m.stations.size(), "ground station"), count_of(m.tenants.size(), "tenant"),
                              count_of(m.requests.size(), "request"));
        break;
    }
    case io::FileKind::requests:
        summary = count_of(io::read_requests_file(file).size(), "request");
        break;
    case io::FileKind::design:
        summary = count_of(io::read_design_file(file).size(), "element set");
        break;
    default: break;
    }
    for (const auto &d : diagnostics) {
        std::cout << d.to_string() << " [" << to_string(d.code) << "]\n";
    }
    const auto rejected = std::count_if(diagnostics.begin(), diagnostics.end(),
                                        [](const Diagnostic &d) { return d.severity == Severity::error; });
    std::cout << fmt::format("{}: valid {} ({}); {} in referenced files\n", file, kind_words(kind), summary,
                             count_of(static_cast<std::size_t>(rejected), "rejected record"));
    return rejected == 0 ? exit_ok : exit_error;
}

int run_validate(const ValidateOptions &o)
{
    io::FileKindGuess guess;
    if (!o.kind.empty()) {
        guess = {*io::parse_file_kind(o.kind), "--kind"};
    } else {
        guess = io::detect_file_kind(o.file);
    }
    std::cout << fmt::format("{}: read as {} ({})\n", o.file, kind_words(guess.kind), guess.reason);
    try {
        switch (guess.kind) {
        case io::FileKind::tle: return report_bulk(o.file, io::read_tle_file(o.file), "element sets");
        case io::FileKind::omm: return report_bulk(o.file, io::read_omm_file(o.file), "element sets");
        case io::FileKind::stations: return report_bulk(o.file, io::read_stations_csv(o.file), "stations");
        default: return report_document(o.file, guess.kind);
        }
    } catch (const Error &e) {
        // a whole-file reader stops at its error: report it as validate's result (stdout), exit 1
        std::cout << "error: " << e.what() << " [" << to_string(e.code()) << "]\n";
        std::cout << fmt::format("{}: not a valid {}\n", o.file, kind_words(guess.kind));
        return exit_error;
    }
}

} // namespace

Runner add_validate(CLI::App &app)
{
    auto o = std::make_shared<ValidateOptions>();
    CLI::App *cmd = app.add_subcommand("validate", "check an input file (TLE, OMM, stations CSV, scenario, requests, design) "
                                                   "and list every problem with line and field");
    cmd->add_option("FILE", o->file, "the file; its kind is told by its content (the extension is a hint)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--kind", o->kind, "read FILE as this kind instead of detecting it")
        ->check(CLI::IsMember({"tle", "omm", "stations", "access-scenario", "coverage-scenario", "tasking-scenario",
                               "requests", "design"}));
    return [o]() { return run_validate(*o); };
}

} // namespace vantage::cli
