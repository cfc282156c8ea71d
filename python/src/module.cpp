// PYBIND11_MODULE(_vantage): the compiled half of the `vantage` Python package.
#include "docstrings.hpp"
#include "expose.hpp"

PYBIND11_MODULE(_vantage, m)
{
    m.doc() = vantage::python::module_doc();
    m.attr("__version__") = "0.1.0";
    vantage::python::expose_core(m);
    vantage::python::expose_time(m);
    vantage::python::expose_frames(m);
    vantage::python::expose_orbits(m);
    vantage::python::expose_io(m);
    vantage::python::expose_access(m);
    vantage::python::expose_coverage(m);
    vantage::python::expose_scheduling(m);
}
