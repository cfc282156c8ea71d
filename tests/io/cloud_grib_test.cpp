// CloudGrib: total cloud cover read from real GFS GRIB2 files (tests/reference/clouds, vendored from
// ../shared/data/clouds) against the spot values its README lists (read there with ecCodes' grib_get_data); an
// ECMWF-style field (tcc as a 0-1 fraction) and re-stamped fields derived from them with ecCodes' grib_set; time
// interpolation, persistence and monthly climatology; the probability model; every error names file and message.
//
// Tolerances: the fields are 8-bit packed (0-100 % in steps of ~0.4 %), so a value read back after scaling or
// re-packing agrees to 0.5 %; the README's spot values are the packed values themselves (to the printed digit).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "vantage/core/error.hpp"
#include "vantage/io/cloud_grib.hpp"
#include "vantage/io/mission_scenario.hpp"
#include "vantage/mission/clouds.hpp"

using namespace vantage;
namespace fs = std::filesystem;

namespace {

const fs::path ref_dir = fs::path(VANTAGE_SHARED_DATA) / "clouds";
const fs::path jan = ref_dir / "gfs.t12z.pgrbf120.2p5deg.tcc-only.grib2";
const fs::path oct = ref_dir / "gfs.2011100800.f072.2p5deg.tcc-only.grib2";

fs::path scratch()
{
    const fs::path d = fs::temp_directory_path() / fmt::format("vantage-clouds-{}", ::testing::UnitTest::GetInstance()->random_seed());
    fs::create_directories(d);
    return d;
}

/// Runs an ecCodes tool; the test fails (not skips) when it is missing: tools/ci/install_deps.sh installs it.
void run(const std::string &cmd)
{
    ASSERT_EQ(std::system((cmd + " > /dev/null").c_str()), 0) << cmd;
}

time::Instant utc(const char *s) { return time::Instant::parse_iso8601(s); }

template <class F>
void expect_error(F &&f, ErrorCode code, const std::string &source_part, const std::string &field_part)
{
    try {
        f();
        ADD_FAILURE() << "accepted";
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), code) << e.what();
        EXPECT_NE(std::string(e.what()).find(source_part), std::string::npos) << e.what();
        EXPECT_NE(e.context().field.find(field_part), std::string::npos) << e.what();
    }
}

} // namespace

TEST(CloudGrib, GfsTotalCloudCoverMatchesTheReadmeSpotValues)
{
    const io::CloudFile f = io::read_cloud_grib(jan);
    ASSERT_EQ(f.fields.size(), 1U); // the whole-atmosphere message only
    EXPECT_EQ(f.skipped, 5U);       // low, middle, high, convective, boundary-layer cloud layers
    const auto &fc = f.fields[0];
    // run 2011-01-10 12 UTC, average over +114..+120 h: stands for +117 h
    EXPECT_EQ(fc.time, utc("2011-01-15T09:00:00Z"));
    EXPECT_DOUBLE_EQ(fc.averaged_over_s, 6 * 3600.0);
    EXPECT_EQ(fc.source, "gfs.t12z.pgrbf120.2p5deg.tcc-only.grib2 message 4");
    EXPECT_EQ(fc.grid.nlon, 144);
    EXPECT_EQ(fc.grid.nlat, 73);
    EXPECT_TRUE(fc.grid.global_lon);
    EXPECT_DOUBLE_EQ(fc.grid.lat0_deg, 90.0);
    EXPECT_DOUBLE_EQ(fc.grid.dlat_deg, -2.5);
    // ../shared/data/clouds/README.md: (90N, 0E) = 92, (50N, 0E) = 94, (0, 0) = 15, (35S, 150E) = 54
    EXPECT_NEAR(*fc.grid.at(90.0, 0.0), 92.0, 0.5);
    EXPECT_NEAR(*fc.grid.at(50.0, 0.0), 94.0, 0.5);
    EXPECT_NEAR(*fc.grid.at(0.0, 0.0), 15.0, 0.5);
    EXPECT_NEAR(*fc.grid.at(-35.0, 150.0), 54.0, 0.5);
    EXPECT_NEAR(*fc.grid.at(-35.0, -210.0), 54.0, 0.5); // longitudes wrap
    // the README's field mean (grib_ls average) over the 144 x 73 points
    double sum = 0.0;
    for (float v : fc.grid.cover_pct) {
        sum += v;
    }
    EXPECT_NEAR(sum / static_cast<double>(fc.grid.cover_pct.size()), 53.44, 0.01);
}

