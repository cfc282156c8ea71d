#include "vantage/geometry/sensor.hpp"

#include <cmath>
#include <fmt/format.h>

#include "vantage/core/error.hpp"

namespace vantage::geometry {

namespace {

[[noreturn]] void fail(ErrorCode code, const Sensor &s, const std::string &field, const std::string &message)
{
    throw ConfigError(code, fmt::format("sensor '{}': {}", s.name, message), ErrorContext{"", 0, field, s.name});
}

void check_range(const Sensor &s, const std::string &prefix, const std::optional<double> &v, const char *field,
                 double lo, double hi, bool lo_open, bool hi_open)
{
    if (!v) {
        return;
    }
    const double x = *v;
    const bool bad = !std::isfinite(x) || (lo_open ? x <= lo : x < lo) || (hi_open ? x >= hi : x > hi);
    if (bad) {
        fail(ErrorCode::out_of_range, s, prefix + field,
             fmt::format("{} = {} must be in {}{}, {}{}", field, x, lo_open ? "(" : "[", lo, hi, hi_open ? ")" : "]"));
    }
}

/// Ranges of every field; completeness too when `complete` (a sensor with modes need not be complete itself).
void validate_one(const Sensor &root, const Sensor &s, const std::string &prefix, bool complete)
{
    check_range(root, prefix, s.max_off_nadir_deg, "max_off_nadir_deg", 0.0, 90.0, true, true);
    check_range(root, prefix, s.swath_km, "swath_km", 0.0, 10000.0, true, true);
    check_range(root, prefix, s.along_track_half_angle_deg, "along_track_half_angle_deg", 0.0, 45.0, true, false);
    check_range(root, prefix, s.min_sun_elevation_deg, "min_sun_elevation_deg", -90.0, 90.0, false, false);
    check_range(root, prefix, s.incidence_min_deg, "incidence_min_deg", 0.0, 90.0, false, true);
    check_range(root, prefix, s.incidence_max_deg, "incidence_max_deg", 0.0, 90.0, true, false);
    check_range(root, prefix, s.max_squint_deg, "max_squint_deg", 0.0, 45.0, true, false);
    check_range(root, prefix, s.gsd_nadir_m, "gsd_nadir_m", 0.0, 1000.0, true, false);
    check_range(root, prefix, s.slant_range_resolution_m, "slant_range_resolution_m", 0.0, 1000.0, true, false);
    if (s.gsd_nadir_m && s.type != SensorType::optical) {
        fail(ErrorCode::unsupported, root, prefix + "gsd_nadir_m", "gsd_nadir_m applies to optical sensors");
    }
    if (s.slant_range_resolution_m && s.type != SensorType::sar) {
        fail(ErrorCode::unsupported, root, prefix + "slant_range_resolution_m",
             "slant_range_resolution_m applies to sar sensors");
    }
    if (s.along_track_half_angle_deg && (s.type != SensorType::optical || s.max_off_nadir_deg)) {
        fail(ErrorCode::unsupported, root, prefix + "along_track_half_angle_deg",
             "along_track_half_angle_deg applies to fixed optical sensors (swath_km without max_off_nadir_deg)");
    }
    for (std::size_t i = 0; i < s.polarizations.size(); ++i) {
        if (s.type != SensorType::sar) {
            fail(ErrorCode::unsupported, root, prefix + "polarizations", "polarizations apply to sar sensors");
        }
        if (!is_polarization(s.polarizations[i])) {
            fail(ErrorCode::out_of_range, root, prefix + fmt::format("polarizations[{}]", i),
                 fmt::format("polarization '{}' is not one of HH, HV, VH, VV", s.polarizations[i]));
        }
    }
    if (s.max_squint_deg && s.type != SensorType::sar) {
        fail(ErrorCode::unsupported, root, prefix + "max_squint_deg", "max_squint_deg applies to sar sensors");
    }
    if (!complete) {
        return;
    }
    if (s.type == SensorType::optical) {
        if (!s.max_off_nadir_deg && !s.swath_km) {
            fail(ErrorCode::missing_field, root, prefix + "max_off_nadir_deg",
                 "an optical sensor needs max_off_nadir_deg (agile) or swath_km (fixed)");
        }
    } else {
        if (!s.incidence_min_deg) {
            fail(ErrorCode::missing_field, root, prefix + "incidence_min_deg", "a SAR sensor needs incidence_min_deg");
        }
        if (!s.incidence_max_deg) {
            fail(ErrorCode::missing_field, root, prefix + "incidence_max_deg", "a SAR sensor needs incidence_max_deg");
        }
        if (*s.incidence_min_deg >= *s.incidence_max_deg) {
            fail(ErrorCode::out_of_range, root, prefix + "incidence_max_deg",
                 fmt::format("incidence_max_deg = {} must exceed incidence_min_deg = {}", *s.incidence_max_deg,
                             *s.incidence_min_deg));
        }
    }
}

} // namespace

bool is_polarization(std::string_view p) noexcept
{
    return p == "HH" || p == "HV" || p == "VH" || p == "VV";
}

void validate_sensor(const Sensor &s)
{
    validate_one(s, s, "", s.modes.empty());
    for (std::size_t i = 0; i < s.modes.size(); ++i) {
        const Sensor &m = s.modes[i];
        const std::string prefix = fmt::format("modes[{}].", i);
        if (m.type != s.type) {
            fail(ErrorCode::unsupported, s, prefix + "type", "every mode has the sensor's type");
        }
        if (!m.modes.empty()) {
            fail(ErrorCode::unsupported, s, prefix + "modes", "a mode cannot have modes of its own");
        }
        if (m.pass_direction != PassDirection::any) {
            fail(ErrorCode::unsupported, s, prefix + "pass_direction",
                 "pass_direction filters the sensor's merged windows; give it on the sensor, not on a mode");
        }
        validate_one(s, m, prefix, true);
    }
}

} // namespace vantage::geometry
