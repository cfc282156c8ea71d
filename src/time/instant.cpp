#include "vantage/time/instant.hpp"

#include <cmath>
#include <cstdio>
#include <fmt/format.h>

#include <erfa.h>

#include "vantage/core/error.hpp"

namespace vantage::time {

namespace {

constexpr std::int64_t j2000_mjd = 51544;        // MJD of 2000-01-01 (J2000.0 is MJD 51544.5)
constexpr std::int64_t seconds_per_day_i = 86400;
constexpr double tt_minus_tai_s = 32.184;

[[noreturn]] void throw_time(const std::string &msg, std::string_view text = {})
{
    throw Error(ErrorCode::invalid_time, msg, ErrorContext{"", 0, "", std::string(text)});
}

/// TAI-UTC (s) at 0h UTC of the given MJD, from ERFA's table. Sets `dubious` when ERFA warns.
double dat_at_mjd(std::int64_t mjd, bool *dubious = nullptr)
{
    int y = 0, m = 0, d = 0;
    double fd = 0.0;
    if (eraJd2cal(2400000.5, static_cast<double>(mjd), &y, &m, &d, &fd) != 0) {
        throw_time(fmt::format("MJD {} is outside the supported calendar range", mjd));
    }
    double dat = 0.0;
    const int status = eraDat(y, m, d, 0.0, &dat);
    if (status < 0 || y < 1960) { // eraDat reports years before its table as merely "dubious"

        throw_time(fmt::format("UTC is not defined before 1960 (date {:04d}-{:02d}-{:02d})", y, m, d));
    }
    if (dubious != nullptr) {
        *dubious = (status == 1);
    }
    return dat;
}

/// TAI seconds since J2000 TAI at 0h UTC of day `mjd`, as (whole, fraction).
struct Split {
    std::int64_t whole;
    double frac;
};

Split tai_at_day_start(std::int64_t mjd)
{
    const double dat = dat_at_mjd(mjd);
    const double dat_floor = std::floor(dat);
    return {(mjd - j2000_mjd) * seconds_per_day_i - 43200 + static_cast<std::int64_t>(dat_floor), dat - dat_floor};
}

/// The UTC day (MJD) containing an instant and the seconds since its 0h UTC (may reach 86400+ in a
/// leap second).
struct UtcSplit {
    std::int64_t mjd;
    std::int64_t sod_whole;
    double sod_frac;
};

UtcSplit utc_split(std::int64_t s, double f)
{
    // First guess ignoring leap seconds beyond 37 s; corrected by at most one day below.
    std::int64_t mjd = j2000_mjd + (s + 43200 - 37 >= 0 ? (s + 43200 - 37) / seconds_per_day_i
                                                        : -((-(s + 43200 - 37) + seconds_per_day_i - 1) / seconds_per_day_i));
    for (int iter = 0; iter < 4; ++iter) {
        const Split start = tai_at_day_start(mjd);
        std::int64_t w = s - start.whole;
        double fr = f - start.frac;
        if (fr < 0.0) {
            fr += 1.0;
            w -= 1;
        }
        if (w < 0) {
            --mjd;
            continue;
        }
        const Split next = tai_at_day_start(mjd + 1);
        // NOTE: compared as (whole difference) + (fraction difference): w + fr itself rounds up to the day's
        // length for instants a few picoseconds before 0h UTC, and the search then oscillated between two days.
        if (static_cast<double>(w - (next.whole - start.whole)) + (fr - (next.frac - start.frac)) >= 0.0) {
            ++mjd;
            continue;
        }
        return {mjd, w, fr};
    }
    throw Error(ErrorCode::internal, "UTC day search did not converge");
}

void civil_from_mjd(std::int64_t mjd, int &y, int &m, int &d)
{
    double fd = 0.0;
    if (eraJd2cal(2400000.5, static_cast<double>(mjd), &y, &m, &d, &fd) != 0) {
        throw_time(fmt::format("MJD {} is outside the supported calendar range", mjd));
    }
}

} // namespace

Instant Instant::from_tai_seconds(std::int64_t whole_s, double fraction_s) noexcept
{
    const double fl = std::floor(fraction_s);
    Instant t;
    t.m_s = whole_s + static_cast<std::int64_t>(fl);
    t.m_f = fraction_s - fl;
    if (t.m_f >= 1.0) { // rounding edge of fraction_s - floor(fraction_s)
        t.m_f -= 1.0;
        t.m_s += 1;
    }
    return t;
}

Instant Instant::from_utc(const UtcCalendar &utc)
{
    double djm0 = 0.0, djm = 0.0;
    const int cal = eraCal2jd(utc.year, utc.month, utc.day, &djm0, &djm);
    if (cal != 0) {
        throw_time(fmt::format("no such calendar date {:04d}-{:02d}-{:02d}", utc.year, utc.month, utc.day));
    }
    if (utc.hour < 0 || utc.hour > 23 || utc.minute < 0 || utc.minute > 59 || !(utc.second >= 0.0)
        || !(utc.second < 61.0)) {
        throw_time(fmt::format("no such time of day {:02d}:{:02d}:{}", utc.hour, utc.minute, utc.second));
    }
    const auto mjd = static_cast<std::int64_t>(djm);
    const double fd = (utc.hour * 3600.0 + utc.minute * 60.0 + utc.second) / 86400.0;
    double dat = 0.0;
    if (utc.year < 1960 || eraDat(utc.year, utc.month, utc.day, fd < 1.0 ? fd : 0.999999, &dat) < 0) {
        throw_time(fmt::format("UTC is not defined before 1960 (date {:04d}-{:02d}-{:02d})", utc.year, utc.month,
                               utc.day));
    }
    if (utc.second >= 60.0) {
        const double leap = dat_at_mjd(mjd + 1) - dat_at_mjd(mjd);
        if (!(leap > 0.5 && utc.hour == 23 && utc.minute == 59 && utc.second < 60.0 + leap)) {
            throw_time(fmt::format("{:04d}-{:02d}-{:02d} has no leap second at {:02d}:{:02d}:{}", utc.year,
                                   utc.month, utc.day, utc.hour, utc.minute, utc.second));
        }
    }
    const double sec_floor = std::floor(utc.second);
    const double dat_floor = std::floor(dat);
    const std::int64_t whole = (mjd - j2000_mjd) * seconds_per_day_i - 43200 + utc.hour * 3600 + utc.minute * 60
                               + static_cast<std::int64_t>(sec_floor) + static_cast<std::int64_t>(dat_floor);
    return from_tai_seconds(whole, (utc.second - sec_floor) + (dat - dat_floor));
}

namespace {

bool parse_uint(std::string_view s, std::size_t pos, std::size_t n, int &out)
{
    if (pos + n > s.size()) {
        return false;
    }
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

} // namespace

Instant Instant::parse_iso8601(std::string_view text)
{
    // Trim surrounding blanks (and quotes are not accepted).
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
        text.remove_suffix(1);
    }
    const std::string_view orig = text;
    auto fail = [&](const char *why) { throw_time(fmt::format("not an ISO 8601 UTC time: {}", why), orig); };

