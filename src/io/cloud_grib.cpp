// GRIB total cloud cover through ecCodes' C API (handles freed by RAII; every failure names file and message).
#include "vantage/io/cloud_grib.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include <eccodes.h>
#include <fmt/format.h>

#include "vantage/core/error.hpp"

namespace vantage::io {

namespace {

namespace fs = std::filesystem;

struct FileCloser {
    void operator()(std::FILE *f) const noexcept { std::fclose(f); }
};
struct HandleDeleter {
    void operator()(codes_handle *h) const noexcept { codes_handle_delete(h); }
};

class Message {
public:
    Message(codes_handle *h, std::string source, int index) : m_h(h), m_source(std::move(source)), m_index(index) {}

    [[noreturn]] void fail(ErrorCode code, const std::string &field, const std::string &value, const std::string &what) const
    {
        throw ParseError(code, what, ErrorContext{m_source, 0, fmt::format("message {}: {}", m_index, field), value});
    }
    bool has(const char *key) const { return codes_is_defined(m_h.get(), key) != 0; }
    std::string text(const char *key) const
    {
        char buf[256] = {};
        std::size_t len = sizeof buf;
        if (const int err = codes_get_string(m_h.get(), key, buf, &len); err != 0) {
            fail(ErrorCode::missing_field, key, "", codes_get_error_message(err));
        }
        return buf;
    }
    long integer(const char *key) const
    {
        long v = 0;
        if (const int err = codes_get_long(m_h.get(), key, &v); err != 0) {
            fail(ErrorCode::missing_field, key, "", codes_get_error_message(err));
        }
        return v;
    }
    double real(const char *key) const
    {
        double v = 0;
        if (const int err = codes_get_double(m_h.get(), key, &v); err != 0) {
            fail(ErrorCode::missing_field, key, "", codes_get_error_message(err));
        }
        return v;
    }
    std::vector<double> values() const
    {
        std::size_t n = 0;
        if (const int err = codes_get_size(m_h.get(), "values", &n); err != 0) {
            fail(ErrorCode::syntax, "values", "", codes_get_error_message(err));
        }
        std::vector<double> v(n);
        if (const int err = codes_get_double_array(m_h.get(), "values", v.data(), &n); err != 0) {
            fail(ErrorCode::syntax, "values", "", codes_get_error_message(err));
        }
        v.resize(n);
        return v;
    }
    const std::string &source() const noexcept { return m_source; }
    int index() const noexcept { return m_index; }

private:
    std::unique_ptr<codes_handle, HandleDeleter> m_h;
    std::string m_source;
    int m_index;
};

bool total_cloud(const Message &m)
{
    if (!m.has("shortName") || m.text("shortName") != "tcc") {
        return false;
    }
    const std::string level = m.has("typeOfLevel") ? m.text("typeOfLevel") : "";
    return level == "atmosphereSingleLayer" || level == "entireAtmosphere" || level == "surface";
}

/// Factor from the message's units to percent.
double percent_factor(const Message &m)
{
    const std::string u = m.text("units");
    if (u == "%") {
        return 1.0;
    }
    if (u == "(0 - 1)" || u == "0 - 1" || u == "Proportion" || u == "fraction" || u == "1") {
        return 100.0;
    }
    m.fail(ErrorCode::unsupported, "units", u, "total cloud cover must be in % or a (0 - 1) fraction");
}

/// Seconds per unit of the message's step.
double step_unit_s(const Message &m)
{
    const std::string u = m.text("stepUnits");
    if (u == "s") {
        return 1.0;
    }
    if (u == "m") {
        return 60.0;
    }
    if (u == "h") {
        return 3600.0;
    }
    if (u == "D") {
        return 86400.0;
    }
    m.fail(ErrorCode::unsupported, "stepUnits", u, "step units must be s, m, h or D");
}

time::Instant reference_time(const Message &m)
{
    const long date = m.integer("dataDate");
    const long hhmm = m.integer("dataTime");
    time::UtcCalendar c;
    c.year = static_cast<int>(date / 10000);
    c.month = static_cast<int>(date / 100 % 100);
    c.day = static_cast<int>(date % 100);
    c.hour = static_cast<int>(hhmm / 100);
    c.minute = static_cast<int>(hhmm % 100);
    try {
        return time::Instant::from_utc(c);
    } catch (const Error &) {
        m.fail(ErrorCode::invalid_time, "dataDate/dataTime", fmt::format("{} {:04}", date, hhmm), "not a valid date and time");
    }
}

mission::CloudGrid read_grid(const Message &m)
{
    const std::string type = m.text("gridType");
    if (type != "regular_ll") {
        m.fail(ErrorCode::unsupported, "gridType", type, "only regular latitude/longitude grids (regular_ll) are read");
    }
    mission::CloudGrid g;
    const long ni = m.integer("Ni");
    const long nj = m.integer("Nj");
    if (ni < 1 || nj < 1 || ni > 100000 || nj > 100000) {
        m.fail(ErrorCode::out_of_range, "Ni/Nj", fmt::format("{} x {}", ni, nj), "grid size out of range");
    }
    if (m.integer("jPointsAreConsecutive") != 0) {
        m.fail(ErrorCode::unsupported, "jPointsAreConsecutive", "1", "only row-major (i consecutive) scanning is read");
    }
    if (m.integer("iScansNegatively") != 0) {
        m.fail(ErrorCode::unsupported, "iScansNegatively", "1", "only west-to-east scanning is read");
    }
    const double di = m.real("iDirectionIncrementInDegrees");
    const double dj = m.real("jDirectionIncrementInDegrees");
    if (!(di > 0.0) || !(dj > 0.0)) {
        m.fail(ErrorCode::unsupported, "iDirectionIncrementInDegrees", fmt::format("{} {}", di, dj),
               "grid increments must be given");
    }
    g.nlon = static_cast<int>(ni);
    g.nlat = static_cast<int>(nj);
    g.lat0_deg = m.real("latitudeOfFirstGridPointInDegrees");
    g.lon0_deg = m.real("longitudeOfFirstGridPointInDegrees");
    g.dlat_deg = m.integer("jScansPositively") != 0 ? dj : -dj;
    g.dlon_deg = di;
    g.global_lon = std::abs(static_cast<double>(ni) * di - 360.0) < 1e-6 * 360.0;
    if (m.has("bitmapPresent") && m.integer("bitmapPresent") != 0) {
        m.fail(ErrorCode::unsupported, "bitmapPresent", "1", "fields with missing points (a bitmap) are not read");
    }
    const double k = percent_factor(m);
    const std::vector<double> v = m.values();
    if (v.size() != static_cast<std::size_t>(ni * nj)) {
        m.fail(ErrorCode::syntax, "values", fmt::format("{}", v.size()), fmt::format("expected Ni x Nj = {} values", ni * nj));
    }
    g.cover_pct.resize(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double pct = v[i] * k;
        // packing rounds a 0-100 field to a few hundredths either side
        if (!(pct >= -0.5 && pct <= 100.5)) {
            m.fail(ErrorCode::out_of_range, fmt::format("values[{}]", i), fmt::format("{}", v[i]),
                   "total cloud cover must be within [0, 100] % (or [0, 1])");
        }
        g.cover_pct[i] = static_cast<float>(std::clamp(pct, 0.0, 100.0));
    }
    return g;
}

} // namespace

CloudFile read_cloud_grib(const fs::path &path)
{
    const std::string src = path.string();
    if (!fs::is_regular_file(path)) {
        throw ParseError(ErrorCode::file_not_found, "cloud file not found", ErrorContext{src, 0, "", ""});
    }
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(src.c_str(), "rb"));
    if (!f) {
        throw ParseError(ErrorCode::file_read, "cannot open the cloud file", ErrorContext{src, 0, "", ""});
    }
    CloudFile out;
    int index = 0;
    for (;;) {
        int err = 0;
        codes_handle *h = codes_handle_new_from_file(nullptr, f.get(), PRODUCT_GRIB, &err);
        ++index;
        if (h == nullptr) {
            if (err != 0) {
                throw ParseError(ErrorCode::syntax, fmt::format("not a readable GRIB message: {}", codes_get_error_message(err)),
                                 ErrorContext{src, 0, fmt::format("message {}", index), ""});
            }
            break;
        }
        const Message m(h, src, index);
        if (!total_cloud(m)) {
            ++out.skipped;
            continue;
        }
        mission::CloudForecast fc;
        const double unit = step_unit_s(m);
        const double s0 = static_cast<double>(m.integer("startStep")) * unit;
        const double s1 = static_cast<double>(m.integer("endStep")) * unit;
        const std::string step_type = m.has("stepType") ? m.text("stepType") : "instant";
        const time::Instant ref = reference_time(m);
        if (step_type == "instant" || s1 <= s0) {
            fc.time = ref + time::Duration::from_seconds(s1);
        } else if (step_type == "avg") {
            fc.time = ref + time::Duration::from_seconds(0.5 * (s0 + s1));
            fc.averaged_over_s = s1 - s0;
        } else {
            m.fail(ErrorCode::unsupported, "stepType", step_type, "cloud cover must be instantaneous or an average");
        }
        fc.source = fmt::format("{} message {}", path.filename().string(), index);
        fc.grid = read_grid(m);
        out.fields.push_back(std::move(fc));
    }
    if (out.fields.empty()) {
        throw ParseError(ErrorCode::missing_field,
                         fmt::format("no whole-atmosphere total cloud cover (shortName tcc, typeOfLevel atmosphereSingleLayer, "
                                     "entireAtmosphere or surface) among its {} messages",
                                     index - 1),
                         ErrorContext{src, 0, "", ""});
    }
    return out;
}

