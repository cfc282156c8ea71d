// Scenario YAML reader tests: a good scenario using every feature, and one malformed file per failure
// class (tests/data/bad/scenario_*.yaml), each asserting ErrorCode, line and key path.
#include <gtest/gtest.h>

#include <algorithm>

#include <string>

#include "vantage/io/scenario.hpp"

using vantage::ErrorCode;
namespace io = vantage::io;
namespace geo = vantage::geometry;

namespace {

const std::string test_data = VANTAGE_TEST_DATA;

} // namespace

TEST(ScenarioValidation, GoodScenarioBecomesDomainValues)
{
    const auto sc = io::read_scenario_file(test_data + "/scenario_good.yaml");
    EXPECT_EQ(sc.start.to_iso8601_utc(3), "2025-10-03T00:00:00.000Z");
    EXPECT_EQ(sc.stop.to_iso8601_utc(3), "2025-10-04T00:00:00.000Z"); // duration_h: 24
    EXPECT_EQ(sc.search.min_window_s, 0.5);
    EXPECT_EQ(sc.search.edge_tolerance_s, 1e-4);
    EXPECT_FALSE(sc.eop.empty());
    EXPECT_TRUE(sc.diagnostics.empty());

    ASSERT_EQ(sc.sensors.size(), 4U);
    ASSERT_EQ(sc.satellites.size(), 5U);
    EXPECT_EQ(sc.satellites[0].propagator.elements().norad_id, 38012U);
    EXPECT_EQ(sc.satellites[0].name, "PLEIADES 1A");
    EXPECT_EQ(sc.satellites[1].propagator.elements().norad_id, 39019U);
    const auto &pl = sc.satellites[0].sensor;
    EXPECT_EQ(pl.name, "pleiades-hr");
    EXPECT_EQ(pl.type, geo::SensorType::optical);
    EXPECT_EQ(pl.max_off_nadir_deg, 30.0);
    EXPECT_EQ(pl.min_sun_elevation_deg, 10.0);
    EXPECT_FALSE(pl.swath_km.has_value());
    const auto &msi = sc.satellites[2].sensor; // norad_ids given as a single number
    EXPECT_EQ(sc.satellites[2].propagator.elements().norad_id, 40697U);
    EXPECT_EQ(msi.swath_km, 290.0);
    EXPECT_FALSE(msi.max_off_nadir_deg.has_value());
    EXPECT_EQ(msi.pass_direction, geo::PassDirection::descending);
    EXPECT_EQ(msi.along_track_half_angle_deg, 1.5);
    const auto &sar = sc.satellites[4].sensor;
    EXPECT_EQ(sc.satellites[4].propagator.elements().norad_id, 62261U);
    EXPECT_EQ(sar.type, geo::SensorType::sar);
    EXPECT_EQ(sar.incidence_min_deg, 29.1);
    EXPECT_EQ(sar.incidence_max_deg, 46.0);
    EXPECT_EQ(sar.look_side, geo::LookSide::right);
    EXPECT_EQ(sar.pass_direction, geo::PassDirection::any);
    const auto modes_it = std::find_if(sc.sensors.begin(), sc.sensors.end(),
                                       [](const geo::Sensor &s) { return s.name == "c-sar-modes"; });
    ASSERT_NE(modes_it, sc.sensors.end());
    ASSERT_EQ(modes_it->modes.size(), 2U);
    EXPECT_EQ(modes_it->pass_direction, geo::PassDirection::ascending); // filters the merged windows
    EXPECT_EQ(modes_it->modes[0].name, "iw");
    EXPECT_EQ(modes_it->modes[0].incidence_min_deg, 29.1);
    EXPECT_EQ(modes_it->modes[0].look_side, geo::LookSide::right);     // the sensor's default
    EXPECT_EQ(modes_it->modes[0].pass_direction, geo::PassDirection::any);
    EXPECT_EQ(modes_it->modes[1].name, "ew-left");
    EXPECT_EQ(modes_it->modes[1].incidence_max_deg, 47.0);
    EXPECT_EQ(modes_it->modes[1].look_side, geo::LookSide::left);      // overridden

    ASSERT_EQ(sc.stations.size(), 3U); // select order, then inline
    EXPECT_EQ(sc.stations[0].name, "Kiruna");
    EXPECT_EQ(sc.stations[0].min_elevation_deg, 7.5);
    EXPECT_EQ(sc.stations[1].name, "Troll, Antarctica");
    EXPECT_EQ(sc.stations[2].name, "Matera");
    EXPECT_EQ(sc.stations[2].location.h_km, 0.536);
    EXPECT_EQ(sc.stations[2].min_elevation_deg, 3.0);
    ASSERT_EQ(sc.stations[2].mask.size(), 2U);
    EXPECT_EQ(sc.stations[2].mask[1].azimuth_deg, 180.0);
    EXPECT_EQ(sc.stations[2].mask[1].min_elevation_deg, 8.0);

    ASSERT_EQ(sc.targets.size(), 3U);
    EXPECT_EQ(sc.targets[0].id, "paris");
    EXPECT_EQ(sc.targets[0].location.lat_deg, 48.8566);
    EXPECT_EQ(sc.targets[0].location.h_km, 0.035);
    EXPECT_EQ(sc.targets[1].location.h_km, 0.0); // alt_m optional
    EXPECT_EQ(sc.targets[2].id, "kiruna-mine");
}

