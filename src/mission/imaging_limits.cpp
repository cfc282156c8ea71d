#include "vantage/mission/imaging_limits.hpp"

#include <algorithm>

namespace vantage::mission {

using geometry::LookSide;
using geometry::PassDirection;
using geometry::SensorType;

bool serves_kind(const geometry::Sensor &s, const Request &r) noexcept
{
    return !(r.sensor == SensorKind::optical && s.type != SensorType::optical)
           && !(r.sensor == SensorKind::sar && s.type != SensorType::sar);
}

bool offers(const geometry::Sensor &m, const Request &r)
{
    if (!r.instrument_mode && r.polarizations.empty()) {
        return true;
    }
    if (m.type != SensorType::sar || (r.instrument_mode && *r.instrument_mode != m.name)) {
        return false;
    }
    return std::all_of(r.polarizations.begin(), r.polarizations.end(), [&](const std::string &p) {
        return std::find(m.polarizations.begin(), m.polarizations.end(), p) != m.polarizations.end();
    });
}

std::optional<geometry::Sensor> offered_modes(const geometry::Sensor &s, const Request &r)
{
    if (s.modes.empty()) {
        return offers(s, r) ? std::optional(s) : std::nullopt;
    }
    geometry::Sensor out = s;
    out.modes.clear();
    for (const auto &m : s.modes) {
        if (offers(m, r)) {
            out.modes.push_back(m);
        }
    }
    return out.modes.empty() ? std::nullopt : std::optional(out);
}

ImagingLimits sensor_limits(const geometry::Sensor &s)
{
    ImagingLimits l;
    l.max_off_nadir_deg = s.max_off_nadir_deg;
    if (s.type == SensorType::optical) {
        if (!s.max_off_nadir_deg) {
            l.swath_km = s.swath_km;
            l.along_track_half_angle_deg = s.along_track_half_angle_deg.value_or(geometry::default_along_track_half_angle_deg);
        }
        l.min_sun_elevation_deg = s.min_sun_elevation_deg;
    } else {
        l.incidence_min_deg = s.incidence_min_deg.value_or(0.0);
        l.incidence_max_deg = s.incidence_max_deg.value_or(90.0);
        l.along_track_half_angle_deg = s.max_squint_deg.value_or(geometry::default_max_squint_deg);
    }
    l.resolution_m = s.type == SensorType::optical ? s.gsd_nadir_m : s.slant_range_resolution_m;
    l.look_side = s.look_side;
    l.pass_direction = s.pass_direction;
    return l;
}

std::optional<ImagingLimits> imaging_limits(const geometry::Sensor &s, const Request &r)
{
    if (!serves_kind(s, r)) {
        return std::nullopt;
    }
    ImagingLimits l = sensor_limits(s);
    if (r.max_off_nadir_deg) {
        l.max_off_nadir_deg = std::min(l.max_off_nadir_deg.value_or(90.0), *r.max_off_nadir_deg);
    }
    if (s.type == SensorType::optical) {
        if (r.min_sun_elevation_deg) {
            l.min_sun_elevation_deg = std::max(l.min_sun_elevation_deg.value_or(-90.0), *r.min_sun_elevation_deg);
        }
    } else {
        if (r.incidence_min_deg) {
            l.incidence_min_deg = std::max(*l.incidence_min_deg, *r.incidence_min_deg);
        }
        if (r.incidence_max_deg) {
            l.incidence_max_deg = std::min(*l.incidence_max_deg, *r.incidence_max_deg);
        }
        if (!(*l.incidence_min_deg < *l.incidence_max_deg)) {
            return std::nullopt;
        }
    }
    if (r.max_gsd_m) {
        if (!l.resolution_m) {
            return std::nullopt;
        }
        l.max_gsd_m = r.max_gsd_m;
    }
    if (r.look_side != LookSide::both) {
        if (l.look_side != LookSide::both && l.look_side != r.look_side) {
            return std::nullopt;
        }
        l.look_side = r.look_side;
    }
    if (r.pass_direction != PassDirection::any) {
        if (l.pass_direction != PassDirection::any && l.pass_direction != r.pass_direction) {
            return std::nullopt;
        }
        l.pass_direction = r.pass_direction;
    }
    return l;
}

bool has_cone(const geometry::Sensor &s) noexcept
{
    const geometry::Sensor &f = s.modes.empty() ? s : s.modes.front(); // modes share the type; agile ones all have cones
    return f.type == SensorType::optical && f.max_off_nadir_deg.has_value();
}

bool points(const geometry::Sensor &s) noexcept
{
    return s.type == SensorType::sar || has_cone(s);
}

bool images_at_crossing(const geometry::Sensor &s) noexcept
{
    return s.type == SensorType::sar || !has_cone(s);
}

bool window_holds(const geometry::Sensor &s, double window_s, double duration_s) noexcept
{
    return images_at_crossing(s) || window_s >= duration_s;
}

std::optional<double> look_angle_limit_deg(const geometry::Sensor &s, const Request &r) noexcept
{
    return has_cone(s) ? std::nullopt : r.max_off_nadir_deg;
}

geometry::Sensor search_sensor(const geometry::Sensor &sensor, const ImagingLimits &l)
{
    geometry::Sensor s = sensor;
    s.modes.clear();
    if (has_cone(sensor)) {
        s.max_off_nadir_deg = l.max_off_nadir_deg;
    }
    s.min_sun_elevation_deg = l.min_sun_elevation_deg;
    if (s.type == SensorType::sar) {
        s.incidence_min_deg = l.incidence_min_deg;
        s.incidence_max_deg = l.incidence_max_deg;
    }
    s.look_side = l.look_side;
    s.pass_direction = l.pass_direction;
    return s;
}

} // namespace vantage::mission
