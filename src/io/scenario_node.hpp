#pragma once
// The access part of a scenario file as a reusable step (private header): the coverage and tasking readers
// load the YAML once, read the common sections with `parse_scenario_node`, then their own sections.

#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "vantage/io/scenario.hpp"
#include "yaml_reader.hpp"

namespace vantage::io::detail {

/// Every top-level key any Vantage scenario reader understands (access, coverage, tasking).
const std::vector<std::string_view> &scenario_top_level_keys();

/// Rejects top-level keys outside `scenario_top_level_keys()` (unknown_key) and repeated keys (duplicate).
void check_top_level_keys(const Reader &r, const YAML::Node &root);

/// The common sections: interval, EOP, search, sensors, satellites, ground stations, targets.
Scenario parse_scenario_node(const Reader &r, const YAML::Node &root);

} // namespace vantage::io::detail
