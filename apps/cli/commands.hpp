#pragma once
// Registration of the `vantage` subcommands. Each adds itself to the CLI11 app and stores the
// callback that runs it; main() runs the selected one.

#include <functional>

#include <CLI/CLI.hpp>

namespace vantage::cli {

using Runner = std::function<int()>;

Runner add_propagate(CLI::App &app);
Runner add_sgp4_verify(CLI::App &app);
Runner add_validate(CLI::App &app);
Runner add_bench(CLI::App &app);
Runner add_passes(CLI::App &app);
Runner add_eclipses(CLI::App &app);
Runner add_links(CLI::App &app);
Runner add_access(CLI::App &app);
Runner add_spot5(CLI::App &app);
Runner add_coverage(CLI::App &app);
Runner add_design(CLI::App &app);
#ifdef VANTAGE_WITH_SERVER
Runner add_serve(CLI::App &app);
Runner add_admin(CLI::App &app);
#endif
Runner add_plan(CLI::App &app);
Runner add_replan(CLI::App &app);

} // namespace vantage::cli
