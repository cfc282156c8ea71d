// Imaging opportunities of one request: the request's limits applied to each satellite's sensor, one access
// search per occurrence window (access::find_target_access), windows shorter than the imaging duration dropped.
#include "vantage/api/fleet.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "vantage/core/constants.hpp"
#include "vantage/core/error.hpp"
#include "vantage/geometry/look.hpp"
#include "vantage/mission/imaging_limits.hpp"

namespace vantage::api {

namespace {

constexpr std::size_t max_aoi_vertices = 8;

} // namespace

const char *look_side_name(geometry::LookSide s) noexcept
{
    return s == geometry::LookSide::left ? "left" : s == geometry::LookSide::right ? "right" : "both";
}

const char *pass_direction_name(geometry::PassDirection d) noexcept
{
    return d == geometry::PassDirection::ascending ? "ascending"
           : d == geometry::PassDirection::descending ? "descending"
                                                      : "any";
}

std::vector<geometry::Target> sample_points(const mission::Request &r)
{
    std::vector<geometry::Target> out;
    if (r.point) {
        geometry::Target t = *r.point;
        t.id = r.id;
        out.push_back(t);
        return out;
    }
    if (!r.polygon || r.polygon->parts.empty() || r.polygon->parts[0].outer.empty()) {
        return out;
    }
    const auto box = geometry::bounding_box(*r.polygon);
    double lat = 0.5 * (box.lat_min_deg + box.lat_max_deg);
    double lon = 0.5 * (box.lon_min_deg + box.lon_max_deg);
    if (box.lon_max_deg < box.lon_min_deg) { // the box crosses the antimeridian
        lon = 0.5 * (box.lon_min_deg + box.lon_max_deg + 360.0);
        if (lon > 180.0) {
            lon -= 360.0;
        }
    }
    if (!geometry::contains(*r.polygon, lat, lon)) {
        lat = r.polygon->parts[0].outer[0].lat_deg;
        lon = r.polygon->parts[0].outer[0].lon_deg;
    }
    out.push_back(geometry::Target{r.id + "#0", frames::Geodetic{lat, lon, 0.0}});
    const auto &ring = r.polygon->parts[0].outer;
    const std::size_t step = std::max<std::size_t>(1, (ring.size() + max_aoi_vertices - 1) / max_aoi_vertices);
    for (std::size_t i = 0; i < ring.size() && out.size() <= max_aoi_vertices; i += step) {
        out.push_back(geometry::Target{fmt::format("{}#{}", r.id, out.size()),
                                       frames::Geodetic{ring[i].lat_deg, ring[i].lon_deg, 0.0}});
    }
    return out;
}

/// Whether a window's image meets the request's `max_gsd_m` at its best time (the service's feasibility estimate;
/// the tasking planner evaluates every instant exactly). `sat.sensor` is the searched one (its modes are the
/// offered ones, the window's `mode` indexes them). Geocentric distance r from SGP4 at the best time; on a sphere of
/// the mean radius R the height is r - R and the slant range at off-nadir theta r cos(theta) - sqrt(R^2 - r^2
/// sin^2(theta)) (well conditioned at nadir; < 0.5 % from the ellipsoid's); the resolution formulas are geometry's.
bool resolution_holds(const access::Satellite &sat, const access::Window &w, const mission::Request &r)
{
    const geometry::Sensor &sensor = sat.sensor;
    if (!r.max_gsd_m) {
        return true;
    }
    const geometry::Sensor &m = w.mode >= 0 && static_cast<std::size_t>(w.mode) < sensor.modes.size()
                                    ? sensor.modes[static_cast<std::size_t>(w.mode)]
                                    : sensor;
    const double inc = std::clamp(w.incidence_deg_at_best, 1e-6, 89.999);
    if (m.type == geometry::SensorType::sar) {
        return m.slant_range_resolution_m
               && geometry::sar_ground_range_resolution_m(*m.slant_range_resolution_m, inc) <= *r.max_gsd_m;
    }
    if (!m.gsd_nadir_m) {
        return false;
    }
    constexpr double radius_km = 6371.0088;
    const double r_km = sat.propagator.propagate(w.best).r_km.norm();
    const double theta = w.min_off_nadir_deg * deg_to_rad;
    const double disc = radius_km * radius_km - r_km * r_km * std::sin(theta) * std::sin(theta);
    if (!(r_km > radius_km) || !(disc > 0.0)) {
        return false;
    }
    const double range_km = r_km * std::cos(theta) - std::sqrt(disc);
    return geometry::optical_gsd(*m.gsd_nadir_m, range_km, r_km - radius_km, inc).mean_m <= *r.max_gsd_m;
}

std::optional<geometry::Sensor> restricted_sensor(const geometry::Sensor &sensor, const mission::Request &r)
{
    if (!mission::offered_modes(sensor, r)) {
        return std::nullopt; // no mode offers the request's instrument mode / polarisations
    }
    if (sensor.modes.empty()) {
        const auto l = mission::imaging_limits(sensor, r);
        return l ? std::optional(mission::search_sensor(sensor, *l)) : std::nullopt;
    }
    // Modes (OR): the rule per mode; a mode left empty is dropped, the sensor only if all are. A mode carries no
    // pass direction: the sensor's own filters the merged windows.
    geometry::Sensor s = sensor;
    s.modes.clear();
    for (geometry::Sensor m : sensor.modes) {
        if (!mission::offers(m, r)) {
            continue;
        }
        m.pass_direction = sensor.pass_direction;
        if (const auto l = mission::imaging_limits(m, r)) {
            geometry::Sensor searched = mission::search_sensor(m, *l);
            s.pass_direction = searched.pass_direction;
            searched.pass_direction = geometry::PassDirection::any;
            s.modes.push_back(std::move(searched));
        }
    }
    if (s.modes.empty()) {
        return std::nullopt;
    }
    return s;
}

Opportunities find_opportunities(const Fleet &fleet, const mission::Request &r, const time::Instant &now,
                                 const SearchLimits &limits)
{
    Opportunities out;
    const auto occ = mission::occurrences(r);
    out.occurrences_total = static_cast<int>(occ.size());
    const auto points = sample_points(r);

    // The satellites that can serve the request, with the request's limits applied to their sensors.
    std::vector<access::Satellite> sats;
    std::vector<std::size_t> fleet_index;
    std::vector<double> look_limit_deg; // per searched satellite: the request's off-nadir limit on its windows (deg)
    for (std::size_t i = 0; i < fleet.satellites.size(); ++i) {
        const auto &sat = fleet.satellites[i];
        if (sat.propagator.init_status() != orbits::Sgp4Status::ok) {
            continue;
        }
        if (auto s = restricted_sensor(sat.sensor, r)) {
            sats.push_back(access::Satellite{sat.propagator, sat.name, *s});
            fleet_index.push_back(i);
            look_limit_deg.push_back(mission::look_angle_limit_deg(sat.sensor, r).value_or(180.0));
        }
    }
    if (fleet.satellites.empty()) {
        out.reason = "the fleet has no satellites";
        return out;
    }
    if (sats.empty()) {
        out.reason = "no satellite of the fleet has a sensor that meets the request's constraints";
        return out;
    }
    if (points.empty()) {
        out.reason = "the request has no target";
        return out;
    }
    int ended = 0;
    int too_short = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto &o : occ) {
        if (o.end <= now) {
            ++ended;
            continue;
        }
        if (limits.horizon_end && o.start >= *limits.horizon_end) {
            break;
        }
        if (out.occurrences_searched >= limits.max_occurrences) {
            out.truncated = true;
            break;
        }
        ++out.occurrences_searched;
        const time::Instant start = std::max(o.start, now);
        time::Instant stop = o.end;
        if (limits.horizon_end && *limits.horizon_end < stop) {
            stop = *limits.horizon_end;
        }
        if ((stop - start).seconds() < r.duration_s) {
            ++too_short;
            continue;
        }
        // NOTE: the window is searched in pieces of at most piece_h, so that the stop flag and the work budget are
        // checked every piece (a search never runs unchecked for long); windows cut at a piece boundary are joined.
        std::vector<access::TargetAccess> found;
        const double piece_s = std::max(limits.piece_h, 1.0) * 3600.0;
        time::Instant piece_start = start;
        bool stop_search = false;
        while (piece_start < stop) {
            if (limits.cancel && limits.cancel->load()) {
                throw Error(ErrorCode::cancelled, "the opportunity search was cancelled (the service is stopping)");
            }
            if (limits.budget_s > 0.0
                && std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > limits.budget_s) {
                out.budget_exhausted = true;
                out.truncated = true;
                stop_search = true;
                break;
            }
            time::Instant piece_stop = piece_start + time::Duration::from_seconds(piece_s);
            if (stop < piece_stop || (stop - piece_stop).seconds() < 60.0) {
                piece_stop = stop; // no sliver at the end
            }
            std::vector<access::TargetAccess> piece;
            try {
                piece = access::find_target_access(sats, points, piece_start, piece_stop, fleet.eop, fleet.search);
            } catch (const DomainError &e) {
                // NOTE: one satellite whose SGP4 fails in the interval (decay) must not hide the others.
                const auto it = std::find_if(sats.begin(), sats.end(), [&](const access::Satellite &s) {
                    return e.context().field == "norad_id"
                           && std::to_string(s.propagator.elements().norad_id) == e.context().value;
                });
                if (it == sats.end()) {
                    throw;
                }
                out.skipped_satellites.push_back(fmt::format("{} ({})", it->name, e.message()));
                const std::size_t gone = static_cast<std::size_t>(it - sats.begin());
                fleet_index.erase(fleet_index.begin() + static_cast<std::ptrdiff_t>(gone));
                look_limit_deg.erase(look_limit_deg.begin() + static_cast<std::ptrdiff_t>(gone));
                sats.erase(it);
                // Windows already found keep their satellite: renumber those after the removed one.
                std::erase_if(found, [&](const access::TargetAccess &a) { return a.satellite == gone; });
                for (auto &a : found) {
                    if (a.satellite > gone) {
                        --a.satellite;
                    }
                }
                if (sats.empty()) {
                    out.reason = "SGP4 failed for every satellite that could serve the request";
                    return out;
                }
                continue; // the same piece again without it
            }
            for (auto &a : piece) {
                // A window that ends at the previous piece's stop and starts at this piece's start is one window.
                auto prev = std::find_if(found.begin(), found.end(), [&](const access::TargetAccess &f) {
                    return f.satellite == a.satellite && f.target == a.target && f.window.partial
                           && std::abs((f.window.end - piece_start).seconds()) < 1e-6
                           && std::abs((a.window.start - piece_start).seconds()) < 1e-6;
                });
                if (prev != found.end()) {
                    access::Window joined = prev->window.min_off_nadir_deg <= a.window.min_off_nadir_deg ? prev->window
                                                                                                          : a.window;
                    joined.start = prev->window.start;
                    joined.end = a.window.end;
                    joined.partial = !(start < joined.start) || !(joined.end < stop);
                    prev->window = joined;
                } else {
                    found.push_back(a);
                }
            }
            piece_start = piece_stop;
            if (limits.stop_at_first_feasible) {
                // Feasible as soon as one complete window is long enough (the search then needs no more pieces).
                const bool enough = std::any_of(found.begin(), found.end(), [&](const access::TargetAccess &f) {
                    const auto &sensor = fleet.satellites[fleet_index[f.satellite]].sensor;
                    return mission::window_holds(sensor, (f.window.end - f.window.start).seconds(), r.duration_s)
                           && f.window.min_off_nadir_deg <= look_limit_deg[f.satellite]
                           && resolution_holds(sats[f.satellite], f.window, r);
                });
                if (enough) {
                    break;
                }
            }
        }
        std::vector<Opportunity> here;
        for (const auto &a : found) {
            const auto &w = a.window;
            if (!mission::window_holds(fleet.satellites[fleet_index[a.satellite]].sensor, (w.end - w.start).seconds(),
                                       r.duration_s)) {
                continue; // too short for an acquisition of duration_s (a push-broom images around its crossing)
            }
            const auto &sat = sats[a.satellite];
            if (w.min_off_nadir_deg > look_limit_deg[a.satellite]) {
                continue; // no cone (fixed swath, SAR): the request's off-nadir limit filters the windows
            }
            if (!resolution_holds(sat, w, r)) {
                continue; // coarser than the request's max_gsd_m at the window's best time
            }
            Opportunity op;
            op.occurrence = o.index;
            op.satellite = fleet_index[a.satellite];
            op.satellite_name = sat.name;
            op.norad_id = sat.propagator.elements().norad_id;
            op.sensor = sat.sensor.name;
            op.point = a.target;
            op.lat_deg = points[a.target].location.lat_deg;
            op.lon_deg = points[a.target].location.lon_deg;
            op.window = w;
            here.push_back(std::move(op));
        }
        std::sort(here.begin(), here.end(), [](const Opportunity &a, const Opportunity &b) {
            return a.window.start < b.window.start;
        });
        if (!here.empty()) {
            out.occurrences_feasible.push_back(o.index);
        }
        for (auto &op : here) {
            if (out.items.size() >= limits.max_opportunities) {
                out.truncated = true;
                break;
            }
            out.items.push_back(std::move(op));
        }
        if (limits.stop_at_first_feasible && !here.empty()) {
            break;
        }
        if (out.items.size() >= limits.max_opportunities || stop_search) {
            break;
        }
    }
    out.feasible = !out.occurrences_feasible.empty();
    if (!out.feasible) {
        if (out.budget_exhausted) {
            out.reason = fmt::format("the opportunity search used its work budget ({} s) without finding an "
                                     "opportunity: shorten the window",
                                     limits.budget_s);
        } else if (out.occurrences_searched == 0 && ended > 0) {
            out.reason = "every occurrence's window has already ended";
        } else if (out.occurrences_searched == 0) {
            out.reason = "no occurrence starts within the planning horizon";
        } else if (too_short == out.occurrences_searched) {
            out.reason = "the windows (after now) are shorter than duration_s";
        } else {
            out.reason = fmt::format("no satellite sees the target under the request's constraints in {} occurrence "
                                     "window(s)",
                                     out.occurrences_searched);
        }
    }
    return out;
}

} // namespace vantage::api
