// PowerProperty (issue 15, item 2): a satellite with a battery model never goes below its minimum state of charge in
// any plan; the energy the plan reports is re-integrated here from the plan's own acquisitions, slews and downlink
// parts and the shadow intervals (access::find_eclipses, validated against Skyfield/astropy in EclipseCrossCheck);
// a radar that draws more than its battery holds is refused with reason `power` and the deficit. The independent
// re-check (its own shadow geometry, no Vantage code) is the plan checker's `power` rule (tests/plan_checker).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "tasking_fixture.hpp"
#include "vantage/core/error.hpp"
#include "vantage/access/eclipse.hpp"
#include "vantage/scheduling/plan.hpp"

using namespace vantage;

namespace {

scheduling::PowerModel hungry(double battery_wh)
{
    scheduling::PowerModel p;
    p.battery_wh = battery_wh;
    p.initial_soc = 0.9;
    p.min_soc = 0.5;
    p.max_soc = 1.0;
    p.solar_w = 300.0;
    p.bus_w = 30.0; // 35 min of shadow cost 17.5 Wh
    p.imaging_w = 3500.0; // 10 s of imaging cost 9.6 Wh
    p.slew_w = 50.0;
    p.downlink_w = 80.0;
    return p;
}

/// The energy of satellite `s` re-integrated from the plan (Wh): events every load start / end and shadow edge.
struct Integrated {
    double min_wh = 1e300;
    std::vector<std::pair<double, double>> at_ends; // (s after start, Wh) at each acquisition end
};

Integrated integrate(const scheduling::Mission &m, const scheduling::Plan &p, std::size_t s)
{
    const auto &pw = *m.satellites[s].power;
    const time::Instant end = m.stop + time::Duration::from_hours(m.planning.delivery_margin_h);
    auto sec = [&](const time::Instant &t) { return (t - m.start).seconds(); };
    std::vector<std::pair<double, double>> ev; // (t, change of the net power)
    const std::vector<access::Satellite> one{m.satellites[s].sat};
    for (const auto &e : access::find_eclipses(one, m.start, end, m.eop, pw.shadow)) {
        ev.emplace_back(std::max(0.0, sec(e.penumbra_start)), -pw.solar_w);
        ev.emplace_back(sec(e.penumbra_end), pw.solar_w);
    }
    std::vector<const scheduling::Acquisition *> acq;
    for (const auto &a : p.acquisitions) {
        if (a.satellite == s) {
            acq.push_back(&a);
        }
    }
    std::sort(acq.begin(), acq.end(), [](auto *x, auto *y) { return x->start < y->start; });
    for (std::size_t i = 0; i < acq.size(); ++i) {
        ev.emplace_back(sec(acq[i]->start), -pw.imaging_w);
        ev.emplace_back(sec(acq[i]->end), pw.imaging_w);
        if (i > 0) {
            ev.emplace_back(sec(acq[i - 1]->end), -pw.slew_w);
            ev.emplace_back(sec(acq[i - 1]->end) + acq[i]->slew_before_s, pw.slew_w);
        }
        for (const auto &d : acq[i]->downlinks) {
            ev.emplace_back(sec(d.start), -pw.downlink_w);
            ev.emplace_back(sec(d.end), pw.downlink_w);
        }
    }
    std::sort(ev.begin(), ev.end());
    Integrated out;
    double e = pw.initial_soc * pw.battery_wh, p_w = pw.solar_w - pw.bus_w, t = 0.0;
    out.min_wh = e;
    const double t_end = sec(end);
    auto step = [&](double to) {
        if (to > t) {
            e = p_w > 0 ? std::min(pw.max_soc * pw.battery_wh, e + p_w * (to - t) / 3600.0) : e + p_w * (to - t) / 3600.0;
            out.min_wh = std::min(out.min_wh, e);
            t = to;
        }
    };
    std::size_t k = 0;
    for (const auto *a : acq) {
        const double te = sec(a->end);
        for (; k < ev.size() && ev[k].first <= te; ++k) {
            step(ev[k].first);
            p_w += ev[k].second;
        }
        step(te);
        out.at_ends.emplace_back(te, e);
    }
    for (; k < ev.size() && ev[k].first <= t_end; ++k) {
        step(ev[k].first);
        p_w += ev[k].second;
    }
    step(t_end);
    return out;
}

scheduling::Mission powered(double battery_wh, int nreq, std::uint64_t seed)
{
    // 8 h from 06:00: several passes over the cluster and several eclipses per satellite
    scheduling::Mission m = test::base_mission("2025-10-03T06:00:00Z", 8.0, 3);
    m.requests = test::point_cluster(nreq, 46.0, 10.0, 3.0, m.start, m.stop, seed);
    for (std::size_t s = 0; s < m.satellites.size(); ++s) {
        if (s != 0) { // the first has no power model: unconstrained (the second carries most of the cluster)
            m.satellites[s].power = hungry(battery_wh);
        }
    }
    m.planning.iterations = 300;
    return m;
}

} // namespace

