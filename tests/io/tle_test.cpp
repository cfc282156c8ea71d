// TLE reader/writer tests.
//
// Validation sources:
//  - The ISS example TLE and its field-by-field decoding from the CelesTrak "NORAD Two-Line Element
//    Set Format" FAQ (T.S. Kelso) / Wikipedia "Two-line element set" (epoch 08264.51782528).
//  - Vallado et al. 2006 (AIAA 2006-6753) SGP4-VER.TLE: 33 cases, 20413 twice, with start/stop/step
//    extras after column 69 and deliberate quirks (../shared/data/README.md section 1).
//  - Alpha-5 catalog numbers as defined by 18 SDS / Space-Track: first character a letter for
//    10..33 with I and O skipped (A=10, H=17, J=18, N=22, P=23, Z=33), then 4 digits; range
//    100000..339999 ("A0000" = 100000, "Z9999" = 339999, "E8493" = 148493).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "vantage/io/tle.hpp"

using vantage::ErrorCode;
using vantage::ParseError;
using vantage::Severity;
namespace io = vantage::io;

namespace {

const std::string shared_data = VANTAGE_SHARED_DATA;
const std::string test_data = VANTAGE_TEST_DATA;

const std::string iss_l1 = "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927";
const std::string iss_l2 = "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537";

// The TLE text has 8 decimals at most, so a decoded value differs from the decimal text only by
// the double rounding of that text: a relative 1e-15 is far below the last printed digit.
constexpr double tle_decode_rel_tol = 1e-15;

void expect_decoded(double actual, double expected, const char *what)
{
    EXPECT_NEAR(actual, expected, std::fabs(expected) * tle_decode_rel_tol + 1e-300) << what;
}

std::vector<std::string> read_lines(const std::string &path)
{
    std::ifstream in(path);
    std::vector<std::string> out;
    std::string l;
    while (std::getline(in, l)) {
        if (!l.empty() && l.back() == '\r') {
            l.pop_back();
        }
        out.push_back(l);
    }
    return out;
}

struct BadCase {
    const char *file;
    ErrorCode code;
    int line;
    const char *field;
};

} // namespace

// ---------------------------------------------------------------------------------------------
// Validation: published examples decoded exactly.

TEST(TleValidation, IssExampleFieldsDecodedExactly)
{
    const auto el = io::parse_tle(iss_l1, iss_l2, "ISS (ZARYA)");
    EXPECT_EQ(el.object_name, "ISS (ZARYA)");
    EXPECT_EQ(el.norad_id, 25544U);
    EXPECT_EQ(el.classification, 'U');
    EXPECT_EQ(el.object_id, "1998-067A");
    EXPECT_EQ(el.epoch_year, 2008);
    EXPECT_EQ(el.epoch_day_of_year, 264.51782528); // verbatim from the text
    // 2008 is a leap year: day 264 = 20 September; 0.51782528 d = 44740.104192 s = 12:25:40.104192.
    EXPECT_EQ(el.epoch.to_iso8601_utc(6), "2008-09-20T12:25:40.104192Z");
    expect_decoded(el.mean_motion_dot_rev_day2, -0.00002182, "ndot/2");
    EXPECT_EQ(el.mean_motion_ddot_rev_day3, 0.0);
    expect_decoded(el.bstar_per_er, -0.11606e-4, "bstar");
    EXPECT_EQ(el.ephemeris_type, 0);
    EXPECT_EQ(el.element_set_no, 292);
    expect_decoded(el.inclination_deg, 51.6416, "inclination");
    expect_decoded(el.raan_deg, 247.4627, "raan");
    expect_decoded(el.eccentricity, 0.0006703, "eccentricity");
    expect_decoded(el.arg_perigee_deg, 130.5360, "argp");
    expect_decoded(el.mean_anomaly_deg, 325.0288, "mean anomaly");
    expect_decoded(el.mean_motion_rev_day, 15.72125391, "mean motion");
    EXPECT_EQ(el.rev_at_epoch, 56353);
}

TEST(TleValidation, ChecksumOfPublishedLines)
{
    EXPECT_EQ(io::tle_checksum(iss_l1), 7);
    EXPECT_EQ(io::tle_checksum(iss_l2), 7);
}

