#include "vantage/frames/earth_orientation.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include <erfa.h>

#include "vantage/core/constants.hpp"
#include "vantage/core/error.hpp"

namespace vantage::frames {

namespace {

constexpr double mjd_zero_jd = 2400000.5;

// Upper bound of the Earth-fixed error made by taking all EOP as zero, at the Earth's surface:
// |UT1-UTC| <= 0.9 s by definition of UTC, times the equatorial rotation speed 465.1 m/s = 419 m, plus
// polar motion below 0.6" (18.6 m). Stated once so the warning and the docs agree.
constexpr double no_eop_error_surface_m = 440.0;

/// 0h UTC of the row's MJD (plus its fraction of a day, if any) as an instant.
/// NOTE: built from the calendar date, not with Instant::from_utc_jd(2400000.5, mjd): with a large second
/// part that path rounds to ~1 µs and can land a hair before midnight, i.e. inside the previous day's leap
/// second, where TAI-UTC is still the old value (found by FramesProperty.LeapSecondJumpInUt1MinusUtc).
time::Instant row_instant(double mjd_utc)
{
    const double day = std::floor(mjd_utc);
    int y = 0, m = 0, d = 0;
    double fd = 0.0;
    if (eraJd2cal(mjd_zero_jd, day, &y, &m, &d, &fd) != 0) {
        throw Error(ErrorCode::invalid_time, fmt::format("MJD {} is outside the calendar range", mjd_utc));
    }
    const time::Instant midnight = time::Instant::from_utc(time::UtcCalendar{y, m, d, 0, 0, 0.0});
    return midnight + time::Duration::from_seconds((mjd_utc - day) * seconds_per_day);
}

} // namespace

struct EarthOrientation::Impl {
    std::vector<EopRow> rows;
    std::string source;
    std::vector<time::Instant> t;   // 0h UTC of each row, as an instant
    std::vector<double> ut1_tai_s;  // UT1 - TAI = (UT1 - UTC) - (TAI - UTC): continuous across leap seconds
};

EarthOrientation::EarthOrientation(std::vector<EopRow> rows, std::string source_name)
{
    auto impl = std::make_shared<Impl>();
    impl->source = std::move(source_name);
    impl->t.reserve(rows.size());
    impl->ut1_tai_s.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const EopRow &r = rows[i];
        const double values[] = {r.mjd_utc,     r.xp_arcsec,   r.yp_arcsec, r.ut1_minus_utc_s, r.lod_s,
                                 r.dpsi_arcsec, r.deps_arcsec, r.dx_arcsec, r.dy_arcsec};
        for (double v : values) {
            if (!std::isfinite(v)) {
                throw DataError(ErrorCode::invalid_argument,
                                fmt::format("EOP row {} (MJD {}) has a non-finite value", i, r.mjd_utc),
                                ErrorContext{impl->source, 0, "row", std::to_string(i)});
            }
        }
        if (i > 0 && !(r.mjd_utc > rows[i - 1].mjd_utc)) {
            throw DataError(r.mjd_utc == rows[i - 1].mjd_utc ? ErrorCode::duplicate : ErrorCode::invalid_argument,
                            fmt::format("EOP rows must have strictly increasing MJD; row {} has MJD {} after {}", i,
                                        r.mjd_utc, rows[i - 1].mjd_utc),
                            ErrorContext{impl->source, 0, "mjd_utc", fmt::format("{}", r.mjd_utc)});
        }
        const time::Instant ti = row_instant(r.mjd_utc);
        impl->t.push_back(ti);
        impl->ut1_tai_s.push_back(r.ut1_minus_utc_s - ti.tai_minus_utc_s());
    }
    impl->rows = std::move(rows);
    m_impl = std::move(impl);
}

