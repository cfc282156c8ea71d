// The planning instance: occurrences -> jobs, polygons -> strips, access windows -> opportunities (with the
// request's limits applied over the whole acquisition), station passes -> contacts with reserved antennas.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <set>

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "geometry_check.hpp"
#include "strips.hpp"
#include "vantage/core/constants.hpp"
#include "vantage/core/hash.hpp"
#include "vantage/core/error.hpp"
#include "vantage/frames/transforms.hpp"
#include "vantage/geometry/detail/sun_table.hpp"
#include "vantage/geometry/look.hpp"
#include "vantage/scheduling/agility.hpp"
#include "vantage/scheduling/detail/tasking_instance.hpp"

namespace vantage::scheduling::detail {

// ---------------------------------------------------------------------------------------------------------
// Ephemeris

Ephemeris::Ephemeris(const orbits::Sgp4Propagator &prop, const frames::EarthOrientation &eop, const time::Instant &epoch0,
                     double t0_s, double t1_s, double step_s)
    : m_t0(t0_s - step_s), m_step(step_s)
{
    const auto n = static_cast<std::size_t>(std::ceil((t1_s - m_t0) / step_s)) + 2;
    m_r.resize(n);
    m_v.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const time::Instant t = epoch0 + time::Duration::from_seconds(m_t0 + static_cast<double>(i) * step_s);
        const auto teme = prop.propagate(t);
        const auto itrf = frames::teme_to_itrf(teme, eop);
        m_r[i] = itrf.r_km;
        m_v[i] = itrf.v_km_s;
    }
}

void Ephemeris::state(double t_s, Vec3 &r_km, Vec3 &v_km_s) const
{
    // Cubic Hermite on positions and velocities (the velocity is the derivative of the position polynomial).
    const double x = (t_s - m_t0) / m_step;
    auto i = static_cast<std::ptrdiff_t>(std::floor(x));
    i = std::clamp<std::ptrdiff_t>(i, 0, static_cast<std::ptrdiff_t>(m_r.size()) - 2);
    const double s = x - static_cast<double>(i);
    const auto k = static_cast<std::size_t>(i);
    const Vec3 &p0 = m_r[k], &p1 = m_r[k + 1];
    const Vec3 m0 = m_v[k] * m_step, m1 = m_v[k + 1] * m_step;
    const double s2 = s * s, s3 = s2 * s;
    r_km = (2 * s3 - 3 * s2 + 1) * p0 + (s3 - 2 * s2 + s) * m0 + (-2 * s3 + 3 * s2) * p1 + (s3 - s2) * m1;
    v_km_s = ((6 * s2 - 6 * s) * p0 + (3 * s2 - 4 * s + 1) * m0 + (-6 * s2 + 6 * s) * p1 + (3 * s2 - 2 * s) * m1) / m_step;
}

Vec3 Ephemeris::look(double t_s, const Vec3 &p_itrf_km) const
{
    const double rel = t_s - m_t0;
    if (rel >= 0.0 && rel == std::floor(rel) && !m_r.empty()) {
        const auto sec = static_cast<std::size_t>(rel);
        const std::size_t block = sec / 64, slot = sec % 64;
        if (block >= m_frames.size()) {
            m_frames.resize(block + 1);
        }
        if (!m_frames[block]) {
            auto f = std::make_shared<Frames>();
            for (std::size_t i = 0; i < 64; ++i) {
                Vec3 r, v;
                state(m_t0 + static_cast<double>(block * 64 + i), r, v);
                f->r[i] = r;
                f->axes[i] = lvlh_axes(r, v + Vec3(0.0, 0.0, frames::earth_rate_rad_s).cross(r));
            }
            m_frames[block] = std::move(f);
        }
        const Frames &f = *m_frames[block];
        return f.axes[slot] * (p_itrf_km - f.r[slot]).normalized();
    }
    Vec3 r, v;
    state(t_s, r, v);
    const Vec3 v_in = v + Vec3(0.0, 0.0, frames::earth_rate_rad_s).cross(r);
    return look_vector_lvlh(r, v_in, p_itrf_km);
}

// ---------------------------------------------------------------------------------------------------------
// Instance helpers

Vec3 Instance::scan_point(const Opportunity &o, double f) const
{
    const Task &t = tasks[o.task];
    if (t.a == t.b) {
        return task_a_itrf[o.task];
    }
    if (f <= 0.0) {
        return o.reversed ? task_b_itrf[o.task] : task_a_itrf[o.task];
    }
    if (f >= 1.0) {
        return o.reversed ? task_a_itrf[o.task] : task_b_itrf[o.task];
    }
    const frames::Geodetic &p = o.reversed ? t.b : t.a;
    const frames::Geodetic &q = o.reversed ? t.a : t.b;
    double dlon = q.lon_deg - p.lon_deg;
    if (dlon > 180.0) {
        dlon -= 360.0;
    } else if (dlon < -180.0) {
        dlon += 360.0;
    }
    return frames::geodetic_to_itrf(frames::Geodetic{p.lat_deg + f * (q.lat_deg - p.lat_deg), p.lon_deg + f * dlon, 0.0});
}

void Instance::looks(const Opportunity &o, int k, Vec3 &start, Vec3 &end) const
{
    const double t0 = k * step_s;
    const double d = tasks[o.task].duration_s;
    start = eph[o.sat].look(t0, scan_point(o, 0.0));
    end = eph[o.sat].look(t0 + d, scan_point(o, 1.0));
}

