// PlannerCrossCheck: on small oversubscribed instances the heuristic (constructive + ALNS) reaches the optimum that
// COIN-OR CBC proves for the same discretised problem (an independent exact method).
// PlannerProperty: every plan satisfies every constraint (check_solution: windows and geometry limits, slews,
// storage in [0, capacity], downlinks inside contacts after acquisition through allowed stations, antennas, orbit
// cap, share rule), bounds bracket the value, the plan is a function of the seed.
// ReplanProperty: frozen acquisitions kept, nothing new before now + freeze, no change -> identical plan, failed
// acquisitions go back to the queue, a removed station carries nothing after now.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "scheduling/exact_check.hpp"
#include "scheduling/tasking_fixture.hpp"
#include "vantage/scheduling/agility.hpp"
#include "vantage/scheduling/detail/tasking_instance.hpp"
#include "vantage/scheduling/plan.hpp"

using namespace vantage;
using namespace vantage::scheduling;
using vantage::test::base_mission;
using vantage::test::point_cluster;
using vantage::test::expect_heuristic_reaches_optimum;
using vantage::test::value_tol;
using vantage::test::violations;

namespace {


TEST(PlannerCrossCheck, HeuristicReachesTheOptimumOnePass)
{
    // One satellite, one pass (09:05 UTC over 45N 10E), 13 point requests within 70 km: 76 of 79 fit.
    Mission m = base_mission("2025-10-03T09:00:00Z", 0.25, 2);
    m.satellites.erase(m.satellites.begin()); // keep 90002
    m.requests = point_cluster(13, 45.0, 10.0, 0.65, m.start, m.stop, 8);
    expect_heuristic_reaches_optimum(m, 600);
}

/// A day over Europe with binding storage, one antenna per station, an orbit cap, two nations with a share rule.
Mission constrained_mission()
{
    Mission m = base_mission("2025-10-03T06:00:00Z", 12.0, 4);
    for (auto &s : m.satellites) {
        s.storage_gbit = 60.0; // a few acquisitions' worth: storage binds
    }
    m.satellites[0].max_imaging_s_per_orbit = 60.0;
    m.stations = {vantage::test::station("Svalbard", 78.23, 15.41, 1, 150.0),
                  vantage::test::station("Matera", 40.649, 16.704, 1, 150.0)};
    m.tenants = {Tenant{"FR", 0.6, {}}, Tenant{"DE", 0.4, {"Svalbard"}}};
    auto a = point_cluster(40, 46.0, 8.0, 3.0, m.start, m.stop, 3, {"FR"}, "F");
    auto b = point_cluster(25, 48.0, 11.0, 2.0, m.start, m.stop, 4, {"DE"}, "D");
    m.requests = a;
    m.requests.insert(m.requests.end(), b.begin(), b.end());
    m.requests.push_back(vantage::test::square_request("FP", 45.0, 7.0, 30.0, m.start, m.stop, 9, "FR"));
    m.outages = {Outage{"Matera", m.start + time::Duration::from_hours(3), m.start + time::Duration::from_hours(5)}};
    m.planning.iterations = 300;
    return m;
}

TEST(PlannerProperty, PlansSatisfyEveryConstraint)
{
    const Mission m = constrained_mission();
    const detail::Instance inst = detail::build_instance(m, m.planning);
    detail::SearchStats stats;
    const detail::Solution sol = detail::search(inst, nullptr, nullptr, stats);
    const auto bad = detail::check_solution(inst, sol);
    EXPECT_TRUE(bad.empty()) << violations(bad);
    EXPECT_GT(sol.value, 0.0);
    // storage binds somewhere: an unserved job is refused for storage or downlink, or memory peaks at capacity
    const Plan p = detail::make_plan(inst, sol);
    bool binding = false;
    for (const auto &u : p.unserved) {
        binding = binding || u.reason == UnservedReason::storage || u.reason == UnservedReason::downlink;
    }
    double peak = 0.0;
    for (const auto &a : p.acquisitions) {
        peak = std::max(peak, a.storage_after_gbit);
        // DE images only through Svalbard
        if (a.tenant == "DE") {
            for (const auto &d : a.downlinks) {
                EXPECT_EQ(m.stations[d.station].name, "Svalbard");
            }
        }
        double sent = 0.0;
        for (const auto &d : a.downlinks) {
            sent += d.data_gbit;
            EXPECT_GE(d.start, a.end);
        }
        // every image completely downlinked (1e-9 Gbit: the simulation's "nothing left" threshold)
        EXPECT_NEAR(sent, a.data_gbit, 1e-9);
    }
    EXPECT_TRUE(binding || peak > 0.9 * 60.0) << "storage never binds: the test would prove nothing";
}

TEST(PlannerProperty, BoundsBracketTheValue)
{
    const Mission m = constrained_mission();
    const Plan p = plan(m, m.planning);
    EXPECT_LE(p.metrics.value, p.metrics.value_upper_bound + value_tol);
    EXPECT_LE(p.metrics.value_upper_bound, p.metrics.value_trivial_bound + value_tol);
    EXPECT_FALSE(p.metrics.bound_method.empty());
    // shares reported and the rule holds (checked again on the document)
    double sum = 0.0;
    for (const auto &t : p.metrics.tenants) {
        sum += t.share;
    }
    EXPECT_NEAR(sum, 1.0, 1e-9);
}

void expect_same_plan(const Plan &a, const Plan &b)
{
    ASSERT_EQ(a.acquisitions.size(), b.acquisitions.size());
    for (std::size_t i = 0; i < a.acquisitions.size(); ++i) {
        EXPECT_EQ(a.acquisitions[i].acquisition_id, b.acquisitions[i].acquisition_id);
        EXPECT_EQ(a.acquisitions[i].satellite, b.acquisitions[i].satellite);
        EXPECT_EQ(a.acquisitions[i].start, b.acquisitions[i].start);
        EXPECT_EQ(a.acquisitions[i].delivered, b.acquisitions[i].delivered);
    }
    ASSERT_EQ(a.downlinks.size(), b.downlinks.size());
    for (std::size_t i = 0; i < a.downlinks.size(); ++i) {
        EXPECT_EQ(a.downlinks[i].start, b.downlinks[i].start);
        EXPECT_EQ(a.downlinks[i].end, b.downlinks[i].end);
        EXPECT_EQ(a.downlinks[i].antenna, b.downlinks[i].antenna);
    }
    ASSERT_EQ(a.unserved.size(), b.unserved.size());
    for (std::size_t i = 0; i < a.unserved.size(); ++i) {
        EXPECT_EQ(a.unserved[i].request_id, b.unserved[i].request_id);
        EXPECT_EQ(a.unserved[i].reason, b.unserved[i].reason);
    }
    EXPECT_EQ(a.metrics.value, b.metrics.value);
}

TEST(PlannerProperty, DeterministicForASeed)
{
    const Mission m = constrained_mission();
    const Plan a = plan(m, m.planning);
    const Plan b = plan(m, m.planning);
    expect_same_plan(a, b);
    EXPECT_FALSE(a.metrics.time_limit_hit);
}

TEST(PlannerProperty, ShareRuleProtectsASmallNation)
{
    // DE requests far fewer-value than FR and in the same cluster: without the rule FR would take the pass.
    Mission m = base_mission("2025-10-03T09:00:00Z", 0.25, 2);
    m.satellites.erase(m.satellites.begin());
    m.tenants = {Tenant{"FR", 0.5, {}}, Tenant{"DE", 0.5, {}}};
    auto fr = point_cluster(20, 45.0, 10.0, 1.0, m.start, m.stop, 8, {"FR"}, "F");
    auto de = point_cluster(20, 45.0, 10.0, 1.0, m.start, m.stop, 9, {"DE"}, "D");
    for (auto &r : fr) {
        r.priority = 10;
    }
    for (auto &r : de) {
        r.priority = 2;
    }
    m.requests = fr;
    m.requests.insert(m.requests.end(), de.begin(), de.end());
    const detail::Instance inst = detail::build_instance(m, m.planning);
    detail::SearchStats stats;
    const detail::Solution sol = detail::search(inst, nullptr, nullptr, stats);
    EXPECT_TRUE(detail::check_solution(inst, sol).empty()) << violations(detail::check_solution(inst, sol));
    const double de_share = sol.tenant_value[1] / sol.value;
    // DE keeps >= 45 % of the value while it still has feasible unserved requests
    EXPECT_GE(de_share, 0.45 - 1e-9);
    const Plan p = detail::make_plan(inst, sol);
    bool share_limited = false;
    for (const auto &u : p.unserved) {
        share_limited = share_limited || u.reason == UnservedReason::share_limit;
    }
    EXPECT_TRUE(share_limited) << "some FR request should be refused by the share rule";
}

PreviousPlan previous_of(const Plan &p, const Mission &m)
{
    return previous_plan_of(p, m);
}

/// Urgent point requests added at 04:00 (the replans below).
ReplanInput urgent_input(const Mission &m)
{
    ReplanInput in;
    in.now = m.start + time::Duration::from_hours(4.0);
    in.freeze_h = 0.5;
    in.added = point_cluster(6, 47.0, 9.0, 1.0, in.now, m.stop, 77, {"FR"}, "U");
    for (auto &r : in.added) {
        r.priority = 10;
        r.tier = mission::Tier::urgent;
    }
    return in;
}

TEST(ReplanProperty, NoChangeReturnsTheIdenticalPlan)
{
    const Mission m = constrained_mission();
    const Plan first = plan(m, m.planning);
    ReplanInput in;
    in.now = m.start + time::Duration::from_hours(4.0);
    PlanChanges ch;
    const Plan again = replan(m, previous_of(first, m), in, m.planning, ch);
    expect_same_plan(first, again);
    EXPECT_EQ(ch.kept.size(), first.acquisitions.size());
    EXPECT_TRUE(ch.moved.empty() && ch.added.empty() && ch.removed.empty());
    EXPECT_EQ(ch.fraction_unchanged, 1.0);
    EXPECT_EQ(again.metrics.value_upper_bound, first.metrics.value_upper_bound);
}

TEST(ReplanProperty, UrgentRequestsKeepTheFrozenPartAndChangeLittle)
{
    const Mission m = constrained_mission();
    const Plan first = plan(m, m.planning);
    const ReplanInput in = urgent_input(m);
    PlanChanges ch;
    Mission m2 = m;
    const Plan next = replan(m2, previous_of(first, m), in, m.planning, ch);
    const time::Instant t_freeze = in.now + time::Duration::from_hours(0.5);
    std::set<std::string> before_freeze;
    for (const auto &a : first.acquisitions) {
        if (a.start < t_freeze) {
            before_freeze.insert(a.acquisition_id);
        }
    }
    std::set<std::string> kept(ch.kept.begin(), ch.kept.end());
    for (const auto &id : before_freeze) {
        EXPECT_TRUE(kept.count(id)) << id << " starts before now + freeze but was not kept";
    }
    for (const auto &a : next.acquisitions) {
        if (a.start < t_freeze) {
            EXPECT_TRUE(before_freeze.count(a.acquisition_id)) << a.acquisition_id << " is new before now + freeze";
        }
    }
    int urgent_served = 0;
    for (const auto &a : next.acquisitions) {
        urgent_served += a.request_id[0] == 'U' ? 1 : 0;
    }
    EXPECT_GT(urgent_served, 0);
    EXPECT_GT(ch.fraction_unchanged, 0.5);
    EXPECT_EQ(ch.kept.size() + ch.moved.size() + ch.removed.size(), first.acquisitions.size());
    EXPECT_GE(next.metrics.value, first.metrics.value); // urgent value 10 each, a change costs 0.5
    // The bound is reused: previous bound + the added occurrences' value, capped by the trivial bound, and it
    // bounds the replan's value.
    double added_value = 0.0;
    for (const auto &r : in.added) {
        added_value += r.priority;
    }
    EXPECT_LE(next.metrics.value, next.metrics.value_upper_bound);
    EXPECT_LE(next.metrics.value_upper_bound, next.metrics.value_trivial_bound);
    EXPECT_LE(next.metrics.value_upper_bound, first.metrics.value_upper_bound + added_value);
    EXPECT_TRUE(next.metrics.bound_method == "previous_plus_added" || next.metrics.bound_method == "trivial")
        << next.metrics.bound_method;
}

TEST(ReplanProperty, FailedAcquisitionGoesBackAndRemovedStationIsUnused)
{
    const Mission m = constrained_mission();
    const Plan first = plan(m, m.planning);
    ASSERT_FALSE(first.acquisitions.empty());
    ReplanInput in;
    in.now = m.start + time::Duration::from_hours(3.0);
    in.freeze_h = 0.25;
    // fail the first acquisition that ends before now
    std::string failed;
    for (const auto &a : first.acquisitions) {
        if (a.end < in.now) {
            failed = a.acquisition_id;
        }
    }
    ASSERT_FALSE(failed.empty());
    in.failed = {failed};
    in.removed_stations = {"Matera"};
    PlanChanges ch;
    const Plan next = replan(m, previous_of(first, m), in, m.planning, ch);
    EXPECT_EQ(ch.failed, std::vector<std::string>{failed});
    EXPECT_TRUE(std::count(ch.removed.begin(), ch.removed.end(), failed) == 1);
    for (const auto &a : next.acquisitions) {
        if (a.acquisition_id == failed) {
            EXPECT_GE(a.start, in.now + time::Duration::from_hours(0.25)) << "re-acquired, after the freeze";
        }
        for (const auto &d : a.downlinks) {
            if (m.stations[d.station].name == "Matera") {
                EXPECT_LT(d.start, in.now);
            }
        }
    }
}

TEST(ReplanProperty, RemovedRequestsLeaveThePlanFrozenPartIncluded)
{
    const Mission m = constrained_mission();
    const Plan first = plan(m, m.planning);
    ReplanInput in;
    in.now = m.start + time::Duration::from_hours(3.0);
    in.freeze_h = 1.0;
    // one request with an acquisition inside the freeze, one with an acquisition after it
    std::string frozen, later;
    for (const auto &a : first.acquisitions) {
        if (frozen.empty() && a.start >= in.now && a.start < in.now + time::Duration::from_hours(1.0)) {
            frozen = a.request_id;
        } else if (later.empty() && a.start > in.now + time::Duration::from_hours(2.0)) {
            later = a.request_id;
        }
    }
    ASSERT_FALSE(frozen.empty() || later.empty() || frozen == later);
    in.removed_requests = {frozen, later};
    PlanChanges ch;
    const Plan next = replan(m, previous_of(first, m), in, m.planning, ch);
    std::size_t gone = 0;
    for (const auto &a : first.acquisitions) {
        gone += a.request_id == frozen || a.request_id == later ? 1 : 0;
    }
    EXPECT_GE(ch.removed.size(), gone);
    for (const auto &a : next.acquisitions) {
        EXPECT_TRUE(a.request_id != frozen && a.request_id != later) << a.acquisition_id;
    }
    for (const auto &u : next.unserved) {
        EXPECT_TRUE(u.request_id != frozen && u.request_id != later) << u.request_id;
    }
    // the other acquisitions inside the freeze are kept as they were
    std::set<std::string> kept(ch.kept.begin(), ch.kept.end());
    for (const auto &a : first.acquisitions) {
        if (a.start < in.now + time::Duration::from_hours(1.0) && a.request_id != frozen && a.request_id != later) {
            EXPECT_TRUE(kept.count(a.acquisition_id)) << a.acquisition_id;
        }
    }
    const Mission after = mission_after(m, in, m.planning);
    EXPECT_EQ(after.requests.size(), m.requests.size() - 2);
    EXPECT_LE(next.metrics.value, next.metrics.value_upper_bound);
    ReplanInput unknown;
    unknown.now = in.now;
    unknown.removed_requests = {"no-such-request"};
    try {
        (void)mission_after(m, unknown, m.planning);
        ADD_FAILURE() << "an unknown removed request is accepted";
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.context().field, "--remove-request");
    }
}

