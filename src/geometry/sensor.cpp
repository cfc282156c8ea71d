#include "vantage/geometry/sensor.hpp"

#include <cmath>
#include <fmt/format.h>

#include "vantage/core/error.hpp"

namespace vantage::geometry {

namespace {

[[noreturn]] void fail(ErrorCode code, const Sensor &s, const char *field, const std::string &message)
{
    throw ConfigError(code, fmt::format("sensor '{}': {}", s.name, message), ErrorContext{"", 0, field, s.name});
}

void check_range(const Sensor &s, const std::optional<double> &v, const char *field, double lo, double hi,
                 bool lo_open, bool hi_open)
{
    if (!v) {
        return;
    }
    const double x = *v;
    const bool bad = !std::isfinite(x) || (lo_open ? x <= lo : x < lo) || (hi_open ? x >= hi : x > hi);
    if (bad) {
        fail(ErrorCode::out_of_range, s, field,
             fmt::format("{} = {} must be in {}{}, {}{}", field, x, lo_open ? "(" : "[", lo, hi, hi_open ? ")" : "]"));
    }
}

} // namespace

void validate_sensor(const Sensor &s)
{
    check_range(s, s.max_off_nadir_deg, "max_off_nadir_deg", 0.0, 90.0, true, true);
    check_range(s, s.swath_km, "swath_km", 0.0, 10000.0, true, true);
    check_range(s, s.min_sun_elevation_deg, "min_sun_elevation_deg", -90.0, 90.0, false, false);
    check_range(s, s.incidence_min_deg, "incidence_min_deg", 0.0, 90.0, false, true);
    check_range(s, s.incidence_max_deg, "incidence_max_deg", 0.0, 90.0, true, false);
    if (s.type == SensorType::optical) {
        if (!s.max_off_nadir_deg && !s.swath_km) {
            fail(ErrorCode::missing_field, s, "max_off_nadir_deg",
                 "an optical sensor needs max_off_nadir_deg (agile) or swath_km (fixed)");
        }
    } else {
        if (!s.incidence_min_deg) {
            fail(ErrorCode::missing_field, s, "incidence_min_deg", "a SAR sensor needs incidence_min_deg");
        }
        if (!s.incidence_max_deg) {
            fail(ErrorCode::missing_field, s, "incidence_max_deg", "a SAR sensor needs incidence_max_deg");
        }
        if (*s.incidence_min_deg >= *s.incidence_max_deg) {
            fail(ErrorCode::out_of_range, s, "incidence_max_deg",
                 fmt::format("incidence_max_deg = {} must exceed incidence_min_deg = {}", *s.incidence_max_deg,
                             *s.incidence_min_deg));
        }
    }
}

} // namespace vantage::geometry