TEST(ScenarioValidation, MinimalScenarioTakesWholeFilesAndStopUtc)
{
    const auto sc = io::read_scenario_file(test_data + "/scenario_minimal.yaml");
    EXPECT_EQ(sc.satellites.size(), 11U); // no norad_ids: every element set of the file
    EXPECT_EQ(sc.stations.size(), 62U);   // no select: every station of the file
    for (const auto &s : sc.stations) {
        EXPECT_EQ(s.min_elevation_deg, 10.0); // file-level override
    }
    EXPECT_TRUE(sc.targets.empty());
    EXPECT_TRUE(sc.eop.empty());
    EXPECT_EQ((sc.stop - sc.start).seconds(), 12.0 * 3600.0 + 0.5);
}

TEST(ScenarioParseErrors, OneFilePerFailureClass)
{
    struct Case {
        const char *file;
        ErrorCode code;
        int line;
        const char *field;
        const char *value;
    };
    const Case cases[] = {
        {"scenario_unknown_key.yaml", ErrorCode::unknown_key, 11, "satellites[1].sensr", "sensr"},
        {"scenario_bad_time.yaml", ErrorCode::invalid_time, 2, "start_utc", "2025-10-32T00:00:00Z"},
        {"scenario_missing_sensor.yaml", ErrorCode::missing_field, 8, "satellites[0].sensor", "pleiades"},
        {"scenario_bad_look_side.yaml", ErrorCode::out_of_range, 8, "sensors.c-sar.look_side", "up"},
        {"scenario_bad_number.yaml", ErrorCode::invalid_number, 10, "targets[1].lat_deg", "north"},
        {"scenario_bad_lat.yaml", ErrorCode::out_of_range, 8, "targets[0].lat_deg", "95"},
        {"scenario_missing_file.yaml", ErrorCode::file_not_found, 6, "satellites[0].tle_file", "does-not-exist.tle"},
        {"scenario_unknown_norad.yaml", ErrorCode::missing_field, 9, "satellites[0].norad_ids[1]", "25544"},
        {"scenario_unknown_station.yaml", ErrorCode::missing_field, 11, "ground_stations.select[1]", "Atlantis"},
        {"scenario_duplicate_target.yaml", ErrorCode::duplicate, 9, "targets[1].id", "paris"},
        {"scenario_sar_incomplete.yaml", ErrorCode::missing_field, 5, "sensors.c-sar.incidence_max_deg", "c-sar"},
        {"scenario_stop_before_start.yaml", ErrorCode::out_of_range, 2, "stop_utc", "2025-10-02T00:00:00Z"},
        {"scenario_duplicate_satellite.yaml", ErrorCode::duplicate, 8, "satellites[1].norad_ids", "38012"},
        {"scenario_bad_modes.yaml", ErrorCode::syntax, 6, "sensors.s1.modes", ""},
        {"scenario_mode_unknown_key.yaml", ErrorCode::unknown_key, 8, "sensors.s1.modes[1].pass_direction",
         "pass_direction"},
        {"scenario_mode_incomplete.yaml", ErrorCode::missing_field, 8, "sensors.s1.modes[0].incidence_max_deg", "s1"},
        {"scenario_bad_along_track.yaml", ErrorCode::unsupported, 7, "sensors.pleiades.along_track_half_angle_deg", "2"},
        {"scenario_bad_squint.yaml", ErrorCode::out_of_range, 8, "sensors.c-sar.max_squint_deg", "60"},
        {"scenario_squint_optical.yaml", ErrorCode::unsupported, 7, "sensors.pleiades.max_squint_deg", "2"},
        {"scenario_squint_no_agility.yaml", ErrorCode::unsupported, 8, "sensors.c-sar.max_squint_deg", "3"},
        {"scenario_bad_polarization.yaml", ErrorCode::out_of_range, 8, "sensors.c-sar.polarizations[1]", "VX"},
        {"scenario_gsd_on_sar.yaml", ErrorCode::unsupported, 8, "sensors.c-sar.gsd_nadir_m", "0.5"},
    };
    for (const auto &c : cases) {
        SCOPED_TRACE(c.file);
        const std::string path = test_data + "/bad/" + c.file;
        try {
            (void)io::read_scenario_file(path);
            ADD_FAILURE() << "expected ConfigError";
        } catch (const vantage::ConfigError &e) {
            EXPECT_EQ(e.code(), c.code) << e.what();
            EXPECT_EQ(e.context().source, path);
            EXPECT_EQ(e.context().line, c.line) << e.what();
            EXPECT_EQ(e.context().field, c.field) << e.what();
            EXPECT_EQ(e.context().value, c.value) << e.what();
        }
    }
}

