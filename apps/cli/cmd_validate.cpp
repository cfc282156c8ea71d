// vantage validate: checks a TLE or OMM file and lists every problem with its line and field.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli_util.hpp"
#include "commands.hpp"
#include "vantage/io/elements.hpp"

namespace vantage::cli {

namespace {

int run_validate(const std::string &file)
{
    const auto read = io::read_elements_file(file);
    for (const auto *list : {&read.rejected, &read.warnings}) {
        for (const auto &d : *list) {
            std::cout << d.to_string() << " [" << to_string(d.code) << "]\n";
        }
    }
    std::cout << fmt::format("{}: {} element sets valid, {} rejected, {} warnings\n", file, read.items.size(),
                             read.rejected.size(), read.warnings.size());
    return read.rejected.empty() ? exit_ok : exit_error;
}

} // namespace

Runner add_validate(CLI::App &app)
{
    auto file = std::make_shared<std::string>();
    CLI::App *cmd = app.add_subcommand("validate", "check a TLE/OMM file and list every problem with line and field");
    cmd->add_option("FILE", *file, "TLE or OMM (KVN, XML, JSON, CSV) file")->required()->check(CLI::ExistingFile);
    return [file]() { return run_validate(*file); };
}

} // namespace vantage::cli