TEST(TleValidation, Alpha5CatalogNumbers)
{
    EXPECT_EQ(io::parse_catalog_number("A0000"), 100000U);
    EXPECT_EQ(io::parse_catalog_number("Z9999"), 339999U);
    EXPECT_EQ(io::parse_catalog_number("E8493"), 148493U);
    EXPECT_EQ(io::parse_catalog_number("H9999"), 179999U);
    EXPECT_EQ(io::parse_catalog_number("J0000"), 180000U); // I skipped
    EXPECT_EQ(io::parse_catalog_number("P0000"), 230000U); // O skipped
    EXPECT_EQ(io::parse_catalog_number("25544"), 25544U);
    EXPECT_EQ(io::parse_catalog_number("    5"), 5U);
    EXPECT_EQ(io::format_catalog_number(100000), "A0000");
    EXPECT_EQ(io::format_catalog_number(339999), "Z9999");
    EXPECT_EQ(io::format_catalog_number(148493), "E8493");
    EXPECT_EQ(io::format_catalog_number(5), "00005");
    for (const char *bad : {"I0000", "O1234", "a0000", "A12x4", "     ", "1234"}) {
        EXPECT_THROW(io::parse_catalog_number(bad), ParseError) << bad;
    }
    EXPECT_THROW(io::format_catalog_number(340000), vantage::Error);
}

TEST(TleValidation, Alpha5RecordRoundTrips)
{
    auto el = io::parse_tle(iss_l1, iss_l2);
    el.norad_id = 148493;
    const auto lines = io::format_tle(el);
    EXPECT_EQ(lines[0].substr(2, 5), "E8493");
    EXPECT_EQ(lines[1].substr(2, 5), "E8493");
    EXPECT_EQ(io::parse_tle(lines[0], lines[1]).norad_id, 148493U);
}

TEST(TleValidation, ValladoVerificationFileHas33Cases)
{
    const auto r = io::read_tle_file(shared_data + "/sgp4-verification/SGP4-VER.TLE",
                                     io::TleReadOptions::vallado_verification());
    ASSERT_EQ(r.items.size(), 33U);
    EXPECT_TRUE(r.rejected.empty());
    // 20413 appears twice: accepted both times, one duplicate warning at the second record.
    ASSERT_EQ(r.warnings.size(), 1U);
    EXPECT_EQ(r.warnings[0].code, ErrorCode::duplicate);
    EXPECT_EQ(r.warnings[0].context.line, 109);
    int n20413 = 0;
    for (const auto &rec : r.items) {
        ASSERT_TRUE(rec.verification.has_value()) << rec.elements.norad_id;
        n20413 += rec.elements.norad_id == 20413U ? 1 : 0;
    }
    EXPECT_EQ(n20413, 2);
    // First case 00005: "0.00 4320.0 360.00"; 04632 runs backwards "-5184.0 -4896.0 120.00".
    EXPECT_EQ(r.items[0].elements.norad_id, 5U);
    EXPECT_EQ(r.items[0].line, 3);
    EXPECT_EQ(r.items[0].verification->stop_min, 4320.0);
    EXPECT_EQ(r.items[0].verification->step_min, 360.0);
    EXPECT_EQ(r.items[1].verification->start_min, -5184.0);
    EXPECT_EQ(r.items.back().verification->start_min, 1844000.0);
    EXPECT_EQ(r.items[0].elements.object_id, "1958-002B");
    EXPECT_EQ(r.items[0].elements.epoch_year, 2000);
}

TEST(TleValidation, ValladoQuirksAreDecoded)
{
    const auto r = io::read_tle_file(shared_data + "/sgp4-verification/SGP4-VER.TLE",
                                     io::TleReadOptions::vallado_verification());
    for (const auto &rec : r.items) {
        const auto &el = rec.elements;
        if (el.norad_id == 11801U) { // blank designator and blank ephemeris type
            EXPECT_EQ(el.object_id, "");
            EXPECT_EQ(el.ephemeris_type, 0);
            EXPECT_EQ(el.epoch_year, 1980);
            EXPECT_EQ(el.element_set_no, 1);
        } else if (el.norad_id == 25954U) { // zero B* written "00000-0"
            EXPECT_EQ(el.bstar_per_er, 0.0);
        } else if (el.norad_id == 29141U) { // " 13519-0" = 0.13519, designator with 2 piece letters
            expect_decoded(el.bstar_per_er, 0.13519, "29141 bstar");
            EXPECT_EQ(el.object_id, "1985-108AA");
        } else if (el.norad_id == 16925U) { // negative nddot "-30915-6"
            expect_decoded(el.mean_motion_ddot_rev_day3, -0.30915e-6, "16925 nddot");
        } else if (el.norad_id == 22312U) {
            expect_decoded(el.mean_motion_dot_rev_day2, 0.99999999, "22312 ndot");
            EXPECT_EQ(rec.verification->start_min, 54.2028672);
        }
    }
}

