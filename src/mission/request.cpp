#include "vantage/mission/request.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "vantage/core/error.hpp"

namespace vantage::mission {

namespace {

[[noreturn]] void fail(ErrorCode code, const std::string &message, const std::string &field, const std::string &value)
{
    throw ConfigError(code, message, ErrorContext{"", 0, field, value});
}

bool id_char(char c, bool colon_dot)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
           || (colon_dot && (c == '.' || c == ':'));
}

void check_name(const std::string &s, std::size_t max_len, bool colon_dot, const char *field)
{
    if (s.empty()) {
        fail(ErrorCode::missing_field, fmt::format("'{}' must not be empty", field), field, s);
    }
    bool ok = s.size() <= max_len;
    for (const char c : s) {
        ok = ok && id_char(c, colon_dot);
    }
    if (!ok) {
        fail(ErrorCode::syntax,
             fmt::format("must be 1 to {} characters of A-Z a-z 0-9 _ -{}", max_len, colon_dot ? " . :" : ""), field,
             s.substr(0, 80));
    }
}

void check_range(const std::optional<double> &v, const char *field, double lo, double hi, bool lo_open, bool hi_open)
{
    if (!v) {
        return;
    }
    const double x = *v;
    const bool ok = std::isfinite(x) && (lo_open ? x > lo : x >= lo) && (hi_open ? x < hi : x <= hi);
    if (!ok) {
        fail(ErrorCode::out_of_range,
             fmt::format("must be in {}{}, {}{}", lo_open ? '(' : '[', lo, hi, hi_open ? ')' : ']'), field,
             fmt::format("{}", x));
    }
}

} // namespace

const char *to_string(SensorKind kind) noexcept
{
    switch (kind) {
    case SensorKind::optical:
        return "optical";
    case SensorKind::sar:
        return "sar";
    case SensorKind::any:
        return "any";
    }
    return "any";
}

const char *to_string(Tier tier) noexcept
{
    switch (tier) {
    case Tier::urgent:
        return "urgent";
    case Tier::priority:
        return "priority";
    case Tier::standard:
        return "standard";
    case Tier::flexible:
        return "flexible";
    }
    return "standard";
}

std::optional<Tier> tier_from_string(std::string_view name) noexcept
{
    for (Tier t : {Tier::urgent, Tier::priority, Tier::standard, Tier::flexible}) {
        if (name == to_string(t)) {
            return t;
        }
    }
    return std::nullopt;
}

