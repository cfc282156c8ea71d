// Tasking scenario reader and plan files: the tiny scenario becomes domain values (MissionScenarioValidation);
// one malformed file per failure class, each asserting ErrorCode, line and key path (MissionScenarioParseErrors);
// plan.json written and read back (PlanJsonProperty) and its errors (PlanJsonParseErrors).
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "vantage/io/mission_scenario.hpp"
#include "vantage/io/plan_io.hpp"
#include "vantage/scheduling/plan.hpp"

using vantage::ConfigError;
using vantage::ErrorCode;
namespace io = vantage::io;
namespace sch = vantage::scheduling;

namespace {

const std::string test_data = VANTAGE_TEST_DATA;

TEST(MissionScenarioValidation, TinyBecomesDomainValues)
{
    const sch::Mission m = io::read_mission_file(test_data + "/tasking/tiny.yaml");
    EXPECT_EQ(m.start.to_iso8601_utc(0), "2025-10-03T08:30:00Z");
    EXPECT_EQ(m.stop.to_iso8601_utc(0), "2025-10-03T10:00:00Z");
    ASSERT_EQ(m.satellites.size(), 2U);
    const auto &s = m.satellites[1];
    EXPECT_EQ(s.sat.propagator.elements().norad_id, 90002U);
    EXPECT_EQ(s.agility.max_rate_deg_s, 3.0);
    EXPECT_EQ(s.agility.max_accel_deg_s2, 1.0);
    EXPECT_EQ(s.agility.settle_s, 2.0);
    EXPECT_EQ(s.data_rate_mbit_s, 1000.0);
    EXPECT_EQ(s.imaging_swath_km, 14.0);
    EXPECT_EQ(s.storage_gbit, 300.0);
    ASSERT_TRUE(s.max_imaging_s_per_orbit.has_value());
    EXPECT_EQ(*s.max_imaging_s_per_orbit, 400.0);
    EXPECT_TRUE(s.pointable());
    ASSERT_EQ(m.stations.size(), 3U);
    EXPECT_EQ(m.stations[0].antennas, 2);
    EXPECT_EQ(m.stations[0].downlink_mbit_s, 520.0);
    EXPECT_EQ(m.stations[2].downlink_mbit_s, 0.0); // not given: planning.default_downlink_mbit_s applies
    ASSERT_EQ(m.tenants.size(), 2U);
    EXPECT_EQ(m.tenants[1].name, "IT");
    EXPECT_EQ(m.tenants[1].allowed_stations, (std::vector<std::string>{"Matera", "Svalbard"}));
    ASSERT_EQ(m.requests.size(), 11U);
    EXPECT_TRUE(m.requests[8].polygon.has_value());
    EXPECT_TRUE(m.requests[9].repeat.has_value());
    ASSERT_EQ(m.outages.size(), 1U);
    EXPECT_EQ(m.outages[0].station, "Kiruna");
    EXPECT_EQ(m.planning.seed, 3U);
    EXPECT_EQ(m.planning.iterations, 150);
    EXPECT_EQ(m.planning.delivery_margin_h, 3.0);
}

TEST(MissionScenarioValidation, RequestsFile)
{
    const auto r = io::read_requests_file(test_data + "/tasking/urgent.yaml");
    ASSERT_EQ(r.size(), 2U);
    EXPECT_EQ(r[0].id, "U-1");
    EXPECT_EQ(r[0].tier, vantage::mission::Tier::urgent);
}

struct BadCase {
    const char *file;
    ErrorCode code;
    int line;
    const char *field;
};

// ctest shows the parameter: print the file name, not the struct's bytes (which hold pointers).
void PrintTo(const BadCase &c, std::ostream *os)
{
    *os << c.file;
}

class MissionScenarioParseErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(MissionScenarioParseErrors, NamesFileLineAndKeyPath)
{
    const BadCase &c = GetParam();
    const std::string path = test_data + "/bad/" + c.file;
    try {
        io::read_mission_file(path);
        FAIL() << "no error for " << c.file;
    } catch (const vantage::Error &e) {
        EXPECT_EQ(e.code(), c.code) << e.what();
        EXPECT_EQ(e.context().source, path);
        EXPECT_EQ(e.context().line, c.line) << e.what();
        EXPECT_EQ(e.context().field, c.field) << e.what();
    }
}

INSTANTIATE_TEST_SUITE_P(
    BadFiles, MissionScenarioParseErrors,
    ::testing::Values(BadCase{"tasking_unknown_tenant.yaml", ErrorCode::missing_field, 24, "requests[0].tenant"},
                      BadCase{"tasking_bad_agility.yaml", ErrorCode::out_of_range, 13, "sensors.opt.agility.max_rate_deg_s"},
                      BadCase{"tasking_slew_table.yaml", ErrorCode::out_of_range, 13, "sensors.opt.agility.slew_table[2][0]"},
                      BadCase{"tasking_outage_station.yaml", ErrorCode::missing_field, 41, "station_outages[0].station"},
                      BadCase{"tasking_unknown_planning_key.yaml", ErrorCode::unknown_key, 42, "planning.seeed"},
                      BadCase{"tasking_replan_iterations.yaml", ErrorCode::invalid_number, 42, "planning.replan_iterations"},
                      BadCase{"tasking_allowed_station.yaml", ErrorCode::missing_field, 22, "tenants.IT.allowed_stations[1]"},
                      BadCase{"tasking_duplicate_request.yaml", ErrorCode::duplicate, 25, "requests[1].id"},
                      BadCase{"tasking_request_priority.yaml", ErrorCode::out_of_range, 26, "requests[2].priority"},
                      BadCase{"tasking_request_duplicate_key.yaml", ErrorCode::duplicate, 25, "requests[1].priority"},
                      BadCase{"tasking_request_time_zone.yaml", ErrorCode::invalid_time, 26, "requests[2].window_end_utc"},
                      BadCase{"tasking_requests_file_missing.yaml", ErrorCode::file_not_found, 40, "requests_file"},
                      BadCase{"tasking_share.yaml", ErrorCode::out_of_range, 21, "tenants.FR.share"},
                      BadCase{"tasking_storage.yaml", ErrorCode::out_of_range, 15, "satellites[0].storage_gbit"}),
    [](const ::testing::TestParamInfo<BadCase> &p) { // the file's stem: a stable, readable test name
        const std::string f = p.param.file;
        return f.substr(0, f.find('.'));
    });

TEST(PlanJsonProperty, WrittenPlanReadsBack)
{
    const sch::Mission m = io::read_mission_file(test_data + "/tasking/tiny.yaml");
    sch::PlanningOptions opt = m.planning;
    opt.iterations = 20;
    const sch::Plan p = sch::plan(m, opt);
    ASSERT_FALSE(p.acquisitions.empty());
    const std::string text = io::plan_to_json(p, m, "tiny.yaml");
    const sch::PreviousPlan back = io::parse_plan_json(text, "plan.json");
    ASSERT_EQ(back.acquisitions.size(), p.acquisitions.size());
    for (std::size_t i = 0; i < p.acquisitions.size(); ++i) {
        EXPECT_EQ(back.acquisitions[i].acquisition_id, p.acquisitions[i].acquisition_id);
        EXPECT_EQ(back.acquisitions[i].norad_id, m.satellites[p.acquisitions[i].satellite].sat.propagator.elements().norad_id);
        // times are written with 6 decimals: grid starts (whole seconds) come back exactly
        EXPECT_EQ(back.acquisitions[i].start, p.acquisitions[i].start);
    }
    EXPECT_EQ(back.downlinks.size(), p.downlinks.size());
    EXPECT_EQ(back.unserved.size(), p.unserved.size());
    EXPECT_EQ(back.metrics.value_upper_bound, p.metrics.value_upper_bound);
    EXPECT_EQ(back.seed, p.seed);
    // the timeline has its header and one row per acquisition, slew and downlink part
    const std::string csv = io::plan_timeline_csv(p, m);
    EXPECT_EQ(csv.rfind("satellite,kind,start_utc,end_utc,acquisition_id,station,storage_gbit_after,along_track_look_deg,squint_deg,"
                        "cloud_cover_pct,cloud_probability,battery_wh_after,relay\n", 0), 0U);
    EXPECT_NE(io::plan_to_czml(p, m).find("\"id\":\"document\""), std::string::npos);
}

TEST(PlanJsonParseErrors, MissingFieldNamesTheJsonPath)
{
    const std::string text = R"({"acquisitions": [{"acquisition_id": "A/0/0", "request_id": "A", "occurrence": 0,
        "strip_id": 0, "norad_id": 90001, "end_utc": "2025-10-03T09:00:00Z"}]})";
    try {
        io::parse_plan_json(text, "plan.json");
        FAIL();
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.code(), ErrorCode::missing_field);
        EXPECT_EQ(e.context().field, "acquisitions[0].start_utc");
    }
    try {
        io::parse_plan_json("{\"acquisitions\": 3}", "plan.json");
        FAIL();
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.code(), ErrorCode::syntax);
        EXPECT_EQ(e.context().field, "acquisitions");
    }
}

} // namespace
