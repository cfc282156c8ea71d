// RequestProperty: occurrences of repeated requests (hand-computable); RequestParseErrors: the model's rules
// name the key path. Links vantage::mission only (the domain never needs io).
#include <gtest/gtest.h>

#include "vantage/core/error.hpp"
#include "vantage/mission/request.hpp"

using namespace vantage;

namespace {

mission::Request point_request()
{
    mission::Request r;
    r.id = "DE-7";
    r.tenant = "DE";
    r.point = geometry::Target{"DE-7", frames::Geodetic{52.52, 13.405, 0.034}};
    r.window_start = time::Instant::parse_iso8601("2025-10-03T00:00:00Z");
    r.window_end = time::Instant::parse_iso8601("2025-10-03T06:00:00Z");
    return r;
}

void expect_field(const mission::Request &r, ErrorCode code, const std::string &field)
{
    try {
        mission::validate_request(r);
        ADD_FAILURE() << field << ": accepted";
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.code(), code) << field;
        EXPECT_EQ(e.context().field, field);
    }
}

} // namespace

TEST(RequestProperty, RepeatedOccurrencesFollowThePeriod)
{
    mission::Request r = point_request();
    EXPECT_NO_THROW(mission::validate_request(r));
    r.repeat = mission::Repeat{8.0, 4, 2.0};
    const auto occ = mission::occurrences(r);
    ASSERT_EQ(occ.size(), 4u);
    for (int k = 0; k < 4; ++k) {
        EXPECT_EQ(occ[static_cast<std::size_t>(k)].index, k);
        EXPECT_EQ((occ[static_cast<std::size_t>(k)].start - r.window_start).seconds(), 8.0 * 3600.0 * k);
        EXPECT_EQ((occ[static_cast<std::size_t>(k)].end - occ[static_cast<std::size_t>(k)].start).seconds(), 7200.0);
    }
}

TEST(RequestParseErrors, RulesNameTheKeyPath)
{
    mission::Request r = point_request();
    r.priority = 0;
    expect_field(r, ErrorCode::out_of_range, "priority");
    r = point_request();
    r.tenant = "";
    expect_field(r, ErrorCode::missing_field, "tenant");
    r = point_request();
    r.point.reset();
    expect_field(r, ErrorCode::missing_field, "target");
    r = point_request();
    r.polygon = geometry::Polygon{{geometry::PolygonPart{{{0, 0}, {1, 0}, {1, 1}}, {}}}};
    expect_field(r, ErrorCode::syntax, "aoi");
    r.point.reset();
    r.polygon->parts[0].outer[1].lon_deg = 200.0;
    expect_field(r, ErrorCode::out_of_range, "aoi.coordinates[0][1]");
    r = point_request();
    r.window_end = r.window_start;
    expect_field(r, ErrorCode::out_of_range, "window_end_utc");
    r = point_request();
    r.sensor = mission::SensorKind::optical;
    r.incidence_max_deg = 40.0;
    expect_field(r, ErrorCode::unsupported, "incidence_max_deg");
    r = point_request();
    r.duration_s = 0.0;
    expect_field(r, ErrorCode::out_of_range, "duration_s");
    r = point_request();
    r.repeat = mission::Repeat{6.0, 0, 1.0};
    expect_field(r, ErrorCode::out_of_range, "repeat.count");
}
