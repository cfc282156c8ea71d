// RequestProperty: occurrences of repeated requests (hand-computable); RequestParseErrors: the model's rules
// name the key path. Links vantage::mission only (the domain never needs io).
#include <gtest/gtest.h>

#include "vantage/core/error.hpp"
#include "vantage/mission/imaging_limits.hpp"
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

TEST(RequestParseErrors, SarModeAndPolarizations)
{
    mission::Request r = point_request();
    r.polarizations = {"VV", "XX"};
    expect_field(r, ErrorCode::out_of_range, "polarizations[1]");
    r.polarizations = {"VV", "VV"};
    expect_field(r, ErrorCode::duplicate, "polarizations[1]");
    r = point_request();
    r.sensor = mission::SensorKind::optical;
    r.instrument_mode = "IW";
    expect_field(r, ErrorCode::unsupported, "instrument_mode");
    r = point_request();
    r.instrument_mode = "";
    expect_field(r, ErrorCode::out_of_range, "instrument_mode");
}

// The one rule for SAR modes: a request's instrument mode selects modes by name (a sensor without modes is one
// mode named after it), its polarisations must all be offered; optical sensors offer neither.
TEST(ImagingRule, InstrumentModeAndPolarizationsSelectModes)
{
    geometry::Sensor s1;
    s1.name = "s1";
    s1.type = geometry::SensorType::sar;
    geometry::Sensor iw = s1, ew = s1;
    iw.name = "IW";
    iw.incidence_min_deg = 29.1;
    iw.incidence_max_deg = 46.0;
    iw.polarizations = {"VV", "VH"};
    ew.name = "EW";
    ew.incidence_min_deg = 18.9;
    ew.incidence_max_deg = 47.0;
    ew.polarizations = {"HH", "HV"};
    s1.modes = {iw, ew};
    mission::Request r = point_request();
    ASSERT_TRUE(mission::offered_modes(s1, r));
    EXPECT_EQ(mission::offered_modes(s1, r)->modes.size(), 2u);
    r.instrument_mode = "EW";
    ASSERT_TRUE(mission::offered_modes(s1, r));
    ASSERT_EQ(mission::offered_modes(s1, r)->modes.size(), 1u);
    EXPECT_EQ(mission::offered_modes(s1, r)->modes[0].name, "EW");
    r.polarizations = {"VV"};
    EXPECT_FALSE(mission::offered_modes(s1, r)); // EW offers HH/HV only
    r.instrument_mode.reset();
    ASSERT_TRUE(mission::offered_modes(s1, r));
    EXPECT_EQ(mission::offered_modes(s1, r)->modes[0].name, "IW");
    r.polarizations = {"VV", "HH"}; // no one mode offers both
    EXPECT_FALSE(mission::offered_modes(s1, r));

    geometry::Sensor single = iw; // no modes: one mode named after the sensor
    single.name = "s1-iw";
    r.polarizations = {"VH"};
    EXPECT_TRUE(mission::offered_modes(single, r));
    r.instrument_mode = "IW";
    EXPECT_FALSE(mission::offered_modes(single, r));
    r.instrument_mode = "s1-iw";
    EXPECT_TRUE(mission::offered_modes(single, r));

    geometry::Sensor optical;
    optical.name = "opt";
    optical.max_off_nadir_deg = 30.0;
    EXPECT_FALSE(mission::offered_modes(optical, r));
    EXPECT_TRUE(mission::offered_modes(optical, point_request()));
}
