// vantage: the one command-line entry point. Thin: parses options (CLI11) and calls the library.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>
#include <map>

#include <CLI/CLI.hpp>

#include "cli_util.hpp"
#include "commands.hpp"

int main(int argc, char **argv)
{
    CLI::App app{"Vantage: Earth-observation constellation planning (SGP4/SDP4, frames, access, tasking)"};
    app.set_version_flag("--version", std::string("vantage 0.1.0"));
    app.require_subcommand(1);

    std::map<const CLI::App *, vantage::cli::Runner> runners;
    auto reg = [&](vantage::cli::Runner (*add)(CLI::App &)) {
        const auto before = app.get_subcommands({});
        auto runner = add(app);
        const auto after = app.get_subcommands({});
        runners[after.back()] = std::move(runner);
        (void)before;
    };
    reg(&vantage::cli::add_propagate);
    reg(&vantage::cli::add_sgp4_verify);
    reg(&vantage::cli::add_validate);
    reg(&vantage::cli::add_bench);
    reg(&vantage::cli::add_passes);
    reg(&vantage::cli::add_eclipses);
    reg(&vantage::cli::add_links);
    reg(&vantage::cli::add_access);
    reg(&vantage::cli::add_spot5);
    reg(&vantage::cli::add_coverage);
    reg(&vantage::cli::add_design);
#ifdef VANTAGE_WITH_SERVER
    reg(&vantage::cli::add_serve);
    reg(&vantage::cli::add_admin);
#endif
    reg(&vantage::cli::add_plan);
    reg(&vantage::cli::add_replan);

    if (argc == 1) { // no subcommand: show what there is
        std::cerr << app.help();
        return vantage::cli::exit_usage;
    }
    // An unknown command: CLI11 would say "A subcommand is required"; name the word and the nearest real command.
    if (const std::string first = argv[1]; !first.empty() && first[0] != '-') {
        std::vector<std::string> names;
        for (const auto *sub : app.get_subcommands({})) {
            names.push_back(sub->get_name());
        }
        if (first == "help") {
            std::cout << app.help();
            return vantage::cli::exit_ok;
        }
        if (std::find(names.begin(), names.end(), first) == names.end()) {
            std::cerr << "error: unknown command '" << first << "'; did you mean '" << vantage::cli::closest_name(first, names)
                      << "'? (vantage --help lists the commands)\n";
            return vantage::cli::exit_usage;
        }
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : vantage::cli::exit_usage;
    }
    for (const auto *sub : app.get_subcommands()) {
        if (auto it = runners.find(sub); it != runners.end()) {
            return vantage::cli::run_guarded(it->second);
        }
    }
    std::cerr << app.help();
    return vantage::cli::exit_usage;
}