TEST(ScenarioParseErrors, YamlSyntaxIsAParseErrorWithLine)
{
    const std::string path = test_data + "/bad/scenario_yaml_syntax.yaml";
    try {
        (void)io::read_scenario_file(path);
        FAIL() << "expected ParseError";
    } catch (const vantage::ParseError &e) {
        EXPECT_EQ(e.code(), ErrorCode::syntax);
        EXPECT_EQ(e.context().source, path);
        EXPECT_GT(e.context().line, 3); // yaml-cpp reports where it noticed the unclosed flow map
    }
}

TEST(ScenarioParseErrors, InlineProblems)
{
    struct Case {
        const char *yaml;
        ErrorCode code;
        const char *field;
    };
    const std::string head = "start_utc: 2025-10-03T00:00:00Z\nduration_h: 1\n";
    const Case cases[] = {
        {"duration_h: 1\n", ErrorCode::missing_field, "start_utc"},
        {"start_utc: 2025-10-03T00:00:00Z\n", ErrorCode::missing_field, "stop_utc"},
        {"start_utc: 2025-10-03T00:00:00Z\nduration_h: -1\n", ErrorCode::out_of_range, "duration_h"},
        {"start_utc: 2025-10-03T00:00:00Z\nduration_h: 1\nstop_utc: 2025-10-04T00:00:00Z\n", ErrorCode::syntax, "duration_h"},
        {"sensors: {s: {type: infrared, swath_km: 10}}\n", ErrorCode::out_of_range, "sensors.s.type"},
        {"sensors: {s: {type: optical}}\n", ErrorCode::missing_field, "sensors.s.max_off_nadir_deg"},
        {"sensors: {s: {type: optical, max_off_nadir_deg: 90}}\n", ErrorCode::out_of_range, "sensors.s.max_off_nadir_deg"},
        {"sensors: {s: {type: sar, incidence_min_deg: 40, incidence_max_deg: 20}}\n", ErrorCode::out_of_range,
         "sensors.s.incidence_max_deg"},
        {"sensors: {s: {type: sar, incidence_min_deg: 20, incidence_max_deg: 40, max_off_nadir_deg: 30}}\n",
         ErrorCode::unsupported, "sensors.s.max_off_nadir_deg"},
        {"sensors: {s: {type: optical, swath_km: 10, pass_direction: north}}\n", ErrorCode::out_of_range,
         "sensors.s.pass_direction"},
        {"sensors: {s: {type: optical, swath_km: 10}}\nsatellites: [{sensor: s}]\n", ErrorCode::missing_field,
         "satellites[0].tle_file"},
        {"sensors: {s: {type: optical, swath_km: 10}}\nsatellites: {a: 1}\n", ErrorCode::syntax, "satellites"},
        {"sensors: {s: {type: optical, swath_km: 10}}\n", ErrorCode::missing_field, "satellites"},
        {"sensors: {s: {type: optical, swath_km: 10}}\nsearch: {min_window_s: 0}\n", ErrorCode::out_of_range,
         "search.min_window_s"},
        {"bogus: 1\n", ErrorCode::unknown_key, "bogus"},
        {"sgp4: {gravity: wgs99}\n", ErrorCode::out_of_range, "sgp4.gravity"},
        {"sgp4: {opsmode: x}\n", ErrorCode::out_of_range, "sgp4.opsmode"},
        {"sgp4: {gravity: wgs84, mu: 398600}\n", ErrorCode::unknown_key, "sgp4.mu"},
    };
    for (const auto &c : cases) {
        SCOPED_TRACE(c.yaml);
        const std::string text = (std::string(c.yaml).starts_with("start_utc") || std::string(c.yaml).starts_with("duration_h"))
                                     ? std::string(c.yaml)
                                     : head + c.yaml;
        try {
            (void)io::parse_scenario_text(text, "mem.yaml", VANTAGE_SOURCE_DIR "/examples");
            ADD_FAILURE() << "expected ConfigError";
        } catch (const vantage::ConfigError &e) {
            EXPECT_EQ(e.code(), c.code) << e.what();
            EXPECT_EQ(e.context().field, c.field) << e.what();
            EXPECT_GT(e.context().line, 0) << e.what();
        }
    }
}

