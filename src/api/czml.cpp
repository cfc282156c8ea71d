// CZML of a plan (czml.hpp). Positions are ITRF from SGP4 (TEME -> ITRF with the fleet's Earth orientation),
// which is what Cesium's FIXED frame is; Cesium interpolates the samples (Lagrange, degree 5).
#include "czml.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <cmath>
#include <functional>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "vantage/core/error.hpp"
#include "vantage/frames/transforms.hpp"

namespace vantage::api {

namespace {

using json = nlohmann::ordered_json;

// 120 s between samples (~900 km of LEO motion, 1/50 orbit): Lagrange-5 over six samples spans 1/10 orbit, where
// the interpolated orbit stays within metres of the samples' arc, far below what a map shows.
constexpr double sample_step_s = 120.0;
constexpr double max_span_h = 72.0;          // longer plans are drawn over their first 72 h
constexpr double mean_earth_radius_km = 6371.0088;
constexpr double deg = 3.14159265358979323846 / 180.0;

std::string iso(const time::Instant &t)
{
    return t.to_iso8601_utc(3);
}

std::string escape_html(const std::string &s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

json rgba(int r, int g, int b, int a)
{
    return {{"rgba", {r, g, b, a}}};
}

/// A stable colour per nation.
std::array<int, 3> tenant_colour(const std::string &tenant)
{
    static const std::array<std::array<int, 3>, 8> palette = {{{255, 99, 71},
                                                                {65, 105, 225},
                                                                {50, 205, 50},
                                                                {255, 165, 0},
                                                                {186, 85, 211},
                                                                {0, 206, 209},
                                                                {255, 215, 0},
                                                                {240, 128, 128}}};
    return palette[std::hash<std::string>{}(tenant) % palette.size()];
}

json solid(const std::array<int, 3> &c, int alpha)
{
    return {{"solidColor", {{"color", rgba(c[0], c[1], c[2], alpha)}}}};
}

/// Ground radius (km) of the sensor's field of regard from altitude h (spherical Earth; zero if unknown).
double footprint_radius_km(const geometry::Sensor &s, double h_km)
{
    if (!s.modes.empty()) { // modes (OR): the widest one
        double widest = 0.0;
        for (const auto &m : s.modes) {
            widest = std::max(widest, footprint_radius_km(m, h_km));
        }
        return widest;
    }
    const double r = mean_earth_radius_km;
    if (s.type == geometry::SensorType::sar) {
        if (!s.incidence_max_deg) {
            return 0.0;
        }
        const double theta = *s.incidence_max_deg * deg;
        const double eta = std::asin(r / (r + h_km) * std::sin(theta));
        return r * (theta - eta);
    }
    if (s.max_off_nadir_deg) {
        const double eta = *s.max_off_nadir_deg * deg;
        const double x = std::min(1.0, (r + h_km) / r * std::sin(eta));
        return r * (std::asin(x) - eta);
    }
    return s.swath_km ? 0.5 * *s.swath_km : 0.0;
}

std::string sat_id(std::uint32_t norad)
{
    return fmt::format("sat/{}", norad);
}

} // namespace

std::string build_czml(const Fleet &fleet, const std::string &plan_document, const std::vector<mission::Request> &requests,
                       const time::Instant &start, const time::Instant &stop_in)
{
    time::Instant stop = stop_in;
    if ((stop - start).hours() > max_span_h) {
        stop = start + time::Duration::from_hours(max_span_h);
    }
    if (!(start < stop)) {
        stop = start + time::Duration::from_hours(1.0);
    }
    const std::string interval = iso(start) + "/" + iso(stop);
    json doc = json::array();
    json plan = json::parse(plan_document.empty() ? "{}" : plan_document);
    doc.push_back({{"id", "document"},
                   {"name", plan.contains("plan_id") ? "Vantage plan " + plan.value("plan_id", std::string()) : "Vantage (no plan yet)"},
                   {"version", "1.0"},
                   {"clock",
                    {{"interval", interval},
                     {"currentTime", iso(start)},
                     {"multiplier", 60},
                     {"range", "LOOP_STOP"},
                     {"step", "SYSTEM_CLOCK_MULTIPLIER"}}}});

    // --- satellites: orbit, ground track, footprint
    std::map<std::string, std::uint32_t> norad_by_name;
    for (const auto &sat : fleet.satellites) {
        if (sat.propagator.init_status() != orbits::Sgp4Status::ok) {
            continue;
        }
        const std::uint32_t norad = sat.propagator.elements().norad_id;
        norad_by_name[sat.name] = norad;
        json cart = json::array();
        json carto = json::array();
        double h_sum_km = 0.0;
        int n = 0;
        const double span_s = (stop - start).seconds();
        for (double t_s = 0.0; t_s <= span_s + 1e-9; t_s += sample_step_s) {
            const time::Instant t = start + time::Duration::from_seconds(t_s);
            try {
                const auto itrf = frames::teme_to_itrf(sat.propagator.propagate(t), fleet.eop);
                const auto g = frames::itrf_to_geodetic(itrf.r_km);
                cart.insert(cart.end(), {t_s, itrf.r_km.x() * 1000.0, itrf.r_km.y() * 1000.0, itrf.r_km.z() * 1000.0});
                carto.insert(carto.end(), {t_s, g.lon_deg, g.lat_deg, 0.0});
                h_sum_km += g.h_km;
                ++n;
            } catch (const DomainError &) {
                break; // decayed within the interval: drawn until then
            }
        }
        if (n < 2) {
            continue;
        }
        const double period_s = 86400.0 / sat.propagator.elements().mean_motion_rev_day;
        const auto colour = sat.sensor.type == geometry::SensorType::sar ? std::array<int, 3>{0, 255, 255}
                                                                          : std::array<int, 3>{255, 255, 0};
        const std::string id = sat_id(norad);
        const std::string avail = iso(start) + "/" + iso(start + time::Duration::from_seconds((n - 1) * sample_step_s));
        json sensor_text = fmt::format("<p>NORAD {}<br>sensor {} ({})<br>element set epoch {}</p>", norad,
                                       escape_html(sat.sensor.name),
                                       sat.sensor.type == geometry::SensorType::sar ? "SAR" : "optical",
                                       sat.propagator.elements().epoch.to_iso8601_utc(0));
        doc.push_back({{"id", id},
                       {"name", sat.name},
                       {"availability", avail},
                       {"description", sensor_text},
                       {"position",
                        {{"epoch", iso(start)},
                         {"referenceFrame", "FIXED"},
                         {"interpolationAlgorithm", "LAGRANGE"},
                         {"interpolationDegree", 5},
                         {"cartesian", std::move(cart)}}},
                       {"point", {{"pixelSize", 7}, {"color", rgba(colour[0], colour[1], colour[2], 255)}}},
                       {"label",
                        {{"text", sat.name},
                         {"font", "11px sans-serif"},
                         {"horizontalOrigin", "LEFT"},
                         {"pixelOffset", {{"cartesian2", {9, 0}}}},
                         {"fillColor", rgba(colour[0], colour[1], colour[2], 255)}}},
                       {"path",
                        {{"leadTime", 0},
                         {"trailTime", 0.5 * period_s},
                         {"width", 1},
                         {"resolution", 120},
                         {"material", solid(colour, 160)}}}});
        doc.push_back({{"id", "track/" + std::to_string(norad)},
                       {"name", sat.name + " ground track"},
                       {"availability", avail},
                       {"position",
                        {{"epoch", iso(start)},
                         {"interpolationAlgorithm", "LAGRANGE"},
                         {"interpolationDegree", 5},
                         {"cartographicDegrees", std::move(carto)}}},
                       {"path",
                        {{"leadTime", 0.5 * period_s},
                         {"trailTime", 0.5 * period_s},
                         {"width", 2},
                         {"resolution", 120},
                         {"material", solid(colour, 110)}}}});
        const double radius_km = footprint_radius_km(sat.sensor, h_sum_km / n);
        if (radius_km > 0.0) {
            doc.push_back({{"id", "footprint/" + std::to_string(norad)},
                           {"name", sat.name + " field of regard (" + sat.sensor.name + ")"},
                           {"availability", avail},
                           {"position", {{"reference", "track/" + std::to_string(norad) + "#position"}}},
                           {"ellipse",
                            {{"semiMajorAxis", radius_km * 1000.0},
                             {"semiMinorAxis", radius_km * 1000.0},
                             {"height", 0},
                             {"material", solid(colour, 45)},
                             {"outline", true},
                             {"outlineColor", rgba(colour[0], colour[1], colour[2], 140)}}}});
        }
    }

    // --- ground stations
    for (const auto &s : fleet.stations) {
        doc.push_back({{"id", "station/" + s.name},
                       {"name", s.name},
                       {"description", fmt::format("<p>ground station, mask {} deg</p>", s.min_elevation_deg)},
                       {"position", {{"cartographicDegrees", {s.location.lon_deg, s.location.lat_deg, s.location.h_km * 1000.0}}}},
                       {"point", {{"pixelSize", 8}, {"color", rgba(30, 144, 255, 255)}, {"outlineColor", rgba(255, 255, 255, 255)},
                                  {"outlineWidth", 1}}},
                       {"label",
                        {{"text", s.name},
                         {"font", "10px sans-serif"},
                         {"horizontalOrigin", "LEFT"},
                         {"pixelOffset", {{"cartesian2", {8, 0}}}},
                         {"fillColor", rgba(135, 206, 250, 255)}}}});
    }

    // --- requests: target points and AOIs
    for (const auto &r : requests) {
        const auto colour = tenant_colour(r.tenant);
        const auto pts = sample_points(r);
        if (pts.empty()) {
            continue;
        }
        const std::string text = fmt::format("<p>request {} ({}), priority {}<br>window {} to {}</p>", escape_html(r.id),
                                             escape_html(r.tenant), r.priority, r.window_start.to_iso8601_utc(0),
                                             r.window_end.to_iso8601_utc(0));
        doc.push_back({{"id", "target/" + r.id},
                       {"name", r.id},
                       {"description", text},
                       {"position", {{"cartographicDegrees", {pts[0].location.lon_deg, pts[0].location.lat_deg, 0.0}}}},
                       {"point", {{"pixelSize", 6}, {"color", rgba(colour[0], colour[1], colour[2], 255)}}},
                       {"label",
                        {{"text", r.id},
                         {"font", "10px sans-serif"},
                         {"horizontalOrigin", "LEFT"},
                         {"pixelOffset", {{"cartesian2", {7, -7}}}},
                         {"fillColor", rgba(colour[0], colour[1], colour[2], 255)}}}});
        if (r.polygon) {
            for (std::size_t k = 0; k < r.polygon->parts.size(); ++k) {
                json ring = json::array();
                for (const auto &v : r.polygon->parts[k].outer) {
                    ring.insert(ring.end(), {v.lon_deg, v.lat_deg, 0.0});
                }
                doc.push_back({{"id", fmt::format("aoi/{}/{}", r.id, k)},
                               {"name", r.id + " AOI"},
                               {"description", text},
                               {"polygon",
                                {{"positions", {{"cartographicDegrees", ring}}},
                                 {"height", 0},
                                 {"material", solid(colour, 90)},
                                 {"outline", true},
                                 {"outlineColor", rgba(colour[0], colour[1], colour[2], 255)}}}});
            }
        }
    }

    // --- planned acquisitions and downlinks, each shown during its interval
    std::set<std::string> drawn_sats;
    for (const auto &p : doc) {
        drawn_sats.insert(p.value("id", std::string()));
    }
    for (const auto &a : plan.value("acquisitions", json::array())) {
        const std::string id = "acq/" + a.value("acquisition_id", std::string());
        const std::string sat = sat_id(a.value("norad_id", 0u));
        const std::string tenant = a.value("tenant", std::string());
        const auto colour = tenant_colour(tenant);
        const std::string avail = a.value("start_utc", std::string()) + "/" + a.value("end_utc", std::string());
        json packet{{"id", id},
                    {"name", fmt::format("{} by {}", a.value("request_id", std::string()), a.value("satellite", std::string()))},
                    {"availability", avail},
                    {"description", fmt::format("<p>acquisition {}<br>{} to {}<br>off-nadir {:.1f} deg, state {}</p>",
                                                escape_html(a.value("acquisition_id", std::string())),
                                                a.value("start_utc", std::string()), a.value("end_utc", std::string()),
                                                a.value("off_nadir_deg", 0.0), a.value("state", std::string("planned")))},
                    {"position", {{"cartographicDegrees", {a.value("target_lon_deg", 0.0), a.value("target_lat_deg", 0.0), 0.0}}}},
                    {"point", {{"pixelSize", 12}, {"color", rgba(colour[0], colour[1], colour[2], 255)}}}};
        if (drawn_sats.count(sat)) {
            packet["polyline"] = {{"positions", {{"references", {sat + "#position", id + "#position"}}}},
                                  {"width", 3},
                                  {"arcType", "NONE"},
                                  {"material", solid(colour, 255)}};
        }
        doc.push_back(std::move(packet));
    }
    int k = 0;
    for (const auto &d : plan.value("downlinks", json::array())) {
        const std::string sat_name = d.value("satellite", std::string());
        const std::string station = "station/" + d.value("station", std::string());
        json packet{{"id", fmt::format("downlink/{}", k++)},
                    {"name", fmt::format("downlink {} to {}", sat_name, d.value("station", std::string()))},
                    {"availability", d.value("start_utc", std::string()) + "/" + d.value("end_utc", std::string())}};
        const auto it = norad_by_name.find(sat_name);
        if (it != norad_by_name.end() && drawn_sats.count(sat_id(it->second)) && drawn_sats.count(station)) {
            packet["polyline"] = {{"positions", {{"references", {sat_id(it->second) + "#position", station + "#position"}}}},
                                  {"width", 2},
                                  {"arcType", "NONE"},
                                  {"material", {{"polylineDash", {{"color", rgba(30, 144, 255, 255)}}}}}};
        }
        doc.push_back(std::move(packet));
    }
    return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace vantage::api