    UtcCalendar c;
    std::size_t p = 0;
    if (!parse_uint(text, 0, 4, c.year) || text.size() < 8 || text[4] != '-') {
        fail("expected YYYY-MM-DD or YYYY-DDD");
    }
    // Either YYYY-MM-DD or YYYY-DDD (day of year).
    if (text.size() >= 10 && text[7] == '-') {
        if (!parse_uint(text, 5, 2, c.month) || !parse_uint(text, 8, 2, c.day)) {
            fail("bad month or day");
        }
        p = 10;
    } else {
        int doy = 0;
        if (!parse_uint(text, 5, 3, doy) || (text.size() > 8 && text[8] >= '0' && text[8] <= '9')) {
            fail("bad day of year");
        }
        const bool leap_year = (c.year % 4 == 0 && c.year % 100 != 0) || c.year % 400 == 0;
        if (doy < 1 || doy > (leap_year ? 366 : 365)) {
            fail("day of year out of range");
        }
        static constexpr int cum[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};
        int m = 1;
        while (m < 12 && doy > cum[m] + ((leap_year && m >= 2) ? 1 : 0)) {
            ++m;
        }
        c.month = m;
        c.day = doy - cum[m - 1] - ((leap_year && m > 2) ? 1 : 0);
        p = 8;
    }
    if (p < text.size()) {
        if (text[p] != 'T' && text[p] != 't' && text[p] != ' ') {
            fail("expected 'T' between date and time");
        }
        ++p;
        if (!parse_uint(text, p, 2, c.hour) || p + 2 >= text.size() || text[p + 2] != ':'
            || !parse_uint(text, p + 3, 2, c.minute)) {
            fail("expected HH:MM");
        }
        p += 5;
        c.second = 0.0;
        if (p < text.size() && text[p] == ':') {
            int sec = 0;
            if (!parse_uint(text, p + 1, 2, sec)) {
                fail("expected seconds SS");
            }
            p += 3;
            double frac = 0.0;
            if (p < text.size() && (text[p] == '.' || text[p] == ',')) {
                ++p;
                double scale = 0.1;
                const std::size_t start = p;
                while (p < text.size() && text[p] >= '0' && text[p] <= '9') {
                    if (p - start < 15) {
                        frac += (text[p] - '0') * scale;
                        scale *= 0.1;
                    }
                    ++p;
                }
                if (p == start) {
                    fail("empty fraction of a second");
                }
            }
            c.second = sec + frac;
        }
        // Zone: Z, +00:00, +0000, -00:00, or nothing (taken as UTC).
        if (p < text.size()) {
            const std::string_view zone = text.substr(p);
            if (!(zone == "Z" || zone == "z" || zone == "+00:00" || zone == "+0000" || zone == "-00:00"
                  || zone == "+00" || zone == "UTC")) {
                fail("only UTC is accepted (suffix 'Z' or '+00:00')");
            }
        }
    }
    try {
        return from_utc(c);
    } catch (const Error &e) {
        throw Error(ErrorCode::invalid_time, e.message(), ErrorContext{"", 0, "", std::string(orig)});
    }
}

Instant Instant::from_tai_jd(double jd1, double jd2) noexcept
{
    const double d1 = jd1 - 2451545.0;
    const double w1 = std::floor(d1);
    const double f = (d1 - w1) + jd2; // days
    const double fw = std::floor(f);
    return from_tai_seconds(static_cast<std::int64_t>(w1 + fw) * seconds_per_day_i, (f - fw) * 86400.0);
}

Instant Instant::from_tt_jd(double jd1, double jd2) noexcept
{
    return from_tai_jd(jd1, jd2) - Duration::from_seconds(tt_minus_tai_s);
}

Instant Instant::from_utc_jd(double jd1, double jd2)
{
    // NOTE: eraUtctai finds the UTC day from the larger part and rounds when the parts are split
    // MJD-style (2400000.5 + 57754.0 comes out 0.15 µs early, inside the previous day's leap second).
    // Normalise to (day number ending in .5, fraction in [0, 1)) first; both steps are exact.
    const double a = jd1 - 0.5;
    const double fa = std::floor(a);
    const double fb = std::floor(jd2);
    double day = fa + fb + 0.5;
    double frac = (a - fa) + (jd2 - fb);
    if (frac >= 1.0) {
        frac -= 1.0;
        day += 1.0;
    }
    double tai1 = 0.0, tai2 = 0.0;
    if (eraUtctai(day, frac, &tai1, &tai2) < 0) {
        throw_time(fmt::format("UTC Julian date {} + {} is not valid", jd1, jd2));
    }
    return from_tai_jd(tai1, tai2);
}

JulianDate Instant::tai_jd() const noexcept
{
    std::int64_t days = m_s / seconds_per_day_i;
    std::int64_t rem = m_s % seconds_per_day_i;
    if (rem < 0) {
        rem += seconds_per_day_i;
        --days;
    }
    return {2451545.0 + static_cast<double>(days), (static_cast<double>(rem) + m_f) / 86400.0};
}

JulianDate Instant::tt_jd() const noexcept
{
    JulianDate jd = tai_jd();
    jd.jd2 += tt_minus_tai_s / 86400.0;
    return jd;
}

JulianDate Instant::utc_jd() const
{
    const JulianDate tai = tai_jd();
    double u1 = 0.0, u2 = 0.0;
    if (eraTaiutc(tai.jd1, tai.jd2, &u1, &u2) < 0) {
        throw_time("instant is outside the range where UTC is defined");
    }
    return {u1, u2};
}

JulianDate Instant::ut1_jd(double ut1_minus_utc_s) const
{
    const JulianDate utc = utc_jd();
    double a = 0.0, b = 0.0;
    if (eraUtcut1(utc.jd1, utc.jd2, ut1_minus_utc_s, &a, &b) < 0) {
        throw_time("instant is outside the range where UTC is defined");
    }
    return {a, b};
}

UtcCalendar Instant::to_utc() const
{
    const UtcSplit u = utc_split(m_s, m_f);
    UtcCalendar c;
    civil_from_mjd(u.mjd, c.year, c.month, c.day);
    std::int64_t sod = u.sod_whole;
    if (sod >= seconds_per_day_i) { // inside a leap second
        c.hour = 23;
        c.minute = 59;
        c.second = 60.0 + static_cast<double>(sod - seconds_per_day_i) + u.sod_frac;
        return c;
    }
    c.hour = static_cast<int>(sod / 3600);
    c.minute = static_cast<int>((sod % 3600) / 60);
    c.second = static_cast<double>(sod % 60) + u.sod_frac;
    return c;
}

double Instant::tai_minus_utc_s() const
{
    return dat_at_mjd(utc_split(m_s, m_f).mjd);
}

bool Instant::utc_is_dubious() const
{
    bool dubious = false;
    dat_at_mjd(utc_split(m_s, m_f).mjd, &dubious);
    return dubious;
}

std::string Instant::to_iso8601_utc(int decimals) const
{
    if (decimals < 0) {
        decimals = 0;
    }
    if (decimals > 12) {
        decimals = 12;
    }
    static constexpr double pow10[13] = {1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12};
    const double unit = 1.0 / pow10[decimals];
    const Instant r = *this + Duration::from_seconds(0.5 * unit);
    // NOTE: writers format millions of instants, mostly on the same few days: the UTC day found last (its start in
    // TAI, its length with any leap second, its calendar date) is kept per thread, and an instant inside it skips
    // the day search (two leap-second table lookups) and the calendar conversion. Same result either way.
    struct DayCache {
        bool valid = false;
        std::int64_t mjd = 0;
        Split start{0, 0.0};
        double len_s = 0.0;
        int y = 0, mo = 0, d = 0;
    };
    thread_local DayCache day;
    UtcSplit u{0, 0, 0.0};
    int y = 0, mo = 0, d = 0;
    bool hit = false;
    if (day.valid) {
        std::int64_t w = r.m_s - day.start.whole;
        double fr = r.m_f - day.start.frac;
        if (fr < 0.0) {
            fr += 1.0;
            w -= 1;
        }
        if (w >= 0 && static_cast<double>(w) + fr < day.len_s) {
            u = {day.mjd, w, fr};
            y = day.y;
            mo = day.mo;
            d = day.d;
            hit = true;
        }
    }
    if (!hit) {
        u = utc_split(r.m_s, r.m_f);
        civil_from_mjd(u.mjd, y, mo, d);
        const Split start = tai_at_day_start(u.mjd);
        const Split next = tai_at_day_start(u.mjd + 1);
        day = DayCache{true, u.mjd, start, static_cast<double>(next.whole - start.whole) + (next.frac - start.frac), y, mo, d};
    }
    int h = 0, mi = 0;
    std::int64_t s = 0;
    if (u.sod_whole >= seconds_per_day_i) {
        h = 23;
        mi = 59;
        s = 60 + (u.sod_whole - seconds_per_day_i);
    } else {
        h = static_cast<int>(u.sod_whole / 3600);
        mi = static_cast<int>((u.sod_whole % 3600) / 60);
        s = u.sod_whole % 60;
    }
    std::int64_t ticks = 0;
    if (decimals > 0) {
        const double scale = pow10[decimals];
        ticks = static_cast<std::int64_t>(std::floor(u.sod_frac * scale));
        const auto max_ticks = static_cast<std::int64_t>(scale) - 1;
        if (ticks > max_ticks) {
            ticks = max_ticks;
        }
    }
    if (y < 0 || y > 9999) { // outside four-digit years: the general formatter
        std::string out = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}", y, mo, d, h, mi, s);
        if (decimals > 0) {
            out += fmt::format(".{:0{}d}", ticks, decimals);
        }
        out += 'Z';
        return out;
    }
    // NOTE: the same text as the fmt formats above, written digit by digit (runtime format parsing cost ~5,000
    // instructions per instant; writers of millions of windows spent most of their time there).
    char buf[40];
    char *p = buf;
    auto put = [&p](std::int64_t v, int width) {
        for (int i = width - 1; i >= 0; --i) {
            p[i] = static_cast<char>('0' + v % 10);
            v /= 10;
        }
        p += width;
    };
    put(y, 4);
    *p++ = '-';
    put(mo, 2);
    *p++ = '-';
    put(d, 2);
    *p++ = 'T';
    put(h, 2);
    *p++ = ':';
    put(mi, 2);
    *p++ = ':';
    put(s, 2);
    if (decimals > 0) {
        *p++ = '.';
        put(ticks, decimals);
    }
    *p++ = 'Z';
    return std::string(buf, p);
}

Instant Instant::operator+(Duration d) const noexcept
{
    const double ds = d.seconds();
    const double w = std::floor(ds);
    return from_tai_seconds(m_s + static_cast<std::int64_t>(w), m_f + (ds - w));
}

Instant Instant::operator-(Duration d) const noexcept
{
    return *this + (-d);
}

Duration Instant::operator-(const Instant &o) const noexcept
{
    return Duration::from_seconds(static_cast<double>(m_s - o.m_s) + (m_f - o.m_f));
}

std::strong_ordering Instant::operator<=>(const Instant &o) const noexcept
{
    if (m_s != o.m_s) {
        return m_s <=> o.m_s;
    }
    if (m_f < o.m_f) {
        return std::strong_ordering::less;
    }
    if (m_f > o.m_f) {
        return std::strong_ordering::greater;
    }
    return std::strong_ordering::equal;
}

} // namespace vantage::time