TEST(CloudGrib, BilinearBetweenGridPointsAndAcrossTheDateLine)
{
    const auto g = io::read_cloud_grib(oct).fields.at(0).grid;
    auto node = [&](int i, int j) { return static_cast<double>(g.cover_pct[static_cast<std::size_t>(i) * 144 + j]); };
    // (48.75N, 1.25E) is the middle of the cell between rows 16, 17 (50, 47.5N) and columns 0, 1 (0, 2.5E)
    EXPECT_NEAR(*g.at(48.75, 1.25), 0.25 * (node(16, 0) + node(16, 1) + node(17, 0) + node(17, 1)), 1e-4);
    // between 357.5E (column 143) and 0E (column 0)
    EXPECT_NEAR(*g.at(50.0, 358.75), 0.5 * (node(16, 143) + node(16, 0)), 1e-4);
    EXPECT_NEAR(*g.at(50.0, -1.25), 0.5 * (node(16, 143) + node(16, 0)), 1e-4);
    EXPECT_FALSE(g.at(91.0, 0.0).has_value());
}

TEST(CloudGrib, EcmwfFractionIsReadAsPercent)
{
    // ECMWF's tcc: paramId 164, units (0 - 1), level entireAtmosphere; derived from the GFS field with grib_set
    const fs::path d = scratch();
    run(fmt::format("grib_copy -w typeOfLevel=atmosphereSingleLayer {} {}", jan.string(), (d / "total.grib2").string()));
    run(fmt::format("grib_set -s centre=ecmf,paramId=164,scaleValuesBy=0.01 {} {}", (d / "total.grib2").string(),
                    (d / "ecmwf.grib2").string()));
    const io::CloudFile e = io::read_cloud_grib(d / "ecmwf.grib2");
    const io::CloudFile n = io::read_cloud_grib(jan);
    ASSERT_EQ(e.fields.size(), 1U);
    double worst = 0.0;
    for (std::size_t i = 0; i < n.fields[0].grid.cover_pct.size(); ++i) {
        worst = std::max(worst, std::abs(static_cast<double>(e.fields[0].grid.cover_pct[i] - n.fields[0].grid.cover_pct[i])));
    }
    EXPECT_LT(worst, 0.5);
    EXPECT_NEAR(*e.fields[0].grid.at(50.0, 0.0), 94.0, 0.8);
    fs::remove_all(d);
}

