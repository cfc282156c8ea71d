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
    // An unknown command (or sub-command, as `design frob`): CLI11 would say "A subcommand is required"; name the word
    // and the nearest real command.
    if (const std::string first = argv[1]; first == "help") {
        std::cout << app.help();
        return vantage::cli::exit_ok;
    }
    const CLI::App *level = &app;
    for (int i = 1; i < argc && !level->get_subcommands({}).empty(); ++i) {
        const std::string word = argv[i];
        if (word.empty() || word[0] == '-') {
            break;
        }
        std::vector<std::string> names;
        const CLI::App *next = nullptr;
        for (const auto *sub : level->get_subcommands({})) {
            names.push_back(sub->get_name());
            if (sub->get_name() == word) {
                next = sub;
            }
        }
        if (next == nullptr) {
            const std::string where = level == &app ? "" : level->get_name() + " ";
            std::cerr << "error: unknown command '" << where << word << "'; did you mean '" << where
                      << vantage::cli::closest_name(word, names) << "'? (vantage " << where << "--help lists them)\n";
            return vantage::cli::exit_usage;
        }
        level = next;
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
