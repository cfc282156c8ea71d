// plan(): instance -> search -> bounds -> the Plan document; invariant checks used by the tests.
#include "vantage/scheduling/plan.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "geometry_check.hpp"
#include "vantage/mission/imaging_limits.hpp"
#include "vantage/core/constants.hpp"
#include "vantage/core/error.hpp"
#include "vantage/frames/transforms.hpp"
#include "vantage/geometry/detail/sun_table.hpp"
#include "vantage/geometry/look.hpp"
#include "vantage/scheduling/agility.hpp"
#include "vantage/scheduling/detail/tasking_instance.hpp"

namespace vantage::scheduling {

const char *to_string(UnservedReason reason) noexcept
{
    switch (reason) {
    case UnservedReason::no_opportunity:
        return "no_opportunity";
    case UnservedReason::outcompeted:
        return "outcompeted";
    case UnservedReason::storage:
        return "storage";
    case UnservedReason::downlink:
        return "downlink";
    case UnservedReason::share_limit:
        return "share_limit";
    case UnservedReason::clouds:
        return "clouds";
    case UnservedReason::power:
        return "power";
    case UnservedReason::stereo:
        return "stereo";
    }
    return "outcompeted";
}

double energy_at_wh(const EnergyProfile &profile, const time::Instant &t)
{
    const auto &v = profile.samples;
    if (v.empty()) {
        return 0.0;
    }
    if (t <= v.front().first) {
        return v.front().second;
    }
    if (t >= v.back().first) {
        return v.back().second;
    }
    const auto it = std::upper_bound(v.begin(), v.end(), t, [](const time::Instant &x, const auto &s) { return x < s.first; });
    const auto &b = *it;
    const auto &a = *(it - 1);
    const double span = (b.first - a.first).seconds();
    return span > 0.0 ? a.second + (b.second - a.second) * (t - a.first).seconds() / span : b.second;
}

std::string acquisition_id(const std::string &request_id, int occurrence, int strip_id)
{
    return fmt::format("{}.{}.{}", request_id, occurrence, strip_id);
}

namespace detail {

namespace {

time::Instant at(const Instance &inst, double t_s)
{
    return inst.mission->start + time::Duration::from_seconds(t_s);
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty()) {
        return 0.0;
    }
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
    return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

/// metrics.latency_regions and relayed_acquisitions: the delivery age (end of the last part - end of the acquisition)
/// of every delivered acquisition, by the first latency region holding its target (else `other`).
void region_latencies(const Mission &m, Plan &plan)
{
    const std::size_t nr = m.latency_regions.size();
    std::vector<std::vector<double>> ages(nr + 1);
    std::vector<int> relayed(nr + 1, 0);
    plan.metrics.relayed_acquisitions = 0;
    for (const Acquisition &a : plan.acquisitions) {
        if (a.downlinks.empty()) {
            continue;
        }
        std::size_t r = 0;
        while (r < nr && !m.latency_regions[r].contains(a.target.lat_deg, a.target.lon_deg)) {
            ++r;
        }
        ages[r].push_back((a.delivered - a.end).seconds() / 3600.0);
        const bool via = std::any_of(a.downlinks.begin(), a.downlinks.end(), [](const DownlinkPart &p) { return p.relay.has_value(); });
        relayed[r] += via ? 1 : 0;
        plan.metrics.relayed_acquisitions += via ? 1 : 0;
    }
    plan.metrics.latency_regions.clear();
    if (nr == 0) {
        return;
    }
    for (std::size_t r = 0; r <= nr; ++r) {
        if (r == nr && ages[r].empty()) {
            break;
        }
        plan.metrics.latency_regions.push_back(RegionLatency{r < nr ? m.latency_regions[r].name : std::string("other"),
                                                             static_cast<int>(ages[r].size()), relayed[r],
                                                             percentile(ages[r], 0.5), percentile(ages[r], 0.95)});
    }
}

} // namespace

std::vector<UnservedReason> unserved_reasons(const Instance &inst, const Solution &sol_in)
{
    Solution sol = sol_in;
    std::vector<UnservedReason> out(inst.jobs.size(), UnservedReason::outcompeted);
    for (std::size_t j = 0; j < inst.jobs.size(); ++j) {
        if (sol.served(inst, j)) {
            continue;
        }
        throw_if_cancelled(inst.options);
        if (!inst.jobs[j].feasible) {
            // clouds: every task without an opportunity lost its opportunities to min_cloud_probability
            bool cloudy = !inst.task_cloud_dropped.empty();
            for (std::size_t t : inst.jobs[j].tasks) {
                if (inst.task_opps[t].empty() && (inst.task_cloud_dropped.empty() || inst.task_cloud_dropped[t] == 0)) {
                    cloudy = false;
                }
            }
            out[j] = inst.jobs[j].stereo_impossible ? UnservedReason::stereo
                     : cloudy                        ? UnservedReason::clouds
                                                     : UnservedReason::no_opportunity;
            continue;
        }
        std::vector<std::size_t> fresh;
        for (std::size_t t : inst.jobs[j].tasks) {
            if (sol.task_sat[t] == npos) {
                fresh.push_back(t);
            }
        }
        const PlaceStatus st = insert_job(inst, sol, j);
        switch (st) {
        case PlaceStatus::ok:
            out[j] = UnservedReason::share_limit; // it fits: only the share rule kept it out
            for (std::size_t t : fresh) {
                remove_task(inst, sol, t);
            }
            break;
        case PlaceStatus::storage:
            out[j] = UnservedReason::storage;
            break;
        case PlaceStatus::downlink:
            out[j] = UnservedReason::downlink;
            break;
        case PlaceStatus::power:
            out[j] = UnservedReason::power;
            break;
        default:
            out[j] = UnservedReason::outcompeted;
            break;
        }
    }
    return out;
}

std::vector<NearestMiss> nearest_misses(const Instance &inst, std::size_t job, const geometry::detail::SunTable &sun,
                                        double sun_t0_s)
{
    const Mission &m = *inst.mission;
    const Job &j = inst.jobs[job];
    const mission::Request &r = m.requests[j.request];
    std::vector<NearestMiss> out;
    // The task without an opportunity (the point, or the first such strip): its centre is what is looked at.
    std::size_t task = npos;
    for (std::size_t t : j.tasks) {
        if (inst.task_opps[t].empty()) {
            task = t;
            break;
        }
    }
    const double t0 = std::max(j.window_start_s, 0.0);
    const double t1 = std::min(j.window_end_s, inst.horizon_s);
    if (task == npos || !(t1 > t0)) {
        return out;
    }
    const Task &tk = inst.tasks[task];
    const frames::Geodetic g = tk.centre;
    const Vec3 p = frames::geodetic_to_itrf(g);
    for (std::size_t s = 0; s < m.satellites.size(); ++s) {
        const geometry::Sensor &sensor = m.satellites[s].sat.sensor;
        if (!mission::serves_kind(sensor, r) || inst.eph[s].empty()) {
            continue;
        }
        NearestMiss miss;
        miss.satellite = s;
        miss.norad_id = m.satellites[s].sat.propagator.elements().norad_id;
        bool tight = false;
        const auto lim = effective_limits(sensor, r, tight);
        if (!lim) {
            miss.limit = "excluded";
            out.push_back(miss);
            continue;
        }
        const Ephemeris &eph = inst.eph[s];
        // the limits at tau, or nullopt on the wrong pass direction
        auto eval = [&](double tau, std::vector<LimitViolation> *violations = nullptr) -> std::optional<LimitEval> {
            Vec3 rr, vv;
            eph.state(tau, rr, vv);
            const Vec3 sun_p = lim->min_sun_elevation_deg ? sun.position_itrf_km(tau - sun_t0_s) : Vec3::Zero();
            const LimitEval e = evaluate_limits(*lim, rr, vv, p, g, sun_p, violations);
            if (lim->pass_direction != geometry::PassDirection::any && e.pass != lim->pass_direction) {
                return std::nullopt;
            }
            return e;
        };
        constexpr double minus_inf = -std::numeric_limits<double>::infinity();
        // The objective: the elevation while the target never sees the satellite, else the margin where it does.
        // Coarse samples (the margin moves < 1 deg/s) test the elevation first, which is cheap; the limits are
        // evaluated only where the target sees the satellite (a few % of a day for a LEO satellite).
        const Vec3 up = geometry::ellipsoid_up_itrf(g);
        auto elevation_at = [&](double tau) {
            Vec3 rr, vv;
            eph.state(tau, rr, vv);
            return std::asin(std::clamp((rr - p).normalized().dot(up), -1.0, 1.0)) * rad_to_deg;
        };
        bool visible = false;
        bool wrong_pass = false;                        // seen, but only on the other pass direction
        std::vector<std::pair<double, double>> samples; // (tau, elevation) until visible, then (tau, margin)
        constexpr double coarse_s = 15.0;
        // Far below the horizon the step grows: the elevation of a LEO satellite changes by < 1 deg/s (0.86 deg/s
        // at the zenith of a 500-km orbit, less below the horizon), so from -e deg it needs > e s to rise.
        constexpr double max_elevation_rate_deg_s = 1.0;
        constexpr double max_step_s = 120.0;
        double step_s = coarse_s;
        for (double tau = t0; tau <= t1; tau += step_s) {
            const double elevation = elevation_at(tau);
            step_s = std::clamp((-elevation - 5.0) / max_elevation_rate_deg_s, coarse_s, max_step_s);
            if (elevation < 0.0) {
                if (!visible) {
                    samples.emplace_back(tau, elevation);
                }
                continue;
            }
            if (const auto e = eval(tau)) {
                if (!visible) {
                    samples.clear();
                    visible = true;
                }
                samples.emplace_back(tau, e->margin_deg);
            } else {
                wrong_pass = true;
            }
        }
        if (samples.empty() || (!visible && wrong_pass)) {
            miss.limit = "pass_direction";
            out.push_back(miss);
            continue;
        }
        auto objective = [&](double tau) {
            if (!visible) {
                return elevation_at(tau);
            }
            const auto e = eval(tau);
            return e && 90.0 - e->incidence_deg >= 0.0 ? e->margin_deg : minus_inf;
        };
        // The three best local maxima of the samples, refined by golden section to 0.01 s.
        std::vector<std::pair<double, double>> peaks;
        for (std::size_t i = 0; i < samples.size(); ++i) {
            const bool left = i == 0 || samples[i - 1].second <= samples[i].second;
            const bool right = i + 1 == samples.size() || samples[i + 1].second <= samples[i].second;
            if (left && right && samples[i].second > minus_inf) {
                peaks.push_back(samples[i]);
            }
        }
        std::sort(peaks.begin(), peaks.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
        peaks.resize(std::min<std::size_t>(peaks.size(), 3));
        double best_tau = peaks.front().first;
        double best = minus_inf;
        const double reach_s = visible ? coarse_s : max_step_s; // the samples' spacing around a peak, at most
        for (const auto &[tau_c, value_c] : peaks) {
            double a = std::max(t0, tau_c - reach_s), b = std::min(t1, tau_c + reach_s);
            const double phi = 0.5 * (std::sqrt(5.0) - 1.0);
            double x1 = b - phi * (b - a), x2 = a + phi * (b - a);
            double f1 = objective(x1), f2 = objective(x2);
            while (b - a > 0.01) {
                if (f1 < f2) {
                    a = x1;
                    x1 = x2;
                    f1 = f2;
                    x2 = a + phi * (b - a);
                    f2 = objective(x2);
                } else {
                    b = x2;
                    x2 = x1;
                    f2 = f1;
                    x1 = b - phi * (b - a);
                    f1 = objective(x1);
                }
            }
            const double mid = 0.5 * (a + b);
            for (const auto &[tau, value] : {std::pair{mid, objective(mid)}, std::pair{tau_c, value_c}}) {
                if (value > best) {
                    best = value;
                    best_tau = tau;
                }
            }
        }
        miss.time = m.start + time::Duration::from_seconds(best_tau);
        std::vector<LimitViolation> violated;
        eval(best_tau, &violated);
        if (!violated.empty()) {
            std::sort(violated.begin(), violated.end(),
                      [](const LimitViolation &a, const LimitViolation &b) { return a.rank_deg > b.rank_deg; });
            for (const auto &v : violated) {
                miss.misses.push_back(LimitMiss{v.limit, v.value_deg, v.bound_deg, v.excess_deg});
            }
            if (!visible) { // the target never sees the satellite: that is the miss, whatever else does not hold
                std::stable_partition(miss.misses.begin(), miss.misses.end(),
                                      [](const LimitMiss &l) { return l.limit == "elevation"; });
            }
            miss.limit = miss.misses.front().limit;
        } else {
            // Every limit holds at best_tau: the run where they hold (1-s steps) is too short for the scene, or cut
            // off by the occurrence's window or the horizon.
            auto holds = [&](double tau) {
                const auto x = eval(tau);
                return x && x->margin_deg >= 0.0;
            };
            double lo = best_tau, hi = best_tau;
            while (best_tau - lo < 3600.0 && holds(lo - 1.0)) {
                lo -= 1.0;
            }
            while (hi - best_tau < 3600.0 && holds(hi + 1.0)) {
                hi += 1.0;
            }
            const bool stares = !mission::images_at_crossing(m.satellites[s].sat.sensor);
            miss.limit = stares && hi - lo < tk.duration_s ? "duration" : "window";
            const double usable = std::max(0.0, std::min(hi, t1) - std::max(lo, t0));
            miss.misses.push_back(LimitMiss{miss.limit, usable, tk.duration_s, std::max(0.0, tk.duration_s - usable)});
        }
        out.push_back(miss);
    }
    return out;
}

std::vector<Blocker> blockers(const Instance &inst, const Solution &sol, std::size_t job)
{
    const Mission &m = *inst.mission;
    std::vector<Blocker> out;
    for (std::size_t t : inst.jobs[job].tasks) {
        if (sol.task_sat[t] != npos) {
            continue;
        }
        Placement p;
        if (find_placement(inst, sol, t, p, nullptr) == PlaceStatus::ok) {
            continue; // this one fits: another task of the job is the one that does not
        }
        std::vector<std::pair<std::size_t, std::size_t>> seen; // (satellite, slot)
        for (std::size_t oi : inst.task_opps[t]) {
            const Opportunity &o = inst.opps[oi];
            const SatInfo &si = inst.sats[o.sat];
            const double reach = si.pointable ? transition_s(max_slew_measure_deg(si.agility), si.agility) : 0.0;
            const double a = o.k_min * inst.step_s - reach;
            const double b = o.k_max * inst.step_s + inst.tasks[t].duration_s + reach;
            const auto &tl = sol.timeline[o.sat];
            for (std::size_t i = 0; i < tl.size(); ++i) {
                if (tl[i].end >= a && tl[i].start <= b && std::find(seen.begin(), seen.end(), std::pair{o.sat, i}) == seen.end()) {
                    seen.emplace_back(o.sat, i);
                }
            }
        }
        std::sort(seen.begin(), seen.end(), [&](const auto &x, const auto &y) {
            return std::tie(sol.timeline[x.first][x.second].start, x.first) < std::tie(sol.timeline[y.first][y.second].start, y.first);
        });
        for (const auto &[sat, i] : seen) {
            const Slot &sl = sol.timeline[sat][i];
            const Task &bt = inst.tasks[inst.opps[sl.opp].task];
            const Job &bj = inst.jobs[bt.job];
            const auto &r = m.requests[bj.request];
            out.push_back(Blocker{acquisition_id(r.id, bj.occurrence, bt.strip), r.id, r.tenant, bj.tier, sat,
                                  at(inst, sl.start), at(inst, sl.end), m.satellites[sat].sat.propagator.elements().norad_id});
        }
        break; // the first task that does not fit
    }
    return out;
}

Plan make_plan(const Instance &inst, const Solution &sol)
{
    const Mission &m = *inst.mission;
    Plan plan;
    plan.seed = inst.options.seed;
    plan.iterations = inst.options.iterations;
    const geometry::detail::SunTable sun(m.start - time::Duration::from_seconds(600.0), m.stop + time::Duration::from_seconds(600.0), m.eop);
    std::vector<double> job_delivered(inst.jobs.size(), 0.0);
    for (std::size_t s = 0; s < sol.timeline.size(); ++s) {
        const auto &tl = sol.timeline[s];
        const SimResult sim = simulate(inst, s, tl, true);
        const SatInfo &si = inst.sats[s];
        for (std::size_t i = 0; i < tl.size(); ++i) {
            const Slot &sl = tl[i];
            const Opportunity &o = inst.opps[sl.opp];
            const Task &t = inst.tasks[o.task];
            const Job &j = inst.jobs[t.job];
            const auto &r = m.requests[j.request];
            Acquisition a;
            a.request_id = r.id;
            a.occurrence = j.occurrence;
            a.strip_id = t.strip;
            a.strip_count = static_cast<int>(j.tasks.size());
            a.acquisition_id = acquisition_id(r.id, j.occurrence, t.strip);
            a.tenant = r.tenant;
            a.satellite = s;
            a.start = at(inst, sl.start);
            a.end = at(inst, sl.end);
            a.target = t.centre;
            a.scan_start = o.reversed ? t.b : t.a;
            a.scan_end = o.reversed ? t.a : t.b;
            a.look_start_lvlh = sl.look_start;
            a.look_end_lvlh = sl.look_end;
            if (const Slot *before = slot_before(inst, s, tl, i); before && si.pointable) {
                a.slew_before_deg = slew_measure_deg(before->look_end, sl.look_start, si.agility);
                a.slew_before_s = transition_s(a.slew_before_deg, si.agility);
            }
            const bool served = sol.served(inst, t.job);
            a.value = served ? j.value * o.p_usable / static_cast<double>(j.tasks.size()) : 0.0;
            if (o.cloud_cover_pct >= 0.0) {
                a.cloud_cover_pct = o.cloud_cover_pct;
                a.cloud_probability = o.p_usable;
                a.cloud_source = o.cloud_source;
                a.cloud_time = at(inst, o.cloud_time_s);
            }
            a.data_gbit = inst.data_gbit(o.task, s);
            a.limits = o.limits;
            // off-nadir / incidence: largest over the acquisition, sampled every <= 1 s and at both ends
            const int nsamp = std::max(2, static_cast<int>(std::ceil(t.duration_s)) + 1);
            bool seen_left = false, seen_right = false;
            const bool crossing = o.limits.along_track_half_angle_deg.has_value();
            AcquisitionLimits geo = o.limits; // the Sun is not evaluated here (it holds over the whole acquisition)
            geo.min_sun_elevation_deg.reset();
            auto look_at = [&](double f) {
                Vec3 rr, vv;
                inst.eph[s].state(sl.start + f * t.duration_s, rr, vv);
                const Vec3 p = inst.scan_point(o, f);
                return evaluate_limits(geo, rr, vv, p, frames::itrf_to_geodetic(p), Vec3::Zero());
            };
            // The imaging instant of a crossing sensor: where its limits hold with the largest margin (the
            // crossing of the beam or line, unless another limit binds there), by samples then golden section.
            double best_f = 0.5, best_margin = -std::numeric_limits<double>::infinity();
            for (int q = 0; q < nsamp; ++q) {
                const double f = static_cast<double>(q) / (nsamp - 1);
                const auto e = look_at(f);
                a.off_nadir_deg = std::max(a.off_nadir_deg, e.off_nadir_deg);
                a.incidence_deg = std::max(a.incidence_deg, e.incidence_deg);
                (e.side == geometry::LookSide::left ? seen_left : seen_right) = true;
                if (e.gsd_m > a.gsd_m) { // the coarsest over the acquisition (a staring sensor's)
                    a.gsd_along_m = e.gsd_along_m;
                    a.gsd_cross_m = e.gsd_cross_m;
                    a.gsd_m = e.gsd_m;
                }
                if (e.margin_deg > best_margin) {
                    best_margin = e.margin_deg;
                    best_f = f;
                }
            }
            if (crossing) {
                const double df = 1.0 / (nsamp - 1);
                double lo = std::max(0.0, best_f - df), hi = std::min(1.0, best_f + df);
                const double gr = 0.5 * (std::sqrt(5.0) - 1.0);
                for (int it = 0; it < 40 && (hi - lo) * t.duration_s > 1e-4; ++it) {
                    const double x1 = hi - gr * (hi - lo), x2 = lo + gr * (hi - lo);
                    if (look_at(x1).margin_deg < look_at(x2).margin_deg) {
                        lo = x1;
                    } else {
                        hi = x2;
                    }
                }
                if (look_at(0.5 * (lo + hi)).margin_deg > best_margin) { // else the sample was the better one
                    best_f = 0.5 * (lo + hi);
                }
            }
            a.along_track_deg = look_at(crossing ? best_f : 0.5).along_track_deg;
            if (crossing) { // the resolution at the imaging instant
                const auto e = look_at(best_f);
                a.gsd_along_m = e.gsd_along_m;
                a.gsd_cross_m = e.gsd_cross_m;
                a.gsd_m = e.gsd_m;
            }
            // One side throughout, or `both` for an acquisition that crosses the ground track (found by the
            // independent plan checker: a strip reported `left` looked right for part of it).
            a.look_side = seen_left && seen_right ? geometry::LookSide::both
                                                  : (seen_left ? geometry::LookSide::left : geometry::LookSide::right);
            for (const auto &p : sim.parts) {
                if (p.slot == i) {
                    const Contact &c = inst.contacts[s][p.contact];
                    a.downlinks.push_back(DownlinkPart{c.station, at(inst, p.start), at(inst, p.end), p.data_gbit,
                                                       c.relay == npos ? std::nullopt : std::optional<std::size_t>(c.relay)});
                }
            }
            if (j.stereo) {
                Vec3 rr, vv;
                inst.eph[s].state(0.5 * (sl.start + sl.end), rr, vv);
                a.stereo_view_deg = geometry::along_track_view_angle_deg(rr, vv, t.centre);
            }
            a.delivered = at(inst, sim.delivered[i]);
            if (served) {
                job_delivered[t.job] = std::max(job_delivered[t.job], sim.delivered[i]);
            }
            plan.acquisitions.push_back(std::move(a));
        }
        // downlinks: contiguous parts in one contact make one antenna use
        for (std::size_t k = 0; k < sim.parts.size(); ++k) {
            const auto &p = sim.parts[k];
            const Contact &c = inst.contacts[s][p.contact];
            if (!plan.downlinks.empty() && k > 0 && sim.parts[k - 1].contact == p.contact
                && std::abs(sim.parts[k - 1].end - p.start) < 1e-9 && plan.downlinks.back().satellite == s) {
                plan.downlinks.back().end = at(inst, p.end);
                plan.downlinks.back().data_gbit += p.data_gbit;
                continue;
            }
            Downlink d;
            d.satellite = s;
            d.station = c.station;
            d.antenna = c.antenna;
            d.start = at(inst, p.start);
            d.end = at(inst, p.end);
            d.data_gbit = p.data_gbit;
            if (c.relay != npos) {
                d.relay = c.relay;
            }
            d.link_start = c.relay != npos ? at(inst, c.link_start_s) : d.start;
            plan.downlinks.push_back(d);
        }
        if (si.power) {
            EnergyProfile e;
            e.satellite = s;
            for (const auto &[t, wh] : sim.energy) {
                e.samples.emplace_back(at(inst, t), wh);
            }
            e.min_wh = sim.min_energy_wh;
            e.min_time = at(inst, sim.min_energy_s);
            plan.energy.push_back(std::move(e));
        }
    }
    std::sort(plan.acquisitions.begin(), plan.acquisitions.end(), [](const Acquisition &a, const Acquisition &b) {
        return std::tie(a.start, a.satellite) < std::tie(b.start, b.satellite);
    });
    // stereo: each image's B/H with the set's previous image (acquisitions are in time order here)
    std::map<std::pair<std::string, int>, double> last_view;
    for (auto &a : plan.acquisitions) {
        if (a.stereo_view_deg) {
            const auto key = std::make_pair(a.request_id, a.occurrence);
            if (auto it = last_view.find(key); it != last_view.end()) {
                a.stereo_bh = geometry::base_to_height(it->second, *a.stereo_view_deg);
            }
            last_view[key] = *a.stereo_view_deg;
        }
    }
    for (auto &a : plan.acquisitions) {
        a.storage_after_gbit = storage_at_gbit(plan, a.satellite, a.end);
        for (const auto &e : plan.energy) {
            if (e.satellite == a.satellite) {
                a.battery_wh_after = energy_at_wh(e, a.end);
            }
        }
    }
    for (auto &d : plan.downlinks) {
        d.storage_after_gbit = storage_at_gbit(plan, d.satellite, d.end);
    }
    std::sort(plan.downlinks.begin(), plan.downlinks.end(), [](const Downlink &a, const Downlink &b) {
        return std::tie(a.start, a.satellite) < std::tie(b.start, b.satellite);
    });
    // unserved and metrics
    const auto reasons = unserved_reasons(inst, sol);
    // Nearest misses of the occurrences without an opportunity, in parallel (each independent; results by job).
    std::vector<std::vector<NearestMiss>> misses(inst.jobs.size());
    {
        std::vector<std::size_t> todo;
        for (std::size_t ji = 0; ji < inst.jobs.size(); ++ji) {
            if (reasons[ji] == UnservedReason::no_opportunity && !sol.served(inst, ji)) {
                todo.push_back(ji);
            }
        }
        if (!todo.empty()) {
            throw_if_cancelled(inst.options);
            tbb::task_arena arena(m.search.threads > 0 ? m.search.threads : tbb::task_arena::automatic);
            arena.execute([&] {
                tbb::parallel_for(std::size_t{0}, todo.size(), [&](std::size_t i) {
                    misses[todo[i]] = nearest_misses(inst, todo[i], sun, -600.0);
                });
            });
        }
    }
    std::vector<double> latencies;
    PlanMetrics &mt = plan.metrics;
    std::map<std::string, TenantMetrics> by_tenant;
    for (std::size_t n = 0; n < m.tenants.size(); ++n) {
        by_tenant[m.tenants[n].name] = TenantMetrics{m.tenants[n].name, 0.0, 0.0, inst.shares[n], 0, 0};
    }
    std::vector<TierMetrics> by_tier(mission::tier_count);
    for (int t = 0; t < mission::tier_count; ++t) {
        by_tier[static_cast<std::size_t>(t)].tier = static_cast<mission::Tier>(t);
    }
    for (std::size_t ji = 0; ji < inst.jobs.size(); ++ji) {
        const Job &j = inst.jobs[ji];
        const auto &r = m.requests[j.request];
        auto &tm = by_tenant[r.tenant];
        tm.tenant = r.tenant;
        ++tm.total;
        ++mt.requests_total;
        TierMetrics &tier = by_tier[static_cast<std::size_t>(j.tier)];
        ++tier.total;
        tier.with_opportunity += j.feasible ? 1 : 0;
        if (sol.served(inst, ji)) {
            const double v = j.value * sol.job_factor[ji]; // the expected value with clouds
            ++tier.served;
            tier.value += v;
            ++mt.requests_served;
            ++tm.served;
            tm.value += v;
            mt.value += v;
            mt.value_if_clear += j.value;
            // from the occurrence window's own start, also when it opened before the horizon (the requester's wait)
            latencies.push_back((job_delivered[ji] - j.window_opens_s) / 3600.0);
            continue;
        }
        Unserved u;
        u.request_id = r.id;
        u.occurrence = j.occurrence;
        u.reason = reasons[ji];
        if (u.reason == UnservedReason::outcompeted) {
            throw_if_cancelled(inst.options);
            u.blocked_by = blockers(inst, sol, ji);
        } else if (u.reason == UnservedReason::no_opportunity) {
            u.nearest_misses = std::move(misses[ji]);
        } else if (u.reason == UnservedReason::storage || u.reason == UnservedReason::downlink
                   || u.reason == UnservedReason::power) {
            throw_if_cancelled(inst.options);
            if (const auto f = capacity_failure(inst, sol, ji)) {
                CapacityMiss c;
                c.satellite = f->sat;
                c.norad_id = m.satellites[f->sat].sat.propagator.elements().norad_id;
                c.time = at(inst, f->time_s);
                if (f->reason == UnservedReason::power) {
                    c.deficit_wh = f->gbit; // no contacts: the battery, not a station, is what is short
                } else {
                    c.excess_gbit = f->gbit;
                    for (const Contact &ct : inst.contacts[f->sat]) {
                        if (ct.end_s <= f->time_s) {
                            continue;
                        }
                        c.contacts.push_back(
                            ContactWindow{m.stations[ct.station].name, at(inst, ct.start_s), at(inst, ct.end_s)});
                        if (f->reason == UnservedReason::storage || c.contacts.size() == 8) {
                            break;
                        }
                    }
                }
                u.capacity = std::move(c);
            }
        }
        if (j.polygon) {
            for (std::size_t t : j.tasks) {
                if (sol.task_sat[t] != npos) {
                    u.covered_fraction += inst.tasks[t].area_fraction;
                }
            }
            u.covered_fraction = std::min(u.covered_fraction, 1.0);
        }
        plan.unserved.push_back(u);
    }
    std::sort(plan.unserved.begin(), plan.unserved.end(), [](const Unserved &a, const Unserved &b) {
        return std::tie(a.request_id, a.occurrence) < std::tie(b.request_id, b.occurrence);
    });
    for (auto &[name, tm] : by_tenant) {
        tm.share = mt.value > 0.0 ? tm.value / mt.value : 0.0;
        mt.tenants.push_back(tm);
    }
    for (const auto &tier : by_tier) {
        if (tier.total > 0) {
            mt.tiers.push_back(tier);
        }
    }
    mt.latency_p50_h = percentile(latencies, 0.5);
    mt.latency_p95_h = percentile(latencies, 0.95);
    region_latencies(m, plan);
    mt.opportunities = inst.opps.size();
    mt.opportunities_seconds = inst.opportunities_seconds;
    return plan;
}

std::vector<std::string> check_solution(const Instance &inst, const Solution &sol)
{
    std::vector<std::string> bad;
    const Mission &m = *inst.mission;
    const geometry::detail::SunTable sun(m.start - time::Duration::from_seconds(600.0), m.stop + time::Duration::from_seconds(600.0), m.eop);
    // value bookkeeping
    double value = 0.0;
    for (std::size_t j = 0; j < inst.jobs.size(); ++j) {
        int n = 0;
        for (std::size_t t : inst.jobs[j].tasks) {
            n += sol.task_sat[t] != npos ? 1 : 0;
        }
        if (n != sol.job_done[j]) {
            bad.push_back(fmt::format("job {}: job_done {} but {} tasks scheduled", j, sol.job_done[j], n));
        }
        if (sol.served(inst, j)) {
            value += inst.jobs[j].value * job_factor(inst, sol, j);
            if (std::abs(job_factor(inst, sol, j) - sol.job_factor[j]) > 1e-12) {
                bad.push_back(fmt::format("job {}: value factor {} but its opportunities give {}", j, sol.job_factor[j],
                                          job_factor(inst, sol, j)));
            }
        }
    }
    if (std::abs(value - sol.value) > 1e-6) {
        bad.push_back(fmt::format("value {} but served jobs sum to {}", sol.value, value));
    }
    for (std::size_t s = 0; s < sol.timeline.size(); ++s) {
        const auto &tl = sol.timeline[s];
        const SatInfo &si = inst.sats[s];
        for (std::size_t i = 0; i < tl.size(); ++i) {
            const Slot &sl = tl[i];
            const Opportunity &o = inst.opps[sl.opp];
            const Task &t = inst.tasks[o.task];
            const Job &j = inst.jobs[t.job];
            if (o.sat != s) {
                bad.push_back(fmt::format("sat {} slot {}: opportunity of satellite {}", s, i, o.sat));
            }
            if (sl.k < o.k_min || sl.k > o.k_max) {
                bad.push_back(fmt::format("sat {} slot {}: start step {} outside [{}, {}]", s, i, sl.k, o.k_min, o.k_max));
            }
            if (sl.start < j.window_start_s - 1e-6 || sl.end > j.window_end_s + 1e-6) {
                bad.push_back(fmt::format("sat {} slot {}: outside the occurrence window", s, i));
            }
            // geometry at 1-s samples (the access window certifies points; strips were sampled at <= 2 s)
            const int nsamp = std::max(2, static_cast<int>(std::ceil(t.duration_s)) + 1);
            for (int q = 0; q < nsamp; ++q) {
                const double f = static_cast<double>(q) / (nsamp - 1);
                const double tau = sl.start + f * t.duration_s;
                Vec3 r, v;
                inst.eph[s].state(tau, r, v);
                const Vec3 p = inst.scan_point(o, f);
                const auto e = evaluate_limits(o.limits, r, v, p, frames::itrf_to_geodetic(p), sun.position_itrf_km(tau + 600.0));
                // 1e-3 deg: access-window edges are refined to 1 ms (< 1e-3 deg of motion) and starts lie inside
                if (e.margin_deg < -1e-3) {
                    bad.push_back(fmt::format("sat {} slot {}: geometry limit violated by {} deg at fraction {}", s, i, -e.margin_deg, f));
                    break;
                }
            }
            // look vectors are those of the slot's times
            Vec3 ls, le;
            inst.looks(o, sl.k, ls, le);
            if (angle_deg(ls, sl.look_start) > 1e-9 || angle_deg(le, sl.look_end) > 1e-9) {
                bad.push_back(fmt::format("sat {} slot {}: stale look vectors", s, i));
            }
            if (const Slot *before = slot_before(inst, s, tl, i)) {
                const Slot &p = *before;
                const double need = si.pointable ? transition_s(p.look_end, sl.look_start, si.agility) : 0.0;
                if (sl.start < p.end + need - 1e-6) {
                    bad.push_back(fmt::format("sat {} slot {}: {} s after the previous one, needs {} s", s, i, sl.start - p.end, need));
                }
            }
        }
        const SimResult sim = simulate(inst, s, tl, true);
        if (!sim.ok) {
            bad.push_back(fmt::format("sat {}: storage/downlink/power simulation fails ({})", s, to_string(sim.failure)));
        }
        for (std::size_t i = 0; i < tl.size(); ++i) {
            if (sim.storage_after[i] < -1e-9 || sim.storage_after[i] > si.storage_gbit + 1e-9) {
                bad.push_back(fmt::format("sat {} slot {}: storage {} Gbit outside [0, {}]", s, i, sim.storage_after[i], si.storage_gbit));
            }
            if (std::abs(sol.delivered[s][i] - sim.delivered[i]) > 1e-6) {
                bad.push_back(fmt::format("sat {} slot {}: cached delivery differs from the simulation", s, i));
            }
        }
        for (const auto &p : sim.parts) {
            const Contact &c = inst.contacts[s][p.contact];
            if (p.start < c.start_s - 1e-9 || p.end > c.end_s + 1e-9 || p.start < tl[p.slot].end - 1e-9) {
                bad.push_back(fmt::format("sat {}: downlink part outside its contact or before its acquisition ends", s));
            }
            const std::size_t tenant = inst.jobs[inst.tasks[inst.opps[tl[p.slot].opp].task].job].tenant;
            if (!inst.station_allowed(tenant, c.station)) {
                bad.push_back(fmt::format("sat {}: image sent through a station its nation does not allow", s));
            }
        }
        if (si.cap_s) {
            for (std::size_t i = 0; i < tl.size(); ++i) {
                double sum = 0.0;
                for (std::size_t k = i; k < tl.size() && tl[k].start < tl[i].start + si.orbit_period_s; ++k) {
                    sum += tl[k].end - tl[k].start;
                }
                if (sum > *si.cap_s + 1e-6) {
                    bad.push_back(fmt::format("sat {}: {} s of imaging within one orbit after slot {}", s, sum, i));
                }
            }
        }
    }
    // antennas and relay terminals: contacts of one never overlap (a relay's from its link acquisition), nor contacts of
    // one satellite
    std::map<std::tuple<std::size_t, std::size_t, int>, std::vector<std::pair<double, double>>> ant;
    for (std::size_t s = 0; s < inst.contacts.size(); ++s) {
        for (std::size_t i = 0; i < inst.contacts[s].size(); ++i) {
            const auto &c = inst.contacts[s][i];
            ant[{c.relay, c.relay == npos ? c.station : 0, c.antenna}].emplace_back(c.link_start_s, c.end_s);
            if (i > 0 && c.link_start_s < inst.contacts[s][i - 1].end_s - 1e-9) {
                bad.push_back(fmt::format("sat {}: two contacts at once", s));
            }
        }
    }
    for (auto &[k, v] : ant) {
        std::sort(v.begin(), v.end());
        for (std::size_t i = 1; i < v.size(); ++i) {
            if (v[i].first < v[i - 1].second - 1e-9) {
                bad.push_back(fmt::format("relay {} station {} antenna {}: two satellites at once", std::get<0>(k),
                                          std::get<1>(k), std::get<2>(k)));
            }
        }
    }
    if (share_deficit(inst, sol) > 1e-6) {
        bad.push_back(fmt::format("share rule violated by {}", share_deficit(inst, sol)));
    }
    return bad;
}

} // namespace detail

double storage_at_gbit(const Plan &plan, std::size_t satellite, const time::Instant &t)
{
    auto frac = [&](const time::Instant &a, const time::Instant &b) {
        if (!(t > a)) {
            return 0.0;
        }
        if (!(t < b)) {
            return 1.0;
        }
        return (t - a).seconds() / (b - a).seconds();
    };
    double level = 0.0;
    for (const auto &a : plan.acquisitions) {
        if (a.satellite != satellite) {
            continue;
        }
        level += a.data_gbit * frac(a.start, a.end);
        for (const auto &p : a.downlinks) {
            level -= p.data_gbit * frac(p.start, p.end);
        }
    }
    return std::abs(level) < 1e-9 ? 0.0 : level;
}

Plan plan(const Mission &mission, const PlanningOptions &options, OpportunityCache *cache)
{
    validate_mission(mission);
    const detail::Instance inst = detail::build_instance(mission, options, cache);
    detail::SearchStats stats;
    const detail::Solution sol = detail::search(inst, nullptr, nullptr, stats);
    const detail::Bounds b = detail::compute_bounds(inst, sol.value);
    Plan p = detail::make_plan(inst, sol);
    detail::set_bound_metrics(p.metrics, b);
    p.metrics.time_limit_hit = stats.time_limit_hit;
    p.metrics.iterations_done = stats.iterations_done;
    p.metrics.constructive_value = stats.constructive_value;
    p.metrics.plan_seconds = stats.seconds;
    return p;
}

} // namespace vantage::scheduling

namespace vantage::scheduling {

void compare_without_relays(const Mission &mission, const PlanningOptions &options, Plan &with_relays, OpportunityCache *cache)
{
    if (mission.relays.empty()) {
        return;
    }
    Mission direct = mission;
    direct.relays.clear();
    const Plan p = plan(direct, options, cache);
    PlanMetrics::WithoutRelays w;
    w.value = p.metrics.value;
    w.requests_served = p.metrics.requests_served;
    w.latency_p50_h = p.metrics.latency_p50_h;
    w.latency_p95_h = p.metrics.latency_p95_h;
    w.latency_regions = p.metrics.latency_regions;
    with_relays.metrics.without_relays = std::move(w);
}

} // namespace vantage::scheduling