TEST(CloudGrib, ForecastTimeInterpolationPersistenceAndClimatology)
{
    // the demo's file: the two fields re-stamped to a run of 2025-10-03 00 UTC, +0-6 h and +12-18 h
    const fs::path demo = fs::path(VANTAGE_SOURCE_DIR) / "examples" / "clouds-2025-10-03.grib2";
    mission::CloudData c = io::read_clouds({demo}, {});
    ASSERT_EQ(c.forecasts.size(), 2U);
    EXPECT_EQ(c.forecasts[0].time, utc("2025-10-03T03:00:00Z"));
    EXPECT_EQ(c.forecasts[1].time, utc("2025-10-03T15:00:00Z"));
    const double lat = 48.85, lon = 2.35; // Paris
    const double a = *c.forecasts[0].grid.at(lat, lon), b = *c.forecasts[1].grid.at(lat, lon);
    EXPECT_NEAR(mission::cloud_cover_at(c, lat, lon, utc("2025-10-03T03:00:00Z"))->cover_pct, a, 1e-9);
    EXPECT_NEAR(mission::cloud_cover_at(c, lat, lon, utc("2025-10-03T15:00:00Z"))->cover_pct, b, 1e-9);
    const auto mid = mission::cloud_cover_at(c, lat, lon, utc("2025-10-03T06:00:00Z"));
    EXPECT_NEAR(mid->cover_pct, 0.75 * a + 0.25 * b, 1e-9);
    EXPECT_EQ(mid->source, mission::CloudSource::forecast);
    const auto early = mission::cloud_cover_at(c, lat, lon, utc("2025-10-03T01:00:00Z"));
    EXPECT_NEAR(early->cover_pct, a, 1e-9);
    EXPECT_EQ(early->source, mission::CloudSource::persistence);
    EXPECT_EQ(mission::cloud_cover_at(c, lat, lon, utc("2025-10-03T23:00:00Z"))->source, mission::CloudSource::persistence);

    // A monthly climatology (ERA5 `moda` style: one mean per month, step 0): October's field is used outside the
    // forecasts' span instead of persistence.
    const fs::path d = scratch();
    run(fmt::format("grib_copy -w typeOfLevel=atmosphereSingleLayer {} {}", jan.string(), (d / "j.grib2").string()));
    run(fmt::format("grib_set -s year=2000,month=10,day=1,hour=0,forecastTime=0,yearOfEndOfOverallTimeInterval=2000,"
                    "monthOfEndOfOverallTimeInterval=10,dayOfEndOfOverallTimeInterval=1,hourOfEndOfOverallTimeInterval=0 {} {}",
                    (d / "j.grib2").string(), (d / "clim-oct.grib2").string()));
    c = io::read_clouds({demo}, {d / "clim-oct.grib2"});
    ASSERT_TRUE(c.monthly[9].has_value());
    const auto clim = mission::cloud_cover_at(c, lat, lon, utc("2025-10-03T23:00:00Z"));
    EXPECT_EQ(clim->source, mission::CloudSource::climatology);
    EXPECT_NEAR(clim->cover_pct, *c.monthly[9]->at(lat, lon), 1e-9);
    // inside the span the forecast wins
    EXPECT_EQ(mission::cloud_cover_at(c, lat, lon, utc("2025-10-03T06:00:00Z"))->source, mission::CloudSource::forecast);
    // only a climatology: November has none
    const mission::CloudData only = io::read_clouds({}, {d / "clim-oct.grib2"});
    EXPECT_TRUE(mission::cloud_cover_at(only, lat, lon, utc("2031-10-20T12:00:00Z")).has_value());
    EXPECT_FALSE(mission::cloud_cover_at(only, lat, lon, utc("2031-11-20T12:00:00Z")).has_value());
    // a month twice
    expect_error([&] { io::read_clouds({}, {d / "clim-oct.grib2", d / "clim-oct.grib2"}); }, ErrorCode::duplicate,
                 "clim-oct.grib2 message 1", "clouds.climatology");
    // two forecast fields for one time
    expect_error([&] { io::read_clouds({demo, demo}, {}); }, ErrorCode::duplicate, "clouds-2025-10-03.grib2", "clouds.forecast");
    fs::remove_all(d);
}

