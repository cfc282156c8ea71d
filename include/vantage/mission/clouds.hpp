#pragma once
/// @file
/// Cloud cover for optical collection planning (issue 15, item 1): total-cloud-cover fields on a regular
/// latitude/longitude grid (forecasts at valid times, optionally monthly climatology), interpolated in space and
/// time, and the probability model that turns a forecast cover and a request's `max_cloud_cover_pct` into the
/// probability that an image is usable. Plain domain values; GRIB2 files are read by io::read_cloud_grib.
/// Model and units: docs/architecture/scheduling.md § Clouds and docs/formats.md § Tasking scenario (`clouds`).
///
/// Cover is a percentage [0, 100] of the sky (STAC's `eo:cloud_cover` unit) everywhere in this interface.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "vantage/time/instant.hpp"

namespace vantage::mission {

/// One field of total cloud cover (%) on a regular latitude/longitude grid, points in rows of constant latitude.
struct CloudGrid {
    double lat0_deg = 90.0;   ///< latitude of row 0 (deg)
    double dlat_deg = -2.5;   ///< latitude step between rows (deg, != 0; negative: rows run north to south)
    double lon0_deg = 0.0;    ///< longitude of column 0 (deg)
    double dlon_deg = 2.5;    ///< longitude step between columns (deg, > 0)
    int nlat = 0;             ///< rows
    int nlon = 0;             ///< columns
    bool global_lon = false;  ///< the columns go round the Earth (nlon * dlon = 360): interpolation wraps
    std::vector<float> cover_pct; ///< nlat * nlon values, row-major, each in [0, 100]
    /// Cover (%) at a point by bilinear interpolation between the four surrounding grid points; nullopt outside
    /// the grid (a non-global grid, or beyond its first or last row).
    std::optional<double> at(double lat_deg, double lon_deg) const;
};

/// A forecast field and the time it stands for.
struct CloudForecast {
    /// The instant the field represents: an instantaneous field's valid time; a field averaged over an interval
    /// (GFS's `avg` steps) the middle of that interval.
    time::Instant time;
    double averaged_over_s = 0.0; ///< length of the averaging interval (s; 0: instantaneous)
    std::string source;           ///< "file.grib2 message N" (for messages and plan.json)
    CloudGrid grid;
};

/// Everything known about clouds for a plan.
struct CloudData {
    std::vector<CloudForecast> forecasts;            ///< sorted by time, distinct times
    std::array<std::optional<CloudGrid>, 12> monthly; ///< climatology: mean cover per calendar month (0 = January)
    std::vector<std::string> files;                  ///< the files read (plan.json `clouds.files`)
    /// σ of the forecast error (percentage points) of the probability model (`clouds.forecast_sigma_pct`)
    double forecast_sigma_pct = 25.0;
    /// σ for a climatological value (`clouds.climatology_sigma_pct`): the spread of the monthly distribution
    double climatology_sigma_pct = 35.0;
    /// the cover limit of an optical request that states no `max_cloud_cover_pct` (`clouds.default_max_cover_pct`);
    /// nullopt: such a request ignores clouds
    std::optional<double> default_max_cover_pct;
    bool empty() const noexcept;
};

/// Where a cover value came from.
enum class CloudSource {
    forecast,    ///< interpolated in time between two forecast fields (or at one)
    persistence, ///< before the first or after the last forecast field, no climatology for the month: that field
    climatology, ///< outside the forecasts' span, from the month's climatological field
};
const char *to_string(CloudSource source) noexcept;

/// A cover value (%) and where it came from.
struct CloudCover {
    double cover_pct = 0.0;
    CloudSource source = CloudSource::forecast;
};

/// Cloud cover at a point and instant: linear in time between the two forecast fields around `t` (bilinear in
/// space in each); outside the forecasts' span the month's climatology when there is one, else the nearest
/// forecast field (persistence); with only a climatology, the month's field. nullopt when nothing covers the point.
std::optional<CloudCover> cloud_cover_at(const CloudData &clouds, double lat_deg, double lon_deg, const time::Instant &t);

/// The probability model: the cover C actually met is the value `forecast_pct` plus a Gaussian error of standard
/// deviation `sigma_pct`, censored to [0, 100] (a clear or overcast forecast can be wrong in one direction only).
/// The image is usable when C <= `limit_pct`: p = Φ((limit - forecast) / σ) for limit < 100, 1 for limit >= 100.
/// σ = 0 gives the step (1 when forecast <= limit).
double usable_probability(double forecast_pct, double limit_pct, double sigma_pct) noexcept;

/// The σ the model uses for a value from `source` (forecast and persistence: forecast_sigma_pct; climatology:
/// climatology_sigma_pct).
double sigma_for(const CloudData &clouds, CloudSource source) noexcept;

/// Checks a CloudData's ranges (grids well formed, values in [0, 100], σ >= 0, default limit in [0, 100]).
/// @throws ConfigError naming `field_prefix` + the key ("clouds.forecast_sigma_pct", "clouds.forecast[2]", ...)
void validate_clouds(const CloudData &clouds, const std::string &field_prefix = "clouds");

} // namespace vantage::mission