TEST(TleValidation, Vallado2024SgpXpCaseIsRejectedAsUnsupported)
{
    const auto r = io::read_tle_file(shared_data + "/sgp4-verification/SGP4-VER.vallado-fundamentals-2024.TLE",
                                     io::TleReadOptions::vallado_verification());
    EXPECT_EQ(r.items.size(), 33U);
    ASSERT_EQ(r.rejected.size(), 1U);
    EXPECT_EQ(r.rejected[0].code, ErrorCode::unsupported);
    EXPECT_EQ(r.rejected[0].context.field, "ephemeris type (col 63)");
}

TEST(TleValidation, DefaultOptionsRejectVerificationExtras)
{
    // Without verification mode every SGP4-VER case has text after column 69: all 33 rejected,
    // none silently dropped.
    const auto r = io::read_tle_file(shared_data + "/sgp4-verification/SGP4-VER.TLE");
    EXPECT_EQ(r.items.size(), 0U);
    EXPECT_EQ(r.rejected.size(), 33U);
}

TEST(TleValidation, CelestrakActiveCatalogueReadsCompletely)
{
    const auto r = io::read_tle_file(shared_data + "/tle/celestrak-active-2025-10-03.tle");
    EXPECT_EQ(r.items.size(), 12801U);
    EXPECT_TRUE(r.rejected.empty());
    EXPECT_TRUE(r.warnings.empty());
    EXPECT_EQ(r.items[0].elements.object_name, "CALSPHERE 1");
    EXPECT_EQ(r.items[0].line, 1);
    EXPECT_EQ(r.items[1].line, 4);
}

TEST(TleValidation, TwoLineAndZeroPrefixedNamesAndCrlf)
{
    const std::string text = "0 ISS (ZARYA)\r\n" + iss_l1 + "\r\n" + iss_l2 + "\r\n\r\n" + iss_l1 + "\n" + iss_l2;
    const auto r = io::parse_tle_text(text, "mem");
    ASSERT_EQ(r.items.size(), 2U);
    EXPECT_EQ(r.items[0].elements.object_name, "ISS (ZARYA)");
    EXPECT_EQ(r.items[1].elements.object_name, "");
    EXPECT_EQ(r.items[1].line, 5);
    EXPECT_EQ(r.warnings.size(), 1U); // same catalog number twice
}

TEST(TleValidation, EpochYearPivot)
{
    // Columns 19-20: 57-99 -> 19xx, 00-56 -> 20xx.
    auto l1 = iss_l1;
    l1.replace(18, 2, "57");
    l1[68] = static_cast<char>('0' + io::tle_checksum(l1));
    EXPECT_EQ(io::parse_tle(l1, iss_l2).epoch_year, 1957);
    l1.replace(18, 2, "56");
    l1[68] = static_cast<char>('0' + io::tle_checksum(l1));
    EXPECT_EQ(io::parse_tle(l1, iss_l2).epoch_year, 2056);
}

// ---------------------------------------------------------------------------------------------
// Bad input: one committed malformed file per failure class (tests/data/bad/).

