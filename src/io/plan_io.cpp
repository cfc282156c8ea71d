// Tasking plan files: plan.json, timeline.csv, plan.czml, changes.json; plan.json read back for replanning.
#include "vantage/io/plan_io.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "json_util.hpp"
#include "vantage/core/hash.hpp"
#include "vantage/frames/transforms.hpp"

namespace vantage::io {

namespace {

using ojson = nlohmann::ordered_json;

std::string iso(const time::Instant &t)
{
    return t.to_iso8601_utc(6);
}

const char *side(geometry::LookSide s)
{
    return s == geometry::LookSide::left ? "left" : s == geometry::LookSide::right ? "right" : "both";
}

const char *direction(geometry::PassDirection d)
{
    return d == geometry::PassDirection::ascending ? "ascending" : d == geometry::PassDirection::descending ? "descending" : "any";
}

std::uint32_t norad(const scheduling::Mission &m, std::size_t sat)
{
    return m.satellites[sat].sat.propagator.elements().norad_id;
}

/// The unit suffix of a nearest miss's value, bound and excess: seconds for "duration" / "window", metres for
/// "gsd", degrees otherwise.
std::string miss_unit(const std::string &limit)
{
    return limit == "duration" || limit == "window" ? "s" : (limit == "gsd" ? "m" : "deg");
}

/// plan.json `clouds`: what the plan knew about clouds (docs/formats.md § Tasking plan).
ojson clouds_json(const scheduling::Mission &m)
{
    if (!m.clouds || m.clouds->empty()) {
        return ojson{{"source", "none"},
                     {"note", "no cloud data: optical images are planned as if the sky were clear (max_cloud_cover_pct is not "
                              "applied)"}};
    }
    const auto &c = *m.clouds;
    ojson files = ojson::array();
    for (const auto &f : c.files) {
        files.push_back(std::filesystem::path(f).filename().string());
    }
    ojson fields = ojson::array();
    for (const auto &f : c.forecasts) {
        fields.push_back(ojson{{"time_utc", iso(f.time)}, {"averaged_over_h", f.averaged_over_s / 3600.0}, {"source", f.source}});
    }
    ojson months = ojson::array();
    for (std::size_t i = 0; i < c.monthly.size(); ++i) {
        if (c.monthly[i]) {
            months.push_back(static_cast<int>(i) + 1);
        }
    }
    ojson j{{"source", c.forecasts.empty() ? "climatology" : "forecast"},
            {"files", files},
            {"forecast_fields", fields},
            {"climatology_months", months},
            {"forecast_sigma_pct", c.forecast_sigma_pct},
            {"climatology_sigma_pct", c.climatology_sigma_pct},
            {"model", "P(usable) = Phi((max_cloud_cover_pct - predicted cover) / sigma); 1 when the limit is 100"}};
    j["default_max_cover_pct"] = c.default_max_cover_pct ? ojson(*c.default_max_cover_pct) : ojson(nullptr);
    return j;
}

ojson latency_regions_json(const std::vector<scheduling::RegionLatency> &regions)
{
    ojson out = ojson::array();
    for (const auto &r : regions) {
        out.push_back(ojson{{"region", r.region}, {"acquisitions", r.acquisitions}, {"relayed", r.relayed},
                            {"p50_h", r.p50_h}, {"p95_h", r.p95_h}});
    }
    return out;
}

ojson limits_json(const scheduling::AcquisitionLimits &l)
{
    ojson j = ojson::object();
    auto opt = [&](const char *k, const std::optional<double> &v) {
        if (v) {
            j[k] = *v;
        }
    };
    opt("max_off_nadir_deg", l.max_off_nadir_deg);
    opt("swath_km", l.swath_km);
    opt(l.incidence_min_deg ? "max_squint_deg" : "along_track_half_angle_deg", l.along_track_half_angle_deg);
    opt("incidence_min_deg", l.incidence_min_deg);
    opt("incidence_max_deg", l.incidence_max_deg);
    opt("min_sun_elevation_deg", l.min_sun_elevation_deg);
    opt("max_gsd_m", l.max_gsd_m);
    j["look_side"] = side(l.look_side);
    j["pass_direction"] = direction(l.pass_direction);
    return j;
}

ojson vec(const Vec3 &v)
{
    return ojson::array({v.x(), v.y(), v.z()});
}

} // namespace

std::string plan_to_json(const scheduling::Plan &plan, const scheduling::Mission &m, const std::string &scenario_name)
{
    ojson j;
    j["plan_format"] = "vantage-plan/1";
    j["scenario"] = scenario_name;
    j["start_utc"] = iso(m.start);
    j["stop_utc"] = iso(m.stop);
    j["seed"] = plan.seed;
    j["iterations"] = plan.iterations;
    j["time_step_s"] = m.planning.time_step_s;
    j["acquisitions"] = ojson::array();
    for (const auto &a : plan.acquisitions) {
        ojson x;
        x["acquisition_id"] = a.acquisition_id;
        x["request_id"] = a.request_id;
        x["occurrence"] = a.occurrence;
        x["strip_id"] = a.strip_id;
        x["strip_count"] = a.strip_count;
        x["tenant"] = a.tenant;
        x["satellite"] = m.satellites[a.satellite].sat.name;
        x["norad_id"] = norad(m, a.satellite);
        x["start_utc"] = iso(a.start);
        x["end_utc"] = iso(a.end);
        x["target_lat_deg"] = a.target.lat_deg;
        x["target_lon_deg"] = a.target.lon_deg;
        x["scan_start_lat_deg"] = a.scan_start.lat_deg;
        x["scan_start_lon_deg"] = a.scan_start.lon_deg;
        x["scan_end_lat_deg"] = a.scan_end.lat_deg;
        x["scan_end_lon_deg"] = a.scan_end.lon_deg;
        x["target_alt_m"] = a.target.h_km * 1000.0;
        x["off_nadir_deg"] = a.off_nadir_deg;
        x["incidence_deg"] = a.incidence_deg;
        // the along-track look angle at which the target is imaged: a SAR's squint (0: zero Doppler)
        x[a.limits.incidence_min_deg ? "squint_deg" : "along_track_look_deg"] = a.along_track_deg;
        if (a.gsd_m > 0.0) {
            if (a.limits.incidence_min_deg) {
                x["ground_range_resolution_m"] = a.gsd_m;
            } else {
                x["gsd_along_m"] = a.gsd_along_m;
                x["gsd_cross_m"] = a.gsd_cross_m;
                x["gsd_m"] = a.gsd_m;
            }
        }
        x["look_side"] = side(a.look_side);
        x["look_start_lvlh"] = vec(a.look_start_lvlh);
        x["look_end_lvlh"] = vec(a.look_end_lvlh);
        x["slew_before_deg"] = a.slew_before_deg;
        x["slew_before_s"] = a.slew_before_s;
        if (a.cloud_cover_pct) {
            x["cloud_cover_pct"] = *a.cloud_cover_pct;
            x["cloud_probability"] = *a.cloud_probability;
            x["cloud_source"] = mission::to_string(a.cloud_source);
            x["cloud_time_utc"] = iso(a.cloud_time);
        }
        x["value"] = a.value;
        x["data_gbit"] = a.data_gbit;
        x["storage_gbit_after"] = a.storage_after_gbit;
        if (a.battery_wh_after) {
            x["battery_wh_after"] = *a.battery_wh_after;
        }
        if (a.stereo_view_deg) {
            x["stereo_view_deg"] = *a.stereo_view_deg;
            x["stereo_bh"] = a.stereo_bh ? ojson(*a.stereo_bh) : ojson(nullptr);
        }
        x["downlinks"] = ojson::array();
        for (const auto &p : a.downlinks) {
            ojson part{{"station", m.stations[p.station].name},
                       {"start_utc", iso(p.start)},
                       {"end_utc", iso(p.end)},
                       {"data_gbit", p.data_gbit}};
            if (p.relay) {
                part["relay"] = m.relays[*p.relay].end.name;
            }
            x["downlinks"].push_back(std::move(part));
        }
        x["delivered_utc"] = iso(a.delivered);
        x["limits"] = limits_json(a.limits);
        j["acquisitions"].push_back(std::move(x));
    }
    j["downlinks"] = ojson::array();
    for (const auto &d : plan.downlinks) {
        ojson x{{"satellite", m.satellites[d.satellite].sat.name},
                {"norad_id", norad(m, d.satellite)},
                {"station", m.stations[d.station].name},
                {"antenna", d.antenna},
                {"start_utc", iso(d.start)},
                {"end_utc", iso(d.end)},
                {"data_gbit", d.data_gbit},
                {"storage_gbit_after", d.storage_after_gbit}};
        if (d.relay) { // through a relay: `antenna` is the relay's terminal, `station` its feeder station
            x["relay"] = m.relays[*d.relay].end.name;
            x["link_start_utc"] = iso(d.link_start);
        }
        j["downlinks"].push_back(std::move(x));
    }
    j["unserved"] = ojson::array();
    for (const auto &u : plan.unserved) {
        ojson x{{"request_id", u.request_id}, {"occurrence", u.occurrence}, {"reason", scheduling::to_string(u.reason)}};
        const auto it = std::find_if(m.requests.begin(), m.requests.end(), [&](const auto &r) { return r.id == u.request_id; });
        if (it != m.requests.end() && it->polygon) {
            x["covered_fraction"] = u.covered_fraction;
        }
        if (!u.blocked_by.empty()) {
            ojson bl = ojson::array();
            for (const auto &b : u.blocked_by) {
                bl.push_back(ojson{{"acquisition_id", b.acquisition_id}, {"request_id", b.request_id}, {"tenant", b.tenant},
                                   {"tier", mission::to_string(b.tier)}, {"satellite", m.satellites[b.satellite].sat.name},
                                   {"norad_id", norad(m, b.satellite)}, {"start_utc", iso(b.start)}, {"end_utc", iso(b.end)}});
            }
            x["blocked_by"] = std::move(bl);
        }
        if (!u.nearest_misses.empty()) {
            ojson nm = ojson::array();
            for (const auto &n : u.nearest_misses) {
                ojson y{{"satellite", m.satellites[n.satellite].sat.name}, {"norad_id", norad(m, n.satellite)},
                        {"limit", n.limit}};
                y["time_utc"] = n.time ? ojson(iso(*n.time)) : ojson(nullptr);
                ojson ms = ojson::array();
                for (const auto &l : n.misses) {
                    const std::string unit = miss_unit(l.limit);
                    ms.push_back(ojson{{"limit", l.limit}, {"value_" + unit, l.value}, {"bound_" + unit, l.bound}, {"excess_" + unit, l.excess}});
                }
                y["misses"] = std::move(ms);
                nm.push_back(std::move(y));
            }
            x["nearest_misses"] = std::move(nm);
        }
        if (u.capacity) {
            const auto &c = *u.capacity;
            ojson cs = ojson::array();
            for (const auto &w : c.contacts) {
                cs.push_back(ojson{{"station", w.station}, {"start_utc", iso(w.start)}, {"end_utc", iso(w.end)}});
            }
            if (u.reason == scheduling::UnservedReason::power) {
                x["capacity"] = ojson{{"satellite", m.satellites[c.satellite].sat.name}, {"norad_id", c.norad_id},
                                      {"time_utc", iso(c.time)}, {"deficit_wh", c.deficit_wh}};
            } else {
                x["capacity"] = ojson{{"satellite", m.satellites[c.satellite].sat.name}, {"norad_id", c.norad_id},
                                      {"time_utc", iso(c.time)}, {"excess_gbit", c.excess_gbit}, {"contacts", std::move(cs)}};
            }
        }
        j["unserved"].push_back(std::move(x));
    }
    const auto &mt = plan.metrics;
    ojson met;
    met["value"] = mt.value;
    met["value_if_clear"] = mt.value_if_clear;
    met["value_upper_bound"] = mt.value_upper_bound;
    met["value_trivial_bound"] = mt.value_trivial_bound;
    met["bound_method"] = mt.bound_method;
    met["bound_is_optimal"] = mt.bound_is_optimal;
    met["bound_iterations"] = mt.bound_iterations;
    met["bound_time_limit_hit"] = mt.bound_time_limit_hit;
    met["requests_served"] = mt.requests_served;
    met["requests_total"] = mt.requests_total;
    ojson by_value = ojson::object(), by_share = ojson::object(), by_rights = ojson::object(), by_count = ojson::object();
    for (const auto &t : mt.tenants) {
        by_value[t.tenant] = t.value;
        by_share[t.tenant] = t.share;
        by_rights[t.tenant] = t.rights_share;
        by_count[t.tenant] = ojson{{"served", t.served}, {"total", t.total}};
    }
    met["served_value_by_tenant"] = by_value;
    met["served_share_by_tenant"] = by_share;
    met["rights_share_by_tenant"] = by_rights;
    met["requests_by_tenant"] = by_count;
    ojson tiers = ojson::object();
    for (const auto &t : mt.tiers) {
        tiers[mission::to_string(t.tier)] = ojson{{"served", t.served}, {"with_opportunity", t.with_opportunity},
                                                  {"total", t.total}, {"value", t.value}};
    }
    met["requests_by_tier"] = tiers;
    met["latency_p50_h"] = mt.latency_p50_h;
    met["latency_p95_h"] = mt.latency_p95_h;
    if (!mt.latency_regions.empty()) {
        met["latency_regions"] = latency_regions_json(mt.latency_regions);
    }
    met["relayed_acquisitions"] = mt.relayed_acquisitions;
    if (const auto &w = mt.without_relays) { // the same mission planned without its relays (vantage plan --compare-relays)
        met["without_relays"] = ojson{{"value", w->value}, {"requests_served", w->requests_served},
                                      {"latency_p50_h", w->latency_p50_h}, {"latency_p95_h", w->latency_p95_h},
                                      {"latency_regions", latency_regions_json(w->latency_regions)}};
    }
    met["time_limit_hit"] = mt.time_limit_hit;
    met["iterations_done"] = mt.iterations_done;
    met["constructive_value"] = mt.constructive_value;
    met["opportunities"] = mt.opportunities;
    j["metrics"] = met;
    j["clouds"] = clouds_json(m);
    // the battery of each satellite with a power model: breakpoints of its energy (linear in between)
    j["energy"] = ojson::array();
    for (const auto &e : plan.energy) {
        const auto &pw = *m.satellites[e.satellite].power;
        ojson samples = ojson::array();
        for (const auto &[t, wh] : e.samples) {
            samples.push_back(ojson::array({iso(t), wh}));
        }
        j["energy"].push_back(ojson{{"satellite", m.satellites[e.satellite].sat.name},
                                    {"norad_id", norad(m, e.satellite)},
                                    {"battery_wh", pw.battery_wh},
                                    {"min_wh", e.min_wh},
                                    {"min_soc", e.min_wh / pw.battery_wh},
                                    {"min_time_utc", iso(e.min_time)},
                                    {"samples", std::move(samples)}});
    }
    // The satellites and stations the plan refers to, with the figures its constraints use.
    j["satellites"] = ojson::array();
    for (const auto &s : m.satellites) {
        ojson x;
        x["name"] = s.sat.name;
        x["norad_id"] = s.sat.propagator.elements().norad_id;
        x["sensor"] = s.sat.sensor.name;
        x["pointable"] = s.pointable();
        x["agility"] = ojson{{"max_rate_deg_s", s.agility.max_rate_deg_s},
                             {"max_accel_deg_s2", s.agility.max_accel_deg_s2},
                             {"settle_s", s.agility.settle_s}};
        if (s.agility.measure != scheduling::SlewMeasure::lvlh) {
            x["agility"]["slew_angle"] = "roll_pitch";
        }
        if (s.agility.initial_nadir) {
            x["agility"]["initial_attitude"] = "nadir";
        }
        if (!s.agility.slew_table.empty()) {
            ojson tb = ojson::array();
            for (const auto &[size, time] : s.agility.slew_table) {
                tb.push_back(ojson::array({size, time}));
            }
            x["agility"]["slew_table"] = std::move(tb);
        }
        x["data_rate_mbit_s"] = s.data_rate_mbit_s;
        x["imaging_swath_km"] = s.imaging_swath_km;
        x["storage_gbit"] = s.storage_gbit;
        if (s.max_imaging_s_per_orbit) {
            x["max_imaging_s_per_orbit"] = *s.max_imaging_s_per_orbit;
            x["orbit_period_s"] = 86400.0 / s.sat.propagator.elements().mean_motion_rev_day;
        }
        if (s.relay_terminal) {
            x["relay_terminal"] = ojson{{"min_elevation_deg", s.relay_terminal->min_elevation_deg}};
        }
        if (const auto &pw = s.power) {
            x["power"] = ojson{{"battery_wh", pw->battery_wh}, {"initial_soc", pw->initial_soc}, {"min_soc", pw->min_soc},
                               {"max_soc", pw->max_soc}, {"solar_w", pw->solar_w}, {"bus_w", pw->bus_w},
                               {"imaging_w", pw->imaging_w}, {"slew_w", pw->slew_w}, {"downlink_w", pw->downlink_w},
                               {"eclipse", pw->shadow == access::ShadowModel::conical ? "conical" : "cylindrical"}};
        }
        j["satellites"].push_back(std::move(x));
    }
    j["stations"] = ojson::array();
    for (const auto &s : m.stations) {
        j["stations"].push_back(ojson{{"name", s.name},
                                      {"lat_deg", s.location.lat_deg},
                                      {"lon_deg", s.location.lon_deg},
                                      {"alt_m", s.location.h_km * 1000.0},
                                      {"min_elevation_deg", s.min_elevation_deg},
                                      {"downlink_mbit_s", s.downlink_mbit_s > 0.0 ? s.downlink_mbit_s : m.planning.default_downlink_mbit_s},
                                      {"antennas", s.antennas}});
    }
    j["relays"] = ojson::array();
    for (const auto &r : m.relays) {
        ojson x{{"name", r.end.name}, {"feeder_station", r.feeder_station}, {"rate_mbit_s", r.rate_mbit_s},
                {"acquisition_s", r.acquisition_s}, {"terminals", r.terminals}, {"max_session_s", r.max_session_s},
                {"max_off_nadir_deg", r.end.terminal.max_off_nadir_deg}, {"grazing_height_km", r.grazing_height_km}};
        if (r.end.propagator) {
            x["norad_id"] = r.end.propagator->elements().norad_id;
        } else {
            x["longitude_deg"] = r.end.geo_longitude_deg;
        }
        j["relays"].push_back(std::move(x));
    }
    j["station_outages"] = ojson::array();
    for (const auto &o : m.outages) {
        j["station_outages"].push_back(ojson{{"station", o.station}, {"start_utc", iso(o.start)}, {"end_utc", iso(o.end)}});
    }
    j["tenants"] = ojson::object();
    for (const auto &t : m.tenants) {
        j["tenants"][t.name] = ojson{{"share", t.share}, {"allowed_stations", t.allowed_stations}};
    }
    j["planning"] = ojson{{"fairness_tolerance", m.planning.fairness_tolerance},
                          {"delivery_margin_h", m.planning.delivery_margin_h},
                          {"min_contact_s", m.planning.min_contact_s}};
    return j.dump(1) + "\n";
}

std::string plan_timeline_csv(const scheduling::Plan &plan, const scheduling::Mission &m)
{
    struct Row {
        std::size_t sat;
        time::Instant start;
        int kind_order;
        std::string text;
    };
    std::vector<Row> rows;
    auto q = [](const std::string &s) {
        if (s.find_first_of(",\"\n\r") == std::string::npos) {
            return s;
        }
        std::string out = "\"";
        for (char c : s) {
            out += c == '"' ? std::string("\"\"") : std::string(1, c);
        }
        return out + "\"";
    };
    // battery energy at a row's end (Wh), empty for a satellite without a power model
    auto battery = [&](std::size_t sat, const time::Instant &t) -> std::string {
        for (const auto &e : plan.energy) {
            if (e.satellite == sat) {
                return fmt::format("{}", scheduling::energy_at_wh(e, t));
            }
        }
        return "";
    };
    for (const auto &a : plan.acquisitions) {
        const std::string sat = q(m.satellites[a.satellite].sat.name);
        // look columns: a SAR's squint or an optical sensor's along-track look angle; clouds where predicted
        const bool sar = a.limits.incidence_min_deg.has_value();
        const std::string look = fmt::format("{},{}", sar ? "" : fmt::format("{}", a.along_track_deg),
                                             sar ? fmt::format("{}", a.along_track_deg) : "");
        const std::string clouds = a.cloud_cover_pct ? fmt::format("{},{}", *a.cloud_cover_pct, *a.cloud_probability) : ",";
        rows.push_back(Row{a.satellite, a.start, 1, fmt::format("{},acquisition,{},{},{},,{},{},{},{},", sat, iso(a.start), iso(a.end),
                                                                q(a.acquisition_id), a.storage_after_gbit, look, clouds,
                                                                battery(a.satellite, a.end))});
        for (const auto &p : a.downlinks) {
            rows.push_back(Row{a.satellite, p.start, 2,
                               fmt::format("{},downlink,{},{},{},{},{},,,,,{},{}", sat, iso(p.start), iso(p.end), q(a.acquisition_id),
                                           q(m.stations[p.station].name), scheduling::storage_at_gbit(plan, a.satellite, p.end),
                                           battery(a.satellite, p.end), p.relay ? q(m.relays[*p.relay].end.name) : "")});
        }
    }
    // slews: from the end of the previous acquisition of the same satellite, lasting slew_before_s
    std::map<std::size_t, const scheduling::Acquisition *> last;
    std::vector<const scheduling::Acquisition *> ordered;
    for (const auto &a : plan.acquisitions) {
        ordered.push_back(&a);
    }
    std::stable_sort(ordered.begin(), ordered.end(), [](auto *a, auto *b) { return std::tie(a->satellite, a->start) < std::tie(b->satellite, b->start); });
    for (const auto *a : ordered) {
        auto it = last.find(a->satellite);
        if (it != last.end() && a->slew_before_s > 0.0) {
            const time::Instant s = it->second->end;
            const time::Instant e = s + time::Duration::from_seconds(a->slew_before_s);
            rows.push_back(Row{a->satellite, s, 0,
                               fmt::format("{},slew,{},{},{},,{},,,,,{},", q(m.satellites[a->satellite].sat.name), iso(s), iso(e),
                                           q(a->acquisition_id), scheduling::storage_at_gbit(plan, a->satellite, e),
                                           battery(a->satellite, e))});
        }
        last[a->satellite] = a;
    }
    std::stable_sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
        return std::tie(a.sat, a.start, a.kind_order) < std::tie(b.sat, b.start, b.kind_order);
    });
    std::string out = "satellite,kind,start_utc,end_utc,acquisition_id,station,storage_gbit_after,along_track_look_deg,"
                      "squint_deg,cloud_cover_pct,cloud_probability,battery_wh_after,relay\n";
    for (const auto &r : rows) {
        out += r.text;
        out += '\n';
    }
    return out;
}