TEST(PowerProperty, TheBatteryStaysWithinItsBoundsAndTheReportedEnergyIsReproduced)
{
    for (const double battery : {60.0, 1000.0}) {
        const scheduling::Mission m = powered(battery, 40, 19);
        const scheduling::Plan p = scheduling::plan(m, m.planning);
        ASSERT_EQ(p.energy.size(), 2U) << battery;
        for (const auto &e : p.energy) {
            const auto &pw = *m.satellites[e.satellite].power;
            const Integrated mine = integrate(m, p, e.satellite);
            EXPECT_GE(e.min_wh, pw.min_soc * pw.battery_wh - 1e-6) << battery;
            EXPECT_GE(mine.min_wh, pw.min_soc * pw.battery_wh - 1e-3) << battery;
            // the shadow edges are the same function's (1 ms); the rest is the same arithmetic in another order
            EXPECT_NEAR(mine.min_wh, e.min_wh, 1e-6) << battery;
            for (const auto &[t, wh] : e.samples) {
                EXPECT_LE(wh, pw.max_soc * pw.battery_wh + 1e-9);
                EXPECT_GE(wh, pw.min_soc * pw.battery_wh - 1e-6);
            }
            std::size_t i = 0;
            for (const auto &a : p.acquisitions) {
                if (a.satellite != e.satellite) {
                    EXPECT_EQ(a.battery_wh_after.has_value(), m.satellites[a.satellite].power.has_value());
                    continue;
                }
                ASSERT_TRUE(a.battery_wh_after);
                EXPECT_NEAR(*a.battery_wh_after, mine.at_ends[i++].second, 1e-6) << a.acquisition_id;
            }
        }
    }
}

TEST(PowerProperty, AHungryRadarIsRefusedForPowerWithTheDeficitAndABiggerBatteryServesMore)
{
    scheduling::Mission m = powered(60.0, 50, 23);
    const scheduling::Plan small = scheduling::plan(m, m.planning);
    int refused = 0;
    for (const auto &u : small.unserved) {
        if (u.reason == scheduling::UnservedReason::power) {
            ++refused;
            ASSERT_TRUE(u.capacity) << u.request_id;
            EXPECT_GT(u.capacity->deficit_wh, 0.0);
            EXPECT_TRUE(m.satellites[u.capacity->satellite].power.has_value());
            EXPECT_TRUE(u.capacity->contacts.empty());
            EXPECT_GE(u.capacity->time, m.start);
        }
    }
    EXPECT_GT(refused, 0);
    for (auto &s : m.satellites) {
        if (s.power) {
            s.power->battery_wh = 4000.0;
        }
    }
    const scheduling::Plan big = scheduling::plan(m, m.planning);
    EXPECT_GT(big.metrics.requests_served, small.metrics.requests_served);
    EXPECT_TRUE(std::none_of(big.unserved.begin(), big.unserved.end(),
                             [](const auto &u) { return u.reason == scheduling::UnservedReason::power; }));
}

TEST(PowerProperty, ABatteryTheBusAloneDrainsIsAConfigurationError)
{
    // 30 Wh, 27 at the start, 15 the minimum: 35 min of shadow at -30 W take 17.5 Wh before any acquisition
    const scheduling::Mission m = powered(30.0, 5, 3);
    try {
        scheduling::plan(m, m.planning);
        ADD_FAILURE() << "planned";
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.code(), ErrorCode::out_of_range);
        EXPECT_EQ(e.context().field, "satellites[1].power") << e.what();
        EXPECT_NE(std::string(e.what()).find("with no acquisition the battery falls below min_soc"), std::string::npos) << e.what();
    }
}

TEST(PowerProperty, ThePenumbraCostsEnergyTheCylinderDoesNot)
{
    // an idle satellite (no requests): the conical shadow (penumbra counted as shadow) is longer than the cylinder
    scheduling::Mission m = test::base_mission("2025-10-03T00:00:00Z", 6.0, 1);
    m.requests = test::point_cluster(1, -60.0, 0.0, 0.0, m.start, m.start + time::Duration::from_hours(0.1), 1);
    auto pw = hungry(500.0);
    pw.solar_w = 200.0;
    pw.bus_w = 100.0; // loses 100 W in shadow, gains 100 W in sunlight
    m.satellites[0].power = pw;
    const auto conical = scheduling::plan(m, m.planning);
    m.satellites[0].power->shadow = access::ShadowModel::cylindrical;
    const auto cylindrical = scheduling::plan(m, m.planning);
    ASSERT_EQ(conical.energy.size(), 1U);
    EXPECT_LT(conical.energy[0].min_wh, cylindrical.energy[0].min_wh);
    // ~ 2 x 9.5 s of penumbra per eclipse at 200 W: about 1 Wh per eclipse
    EXPECT_LT(cylindrical.energy[0].min_wh - conical.energy[0].min_wh, 5.0);
}