TEST(TleParseErrors, OneFilePerFailureClass)
{
    const BadCase cases[] = {
        {"tle_checksum.tle", ErrorCode::checksum, 2, "line 1 checksum (col 69)"},
        {"tle_bad_eccentricity.tle", ErrorCode::invalid_number, 3, "eccentricity (cols 27-33)"},
        {"tle_catalog_mismatch.tle", ErrorCode::mismatch, 3, "line 2 catalog number (cols 3-7)"},
        {"tle_short_line.tle", ErrorCode::syntax, 3, "line 2 (cols 1-69)"},
        {"tle_missing_line2.tle", ErrorCode::syntax, 2, "line 2"},
        {"tle_bad_exponent.tle", ErrorCode::invalid_number, 2, "bstar (cols 54-61)"},
        {"tle_sgp4xp.tle", ErrorCode::unsupported, 2, "ephemeris type (col 63)"},
        {"tle_bad_epoch_day.tle", ErrorCode::out_of_range, 2, "epoch day of year (cols 21-32)"},
        {"tle_bad_inclination.tle", ErrorCode::out_of_range, 3, "inclination (cols 9-16)"},
        {"tle_bad_classification.tle", ErrorCode::out_of_range, 2, "classification (col 8)"},
        {"tle_name_then_garbage.tle", ErrorCode::syntax, 1, "line 1"},
        {"tle_bad_mean_motion.tle", ErrorCode::out_of_range, 3, "mean motion (cols 53-63)"},
        {"tle_bad_designator.tle", ErrorCode::syntax, 2, "international designator (cols 10-17)"},
        {"tle_extra_columns.tle", ErrorCode::syntax, 3, "line 2 (cols 70-90)"},
    };
    for (const auto &c : cases) {
        SCOPED_TRACE(c.file);
        const std::string path = test_data + "/bad/" + c.file;
        const auto r = io::read_tle_file(path);
        EXPECT_TRUE(r.items.empty());
        ASSERT_EQ(r.rejected.size(), 1U);
        const auto &d = r.rejected[0];
        EXPECT_EQ(d.severity, Severity::error);
        EXPECT_EQ(d.code, c.code) << d.to_string();
        EXPECT_EQ(d.context.source, path);
        EXPECT_EQ(d.context.line, c.line) << d.to_string();
        EXPECT_EQ(d.context.field, c.field) << d.to_string();
        EXPECT_FALSE(d.context.value.empty()) << d.to_string();
    }
}

TEST(TleParseErrors, ParseTleThrowsWithContext)
{
    auto l2 = iss_l2;
    l2.replace(26, 7, "00x6703");
    try {
        io::parse_tle(iss_l1, l2, {}, {}, vantage::ErrorContext{"x.tle", 10, {}, {}});
        FAIL() << "no exception";
    } catch (const ParseError &e) {
        // 'x' replaced a '6', so the line 2 checksum (checked before the fields) fails first.
        EXPECT_EQ(e.context().source, "x.tle");
        EXPECT_EQ(e.context().line, 11);
    }
    io::TleReadOptions no_checksum;
    no_checksum.verify_checksum = false;
    try {
        io::parse_tle(iss_l1, l2, {}, no_checksum, vantage::ErrorContext{"x.tle", 10, {}, {}});
        FAIL() << "no exception";
    } catch (const ParseError &e) {
        EXPECT_EQ(e.code(), ErrorCode::invalid_number);
        EXPECT_EQ(e.context().line, 11);
        EXPECT_EQ(e.context().field, "eccentricity (cols 27-33)");
        EXPECT_EQ(e.context().value, "00x6703");
    }
}

TEST(TleParseErrors, MissingFileThrowsFileNotFound)
{
    try {
        io::read_tle_file(test_data + "/bad/does-not-exist.tle");
        FAIL() << "no exception";
    } catch (const ParseError &e) {
        EXPECT_EQ(e.code(), ErrorCode::file_not_found);
    }
}

TEST(TleParseErrors, BulkReadKeepsGoodAndReportsEveryBadRecord)
{
    const std::string path = test_data + "/tle_mixed_2good_3bad.tle";
    const auto r = io::read_tle_file(path);
    ASSERT_EQ(r.items.size(), 2U);
    EXPECT_EQ(r.items[0].line, 2);
    EXPECT_EQ(r.items[0].elements.norad_id, 25544U);
    EXPECT_EQ(r.items[1].line, 8);
    EXPECT_EQ(r.items[1].elements.norad_id, 5U);
    ASSERT_EQ(r.rejected.size(), 3U);
    EXPECT_EQ(r.rejected[0].code, ErrorCode::checksum);
    EXPECT_EQ(r.rejected[0].context.line, 6);
    EXPECT_EQ(r.rejected[1].code, ErrorCode::syntax);
    EXPECT_EQ(r.rejected[1].context.line, 12);
    EXPECT_EQ(r.rejected[1].context.field, "line 1");
    EXPECT_EQ(r.rejected[2].code, ErrorCode::invalid_number);
    EXPECT_EQ(r.rejected[2].context.line, 15);
    EXPECT_EQ(r.rejected[2].context.field, "eccentricity (cols 27-33)");
    for (const auto &d : r.rejected) {
        EXPECT_EQ(d.context.source, path);
        EXPECT_EQ(d.to_string().rfind("error: " + path + ":", 0), 0U) << d.to_string();
    }
}