namespace {

using geometry::LookSide;
using geometry::PassDirection;
using geometry::SensorType;

/// A sensor with modes (OR) as one set of limits, when that is exact: SAR modes whose incidence bands join into
/// one band with the same look side, or agile optical cones with the same Sun limit (the widest cone).
/// @throws ConfigError(unsupported) naming `sensors.<name>.modes` otherwise.
geometry::Sensor planning_sensor(const geometry::Sensor &s)
{
    if (s.modes.empty()) {
        return s;
    }
    geometry::Sensor out = s;
    out.modes.clear();
    auto unsupported = [&](const std::string &why) {
        throw ConfigError(ErrorCode::unsupported,
                          fmt::format("the tasking planner needs one set of limits per sensor: {}", why),
                          ErrorContext{"", 0, fmt::format("sensors.{}.modes", s.name), s.name});
    };
    // one resolution for the merged modes: the coarsest, so that a resolution limit holds in every mode (none
    // when a mode states none)
    auto coarsest = [&](std::optional<double> geometry::Sensor::*field) -> std::optional<double> {
        std::optional<double> worst;
        for (const auto &m : s.modes) {
            if (!(m.*field)) {
                return std::nullopt;
            }
            worst = std::max(worst.value_or(0.0), *(m.*field));
        }
        return worst;
    };
    if (s.type == SensorType::sar) {
        std::vector<std::pair<double, double>> bands;
        for (const auto &m : s.modes) {
            if (m.look_side != s.modes[0].look_side) {
                unsupported("the modes look to different sides");
            }
            if (m.max_squint_deg != s.modes[0].max_squint_deg) {
                unsupported("the modes have different max_squint_deg");
            }
            bands.push_back({m.incidence_min_deg.value_or(0.0), m.incidence_max_deg.value_or(90.0)});
        }
        std::sort(bands.begin(), bands.end());
        double lo = bands[0].first, hi = bands[0].second;
        for (const auto &[a, b] : bands) {
            if (a > hi) {
                unsupported(fmt::format("the incidence bands leave a gap ({} to {} deg)", hi, a));
            }
            hi = std::max(hi, b);
        }
        out.incidence_min_deg = lo;
        out.incidence_max_deg = hi;
        out.look_side = s.modes[0].look_side;
        out.max_squint_deg = s.modes[0].max_squint_deg;
        out.slant_range_resolution_m = coarsest(&geometry::Sensor::slant_range_resolution_m);
        return out;
    }
    double widest = 0.0;
    for (const auto &m : s.modes) {
        if (!m.max_off_nadir_deg || m.min_sun_elevation_deg != s.modes[0].min_sun_elevation_deg
            || m.look_side != s.modes[0].look_side) {
            unsupported("optical modes must be agile cones with the same Sun limit and look side");
        }
        widest = std::max(widest, *m.max_off_nadir_deg);
    }
    out.max_off_nadir_deg = widest;
    out.swath_km.reset();
    out.min_sun_elevation_deg = s.modes[0].min_sun_elevation_deg;
    out.look_side = s.modes[0].look_side;
    out.gsd_nadir_m = coarsest(&geometry::Sensor::gsd_nadir_m);
    return out;
}

/// Intervals of [t0, t1] where f >= 0, from samples every `h` (plus `extra` times), edges refined by bisection
/// to `tol`. Runs shorter than the sampling are found only when a sample falls inside them.
template <class F>
std::vector<std::pair<double, double>> positive_intervals(F &&f, double t0, double t1, double h, double extra, double tol)
{
    std::vector<double> ts;
    for (double t = t0; t < t1; t += h) {
        ts.push_back(t);
    }
    ts.push_back(t1);
    if (extra > t0 && extra < t1) {
        ts.push_back(extra);
    }
    std::sort(ts.begin(), ts.end());
    std::vector<double> fs(ts.size());
    for (std::size_t i = 0; i < ts.size(); ++i) {
        fs[i] = f(ts[i]);
    }
    auto edge = [&](double a, double b, bool rising) {
        // f(a) < 0 <= f(b) when rising, f(a) >= 0 > f(b) otherwise; returns a point on the >= 0 side.
        while (b - a > tol) {
            const double m = 0.5 * (a + b);
            const bool ok = f(m) >= 0.0;
            if (ok == rising) {
                b = m;
            } else {
                a = m;
            }
        }
        return rising ? b : a;
    };
    std::vector<std::pair<double, double>> out;
    std::size_t i = 0;
    while (i < ts.size()) {
        if (fs[i] < 0.0) {
            ++i;
            continue;
        }
        const double s = i == 0 ? ts[0] : edge(ts[i - 1], ts[i], true);
        std::size_t j = i;
        while (j + 1 < ts.size() && fs[j + 1] >= 0.0) {
            ++j;
        }
        const double e = j + 1 == ts.size() ? ts[j] : edge(ts[j], ts[j + 1], false);
        out.emplace_back(s, e);
        i = j + 1;
    }
    return out;
}

std::vector<std::pair<double, double>> intersect(const std::vector<std::pair<double, double>> &a,
                                                 const std::vector<std::pair<double, double>> &b)
{
    std::vector<std::pair<double, double>> out;
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        const double s = std::max(a[i].first, b[j].first);
        const double e = std::min(a[i].second, b[j].second);
        if (s < e) {
            out.emplace_back(s, e);
        }
        if (a[i].second < b[j].second) {
            ++i;
        } else {
            ++j;
        }
    }
    return out;
}

// Margins demanded of sampled checks (deg): strips are sampled every <= 2 s of scan; between samples the
// constraint functions deviate from linear by < f'' h^2 / 8 ~ 1e-4 rad/s^2 * 4 s^2 / 8 = 0.003 deg.
constexpr double strip_margin_deg = 0.01;
// Point windows re-checked for a tightened limit: same functions, sampled every 4 s with the window's best time,
// edges bisected; the small margin absorbs the ephemeris interpolation (~cm, ~1e-6 deg).
constexpr double point_margin_deg = 0.001;
constexpr double sample_step_s = 4.0;
constexpr double edge_tol_s = 0.02;
constexpr double edge_shrink_s = 0.005; // keep grid starts strictly inside refined edges

struct WorkItem {
    std::size_t sat;    // mission satellite index
    std::size_t task;
    access::Window window;
    AcquisitionLimits limits;
    bool tight;
};

} // namespace

std::optional<AcquisitionLimits> effective_limits(const geometry::Sensor &with_modes, const mission::Request &r, bool &tight)
{
    tight = false;
    const auto offered = mission::offered_modes(with_modes, r); // instrument mode, polarisations
    if (!offered) {
        return std::nullopt;
    }
    const geometry::Sensor s = planning_sensor(*offered);
    const auto l = mission::imaging_limits(s, r);
    if (l) {
        // tight: the windows, searched with every mode of the sensor, need a re-check with these limits
        mission::ImagingLimits searched = *l; // the pass direction is checked on the windows, not re-searched
        searched.pass_direction = s.pass_direction;
        tight = searched != mission::sensor_limits(planning_sensor(with_modes));
    }
    return l;
}

