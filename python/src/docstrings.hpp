#pragma once
// Docstrings of the Python API in one place (kep3 style): Google style, units on every argument.
#include <string>

namespace vantage::python {
std::string module_doc();
std::string instant_doc();
std::string element_set_doc();
std::string element_set_from_tle_doc();
std::string propagate_doc();
std::string read_tle_doc();
std::string read_omm_doc();
std::string read_elements_doc();
std::string read_eop_doc();
std::string earth_orientation_doc();
std::string convert_states_doc();
std::string itrf_to_geodetic_doc();
std::string format_tle_doc();
std::string ground_station_doc();
std::string read_stations_doc();
std::string passes_doc();
std::string eclipses_doc();
std::string links_doc();
std::string access_doc();
std::string coverage_doc();
std::string walker_doc();
std::string sun_synchronous_doc();
std::string sso_inclination_doc();
std::string write_elements_doc();
std::string plan_doc();
} // namespace vantage::python