TEST(ScenarioValidation, Sgp4ConstantsApplyToEverySatellite)
{
    // Scenario key sgp4 (published benchmarks may state WGS-84): every satellite's propagator uses it; the default
    // stays WGS-72 / 'i', the constants TLEs are fitted with.
    const std::string text = "start_utc: 2025-10-03T00:00:00Z\nduration_h: 1\nsgp4: {gravity: wgs84, opsmode: afspc}\n"
                             "sensors: {s: {type: optical, swath_km: 10}}\n"
                             "satellites: [{tle_file: eo-satellites.tle, sensor: s}]\n";
    const io::Scenario sc = io::parse_scenario_text(text, "mem.yaml", VANTAGE_SOURCE_DIR "/examples");
    ASSERT_FALSE(sc.satellites.empty());
    for (const auto &sat : sc.satellites) {
        EXPECT_EQ(sat.propagator.options().gravity, vantage::orbits::GravityModel::wgs84);
        EXPECT_EQ(sat.propagator.options().opsmode, vantage::orbits::OpsMode::afspc);
    }
    const io::Scenario plain = io::parse_scenario_text("start_utc: 2025-10-03T00:00:00Z\nduration_h: 1\n"
                                                       "sensors: {s: {type: optical, swath_km: 10}}\n"
                                                       "satellites: [{tle_file: eo-satellites.tle, sensor: s}]\n",
                                                       "mem.yaml", VANTAGE_SOURCE_DIR "/examples");
    EXPECT_EQ(plain.satellites.front().propagator.options().gravity, vantage::orbits::GravityModel::wgs72);
    // WGS-84 moves a LEO satellite by metres to a few km over a day against WGS-72 (different mu, Re, J2): the
    // option is really used.
    const auto t = sc.start + vantage::time::Duration::from_hours(24.0);
    const auto a = sc.satellites.front().propagator.propagate(t);
    const auto b = plain.satellites.front().propagator.propagate(t);
    EXPECT_GT((a.r_km - b.r_km).norm(), 1e-3);
}
