// OneImagingRuleProperty: the service's feasibility search and the tasking planner apply a request's limits by the
// one rule (mission::imaging_limits): a request the service calls FEASIBLE gets an opportunity in the plan and one
// it calls INFEASIBLE does not (issue 13, item 8). Before the rule had one home the two were written separately;
// they differed for sensor modes (tightened per mode vs merged first) and for durations: a request only a
// push-broom could serve was INFEASIBLE in the service (its 4-s crossing is shorter than a 10-s scene) yet planned
// (the planner images the scene around the crossing).
#include <gtest/gtest.h>

#include <random>

#include <fmt/format.h>

#include "api_fixture.hpp"
#include "vantage/mission/imaging_limits.hpp"

namespace vantage::api::testing {
namespace {

using geometry::LookSide;
using geometry::PassDirection;
using geometry::SensorType;

TEST(OneImagingRule, TightensEachSensorKindAsDocumented)
{
    geometry::Sensor agile, fixed, sar;
    agile.type = SensorType::optical;
    agile.max_off_nadir_deg = 45.0;
    fixed.type = SensorType::optical;
    fixed.swath_km = 290.0;
    sar.type = SensorType::sar;
    sar.incidence_min_deg = 29.1;
    sar.incidence_max_deg = 46.0;
    sar.look_side = LookSide::right;
    mission::Request r;
    r.max_off_nadir_deg = 20.0;
    // Agile: the cone shrinks and is searched as a cone.
    auto l = mission::imaging_limits(agile, r);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->max_off_nadir_deg, 20.0);
    EXPECT_EQ(mission::search_sensor(agile, *l).max_off_nadir_deg, 20.0);
    EXPECT_FALSE(mission::look_angle_limit_deg(agile, r));
    // Fixed push-broom: the limit selects crossings; the searched sensor stays a push-broom (no cone).
    l = mission::imaging_limits(fixed, r);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->max_off_nadir_deg, 20.0);
    EXPECT_EQ(l->swath_km, 290.0);
    EXPECT_FALSE(mission::search_sensor(fixed, *l).max_off_nadir_deg);
    EXPECT_EQ(mission::look_angle_limit_deg(fixed, r), 20.0);
    // SAR: the limit is on the radar's look angle, applied the same way.
    l = mission::imaging_limits(sar, r);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->max_off_nadir_deg, 20.0);
    EXPECT_EQ(mission::look_angle_limit_deg(sar, r), 20.0);
    // Incidence bands intersect; an empty one, another look side or another sensor family exclude the sensor.
    r = {};
    r.incidence_min_deg = 40.0;
    l = mission::imaging_limits(sar, r);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->incidence_min_deg, 40.0);
    EXPECT_EQ(l->incidence_max_deg, 46.0);
    r.incidence_min_deg = 47.0;
    EXPECT_FALSE(mission::imaging_limits(sar, r));
    r = {};
    r.look_side = LookSide::left;
    EXPECT_FALSE(mission::imaging_limits(sar, r));
    EXPECT_EQ(mission::imaging_limits(agile, r)->look_side, LookSide::left);
    r = {};
    r.sensor = mission::SensorKind::sar;
    EXPECT_FALSE(mission::imaging_limits(agile, r));
    // Sun: the higher minimum, optical only.
    r = {};
    r.min_sun_elevation_deg = 15.0;
    agile.min_sun_elevation_deg = 10.0;
    EXPECT_EQ(mission::imaging_limits(agile, r)->min_sun_elevation_deg, 15.0);
    EXPECT_FALSE(mission::imaging_limits(sar, r)->min_sun_elevation_deg);
    // Pass direction: a fixed one and another exclude the sensor.
    r = {};
    r.pass_direction = PassDirection::ascending;
    fixed.pass_direction = PassDirection::descending;
    EXPECT_FALSE(mission::imaging_limits(fixed, r));
    // A request that asks nothing more leaves the sensor's own limits.
    EXPECT_EQ(*mission::imaging_limits(agile, mission::Request{}), mission::sensor_limits(agile));
    // Durations: a pointing sensor images inside its window; a push-broom around its crossing.
    EXPECT_FALSE(mission::window_holds(agile, 4.0, 10.0));
    EXPECT_TRUE(mission::window_holds(fixed, 4.0, 10.0));
}

class OneImagingRuleProperty : public ServiceFixture {
protected:
    std::unique_ptr<Planner> planner() const override { return make_scheduling_planner(); }
};

