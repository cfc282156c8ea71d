#pragma once
/// @file
/// A scale-free instant (Orekit's AbsoluteDate model) stored as TAI seconds since J2000 TAI, split into
/// whole seconds (int64) and a fraction in [0, 1). Differences over decades keep sub-nanosecond
/// precision: the fraction is a double in [0, 1), so its resolution is ~1e-16 s, and whole seconds
/// are exact integers.
///
/// Time scales appear only at the edges: UTC (with leap seconds from ERFA's `eraDat` table), TAI, TT,
/// and UT1 (through an explicit UT1-UTC value from an `frames::EarthOrientation` context).

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace vantage::time {

/// A duration in SI seconds. Strong type so that an instant cannot be added to an instant.
class Duration {
public:
    constexpr Duration() = default;
    static constexpr Duration from_seconds(double s) noexcept { return Duration(s); }
    static constexpr Duration from_minutes(double min) noexcept { return Duration(min * 60.0); }
    static constexpr Duration from_hours(double h) noexcept { return Duration(h * 3600.0); }
    static constexpr Duration from_days(double d) noexcept { return Duration(d * 86400.0); }

    constexpr double seconds() const noexcept { return m_s; }
    constexpr double minutes() const noexcept { return m_s / 60.0; }
    constexpr double hours() const noexcept { return m_s / 3600.0; }
    constexpr double days() const noexcept { return m_s / 86400.0; }

    constexpr Duration operator+(Duration o) const noexcept { return Duration(m_s + o.m_s); }
    constexpr Duration operator-(Duration o) const noexcept { return Duration(m_s - o.m_s); }
    constexpr Duration operator-() const noexcept { return Duration(-m_s); }
    constexpr Duration operator*(double k) const noexcept { return Duration(m_s * k); }
    constexpr Duration operator/(double k) const noexcept { return Duration(m_s / k); }
    constexpr auto operator<=>(const Duration &) const = default;

private:
    constexpr explicit Duration(double s) noexcept : m_s(s) {}
    double m_s = 0.0;
};

/// A two-part Julian date as ERFA uses it: JD = jd1 + jd2, with jd1 normally the integral part
/// (ending in .5) and jd2 the fraction, for full double precision.
struct JulianDate {
    double jd1 = 0.0;
    double jd2 = 0.0;
    double value() const noexcept { return jd1 + jd2; }
};

/// A UTC calendar date and time of day. `second` may be in [60, 61) on a leap-second day.
struct UtcCalendar {
    int year = 2000;
    int month = 1;
    int day = 1;
    int hour = 0;
    int minute = 0;
    double second = 0.0;
};

class Instant {
public:
    /// J2000.0 TAI (2000-01-01T12:00:00 TAI).
    constexpr Instant() = default;

    /// From a UTC calendar date. Leap seconds come from ERFA's built-in table (`eraDat`).
    /// @throws Error(ErrorCode::invalid_time) if the date/time does not exist (month 13, 23:59:60 on a
    ///         day without a leap second, year before 1960).
    /// Dates from 2027 on are accepted: ERFA flags them "dubious" (no leap second announced beyond its
    /// table), which `utc_is_dubious()` reports; it is a warning, not an error.
    static Instant from_utc(const UtcCalendar &utc);

    /// Parses ISO 8601 UTC: "YYYY-MM-DDTHH:MM:SS[.fff...][Z|+00:00]", also with a space instead of
    /// 'T', "YYYY-MM-DD" alone (midnight), and "YYYY-DDDTHH:MM:SS" (day of year, as in CCSDS).
    /// Up to 15 fraction digits are honoured. Offsets other than zero are rejected.
    /// @throws Error(ErrorCode::invalid_time) naming the text.
    static Instant parse_iso8601(std::string_view text);

    /// From TAI seconds since J2000 TAI split into whole and fractional parts (any values; normalised).
    static Instant from_tai_seconds(std::int64_t whole_s, double fraction_s) noexcept;

    /// From a two-part TT Julian date.
    static Instant from_tt_jd(double jd1, double jd2) noexcept;
    /// From a two-part TAI Julian date.
    static Instant from_tai_jd(double jd1, double jd2) noexcept;
    /// From a two-part UTC "quasi Julian date" as ERFA defines it (leap-second aware, via eraUtctai).
    /// @throws Error(ErrorCode::invalid_time) if ERFA rejects the date.
    static Instant from_utc_jd(double jd1, double jd2);

    /// TAI seconds since J2000 TAI: whole part and fraction in [0,1).
    std::int64_t tai_whole_s() const noexcept { return m_s; }
    double tai_fraction_s() const noexcept { return m_f; }
    /// TAI seconds since J2000 TAI as one double (loses precision below ~1e-7 s over decades;
    /// prefer differences of instants).
    double tai_seconds_since_j2000() const noexcept { return static_cast<double>(m_s) + m_f; }

    JulianDate tai_jd() const noexcept;
    JulianDate tt_jd() const noexcept;
    /// UTC quasi-JD (ERFA convention: on a leap-second day, the day has 86401 s).
    JulianDate utc_jd() const;
    /// UT1 Julian date given UT1-UTC in seconds (from an EarthOrientation context).
    JulianDate ut1_jd(double ut1_minus_utc_s) const;

    /// The UTC calendar date and time. During a leap second `second` is in [60, 61).
    UtcCalendar to_utc() const;
    /// TAI-UTC in seconds at this instant (37 s since 2017).
    double tai_minus_utc_s() const;
    /// True where ERFA's leap-second table may be out of date (from 2027 on, eraDat status 1).
    bool utc_is_dubious() const;

    /// "YYYY-MM-DDTHH:MM:SS.ffffffZ" with `decimals` fraction digits (0..12), rounded, carrying into
    /// the minutes/hours/days correctly (and into a leap second when there is one).
    std::string to_iso8601_utc(int decimals = 6) const;

    Instant operator+(Duration d) const noexcept;
    Instant operator-(Duration d) const noexcept;
    Duration operator-(const Instant &o) const noexcept;

    std::strong_ordering operator<=>(const Instant &o) const noexcept;
    bool operator==(const Instant &o) const noexcept = default;

private:
    std::int64_t m_s = 0; // whole TAI seconds since J2000 TAI
    double m_f = 0.0;     // fraction in [0, 1)
};

} // namespace vantage::time