std::string plan_to_czml(const scheduling::Plan &plan, const scheduling::Mission &m)
{
    ojson doc = ojson::array();
    const std::string interval = iso(m.start) + "/" + iso(m.stop);
    doc.push_back(ojson{{"id", "document"},
                        {"name", "Vantage tasking plan"},
                        {"version", "1.0"},
                        {"clock", ojson{{"interval", interval}, {"currentTime", iso(m.start)}, {"multiplier", 60}}}});
    const double span_s = (m.stop - m.start).seconds();
    for (const auto &s : m.satellites) {
        ojson cart = ojson::array();
        if (s.sat.propagator.init_status() == orbits::Sgp4Status::ok) {
            for (double t = 0.0; t <= span_s + 1e-9; t += 60.0) {
                const time::Instant ti = m.start + time::Duration::from_seconds(t);
                const orbits::Sgp4State st = s.sat.propagator.propagate_minutes(s.sat.propagator.minutes_since_epoch(ti));
                if (st.status != orbits::Sgp4Status::ok) {
                    break;
                }
                const auto itrf = frames::teme_to_itrf(frames::StateVector<frames::Teme>{ti, st.r_km, st.v_km_s}, m.eop);
                cart.push_back(t);
                cart.push_back(itrf.r_km.x() * 1000.0);
                cart.push_back(itrf.r_km.y() * 1000.0);
                cart.push_back(itrf.r_km.z() * 1000.0);
            }
        }
        const std::string id = fmt::format("sat/{}", s.sat.propagator.elements().norad_id);
        doc.push_back(ojson{{"id", id},
                            {"name", s.sat.name},
                            {"availability", interval},
                            {"position", ojson{{"referenceFrame", "FIXED"},
                                               {"interpolationAlgorithm", "LAGRANGE"},
                                               {"interpolationDegree", 5},
                                               {"epoch", iso(m.start)},
                                               {"cartesian", cart}}},
                            {"point", ojson{{"pixelSize", 6}, {"color", ojson{{"rgba", {255, 220, 0, 255}}}}}},
                            {"label", ojson{{"text", s.sat.name}, {"font", "11pt sans-serif"}, {"pixelOffset", ojson{{"cartesian2", {8, 0}}}}}},
                            {"path", ojson{{"leadTime", 0}, {"trailTime", 1800}, {"width", 1}}}});
    }
    for (const auto &s : m.stations) {
        doc.push_back(ojson{{"id", "station/" + s.name},
                            {"name", s.name},
                            {"position", ojson{{"cartographicDegrees", {s.location.lon_deg, s.location.lat_deg, s.location.h_km * 1000.0}}}},
                            {"point", ojson{{"pixelSize", 8}, {"color", ojson{{"rgba", {0, 200, 255, 255}}}}}},
                            {"label", ojson{{"text", s.name}, {"font", "10pt sans-serif"}}}});
    }
    // relays: the ITRF position every 10 min (constant for an ideal geostationary point)
    for (const auto &r : m.relays) {
        ojson cart = ojson::array();
        for (double t = 0.0; t <= span_s + 1e-9; t += 600.0) {
            Vec3 p;
            try {
                p = access::link_end_position_itrf_km(r.end, m.start + time::Duration::from_seconds(t), m.eop);
            } catch (const Error &) {
                break;
            }
            cart.push_back(t);
            cart.push_back(p.x() * 1000.0);
            cart.push_back(p.y() * 1000.0);
            cart.push_back(p.z() * 1000.0);
        }
        doc.push_back(ojson{{"id", "relay/" + r.end.name},
                            {"name", r.end.name},
                            {"description", fmt::format("data relay, feeder station {}, {} Mbit/s", r.feeder_station, r.rate_mbit_s)},
                            {"availability", interval},
                            {"position", ojson{{"referenceFrame", "FIXED"},
                                               {"interpolationAlgorithm", "LAGRANGE"},
                                               {"interpolationDegree", 1},
                                               {"epoch", iso(m.start)},
                                               {"cartesian", cart}}},
                            {"point", ojson{{"pixelSize", 9}, {"color", ojson{{"rgba", {255, 120, 200, 255}}}}}},
                            {"label", ojson{{"text", r.end.name}, {"font", "10pt sans-serif"}}}});
    }
    static const int palette[][3] = {{230, 60, 60}, {60, 160, 230}, {80, 200, 80}, {240, 160, 40}, {180, 90, 220}, {200, 200, 200}};
    std::map<std::string, int> colour;
    for (const auto &a : plan.acquisitions) {
        const int c = colour.emplace(a.tenant, static_cast<int>(colour.size()) % 6).first->second;
        const std::string id = "acq/" + a.acquisition_id;
        const std::string sat = fmt::format("sat/{}", norad(m, a.satellite));
        doc.push_back(ojson{{"id", id},
                            {"name", a.acquisition_id},
                            {"description", fmt::format("{} ({}), {} on {}; off-nadir {:.2f}°, incidence {:.2f}°, {} {:.2f}°{}{}{}{}", a.request_id,
                                                        a.tenant, iso(a.start), m.satellites[a.satellite].sat.name, a.off_nadir_deg,
                                                        a.incidence_deg, a.limits.incidence_min_deg ? "squint" : "along-track look",
                                                        a.along_track_deg,
                                                        a.gsd_m > 0.0 ? fmt::format(", resolution {:.2f} m", a.gsd_m) : std::string(),
                                                        a.cloud_cover_pct ? fmt::format(", clouds {:.0f} % (P clear enough {:.2f})",
                                                                                        *a.cloud_cover_pct, *a.cloud_probability)
                                                                          : std::string(),
                                                        a.battery_wh_after ? fmt::format(", battery {:.1f} Wh after", *a.battery_wh_after)
                                                                           : std::string(),
                                                        a.stereo_view_deg
                                                            ? fmt::format(", stereo view {:.1f}°{}", *a.stereo_view_deg,
                                                                          a.stereo_bh ? fmt::format(" (B/H {:.2f})", *a.stereo_bh) : "")
                                                            : std::string())},
                            {"availability", iso(a.start) + "/" + iso(a.end)},
                            {"position", ojson{{"cartographicDegrees", {a.target.lon_deg, a.target.lat_deg, 0.0}}}},
                            {"point", ojson{{"pixelSize", 7}, {"color", ojson{{"rgba", {palette[c][0], palette[c][1], palette[c][2], 255}}}}}},
                            {"polyline", ojson{{"positions", ojson{{"references", {sat + "#position", id + "#position"}}}},
                                               {"width", 2},
                                               {"material", ojson{{"solidColor", ojson{{"color", ojson{{"rgba", {palette[c][0], palette[c][1], palette[c][2], 255}}}}}}}}}}});
    }
    for (std::size_t k = 0; k < plan.downlinks.size(); ++k) {
        const auto &d = plan.downlinks[k];
        if (d.relay) { // satellite -> relay, and relay -> feeder station
            const std::string relay = "relay/" + m.relays[*d.relay].end.name;
            auto line = [&](const std::string &id, const std::string &from, const std::string &to) {
                doc.push_back(ojson{{"id", id},
                                    {"name", fmt::format("{} -> {} -> {}", m.satellites[d.satellite].sat.name,
                                                         m.relays[*d.relay].end.name, m.stations[d.station].name)},
                                    {"availability", iso(d.start) + "/" + iso(d.end)},
                                    {"polyline", ojson{{"positions", ojson{{"references", {from + "#position", to + "#position"}}}},
                                                       {"width", 2},
                                                       {"material", ojson{{"solidColor", ojson{{"color", ojson{{"rgba", {255, 120, 200, 200}}}}}}}}}}});
            };
            line(fmt::format("downlink/{}", k), fmt::format("sat/{}", norad(m, d.satellite)), relay);
            line(fmt::format("downlink/{}/feeder", k), relay, "station/" + m.stations[d.station].name);
            continue;
        }
        doc.push_back(ojson{{"id", fmt::format("downlink/{}", k)},
                            {"name", fmt::format("{} -> {}", m.satellites[d.satellite].sat.name, m.stations[d.station].name)},
                            {"availability", iso(d.start) + "/" + iso(d.end)},
                            {"polyline", ojson{{"positions", ojson{{"references", {fmt::format("sat/{}#position", norad(m, d.satellite)),
                                                                                   "station/" + m.stations[d.station].name + "#position"}}}},
                                               {"width", 2},
                                               {"material", ojson{{"solidColor", ojson{{"color", ojson{{"rgba", {0, 200, 255, 200}}}}}}}}}}});
    }
    return doc.dump() + "\n";
}

