// CoverageScenarioParseErrors / DesignSpecParseErrors: one committed malformed file per failure class
// (tests/data/bad/coverage_*.yaml, design_*.yaml), each asserting the ErrorCode, the file, the line and the key path.
// CoverageScenario / DesignSpec: the good files read into the expected values.
#include <gtest/gtest.h>

#include <string>

#include "vantage/core/error.hpp"
#include "vantage/io/coverage_scenario.hpp"
#include "vantage/io/design_spec.hpp"
#include "vantage/io/element_writer.hpp"
#include "vantage/io/omm.hpp"
#include "vantage/io/tle.hpp"

using namespace vantage;

namespace {

const std::string bad_dir = VANTAGE_TEST_DATA "/bad/";

struct Expect {
    const char *file;
    ErrorCode code;
    int line;
    const char *field;
};

template <class F>
void expect_error(const Expect &e, F &&read)
{
    SCOPED_TRACE(e.file);
    try {
        read(bad_dir + e.file);
        ADD_FAILURE() << "no error";
    } catch (const Error &err) {
        EXPECT_EQ(err.code(), e.code) << err.what();
        EXPECT_EQ(err.context().line, e.line) << err.what();
        EXPECT_EQ(err.context().field, e.field) << err.what();
        EXPECT_NE(err.context().source.find(e.file), std::string::npos) << err.what();
    }
}

} // namespace

TEST(CoverageScenario, DemoReadsAreasAndGrid)
{
    const auto cs = io::read_coverage_scenario_file(VANTAGE_SOURCE_DIR "/examples/coverage-demo.yaml");
    EXPECT_EQ(cs.scenario.satellites.size(), 11u);
    EXPECT_EQ(cs.grid_km, 100.0);
    EXPECT_EQ(cs.min_accesses, 3);
    ASSERT_EQ(cs.regions.size(), 2u);
    EXPECT_EQ(cs.regions[0].name, "europe");
    EXPECT_EQ(cs.regions[1].name, "alps");
    EXPECT_EQ(cs.regions[0].kind, coverage::Region::Kind::polygon);
    const auto sel = io::select_coverage_grid(cs);
    EXPECT_GT(sel.members[0].size(), sel.members[1].size());
}

TEST(CoverageScenario, InlineAreasAndBands)
{
    const std::string head = "start_utc: 2025-10-03T00:00:00Z\nduration_h: 1\nsensors: {pan: {type: optical, "
                             "max_off_nadir_deg: 30}}\nsatellites: [{tle_file: " VANTAGE_SOURCE_DIR
                             "/examples/eo-satellites.tle, norad_ids: [38012], sensor: pan}]\n";
    auto cs = io::parse_coverage_scenario_text(
        head + "aoi:\n  - {type: Polygon, coordinates: [[[0, 40], [10, 40], [10, 50], [0, 50], [0, 40]]]}\n"
               "  - " VANTAGE_TEST_DATA "/aoi_two_areas.geojson\n",
        "inline.yaml", ".");
    ASSERT_EQ(cs.regions.size(), 3u); // one inline polygon + the file's two features
    EXPECT_EQ(cs.regions[0].name, "aoi-0");
    EXPECT_EQ(cs.regions[1].name, "ile-de-france");
    EXPECT_EQ(cs.region_origins[2].field, "aoi[1]");
    cs = io::parse_coverage_scenario_text(head + "coverage: {lat_min_deg: -30, lat_max_deg: 30, grid_km: 250}\n", "band.yaml",
                                          ".");
    ASSERT_EQ(cs.regions.size(), 1u);
    EXPECT_EQ(cs.regions[0].kind, coverage::Region::Kind::latitude_band);
    EXPECT_EQ(cs.grid_km, 250.0);
    cs = io::parse_coverage_scenario_text(head, "global.yaml", ".");
    EXPECT_TRUE(cs.regions.empty()); // the globe
    EXPECT_EQ(cs.grid_km, 100.0);
    EXPECT_EQ(cs.min_accesses, 2);
}

