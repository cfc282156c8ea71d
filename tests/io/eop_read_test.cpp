// EOP readers on real files.
// - CelesTrak EOP-All.csv slice (tests/reference/eop/, provenance in tests/reference/README.md); the
//   2025-10-03 row values are quoted in that README.
// - IERS finals2000A excerpts (tests/data/eop_finals2000A_*.txt): verbatim rows of finals2000A.all as
//   stored in the public GitHub repository NESSAN-PMO/Coord (commit 3177ab978f266e43f36d5cf3a33bf85a1873b1a1),
//   MJD 53097-53105 (2004-04-02..10, the AAS 06-134 epoch), 57750-57757 (2016-12-28..2017-01-04, the
//   last leap second) and three Bulletin-A-only predicted rows plus two reserved rows (2018-11).
#include <gtest/gtest.h>

#include <string>

#include "vantage/core/constants.hpp"
#include "vantage/io/eop.hpp"
#include "vantage/time/instant.hpp"

using namespace vantage;

namespace {
// The files print 6-7 decimals; parsing must return exactly the printed value, so compare at 1e-12 of
// the unit (far below the last printed digit, above double rounding of the decimal literal).
constexpr double parse_tol = 1e-12;
// Interpolated values at a row's own epoch equal the row, up to double rounding of the fraction.
constexpr double node_tol_s = 1e-12;

const std::string celestrak = std::string(VANTAGE_SHARED_DATA) + "/eop/celestrak-eop-2025-03-17-to-2026-07-06.csv";
const std::string data = std::string(VANTAGE_TEST_DATA) + "/";
} // namespace

TEST(EopValidation, CelesTrakSliceRow20251003)
{
    const frames::EarthOrientation eop = io::read_eop_file(celestrak);
    ASSERT_EQ(eop.size(), 477u);
    EXPECT_EQ(eop.first().to_iso8601_utc(0), "2025-03-17T00:00:00Z");
    EXPECT_EQ(eop.last().to_iso8601_utc(0), "2026-07-06T00:00:00Z");
    ASSERT_TRUE(eop.first_predicted().has_value());
    EXPECT_EQ(eop.first_predicted()->to_iso8601_utc(0), "2026-01-07T00:00:00Z");

    const auto &r = eop.rows()[60951 - 60751];
    EXPECT_EQ(r.mjd_utc, 60951.0);
    EXPECT_NEAR(r.xp_arcsec, 0.223115, parse_tol);
    EXPECT_NEAR(r.yp_arcsec, 0.338267, parse_tol);
    EXPECT_NEAR(r.ut1_minus_utc_s, 0.0936620, parse_tol);
    EXPECT_NEAR(r.lod_s, -0.0000588, parse_tol);
    EXPECT_NEAR(r.dpsi_arcsec, -0.120356, parse_tol);
    EXPECT_NEAR(r.deps_arcsec, -0.010278, parse_tol);
    EXPECT_NEAR(r.dx_arcsec, 0.000400, parse_tol);
    EXPECT_NEAR(r.dy_arcsec, -0.000110, parse_tol);
    EXPECT_FALSE(r.predicted);

    const auto v = eop.at(time::Instant::parse_iso8601("2025-10-03T00:00:00Z"));
    EXPECT_TRUE(v.in_range);
    EXPECT_FALSE(v.predicted);
    EXPECT_NEAR(v.ut1_minus_utc_s, 0.0936620, node_tol_s);
    EXPECT_NEAR(v.xp_rad, 0.223115 * arcsec_to_rad, 1e-18);
    EXPECT_FALSE(eop.coverage_warning(time::Instant::parse_iso8601("2025-10-01T00:00:00Z"),
                                      time::Instant::parse_iso8601("2025-10-08T00:00:00Z"))
                     .has_value());
    EXPECT_TRUE(eop.coverage_warning(time::Instant::parse_iso8601("2026-07-01T00:00:00Z"),
                                     time::Instant::parse_iso8601("2026-08-01T00:00:00Z"))
                    .has_value());
}