mission::CloudData read_clouds(const std::vector<fs::path> &forecast_files, const std::vector<fs::path> &climatology_files)
{
    mission::CloudData c;
    for (const auto &p : forecast_files) {
        CloudFile f = read_cloud_grib(p);
        for (auto &fc : f.fields) {
            c.forecasts.push_back(std::move(fc));
        }
        c.files.push_back(p.string());
    }
    std::stable_sort(c.forecasts.begin(), c.forecasts.end(),
                     [](const mission::CloudForecast &a, const mission::CloudForecast &b) { return a.time < b.time; });
    for (std::size_t i = 1; i < c.forecasts.size(); ++i) {
        if (c.forecasts[i].time == c.forecasts[i - 1].time) {
            throw ConfigError(ErrorCode::duplicate,
                              fmt::format("two forecast fields for {}: {} and {}", c.forecasts[i].time.to_iso8601_utc(0),
                                          c.forecasts[i - 1].source, c.forecasts[i].source),
                              ErrorContext{c.forecasts[i].source, 0, "clouds.forecast", ""});
        }
    }
    std::array<std::string, 12> month_source;
    for (const auto &p : climatology_files) {
        CloudFile f = read_cloud_grib(p);
        // a monthly mean (ERA5 `moda`: step 0, dataDate the month's first day): the month of the field's time
        for (auto &fc : f.fields) {
            const int month = fc.time.to_utc().month;
            auto &slot = c.monthly[static_cast<std::size_t>(month - 1)];
            if (slot) {
                throw ConfigError(ErrorCode::duplicate,
                                  fmt::format("month {} is given twice: {} and {}", month, month_source[month - 1], fc.source),
                                  ErrorContext{fc.source, 0, "clouds.climatology", ""});
            }
            slot = std::move(fc.grid);
            month_source[static_cast<std::size_t>(month - 1)] = fc.source;
        }
        c.files.push_back(p.string());
    }
    return c;
}

} // namespace vantage::io