TEST(CoverageScenarioParseErrors, OneFilePerFailureClass)
{
    const Expect cases[] = {
        {"coverage_unknown_key.yaml", ErrorCode::unknown_key, 9, "coverage.spacing_km"},
        {"coverage_grid_out_of_range.yaml", ErrorCode::out_of_range, 8, "coverage.grid_km"},
        {"coverage_grid_not_number.yaml", ErrorCode::invalid_number, 8, "coverage.grid_km"},
        {"coverage_band_incomplete.yaml", ErrorCode::missing_field, 8, "coverage.lat_max_deg"},
        {"coverage_band_inverted.yaml", ErrorCode::out_of_range, 9, "coverage.lat_max_deg"},
        {"coverage_aoi_and_band.yaml", ErrorCode::syntax, 10, "coverage.lat_min_deg"},
        {"coverage_min_accesses_fraction.yaml", ErrorCode::invalid_number, 8, "coverage.min_accesses"},
        {"coverage_aoi_missing_file.yaml", ErrorCode::file_not_found, 7, "aoi"},
        {"coverage_aoi_unsupported_geometry.yaml", ErrorCode::unsupported, 8, "aoi.type"},
        {"coverage_aoi_bad_latitude.yaml", ErrorCode::out_of_range, 7, "aoi.coordinates[0][2][1]"},
        {"coverage_aoi_wrong_kind.yaml", ErrorCode::syntax, 8, "aoi[0]"},
        {"coverage_aoi_too_small.yaml", ErrorCode::out_of_range, 8, "aoi"},
    };
    for (const auto &c : cases) {
        expect_error(c, [](const std::string &path) {
            const auto cs = io::read_coverage_scenario_file(path);
            io::select_coverage_grid(cs);
        });
    }
    // A bad GeoJSON file named by the scenario: the error names that file and the JSON path.
    try {
        io::read_coverage_scenario_file(bad_dir + "coverage_aoi_file_bad.yaml");
        FAIL();
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.code(), ErrorCode::out_of_range);
        EXPECT_NE(e.context().source.find("geojson_bad_latitude.json"), std::string::npos);
        EXPECT_EQ(e.context().field, "features[0].geometry.coordinates[0][2][1]");
    }
}

TEST(DesignSpec, CustomListBuildsEveryGroup)
{
    const auto els = io::read_design_file(VANTAGE_TEST_DATA "/design_custom.yaml");
    ASSERT_EQ(els.size(), 6u + 4u + 1u);
    EXPECT_EQ(els[0].norad_id, 81000u);
    EXPECT_EQ(els[0].object_name, "DEMO-G1-P01-S01");
    EXPECT_EQ(els[6].object_name, "DEMO-G2-P01-S01");
    EXPECT_EQ(els[6].norad_id, 81006u);
    EXPECT_GT(els[6].inclination_deg, 98.0); // sun-synchronous at 700 km
    EXPECT_EQ(els[10].object_name, "DEMO-G3-001");
    EXPECT_EQ(els[10].mean_anomaly_deg, 90.0);
    // Every format round-trips through the readers.
    for (auto f : {io::ElementOutputFormat::tle, io::ElementOutputFormat::omm_kvn, io::ElementOutputFormat::omm_xml,
                   io::ElementOutputFormat::omm_json}) {
        const std::string text = io::format_element_sets(els, f);
        const auto back = f == io::ElementOutputFormat::tle ? io::parse_tle_text(text, "mem") : io::parse_omm_text(text, "mem");
        EXPECT_TRUE(back.rejected.empty());
        ASSERT_EQ(back.items.size(), els.size());
        for (std::size_t i = 0; i < els.size(); ++i) {
            EXPECT_EQ(back.items[i].elements.mean_motion_rev_day, els[i].mean_motion_rev_day);
            EXPECT_EQ(back.items[i].elements.raan_deg, els[i].raan_deg);
            EXPECT_EQ(back.items[i].elements.object_name, els[i].object_name);
            EXPECT_LE(std::abs((back.items[i].elements.epoch - els[i].epoch).seconds()), 1e-6);
        }
    }
}

TEST(DesignSpecParseErrors, OneFilePerFailureClass)
{
    const Expect cases[] = {
        {"design_planes_do_not_divide.yaml", ErrorCode::invalid_argument, 4, "groups[0].walker.planes"},
        {"design_sso_too_high.yaml", ErrorCode::out_of_range, 4, "groups[0].sso.altitude_km"},
        {"design_unknown_key.yaml", ErrorCode::unknown_key, 4, "groups[0].walker.spread"},
        {"design_missing_epoch.yaml", ErrorCode::missing_field, 1, "epoch_utc"},
        {"design_group_two_kinds.yaml", ErrorCode::syntax, 4, "groups[0]"},
        {"design_sso_local_time.yaml", ErrorCode::out_of_range, 4, "groups[0].sso.local_times_h[1]"},
    };
    for (const auto &c : cases) {
        expect_error(c, [](const std::string &path) { io::read_design_file(path); });
    }
}
