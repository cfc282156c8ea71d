// ElementSet helpers that are not parsing (parsing lives in vantage::io).

#include "vantage/orbits/element_set.hpp"

namespace vantage::orbits {

namespace {
bool is_gregorian_leap(int year) noexcept
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}
} // namespace

void set_epoch_from_instant(ElementSet &elements, const time::Instant &epoch)
{
    // Day of year as a TLE writes it: 1.0 = January 1, 0h UTC; the fraction is the UTC time of day
    // over 86400 s. During a leap second (second in [60, 61)) the fraction exceeds that of 23:59:59,
    // which is the closest a TLE epoch can express.
    static constexpr int days_before_month[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    const time::UtcCalendar utc = epoch.to_utc();
    int day_of_year = days_before_month[utc.month - 1] + utc.day;
    if (utc.month > 2 && is_gregorian_leap(utc.year)) {
        day_of_year += 1;
    }
    const double seconds_of_day = utc.hour * 3600.0 + utc.minute * 60.0 + utc.second;
    elements.epoch = epoch;
    elements.epoch_year = utc.year;
    elements.epoch_day_of_year = day_of_year + seconds_of_day / 86400.0;
}

} // namespace vantage::orbits
