// Sgp4Propagator: the public face of the SGP4 kernel in sgp4_core.cpp (unit conversion from the
// element set, error mapping, Instant handling).

#include "vantage/orbits/sgp4_propagator.hpp"

#include <string>

#include <fmt/format.h>

#include "vantage/core/constants.hpp"

namespace vantage::orbits {

std::string_view describe(Sgp4Status status) noexcept
{
    switch (status) {
    case Sgp4Status::ok:
        return "ok";
    case Sgp4Status::mean_eccentricity:
        return "mean eccentricity out of [0, 1) or semi-major axis < 0.95 Earth radii";
    case Sgp4Status::mean_motion:
        return "mean motion less than zero";
    case Sgp4Status::perturbed_eccentricity:
        return "perturbed eccentricity out of [0, 1]";
    case Sgp4Status::semi_latus_rectum:
        return "semi-latus rectum less than zero";
    case Sgp4Status::suborbital:
        return "epoch elements are sub-orbital";
    case Sgp4Status::decayed:
        return "satellite has decayed (radius below 1 Earth radius)";
    }
    return "unknown SGP4 status";
}

ErrorCode to_error_code(Sgp4Status status) noexcept
{
    switch (status) {
    case Sgp4Status::mean_eccentricity:
        return ErrorCode::sgp4_mean_eccentricity;
    case Sgp4Status::mean_motion:
        return ErrorCode::sgp4_mean_motion;
    case Sgp4Status::perturbed_eccentricity:
        return ErrorCode::sgp4_perturbed_eccentricity;
    case Sgp4Status::semi_latus_rectum:
        return ErrorCode::sgp4_semi_latus_rectum;
    case Sgp4Status::suborbital:
        return ErrorCode::sgp4_suborbital;
    case Sgp4Status::decayed:
        return ErrorCode::sgp4_decayed;
    case Sgp4Status::ok:
        break;
    }
    return ErrorCode::internal;
}

namespace {

// Vallado's twoline2rv unit conversions, in his operation order (so the radian values are the
// same doubles as his): rev/day -> rad/min via xpdotp = 1440 / (2 pi), degrees -> rad via pi / 180.
detail::Sgp4MeanElements to_mean_elements(const ElementSet &e) noexcept
{
    constexpr double xpdotp = 1440.0 / (2.0 * pi);
    detail::Sgp4MeanElements m;
    // SGP4 epoch: days since 1949-12-31 0h UTC (JD 2433281.5), from the TLE year/day verbatim.
    m.epoch_days = detail::tle_epoch_jd(e.epoch_year, e.epoch_day_of_year) - 2433281.5;
    m.bstar = e.bstar_per_er;
    m.ecco = e.eccentricity;
    m.argpo_rad = e.arg_perigee_deg * deg_to_rad;
    m.inclo_rad = e.inclination_deg * deg_to_rad;
    m.mo_rad = e.mean_anomaly_deg * deg_to_rad;
    m.no_kozai_rad_min = e.mean_motion_rev_day / xpdotp;
    m.nodeo_rad = e.raan_deg * deg_to_rad;
    return m;
}

} // namespace

Sgp4Propagator::Sgp4Propagator(const ElementSet &elements, Sgp4Options options)
    : m_elements(elements), m_options(options),
      m_record(detail::sgp4_init(to_mean_elements(elements), options.gravity, options.opsmode))
{
}

Sgp4State Sgp4Propagator::propagate_minutes(double minutes_since_epoch) const noexcept
{
    double r[3];
    double v[3];
    const Sgp4Status status = detail::sgp4_propagate(m_record, minutes_since_epoch, r, v);
    return Sgp4State{Vec3(r[0], r[1], r[2]), Vec3(v[0], v[1], v[2]), status};
}

double Sgp4Propagator::minutes_since_epoch(const time::Instant &t) const noexcept
{
    return (t - m_elements.epoch).seconds() / 60.0;
}

frames::StateVector<frames::Teme> Sgp4Propagator::propagate(const time::Instant &t) const
{
    const double minutes = minutes_since_epoch(t);
    const Sgp4State s = propagate_minutes(minutes);
    if (s.status != Sgp4Status::ok) {
        ErrorContext ctx;
        ctx.field = "norad_id";
        ctx.value = std::to_string(m_elements.norad_id);
        throw DomainError(to_error_code(s.status),
                          fmt::format("SGP4 error {} at {:.6f} minutes since epoch: {}", static_cast<int>(s.status),
                                      minutes, describe(s.status)),
                          std::move(ctx));
    }
    return frames::StateVector<frames::Teme>{t, s.r_km, s.v_km_s};
}

// propagate_batch lives in sgp4_batch.cpp (SIMD kernel, threads).

} // namespace vantage::orbits
