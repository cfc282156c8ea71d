#include "vantage/mission/clouds.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "vantage/core/error.hpp"

namespace vantage::mission {

std::optional<double> CloudGrid::at(double lat_deg, double lon_deg) const
{
    if (nlat < 1 || nlon < 1 || cover_pct.size() != static_cast<std::size_t>(nlat) * static_cast<std::size_t>(nlon)) {
        return std::nullopt;
    }
    // fractional row and column
    const double fr = (lat_deg - lat0_deg) / dlat_deg;
    double lon = lon_deg - lon0_deg;
    if (global_lon) {
        lon = std::fmod(lon, 360.0);
        if (lon < 0.0) {
            lon += 360.0;
        }
    }
    const double fc = lon / dlon_deg;
    constexpr double eps = 1e-9;
    if (fr < -eps || fr > nlat - 1 + eps) {
        return std::nullopt;
    }
    if (!global_lon && (fc < -eps || fc > nlon - 1 + eps)) {
        return std::nullopt;
    }
    const double r = std::clamp(fr, 0.0, static_cast<double>(nlat - 1));
    const int r0 = std::min(static_cast<int>(std::floor(r)), nlat - 1);
    const int r1 = std::min(r0 + 1, nlat - 1);
    const double wr = r - r0;
    const double c = global_lon ? fc : std::clamp(fc, 0.0, static_cast<double>(nlon - 1));
    int c0 = static_cast<int>(std::floor(c));
    const double wc = c - c0;
    c0 = global_lon ? c0 % nlon : std::min(c0, nlon - 1);
    const int c1 = global_lon ? (c0 + 1) % nlon : std::min(c0 + 1, nlon - 1);
    auto v = [&](int i, int j) { return static_cast<double>(cover_pct[static_cast<std::size_t>(i) * nlon + j]); };
    const double top = v(r0, c0) * (1.0 - wc) + v(r0, c1) * wc;
    const double bottom = v(r1, c0) * (1.0 - wc) + v(r1, c1) * wc;
    return top * (1.0 - wr) + bottom * wr;
}

bool CloudData::empty() const noexcept
{
    return forecasts.empty() && std::none_of(monthly.begin(), monthly.end(), [](const auto &g) { return g.has_value(); });
}

const char *to_string(CloudSource source) noexcept
{
    switch (source) {
    case CloudSource::forecast: return "forecast";
    case CloudSource::persistence: return "persistence";
    case CloudSource::climatology: return "climatology";
    }
    return "forecast";
}

std::optional<CloudCover> cloud_cover_at(const CloudData &clouds, double lat_deg, double lon_deg, const time::Instant &t)
{
    const auto &f = clouds.forecasts;
    auto monthly = [&]() -> std::optional<CloudCover> {
        const auto &g = clouds.monthly[static_cast<std::size_t>(t.to_utc().month - 1)];
        if (!g) {
            return std::nullopt;
        }
        if (auto v = g->at(lat_deg, lon_deg)) {
            return CloudCover{*v, CloudSource::climatology};
        }
        return std::nullopt;
    };
    if (f.empty()) {
        return monthly();
    }
    if (t < f.front().time || t > f.back().time) {
        if (auto m = monthly()) {
            return m;
        }
        const auto &nearest = t < f.front().time ? f.front() : f.back();
        if (auto v = nearest.grid.at(lat_deg, lon_deg)) {
            return CloudCover{*v, CloudSource::persistence};
        }
        return std::nullopt;
    }
    // f[i].time <= t <= f[i + 1].time
    const auto it = std::upper_bound(f.begin(), f.end(), t, [](const time::Instant &x, const CloudForecast &c) {
        return x < c.time;
    });
    const std::size_t i1 = static_cast<std::size_t>(it - f.begin());
    if (i1 == f.size()) { // t == last time
        if (auto v = f.back().grid.at(lat_deg, lon_deg)) {
            return CloudCover{*v, CloudSource::forecast};
        }
        return std::nullopt;
    }
    const std::size_t i0 = i1 - 1;
    const auto a = f[i0].grid.at(lat_deg, lon_deg);
    const auto b = f[i1].grid.at(lat_deg, lon_deg);
    if (!a || !b) {
        return std::nullopt;
    }
    const double w = (t - f[i0].time).seconds() / (f[i1].time - f[i0].time).seconds();
    return CloudCover{*a * (1.0 - w) + *b * w, CloudSource::forecast};
}

double usable_probability(double forecast_pct, double limit_pct, double sigma_pct) noexcept
{
    if (limit_pct >= 100.0) {
        return 1.0;
    }
    if (sigma_pct <= 0.0) {
        return forecast_pct <= limit_pct ? 1.0 : 0.0;
    }
    // P(C <= L) for C = clamp(forecast + N(0, σ²), 0, 100): the clamp at 0 puts the mass below 0 at 0 <= L, the one
    // at 100 at 100 > L, so for 0 <= L < 100 it is the Gaussian's CDF at L.
    const double z = (limit_pct - forecast_pct) / sigma_pct;
    return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

double sigma_for(const CloudData &clouds, CloudSource source) noexcept
{
    return source == CloudSource::climatology ? clouds.climatology_sigma_pct : clouds.forecast_sigma_pct;
}

namespace {

void validate_grid(const CloudGrid &g, const std::string &field)
{
    auto bad = [&](const std::string &what, const std::string &value) {
        throw ConfigError(ErrorCode::out_of_range, what, ErrorContext{"", 0, field, value});
    };
    if (g.nlat < 1 || g.nlon < 1 || g.cover_pct.size() != static_cast<std::size_t>(g.nlat) * g.nlon) {
        bad("the grid must have nlat x nlon values", fmt::format("{} x {}, {} values", g.nlat, g.nlon, g.cover_pct.size()));
    }
    if (!(g.dlon_deg > 0.0) || !(g.dlat_deg != 0.0) || !std::isfinite(g.lat0_deg) || !std::isfinite(g.lon0_deg)) {
        bad("grid steps must be non-zero (longitude step positive)", fmt::format("dlat {} dlon {}", g.dlat_deg, g.dlon_deg));
    }
    for (std::size_t i = 0; i < g.cover_pct.size(); ++i) {
        const float v = g.cover_pct[i];
        if (!(v >= 0.0f && v <= 100.0f)) {
            bad("cloud cover must be in [0, 100] %", fmt::format("point {}: {}", i, v));
        }
    }
}

} // namespace

void validate_clouds(const CloudData &c, const std::string &prefix)
{
    auto bad = [&](const std::string &key, const std::string &what, double v) {
        throw ConfigError(ErrorCode::out_of_range, what, ErrorContext{"", 0, prefix + "." + key, fmt::format("{}", v)});
    };
    if (!(c.forecast_sigma_pct >= 0.0 && c.forecast_sigma_pct <= 100.0)) {
        bad("forecast_sigma_pct", "must be in [0, 100] percentage points", c.forecast_sigma_pct);
    }
    if (!(c.climatology_sigma_pct >= 0.0 && c.climatology_sigma_pct <= 100.0)) {
        bad("climatology_sigma_pct", "must be in [0, 100] percentage points", c.climatology_sigma_pct);
    }
    if (c.default_max_cover_pct && !(*c.default_max_cover_pct >= 0.0 && *c.default_max_cover_pct <= 100.0)) {
        bad("default_max_cover_pct", "must be in [0, 100] %", *c.default_max_cover_pct);
    }
    for (std::size_t i = 0; i < c.forecasts.size(); ++i) {
        validate_grid(c.forecasts[i].grid, fmt::format("{}.forecast[{}] ({})", prefix, i, c.forecasts[i].source));
        if (i > 0 && !(c.forecasts[i - 1].time < c.forecasts[i].time)) {
            throw ConfigError(ErrorCode::duplicate, "forecast fields must have distinct times (sorted)",
                              ErrorContext{"", 0, fmt::format("{}.forecast[{}]", prefix, i),
                                           c.forecasts[i].time.to_iso8601_utc(0)});
        }
    }
    for (std::size_t m = 0; m < c.monthly.size(); ++m) {
        if (c.monthly[m]) {
            validate_grid(*c.monthly[m], fmt::format("{}.climatology[month {}]", prefix, m + 1));
        }
    }
}

} // namespace vantage::mission
