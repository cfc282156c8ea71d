// CloudPlanProperty (issue 15, item 1): with a cloud forecast the planner maximises the expected value - each
// served occurrence earns its value times the mean probability that its images are clear enough - picks the
// clearest opportunity when nothing competes, drops opportunities below a request's min_cloud_probability (and then
// explains the occurrence as `clouds`), and reports per acquisition the predicted cover and probability that the
// model gives at the reported instant. The independent re-check (GRIB read with ecCodes' tools, own interpolation)
// is the plan checker's `clouds` rule (tests/plan_checker).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "tasking_fixture.hpp"
#include "vantage/core/error.hpp"
#include "vantage/mission/clouds.hpp"
#include "vantage/scheduling/detail/tasking_instance.hpp"
#include "vantage/scheduling/plan.hpp"

using namespace vantage;

namespace {

/// A synthetic global 2.5-degree field: cover varies with position (and `phase` shifts the pattern), in [0, 100].
mission::CloudGrid pattern(double phase)
{
    mission::CloudGrid g;
    g.lat0_deg = 90.0;
    g.dlat_deg = -2.5;
    g.lon0_deg = 0.0;
    g.dlon_deg = 2.5;
    g.nlat = 73;
    g.nlon = 144;
    g.global_lon = true;
    for (int i = 0; i < g.nlat; ++i) {
        for (int j = 0; j < g.nlon; ++j) {
            const double lat = 90.0 - 2.5 * i, lon = 2.5 * j;
            g.cover_pct.push_back(static_cast<float>(50.0 + 49.0 * std::sin(0.35 * lon * 3.14159265358979 / 18.0 + phase)
                                                                 * std::cos(0.5 * lat * 3.14159265358979 / 18.0)));
        }
    }
    return g;
}

mission::CloudGrid uniform(float cover)
{
    mission::CloudGrid g = pattern(0.0);
    std::fill(g.cover_pct.begin(), g.cover_pct.end(), cover);
    return g;
}

/// Forecast fields at the mission start and 12 h later.
std::shared_ptr<const mission::CloudData> forecast(const scheduling::Mission &m, mission::CloudGrid a, mission::CloudGrid b)
{
    auto c = std::make_shared<mission::CloudData>();
    c->forecasts.push_back(mission::CloudForecast{m.start, 0.0, "a", std::move(a)});
    c->forecasts.push_back(mission::CloudForecast{m.start + time::Duration::from_hours(12.0), 0.0, "b", std::move(b)});
    c->forecast_sigma_pct = 20.0;
    mission::validate_clouds(*c);
    return c;
}

} // namespace

TEST(CloudPlanProperty, ExpectedValueAndTheReportedPredictionAgree)
{
    scheduling::Mission m = test::base_mission("2025-10-03T06:00:00Z", 8.0, 4);
    m.requests = test::point_cluster(60, 46.0, 9.0, 4.0, m.start, m.stop, 11);
    for (std::size_t i = 0; i < m.requests.size(); ++i) {
        if (i % 3 != 2) {
            m.requests[i].max_cloud_cover_pct = 20.0 + 10.0 * static_cast<double>(i % 5);
        }
    }
    m.requests.push_back(test::square_request("POLY", 45.3, 11.0, 30.0, m.start, m.stop, 9));
    m.requests.back().max_cloud_cover_pct = 50.0;
    m.clouds = forecast(m, pattern(0.0), pattern(2.0));
    const scheduling::Plan p = scheduling::plan(m, m.planning);
    ASSERT_GT(p.acquisitions.size(), 10U);
    std::map<std::string, const mission::Request *> req;
    for (const auto &r : m.requests) {
        req[r.id] = &r;
    }
    std::map<std::pair<std::string, int>, std::pair<double, int>> occ; // sum of p, strips
    int predicted = 0;
    for (const auto &a : p.acquisitions) {
        const mission::Request &r = *req.at(a.request_id);
        if (!r.max_cloud_cover_pct) {
            EXPECT_FALSE(a.cloud_cover_pct.has_value()) << a.acquisition_id;
            EXPECT_NEAR(a.value, r.value() / a.strip_count, 1e-12) << a.acquisition_id;
            occ[{a.request_id, a.occurrence}] = {occ[{a.request_id, a.occurrence}].first + 1.0, a.strip_count};
            continue;
        }
        ASSERT_TRUE(a.cloud_cover_pct && a.cloud_probability) << a.acquisition_id;
        ++predicted;
        const auto c = mission::cloud_cover_at(*m.clouds, a.target.lat_deg, a.target.lon_deg, a.cloud_time);
        ASSERT_TRUE(c);
        EXPECT_NEAR(*a.cloud_cover_pct, c->cover_pct, 1e-9) << a.acquisition_id;
        EXPECT_NEAR(*a.cloud_probability, mission::usable_probability(c->cover_pct, *r.max_cloud_cover_pct, 20.0), 1e-12);
        // the prediction is for the middle of the opportunity: within minutes of the acquisition
        const double off_s = std::abs((a.cloud_time - a.start).seconds() - 0.5 * (a.end - a.start).seconds());
        EXPECT_LT(off_s, 900.0) << a.acquisition_id;
        EXPECT_NEAR(a.value, r.value() * *a.cloud_probability / a.strip_count, 1e-12) << a.acquisition_id;
        auto &o = occ[{a.request_id, a.occurrence}];
        o = {o.first + *a.cloud_probability, a.strip_count};
    }
    EXPECT_GT(predicted, 5);
    double value = 0.0, clear = 0.0, acq_value = 0.0;
    for (const auto &[k, v] : occ) {
        if (static_cast<int>(std::count_if(p.acquisitions.begin(), p.acquisitions.end(), [&](const auto &a) {
                return a.request_id == k.first && a.occurrence == k.second;
            })) == v.second) {
            value += req.at(k.first)->value() * v.first / v.second;
            clear += req.at(k.first)->value();
        }
    }
    for (const auto &a : p.acquisitions) {
        acq_value += a.value;
    }
    EXPECT_NEAR(p.metrics.value, value, 1e-9);
    EXPECT_NEAR(p.metrics.value, acq_value, 1e-9);
    EXPECT_NEAR(p.metrics.value_if_clear, clear, 1e-9);
    EXPECT_LT(p.metrics.value, p.metrics.value_if_clear);
    EXPECT_LE(p.metrics.value, p.metrics.value_upper_bound + 1e-9);
    EXPECT_LE(p.metrics.value_upper_bound, p.metrics.value_trivial_bound + 1e-9);
}

