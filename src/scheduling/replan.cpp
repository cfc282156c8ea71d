// replan(): keep what is frozen, keep what still fits, repair the rest with the least change.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "vantage/core/error.hpp"
#include "vantage/scheduling/detail/tasking_instance.hpp"
#include "vantage/scheduling/plan.hpp"

namespace vantage::scheduling {

namespace {

/// The bound of a replan without solving a relaxation again, when that is valid: the previous bound still holds
/// for the old requests (the frozen part, removed stations and failed images only restrict them; a failed image
/// frees nothing the old problem could not also have left unused), so UB_new <= UB_old + the value of the added
/// occurrences, and <= the trivial bound. Not with new element sets. False (solve the relaxation) otherwise, or
/// if the plan's value exceeds it (it never should; then the bound is computed afresh).
bool reuse_bound(const detail::Instance &inst, const Mission &m, const PreviousPlan &previous, const ReplanInput &input,
                 double value, PlanMetrics &metrics)
{
    if (input.elements_changed || !(previous.metrics.value_upper_bound > 0.0)) {
        return false;
    }
    const auto t0 = std::chrono::steady_clock::now();
    std::set<std::string> added_ids;
    for (const auto &r : input.added) {
        added_ids.insert(r.id);
    }
    double trivial = 0.0, added_value = 0.0;
    for (std::size_t ji = 0; ji < inst.jobs.size(); ++ji) {
        const double v = detail::job_bound_value(inst, ji);
        trivial += v;
        if (added_ids.count(m.requests[inst.jobs[ji].request].id)) {
            added_value += v;
        }
    }
    const double reused = previous.metrics.value_upper_bound + added_value;
    const double bound = std::min(trivial, reused);
    if (value > bound + 1e-9 * std::max(1.0, bound)) {
        return false;
    }
    metrics.value_trivial_bound = trivial;
    metrics.value_upper_bound = bound;
    metrics.bound_method = reused < trivial ? "previous_plus_added" : "trivial";
    metrics.bound_is_optimal = value >= bound - 1e-9 * std::max(1.0, bound);
    metrics.bound_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return true;
}

} // namespace

Mission mission_after(const Mission &mission, const ReplanInput &input, const PlanningOptions &options)
{
    Mission m = mission;
    std::set<std::string> ids;
    for (const auto &r : m.requests) {
        ids.insert(r.id);
    }
    if (!input.removed_requests.empty()) {
        const std::set<std::string> gone(input.removed_requests.begin(), input.removed_requests.end());
        for (std::size_t i = 0; i < input.removed_requests.size(); ++i) {
            if (!ids.count(input.removed_requests[i])) {
                throw ConfigError(ErrorCode::missing_field, "no request of that id in the mission",
                                  ErrorContext{"", 0, "--remove-request", input.removed_requests[i]});
            }
        }
        std::erase_if(m.requests, [&](const mission::Request &r) { return gone.count(r.id) > 0; });
        for (const auto &id : gone) {
            ids.erase(id);
        }
    }
    for (std::size_t i = 0; i < input.added.size(); ++i) {
        if (!ids.insert(input.added[i].id).second) {
            throw ConfigError(ErrorCode::duplicate, fmt::format("request id '{}' is already in the mission", input.added[i].id),
                              ErrorContext{"--add", 0, fmt::format("requests[{}].id", i), input.added[i].id});
        }
        m.requests.push_back(input.added[i]);
    }
    const time::Instant far = m.stop + time::Duration::from_hours(options.delivery_margin_h + 24.0);
    for (const auto &name : input.removed_stations) {
        const bool known = std::any_of(m.stations.begin(), m.stations.end(), [&](const auto &s) { return s.name == name; });
        if (!known) {
            throw ConfigError(ErrorCode::missing_field, "no ground station of that name in the scenario",
                              ErrorContext{"", 0, "--remove-station", name});
        }
        m.outages.push_back(Outage{name, input.now, far});
    }
    return m;
}

PreviousPlan previous_plan_of(const Plan &plan, const Mission &mission)
{
    auto norad = [&](std::size_t s) { return mission.satellites.at(s).sat.propagator.elements().norad_id; };
    PreviousPlan p;
    for (const auto &a : plan.acquisitions) {
        p.acquisitions.push_back(PreviousAcquisition{a.acquisition_id, a.request_id, a.occurrence, a.strip_id,
                                                     norad(a.satellite), a.start, a.end});
    }
    for (const auto &d : plan.downlinks) {
        p.downlinks.push_back(PreviousDownlink{norad(d.satellite), mission.stations.at(d.station).name, d.antenna,
                                               d.relay ? mission.relays.at(*d.relay).end.name : std::string(), d.start, d.end});
    }
    p.seed = plan.seed;
    p.iterations = plan.iterations;
    p.metrics = plan.metrics;
    p.unserved = plan.unserved;
    return p;
}

Replanner::Replanner(Mission mission, PlanningOptions options)
    : m_mission(std::move(mission)), m_options(options), m_plan(scheduling::plan(m_mission, m_options, &m_cache))
{
}

void Replanner::set_propagator(std::size_t satellite, const orbits::Sgp4Propagator &propagator)
{
    m_mission.satellites.at(satellite).sat.propagator = propagator;
    m_elements_changed = true;
}

const Plan &Replanner::replan(const ReplanInput &input, PlanChanges &changes)
{
    ReplanInput in = input;
    in.elements_changed = in.elements_changed || m_elements_changed;
    Plan next = scheduling::replan(m_mission, previous_plan_of(m_plan, m_mission), in, m_options, changes, &m_cache);
    m_mission = mission_after(m_mission, in, m_options);
    m_plan = std::move(next);
    m_elements_changed = false;
    return m_plan;
}

Plan replan(const Mission &mission, const PreviousPlan &previous, const ReplanInput &input, const PlanningOptions &options,
            PlanChanges &changes, OpportunityCache *cache)
{
    using namespace detail;
    const Mission m = mission_after(mission, input, options);
    std::set<std::string> failed(input.failed.begin(), input.failed.end());
    for (const auto &id : failed) {
        const bool known = std::any_of(previous.acquisitions.begin(), previous.acquisitions.end(),
                                       [&](const auto &a) { return a.acquisition_id == id; });
        if (!known) {
            throw ConfigError(ErrorCode::missing_field, "no acquisition of that id in the previous plan",
                              ErrorContext{"", 0, "--failed", id});
        }
    }
    validate_mission(m);
    const bool changed = input.changes_anything();
    const double freeze_h = input.freeze_h.value_or(options.freeze_h);
    const time::Instant t_freeze = input.now + time::Duration::from_hours(freeze_h);
    changes = PlanChanges{};
    changes.now = input.now;
    changes.freeze_h = freeze_h;

    Instance inst = build_instance(m, options, cache);
    const double freeze_s = (t_freeze - m.start).seconds();
    const int k_from = static_cast<int>(std::ceil(freeze_s / inst.step_s - 1e-9));
    // Templates for frozen acquisitions (limits and scan direction of a matching opportunity), before clipping.
    std::map<std::pair<std::size_t, std::size_t>, Opportunity> template_opp; // (task, sat)
    for (const auto &o : inst.opps) {
        template_opp.emplace(std::make_pair(o.task, o.sat), o);
    }
    const std::vector<Opportunity> unclipped = inst.opps;
    restrict_opportunities(inst, k_from);

    // ---- map the previous plan onto the new instance
    std::map<std::tuple<std::string, int, int>, std::size_t> task_of;
    for (std::size_t t = 0; t < inst.tasks.size(); ++t) {
        const Job &j = inst.jobs[inst.tasks[t].job];
        task_of[{m.requests[j.request].id, j.occurrence, inst.tasks[t].strip}] = t;
    }
    std::map<std::uint32_t, std::size_t> sat_of;
    for (std::size_t s = 0; s < m.satellites.size(); ++s) {
        sat_of[m.satellites[s].sat.propagator.elements().norad_id] = s;
    }
    std::vector<std::size_t> prev_sat(inst.tasks.size(), npos);
    std::vector<int> prev_k(inst.tasks.size(), 0);
    std::vector<char> locked(inst.tasks.size(), 0);
    std::vector<PreviousAcquisition> prev = previous.acquisitions;
    std::sort(prev.begin(), prev.end(), [](const auto &a, const auto &b) { return a.start < b.start; });
    Solution sol = empty_solution(inst);
    std::vector<const PreviousAcquisition *> later;
    for (const auto &a : prev) {
        if (failed.count(a.acquisition_id)) {
            changes.failed.push_back(a.acquisition_id);
            continue;
        }
        auto ti = task_of.find({a.request_id, a.occurrence, a.strip_id});
        auto si = sat_of.find(a.norad_id);
        if (ti == task_of.end() || si == sat_of.end()) {
            continue; // request or satellite gone: removed
        }
        const std::size_t t = ti->second, s = si->second;
        const int k = static_cast<int>(std::lround((a.start - m.start).seconds() / inst.step_s));
        prev_sat[t] = s;
        prev_k[t] = k;
        if (a.start < t_freeze) {
            // frozen: kept exactly as it was (committed), whatever the new geometry says
            Opportunity o;
            if (auto it = template_opp.find({t, s}); it != template_opp.end()) {
                o = it->second;
            } else {
                o.task = t;
                o.sat = s;
                for (const auto &u : unclipped) {
                    if (u.task == t) {
                        o.limits = u.limits;
                        o.reversed = u.reversed;
                        break;
                    }
                }
            }
            o.k_min = o.k_max = k;
            inst.opps.push_back(o);
            force_place(inst, sol, inst.opps.size() - 1, k);
            locked[t] = 1;
            inst.jobs[inst.tasks[t].job].feasible = true;
            changes.frozen.push_back(a.acquisition_id);
        } else {
            later.push_back(&a);
        }
    }
    // keep later acquisitions where they still fit exactly (time order)
    for (const PreviousAcquisition *a : later) {
        const std::size_t t = task_of.at({a->request_id, a->occurrence, a->strip_id});
        const std::size_t s = sat_of.at(a->norad_id);
        for (std::size_t oi : inst.task_opps[t]) {
            if (inst.opps[oi].sat != s) {
                continue;
            }
            Placement p;
            SimResult sim;
            if (try_place_at(inst, sol, oi, prev_k[t], p, &sim) == PlaceStatus::ok) {
                apply_placement(inst, sol, p, std::move(sim));
                break;
            }
        }
    }
    count_share_feasible(inst);

    // ---- repair: insert what fits; search (only when something changed) with a price on every change
    PlanningOptions opt = options;
    opt.iterations = changed ? options.replan_iterations : 0;
    inst.options = opt;
    SearchStats stats;
    Solution out = search(inst, &sol, &locked, stats, &prev_sat, &prev_k);
    Plan p = make_plan(inst, out);
    if (!changed) {
        p.metrics.value_upper_bound = previous.metrics.value_upper_bound;
        p.metrics.value_trivial_bound = previous.metrics.value_trivial_bound;
        p.metrics.bound_method = previous.metrics.bound_method;
        p.metrics.bound_is_optimal = previous.metrics.bound_is_optimal;
        p.metrics.constructive_value = previous.metrics.constructive_value;
        p.metrics.iterations_done = previous.metrics.iterations_done;
        p.seed = previous.seed;
        p.iterations = previous.iterations;
        p.metrics.opportunities = previous.metrics.opportunities;
        // The previous plan stands, and so do its explanations of what it does not serve (the reasons computed
        // here would see only the opportunities after now + freeze).
        auto same_set = previous.unserved.size() == p.unserved.size();
        for (std::size_t i = 0; same_set && i < p.unserved.size(); ++i) {
            same_set = p.unserved[i].request_id == previous.unserved[i].request_id
                       && p.unserved[i].occurrence == previous.unserved[i].occurrence;
        }
        if (same_set) {
            // Satellites by NORAD id (plan.json's): a satellite the mission no longer has keeps the recomputed set.
            std::map<std::uint32_t, std::size_t> index;
            for (std::size_t s = 0; s < m.satellites.size(); ++s) {
                index[m.satellites[s].sat.propagator.elements().norad_id] = s;
            }
            auto kept = previous.unserved;
            bool all_known = true;
            for (auto &u : kept) {
                for (auto &b : u.blocked_by) {
                    const auto it = index.find(b.norad_id);
                    all_known = all_known && it != index.end();
                    b.satellite = it != index.end() ? it->second : 0;
                }
                for (auto &n : u.nearest_misses) {
                    const auto it = index.find(n.norad_id);
                    all_known = all_known && it != index.end();
                    n.satellite = it != index.end() ? it->second : 0;
                }
                if (u.capacity) {
                    const auto it = index.find(u.capacity->norad_id);
                    all_known = all_known && it != index.end();
                    u.capacity->satellite = it != index.end() ? it->second : 0;
                }
            }
            if (all_known) {
                p.unserved = std::move(kept);
            }
        }
    } else {
        if (!reuse_bound(inst, m, previous, input, out.value, p.metrics)) {
            set_bound_metrics(p.metrics, compute_bounds(inst, out.value));
        }
        p.metrics.constructive_value = stats.constructive_value;
        p.metrics.iterations_done = stats.iterations_done;
    }
    p.metrics.time_limit_hit = stats.time_limit_hit;
    p.metrics.plan_seconds = stats.seconds;

    // ---- changes, acquisition by acquisition
    std::map<std::string, const Acquisition *> now_by_id;
    for (const auto &a : p.acquisitions) {
        now_by_id[a.acquisition_id] = &a;
    }
    std::set<std::string> prev_ids;
    std::size_t counted = 0;
    for (const auto &a : prev) {
        prev_ids.insert(a.acquisition_id);
        ++counted;
        if (failed.count(a.acquisition_id)) {
            changes.removed.push_back(a.acquisition_id);
            continue;
        }
        auto it = now_by_id.find(a.acquisition_id);
        if (it == now_by_id.end()) {
            changes.removed.push_back(a.acquisition_id);
            continue;
        }
        const Acquisition &n = *it->second;
        const std::uint32_t norad = m.satellites[n.satellite].sat.propagator.elements().norad_id;
        if (norad == a.norad_id && std::abs((n.start - a.start).seconds()) < 1e-3) {
            changes.kept.push_back(a.acquisition_id);
        } else {
            changes.moved.push_back(a.acquisition_id);
        }
    }
    for (const auto &a : p.acquisitions) {
        if (!prev_ids.count(a.acquisition_id) || failed.count(a.acquisition_id)) {
            changes.added.push_back(a.acquisition_id);
        }
    }
    changes.fraction_unchanged = counted == 0 ? 1.0 : static_cast<double>(changes.kept.size()) / static_cast<double>(counted);
    return p;
}

} // namespace vantage::scheduling
