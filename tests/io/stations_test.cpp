// Ground-station CSV reader tests.
//
// Validation source: ../shared/data/ground-stations.csv (62 KSAT/SSC/NASA NEN/ESTRACK sites from
// duncaneddy/brahe data/groundstations @68b02560 plus ESTRACK entries; README §3), vendored as
// tests/reference/ground-stations.csv (CRLF, extra columns operator/source).
#include <gtest/gtest.h>

#include <string>

#include "vantage/io/stations.hpp"

using vantage::ErrorCode;
namespace io = vantage::io;

namespace {

const std::string shared_data = VANTAGE_SHARED_DATA;
const std::string test_data = VANTAGE_TEST_DATA;

const vantage::geometry::GroundStation *find(const std::vector<vantage::geometry::GroundStation> &v, const std::string &name)
{
    for (const auto &s : v) {
        if (s.name == name) {
            return &s;
        }
    }
    return nullptr;
}

} // namespace

TEST(StationsValidation, SharedGroundStationsFileReadsCompletely)
{
    const auto r = io::read_stations_csv(shared_data + "/ground-stations.csv");
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(r.rejected.empty());
    ASSERT_EQ(r.items.size(), 62U);
    // Values as printed in the file (README §3: SvalSat 78.23N 15.41E ~500 m, TrollSat 72.00S 2.53E ~1270 m).
    const auto *sval = find(r.items, "Svalbard");
    ASSERT_NE(sval, nullptr);
    EXPECT_EQ(sval->location.lat_deg, 78.23);
    EXPECT_EQ(sval->location.lon_deg, 15.41);
    EXPECT_EQ(sval->location.h_km, 0.5);
    EXPECT_EQ(sval->min_elevation_deg, 5.0); // no column: default
    EXPECT_EQ(sval->antennas, 1);
    EXPECT_EQ(sval->downlink_mbit_s, 0.0);
    const auto *troll = find(r.items, "Troll");
    ASSERT_NE(troll, nullptr);
    EXPECT_EQ(troll->location.lat_deg, -72.0);
    EXPECT_EQ(troll->location.h_km, 1.27);
    const auto *last = find(r.items, "Esrange (Kiruna)");
    ASSERT_NE(last, nullptr); // last line, CRLF-terminated, parenthesis in the name
    EXPECT_EQ(last->location.lon_deg, 21.066);
}

TEST(StationsProperty, OptionalColumnsQuotesCommentsAndBlankLines)
{
    const auto r = io::read_stations_csv(test_data + "/scenario_stations.csv");
    ASSERT_TRUE(r.ok()) << r.rejected.front().to_string();
    ASSERT_EQ(r.items.size(), 3U);
    EXPECT_EQ(r.items[0].name, "Svalbard");
    EXPECT_EQ(r.items[0].min_elevation_deg, 5.0);
    EXPECT_EQ(r.items[0].downlink_mbit_s, 520.0);
    EXPECT_EQ(r.items[0].antennas, 3);
    EXPECT_EQ(r.items[1].name, "Troll, Antarctica"); // quoted comma
    EXPECT_EQ(r.items[1].min_elevation_deg, 5.0);    // empty optional cells take the defaults
    EXPECT_EQ(r.items[1].antennas, 1);
    EXPECT_EQ(r.items[2].min_elevation_deg, 7.5);
}

TEST(StationsProperty, ColumnOrderDoesNotMatter)
{
    const auto a = io::parse_stations_csv("name,lat_deg,lon_deg,alt_m\nA,10,20,30\n", "a");
    const auto b = io::parse_stations_csv("alt_m,lon_deg,extra,lat_deg,name\n30,20,x,10,A\n", "b");
    ASSERT_EQ(a.items.size(), 1U);
    ASSERT_EQ(b.items.size(), 1U);
    EXPECT_EQ(a.items[0].location.lat_deg, b.items[0].location.lat_deg);
    EXPECT_EQ(a.items[0].location.lon_deg, b.items[0].location.lon_deg);
    EXPECT_EQ(a.items[0].location.h_km, b.items[0].location.h_km);
}

