#pragma once
// Names of the sensor enums in every io document (requests, coverage summaries): private to io.

#include "vantage/geometry/sensor.hpp"

namespace vantage::io::detail {

inline const char *look_side_name(geometry::LookSide s)
{
    return s == geometry::LookSide::left ? "left" : s == geometry::LookSide::right ? "right" : "both";
}

inline const char *pass_name(geometry::PassDirection p)
{
    return p == geometry::PassDirection::ascending    ? "ascending"
           : p == geometry::PassDirection::descending ? "descending"
                                                      : "any";
}

} // namespace vantage::io::detail