TEST_F(OneImagingRuleProperty, FeasibleInTheServiceExactlyWhenThePlanHasAnOpportunity)
{
    // Seeded random requests over Europe for the example fleet's day (agile, push-broom and SAR satellites), each
    // with a random mix of limits; plus the two cases that used to disagree.
    std::mt19937 rng(20261207);
    std::uniform_real_distribution<double> lat(36.0, 60.0), lon(-8.0, 25.0), u(0.0, 1.0);
    std::mt19937 rng_gsd(15); // a stream of its own: the other limits draw as before
    std::uniform_real_distribution<double> u_gsd(0.0, 1.0);
    std::vector<std::string> bodies;
    for (int i = 0; i < 40; ++i) {
        std::string extra;
        const double k = u(rng);
        const bool optical = k < 0.4, sar = k >= 0.4 && k < 0.7; // else any
        extra += optical ? R"(, "sensor": "optical")" : sar ? R"(, "sensor": "sar")" : "";
        if (u(rng) < 0.6) {
            extra += fmt::format(R"(, "max_off_nadir_deg": {:.1f})", 3.0 + 40.0 * u(rng));
        }
        if (!optical && u(rng) < 0.3) {
            const double lo = 15.0 + 25.0 * u(rng);
            extra += fmt::format(R"(, "incidence_min_deg": {:.1f}, "incidence_max_deg": {:.1f})", lo, lo + 3.0 + 10.0 * u(rng));
        }
        if (u(rng) < 0.3) {
            extra += u(rng) < 0.5 ? R"(, "look_side": "left")" : R"(, "look_side": "right")";
        }
        if (u(rng) < 0.3) {
            extra += u(rng) < 0.5 ? R"(, "pass_direction": "ascending")" : R"(, "pass_direction": "descending")";
        }
        if (!sar && u(rng) < 0.3) {
            extra += fmt::format(R"(, "min_sun_elevation_deg": {:.1f})", 40.0 * u(rng));
        }
        if (u_gsd(rng_gsd) < 0.3) { // Pleiades 0.7 m, Neo 0.3 m, Sentinel-2 10 m at nadir; Sentinel-1 3 m slant range
            extra += fmt::format(R"(, "max_gsd_m": {:.2f})", 0.3 + 12.0 * u_gsd(rng_gsd) * u_gsd(rng_gsd));
        }
        bodies.push_back(fmt::format(R"({{"target": {{"lat_deg": {:.4f}, "lon_deg": {:.4f}}}, "window_start_utc": "2025-10-03T00:00:00Z",
                                      "window_end_utc": "2025-10-04T00:00:00Z", "priority": 5{}}})",
                                     lat(rng), lon(rng), extra));
    }
    bodies.push_back(toulouse(R"(, "sensor": "sar", "max_off_nadir_deg": 20)")); // S1 looks 26-41 deg off nadir
    std::vector<std::string> ids;
    for (const auto &b : bodies) {
        ids.push_back(submit(fr_requester, b));
    }
    m_service->process_pending();
    std::map<std::string, bool> feasible;
    int n_feasible = 0;
    for (const auto &id : ids) {
        const std::string st = status_of(fr_requester, id);
        ASSERT_TRUE(st == "FEASIBLE" || st == "INFEASIBLE") << id << " " << st;
        feasible[id] = st == "FEASIBLE";
        n_feasible += feasible[id];
    }
    const Response pr = m_service->plan(who(fr_operator), R"({"horizon_h": 24})", std::nullopt);
    ASSERT_EQ(pr.status, 201) << pr.body;
    const json plan = json::parse(m_service->get_plan(who(fr_operator)).body);
    std::map<std::string, bool> opportunity; // served, or unserved for a reason other than no_opportunity
    for (const auto &a : plan.at("acquisitions")) {
        opportunity[a.at("request_id").get<std::string>()] = true;
    }
    for (const auto &x : plan.at("unserved")) {
        const std::string rid = x.at("request_id").get<std::string>();
        opportunity[rid] = opportunity[rid] || x.at("reason").get<std::string>() != "no_opportunity";
    }
    int agree = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const bool planned = opportunity.count(ids[i]) && opportunity[ids[i]];
        EXPECT_EQ(feasible[ids[i]], planned) << "request " << ids[i] << " " << bodies[i];
        agree += feasible[ids[i]] == planned;
    }
    EXPECT_FALSE(feasible[ids.back()]) << "SAR looks 26-41 deg off nadir; the limit is 20 deg";
    // Sentinel-2 and Landsat crossings of Toulouse (a few seconds each) are opportunities for a 10-s scene.
    const json f = json::parse(m_service->feasibility(who(fr_requester), toulouse(R"(, "sensor": "optical")")).body);
    int short_crossings = 0;
    for (const auto &o : f.at("opportunities")) {
        const std::string sat = o.at("satellite").get<std::string>();
        short_crossings += (sat.find("SENTINEL-2") != std::string::npos || sat.find("LANDSAT") != std::string::npos)
                           && o.at("duration_s").get<double>() < 10.0;
    }
    EXPECT_GT(short_crossings, 0) << f.dump();
    std::cout << fmt::format("[ rule ] {} requests, {} feasible, service and planner agree on {}\n", ids.size(),
                             n_feasible, agree);
}

/// The example fleet's push-broom satellites only (Sentinel-2, Landsat).
class PushBroomOnlyProperty : public OneImagingRuleProperty {
protected:
    Fleet fleet() const override
    {
        Fleet f = example_fleet();
        std::erase_if(f.satellites, [](const access::Satellite &s) { return mission::points(s.sensor); });
        return f;
    }
};

TEST_F(PushBroomOnlyProperty, ACrossingShorterThanTheSceneIsFeasibleAndPlanned)
{
    ASSERT_FALSE(m_service->fleet()->satellites.empty());
    const std::string id = submit(fr_requester, toulouse(R"(, "sensor": "optical", "duration_s": 10)"));
    m_service->process_pending();
    EXPECT_EQ(status_of(fr_requester, id), "FEASIBLE");
    ASSERT_EQ(m_service->plan(who(fr_operator), R"({"horizon_h": 24})", std::nullopt).status, 201);
    const json plan = json::parse(m_service->get_plan(who(fr_operator)).body);
    ASSERT_EQ(plan.at("acquisitions").size(), 1u) << plan.dump();
    const json &a = plan.at("acquisitions")[0];
    EXPECT_EQ(a.at("request_id"), id);
}

} // namespace
} // namespace vantage::api::testing