namespace {

// The stages of build_instance, in the order it runs them. Each fills its part of the Instance; what one stage
// hands to a later one and the Instance does not keep travels in a small struct.

/// Per-request results of make_jobs_and_tasks that find_windows needs (indexed by request).
struct RequestTasks {
    std::vector<std::vector<std::size_t>> tasks;   ///< tasks of every occurrence of the request
    std::vector<std::vector<StripGeometry>> strips; ///< strips of a polygon request (empty for a point request)
};

/// Planning data of each satellite: agility, data rate and storage, orbit period, imaging cap.
void add_satellites(Instance &inst, const Mission &m)
{
    for (const auto &s : m.satellites) {
        SatInfo si;
        si.pointable = s.pointable();
        si.agility = s.agility;
        si.data_rate_gbit_s = s.data_rate_mbit_s / 1000.0;
        si.storage_gbit = s.storage_gbit;
        si.orbit_period_s = 86400.0 / std::max(1e-6, s.sat.propagator.elements().mean_motion_rev_day);
        si.cap_s = s.max_imaging_s_per_orbit;
        si.power = s.power;
        inst.sats.push_back(si);
    }
}

/// The shadow intervals of the satellites with a power model, over the horizon and the delivery margin
/// (access::find_eclipses with each satellite's shadow model; penumbra counts as shadow).
void add_shadows(Instance &inst, const Mission &m, const PlanningOptions &opt)
{
    const time::Instant end = m.stop + time::Duration::from_hours(opt.delivery_margin_h);
    for (std::size_t s = 0; s < m.satellites.size(); ++s) {
        SatInfo &si = inst.sats[s];
        if (!si.power) {
            continue;
        }
        si.power_end_s = (end - m.start).seconds();
        const std::vector<access::Satellite> one{m.satellites[s].sat};
        for (const auto &e : access::find_eclipses(one, m.start, end, m.eop, si.power->shadow)) {
            si.shadow.emplace_back(std::max(0.0, (e.penumbra_start - m.start).seconds()),
                                   std::min(si.power_end_s, (e.penumbra_end - m.start).seconds()));
        }
    }
}

/// Stereo sets that no pass holds even with nothing else planned: not feasible (the share rule does not wait for
/// them, the bounds do not count them), explained as `stereo`.
void mark_impossible_stereo(Instance &inst)
{
    bool any = false;
    for (std::size_t j = 0; j < inst.jobs.size(); ++j) {
        if (inst.jobs[j].stereo && inst.jobs[j].feasible) {
            Solution empty = empty_solution(inst);
            if (insert_job(inst, empty, j) != PlaceStatus::ok) {
                inst.jobs[j].stereo_impossible = true;
                any = true;
            }
        }
    }
    if (any) {
        refresh_feasibility(inst);
    }
}

/// A satellite whose platform load alone (no acquisition, no downlink) drains its battery below the minimum cannot
/// carry any plan: a configuration error, named, rather than a plan that is infeasible from the start.
void check_idle_power(const Instance &inst, const Mission &m)
{
    for (std::size_t s = 0; s < inst.sats.size(); ++s) {
        if (!inst.sats[s].power) {
            continue;
        }
        const SimResult idle = simulate(inst, s, {}, false);
        if (!idle.ok) {
            const auto &pw = *inst.sats[s].power;
            throw ConfigError(ErrorCode::out_of_range,
                              fmt::format("{}: with no acquisition the battery falls below min_soc ({:.1f} Wh) at {} (bus_w {} W, "
                                          "solar_w {} W in sunlight, shadow by {}): a larger battery, array or initial_soc, or a "
                                          "lower bus load, is needed",
                                          m.satellites[s].sat.name, pw.min_soc * pw.battery_wh,
                                          (m.start + time::Duration::from_seconds(idle.fail_time_s)).to_iso8601_utc(0), pw.bus_w,
                                          pw.solar_w, pw.shadow == access::ShadowModel::conical ? "the conical model" : "the cylinder"),
                              ErrorContext{m.source, 0, fmt::format("satellites[{}].power", s), ""});
        }
    }
}

/// Normalised rights shares and allowed stations of each tenant; returns the tenant index by name.
std::map<std::string, std::size_t> add_tenants(Instance &inst, const Mission &m)
{
    std::map<std::string, std::size_t> tenant_index;
    double share_sum = 0.0;
    for (std::size_t i = 0; i < m.tenants.size(); ++i) {
        tenant_index[m.tenants[i].name] = i;
        share_sum += m.tenants[i].share;
    }
    for (const auto &t : m.tenants) {
        inst.shares.push_back(share_sum > 0.0 ? t.share / share_sum : 0.0);
        std::vector<char> al(m.stations.size(), t.allowed_stations.empty() ? 1 : 0);
        for (const auto &name : t.allowed_stations) {
            for (std::size_t s = 0; s < m.stations.size(); ++s) {
                if (m.stations[s].name == name) {
                    al[s] = 1;
                }
            }
        }
        inst.allowed.push_back(std::move(al));
    }
    return tenant_index;
}

/// Sampled ITRF ephemerides over the horizon (plus a minute either side), parallel over satellites; a satellite
/// whose SGP4 initialisation failed keeps an empty one.
void build_ephemerides(Instance &inst, const Mission &m, tbb::task_arena &arena)
{
    const std::size_t ns = m.satellites.size();
    const double horizon_s = inst.horizon_s;
    inst.eph.resize(ns);
    arena.execute([&] {
        tbb::parallel_for(std::size_t{0}, ns, [&](std::size_t i) {
            if (cancelled(inst.options)) { // a stop is answered within one satellite's work, not the whole stage's
                return;
            }
            if (m.satellites[i].sat.propagator.init_status() == orbits::Sgp4Status::ok) {
                inst.eph[i] = Ephemeris(m.satellites[i].sat.propagator, m.eop, m.start, -60.0, horizon_s + 60.0);
            }
        });
    });
}

/// One job per occurrence inside the horizon, with its tasks: one per point request, one per strip of a polygon
/// request (strips decomposed here), one without opportunities when no satellite may serve a polygon.
RequestTasks make_jobs_and_tasks(Instance &inst, const Mission &m, const PlanningOptions &opt,
                                 const std::map<std::string, std::size_t> &tenant_index)
{
    const std::size_t ns = m.satellites.size();
    const double horizon_s = inst.horizon_s;
    RequestTasks out;
    out.tasks.resize(m.requests.size());
    out.strips.resize(m.requests.size());
    std::vector<std::vector<std::size_t>> &request_tasks = out.tasks;
    std::vector<std::vector<StripGeometry>> &request_strips = out.strips;
    for (std::size_t ri = 0; ri < m.requests.size(); ++ri) {
        const auto &r = m.requests[ri];
        std::vector<std::size_t> compat;
        for (std::size_t s = 0; s < ns; ++s) {
            if (mission::serves_kind(m.satellites[s].sat.sensor, r)) {
                compat.push_back(s);
            }
        }
        if (r.polygon) {
            // Strip width: the narrowest imaging swath among the satellites that may serve the request; strip
            // direction: the descending ground track of that satellite at the polygon's centre latitude (from its
            // inclination rounded to 0.01 deg and semi-major axis, so strips stay the same across element updates).
            double width = 0.0;
            std::size_t ref = npos;
            for (std::size_t s : compat) {
                if (ref == npos || m.satellites[s].imaging_swath_km < width) {
                    width = m.satellites[s].imaging_swath_km;
                    ref = s;
                }
            }
            if (ref != npos) {
                const auto &el = m.satellites[ref].sat.propagator.elements();
                const double n_rad_s = el.mean_motion_rev_day * two_pi / 86400.0;
                const double a_km = std::cbrt(398600.4418 / (n_rad_s * n_rad_s));
                const double inc = std::round(el.inclination_deg * 100.0) / 100.0;
                const auto box = geometry::bounding_box(*r.polygon);
                const double heading =
                    ground_track_heading_deg(inc, std::round(a_km), 0.5 * (box.lat_min_deg + box.lat_max_deg), true);
                request_strips[ri] = decompose_polygon(*r.polygon, heading, width, opt.strip_overlap, opt.max_strip_length_km);
            }
        }
        for (const auto &occ : mission::occurrences(r)) {
            const double ws = std::max(0.0, (occ.start - m.start).seconds());
            const double we = std::min(horizon_s, (occ.end - m.start).seconds());
            if (!(we > ws)) {
                continue; // outside the horizon
            }
            Job j;
            j.request = ri;
            j.occurrence = occ.index;
            j.value = r.value();
            j.tier = r.tier;
            j.share_exempt = r.tier == mission::Tier::urgent && opt.urgent_share_exempt;
            j.window_start_s = ws;
            j.window_end_s = we;
            j.window_opens_s = (occ.start - m.start).seconds();
            j.polygon = r.polygon.has_value();
            j.stereo = r.stereo;
            inst.any_stereo = inst.any_stereo || r.stereo.has_value();
            if (auto it = tenant_index.find(r.tenant); it != tenant_index.end()) {
                j.tenant = it->second;
            }
            const std::size_t ji = inst.jobs.size();
            auto add_task = [&](Task t) {
                t.job = ji;
                j.tasks.push_back(inst.tasks.size());
                request_tasks[ri].push_back(inst.tasks.size());
                inst.task_a_itrf.push_back(frames::geodetic_to_itrf(t.a));
                inst.task_b_itrf.push_back(frames::geodetic_to_itrf(t.b));
                inst.tasks.push_back(t);
            };
            if (r.point) {
                // one task, or one per stereo image (strip = the image's number)
                for (int k = 0; k < (r.stereo ? r.stereo->images : 1); ++k) {
                    Task t;
                    t.strip = k;
                    t.duration_s = r.duration_s;
                    t.a = t.b = t.centre = r.point->location;
                    add_task(t);
                }
            } else if (request_strips[ri].empty()) {
                // No satellite may serve it (or a degenerate polygon): one task without opportunities.
                Task t;
                const auto box = geometry::bounding_box(*r.polygon);
                t.a = t.b = t.centre = frames::Geodetic{0.5 * (box.lat_min_deg + box.lat_max_deg),
                                                        0.5 * (box.lon_min_deg + box.lon_max_deg), 0.0};
                t.duration_s = 1.0;
                add_task(t);
            } else {
                int sid = 0;
                for (const auto &sg : request_strips[ri]) {
                    Task t;
                    t.strip = sid++;
                    t.a = sg.a;
                    t.b = sg.b;
                    t.centre = sg.centre;
                    t.area_fraction = sg.area_fraction;
                    t.duration_s = std::max(opt.time_step_s, sg.length_km / opt.strip_scan_speed_km_s);
                    add_task(t);
                }
            }
            inst.jobs.push_back(std::move(j));
        }
    }
    return out;
}

/// Access windows, one engine call per sensor (its satellites, the targets of the compatible requests), turned
/// into work items: each window paired with every task it may serve, with the request's limits.
std::vector<WorkItem> find_windows(const Instance &inst, const Mission &m, const RequestTasks &rt)
{
    const std::size_t ns = m.satellites.size();
    const std::vector<std::vector<std::size_t>> &request_tasks = rt.tasks;
    const std::vector<std::vector<StripGeometry>> &request_strips = rt.strips;
    std::map<std::string, std::vector<std::size_t>> by_sensor;
    for (std::size_t s = 0; s < ns; ++s) {
        if (m.satellites[s].sat.propagator.init_status() == orbits::Sgp4Status::ok) {
            by_sensor[m.satellites[s].sat.sensor.name].push_back(s);
        }
    }
    std::vector<WorkItem> work;
    for (const auto &[sensor_name, group] : by_sensor) {
        throw_if_cancelled(inst.options); // one access-engine call per sensor: a stop waits for one of them at most
        const geometry::Sensor &sensor = m.satellites[group.front()].sat.sensor;
        std::vector<access::Satellite> sats;
        for (std::size_t s : group) {
            sats.push_back(m.satellites[s].sat);
        }
        // Targets: one per point request, one per strip (centre point) of a polygon request.
        std::vector<geometry::Target> targets;
        std::vector<std::pair<std::size_t, int>> target_of; // (request, strip or -1)
        for (std::size_t ri = 0; ri < m.requests.size(); ++ri) {
            const auto &r = m.requests[ri];
            if (!mission::serves_kind(sensor, r) || request_tasks[ri].empty()) {
                continue;
            }
            if (r.point) {
                targets.push_back(geometry::Target{r.id, r.point->location});
                target_of.emplace_back(ri, -1);
            } else {
                for (std::size_t k = 0; k < request_strips[ri].size(); ++k) {
                    targets.push_back(geometry::Target{fmt::format("{}#{}", r.id, k), request_strips[ri][k].centre});
                    target_of.emplace_back(ri, static_cast<int>(k));
                }
            }
        }
        if (targets.empty()) {
            continue;
        }
        const auto windows = access::find_target_access(sats, targets, m.start, m.stop, m.eop, m.search);
        for (const auto &w : windows) {
            const std::size_t sat = group[w.satellite];
            const auto [ri, strip] = target_of[w.target];
            const auto &r = m.requests[ri];
            bool tight = false;
            const auto lim = effective_limits(sensor, r, tight);
            if (!lim) {
                continue;
            }
            if (lim->pass_direction != PassDirection::any && w.window.pass_direction != lim->pass_direction) {
                continue;
            }
            for (std::size_t ti : request_tasks[ri]) {
                const Task &t = inst.tasks[ti];
                if (r.polygon && t.strip != strip) {
                    continue; // a strip's own windows; a point's (every image of a stereo set) share the target's
                }
                const Job &j = inst.jobs[t.job];
                const double ws = (w.window.start - m.start).seconds();
                const double we = (w.window.end - m.start).seconds();
                const double slack = r.polygon ? t.duration_s + 60.0 : 0.0;
                if (we + slack < j.window_start_s || ws - slack > j.window_end_s) {
                    continue;
                }
                work.push_back(WorkItem{sat, ti, w.window, *lim, tight || r.polygon.has_value()});
            }
        }
    }
    return work;
}

/// Opportunities from the work items (parallel; each item independent, results merged in order), sorted by
/// satellite and earliest start, and indexed per task and per satellite.
/// Version of the computation below: bump it whenever make_opportunities can return other ranges for the same
/// inputs (its constants, sampling, margins), so that every OpportunityCache entry written before is a miss.
// 2: SAR images at zero Doppler (crossing acquisitions), resolution limits (2026-12-07).
constexpr std::uint64_t opportunity_algorithm_version = 2;

/// The OpportunityCache key: 64-bit FNV-1a over the bytes of the values fed in, finished by splitmix64's mixer.
class KeyHash {
public:
    KeyHash &add(double x)
    {
        x = x == 0.0 ? 0.0 : x; // -0 and +0 give the same ranges
        return bytes(&x, sizeof x);
    }
    KeyHash &add(std::uint64_t x) { return bytes(&x, sizeof x); }
    KeyHash &add(const std::optional<double> &x) { return x ? add(std::uint64_t{1}).add(*x) : add(std::uint64_t{0}); }
    KeyHash &add(const Vec3 &v) { return add(v.x()).add(v.y()).add(v.z()); }
    KeyHash &add(const frames::Geodetic &g) { return add(g.lat_deg).add(g.lon_deg).add(g.h_km); }
    std::uint64_t value() const
    {
        std::uint64_t z = m_h + 0x9e3779b97f4a7c15ULL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

private:
    KeyHash &bytes(const void *p, std::size_t n)
    {
        m_h = core::fnv1a_update(m_h, static_cast<const unsigned char *>(p), n);
        return *this;
    }
    std::uint64_t m_h = core::fnv1a_offset_basis;
};

/// The inputs one work item's ranges are computed from, hashed (OpportunityCache).
std::uint64_t work_item_key(const Instance &inst, const time::Instant &start, const std::vector<std::uint64_t> &sat_print,
                            const WorkItem &it)
{
    const Task &t = inst.tasks[it.task];
    const Job &j = inst.jobs[t.job];
    const AcquisitionLimits &l = it.limits;
    KeyHash h;
    h.add(sat_print[it.sat]).add(t.duration_s).add(t.a).add(t.b).add(inst.task_a_itrf[it.task]).add(inst.task_b_itrf[it.task]);
    h.add(j.window_start_s).add(j.window_end_s);
    h.add(l.max_off_nadir_deg).add(l.swath_km).add(l.along_track_half_angle_deg).add(l.incidence_min_deg);
    h.add(l.incidence_max_deg).add(l.min_sun_elevation_deg).add(l.resolution_m).add(l.max_gsd_m);
    h.add(static_cast<std::uint64_t>(l.look_side)).add(static_cast<std::uint64_t>(l.pass_direction));
    h.add(std::uint64_t{it.tight ? 1u : 0u});
    h.add((it.window.start - start).seconds()).add((it.window.end - start).seconds()).add((it.window.best - start).seconds());
    return h.value();
}

/// Clouds (docs/architecture/scheduling.md § Clouds): every opportunity of an optical sensor for a request with a
/// cover limit (its own `max_cloud_cover_pct`, else the mission's `clouds.default_max_cover_pct`) gets the cover
/// predicted at the task's centre at the middle of its acquisition range and the probability of a usable image;
/// those below the request's `min_cloud_probability`, or with no chance at all, are dropped (counted per task).
void apply_clouds(Instance &inst, const Mission &m)
{
    inst.task_cloud_dropped.assign(inst.tasks.size(), 0);
    if (!m.clouds || m.clouds->empty()) {
        return;
    }
    const mission::CloudData &c = *m.clouds;
    std::vector<Opportunity> kept;
    kept.reserve(inst.opps.size());
    for (auto &o : inst.opps) {
        const Task &task = inst.tasks[o.task];
        const mission::Request &q = m.requests[inst.jobs[task.job].request];
        const auto limit = q.max_cloud_cover_pct ? q.max_cloud_cover_pct : c.default_max_cover_pct;
        if (limit && m.satellites[o.sat].sat.sensor.type == geometry::SensorType::optical) {
            const double mid_s = 0.5 * (o.k_min + o.k_max) * inst.step_s + 0.5 * task.duration_s;
            const auto cover = mission::cloud_cover_at(c, task.centre.lat_deg, task.centre.lon_deg,
                                                       m.start + time::Duration::from_seconds(mid_s));
            if (cover) {
                o.cloud_cover_pct = cover->cover_pct;
                o.cloud_time_s = mid_s;
                o.cloud_source = cover->source;
                o.p_usable = mission::usable_probability(cover->cover_pct, *limit, mission::sigma_for(c, cover->source));
                inst.clouds_used = true;
                // worthless (p = 0 with σ = 0 and a cover above the limit) or below the request's minimum
                if (!(o.p_usable > 0.0) || (q.min_cloud_probability && o.p_usable < *q.min_cloud_probability)) {
                    ++inst.task_cloud_dropped[o.task];
                    continue;
                }
            }
        }
        kept.push_back(o);
    }
    inst.opps = std::move(kept);
}

void make_opportunities(Instance &inst, const Mission &m, const std::vector<WorkItem> &work, tbb::task_arena &arena,
                        OpportunityCache *cache)
{
    const double horizon_s = inst.horizon_s;
    inst.task_opps.resize(inst.tasks.size());
    inst.sat_opps.resize(m.satellites.size());
    const geometry::detail::SunTable sun(m.start - time::Duration::from_seconds(600.0),
                                         m.stop + time::Duration::from_seconds(600.0), m.eop);
    const double sun_t0 = -600.0;
    std::vector<std::vector<Opportunity>> found(work.size());
    // Cache keys: per satellite a print of everything the work items of that satellite share (its ephemeris sampled
    // every 60 s, the Sun's every hour, horizon, grid and the algorithm's version), then per work item its own inputs.
    std::vector<std::uint64_t> keys;
    std::vector<char> hit(work.size(), 0);
    if (cache != nullptr) {
        std::vector<std::uint64_t> sat_print(m.satellites.size(), 0);
        arena.execute([&] {
            tbb::parallel_for(std::size_t{0}, sat_print.size(), [&](std::size_t s) {
                KeyHash h;
                h.add(opportunity_algorithm_version).add(inst.horizon_s).add(inst.step_s);
                h.add(std::uint64_t{inst.sats[s].pointable ? 1u : 0u});
                if (!inst.eph[s].empty()) {
                    for (double tau = 0.0; tau <= horizon_s + 60.0; tau += 60.0) {
                        Vec3 r, v;
                        inst.eph[s].state(std::min(tau, horizon_s), r, v);
                        h.add(r).add(v);
                    }
                }
                for (double tau = sun_t0; tau <= horizon_s - sun_t0; tau += 3600.0) {
                    h.add(sun.position_itrf_km(tau - sun_t0));
                }
                sat_print[s] = h.value();
            });
        });
        keys.resize(work.size());
        for (std::size_t wi = 0; wi < work.size(); ++wi) {
            keys[wi] = work_item_key(inst, m.start, sat_print, work[wi]);
            if (auto f = cache->entries.find(keys[wi]); f != cache->entries.end()) {
                hit[wi] = 1;
                for (const auto &rg : f->second) {
                    Opportunity o;
                    o.task = work[wi].task;
                    o.sat = work[wi].sat;
                    o.k_min = rg.k_min;
                    o.k_max = rg.k_max;
                    o.reversed = rg.reversed;
                    o.limits = work[wi].limits;
                    found[wi].push_back(o);
                }
            }
        }
    }
    arena.execute([&] {
        tbb::parallel_for(std::size_t{0}, work.size(), [&](std::size_t wi) {
            if (hit[wi] || cancelled(inst.options)) {
                return;
            }
            const WorkItem &it = work[wi];
            const Task &t = inst.tasks[it.task];
            const Job &j = inst.jobs[t.job];
            const double d = t.duration_s;
            const double ws = (it.window.start - m.start).seconds();
            const double we = (it.window.end - m.start).seconds();
            const double best = (it.window.best - m.start).seconds();
            const Ephemeris &eph = inst.eph[it.sat];
            auto margin_at = [&](double tau, const Vec3 &p, const frames::Geodetic &g) {
                Vec3 r, v;
                eph.state(tau, r, v);
                const Vec3 sun_p = it.limits.min_sun_elevation_deg ? sun.position_itrf_km(tau - sun_t0) : Vec3::Zero();
                return evaluate_limits(it.limits, r, v, p, g, sun_p).margin_deg;
            };
            std::vector<std::pair<double, double>> starts; // feasible start times
            bool reversed = false;
            if (t.a == t.b) {
                // The starts of acquisitions [s, s + d] inside a window [a, b]. A fixed push-broom, and a SAR
                // (zero Doppler), see a point only while it crosses the instrument's line or beam (the window is
                // the +-along-track limit crossing, a few seconds): its acquisition is the scene of d seconds
                // around that crossing, so the window must lie inside the acquisition instead.
                const bool crossing = it.limits.along_track_half_angle_deg.has_value();
                auto add = [&](double a, double b) {
                    if (crossing && b - a < d) {
                        starts.emplace_back(b - d + edge_shrink_s, a - edge_shrink_s);
                    } else {
                        starts.emplace_back(a + edge_shrink_s, b - d - edge_shrink_s);
                    }
                };
                if (!it.tight) {
                    add(ws, we);
                } else {
                    const Vec3 &p = inst.task_a_itrf[it.task];
                    auto f = [&](double tau) { return margin_at(tau, p, t.a) - point_margin_deg; };
                    for (auto [s, e] : positive_intervals(f, ws, we, sample_step_s, best, edge_tol_s)) {
                        add(s, e);
                    }
                }
            } else {
                // Scan direction: along the satellite's ground motion at the window's best time.
                Vec3 r, v;
                eph.state(best, r, v);
                reversed = (inst.task_b_itrf[it.task] - inst.task_a_itrf[it.task]).dot(v) < 0.0;
                Opportunity probe;
                probe.task = it.task;
                probe.reversed = reversed;
                const int nsamp = std::max(2, static_cast<int>(std::ceil(d / 2.0)) + 1);
                const double lo = ws - d - 30.0;
                const double hi = we + 30.0;
                std::vector<std::pair<double, double>> acc{{lo, hi - d}};
                for (int q = 0; q < nsamp && !acc.empty(); ++q) {
                    const double f = static_cast<double>(q) / (nsamp - 1);
                    const Vec3 p = inst.scan_point(probe, f);
                    const frames::Geodetic g = frames::itrf_to_geodetic(p);
                    auto fn = [&](double tau) { return margin_at(tau, p, g) - strip_margin_deg; };
                    auto iv = positive_intervals(fn, lo, hi, sample_step_s, best, edge_tol_s);
                    for (auto &x : iv) { // point sampled at fraction f: start = tau - f d
                        x.first = x.first - f * d + edge_shrink_s;
                        x.second = x.second - f * d - edge_shrink_s;
                    }
                    acc = intersect(acc, iv);
                }
                starts = acc;
            }
            for (auto [s, e] : starts) {
                s = std::max({s, j.window_start_s, 0.0});
                e = std::min({e, j.window_end_s - d, horizon_s - d});
                const int k0 = static_cast<int>(std::ceil(s / inst.step_s - 1e-9));
                const int k1 = static_cast<int>(std::floor(e / inst.step_s + 1e-9));
                if (k1 < k0) {
                    continue;
                }
                if (it.limits.pass_direction != PassDirection::any) {
                    // pass direction at the mid time of the earliest and latest acquisitions
                    bool ok = true;
                    for (int kk : {k0, k1}) {
                        Vec3 r, v;
                        eph.state(kk * inst.step_s + 0.5 * d, r, v);
                        const frames::Geodetic foot = frames::itrf_to_geodetic(r);
                        const double phi = foot.lat_deg * deg_to_rad, lam = foot.lon_deg * deg_to_rad;
                        const Vec3 north(-std::sin(phi) * std::cos(lam), -std::sin(phi) * std::sin(lam), std::cos(phi));
                        const auto pd = v.dot(north) >= 0.0 ? PassDirection::ascending : PassDirection::descending;
                        ok = ok && pd == it.limits.pass_direction;
                    }
                    if (!ok) {
                        continue;
                    }
                }
                Opportunity o;
                o.task = it.task;
                o.sat = it.sat;
                o.k_min = k0;
                o.k_max = k1;
                o.reversed = reversed;
                o.limits = it.limits;
                found[wi].push_back(o);
            }
        });
    });
    throw_if_cancelled(inst.options); // a cancelled parallel_for leaves items undone: never cache or use them
    if (cache != nullptr) {
        OpportunityCache next;
        for (std::size_t wi = 0; wi < work.size(); ++wi) {
            // two work items with the same inputs (two nations asking for the same point and window) share a key
            // and have the same ranges: stored once
            if (auto [it, fresh] = next.entries.try_emplace(keys[wi]); fresh) {
                for (const auto &o : found[wi]) {
                    it->second.push_back(OpportunityCache::Range{o.k_min, o.k_max, o.reversed});
                }
            }
            (hit[wi] ? next.hits : next.misses) += 1;
        }
        *cache = std::move(next);
    }
    for (auto &v : found) {
        for (auto &o : v) {
            inst.opps.push_back(o);
        }
    }
    apply_clouds(inst, m);
    std::sort(inst.opps.begin(), inst.opps.end(), [](const Opportunity &a, const Opportunity &b) {
        return std::tie(a.sat, a.k_min, a.task, a.k_max) < std::tie(b.sat, b.k_min, b.task, b.k_max);
    });
    for (std::size_t i = 0; i < inst.opps.size(); ++i) {
        inst.task_opps[inst.opps[i].task].push_back(i);
        inst.sat_opps[inst.opps[i].sat].push_back(i);
    }
}

/// The intervals minus [os, oe].
std::vector<std::pair<double, double>> minus(const std::vector<std::pair<double, double>> &pieces, double os, double oe)
{
    std::vector<std::pair<double, double>> next;
    for (auto [a, b] : pieces) {
        if (oe <= a || os >= b) {
            next.emplace_back(a, b);
            continue;
        }
        if (os > a) {
            next.emplace_back(a, os);
        }
        if (oe < b) {
            next.emplace_back(oe, b);
        }
    }
    return next;
}

/// Elevation above a station's mask (deg) of an ITRF point (geometry::look_angles; the mask at the point's azimuth).
double elevation_above_mask_deg(const geometry::GroundStation &st, const Vec3 &p_km, const time::Instant &t)
{
    const geometry::LookAngles la =
        geometry::look_angles(frames::StateVector<frames::Itrf>{t, p_km, Vec3::Zero()}, st.location);
    return la.elevation_deg - st.min_elevation_at_deg(la.azimuth_deg);
}

/// Relay sessions (issue 15 item 6), after the station contacts: the link windows of every satellite with a relay
/// terminal to every relay (access::find_link_windows) over [start, stop + delivery margin], shared out terminal by
/// terminal in time order. Whenever a terminal is free, it goes, among the satellites that can start a link within
/// relay_choice_window_s of the earliest, to the one whose last contact ended longest ago (the likeliest to hold
/// data; the sessions are reserved before the search knows the data), outside that satellite's station contacts and
/// other sessions, for at most acquisition_s + max_session_s and within the window; a session whose data time
/// (after the acquisition) would be shorter than min_contact_s is not made. The feeder station must see the relay
/// above its mask at the start (a GEO point: always; an element set: checked at the start only).
constexpr double relay_choice_window_s = 120.0;

void reserve_relay_sessions(Instance &inst, const Mission &m, const PlanningOptions &opt)
{
    const std::size_t ns = m.satellites.size();
    std::vector<std::size_t> users;
    for (std::size_t s = 0; s < ns; ++s) {
        if (m.satellites[s].relay_terminal && m.satellites[s].sat.propagator.init_status() == orbits::Sgp4Status::ok) {
            users.push_back(s);
        }
    }
    if (users.empty() || m.relays.empty()) {
        return;
    }
    const time::Instant dl_stop = m.stop + time::Duration::from_hours(opt.delivery_margin_h);
    const double end_s = (dl_stop - m.start).seconds();
    // the satellite's busy time: its station contacts, then its sessions as they are made
    std::vector<std::vector<std::pair<double, double>>> busy(ns);
    for (std::size_t s = 0; s < ns; ++s) {
        for (const Contact &c : inst.contacts[s]) {
            busy[s].emplace_back(c.link_start_s, c.end_s);
        }
    }
    struct Term {
        std::size_t relay;
        int index;
        double free_s = 0.0;
    };
    std::vector<Term> terms;
    // windows[r][u]: link windows of users[u] to relay r (s after start)
    std::vector<std::vector<std::vector<std::pair<double, double>>>> windows(m.relays.size());
    std::vector<access::LinkEnd> ends;
    for (std::size_t u : users) {
        ends.push_back(access::LinkEnd{m.satellites[u].sat.name, m.satellites[u].sat.propagator, 0.0, *m.satellites[u].relay_terminal});
    }
    std::vector<std::size_t> feeder(m.relays.size(), 0);
    for (std::size_t r = 0; r < m.relays.size(); ++r) {
        const Relay &rel = m.relays[r];
        while (m.stations[feeder[r]].name != rel.feeder_station) { // validate_mission: it is there
            ++feeder[r];
        }
        const geometry::GroundStation &fst = m.stations[feeder[r]];
        const double above = elevation_above_mask_deg(fst, access::link_end_position_itrf_km(rel.end, m.start, m.eop), m.start);
        if (above < 0.0) {
            throw ConfigError(ErrorCode::out_of_range,
                              fmt::format("relay {} is {:.1f} deg below the elevation mask of its feeder station {}",
                                          rel.end.name, -above, fst.name),
                              ErrorContext{m.source, 0, fmt::format("relays[{}].feeder_station", r), rel.feeder_station});
        }
        std::vector<access::LinkEnd> all = ends;
        all.push_back(rel.end);
        std::vector<std::pair<std::size_t, std::size_t>> pairs;
        for (std::size_t u = 0; u < users.size(); ++u) {
            pairs.emplace_back(u, users.size());
        }
        access::LinkOptions lo;
        lo.grazing_height_km = rel.grazing_height_km;
        lo.min_window_s = m.search.min_window_s;
        lo.edge_tolerance_s = m.search.edge_tolerance_s;
        windows[r].resize(users.size());
        // the link windows minus the feeder station's outages (relayed data cannot reach the ground then)
        for (const auto &w : access::find_link_windows(all, pairs, m.start, dl_stop, m.eop, lo)) {
            std::vector<std::pair<double, double>> pieces{{(w.start - m.start).seconds(), (w.end - m.start).seconds()}};
            for (const auto &o : m.outages) {
                if (o.station == rel.feeder_station) {
                    pieces = minus(pieces, (o.start - m.start).seconds(), (o.end - m.start).seconds());
                }
            }
            windows[r][w.first].insert(windows[r][w.first].end(), pieces.begin(), pieces.end());
        }
        for (int t = 0; t < rel.terminals; ++t) {
            terms.push_back(Term{r, t, 0.0});
        }
        throw_if_cancelled(opt);
    }
    // earliest x >= x0 inside [.., b] with `need` seconds free of the satellite's busy time after it; the free
    // piece's end in `piece_end`
    auto earliest_free = [](const std::vector<std::pair<double, double>> &bz, double x0, double b, double need,
                            double &piece_end) {
        double x = x0;
        for (const auto &[s0, e0] : bz) { // sorted by start
            if (e0 <= x) {
                continue;
            }
            if (s0 >= x + need) {
                piece_end = std::min(b, s0);
                return x + need <= b ? x : -1.0;
            }
            x = std::max(x, e0);
            if (x + need > b) {
                return -1.0;
            }
        }
        piece_end = b;
        return x + need <= b ? x : -1.0;
    };
    while (true) {
        std::size_t ti = npos;
        for (std::size_t k = 0; k < terms.size(); ++k) {
            if (terms[k].free_s < end_s && (ti == npos || terms[k].free_s < terms[ti].free_s)) {
                ti = k;
            }
        }
        if (ti == npos) {
            break;
        }
        Term &term = terms[ti];
        const Relay &rel = m.relays[term.relay];
        const double need = rel.acquisition_s + std::max(opt.min_contact_s, 1e-3);
        struct Option {
            std::size_t u;
            double start, end;
        };
        std::vector<Option> options;
        for (std::size_t u = 0; u < users.size(); ++u) {
            auto &bz = busy[users[u]];
            std::sort(bz.begin(), bz.end());
            for (const auto &[a, b] : windows[term.relay][u]) {
                if (b <= term.free_s) {
                    continue;
                }
                double piece_end = 0.0;
                const double x = earliest_free(bz, std::max(a, term.free_s), b, need, piece_end);
                if (x >= 0.0) {
                    options.push_back(Option{u, x, std::min(piece_end, x + rel.acquisition_s + rel.max_session_s)});
                    break;
                }
            }
        }
        if (options.empty()) {
            term.free_s = end_s; // nobody can use it any more
            continue;
        }
        // Among the satellites that can start within relay_choice_window_s of the earliest, the one whose last contact
        // (station pass or relay session) ended longest ago: it is the likeliest to hold data.
        double first = options.front().start;
        for (const Option &o : options) {
            first = std::min(first, o.start);
        }
        auto last_contact = [&](const Option &o) {
            double last = -1e300;
            for (const auto &[b0, b1] : busy[users[o.u]]) {
                if (b1 <= o.start + 1e-9) {
                    last = std::max(last, b1);
                }
            }
            return last;
        };
        const Option *pick = nullptr;
        double pick_last = 0.0;
        for (const Option &o : options) {
            if (o.start > first + std::max(rel.acquisition_s, relay_choice_window_s)) {
                continue;
            }
            const double last = last_contact(o);
            if (pick == nullptr || last < pick_last || (last == pick_last && o.start < pick->start)) {
                pick = &o;
                pick_last = last;
            }
        }
        const std::size_t s = users[pick->u];
        inst.contacts[s].push_back(Contact{s, feeder[term.relay], term.index, pick->start + rel.acquisition_s, pick->end,
                                           rel.rate_mbit_s / 1000.0, term.relay, pick->start});
        busy[s].emplace_back(pick->start, pick->end);
        term.free_s = pick->end;
    }
}

/// Station contacts: passes over [start, stop + delivery margin], minus outages, antennas reserved greedily in
/// time order; then the relay sessions.
void reserve_contacts(Instance &inst, const Mission &m, const PlanningOptions &opt)
{
    const std::size_t ns = m.satellites.size();
    inst.contacts.resize(ns);
    if (!m.stations.empty()) {
        std::vector<access::Satellite> sats;
        std::vector<std::size_t> sat_index;
        for (std::size_t s = 0; s < ns; ++s) {
            if (m.satellites[s].sat.propagator.init_status() == orbits::Sgp4Status::ok) {
                sats.push_back(m.satellites[s].sat);
                sat_index.push_back(s);
            }
        }
        const time::Instant dl_stop = m.stop + time::Duration::from_hours(opt.delivery_margin_h);
        const auto passes = access::find_station_passes(sats, m.stations, m.start, dl_stop, m.eop, m.search);
        struct Cand {
            double s, e;
            std::size_t sat, station;
        };
        std::vector<Cand> cands;
        for (const auto &p : passes) {
            const std::size_t st = p.station;
            std::vector<std::pair<double, double>> pieces{{(p.window.start - m.start).seconds(), (p.window.end - m.start).seconds()}};
            for (const auto &o : m.outages) {
                if (o.station == m.stations[st].name) {
                    pieces = minus(pieces, (o.start - m.start).seconds(), (o.end - m.start).seconds());
                }
            }
            for (auto [a, b] : pieces) {
                if (b - a >= opt.min_contact_s && b - a > 0.0) {
                    cands.push_back(Cand{a, b, sat_index[p.satellite], st});
                }
            }
        }
        std::sort(cands.begin(), cands.end(),
                  [](const Cand &a, const Cand &b) { return std::tie(a.s, a.sat, a.station) < std::tie(b.s, b.sat, b.station); });
        // busy intervals per satellite and per (station, antenna)
        std::vector<std::vector<std::pair<double, double>>> sat_busy(ns);
        std::vector<std::vector<std::vector<std::pair<double, double>>>> ant_busy(m.stations.size());
        for (std::size_t st = 0; st < m.stations.size(); ++st) {
            ant_busy[st].resize(static_cast<std::size_t>(std::max(1, m.stations[st].antennas)));
        }
        auto free_pieces = [](double a, double b, const std::vector<std::pair<double, double>> &busy) {
            std::vector<std::pair<double, double>> out;
            double cur = a;
            std::vector<std::pair<double, double>> sorted = busy;
            std::sort(sorted.begin(), sorted.end());
            for (auto [s, e] : sorted) {
                if (e <= cur || s >= b) {
                    continue;
                }
                if (s > cur) {
                    out.emplace_back(cur, s);
                }
                cur = std::max(cur, e);
            }
            if (cur < b) {
                out.emplace_back(cur, b);
            }
            return out;
        };
        for (const Cand &c : cands) {
            const auto sat_free = free_pieces(c.s, c.e, sat_busy[c.sat]);
            double best_len = 0.0, bs = 0.0, be = 0.0;
            int best_ant = -1;
            for (std::size_t a = 0; a < ant_busy[c.station].size(); ++a) {
                for (auto [s0, e0] : sat_free) {
                    for (auto [s1, e1] : free_pieces(s0, e0, ant_busy[c.station][a])) {
                        if (e1 - s1 > best_len + 1e-9) {
                            best_len = e1 - s1;
                            bs = s1;
                            be = e1;
                            best_ant = static_cast<int>(a);
                        }
                    }
                }
            }
            if (best_ant < 0 || best_len < opt.min_contact_s || best_len <= 0.0) {
                continue;
            }
            sat_busy[c.sat].emplace_back(bs, be);
            ant_busy[c.station][static_cast<std::size_t>(best_ant)].emplace_back(bs, be);
            const double rate = m.stations[c.station].downlink_mbit_s > 0.0 ? m.stations[c.station].downlink_mbit_s
                                                                               : opt.default_downlink_mbit_s;
            inst.contacts[c.sat].push_back(Contact{c.sat, c.station, best_ant, bs, be, rate / 1000.0, npos, bs});
        }
    }
    reserve_relay_sessions(inst, m, opt);
    for (auto &v : inst.contacts) {
        std::sort(v.begin(), v.end(), [](const Contact &a, const Contact &b) { return a.start_s < b.start_s; });
    }
}

} // namespace

Instance build_instance(const Mission &m, const PlanningOptions &opt, OpportunityCache *cache)
{
    const auto clock0 = std::chrono::steady_clock::now();
    Instance inst;
    inst.mission = &m;
    inst.options = opt;
    inst.horizon_s = (m.stop - m.start).seconds();
    inst.step_s = opt.time_step_s;
    const int nthreads = m.search.threads > 0 ? m.search.threads : tbb::task_arena::automatic;
    tbb::task_arena arena(nthreads);

    add_satellites(inst, m);
    const auto tenant_index = add_tenants(inst, m);
    build_ephemerides(inst, m, arena);
    add_shadows(inst, m, opt);
    throw_if_cancelled(opt);
    const RequestTasks per_request = make_jobs_and_tasks(inst, m, opt, tenant_index);
    throw_if_cancelled(opt);
    const std::vector<WorkItem> work = find_windows(inst, m, per_request);
    throw_if_cancelled(opt);
    make_opportunities(inst, m, work, arena, cache);
    throw_if_cancelled(opt);
    inst.tenant_feasible.assign(m.tenants.size(), 0);
    refresh_feasibility(inst);
    assign_scores(inst);
    throw_if_cancelled(opt);
    reserve_contacts(inst, m, opt);
    check_idle_power(inst, m);
    mark_impossible_stereo(inst);
    inst.opportunities_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - clock0).count();
    return inst;
}

} // namespace vantage::scheduling::detail
