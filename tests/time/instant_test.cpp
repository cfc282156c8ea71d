// Instant: ISO 8601 UTC parsing/formatting, leap seconds (ERFA's table), scale conversions.
// References: ERFA's own t_erfa_c.c examples (eraDat, eraUtctai) and IERS Bulletin C leap-second dates.
#include <gtest/gtest.h>

#include <cmath>

#include "vantage/core/error.hpp"
#include "vantage/time/instant.hpp"

using vantage::ErrorCode;
using vantage::time::Duration;
using vantage::time::Instant;
using vantage::time::UtcCalendar;

namespace {
// Two-part JDs carry ~1e-16 day relative precision per part; 1e-9 s is far below anything
// we derive from a JD, and far above double rounding of an 86400-s day (1e-11 s).
constexpr double jd_tol_s = 1e-9;
} // namespace

TEST(InstantValidation, J2000IsNoonTaiAnd32sAfterUtcNoonMinus)
{
    // TAI-UTC = 32 s in 2000 (IERS Bulletin C): 2000-01-01T11:59:28 UTC = J2000.0 TAI.
    const Instant t = Instant::parse_iso8601("2000-01-01T11:59:28Z");
    EXPECT_EQ(t.tai_whole_s(), 0);
    EXPECT_NEAR(t.tai_fraction_s(), 0.0, jd_tol_s);
    EXPECT_DOUBLE_EQ(t.tai_minus_utc_s(), 32.0);
    const auto tt = t.tt_jd();
    EXPECT_NEAR((tt.jd1 - 2451545.0) * 86400.0 + tt.jd2 * 86400.0, 32.184, jd_tol_s);
}

TEST(InstantValidation, LeapSecondEndOf2016)
{
    // IERS Bulletin C 52: a positive leap second at 2016-12-31T23:59:60Z; TAI-UTC 36 -> 37 s.
    const Instant before = Instant::parse_iso8601("2016-12-31T23:59:59Z");
    const Instant leap = Instant::parse_iso8601("2016-12-31T23:59:60.5Z");
    const Instant after = Instant::parse_iso8601("2017-01-01T00:00:00Z");
    EXPECT_DOUBLE_EQ((leap - before).seconds(), 1.5);
    EXPECT_DOUBLE_EQ((after - before).seconds(), 2.0);
    EXPECT_EQ(leap.to_iso8601_utc(3), "2016-12-31T23:59:60.500Z");
    EXPECT_DOUBLE_EQ(before.tai_minus_utc_s(), 36.0);
    EXPECT_DOUBLE_EQ(after.tai_minus_utc_s(), 37.0);
    EXPECT_EQ((before + Duration::from_seconds(2.0)).to_iso8601_utc(0), "2017-01-01T00:00:00Z");
}

TEST(InstantValidation, UtcJdMatchesErfaTaiutc)
{
    // ERFA t_erfa_c.c t_utctai: UTC 2453750.5 + 0.892100694 -> TAI 2453750.5 + 0.8924826384444444444.
    const Instant t = Instant::from_utc_jd(2453750.5, 0.892100694);
    const auto tai = t.tai_jd();
    EXPECT_NEAR(((tai.jd1 - 2453750.5) + tai.jd2 - 0.8924826384444444444) * 86400.0, 0.0, 1e-6);
    const auto utc = t.utc_jd();
    EXPECT_NEAR(((utc.jd1 - 2453750.5) + utc.jd2 - 0.892100694) * 86400.0, 0.0, 1e-6);
}

TEST(InstantProperty, IsoRoundTripKeepsMicroseconds)
{
    for (const char *s : {"2004-04-06T07:51:28.386009Z", "1999-12-31T23:59:59.999999Z", "2025-10-03T00:00:00.000000Z",
                          "2038-01-19T03:14:07.123456Z", "1972-06-30T23:59:60.250000Z"}) {
        EXPECT_EQ(Instant::parse_iso8601(s).to_iso8601_utc(6), s);
    }
}

TEST(InstantProperty, RoundingCarriesIntoNextDay)
{
    const Instant t = Instant::parse_iso8601("2025-12-31T23:59:59.9999996Z");
    EXPECT_EQ(t.to_iso8601_utc(6), "2026-01-01T00:00:00.000000Z");
    EXPECT_EQ(t.to_iso8601_utc(7), "2025-12-31T23:59:59.9999996Z");
}

TEST(InstantProperty, SubNanosecondOverDecades)
{
    const Instant a = Instant::parse_iso8601("1980-01-06T00:00:00Z");
    const Instant b = a + Duration::from_seconds(1.5e9) + Duration::from_seconds(1e-10);
    EXPECT_NEAR(((b - a).seconds() - 1.5e9), 1e-10, 1e-12 * 1.5e9 * 1e-6 + 2e-7);
    const Instant c = a + Duration::from_seconds(1e-10);
    EXPECT_NEAR((c - a).seconds(), 1e-10, 1e-16);
}

TEST(InstantProperty, AcceptedSpellings)
{
    const Instant t = Instant::parse_iso8601("2025-10-03T12:00:00Z");
    EXPECT_EQ(Instant::parse_iso8601("2025-10-03 12:00:00"), t);
    EXPECT_EQ(Instant::parse_iso8601("2025-10-03T12:00:00+00:00"), t);
    EXPECT_EQ(Instant::parse_iso8601("2025-276T12:00:00Z"), t); // day of year
    EXPECT_EQ(Instant::parse_iso8601("2025-10-03T12:00Z"), t);
    EXPECT_EQ(Instant::parse_iso8601("2025-10-03"), Instant::parse_iso8601("2025-10-03T00:00:00Z"));
}

TEST(InstantProperty, DubiousFutureYearIsAWarningNotAnError)
{
    const Instant t = Instant::parse_iso8601("2030-06-01T00:00:00Z");
    EXPECT_TRUE(t.utc_is_dubious());
    EXPECT_FALSE(Instant::parse_iso8601("2025-06-01T00:00:00Z").utc_is_dubious());
}

TEST(InstantParseErrors, RejectsNonDates)
{
    for (const char *s : {"", "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z", "2025-10-03T24:00:00Z",
                          "2025-10-03T12:00:00+02:00", "2025-10-03T23:59:60Z", "yesterday", "2025-10-03T12:00:00.Z",
                          "1950-01-01T00:00:00Z"}) {
        try {
            (void)Instant::parse_iso8601(s);
            ADD_FAILURE() << "accepted " << s;
        } catch (const vantage::Error &e) {
            EXPECT_EQ(e.code(), ErrorCode::invalid_time) << s;
            EXPECT_EQ(e.context().value, s);
        }
    }
}

TEST(InstantRegression, PicosecondsBeforeUtcMidnightStayInTheirDay)
{
    // 2025-10-04T00:00:00Z minus 2.9e-12 s (an instant the access engine reached by adding durations): the UTC
    // day search oscillated between Oct 3 and Oct 4 ("did not converge") because w + fr rounded up to 86400 s.
    const auto midnight = Instant::parse_iso8601("2025-10-04T00:00:00Z");
    const auto t = Instant::from_tai_seconds(midnight.tai_whole_s() - 1, 0.99999999999711697);
    EXPECT_EQ(t.tai_minus_utc_s(), 37.0);
    const auto c = t.to_utc();
    EXPECT_EQ(c.day, 3);
    EXPECT_EQ(c.hour, 23);
    EXPECT_EQ(c.minute, 59);
    EXPECT_LT(c.second, 60.0);
    EXPECT_EQ(t.to_iso8601_utc(6), "2025-10-04T00:00:00.000000Z"); // rounding to microseconds carries
}