TEST(CloudPlanProperty, WithNothingCompetingEachRequestGetsItsClearestOpportunity)
{
    // Four well-separated targets, a day of four satellites: several passes each, no competition for time.
    scheduling::Mission m = test::base_mission("2025-10-03T00:00:00Z", 24.0, 4);
    const double sites[][2] = {{45.0, 8.0}, {40.0, -4.0}, {52.0, 20.0}, {38.0, 23.0}};
    for (int i = 0; i < 4; ++i) {
        auto r = test::point_cluster(1, sites[i][0], sites[i][1], 0.0, m.start, m.stop, 3, {"FR"}, fmt::format("S{}-", i))[0];
        r.max_cloud_cover_pct = 40.0;
        m.requests.push_back(r);
    }
    m.clouds = forecast(m, pattern(0.0), pattern(3.0));
    const auto inst = scheduling::detail::build_instance(m, m.planning);
    const scheduling::Plan p = scheduling::plan(m, m.planning);
    ASSERT_EQ(p.acquisitions.size(), 4U);
    for (const auto &a : p.acquisitions) {
        std::size_t task = 0;
        for (std::size_t t = 0; t < inst.tasks.size(); ++t) {
            if (m.requests[inst.jobs[inst.tasks[t].job].request].id == a.request_id) {
                task = t;
            }
        }
        double best = 0.0, worst = 1.0;
        for (std::size_t o : inst.task_opps[task]) {
            best = std::max(best, inst.opps[o].p_usable);
            worst = std::min(worst, inst.opps[o].p_usable);
        }
        ASSERT_GT(inst.task_opps[task].size(), 1U) << a.request_id;
        EXPECT_NEAR(*a.cloud_probability, best, 0.005) << a.request_id << ": opportunities from " << worst << " to " << best;
    }
    // the bound knows the best probabilities: all four served at their best is optimal
    EXPECT_NEAR(p.metrics.value, p.metrics.value_upper_bound, 1e-6);
}

TEST(CloudPlanProperty, MinProbabilityDropsCloudyOpportunitiesAndTheOccurrenceIsExplainedAsClouds)
{
    scheduling::Mission m = test::base_mission("2025-10-03T06:00:00Z", 8.0, 2);
    auto r = test::point_cluster(2, 45.0, 9.0, 0.5, m.start, m.stop, 5);
    r[0].max_cloud_cover_pct = 30.0;
    r[0].min_cloud_probability = 0.5;
    r[1].max_cloud_cover_pct = 30.0; // no minimum: planned, at a low expected value
    m.requests = r;
    m.clouds = forecast(m, uniform(70.0), uniform(70.0)); // P = Φ(-2) = 0.023 everywhere
    scheduling::Plan p = scheduling::plan(m, m.planning);
    ASSERT_EQ(p.unserved.size(), 1U);
    EXPECT_EQ(p.unserved[0].request_id, r[0].id);
    EXPECT_EQ(p.unserved[0].reason, scheduling::UnservedReason::clouds);
    EXPECT_STREQ(scheduling::to_string(scheduling::UnservedReason::clouds), "clouds");
    ASSERT_EQ(p.acquisitions.size(), 1U);
    EXPECT_NEAR(*p.acquisitions[0].cloud_probability, 0.02275, 1e-4);
    // a clear sky: both served, at full value
    m.clouds = forecast(m, uniform(0.0), uniform(5.0));
    p = scheduling::plan(m, m.planning);
    EXPECT_TRUE(p.unserved.empty());
    for (const auto &a : p.acquisitions) {
        EXPECT_GT(*a.cloud_probability, 0.9);
    }
}

TEST(CloudPlanProperty, WithoutCloudDataNothingChanges)
{
    scheduling::Mission m = test::base_mission("2025-10-03T06:00:00Z", 6.0, 2);
    m.requests = test::point_cluster(15, 46.0, 9.0, 3.0, m.start, m.stop, 7);
    const scheduling::Plan before = scheduling::plan(m, m.planning);
    for (auto &r : m.requests) {
        r.max_cloud_cover_pct = 10.0; // a limit but no data: reported nowhere, valued as clear
    }
    const scheduling::Plan after = scheduling::plan(m, m.planning);
    EXPECT_EQ(before.metrics.value, after.metrics.value);
    EXPECT_EQ(after.metrics.value, after.metrics.value_if_clear);
    ASSERT_EQ(before.acquisitions.size(), after.acquisitions.size());
    for (std::size_t i = 0; i < after.acquisitions.size(); ++i) {
        EXPECT_EQ(before.acquisitions[i].start, after.acquisitions[i].start);
        EXPECT_FALSE(after.acquisitions[i].cloud_cover_pct.has_value());
    }
    // a SAR-only request may not state a cloud limit
    mission::Request sar = m.requests[0];
    sar.sensor = mission::SensorKind::sar;
    EXPECT_THROW(mission::validate_request(sar), ConfigError);
}