// One committed malformed file per failure class: code, line and column are asserted.
TEST(StationsParseErrors, OneFilePerRowFailureClass)
{
    struct Case {
        const char *file;
        ErrorCode code;
        int line;
        const char *field;
        std::size_t good;
    };
    const Case cases[] = {
        {"stations_duplicate.csv", ErrorCode::duplicate, 4, "name", 2},
        {"stations_bad_lat.csv", ErrorCode::out_of_range, 3, "lat_deg", 1},
        {"stations_bad_number.csv", ErrorCode::invalid_number, 3, "lon_deg", 1},
        {"stations_short_row.csv", ErrorCode::syntax, 2, "", 0},
        {"stations_bad_antennas.csv", ErrorCode::out_of_range, 2, "antennas", 0},
    };
    for (const auto &c : cases) {
        SCOPED_TRACE(c.file);
        const std::string path = test_data + "/bad/" + c.file;
        const auto r = io::read_stations_csv(path);
        EXPECT_EQ(r.items.size(), c.good);
        ASSERT_EQ(r.rejected.size(), 1U);
        const auto &d = r.rejected[0];
        EXPECT_EQ(d.code, c.code) << d.to_string();
        EXPECT_EQ(d.context.source, path);
        EXPECT_EQ(d.context.line, c.line) << d.to_string();
        EXPECT_EQ(d.context.field, c.field) << d.to_string();
    }
}

TEST(StationsParseErrors, DuplicateNamesBothLines)
{
    const auto r = io::read_stations_csv(test_data + "/bad/stations_duplicate.csv");
    ASSERT_EQ(r.rejected.size(), 1U);
    EXPECT_EQ(r.rejected[0].context.line, 4);         // the second occurrence
    EXPECT_EQ(r.rejected[0].context.value, "Svalbard");
    EXPECT_NE(r.rejected[0].message.find("line 2"), std::string::npos) << r.rejected[0].message; // the first
}

TEST(StationsParseErrors, MissingRequiredColumnRejectsTheFile)
{
    const std::string path = test_data + "/bad/stations_missing_column.csv";
    try {
        (void)io::read_stations_csv(path);
        FAIL() << "expected ParseError";
    } catch (const vantage::ParseError &e) {
        EXPECT_EQ(e.code(), ErrorCode::missing_field);
        EXPECT_EQ(e.context().source, path);
        EXPECT_EQ(e.context().line, 1);
        EXPECT_EQ(e.context().field, "lon_deg");
    }
}

TEST(StationsParseErrors, FileLevelProblems)
{
    auto code_of = [](const std::string &text) {
        try {
            (void)io::parse_stations_csv(text, "mem");
        } catch (const vantage::ParseError &e) {
            return e.code();
        }
        return ErrorCode::internal;
    };
    EXPECT_EQ(code_of(""), ErrorCode::syntax);
    EXPECT_EQ(code_of("# only a comment\n\n"), ErrorCode::syntax);
    EXPECT_EQ(code_of("name,lat_deg,lon_deg,alt_m,lat_deg\n"), ErrorCode::duplicate);
    try {
        (void)io::read_stations_csv(test_data + "/bad/does_not_exist.csv");
        FAIL();
    } catch (const vantage::ParseError &e) {
        EXPECT_EQ(e.code(), ErrorCode::file_not_found);
    }
}

TEST(StationsParseErrors, EmptyRequiredCellAndUnterminatedQuote)
{
    const auto r = io::parse_stations_csv("name,lat_deg,lon_deg,alt_m\n,1,2,3\nA,,2,3\n\"B,1,2,3\nC,1,2,nan\n", "mem");
    EXPECT_TRUE(r.items.empty());
    ASSERT_EQ(r.rejected.size(), 4U);
    EXPECT_EQ(r.rejected[0].code, ErrorCode::missing_field);
    EXPECT_EQ(r.rejected[0].context.field, "name");
    EXPECT_EQ(r.rejected[1].code, ErrorCode::missing_field);
    EXPECT_EQ(r.rejected[1].context.field, "lat_deg");
    EXPECT_EQ(r.rejected[2].code, ErrorCode::syntax);
    EXPECT_EQ(r.rejected[2].context.line, 4);
    EXPECT_EQ(r.rejected[3].code, ErrorCode::invalid_number); // NaN is never accepted
    EXPECT_EQ(r.rejected[3].context.field, "alt_m");
}
