// vantage.Instant: a thin handle on time::Instant for users who need TAI-exact arithmetic.
#include <pybind11/operators.h>

#include "conversions.hpp"
#include "docstrings.hpp"
#include "expose.hpp"

namespace vantage::python {

void expose_time(py::module_ &m)
{
    py::class_<time::Instant>(m, "Instant", instant_doc().c_str())
        .def(py::init([](const py::object &t) { return to_instant(t, "time"); }), py::arg("time"))
        .def("to_datetime", &to_datetime)
        .def("to_iso8601_utc", &time::Instant::to_iso8601_utc, py::arg("decimals") = 6)
        .def("tai_minus_utc_s", &time::Instant::tai_minus_utc_s)
        .def("tt_jd", [](const time::Instant &t) { const auto jd = t.tt_jd(); return py::make_tuple(jd.jd1, jd.jd2); })
        .def("__sub__", [](const time::Instant &a, const time::Instant &b) { return (a - b).seconds(); })
        .def("__add__", [](const time::Instant &a, double seconds) { return a + time::Duration::from_seconds(seconds); })
        .def(py::self == py::self)
        .def(py::self < py::self)
        .def("__repr__", [](const time::Instant &t) { return "Instant('" + t.to_iso8601_utc(9) + "')"; })
        .def("__str__", [](const time::Instant &t) { return t.to_iso8601_utc(6); });
}

} // namespace vantage::python