std::string changes_to_json(const scheduling::PlanChanges &c)
{
    ojson j;
    j["now_utc"] = iso(c.now);
    j["freeze_h"] = c.freeze_h;
    j["kept"] = c.kept.size();
    j["moved"] = c.moved.size();
    j["added"] = c.added.size();
    j["removed"] = c.removed.size();
    j["failed"] = c.failed.size();
    j["frozen"] = c.frozen.size();
    j["fraction_unchanged"] = c.fraction_unchanged;
    j["kept_ids"] = c.kept;
    j["moved_ids"] = c.moved;
    j["added_ids"] = c.added;
    j["removed_ids"] = c.removed;
    j["failed_ids"] = c.failed;
    j["frozen_ids"] = c.frozen;
    return j.dump(1) + "\n";
}

scheduling::PreviousPlan parse_plan_json(std::string_view text, const std::string &source_name, bool explanations)
{
    using detail::JsonWhere;
    static const std::vector<std::string> explanation_keys{"blocked_by", "nearest_misses", "capacity"};
    const nlohmann::json j =
        detail::parse_json(text, source_name, detail::max_json_depth, explanations ? nullptr : &explanation_keys);
    const JsonWhere root{source_name, 0, ""};
    if (!j.is_object()) {
        root.fail(ErrorCode::syntax, "expected a plan.json object");
    }
    auto need = [&](const nlohmann::json &o, const JsonWhere &at, const char *k) -> const nlohmann::json & {
        if (!o.contains(k) || o[k].is_null()) {
            at.child(k).fail(ErrorCode::missing_field, fmt::format("required key '{}' is missing", k));
        }
        return o[k];
    };
    scheduling::PreviousPlan p;
    if (j.contains("seed")) {
        p.seed = static_cast<std::uint64_t>(detail::json_number_in(j["seed"], root.child("seed"), 0.0, 9007199254740991.0));
    }
    if (j.contains("iterations")) {
        p.iterations = detail::json_int_in(j["iterations"], root.child("iterations"), 0, 1000000000);
    }
    const auto &acqs = need(j, root, "acquisitions");
    if (!acqs.is_array()) {
        root.child("acquisitions").fail(ErrorCode::syntax, "expected an array");
    }
    for (std::size_t i = 0; i < acqs.size(); ++i) {
        const JsonWhere at = root.child("acquisitions").index(i);
        const auto &a = acqs[i];
        if (!a.is_object()) {
            at.fail(ErrorCode::syntax, "expected an object");
        }
        scheduling::PreviousAcquisition x;
        x.acquisition_id = detail::json_string(need(a, at, "acquisition_id"), at.child("acquisition_id"));
        x.request_id = detail::json_string(need(a, at, "request_id"), at.child("request_id"));
        x.occurrence = detail::json_int_in(need(a, at, "occurrence"), at.child("occurrence"), 0, 10000);
        x.strip_id = detail::json_int_in(need(a, at, "strip_id"), at.child("strip_id"), 0, 1000000);
        x.norad_id = static_cast<std::uint32_t>(detail::json_int_in(need(a, at, "norad_id"), at.child("norad_id"), 0, 339999));
        x.start = detail::json_instant(need(a, at, "start_utc"), at.child("start_utc"));
        x.end = detail::json_instant(need(a, at, "end_utc"), at.child("end_utc"));
        p.acquisitions.push_back(std::move(x));
    }
    if (j.contains("downlinks") && j["downlinks"].is_array()) {
        for (std::size_t i = 0; i < j["downlinks"].size(); ++i) {
            const JsonWhere at = root.child("downlinks").index(i);
            const auto &d = j["downlinks"][i];
            scheduling::PreviousDownlink x;
            x.norad_id = static_cast<std::uint32_t>(detail::json_int_in(need(d, at, "norad_id"), at.child("norad_id"), 0, 339999));
            x.station = detail::json_string(need(d, at, "station"), at.child("station"));
            x.antenna = detail::json_int_in(need(d, at, "antenna"), at.child("antenna"), 0, 1000);
            x.start = detail::json_instant(need(d, at, "start_utc"), at.child("start_utc"));
            x.end = detail::json_instant(need(d, at, "end_utc"), at.child("end_utc"));
            p.downlinks.push_back(std::move(x));
        }
    }
    if (j.contains("unserved") && j["unserved"].is_array()) {
        for (std::size_t i = 0; i < j["unserved"].size(); ++i) {
            const JsonWhere at = root.child("unserved").index(i);
            const auto &u = j["unserved"][i];
            scheduling::Unserved x;
            x.request_id = detail::json_string(need(u, at, "request_id"), at.child("request_id"));
            x.occurrence = detail::json_int_in(need(u, at, "occurrence"), at.child("occurrence"), 0, 10000);
            const std::string reason = detail::json_string(need(u, at, "reason"), at.child("reason"));
            bool known = false;
            for (auto r : {scheduling::UnservedReason::no_opportunity, scheduling::UnservedReason::outcompeted,
                           scheduling::UnservedReason::storage, scheduling::UnservedReason::downlink,
                           scheduling::UnservedReason::share_limit, scheduling::UnservedReason::clouds,
                           scheduling::UnservedReason::power, scheduling::UnservedReason::stereo}) {
                if (reason == scheduling::to_string(r)) {
                    x.reason = r;
                    known = true;
                }
            }
            if (!known) {
                at.child("reason").fail(ErrorCode::out_of_range, "unknown reason", reason);
            }
            if (u.contains("covered_fraction")) {
                x.covered_fraction = detail::json_number(u["covered_fraction"], at.child("covered_fraction"));
            }
            // The explanations, read back so that a replan that keeps this plan keeps them too (satellites by
            // NORAD id: the replan maps them to its mission's satellites).
            if (u.contains("blocked_by") && u["blocked_by"].is_array()) {
                for (std::size_t k = 0; k < u["blocked_by"].size(); ++k) {
                    const JsonWhere bt = at.child("blocked_by").index(k);
                    const auto &b = u["blocked_by"][k];
                    scheduling::Blocker y;
                    y.acquisition_id = detail::json_string(need(b, bt, "acquisition_id"), bt.child("acquisition_id"));
                    y.request_id = detail::json_string(need(b, bt, "request_id"), bt.child("request_id"));
                    y.tenant = detail::json_string(need(b, bt, "tenant"), bt.child("tenant"));
                    const std::string tier = detail::json_string(need(b, bt, "tier"), bt.child("tier"));
                    const auto t = mission::tier_from_string(tier);
                    if (!t) {
                        bt.child("tier").fail(ErrorCode::out_of_range, "unknown tier", tier);
                    }
                    y.tier = *t;
                    y.norad_id = static_cast<std::uint32_t>(detail::json_int_in(need(b, bt, "norad_id"), bt.child("norad_id"), 0, 339999));
                    y.start = detail::json_instant(need(b, bt, "start_utc"), bt.child("start_utc"));
                    y.end = detail::json_instant(need(b, bt, "end_utc"), bt.child("end_utc"));
                    x.blocked_by.push_back(std::move(y));
                }
            }
            if (u.contains("nearest_misses") && u["nearest_misses"].is_array()) {
                for (std::size_t k = 0; k < u["nearest_misses"].size(); ++k) {
                    const JsonWhere nt = at.child("nearest_misses").index(k);
                    const auto &n = u["nearest_misses"][k];
                    scheduling::NearestMiss y;
                    y.norad_id = static_cast<std::uint32_t>(detail::json_int_in(need(n, nt, "norad_id"), nt.child("norad_id"), 0, 339999));
                    y.limit = detail::json_string(need(n, nt, "limit"), nt.child("limit"));
                    if (n.contains("time_utc") && !n["time_utc"].is_null()) {
                        y.time = detail::json_instant(n["time_utc"], nt.child("time_utc"));
                    }
                    if (n.contains("misses") && n["misses"].is_array()) {
                        for (std::size_t q = 0; q < n["misses"].size(); ++q) {
                            const JsonWhere lt = nt.child("misses").index(q);
                            const auto &l = n["misses"][q];
                            scheduling::LimitMiss z;
                            z.limit = detail::json_string(need(l, lt, "limit"), lt.child("limit"));
                            const std::string unit = miss_unit(z.limit);
                            for (auto [key, out] : {std::pair{"value_" + unit, &z.value}, std::pair{"bound_" + unit, &z.bound},
                                                    std::pair{"excess_" + unit, &z.excess}}) {
                                *out = detail::json_number(need(l, lt, key.c_str()), lt.child(key));
                            }
                            y.misses.push_back(std::move(z));
                        }
                    }
                    x.nearest_misses.push_back(std::move(y));
                }
            }
            if (u.contains("capacity") && u["capacity"].is_object()) {
                const JsonWhere ct = at.child("capacity");
                const auto &c = u["capacity"];
                scheduling::CapacityMiss y;
                y.norad_id = static_cast<std::uint32_t>(detail::json_int_in(need(c, ct, "norad_id"), ct.child("norad_id"), 0, 339999));
                y.time = detail::json_instant(need(c, ct, "time_utc"), ct.child("time_utc"));
                if (x.reason == scheduling::UnservedReason::power) { // the battery: a deficit, no contacts
                    y.deficit_wh = detail::json_number(need(c, ct, "deficit_wh"), ct.child("deficit_wh"));
                    x.capacity = std::move(y);
                    p.unserved.push_back(std::move(x));
                    continue;
                }
                y.excess_gbit = detail::json_number(need(c, ct, "excess_gbit"), ct.child("excess_gbit"));
                const auto &cs = need(c, ct, "contacts");
                for (std::size_t k = 0; cs.is_array() && k < cs.size(); ++k) {
                    const JsonWhere wt = ct.child("contacts").index(k);
                    y.contacts.push_back(scheduling::ContactWindow{
                        detail::json_string(need(cs[k], wt, "station"), wt.child("station")),
                        detail::json_instant(need(cs[k], wt, "start_utc"), wt.child("start_utc")),
                        detail::json_instant(need(cs[k], wt, "end_utc"), wt.child("end_utc"))});
                }
                x.capacity = std::move(y);
            }
            p.unserved.push_back(std::move(x));
        }
    }
    if (j.contains("metrics") && j["metrics"].is_object()) {
        const auto &mt = j["metrics"];
        const JsonWhere at = root.child("metrics");
        auto num = [&](const char *k, double &out) {
            if (mt.contains(k)) {
                out = detail::json_number(mt[k], at.child(k));
            }
        };
        num("value", p.metrics.value);
        num("value_upper_bound", p.metrics.value_upper_bound);
        num("value_trivial_bound", p.metrics.value_trivial_bound);
        num("constructive_value", p.metrics.constructive_value);
        if (mt.contains("bound_method")) {
            p.metrics.bound_method = detail::json_string(mt["bound_method"], at.child("bound_method"));
        }
        if (mt.contains("bound_is_optimal")) {
            p.metrics.bound_is_optimal = detail::json_bool(mt["bound_is_optimal"], at.child("bound_is_optimal"));
        }
        if (mt.contains("opportunities")) {
            p.metrics.opportunities = static_cast<std::size_t>(detail::json_number_in(mt["opportunities"], at.child("opportunities"), 0.0, 1e15));
        }
        if (mt.contains("iterations_done")) {
            p.metrics.iterations_done = detail::json_int_in(mt["iterations_done"], at.child("iterations_done"), 0, 1000000000);
        }
    }
    return p;
}

