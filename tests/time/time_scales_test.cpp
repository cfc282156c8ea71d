// Time-scale cases the frames work relies on, beyond instant_test.cpp.
// References: Vallado, Fundamentals of Astrodynamics and Applications, Example 3-15 / AAS 06-134 epoch
// (2004-04-06 07:51:28.386009 UTC, dUT1 -0.4399619 s, TAI-UTC 32 s: T_TT = 0.0426236319 centuries,
// T_UT1 = 0.0426236114109 centuries, JD_UT1 = 2453101.82740678); IERS Bulletin C 52 (leap second at the
// end of 2016).
#include <gtest/gtest.h>

#include <cmath>

#include "vantage/time/instant.hpp"

using vantage::time::Duration;
using vantage::time::Instant;
using vantage::time::JulianDate;

namespace {
// Vallado prints T_TT with 10 decimals: half a unit of the last digit.
constexpr double t_tt_tol_centuries = 5e-11;
// T_UT1 is printed with 13 decimals: half a unit of the last digit (= 0.16 ms).
constexpr double t_ut1_tol_centuries = 5e-14;
// JD_UT1 printed with 8 decimals: half a unit (0.43 ms).
constexpr double jd_ut1_tol_days = 5e-9;
// Two-part JDs resolve ~1e-16 day per part: 1 ns is far above rounding and far below any physical use.
constexpr double jd_split_tol_s = 1e-9;

double centuries(const JulianDate &jd)
{
    return ((jd.jd1 - 2451545.0) + jd.jd2) / 36525.0;
}
} // namespace

TEST(TimeValidation, ValladoExample315EpochScales)
{
    const Instant t = Instant::parse_iso8601("2004-04-06T07:51:28.386009Z");
    EXPECT_DOUBLE_EQ(t.tai_minus_utc_s(), 32.0);
    EXPECT_NEAR(centuries(t.tt_jd()), 0.0426236319, t_tt_tol_centuries);
    const JulianDate ut1 = t.ut1_jd(-0.4399619);
    EXPECT_NEAR(centuries(ut1), 0.0426236114109, t_ut1_tol_centuries);
    EXPECT_NEAR((ut1.jd1 - 2453101.0) + ut1.jd2, 0.82740678, jd_ut1_tol_days);
}

TEST(TimeValidation, TtMinusUtcAndUt1MinusUtcAreRecovered)
{
    const Instant t = Instant::parse_iso8601("2025-10-03T12:00:00Z");
    const JulianDate tt = t.tt_jd();
    const JulianDate utc = t.utc_jd();
    EXPECT_NEAR(((tt.jd1 - utc.jd1) + (tt.jd2 - utc.jd2)) * 86400.0, 37.0 + 32.184, jd_split_tol_s * 10);
    const JulianDate ut1 = t.ut1_jd(0.0936620);
    EXPECT_NEAR(((ut1.jd1 - utc.jd1) + (ut1.jd2 - utc.jd2)) * 86400.0, 0.0936620, jd_split_tol_s * 10);
}

TEST(TimeValidation, UtcJdMidnightAfterLeapSecondIsInTheNewDay)
{
    // With the integral day in jd1 (ERFA's recommended split), 2017-01-01T00:00Z is exact and TAI-UTC = 37 s.
    const Instant t = Instant::from_utc_jd(2457754.5, 0.0);
    EXPECT_EQ(t, Instant::parse_iso8601("2017-01-01T00:00:00Z"));
    EXPECT_DOUBLE_EQ(t.tai_minus_utc_s(), 37.0);
    EXPECT_DOUBLE_EQ((t - Duration::from_seconds(0.5)).tai_minus_utc_s(), 36.0); // inside 23:59:60
}

// With an MJD-style split (jd1 = 2400000.5, jd2 = 57754) ERFA's eraUtctai alone returns a TAI date
// 0.15 µs early, inside the preceding leap second; Instant::from_utc_jd normalises the split first.
TEST(TimeProperty, UtcJdMjdSplitKeepsNanosecondPrecision)
{
    const Instant t = Instant::from_utc_jd(2400000.5, 57754.0);
    EXPECT_NEAR((t - Instant::parse_iso8601("2017-01-01T00:00:00Z")).seconds(), 0.0, jd_split_tol_s);
    EXPECT_DOUBLE_EQ(t.tai_minus_utc_s(), 37.0);
}