TEST(CloudGrib, ErrorsNameTheFileAndMessage)
{
    const fs::path d = scratch();
    expect_error([&] { io::read_cloud_grib(d / "absent.grib2"); }, ErrorCode::file_not_found, "absent.grib2", "");
    // only the layer covers: no whole-atmosphere total
    run(fmt::format("grib_copy -w typeOfLevel=lowCloudLayer {} {}", jan.string(), (d / "low.grib2").string()));
    expect_error([&] { io::read_cloud_grib(d / "low.grib2"); }, ErrorCode::missing_field, "low.grib2", "");
    // a truncated message
    {
        std::ifstream in(jan, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::ofstream(d / "cut.grib2", std::ios::binary) << bytes.substr(0, 3000);
    }
    expect_error([&] { io::read_cloud_grib(d / "cut.grib2"); }, ErrorCode::syntax, "cut.grib2", "message 1");
    // not GRIB at all
    std::ofstream(d / "text.grib2") << "start_utc: 2025-10-03T00:00:00Z\n";
    expect_error([&] { io::read_cloud_grib(d / "text.grib2"); }, ErrorCode::missing_field, "text.grib2", "");
    // the scenario keys: tests/data/tasking/tiny.yaml plus a `clouds` section
    const fs::path tasking = fs::path(VANTAGE_TEST_DATA) / "tasking";
    std::ifstream tiny_in(tasking / "tiny.yaml");
    const std::string tiny((std::istreambuf_iterator<char>(tiny_in)), std::istreambuf_iterator<char>());
    expect_error([&] { io::parse_mission_text(tiny + "clouds: {forecast: [nowhere.grib2]}\n", "s.yaml", tasking); },
                 ErrorCode::file_not_found, "s.yaml:", "clouds.forecast[0]");
    expect_error([&] { io::parse_mission_text(tiny + "clouds: {forecast: " + jan.string() + ", forecast_sigma_pct: -1}\n", "s.yaml", tasking); },
                 ErrorCode::out_of_range, "s.yaml:", "clouds.forecast_sigma_pct");
    expect_error([&] { io::parse_mission_text(tiny + "clouds: {default_max_cover_pct: 30}\n", "s.yaml", tasking); },
                 ErrorCode::missing_field, "s.yaml:", "clouds");
    expect_error([&] { io::parse_mission_text(tiny + "clouds: {forecast: " + jan.string() + ", sigma: 3}\n", "s.yaml", tasking); },
                 ErrorCode::unknown_key, "s.yaml:", "clouds.sigma");
    // a GRIB error inside the scenario names the GRIB file
    expect_error([&] { io::parse_mission_text(tiny + "clouds: {forecast: " + (d / "low.grib2").string() + "}\n", "s.yaml", tasking); },
                 ErrorCode::missing_field, "low.grib2", "");
    const auto m = io::parse_mission_text(tiny + "clouds: {forecast: " + jan.string() + ", default_max_cover_pct: 40}\n", "s.yaml", tasking);
    ASSERT_TRUE(m.clouds);
    EXPECT_EQ(m.clouds->forecasts.size(), 1U);
    EXPECT_EQ(*m.clouds->default_max_cover_pct, 40.0);
    fs::remove_all(d);
}

TEST(CloudModel, UsableProbability)
{
    EXPECT_DOUBLE_EQ(mission::usable_probability(50.0, 50.0, 25.0), 0.5);
    EXPECT_NEAR(mission::usable_probability(30.0, 50.0, 20.0), 0.841344746, 1e-9); // Φ(1)
    EXPECT_NEAR(mission::usable_probability(70.0, 50.0, 20.0), 0.158655254, 1e-9); // Φ(-1)
    EXPECT_DOUBLE_EQ(mission::usable_probability(100.0, 100.0, 25.0), 1.0);         // no limit
    EXPECT_DOUBLE_EQ(mission::usable_probability(20.0, 30.0, 0.0), 1.0);            // σ 0: a step
    EXPECT_DOUBLE_EQ(mission::usable_probability(40.0, 30.0, 0.0), 0.0);
    // more cover, less chance; a looser limit, more chance
    EXPECT_GT(mission::usable_probability(10.0, 20.0, 25.0), mission::usable_probability(60.0, 20.0, 25.0));
    EXPECT_GT(mission::usable_probability(60.0, 80.0, 25.0), mission::usable_probability(60.0, 20.0, 25.0));
}