namespace {

constexpr std::string_view cache_magic = "VNTGOPC1";
constexpr std::uint32_t cache_format_version = 1;

template <typename U> void put_le(std::string &out, U v)
{
    for (std::size_t i = 0; i < sizeof(U); ++i) {
        out.push_back(static_cast<char>(static_cast<unsigned char>((static_cast<std::uint64_t>(v) >> (8 * i)) & 0xffU)));
    }
}

/// Reads little-endian integers from a byte string; `ok` turns false at the first read past the end.
struct LeReader {
    std::string_view bytes;
    std::size_t pos = 0;
    bool ok = true;
    template <typename U> U get()
    {
        if (!ok || bytes.size() - pos < sizeof(U)) {
            ok = false;
            return U{};
        }
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < sizeof(U); ++i) {
            v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[pos + i])) << (8 * i);
        }
        pos += sizeof(U);
        return static_cast<U>(v);
    }
};

} // namespace

std::string opportunity_cache_to_bytes(const scheduling::OpportunityCache &cache)
{
    // entries in key order: the same cache gives the same bytes
    std::vector<std::uint64_t> keys;
    keys.reserve(cache.entries.size());
    for (const auto &e : cache.entries) {
        keys.push_back(e.first);
    }
    std::sort(keys.begin(), keys.end());
    std::string out(cache_magic);
    put_le<std::uint32_t>(out, cache_format_version);
    put_le<std::uint64_t>(out, keys.size());
    for (std::uint64_t k : keys) {
        const auto &ranges = cache.entries.at(k);
        put_le<std::uint64_t>(out, k);
        put_le<std::uint32_t>(out, static_cast<std::uint32_t>(ranges.size()));
        for (const auto &r : ranges) {
            put_le<std::uint32_t>(out, static_cast<std::uint32_t>(r.k_min));
            put_le<std::uint32_t>(out, static_cast<std::uint32_t>(r.k_max));
            put_le<std::uint8_t>(out, r.reversed ? 1 : 0);
        }
    }
    put_le<std::uint64_t>(out, core::fnv1a(out));
    return out;
}