TEST(OpportunityCacheProperty, ReusedOpportunitiesGiveTheSamePlans)
{
    const Mission m = constrained_mission();
    OpportunityCache cache;
    const Plan first = plan(m, m.planning, &cache);
    expect_same_plan(first, plan(m, m.planning));
    ASSERT_GT(cache.misses, 0u);
    EXPECT_EQ(cache.hits, 0u);
    EXPECT_EQ(cache.entries.size(), cache.misses);
    const std::size_t items = cache.misses;
    // the same mission again: every work item found, nothing computed, the same plan
    expect_same_plan(first, plan(m, m.planning, &cache));
    EXPECT_EQ(cache.hits, items);
    EXPECT_EQ(cache.misses, 0u);
    // a replan with added requests computes only theirs, and plans as it does without the cache
    const ReplanInput in = urgent_input(m);
    PlanChanges with_ch, without_ch;
    const Plan with = replan(m, previous_of(first, m), in, m.planning, with_ch, &cache);
    const Plan without = replan(m, previous_of(first, m), in, m.planning, without_ch);
    expect_same_plan(with, without);
    EXPECT_EQ(with_ch.kept, without_ch.kept);
    EXPECT_EQ(cache.hits, items);
    EXPECT_GT(cache.misses, 0u);
    EXPECT_EQ(cache.entries.size(), items + cache.misses);
}