TEST(EopValidation, Finals2000APrefersBulletinB)
{
    const frames::EarthOrientation eop = io::read_eop_file(data + "eop_finals2000A_2004-04.txt");
    ASSERT_EQ(eop.size(), 9u);
    // 2004-04-06 (MJD 53101): Bulletin A x -0.140721, UT1-UTC -0.4399514; Bulletin B x -0.140720,
    // y 0.333270, UT1-UTC -0.4399620, dX -0.218 mas, dY -0.195 mas; LOD (A only) 1.5244 ms.
    const auto &r = eop.rows()[4];
    EXPECT_EQ(r.mjd_utc, 53101.0);
    EXPECT_NEAR(r.xp_arcsec, -0.140720, parse_tol);
    EXPECT_NEAR(r.yp_arcsec, 0.333270, parse_tol);
    EXPECT_NEAR(r.ut1_minus_utc_s, -0.4399620, parse_tol);
    EXPECT_NEAR(r.lod_s, 1.5244e-3, parse_tol);
    EXPECT_NEAR(r.dx_arcsec, -0.218e-3, parse_tol);
    EXPECT_NEAR(r.dy_arcsec, -0.195e-3, parse_tol);
    EXPECT_NEAR(r.dpsi_arcsec, 0.0, parse_tol);
    EXPECT_FALSE(r.predicted);
}

TEST(EopValidation, Finals2000ABulletinAOnlyPredictedRowsAndReservedDays)
{
    const frames::EarthOrientation eop = io::read_eop_file(data + "eop_finals2000A_2018-11-tail.txt");
    ASSERT_EQ(eop.size(), 3u); // the two date-only rows are skipped
    const auto &r = eop.rows()[0];
    EXPECT_EQ(r.mjd_utc, 58424.0);
    EXPECT_NEAR(r.xp_arcsec, 0.225936, parse_tol);
    EXPECT_NEAR(r.yp_arcsec, 0.300422, parse_tol);
    EXPECT_NEAR(r.ut1_minus_utc_s, -0.0822087, parse_tol);
    EXPECT_TRUE(r.predicted);
    EXPECT_EQ(eop.first_predicted()->to_iso8601_utc(0), "2018-11-02T00:00:00Z");
}

TEST(EopValidation, Finals2000ALeapSecondJumpIsKeptAsPublished)
{
    // 2016-12-31 -> 2017-01-01: TAI-UTC 36 -> 37 s; UT1-UTC jumps by +1 s in the file.
    const frames::EarthOrientation eop = io::read_eop_file(data + "eop_finals2000A_2016-12.txt");
    ASSERT_EQ(eop.size(), 8u);
    EXPECT_NEAR(eop.rows()[3].ut1_minus_utc_s, -0.4077600, parse_tol);
    EXPECT_NEAR(eop.rows()[4].ut1_minus_utc_s, 0.5912975, parse_tol);
}

TEST(EopValidation, CelesTrakSliceAsFinalsSyntheticRoundTrip)
{
    // The CSV parser and the fixed-column parser agree when the same values are written in both layouts
    // (synthetic finals2000A rows built from the CelesTrak 2025-10-03 row, Bulletin A columns only).
    const std::string line =
        "251003 60951.00 I  0.223115 0.000000  0.338267 0.000000  I 0.0936620 0.0000000 -0.0588 0.0000  I     "
        "0.400    0.000    -0.110    0.000";
    const frames::EarthOrientation eop = io::parse_eop_text(line + "\n", "synthetic");
    ASSERT_EQ(eop.size(), 1u);
    EXPECT_NEAR(eop.rows()[0].xp_arcsec, 0.223115, parse_tol);
    EXPECT_NEAR(eop.rows()[0].yp_arcsec, 0.338267, parse_tol);
    EXPECT_NEAR(eop.rows()[0].ut1_minus_utc_s, 0.0936620, parse_tol);
    EXPECT_NEAR(eop.rows()[0].lod_s, -0.0000588, parse_tol);
    EXPECT_NEAR(eop.rows()[0].dx_arcsec, 0.000400, parse_tol);
    EXPECT_NEAR(eop.rows()[0].dy_arcsec, -0.000110, parse_tol);
}
