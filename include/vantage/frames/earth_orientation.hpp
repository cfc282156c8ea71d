#pragma once
/// @file
/// Earth-orientation parameters (EOP) as an immutable, shareable context (heyoka's `eop_data`, Orekit's
/// `EOPHistory` inside a data context). Never global: every Earth-fixed conversion takes one explicitly,
/// so a server can hold several tables at once.
///
/// Data sources: CelesTrak `EOP-All.csv` and IERS `finals2000A` through `io::read_eop_file`, or rows
/// built in code. Values between the daily rows are interpolated linearly (see `at`).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vantage/time/instant.hpp"

namespace vantage::frames {

/// One tabulated day of Earth-orientation parameters, as published (units of the files).
struct EopRow {
    double mjd_utc = 0.0;         ///< Modified Julian Date of the row, UTC (normally 0h UTC, an integer)
    double xp_arcsec = 0.0;       ///< polar motion x of the CIP in the ITRS (arcseconds)
    double yp_arcsec = 0.0;       ///< polar motion y of the CIP in the ITRS (arcseconds)
    double ut1_minus_utc_s = 0.0; ///< UT1 - UTC (seconds, |value| < 0.9 since 1972)
    double lod_s = 0.0;           ///< excess length of day (seconds)
    double dpsi_arcsec = 0.0;     ///< nutation correction in longitude w.r.t. IAU 1980 (arcseconds)
    double deps_arcsec = 0.0;     ///< nutation correction in obliquity w.r.t. IAU 1980 (arcseconds)
    double dx_arcsec = 0.0;       ///< celestial pole offset dX w.r.t. IAU 2006/2000A (arcseconds)
    double dy_arcsec = 0.0;       ///< celestial pole offset dY w.r.t. IAU 2006/2000A (arcseconds)
    bool predicted = false;       ///< true for a forecast row (CelesTrak 'P', IERS Bulletin A 'P')
};

/// Immutable table of daily EOP rows. Cheap to copy (one `std::shared_ptr<const Impl>`); safe to share
/// between threads. A default-constructed context is empty: every `at()` returns zeros with
/// `in_range == false`, which is the documented "no EOP" mode (see `coverage_warning`).
///
/// Interpolation is linear between consecutive rows (as heyoka and skyfield do; Orekit uses 4-point
/// Lagrange). UT1-UTC is interpolated as UT1-TAI, which is continuous, and converted back with the TAI-UTC
/// of the requested instant, so the 1-s jump at a leap second is reproduced exactly and no spurious
/// 1-s ramp appears across the leap-second day. Linear interpolation of daily values leaves errors of
/// ~20 µs in UT1 (≈ 1 cm at the equator) and ~0.1 mas in polar motion (IERS Conventions 2010 ch. 5.5.1
/// sub-daily terms, not modelled, are of the same order).
class EarthOrientation {
public:
    /// Interpolated values at one instant, in the units used by the transformations.
    struct Values {
        double ut1_minus_utc_s = 0.0; ///< UT1 - UTC (seconds)
        double lod_s = 0.0;           ///< excess length of day (seconds)
        double xp_rad = 0.0;          ///< polar motion x (radians)
        double yp_rad = 0.0;          ///< polar motion y (radians)
        double dx_rad = 0.0;          ///< celestial pole offset dX w.r.t. IAU 2006/2000A (radians)
        double dy_rad = 0.0;          ///< celestial pole offset dY w.r.t. IAU 2006/2000A (radians)
        double dpsi_rad = 0.0;        ///< nutation correction in longitude w.r.t. IAU 1980 (radians)
        double deps_rad = 0.0;        ///< nutation correction in obliquity w.r.t. IAU 1980 (radians)
        bool in_range = false;        ///< false when the table is empty or the instant is outside it (all zeros)
        bool predicted = false;       ///< true when either interpolation node is a predicted row
    };

    /// Empty context: no EOP, all corrections zero.
    EarthOrientation() = default;

    /// Builds a context from daily rows.
    /// @param rows rows in strictly increasing `mjd_utc` order; every value finite. Gaps are allowed and
    ///        are bridged linearly (callers that care should check the spacing).
    /// @param source_name where the rows came from (file path, "AAS 06-134 example"), kept for messages.
    /// @throws DataError(ErrorCode::duplicate) for two rows with the same MJD,
    ///         DataError(ErrorCode::invalid_argument) for decreasing MJDs or a non-finite value,
    ///         Error(ErrorCode::invalid_time) for an MJD before 1960 (UTC undefined).
    EarthOrientation(std::vector<EopRow> rows, std::string source_name);

    /// Interpolated EOP at `t`. Outside [first(), last()] or when empty: all zeros and `in_range == false`
    /// (never throws for a valid instant, never extrapolates).
    Values at(const time::Instant &t) const;

    /// True when there are no rows.
    bool empty() const noexcept;
    /// Number of rows.
    std::size_t size() const noexcept;
    /// The rows as given (units of the files).
    const std::vector<EopRow> &rows() const noexcept;
    /// The source name given at construction ("" when empty).
    const std::string &source_name() const noexcept;

    /// Instant of the first / last row (0h UTC of its MJD).
    /// @throws DataError(ErrorCode::data_out_of_range) when the table is empty.
    time::Instant first() const;
    time::Instant last() const;

    /// Instant of the first predicted row, if any: values from there on are forecasts (errors of ms in
    /// UT1-UTC and mas in polar motion a few months out).
    std::optional<time::Instant> first_predicted() const;

    /// One warning text when the table is empty or does not cover [start, stop]; `std::nullopt` when it
    /// covers it. The text states the consequence: UT1-UTC, polar motion and nutation corrections are taken
    /// as zero there, which puts Earth-fixed positions off by up to ~440 m at the Earth's surface
    /// (|UT1-UTC| <= 0.9 s times 465 m/s, plus up to ~20 m of polar motion), proportionally more at altitude.
    std::optional<std::string> coverage_warning(const time::Instant &start, const time::Instant &stop) const;

private:
    struct Impl;
    std::shared_ptr<const Impl> m_impl;
};

} // namespace vantage::frames
