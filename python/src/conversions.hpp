#pragma once
// Conversions between Python objects and Vantage values: datetimes (tz-aware, or naive = UTC),
// numpy.datetime64, ISO strings, and the error translation to vantage.Error.

#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "vantage/core/error.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::python {

namespace py = pybind11;

/// datetime (tz-aware; converted to UTC), numpy.datetime64 (taken as UTC), or ISO 8601 string.
/// A naive datetime is taken as UTC (its calendar fields, not the machine's local time).
time::Instant to_instant(const py::handle &obj, const char *what = "time");

/// A sequence of the above, or a numpy array of datetime64 (any unit).
std::vector<time::Instant> to_instants(const py::handle &obj, const char *what = "times");

/// tz-aware datetime in UTC, microsecond resolution (rounded). A time inside a leap second
/// (23:59:60.x) has no datetime: it is returned as 23:59:59.999999.
py::object to_datetime(const time::Instant &t);

/// Registers vantage.Error (code, message, source, line, field, value attributes), its subclasses
/// ParseError (+ValueError), FileError (+OSError), MissingFileError (+FileNotFoundError), and the
/// translator that picks the class from the error code.
void register_errors(py::module_ &m);

/// Raises vantage.Error built from a diagnostic (used for strict bulk reads).
[[noreturn]] void raise_diagnostic(const Diagnostic &d, std::size_t n_rejected);

} // namespace vantage::python
