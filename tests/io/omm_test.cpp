// OMM reader/writer tests (KVN, XML, JSON, CSV).
//
// Validation sources: python-sgp4's sample OMM (sgp4/sample_omm.{csv,xml,json}, the CelesTrak CSV
// and CCSDS NDM/XML 2.0 renderings of one element set) and CelesTrak FORMAT=json snapshots of
// 2025-06-28 (157 resource + 13 stations records), see tests/reference/README.md.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "vantage/io/elements.hpp"
#include "vantage/io/omm.hpp"
#include "vantage/io/tle.hpp"

using vantage::ErrorCode;
using vantage::orbits::ElementSet;
namespace io = vantage::io;

namespace {

const std::string shared_data = VANTAGE_SHARED_DATA;
const std::string test_data = VANTAGE_TEST_DATA;
const std::string omm_dir = shared_data + "/omm-samples/";

void expect_identical(const ElementSet &a, const ElementSet &b)
{
    EXPECT_EQ(a.object_name, b.object_name);
    EXPECT_EQ(a.object_id, b.object_id);
    EXPECT_EQ(a.norad_id, b.norad_id);
    EXPECT_EQ(a.classification, b.classification);
    EXPECT_EQ(a.epoch, b.epoch);
    EXPECT_EQ(a.epoch_year, b.epoch_year);
    EXPECT_EQ(a.epoch_day_of_year, b.epoch_day_of_year);
    EXPECT_EQ(a.mean_motion_dot_rev_day2, b.mean_motion_dot_rev_day2);
    EXPECT_EQ(a.mean_motion_ddot_rev_day3, b.mean_motion_ddot_rev_day3);
    EXPECT_EQ(a.bstar_per_er, b.bstar_per_er);
    EXPECT_EQ(a.ephemeris_type, b.ephemeris_type);
    EXPECT_EQ(a.element_set_no, b.element_set_no);
    EXPECT_EQ(a.inclination_deg, b.inclination_deg);
    EXPECT_EQ(a.raan_deg, b.raan_deg);
    EXPECT_EQ(a.eccentricity, b.eccentricity);
    EXPECT_EQ(a.arg_perigee_deg, b.arg_perigee_deg);
    EXPECT_EQ(a.mean_anomaly_deg, b.mean_anomaly_deg);
    EXPECT_EQ(a.mean_motion_rev_day, b.mean_motion_rev_day);
    EXPECT_EQ(a.rev_at_epoch, b.rev_at_epoch);
}

std::vector<ElementSet> elements_of(const vantage::ParseResult<io::ElementRecord> &r)
{
    std::vector<ElementSet> out;
    for (const auto &rec : r.items) {
        out.push_back(rec.elements);
    }
    return out;
}

std::vector<ElementSet> celestrak_records()
{
    auto a = elements_of(io::read_omm_file(omm_dir + "celestrak-resource-omm-2025-06-28.json"));
    const auto b = elements_of(io::read_omm_file(omm_dir + "celestrak-stations-omm-2025-06-28.json"));
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

struct BadCase {
    const char *file;
    ErrorCode code;
    int line;
    const char *field;
    std::size_t good = 0; ///< records of the file that are fine
};

} // namespace

// ---------------------------------------------------------------------------------------------
TEST(OmmValidation, PythonSgp4SampleCsvAndXmlGiveIdenticalElementSets)
{
    const auto csv = io::read_omm_file(omm_dir + "python-sgp4_sample_omm.csv");
    const auto xml = io::read_omm_file(omm_dir + "python-sgp4_sample_omm.xml");
    ASSERT_EQ(csv.items.size(), 1U);
    ASSERT_EQ(xml.items.size(), 1U);
    EXPECT_TRUE(csv.rejected.empty() && xml.rejected.empty());
    expect_identical(csv.items[0].elements, xml.items[0].elements);
    const auto &el = csv.items[0].elements;
    // Values of the sample file (VANGUARD 1, not the ISS despite the file's reputation).
    EXPECT_EQ(el.object_name, "VANGUARD 1");
    EXPECT_EQ(el.object_id, "1958-002B");
    EXPECT_EQ(el.norad_id, 5U);
    EXPECT_EQ(el.epoch.to_iso8601_utc(6), "2020-10-13T04:52:48.472320Z");
    EXPECT_EQ(el.epoch_year, 2020);
    // 287 + (4*3600 + 52*60 + 48.47232) / 86400; the TLE writes 20287.20333880.
    EXPECT_NEAR(el.epoch_day_of_year, 287.2033388, 1e-12); // 1e-12 day = 86 ns: double rounding only
    EXPECT_EQ(el.eccentricity, 0.1845686);
    EXPECT_EQ(el.bstar_per_er, -0.22483e-4);
    EXPECT_EQ(el.mean_motion_dot_rev_day2, -1.6e-7);
    EXPECT_EQ(el.rev_at_epoch, 21814);
    EXPECT_EQ(el.element_set_no, 999);
    EXPECT_EQ(csv.items[0].line, 2);
    EXPECT_EQ(xml.items[0].line, 3);
}

TEST(OmmValidation, PythonSgp4SampleJsonIsADifferentElementSet)
{
    // NOTE: python-sgp4's sample_omm.json is NOT the same element set as its csv/xml (epoch
    // 2025-02-14 instead of 2020-10-13, other elements); it is pinned here so that nobody assumes
    // the three agree.
    const auto json = io::read_omm_file(omm_dir + "python-sgp4_sample_omm.json");
    ASSERT_EQ(json.items.size(), 1U);
    const auto &el = json.items[0].elements;
    EXPECT_EQ(el.norad_id, 5U);
    EXPECT_EQ(el.epoch.to_iso8601_utc(6), "2025-02-14T14:36:48.662784Z");
    EXPECT_EQ(el.eccentricity, 0.1841322);
    EXPECT_EQ(el.bstar_per_er, 0.00035436);
}

TEST(OmmValidation, CelestrakJsonSnapshotsReadCompletely)
{
    const auto res = io::read_omm_file(omm_dir + "celestrak-resource-omm-2025-06-28.json");
    EXPECT_EQ(res.items.size(), 157U);
    EXPECT_TRUE(res.rejected.empty());
    const auto st = io::read_omm_file(omm_dir + "celestrak-stations-omm-2025-06-28.json");
    ASSERT_EQ(st.items.size(), 13U);
    EXPECT_TRUE(st.rejected.empty());
    const auto &iss = st.items[0].elements;
    EXPECT_EQ(iss.object_name, "ISS (ZARYA)");
    EXPECT_EQ(iss.norad_id, 25544U);
    EXPECT_EQ(iss.eccentricity, 0.0002267);
    EXPECT_EQ(iss.bstar_per_er, 0.00010869);
    EXPECT_EQ(iss.mean_motion_dot_rev_day2, 5.814e-05);
    EXPECT_EQ(st.items[0].line, 2);
    EXPECT_EQ(st.items[1].line, 21);
}

TEST(OmmValidation, KvnSampleReads)
{
    const auto r = io::read_omm_file(test_data + "/good_iss.kvn");
    ASSERT_EQ(r.items.size(), 1U);
    EXPECT_TRUE(r.rejected.empty());
    const auto st = io::read_omm_file(omm_dir + "celestrak-stations-omm-2025-06-28.json");
    expect_identical(r.items[0].elements, st.items[0].elements);
}

TEST(OmmValidation, FormatDetection)
{
    EXPECT_EQ(io::read_elements_file(omm_dir + "python-sgp4_sample_omm.csv").items.size(), 1U);
    EXPECT_EQ(io::detect_omm_syntax("CCSDS_OMM_VERS = 2.0\n"), io::OmmSyntax::kvn);
    EXPECT_EQ(io::detect_omm_syntax("COMMENT x\nCCSDS_OMM_VERS = 2.0\n"), io::OmmSyntax::kvn);
    EXPECT_EQ(io::detect_omm_syntax("\xEF\xBB\xBF<?xml version=\"1.0\"?><ndm/>"), io::OmmSyntax::xml);
    EXPECT_EQ(io::detect_omm_syntax(" [ ]"), io::OmmSyntax::json);
    EXPECT_EQ(io::detect_omm_syntax("OBJECT_NAME,NORAD_CAT_ID\n"), io::OmmSyntax::csv);
    EXPECT_FALSE(io::detect_omm_syntax("ISS (ZARYA)\n1 25544U").has_value());
    EXPECT_EQ(io::detect_element_format("ISS (ZARYA)\n1 25544U"), io::ElementFormat::tle);
    const auto tle = io::read_elements_file(shared_data + "/tle/celestrak-active-2025-10-03.tle");
    EXPECT_EQ(tle.items.size(), 12801U);
    const auto empty = io::parse_elements_text("\n\n", "empty");
    EXPECT_TRUE(empty.items.empty());
    EXPECT_TRUE(empty.rejected.empty());
    ASSERT_EQ(empty.warnings.size(), 1U); // "no element sets found" is never silent
}

// ---------------------------------------------------------------------------------------------
TEST(OmmParseErrors, OneFilePerFailureClass)
{
    const BadCase cases[] = {
        {"omm_missing_field.kvn", ErrorCode::missing_field, 1, "ECCENTRICITY"},
        {"omm_wrong_theory.kvn", ErrorCode::unsupported, 9, "MEAN_ELEMENT_THEORY"},
        {"omm_duplicate_key.kvn", ErrorCode::duplicate, 14, "INCLINATION"},
        {"omm_bad_number.json", ErrorCode::invalid_number, 26, "[1].ECCENTRICITY", 1},
        {"omm_sgp4xp.json", ErrorCode::unsupported, 12, "[0].EPHEMERIS_TYPE"},
        {"omm_not_object.json", ErrorCode::syntax, 2, "[0]"},
        {"omm_bad_json.json", ErrorCode::syntax, 13, ""},
        {"omm_bad_xml.xml", ErrorCode::syntax, 4, ""},
        {"omm_wrong_frame.xml", ErrorCode::unsupported, 4, "REF_FRAME"},
        {"omm_bad_epoch.xml", ErrorCode::invalid_time, 4, "EPOCH"},
        {"omm_bad_csv.csv", ErrorCode::syntax, 2, "MEAN_MOTION_DDOT"},
        {"omm_out_of_range.csv", ErrorCode::out_of_range, 2, "INCLINATION"},
        {"omm_unterminated_quote.csv", ErrorCode::syntax, 2, "OBJECT_NAME"},
    };
    for (const auto &c : cases) {
        SCOPED_TRACE(c.file);
        const std::string path = test_data + "/bad/" + c.file;
        const auto r = io::read_omm_file(path);
        EXPECT_EQ(r.items.size(), c.good);
        ASSERT_EQ(r.rejected.size(), 1U);
        const auto &d = r.rejected[0];
        EXPECT_EQ(d.code, c.code) << d.to_string();
        EXPECT_EQ(d.context.source, path);
        EXPECT_EQ(d.context.line, c.line) << d.to_string();
        EXPECT_EQ(d.context.field, c.field) << d.to_string();
    }
}

TEST(OmmParseErrors, BulkCsvKeepsGoodAndReportsEveryBadRow)
{
    const std::string path = test_data + "/omm_mixed_2good_3bad.csv";
    const auto r = io::read_omm_file(path);
    ASSERT_EQ(r.items.size(), 2U);
    EXPECT_EQ(r.items[0].line, 2);
    EXPECT_EQ(r.items[1].line, 4);
    EXPECT_EQ(r.items[1].elements.object_name, "VANGUARD, ONE"); // quoted field with a comma
    ASSERT_EQ(r.rejected.size(), 3U);
    EXPECT_EQ(r.rejected[0].code, ErrorCode::out_of_range);
    EXPECT_EQ(r.rejected[0].context.line, 3);
    EXPECT_EQ(r.rejected[0].context.field, "ECCENTRICITY");
    EXPECT_EQ(r.rejected[1].code, ErrorCode::missing_field);
    EXPECT_EQ(r.rejected[1].context.line, 5);
    EXPECT_EQ(r.rejected[1].context.field, "NORAD_CAT_ID");
    EXPECT_EQ(r.rejected[2].code, ErrorCode::syntax);
    EXPECT_EQ(r.rejected[2].context.line, 6);
    EXPECT_EQ(r.rejected[2].context.field, "column 18");
}

TEST(OmmParseErrors, NotAnOmmAndMissingFile)
{
    const auto r = io::parse_omm_text("hello\n", "mem");
    ASSERT_EQ(r.rejected.size(), 1U);
    EXPECT_EQ(r.rejected[0].code, ErrorCode::syntax);
    EXPECT_EQ(r.rejected[0].context.line, 1);
    try {
        io::read_omm_file(test_data + "/bad/does-not-exist.json");
        FAIL() << "no exception";
    } catch (const vantage::ParseError &e) {
        EXPECT_EQ(e.code(), ErrorCode::file_not_found);
    }
}

TEST(OmmParseErrors, JsonNumbersMayBeStringsButNotBooleans)
{
    const std::string base = R"({"EPOCH":"2025-06-28T16:09:47.210976","MEAN_MOTION":"15.5","ECCENTRICITY":"0.001",
"INCLINATION":51.6,"RA_OF_ASC_NODE":250,"ARG_OF_PERICENTER":304,"MEAN_ANOMALY":55,"NORAD_CAT_ID":"25544","BSTAR":"1E-4")";
    const auto ok = io::parse_omm_text(base + "}", "mem");
    ASSERT_EQ(ok.items.size(), 1U);
    EXPECT_EQ(ok.items[0].elements.mean_motion_rev_day, 15.5);
    EXPECT_EQ(ok.items[0].elements.bstar_per_er, 1e-4);
    const auto bad = io::parse_omm_text(base + R"(,"MEAN_MOTION_DOT":true})", "mem");
    ASSERT_EQ(bad.rejected.size(), 1U);
    EXPECT_EQ(bad.rejected[0].code, ErrorCode::invalid_number);
    EXPECT_EQ(bad.rejected[0].context.field, "MEAN_MOTION_DOT");
    EXPECT_EQ(bad.rejected[0].context.line, 2);
}