TEST(OpportunityCacheProperty, TwinRequestsShareAnEntry)
{
    // Another nation asks for exactly the first request's point and window: its work items have the same key.
    Mission m = constrained_mission();
    m.planning.iterations = 50;
    m.planning.bound_time_limit_s = 0.05;
    mission::Request twin = m.requests.front();
    twin.id = "TWIN";
    twin.tenant = "DE";
    m.requests.push_back(twin);
    OpportunityCache cache;
    const Plan first = plan(m, m.planning, &cache);
    EXPECT_LT(cache.entries.size(), cache.misses);
    const Plan again = plan(m, m.planning, &cache);
    expect_same_plan(first, again);
    EXPECT_EQ(cache.misses, 0u);
    for (const auto &[key, ranges] : cache.entries) {
        for (const auto &r : ranges) {
            EXPECT_EQ(std::count(ranges.begin(), ranges.end(), r), 1) << "a range stored twice";
        }
    }
}

TEST(OpportunityCacheProperty, EveryInputChangeIsAMiss)
{
    Mission m = constrained_mission();
    m.planning.iterations = 50;            // the cache's behaviour depends neither on the search
    m.planning.bound_time_limit_s = 0.05; // nor on the bound
    OpportunityCache base;
    (void)plan(m, m.planning, &base);
    const std::size_t items = base.misses;
    // Each variant: the cached plan equals the plan without a cache, and what changed was computed afresh (a
    // variant may also have other access windows, hence other work items: "everything misses" is hits == 0).
    auto check = [&](const Mission &v, const PlanningOptions &o, const char *what, std::size_t min_misses) {
        OpportunityCache c = base;
        const Plan cached = plan(v, o, &c);
        SCOPED_TRACE(what);
        expect_same_plan(cached, plan(v, o));
        EXPECT_GE(c.misses, min_misses);
        return c;
    };
    {
        // a new element set for one satellite (0.01 deg of mean anomaly): all of its work items miss
        Mission v = m;
        orbits::ElementSet e = v.satellites[1].sat.propagator.elements();
        e.mean_anomaly_deg += 0.01;
        v.satellites[1].sat.propagator = orbits::Sgp4Propagator(e);
        const OpportunityCache c = check(v, v.planning, "elements", 1);
        EXPECT_GT(c.hits, 0u) << "the other satellites' work items are reused";
        EXPECT_LT(c.misses, items);
    }
    {
        // the WGS-84 gravity model instead of WGS-72 for every satellite: everything misses
        Mission v = m;
        for (auto &s : v.satellites) {
            orbits::Sgp4Options o = s.sat.propagator.options();
            o.gravity = orbits::GravityModel::wgs84;
            s.sat.propagator = orbits::Sgp4Propagator(s.sat.propagator.elements(), o);
        }
        const OpportunityCache c = check(v, v.planning, "gravity", 1);
        EXPECT_EQ(c.hits, 0u);
    }
    {
        // one request moved by 0.001 deg, another's time window shortened: their work items miss
        Mission v = m;
        v.requests[0].point->location.lat_deg += 0.001;
        v.requests[1].window_end = v.requests[1].window_end - time::Duration::from_hours(1.0);
        const OpportunityCache c = check(v, v.planning, "requests", 1);
        EXPECT_GT(c.hits, 0u);
    }
    {
        // a stricter Sun elevation on the sensor of every satellite: everything misses
        Mission v = m;
        for (auto &s : v.satellites) {
            s.sat.sensor.min_sun_elevation_deg = 25.0;
        }
        const OpportunityCache c = check(v, v.planning, "sensor", 1);
        EXPECT_EQ(c.hits, 0u);
    }
    {
        // another time grid: everything misses
        PlanningOptions o = m.planning;
        o.time_step_s = 2.0;
        const OpportunityCache c = check(m, o, "time step", 1);
        EXPECT_EQ(c.hits, 0u);
    }
}

