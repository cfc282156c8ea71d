// vantage.read_tle (path or text) / read_omm / read_elements / read_eop / format_tle.
#include <filesystem>

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "conversions.hpp"
#include "docstrings.hpp"
#include "expose.hpp"
#include "vantage/io/elements.hpp"
#include "vantage/io/eop.hpp"
#include "vantage/io/omm.hpp"
#include "vantage/io/tle.hpp"

namespace vantage::python {

namespace {

std::vector<orbits::ElementSet> finish(ParseResult<io::ElementRecord> &&read, bool strict)
{
    if (!read.rejected.empty()) {
        if (strict) {
            raise_diagnostic(read.rejected.front(), read.rejected.size());
        }
    }
    {
        py::gil_scoped_acquire acquire;
        const auto warn = py::module_::import("warnings").attr("warn");
        for (const auto *list : {&read.rejected, &read.warnings}) {
            for (const auto &d : *list) {
                warn(d.to_string());
            }
        }
    }
    std::vector<orbits::ElementSet> out;
    out.reserve(read.items.size());
    for (auto &r : read.items) {
        out.push_back(std::move(r.elements));
    }
    return out;
}

} // namespace

void expose_io(py::module_ &m)
{
    m.def(
        "read_tle",
        [](const py::object &source, bool strict) {
            // Text if it holds a line break (no file name has one in practice), otherwise a path.
            if (py::isinstance<py::str>(source)) {
                const auto text = source.cast<std::string>();
                if (text.find_first_of("\n\r") != std::string::npos) {
                    return finish(io::parse_tle_text(text, "<string>"), strict);
                }
            }
            return finish(io::read_tle_file(source.cast<std::filesystem::path>()), strict);
        },
        py::arg("source"), py::arg("strict") = true, read_tle_doc().c_str());
    m.def(
        "read_omm",
        [](const std::filesystem::path &path, bool strict) { return finish(io::read_omm_file(path), strict); },
        py::arg("path"), py::arg("strict") = true, read_omm_doc().c_str());
    m.def(
        "read_elements",
        [](const std::filesystem::path &path, bool strict) { return finish(io::read_elements_file(path), strict); },
        py::arg("path"), py::arg("strict") = true, read_elements_doc().c_str());
    m.def(
        "read_eop", [](const std::filesystem::path &path) { return io::read_eop_file(path); }, py::arg("path"),
        read_eop_doc().c_str());
    m.def(
        "format_tle",
        [](const orbits::ElementSet &e) {
            const auto lines = io::format_tle(e);
            return py::make_tuple(lines[0], lines[1]);
        },
        py::arg("elements"), format_tle_doc().c_str());
}

} // namespace vantage::python