std::optional<scheduling::OpportunityCache> parse_opportunity_cache(std::string_view bytes, std::string *why)
{
    auto fail = [&](const char *reason) -> std::optional<scheduling::OpportunityCache> {
        if (why != nullptr) {
            *why = reason;
        }
        return std::nullopt;
    };
    if (bytes.size() < cache_magic.size() + 4 + 8 + 8 || bytes.substr(0, cache_magic.size()) != cache_magic) {
        return fail("not a plan.cache file");
    }
    const std::string_view body = bytes.substr(0, bytes.size() - 8);
    LeReader tail{bytes.substr(bytes.size() - 8)};
    if (tail.get<std::uint64_t>() != core::fnv1a(body)) {
        return fail("checksum mismatch (truncated or damaged)");
    }
    LeReader r{body, cache_magic.size()};
    if (r.get<std::uint32_t>() != cache_format_version) {
        return fail("another format version");
    }
    const std::uint64_t n = r.get<std::uint64_t>();
    scheduling::OpportunityCache cache;
    for (std::uint64_t i = 0; i < n && r.ok; ++i) {
        const std::uint64_t key = r.get<std::uint64_t>();
        const std::uint32_t nr = r.get<std::uint32_t>();
        if (!r.ok || nr > (body.size() - r.pos) / 9) {
            return fail("truncated");
        }
        std::vector<scheduling::OpportunityCache::Range> ranges(nr);
        for (auto &rg : ranges) {
            rg.k_min = static_cast<std::int32_t>(r.get<std::uint32_t>());
            rg.k_max = static_cast<std::int32_t>(r.get<std::uint32_t>());
            const std::uint8_t rev = r.get<std::uint8_t>();
            if (rev > 1 || rg.k_max < rg.k_min) {
                return fail("damaged range");
            }
            rg.reversed = rev == 1;
        }
        if (!cache.entries.emplace(key, std::move(ranges)).second) {
            return fail("duplicate key");
        }
    }
    if (!r.ok || r.pos != body.size()) {
        return fail("truncated");
    }
    return cache;
}

} // namespace vantage::io
