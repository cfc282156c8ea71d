// vantage.Error and the error-code names.
#include "conversions.hpp"
#include "expose.hpp"

namespace vantage::python {

void expose_core(py::module_ &m)
{
    register_errors(m);
    py::list codes;
    for (int c = 0; c <= static_cast<int>(ErrorCode::conflict); ++c) {
        codes.append(std::string(to_string(static_cast<ErrorCode>(c))));
    }
    m.attr("ERROR_CODES") = py::tuple(codes);
}

} // namespace vantage::python
