#pragma once
// One expose_<module>() per library module (kep3 layout), called from module.cpp.
#include <pybind11/pybind11.h>

namespace vantage::python {
void expose_core(pybind11::module_ &m);
void expose_time(pybind11::module_ &m);
void expose_frames(pybind11::module_ &m);
void expose_orbits(pybind11::module_ &m);
void expose_io(pybind11::module_ &m);
void expose_access(pybind11::module_ &m);
void expose_coverage(pybind11::module_ &m);
void expose_scheduling(pybind11::module_ &m);
} // namespace vantage::python