EarthOrientation::Values EarthOrientation::at(const time::Instant &t) const
{
    Values v;
    if (!m_impl || m_impl->rows.empty()) {
        return v;
    }
    const auto &ts = m_impl->t;
    if (t < ts.front() || t > ts.back()) {
        return v;
    }
    // First node strictly after t (or the last one), so that [i0, i1] brackets t.
    auto it = std::upper_bound(ts.begin(), ts.end(), t);
    std::size_t i1 = (it == ts.end()) ? ts.size() - 1 : static_cast<std::size_t>(it - ts.begin());
    std::size_t i0 = (i1 == 0) ? 0 : i1 - 1;
    double f = 0.0;
    if (i1 != i0) {
        f = (t - ts[i0]).seconds() / (ts[i1] - ts[i0]).seconds();
    }
    const EopRow &a = m_impl->rows[i0];
    const EopRow &b = m_impl->rows[i1];
    auto lerp = [f](double x0, double x1) { return x0 + f * (x1 - x0); };

    // Interpolate UT1-TAI (continuous), then add back TAI-UTC at t: exact across a leap second.
    const double ut1_tai_s = lerp(m_impl->ut1_tai_s[i0], m_impl->ut1_tai_s[i1]);
    v.ut1_minus_utc_s = ut1_tai_s + t.tai_minus_utc_s();
    v.lod_s = lerp(a.lod_s, b.lod_s);
    v.xp_rad = lerp(a.xp_arcsec, b.xp_arcsec) * arcsec_to_rad;
    v.yp_rad = lerp(a.yp_arcsec, b.yp_arcsec) * arcsec_to_rad;
    v.dx_rad = lerp(a.dx_arcsec, b.dx_arcsec) * arcsec_to_rad;
    v.dy_rad = lerp(a.dy_arcsec, b.dy_arcsec) * arcsec_to_rad;
    v.dpsi_rad = lerp(a.dpsi_arcsec, b.dpsi_arcsec) * arcsec_to_rad;
    v.deps_rad = lerp(a.deps_arcsec, b.deps_arcsec) * arcsec_to_rad;
    v.in_range = true;
    v.predicted = a.predicted || b.predicted;
    return v;
}

bool EarthOrientation::empty() const noexcept
{
    return !m_impl || m_impl->rows.empty();
}

std::size_t EarthOrientation::size() const noexcept
{
    return m_impl ? m_impl->rows.size() : 0;
}

const std::vector<EopRow> &EarthOrientation::rows() const noexcept
{
    static const std::vector<EopRow> none;
    return m_impl ? m_impl->rows : none;
}

const std::string &EarthOrientation::source_name() const noexcept
{
    static const std::string none;
    return m_impl ? m_impl->source : none;
}

time::Instant EarthOrientation::first() const
{
    if (empty()) {
        throw DataError(ErrorCode::data_out_of_range, "the EOP table is empty");
    }
    return m_impl->t.front();
}

time::Instant EarthOrientation::last() const
{
    if (empty()) {
        throw DataError(ErrorCode::data_out_of_range, "the EOP table is empty");
    }
    return m_impl->t.back();
}

std::optional<time::Instant> EarthOrientation::first_predicted() const
{
    if (empty()) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < m_impl->rows.size(); ++i) {
        if (m_impl->rows[i].predicted) {
            return m_impl->t[i];
        }
    }
    return std::nullopt;
}

std::optional<std::string> EarthOrientation::coverage_warning(const time::Instant &start,
                                                              const time::Instant &stop) const
{
    if (empty()) {
        return fmt::format("no EOP: UT1-UTC, polar motion and nutation corrections taken as zero (Earth-fixed "
                           "positions off by up to ~{:.0f} m at the Earth's surface)",
                           no_eop_error_surface_m);
    }
    const time::Instant lo = std::min(start, stop);
    const time::Instant hi = std::max(start, stop);
    if (lo >= m_impl->t.front() && hi <= m_impl->t.back()) {
        return std::nullopt;
    }
    return fmt::format("EOP table '{}' covers {} to {}, not all of {} to {}: outside it UT1-UTC, polar motion "
                       "and nutation corrections taken as zero (Earth-fixed positions off by up to ~{:.0f} m at "
                       "the Earth's surface)",
                       m_impl->source, m_impl->t.front().to_iso8601_utc(0), m_impl->t.back().to_iso8601_utc(0),
                       lo.to_iso8601_utc(0), hi.to_iso8601_utc(0), no_eop_error_surface_m);
}

} // namespace vantage::frames