TEST(ReplannerProperty, InMemoryReplansMatchPlanThenReplan)
{
    const Mission m = constrained_mission();
    Replanner r(m, m.planning);
    const Plan first = plan(m, m.planning);
    expect_same_plan(r.current(), first);
    const std::size_t items = r.cache().misses;
    // first replan: urgent requests
    const ReplanInput in = urgent_input(m);
    PlanChanges ch, ref_ch;
    const Plan &next = r.replan(in, ch);
    const Plan ref = replan(m, previous_of(first, m), in, m.planning, ref_ch);
    expect_same_plan(next, ref);
    EXPECT_EQ(ch.kept, ref_ch.kept);
    EXPECT_EQ(ch.added, ref_ch.added);
    EXPECT_EQ(r.cache().hits, items);
    EXPECT_EQ(r.mission().requests.size(), m.requests.size() + in.added.size());
    // second replan from the first one's result: a lost station; nothing new to compute
    ReplanInput in2;
    in2.now = in.now + time::Duration::from_hours(1.0);
    in2.freeze_h = 0.25;
    in2.removed_stations = {"Matera"};
    const Mission m2 = mission_after(m, in, m.planning);
    PlanChanges ch2, ref_ch2;
    const Plan &third = r.replan(in2, ch2);
    const Plan ref2 = replan(m2, previous_of(ref, m2), in2, m.planning, ref_ch2);
    expect_same_plan(third, ref2);
    EXPECT_EQ(r.cache().misses, 0u);
    EXPECT_EQ(r.mission().outages.size(), m.outages.size() + 1);
    // a bad input leaves the state as it was
    ReplanInput dup;
    dup.now = in2.now;
    dup.added = {in.added.front()}; // its id is in the mission already
    PlanChanges ch3;
    EXPECT_THROW((void)r.replan(dup, ch3), ConfigError);
    expect_same_plan(r.current(), ref2);
}