TEST(TleParseErrors, StrayLinesAreReportedNotDropped)
{
    const std::string text = iss_l2 + "\n" + iss_l1 + "\n" + "NAME A\n" + "NAME B\n" + iss_l1 + "\n" + iss_l2 + "\n";
    const auto r = io::parse_tle_text(text, "mem");
    EXPECT_EQ(r.items.size(), 1U);
    ASSERT_EQ(r.rejected.size(), 3U); // orphan line 2, line 1 without line 2, name A without line 1
    EXPECT_EQ(r.rejected[0].context.line, 1);
    EXPECT_EQ(r.rejected[1].context.line, 2);
    EXPECT_EQ(r.rejected[2].context.line, 3);
    EXPECT_EQ(r.items[0].elements.object_name, "NAME B");
}

// ---------------------------------------------------------------------------------------------
// Property: format_tle(parse_tle(x)) == x.

TEST(TleProperty, FormatReproducesEveryLineOfTheActiveCatalogue)
{
    const std::string path = shared_data + "/tle/celestrak-active-2025-10-03.tle";
    const auto lines = read_lines(path);
    const auto r = io::read_tle_file(path);
    ASSERT_EQ(r.items.size(), 12801U);
    int mismatches = 0;
    for (const auto &rec : r.items) {
        const auto idx = static_cast<std::size_t>(rec.line); // name at line-1 (0-based), lines 1/2 follow
        const auto out = io::format_tle(rec.elements);
        if (out[0] != lines[idx] || out[1] != lines[idx + 1]) {
            if (++mismatches < 5) {
                ADD_FAILURE() << "line " << rec.line + 1 << "\n " << lines[idx] << "\n " << out[0] << "\n "
                              << lines[idx + 1] << "\n " << out[1];
            }
        }
    }
    EXPECT_EQ(mismatches, 0);
}

TEST(TleProperty, ValladoCasesRoundTripExceptDocumentedQuirks)
{
    // Exceptions, each a TLE writing variant our writer normalises (values are unchanged):
    //   '00000-0' zero exponent written '-0' (25954 bstar, many nddot fields) -> ' 00000+0';
    //   ' 13519-0' (29141) -> ' 13519+0'; blank ephemeris type (11801, 88888) -> '0';
    //   33333-33335: copied line 1 with a wrong checksum -> correct checksum.
    const auto r = io::read_tle_file(shared_data + "/sgp4-verification/SGP4-VER.TLE",
                                     io::TleReadOptions::vallado_verification());
    for (const auto &rec : r.items) {
        const auto out = io::format_tle(rec.elements);
        const auto back = io::parse_tle(out[0], out[1]); // and the output is a valid strict TLE
        EXPECT_EQ(back.norad_id, rec.elements.norad_id);
        EXPECT_EQ(back.epoch_day_of_year, rec.elements.epoch_day_of_year);
        EXPECT_EQ(back.bstar_per_er, rec.elements.bstar_per_er);
        EXPECT_EQ(back.mean_motion_ddot_rev_day3, rec.elements.mean_motion_ddot_rev_day3);
        EXPECT_EQ(back.eccentricity, rec.elements.eccentricity);
        EXPECT_EQ(back.mean_motion_rev_day, rec.elements.mean_motion_rev_day);
        EXPECT_EQ(back.object_id, rec.elements.object_id);
    }
}

TEST(TleProperty, ImpliedExponentFormatting)
{
    auto el = io::parse_tle(iss_l1, iss_l2);
    for (const double b : {0.12345e-3, -0.11606e-4, 0.1e-9, 0.99999e5, 1.0, -1.0e-5}) {
        el.bstar_per_er = b;
        const auto out = io::format_tle(el);
        EXPECT_EQ(io::parse_tle(out[0], out[1]).bstar_per_er, b) << out[0];
    }
    el.bstar_per_er = 0.12345e-3;
    EXPECT_EQ(io::format_tle(el)[0].substr(53, 8), " 12345-3");
    el.bstar_per_er = -0.11606e-4;
    EXPECT_EQ(io::format_tle(el)[0].substr(53, 8), "-11606-4");
}
