#include "vantage/scheduling/mission.hpp"

#include <cmath>
#include <set>

#include <fmt/format.h>

#include "vantage/core/error.hpp"
#include "vantage/mission/imaging_limits.hpp"

namespace vantage::scheduling {

bool TaskingSatellite::pointable() const
{
    return mission::points(sat.sensor);
}

namespace {

[[noreturn]] void fail(ErrorCode code, const Mission &m, const std::string &field, const std::string &value,
                       const std::string &message)
{
    throw ConfigError(code, message, ErrorContext{m.source, 0, field, value});
}

void check(bool ok, const Mission &m, const std::string &field, double value, const char *range)
{
    if (!ok || !std::isfinite(value)) {
        fail(ErrorCode::out_of_range, m, field, fmt::format("{}", value), fmt::format("must be {}", range));
    }
}

} // namespace

bool LatencyRegion::contains(double lat_deg, double lon_deg) const
{
    if (lat_deg < south_deg || lat_deg > north_deg) {
        return false;
    }
    const double lon = std::remainder(lon_deg, 360.0); // [-180, 180]
    return west_deg <= east_deg ? (lon >= west_deg && lon <= east_deg) : (lon >= west_deg || lon <= east_deg);
}

void validate_mission(const Mission &m)
{
    if (!(m.stop > m.start)) {
        fail(ErrorCode::out_of_range, m, "stop_utc", m.stop.to_iso8601_utc(6), "stop must be after start");
    }
    for (std::size_t i = 0; i < m.satellites.size(); ++i) {
        const auto &s = m.satellites[i];
        const std::string p = fmt::format("satellites[{}]", i);
        check(s.agility.max_rate_deg_s > 0.0, m, p + ".agility.max_rate_deg_s", s.agility.max_rate_deg_s, "> 0");
        check(s.agility.max_accel_deg_s2 > 0.0, m, p + ".agility.max_accel_deg_s2", s.agility.max_accel_deg_s2, "> 0");
        check(s.agility.settle_s >= 0.0, m, p + ".agility.settle_s", s.agility.settle_s, ">= 0");
        const auto &tb = s.agility.slew_table;
        for (std::size_t k = 0; k < tb.size(); ++k) {
            const std::string tp = fmt::format("{}.agility.slew_table[{}]", p, k);
            check(std::isfinite(tb[k].first) && std::isfinite(tb[k].second) && tb[k].second >= 0.0, m, tp, tb[k].second,
                  "finite, time >= 0");
            check(k > 0 || tb[k].first == 0.0, m, tp, tb[k].first, "the first size is 0");
            check(k == 0 || tb[k].first > tb[k - 1].first, m, tp, tb[k].first, "sizes increase");
            check(k == 0 || tb[k].second >= tb[k - 1].second, m, tp, tb[k].second, "times do not decrease");
        }
        check(s.data_rate_mbit_s > 0.0, m, p + ".data_rate_mbit_s", s.data_rate_mbit_s, "> 0");
        check(s.imaging_swath_km > 0.0, m, p + ".imaging_swath_km", s.imaging_swath_km, "> 0");
        check(s.storage_gbit > 0.0, m, p + ".storage_gbit", s.storage_gbit, "> 0");
        if (s.max_imaging_s_per_orbit) {
            check(*s.max_imaging_s_per_orbit > 0.0, m, p + ".max_imaging_s_per_orbit", *s.max_imaging_s_per_orbit, "> 0");
        }
        if (const auto &pw = s.power) {
            const std::string pp = p + ".power";
            check(pw->battery_wh > 0.0 && pw->battery_wh < 1e9, m, pp + ".battery_wh", pw->battery_wh, "in (0, 1e9)");
            check(pw->min_soc >= 0.0 && pw->min_soc < 1.0, m, pp + ".min_soc", pw->min_soc, "in [0, 1)");
            check(pw->max_soc > pw->min_soc && pw->max_soc <= 1.0, m, pp + ".max_soc", pw->max_soc, "in (min_soc, 1]");
            check(pw->initial_soc >= pw->min_soc && pw->initial_soc <= pw->max_soc, m, pp + ".initial_soc", pw->initial_soc,
                  "in [min_soc, max_soc]");
            for (const auto &[key, v] : {std::pair{"solar_w", pw->solar_w}, std::pair{"bus_w", pw->bus_w},
                                         std::pair{"imaging_w", pw->imaging_w}, std::pair{"slew_w", pw->slew_w},
                                         std::pair{"downlink_w", pw->downlink_w}}) {
                check(v >= 0.0 && v < 1e7, m, pp + "." + key, v, "in [0, 1e7)");
            }
        }
    }
    std::set<std::string> stations;
    for (const auto &s : m.stations) {
        stations.insert(s.name);
    }
    for (std::size_t i = 0; i < m.outages.size(); ++i) {
        const auto &o = m.outages[i];
        if (!stations.count(o.station)) {
            fail(ErrorCode::missing_field, m, fmt::format("station_outages[{}].station", i), o.station, "no such ground station");
        }
        if (!(o.end > o.start)) {
            fail(ErrorCode::out_of_range, m, fmt::format("station_outages[{}].end_utc", i), o.end.to_iso8601_utc(6),
                 "end must be after start");
        }
    }
    std::set<std::string> relay_names;
    for (std::size_t i = 0; i < m.relays.size(); ++i) {
        const Relay &r = m.relays[i];
        const std::string p = fmt::format("relays[{}]", i);
        if (r.end.name.empty() || !relay_names.insert(r.end.name).second) {
            fail(r.end.name.empty() ? ErrorCode::missing_field : ErrorCode::duplicate, m, p + ".name", r.end.name,
                 "a relay needs a name of its own");
        }
        if (!stations.count(r.feeder_station)) {
            fail(ErrorCode::missing_field, m, p + ".feeder_station", r.feeder_station, "no such ground station");
        }
        check(r.rate_mbit_s > 0.0, m, p + ".rate_mbit_s", r.rate_mbit_s, "> 0");
        check(r.acquisition_s >= 0.0 && r.acquisition_s <= 3600.0, m, p + ".acquisition_s", r.acquisition_s, "in [0, 3600]");
        check(r.terminals >= 1 && r.terminals <= 64, m, p + ".terminals", r.terminals, "in [1, 64]");
        check(r.max_session_s > 0.0, m, p + ".max_session_s", r.max_session_s, "> 0");
        check(r.grazing_height_km >= 0.0 && r.grazing_height_km <= 1000.0, m, p + ".grazing_height_km",
              r.grazing_height_km, "in [0, 1000]");
        check(r.end.terminal.max_off_nadir_deg > 0.0 && r.end.terminal.max_off_nadir_deg <= 180.0, m,
              p + ".max_off_nadir_deg", r.end.terminal.max_off_nadir_deg, "in (0, 180]");
        check(r.end.propagator || (r.end.geo_longitude_deg >= -180.0 && r.end.geo_longitude_deg <= 360.0), m,
              p + ".longitude_deg", r.end.geo_longitude_deg, "in [-180, 360]");
    }
    for (std::size_t i = 0; i < m.satellites.size(); ++i) {
        if (const auto &t = m.satellites[i].relay_terminal) {
            check(t->min_elevation_deg >= -90.0 && t->min_elevation_deg <= 90.0, m,
                  fmt::format("satellites[{}].relay_terminal.min_elevation_deg", i), t->min_elevation_deg, "in [-90, 90]");
        }
    }
    for (std::size_t i = 0; i < m.latency_regions.size(); ++i) {
        const LatencyRegion &g = m.latency_regions[i];
        const std::string p = fmt::format("latency_regions[{}]", i);
        check(g.south_deg >= -90.0 && g.south_deg < g.north_deg, m, p + ".south_deg", g.south_deg, "in [-90, north_deg)");
        check(g.north_deg <= 90.0, m, p + ".north_deg", g.north_deg, "<= 90");
        check(g.west_deg >= -180.0 && g.west_deg <= 180.0, m, p + ".west_deg", g.west_deg, "in [-180, 180]");
        check(g.east_deg >= -180.0 && g.east_deg <= 180.0, m, p + ".east_deg", g.east_deg, "in [-180, 180]");
    }
    std::set<std::string> tenants;
    double sum = 0.0;
    for (const auto &t : m.tenants) {
        if (!tenants.insert(t.name).second) {
            fail(ErrorCode::duplicate, m, "tenants." + t.name, t.name, "tenant given twice");
        }
        check(t.share >= 0.0 && t.share <= 1.0, m, "tenants." + t.name + ".share", t.share, "in [0, 1]");
        sum += t.share;
        for (std::size_t k = 0; k < t.allowed_stations.size(); ++k) {
            if (!stations.count(t.allowed_stations[k])) {
                fail(ErrorCode::missing_field, m, fmt::format("tenants.{}.allowed_stations[{}]", t.name, k),
                     t.allowed_stations[k], "no such ground station");
            }
        }
    }
    if (!m.tenants.empty() && !(sum > 0.0)) {
        fail(ErrorCode::out_of_range, m, "tenants", "0", "the rights shares must not all be zero");
    }
    std::set<std::string> ids;
    for (std::size_t i = 0; i < m.requests.size(); ++i) {
        const auto &r = m.requests[i];
        if (!ids.insert(r.id).second) {
            fail(ErrorCode::duplicate, m, fmt::format("requests[{}].id", i), r.id, "request id given twice");
        }
        if (!m.tenants.empty() && !tenants.count(r.tenant)) {
            fail(ErrorCode::missing_field, m, fmt::format("requests[{}].tenant", i), r.tenant,
                 "tenant not listed under 'tenants'");
        }
        mission::validate_request(r);
    }
    const auto &p = m.planning;
    check(p.iterations >= 0, m, "planning.iterations", p.iterations, ">= 0");
    check(p.replan_iterations >= 0, m, "planning.replan_iterations", p.replan_iterations, ">= 0");
    check(p.time_limit_s > 0.0, m, "planning.time_limit_s", p.time_limit_s, "> 0");
    check(p.bound_time_limit_s > 0.0, m, "planning.bound_time_limit_s", p.bound_time_limit_s, "> 0");
    check(p.time_step_s > 0.0 && p.time_step_s <= 60.0, m, "planning.time_step_s", p.time_step_s, "in (0, 60]");
    check(p.strip_overlap >= 0.0 && p.strip_overlap <= 0.5, m, "planning.strip_overlap", p.strip_overlap, "in [0, 0.5]");
    check(p.max_strip_length_km > 0.0, m, "planning.max_strip_length_km", p.max_strip_length_km, "> 0");
    check(p.strip_scan_speed_km_s > 0.0, m, "planning.strip_scan_speed_km_s", p.strip_scan_speed_km_s, "> 0");
    check(p.delivery_margin_h >= 0.0, m, "planning.delivery_margin_h", p.delivery_margin_h, ">= 0");
    check(p.fairness_tolerance >= 0.0 && p.fairness_tolerance <= 1.0, m, "planning.fairness_tolerance",
          p.fairness_tolerance, "in [0, 1]");
    check(p.min_contact_s >= 0.0, m, "planning.min_contact_s", p.min_contact_s, ">= 0");
    check(p.default_downlink_mbit_s > 0.0, m, "planning.default_downlink_mbit_s", p.default_downlink_mbit_s, "> 0");
    check(p.freeze_h >= 0.0, m, "planning.freeze_h", p.freeze_h, ">= 0");
    check(p.change_penalty >= 0.0, m, "planning.change_penalty", p.change_penalty, ">= 0");
}

bool cancelled(const PlanningOptions &options) noexcept
{
    return options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed);
}

void throw_if_cancelled(const PlanningOptions &options)
{
    if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) {
        throw Error(ErrorCode::cancelled, "planning cancelled by the caller", ErrorContext{"", 0, "planning", ""});
    }
}

} // namespace vantage::scheduling