// ---------------------------------------------------------------------------------------------
TEST(OmmProperty, WritersRoundTripEveryCelestrakRecord)
{
    // Numbers are written with the shortest round-trip representation, so they come back
    // bit-identical; the epoch is written with 6 decimals (CelesTrak's precision), so it comes back
    // within 0.5 us, and epoch_day_of_year is recomputed from it.
    constexpr double epoch_tol_s = 0.5e-6;
    constexpr double day_tol = epoch_tol_s / 86400.0 + 1e-12; // + double rounding of ~180-day values
    const auto els = celestrak_records();
    ASSERT_EQ(els.size(), 170U);
    const auto check = [&](const std::vector<ElementSet> &back, const char *what) {
        SCOPED_TRACE(what);
        ASSERT_EQ(back.size(), els.size());
        for (std::size_t i = 0; i < els.size(); ++i) {
            ElementSet b = back[i];
            EXPECT_LE(std::fabs((b.epoch - els[i].epoch).seconds()), epoch_tol_s);
            EXPECT_NEAR(b.epoch_day_of_year, els[i].epoch_day_of_year, day_tol);
            b.epoch = els[i].epoch;
            b.epoch_day_of_year = els[i].epoch_day_of_year;
            expect_identical(b, els[i]);
        }
    };
    check(elements_of(io::parse_omm_text(io::format_omm_json(els), "json")), "json");
    check(elements_of(io::parse_omm_text(io::format_omm_xml(els), "xml")), "xml");
    std::vector<ElementSet> kvn;
    for (const auto &el : els) {
        const auto r = io::parse_omm_text(io::format_omm_kvn(el), "kvn");
        ASSERT_EQ(r.items.size(), 1U) << io::format_omm_kvn(el);
        kvn.push_back(r.items[0].elements);
    }
    check(kvn, "kvn");
}