TEST(PlannerProperty, InitialNadirAttitudeDelaysTheFirstAcquisition)
{
    // agility.initial_attitude nadir (issue 13 item 6): with the horizon starting 1 s before the free plan's first
    // acquisition, the first acquisition of every satellite waits for the slew from nadir.
    Mission m = base_mission("2025-10-03T09:00:00Z", 0.25, 2);
    m.requests = point_cluster(12, 45.0, 10.0, 0.6, m.start, m.stop, 8);
    m.planning.iterations = 100;
    m.planning.bound_time_limit_s = 0.05;
    const Plan free_plan = plan(m, m.planning);
    ASSERT_FALSE(free_plan.acquisitions.empty());
    Mission n = m;
    n.start = free_plan.acquisitions.front().start - time::Duration::from_seconds(1.0);
    for (auto &s : n.satellites) {
        s.agility.initial_nadir = true;
    }
    const detail::Instance inst = detail::build_instance(n, n.planning);
    detail::SearchStats st;
    const detail::Solution sol = detail::search(inst, nullptr, nullptr, st);
    EXPECT_TRUE(detail::check_solution(inst, sol).empty()) << violations(detail::check_solution(inst, sol));
    int checked = 0;
    for (std::size_t sat = 0; sat < inst.sats.size(); ++sat) {
        const auto &tl = sol.timeline[sat];
        if (tl.empty()) {
            continue;
        }
        const double need = transition_s(Vec3(0.0, 0.0, 1.0), tl.front().look_start, inst.sats[sat].agility);
        EXPECT_GE(tl.front().start, need - 1e-6) << "satellite " << sat;
        EXPECT_GT(need, 1.0); // the constraint binds: more than the 1 s the horizon leaves
        ++checked;
    }
    EXPECT_GT(checked, 0);
    // the reported slew of the first acquisition is the one from nadir
    const Plan p = detail::make_plan(inst, sol);
    for (const auto &a : p.acquisitions) {
        if (a.acquisition_id == p.acquisitions.front().acquisition_id) {
            EXPECT_GT(a.slew_before_s, 0.0);
        }
    }
}

} // namespace