void validate_request(const Request &r)
{
    check_name(r.id, 64, true, "id");
    check_name(r.tenant, 16, false, "tenant");
    if (r.priority < 1 || r.priority > 10) {
        fail(ErrorCode::out_of_range, "must be a whole number in [1, 10]", "priority", fmt::format("{}", r.priority));
    }
    if (r.reward && !(*r.reward > 0.0 && *r.reward <= 1e6)) {
        fail(ErrorCode::out_of_range, "must be in (0, 1e6]", "reward", fmt::format("{}", *r.reward));
    }
    if (r.point && r.polygon) {
        fail(ErrorCode::syntax, "give either 'target' (a point) or 'aoi' (a polygon), not both", "aoi", "");
    }
    if (!r.point && !r.polygon) {
        fail(ErrorCode::missing_field, "a request needs 'target' (a point) or 'aoi' (a polygon)", "target", "");
    }
    if (r.point) {
        check_range(r.point->location.lat_deg, "target.lat_deg", -90.0, 90.0, false, false);
        check_range(r.point->location.lon_deg, "target.lon_deg", -180.0, 180.0, false, false);
        check_range(r.point->location.h_km * 1000.0, "target.alt_m", -1000.0, 10000.0, false, false);
    }
    if (r.polygon) {
        try {
            geometry::validate_polygon(*r.polygon);
        } catch (const ConfigError &e) {
            fail(e.code(), e.message(), "aoi." + e.context().field, e.context().value);
        }
    }
    if (!(r.window_end > r.window_start)) {
        fail(ErrorCode::out_of_range, "window_end_utc must be after window_start_utc", "window_end_utc",
             r.window_end.to_iso8601_utc(3));
    }
    check_range(r.max_off_nadir_deg, "max_off_nadir_deg", 0.0, 90.0, true, true);
    check_range(r.incidence_min_deg, "incidence_min_deg", 0.0, 90.0, false, true);
    check_range(r.incidence_max_deg, "incidence_max_deg", 0.0, 90.0, true, false);
    check_range(r.min_sun_elevation_deg, "min_sun_elevation_deg", -90.0, 90.0, false, false);
    check_range(r.max_gsd_m, "max_gsd_m", 0.0, 1e5, true, false);
    check_range(r.max_cloud_cover_pct, "max_cloud_cover_pct", 0.0, 100.0, false, false);
    check_range(r.min_cloud_probability, "min_cloud_probability", 0.0, 1.0, true, false);
    if (r.stereo) {
        if (r.stereo->images < 2 || r.stereo->images > 3) {
            fail(ErrorCode::out_of_range, "stereo takes 2 or 3 images", "stereo.images", fmt::format("{}", r.stereo->images));
        }
        check_range(r.stereo->bh_min, "stereo.bh_min", 0.0, 2.0, true, true);
        check_range(r.stereo->bh_max, "stereo.bh_max", 0.0, 2.0, true, false);
        if (!(r.stereo->bh_min < r.stereo->bh_max)) {
            fail(ErrorCode::out_of_range, "stereo.bh_min must be below stereo.bh_max", "stereo.bh_max",
                 fmt::format("{}", r.stereo->bh_max));
        }
        if (r.sensor == SensorKind::sar) {
            fail(ErrorCode::unsupported, "stereo is optical (sensor: optical or any)", "stereo", "");
        }
        if (!r.point) {
            fail(ErrorCode::unsupported, "stereo is for a point target (target), not an area (aoi)", "stereo", "");
        }
    }
    if (r.sensor == SensorKind::sar && (r.max_cloud_cover_pct || r.min_cloud_probability)) {
        fail(ErrorCode::unsupported, "cloud limits apply to optical requests (sensor: optical or any); radar sees through clouds",
             r.max_cloud_cover_pct ? "max_cloud_cover_pct" : "min_cloud_probability", "");
    }
    if (r.incidence_min_deg && r.incidence_max_deg && !(*r.incidence_min_deg < *r.incidence_max_deg)) {
        fail(ErrorCode::out_of_range, "incidence_min_deg must be below incidence_max_deg", "incidence_max_deg",
             fmt::format("{}", *r.incidence_max_deg));
    }
    if (r.sensor == SensorKind::optical && (r.incidence_min_deg || r.incidence_max_deg)) {
        fail(ErrorCode::unsupported, "incidence limits apply to sar requests (sensor: sar or any)",
             r.incidence_min_deg ? "incidence_min_deg" : "incidence_max_deg", "");
    }
    if (r.sensor == SensorKind::optical && (r.instrument_mode || !r.polarizations.empty())) {
        fail(ErrorCode::unsupported, "instrument_mode and polarizations apply to sar requests (sensor: sar)",
             r.instrument_mode ? "instrument_mode" : "polarizations", "");
    }
    if (r.instrument_mode && r.instrument_mode->empty()) {
        fail(ErrorCode::out_of_range, "must not be empty", "instrument_mode", "");
    }
    for (std::size_t i = 0; i < r.polarizations.size(); ++i) {
        const std::string field = fmt::format("polarizations[{}]", i);
        if (!geometry::is_polarization(r.polarizations[i])) {
            fail(ErrorCode::out_of_range, "must be one of HH, HV, VH, VV", field, r.polarizations[i]);
        }
        if (std::find(r.polarizations.begin(), r.polarizations.begin() + static_cast<std::ptrdiff_t>(i),
                      r.polarizations[i]) != r.polarizations.begin() + static_cast<std::ptrdiff_t>(i)) {
            fail(ErrorCode::duplicate, "polarization given twice", field, r.polarizations[i]);
        }
    }
    if (r.sensor == SensorKind::sar && r.min_sun_elevation_deg) {
        fail(ErrorCode::unsupported, "a sun elevation limit applies to optical requests (sensor: optical or any)",
             "min_sun_elevation_deg", "");
    }
    check_range(r.duration_s, "duration_s", 0.0, 3600.0, true, false);
    if (r.repeat) {
        check_range(r.repeat->every_h, "repeat.every_h", 0.0, 24.0 * 366.0, true, false);
        if (r.repeat->count < 1 || r.repeat->count > 10000) {
            fail(ErrorCode::out_of_range, "must be a whole number in [1, 10000]", "repeat.count",
                 fmt::format("{}", r.repeat->count));
        }
        check_range(r.repeat->window_h, "repeat.window_h", 0.0, r.repeat->every_h, true, false);
    }
}

std::vector<Occurrence> occurrences(const Request &r)
{
    std::vector<Occurrence> out;
    if (!r.repeat) {
        out.push_back(Occurrence{0, r.window_start, r.window_end});
        return out;
    }
    out.reserve(static_cast<std::size_t>(r.repeat->count));
    for (int k = 0; k < r.repeat->count; ++k) {
        const time::Instant s = r.window_start + time::Duration::from_hours(r.repeat->every_h * k);
        out.push_back(Occurrence{k, s, s + time::Duration::from_hours(r.repeat->window_h)});
    }
    return out;
}

} // namespace vantage::mission