TEST(OmmProperty, OmmAndTleOfTheSameElementSetAgreeToTleRounding)
{
    // The TLE is the OMM rounded to its fixed columns (CelesTrak publishes both from one element
    // set): each field must agree to half a unit in the TLE's last place.
    constexpr double angle_tol_deg = 0.5e-4;      // 4 decimals
    constexpr double ecc_tol = 0.5e-7;            // 7 implied decimals
    constexpr double n_tol_rev_day = 0.5e-8;      // 8 decimals
    constexpr double ndot_tol = 0.5e-8;           // 8 decimals
    constexpr double day_tol = 0.5e-8 + 1e-12;    // 8 decimals of day + double rounding
    constexpr double exp_rel_tol = 0.5e-4 + 1e-12; // 5 significant digits (implied exponent)
    for (const auto &el : celestrak_records()) {
        SCOPED_TRACE(el.object_name);
        const auto lines = io::format_tle(el);
        const auto t = io::parse_tle(lines[0], lines[1], el.object_name);
        EXPECT_EQ(t.norad_id, el.norad_id);
        EXPECT_EQ(t.object_id, el.object_id);
        EXPECT_EQ(t.epoch_year, el.epoch_year);
        EXPECT_NEAR(t.epoch_day_of_year, el.epoch_day_of_year, day_tol);
        EXPECT_NEAR(t.inclination_deg, el.inclination_deg, angle_tol_deg);
        EXPECT_NEAR(t.raan_deg, el.raan_deg, angle_tol_deg);
        EXPECT_NEAR(t.arg_perigee_deg, el.arg_perigee_deg, angle_tol_deg);
        EXPECT_NEAR(t.mean_anomaly_deg, el.mean_anomaly_deg, angle_tol_deg);
        EXPECT_NEAR(t.eccentricity, el.eccentricity, ecc_tol);
        EXPECT_NEAR(t.mean_motion_rev_day, el.mean_motion_rev_day, n_tol_rev_day);
        EXPECT_NEAR(t.mean_motion_dot_rev_day2, el.mean_motion_dot_rev_day2, ndot_tol);
        EXPECT_NEAR(t.bstar_per_er, el.bstar_per_er, std::fabs(el.bstar_per_er) * exp_rel_tol + 1e-14);
        EXPECT_NEAR(t.mean_motion_ddot_rev_day3, el.mean_motion_ddot_rev_day3,
                    std::fabs(el.mean_motion_ddot_rev_day3) * exp_rel_tol + 1e-14);
        EXPECT_EQ(t.rev_at_epoch, el.rev_at_epoch % 100000);
        EXPECT_EQ(t.element_set_no, el.element_set_no);
    }
}

TEST(OmmRegression, DeeplyNestedJsonIsRejectedNotACrash)
{
    // 100000 nested arrays parsed, then overflowed the stack when dumped into a diagnostic (found by the HTTP
    // adversarial suite on POST /api/v1/elements). Nesting deeper than 64 levels is now a syntax rejection.
    for (const std::string &deep : {std::string(100000, '[') + std::string(100000, ']'), std::string(70, '[') + std::string(70, ']')}) {
        const auto r = vantage::io::parse_omm_text(deep, "deep.json");
        EXPECT_TRUE(r.items.empty());
        ASSERT_EQ(r.rejected.size(), 1u);
        EXPECT_EQ(r.rejected[0].code, vantage::ErrorCode::syntax);
        EXPECT_EQ(r.rejected[0].context.source, "deep.json");
    }
}
