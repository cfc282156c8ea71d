#include "vantage/io/tle.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <system_error>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "text_util.hpp"

// TLE layout: CelesTrak "NORAD Two-Line Element Set Format" (Kelso), columns 1-based inclusive.
//
// Line 1                                   Line 2
//  1       line number '1'                  1      line number '2'
//  3- 7    catalog number (alpha-5)         3- 7   catalog number
//  8       classification U/C/S             9-16   inclination (deg)
// 10-17    international designator        18-25   RAAN (deg)
// 19-20    epoch year (57-99 -> 19xx)      27-33   eccentricity (implied leading decimal point)
// 21-32    epoch day of year + fraction    35-42   argument of perigee (deg)
// 34-43    ndot/2 (rev/day^2)              44-51   mean anomaly (deg)
// 45-52    nddot/6 (rev/day^3, implied)    53-63   mean motion (rev/day)
// 54-61    B* (1/ER, implied exponent)     64-68   revolution number at epoch
// 63       ephemeris type                  69      checksum
// 65-68    element set number
// 69       checksum

namespace vantage::io {

namespace {

using detail::is_blank;
using detail::trim;

/// Where a field of one line lives, for error contexts.
struct LineRef {
    const std::string *source;
    int line;
};

[[noreturn]] void fail(ErrorCode code, const LineRef &at, std::string field, std::string_view value,
                       std::string message)
{
    throw ParseError(code, std::move(message), ErrorContext{*at.source, at.line, std::move(field), std::string(value)});
}

std::string field_name(std::string_view name, int c1, int c2)
{
    if (c1 == c2) {
        return fmt::format("{} (col {})", name, c1);
    }
    return fmt::format("{} (cols {}-{})", name, c1, c2);
}

/// Columns c1..c2 (1-based, inclusive) of a line known to be long enough.
std::string_view cols(std::string_view line, int c1, int c2)
{
    return line.substr(static_cast<std::size_t>(c1 - 1), static_cast<std::size_t>(c2 - c1 + 1));
}

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/// Unsigned integer field: optional leading blanks, then digits. All-blank gives `blank_value` if set.
std::int64_t parse_uint(std::string_view raw, const LineRef &at, std::string_view name, int c1, int c2,
                        bool blank_ok = false)
{
    std::size_t i = 0;
    while (i < raw.size() && raw[i] == ' ') {
        ++i;
    }
    if (i == raw.size()) {
        if (blank_ok) {
            return 0;
        }
        fail(ErrorCode::invalid_number, at, field_name(name, c1, c2), raw, "field is blank, expected digits");
    }
    std::int64_t v = 0;
    for (; i < raw.size(); ++i) {
        if (!is_digit(raw[i])) {
            fail(ErrorCode::invalid_number, at, field_name(name, c1, c2), raw, "expected digits (leading blanks allowed)");
        }
        v = v * 10 + (raw[i] - '0');
    }
    return v;
}

/// Decimal field "[blanks][+-]digits[.digits]" or "[+-].digits"; blanks only before the number.
double parse_decimal(std::string_view raw, const LineRef &at, std::string_view name, int c1, int c2)
{
    const std::string_view t = trim(raw);
    std::size_t lead = 0;
    while (lead < raw.size() && raw[lead] == ' ') {
        ++lead;
    }
    if (t.empty() || lead + t.size() != raw.size()) {
        fail(ErrorCode::invalid_number, at, field_name(name, c1, c2), raw,
             t.empty() ? "field is blank, expected a number" : "expected a right-aligned decimal number");
    }
    std::string_view body = t;
    bool neg = false;
    if (body.front() == '+' || body.front() == '-') {
        neg = body.front() == '-';
        body.remove_prefix(1);
    }
    int digits = 0;
    int dots = 0;
    for (char c : body) {
        if (is_digit(c)) {
            ++digits;
        } else if (c == '.') {
            ++dots;
        } else {
            digits = -1000;
            break;
        }
    }
    if (digits <= 0 || dots > 1) {
        fail(ErrorCode::invalid_number, at, field_name(name, c1, c2), raw, "expected a decimal number");
    }
    double v = 0.0;
    const auto res = std::from_chars(body.data(), body.data() + body.size(), v, std::chars_format::fixed);
    if (res.ec != std::errc{} || res.ptr != body.data() + body.size()) {
        fail(ErrorCode::invalid_number, at, field_name(name, c1, c2), raw, "expected a decimal number");
    }
    return neg ? -v : v;
}

/// Implied-decimal exponent field of 8 columns "SMMMMMsE" = S0.MMMMM x 10^(sE):
/// ' 12345-3' = 0.12345e-3, '-11606-4' = -0.11606e-4. Vallado's SGP4-VER.TLE quirks are
/// accepted: a zero written as '00000-0' (25954) and a '-0' exponent on a non-zero mantissa (29141).
double parse_implied_exp(std::string_view raw, const LineRef &at, std::string_view name, int c1, int c2)
{
    const auto bad = [&](const char *why) {
        fail(ErrorCode::invalid_number, at, field_name(name, c1, c2), raw, why);
    };
    const char sign = raw[0];
    if (sign != ' ' && sign != '+' && sign != '-') {
        bad("expected [ +-]NNNNN[+-]N (sign, 5 mantissa digits with implied leading decimal point, signed exponent)");
    }
    // Mantissa: 5 digits; leading blanks tolerated (some generators write ' 1234-3' style right-aligned).
    std::string_view mant = raw.substr(1, 5);
    std::size_t i = 0;
    while (i < mant.size() && mant[i] == ' ') {
        ++i;
    }
    if (i == mant.size()) {
        bad("mantissa (5 digits) is blank");
    }
    std::int64_t m = 0;
    for (; i < mant.size(); ++i) {
        if (!is_digit(mant[i])) {
            bad("mantissa must be 5 digits");
        }
        m = m * 10 + (mant[i] - '0');
    }
    const char esign = raw[6];
    const char edig = raw[7];
    if ((esign != '+' && esign != '-') || !is_digit(edig)) {
        bad("exponent must be a sign and one digit ('+0', '-3')");
    }
    const int e = (esign == '-' ? -1 : 1) * (edig - '0');
    // NOTE: m * 10^(e-5) computed as m / 10^(5-e) (exact powers of ten) rounds once, so the value is
    // the double nearest to the decimal text for |e| <= 9 and format_tle can reproduce the digits.
    const int p = e - 5;
    double v = static_cast<double>(m);
    if (p < 0) {
        v /= std::pow(10.0, -p);
    } else {
        v *= std::pow(10.0, p);
    }
    return sign == '-' ? -v : v;
}

int checksum_digit(std::string_view line68)
{
    int sum = 0;
    for (char c : line68) {
        if (is_digit(c)) {
            sum += c - '0';
        } else if (c == '-') {
            sum += 1;
        }
    }
    return sum % 10;
}

/// Strips trailing CR/LF/blank characters.
std::string_view rstrip(std::string_view s)
{
    while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

void check_line(std::string_view line, char which, const LineRef &at, bool allow_extras)
{
    const std::string lname = fmt::format("line {}", which);
    if (line.empty() || line[0] != which) {
        fail(ErrorCode::syntax, at, field_name("line number", 1, 1), line.substr(0, 1),
             fmt::format("{} must start with '{}'", lname, which));
    }
    if (line.size() < 69) {
        fail(ErrorCode::syntax, at, field_name(lname, 1, 69), line,
             fmt::format("{} has {} columns, expected 69", lname, line.size()));
    }
    if (line.size() > 69 && !allow_extras) {
        fail(ErrorCode::syntax, at, fmt::format("{} (cols 70-{})", lname, line.size()), line.substr(69),
             fmt::format("{} has {} columns, expected 69 (text after column 69 is only allowed in "
                         "verification mode)",
                         lname, line.size()));
    }
    for (std::size_t i = 0; i < 69; ++i) {
        const auto c = static_cast<unsigned char>(line[i]);
        if (c < 0x20 || c > 0x7e) {
            fail(ErrorCode::syntax, at, field_name(lname, static_cast<int>(i) + 1, static_cast<int>(i) + 1),
                 fmt::format("\\x{:02x}", c), "non-printable or non-ASCII character");
        }
    }
}

void check_blank(std::string_view line, int col, const LineRef &at, char which)
{
    if (line[static_cast<std::size_t>(col - 1)] != ' ') {
        fail(ErrorCode::syntax, at, field_name(fmt::format("line {} separator", which), col, col),
             cols(line, col, col), "expected a blank separator column (fields shifted?)");
    }
}

void check_checksum(std::string_view line, const LineRef &at, char which)
{
    const char c = line[68];
    if (!is_digit(c)) {
        fail(ErrorCode::checksum, at, field_name(fmt::format("line {} checksum", which), 69, 69), line.substr(68, 1),
             "checksum must be a digit");
    }
    const int expected = checksum_digit(line.substr(0, 68));
    if (c - '0' != expected) {
        fail(ErrorCode::checksum, at, field_name(fmt::format("line {} checksum", which), 69, 69), line.substr(68, 1),
             fmt::format("checksum is {}, computed {}", c, expected));
    }
}

double angle_deg(std::string_view line, const LineRef &at, std::string_view name, int c1, int c2, double hi,
                 bool hi_inclusive)
{
    const auto raw = cols(line, c1, c2);
    const double v = parse_decimal(raw, at, name, c1, c2);
    if (!(v >= 0.0) || (hi_inclusive ? v > hi : v >= hi)) {
        fail(ErrorCode::out_of_range, at, field_name(name, c1, c2), raw,
             fmt::format("must be in [0, {}{}", hi, hi_inclusive ? "]" : ")"));
    }
    return v;
}

bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr int days_before_month[2][13] = {{0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334},
                                          {0, 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335}};

std::string designator_checked(std::string_view raw, const LineRef &at)
{
    if (is_blank(raw)) {
        return {};
    }
    bool ok = is_digit(raw[0]) && is_digit(raw[1]);
    // Launch number: 3 digits (leading blanks tolerated), then 1-3 piece letters, blank padded.
    std::size_t i = 2;
    int nd = 0;
    for (; i < 5; ++i) {
        if (is_digit(raw[i])) {
            ++nd;
        } else if (!(raw[i] == ' ' && nd == 0)) {
            ok = false;
        }
    }
    int letters = 0;
    bool ended = false;
    for (; i < 8; ++i) {
        const char c = raw[i];
        if (c >= 'A' && c <= 'Z' && !ended) {
            ++letters;
        } else if (c == ' ') {
            ended = true;
        } else {
            ok = false;
        }
    }
    if (!ok || nd == 0 || letters == 0) {
        fail(ErrorCode::syntax, at, field_name("international designator", 10, 17), raw,
             "expected YYNNNPPP (launch year, launch number, 1-3 piece letters) or blanks");
    }
    return detail::cospar_from_tle_designator(raw);
}

std::string format_implied_exp(double v, std::string_view what)
{
    const char sign = std::signbit(v) ? '-' : ' ';
    const double a = std::fabs(v);
    if (a == 0.0) {
        return fmt::format("{}00000+0", sign);
    }
    // "d.dddde±XX": 5 significant digits, rounded once from the double.
    const std::string s = fmt::format("{:.4e}", a);
    const auto epos = s.find('e');
    const int e10 = std::stoi(s.substr(epos + 1));
    std::string digits = s.substr(0, 1) + s.substr(2, 4);
    int e = e10 + 1;
    if (e < -9) {
        // Below the smallest representable magnitude (1e-14): the field can only hold zero.
        return fmt::format("{}00000+0", sign);
    }
    if (e > 9) {
        throw Error(ErrorCode::invalid_argument, fmt::format("{} {} does not fit a TLE exponent field", what, v));
    }
    return fmt::format("{}{}{}{}", sign, digits, e < 0 ? '-' : '+', std::abs(e));
}

std::string format_fixed_angle(double v, std::string_view what, int width, int decimals)
{
    std::string s = fmt::format("{:{}.{}f}", v, width, decimals);
    if (s.size() != static_cast<std::size_t>(width)) {
        throw Error(ErrorCode::invalid_argument, fmt::format("{} {} does not fit a TLE field of {} columns", what, v, width));
    }
    return s;
}

} // namespace

namespace detail {

void set_tle_epoch(orbits::ElementSet &el, int year4, double day_of_year)
{
    el.epoch_year = year4;
    el.epoch_day_of_year = day_of_year;
    const double dfloor = std::floor(day_of_year);
    const int doy = static_cast<int>(dfloor);
    double sec = (day_of_year - dfloor) * 86400.0;
    if (sec >= 86400.0) {
        sec = std::nextafter(86400.0, 0.0);
    }
    const int leap = is_leap(year4) ? 1 : 0;
    int month = 12;
    while (month > 1 && days_before_month[leap][month] >= doy) {
        --month;
    }
    const int mday = doy - days_before_month[leap][month];
    time::UtcCalendar cal{year4, month, mday, 0, 0, 0.0};
    cal.hour = static_cast<int>(sec / 3600.0);
    sec -= cal.hour * 3600.0;
    cal.minute = static_cast<int>(sec / 60.0);
    sec -= cal.minute * 60.0;
    cal.second = sec < 0.0 ? 0.0 : sec;
    if (year4 >= 1960) {
        el.epoch = time::Instant::from_utc(cal);
    } else {
        // NOTE: UTC is undefined before 1960 (ERFA); TLEs of 1957-1959 get uniform days counted back
        // from 1960-01-01T00:00:00 UTC. SGP4 uses epoch_year/epoch_day_of_year, not this instant.
        const time::Instant ref = time::Instant::from_utc({1960, 1, 1, 0, 0, 0.0});
        double days = 0.0;
        for (int y = year4; y < 1960; ++y) {
            days += is_leap(y) ? 366.0 : 365.0;
        }
        el.epoch = ref - time::Duration::from_days(days - (day_of_year - 1.0));
    }
}

std::string cospar_from_tle_designator(std::string_view d)
{
    const std::string_view t = trim(d);
    if (t.size() < 5) {
        return std::string(t);
    }
    const int yy = (d[0] - '0') * 10 + (d[1] - '0');
    const int year = yy >= 57 ? 1900 + yy : 2000 + yy;
    std::string launch(d.substr(2, 3));
    for (char &c : launch) {
        if (c == ' ') {
            c = '0';
        }
    }
    return fmt::format("{}-{}{}", year, launch, trim(d.substr(5, 3)));
}

std::string tle_designator_from_cospar(std::string_view id)
{
    // "1998-067A" -> "98067A  ": YYYY-NNN then 1-3 piece letters.
    const auto digits = [](std::string_view s) {
        for (char c : s) {
            if (!is_digit(c)) {
                return false;
            }
        }
        return true;
    };
    if (id.size() >= 9 && id.size() <= 11 && id[4] == '-' && digits(id.substr(0, 4)) && digits(id.substr(5, 3))) {
        bool letters = true;
        for (char c : id.substr(8)) {
            letters = letters && c >= 'A' && c <= 'Z';
        }
        if (letters) {
            std::string out = fmt::format("{}{}", id.substr(2, 2), id.substr(5));
            out.resize(8, ' ');
            return out;
        }
    }
    return std::string(8, ' ');
}

} // namespace detail

std::uint32_t parse_catalog_number(std::string_view f, const ErrorContext &where)
{
    const auto bad = [&]() {
        throw ParseError(ErrorCode::invalid_number,
                         "expected a catalog number: 5 digits (leading blanks allowed) or alpha-5 (letter A-Z "
                         "without I/O, then 4 digits)",
                         ErrorContext{where.source, where.line, where.field, std::string(f)});
    };
    if (f.size() != 5) {
        bad();
    }
    const char c0 = f[0];
    std::uint32_t v = 0;
    std::size_t i = 0;
    if (c0 >= 'A' && c0 <= 'Z') {
        if (c0 == 'I' || c0 == 'O') {
            bad();
        }
        // A=10 ... H=17, J=18 ... N=22, P=23 ... Z=33 (I and O skipped: they look like 1 and 0).
        int k = c0 - 'A' + 10;
        if (c0 > 'I') {
            --k;
        }
        if (c0 > 'O') {
            --k;
        }
        v = static_cast<std::uint32_t>(k) * 10000U;
        for (i = 1; i < 5; ++i) {
            if (!is_digit(f[i])) {
                bad();
            }
        }
        return v + static_cast<std::uint32_t>(std::stoi(std::string(f.substr(1))));
    }
    while (i < 5 && f[i] == ' ') {
        ++i;
    }
    if (i == 5) {
        bad();
    }
    for (; i < 5; ++i) {
        if (!is_digit(f[i])) {
            bad();
        }
        v = v * 10U + static_cast<std::uint32_t>(f[i] - '0');
    }
    return v;
}

std::string format_catalog_number(std::uint32_t id)
{
    if (id < 100000U) {
        return fmt::format("{:05d}", id);
    }
    if (id > 339999U) {
        throw Error(ErrorCode::invalid_argument, fmt::format("catalog number {} exceeds alpha-5 range 339999", id));
    }
    static constexpr char letters[] = "ABCDEFGHJKLMNPQRSTUVWXYZ"; // 24 letters, I and O skipped
    return fmt::format("{}{:04d}", letters[id / 10000U - 10U], id % 10000U);
}

int tle_checksum(std::string_view line)
{
    return checksum_digit(line.substr(0, std::min<std::size_t>(68, line.size())));
}

namespace {

orbits::ElementSet parse_tle_impl(std::string_view line1_in, std::string_view line2_in, std::string_view name,
                                  const TleReadOptions &opts, const std::string &source, int line1_no,
                                  int line2_no, std::optional<VerificationRange> *verification)
{
    const LineRef a1{&source, line1_no};
    const LineRef a2{&source, line2_no};
    const std::string_view l1 = rstrip(line1_in);
    const std::string_view l2 = rstrip(line2_in);
    const bool extras = opts.allow_verification_extras;

    check_line(l1, '1', a1, false);
    check_line(l2, '2', a2, extras);
    for (int c : {2, 9, 18, 33, 44, 53, 62, 64}) {
        check_blank(l1, c, a1, '1');
    }
    for (int c : {2, 8, 17, 26, 34, 43, 52}) {
        check_blank(l2, c, a2, '2');
    }
    if (opts.verify_checksum && !extras) {
        check_checksum(l1, a1, '1');
        check_checksum(l2, a2, '2');
    }

    orbits::ElementSet el;
    {
        std::string_view n = rstrip(name);
        if (n.size() >= 2 && n[0] == '0' && n[1] == ' ') {
            n.remove_prefix(2);
        }
        el.object_name = std::string(trim(n));
    }

    // --- line 1 ---
    const std::uint32_t cat1 = parse_catalog_number(
        cols(l1, 3, 7), ErrorContext{source, line1_no, field_name("catalog number", 3, 7), {}});
    const std::uint32_t cat2 = parse_catalog_number(
        cols(l2, 3, 7), ErrorContext{source, line2_no, field_name("line 2 catalog number", 3, 7), {}});
    if (cat1 != cat2) {
        fail(ErrorCode::mismatch, a2, field_name("line 2 catalog number", 3, 7), cols(l2, 3, 7),
             fmt::format("catalog number {} on line 2 differs from {} on line 1", cat2, cat1));
    }
    el.norad_id = cat1;

    const char cls = l1[7];
    if (cls != 'U' && cls != 'C' && cls != 'S') {
        fail(ErrorCode::out_of_range, a1, field_name("classification", 8, 8), cols(l1, 8, 8),
             "must be U (unclassified), C (classified) or S (secret)");
    }
    el.classification = cls;
    el.object_id = designator_checked(cols(l1, 10, 17), a1);

    const auto yraw = cols(l1, 19, 20);
    if (!is_digit(yraw[0]) || !is_digit(yraw[1])) {
        fail(ErrorCode::invalid_number, a1, field_name("epoch year", 19, 20), yraw, "expected 2 digits");
    }
    const int yy = (yraw[0] - '0') * 10 + (yraw[1] - '0');
    const int year4 = yy >= 57 ? 1900 + yy : 2000 + yy;
    const auto draw = cols(l1, 21, 32);
    const double day = parse_decimal(draw, a1, "epoch day of year", 21, 32);
    const double day_end = is_leap(year4) ? 367.0 : 366.0;
    if (!(day >= 1.0 && day < day_end)) {
        fail(ErrorCode::out_of_range, a1, field_name("epoch day of year", 21, 32), draw,
             fmt::format("must be in [1, {}) for {}", day_end, year4));
    }
    try {
        detail::set_tle_epoch(el, year4, day);
    } catch (const Error &e) {
        fail(ErrorCode::out_of_range, a1, field_name("epoch", 19, 32), cols(l1, 19, 32), e.message());
    }

    // ndot/2 "[ +-].dddddddd"
    el.mean_motion_dot_rev_day2 = parse_decimal(cols(l1, 34, 43), a1, "mean motion dot/2", 34, 43);
    el.mean_motion_ddot_rev_day3 = parse_implied_exp(cols(l1, 45, 52), a1, "mean motion ddot/6", 45, 52);
    el.bstar_per_er = parse_implied_exp(cols(l1, 54, 61), a1, "bstar", 54, 61);

    const char eph = l1[62];
    if (eph == ' ' || eph == '0') {
        el.ephemeris_type = 0;
    } else if (eph == '4') {
        fail(ErrorCode::unsupported, a1, field_name("ephemeris type", 63, 63), cols(l1, 63, 63),
             "ephemeris type 4 (SGP4-XP) is not supported; only SGP4/SDP4 (0 or blank)");
    } else if (is_digit(eph)) {
        fail(ErrorCode::unsupported, a1, field_name("ephemeris type", 63, 63), cols(l1, 63, 63),
             "only ephemeris type 0 or blank (SGP4/SDP4) is supported");
    } else {
        fail(ErrorCode::invalid_number, a1, field_name("ephemeris type", 63, 63), cols(l1, 63, 63),
             "expected a digit or blank");
    }
    el.element_set_no = static_cast<int>(parse_uint(cols(l1, 65, 68), a1, "element set number", 65, 68, true));

    // --- line 2 ---
    el.inclination_deg = angle_deg(l2, a2, "inclination", 9, 16, 180.0, true);
    el.raan_deg = angle_deg(l2, a2, "raan", 18, 25, 360.0, false);
    {
        const auto raw = cols(l2, 27, 33);
        for (char c : raw) {
            if (!is_digit(c)) {
                fail(ErrorCode::invalid_number, a2, field_name("eccentricity", 27, 33), raw,
                     "expected 7 digits (implied leading decimal point)");
            }
        }
        el.eccentricity = static_cast<double>(parse_uint(raw, a2, "eccentricity", 27, 33)) / 1e7;
    }
    el.arg_perigee_deg = angle_deg(l2, a2, "argument of perigee", 35, 42, 360.0, false);
    el.mean_anomaly_deg = angle_deg(l2, a2, "mean anomaly", 44, 51, 360.0, false);
    {
        const auto raw = cols(l2, 53, 63);
        el.mean_motion_rev_day = parse_decimal(raw, a2, "mean motion", 53, 63);
        if (!(el.mean_motion_rev_day > 0.0)) {
            fail(ErrorCode::out_of_range, a2, field_name("mean motion", 53, 63), raw, "must be > 0 rev/day");
        }
    }
    el.rev_at_epoch = parse_uint(cols(l2, 64, 68), a2, "revolution number", 64, 68, true);

    if (verification != nullptr) {
        verification->reset();
        if (extras && l2.size() > 69) {
            const std::string_view rest = l2.substr(69);
            const std::string fname = fmt::format("verification range (cols 70-{})", l2.size());
            std::vector<double> v;
            std::size_t i = 0;
            while (i < rest.size()) {
                while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) {
                    ++i;
                }
                std::size_t j = i;
                while (j < rest.size() && rest[j] != ' ' && rest[j] != '\t') {
                    ++j;
                }
                if (j > i) {
                    const std::string_view tok = rest.substr(i, j - i);
                    v.push_back(parse_decimal(tok, a2, fname, 70, static_cast<int>(l2.size())));
                }
                i = j;
            }
            if (v.size() != 3) {
                fail(ErrorCode::syntax, a2, fname, rest, "expected three numbers: start, stop and step (minutes)");
            }
            *verification = VerificationRange{v[0], v[1], v[2]};
        }
    }
    return el;
}

struct Line {
    std::string_view text;
    int no;
};

bool starts_with_tle(std::string_view s, char which)
{
    return s.size() >= 2 && s[0] == which && s[1] == ' ';
}

} // namespace

orbits::ElementSet parse_tle(std::string_view line1, std::string_view line2, std::string_view name,
                             const TleReadOptions &opts, const ErrorContext &where)
{
    return parse_tle_impl(line1, line2, name, opts, where.source, where.line, where.line > 0 ? where.line + 1 : 0,
                          nullptr);
}

ParseResult<ElementRecord> parse_tle_text(std::string_view text, const std::string &source_name,
                                          const TleReadOptions &opts)
{
    // Split into significant lines (blank and '#' comment lines are skipped), keeping numbers.
    std::vector<Line> lines;
    int no = 0;
    for (const std::string_view l : detail::split_lines(text)) {
        ++no;
        if (!is_blank(l) && l.front() != '#') {
            lines.push_back({l, no});
        }
    }

    ParseResult<ElementRecord> out;
    std::unordered_map<std::uint32_t, int> seen;
    const auto reject = [&](ErrorCode code, int line, std::string field, std::string_view value, std::string msg) {
        out.rejected.push_back(
            Diagnostic{Severity::error, code, std::move(msg), ErrorContext{source_name, line, std::move(field),
                                                                          std::string(value)}});
    };
    const auto shown = [](std::string_view s) { return std::string(rstrip(s)); };

    std::size_t i = 0;
    while (i < lines.size()) {
        const Line &cur = lines[i];
        std::optional<Line> name;
        std::size_t l1i = i;
        if (!starts_with_tle(cur.text, '1')) {
            if (starts_with_tle(cur.text, '2')) {
                reject(ErrorCode::syntax, cur.no, "line 1", shown(cur.text),
                       "TLE line 2 without a preceding line 1");
                ++i;
                continue;
            }
            // A name line: the next significant line must be line 1.
            name = cur;
            if (i + 1 >= lines.size() || !starts_with_tle(lines[i + 1].text, '1')) {
                const bool eof = i + 1 >= lines.size();
                reject(ErrorCode::syntax, cur.no, "line 1", eof ? std::string("<end of file>") : shown(lines[i + 1].text),
                       fmt::format("name line '{}' is not followed by TLE line 1", trim(shown(cur.text))));
                // The following line belongs to this broken record if it is an orphan line 2, or
                // garbage that cannot be the name of the next record (not followed by line 1).
                bool take_next = false;
                if (!eof) {
                    const auto &nx = lines[i + 1].text;
                    take_next = starts_with_tle(nx, '2')
                                || (i + 2 >= lines.size() || !starts_with_tle(lines[i + 2].text, '1'));
                }
                i += take_next ? 2 : 1;
                continue;
            }
            l1i = i + 1;
        }
        const Line &l1 = lines[l1i];
        if (l1i + 1 >= lines.size() || !starts_with_tle(lines[l1i + 1].text, '2')) {
            const bool eof = l1i + 1 >= lines.size();
            reject(ErrorCode::syntax, l1.no, "line 2", eof ? std::string("<end of file>") : shown(lines[l1i + 1].text),
                   "TLE line 1 is not followed by line 2");
            i = l1i + 1;
            continue;
        }
        const Line &l2 = lines[l1i + 1];
        i = l1i + 2;
        ElementRecord rec;
        rec.line = name ? name->no : l1.no;
        try {
            rec.elements = parse_tle_impl(l1.text, l2.text, name ? name->text : std::string_view{}, opts, source_name,
                                          l1.no, l2.no, &rec.verification);
        } catch (const Error &e) {
            out.rejected.push_back(Diagnostic{Severity::error, e.code(), e.message(), e.context()});
            continue;
        }
        const auto [it, inserted] = seen.emplace(rec.elements.norad_id, rec.line);
        if (!inserted) {
            out.warnings.push_back(Diagnostic{
                Severity::warning, ErrorCode::duplicate,
                fmt::format("catalog number {} also appears at line {}; both element sets kept", rec.elements.norad_id,
                            it->second),
                ErrorContext{source_name, l1.no, field_name("catalog number", 3, 7), std::string(cols(l1.text, 3, 7))}});
        }
        out.items.push_back(std::move(rec));
    }
    return out;
}

ParseResult<ElementRecord> read_tle_file(const std::filesystem::path &path, const TleReadOptions &opts)
{
    const std::string text = detail::read_text_file(path);
    return parse_tle_text(text, path.string(), opts);
}

std::array<std::string, 2> format_tle(const orbits::ElementSet &el)
{
    const std::string cat = format_catalog_number(el.norad_id);
    if (el.epoch_year < 1957 || el.epoch_year > 2056) {
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("epoch year {} outside the TLE two-digit range 1957-2056", el.epoch_year));
    }
    std::string day = fmt::format("{:012.8f}", el.epoch_day_of_year);
    if (day.size() != 12) {
        throw Error(ErrorCode::invalid_argument, fmt::format("epoch day {} does not fit", el.epoch_day_of_year));
    }
    // ndot/2: "[ -].dddddddd"
    std::string ndot = fmt::format("{:.8f}", std::fabs(el.mean_motion_dot_rev_day2));
    if (ndot.rfind("0.", 0) == 0) {
        ndot.erase(0, 1);
    } else {
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("mean motion dot/2 {} must be below 1 rev/day^2 in magnitude", el.mean_motion_dot_rev_day2));
    }
    ndot.insert(ndot.begin(), std::signbit(el.mean_motion_dot_rev_day2) ? '-' : ' ');
    if (el.element_set_no < 0 || el.element_set_no > 9999) {
        throw Error(ErrorCode::invalid_argument, fmt::format("element set number {} not in [0, 9999]", el.element_set_no));
    }
    const char cls = (el.classification == 'C' || el.classification == 'S') ? el.classification : 'U';
    std::string l1 = fmt::format("1 {}{} {} {:02d}{} {} {} {} {} {:>4}", cat, cls,
                                 detail::tle_designator_from_cospar(el.object_id), el.epoch_year % 100, day, ndot,
                                 format_implied_exp(el.mean_motion_ddot_rev_day3, "mean motion ddot/6"),
                                 format_implied_exp(el.bstar_per_er, "bstar"), el.ephemeris_type == 0 ? '0' : static_cast<char>('0' + el.ephemeris_type % 10),
                                 el.element_set_no);

    const auto ecc = static_cast<long long>(std::llround(el.eccentricity * 1e7));
    if (ecc < 0 || ecc > 9999999) {
        throw Error(ErrorCode::invalid_argument, fmt::format("eccentricity {} not in [0, 1)", el.eccentricity));
    }
    std::string l2 = fmt::format("2 {} {} {} {:07d} {} {} {}{:5d}", cat, format_fixed_angle(el.inclination_deg, "inclination", 8, 4),
                                 format_fixed_angle(el.raan_deg, "raan", 8, 4), ecc,
                                 format_fixed_angle(el.arg_perigee_deg, "argument of perigee", 8, 4),
                                 format_fixed_angle(el.mean_anomaly_deg, "mean anomaly", 8, 4),
                                 format_fixed_angle(el.mean_motion_rev_day, "mean motion", 11, 8),
                                 el.rev_at_epoch < 0 ? 0 : el.rev_at_epoch % 100000);
    if (l1.size() != 68 || l2.size() != 68) {
        throw Error(ErrorCode::internal, fmt::format("format_tle produced {}/{} columns", l1.size(), l2.size()));
    }
    l1.push_back(static_cast<char>('0' + checksum_digit(l1)));
    l2.push_back(static_cast<char>('0' + checksum_digit(l2)));
    // NOTE: rounding to the TLE's fixed decimals can leave a field's range (mean motion 1e-9 -> 0,
    // day 365.999999999 -> 366.00000000 in a common year); the output is only returned if it reads back.
    try {
        (void)parse_tle(l1, l2);
    } catch (const ParseError &e) {
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("element set not representable as a TLE: {} (field '{}')", e.message(), e.context().field),
                    ErrorContext{{}, 0, e.context().field, e.context().value});
    }
    return {l1, l2};
}

} // namespace vantage::io
