#include "vantage/access/eclipse.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "vantage/core/error.hpp"
#include "vantage/frames/transforms.hpp"
#include "vantage/geometry/sun.hpp"

namespace vantage::access {

ShadowFunctions shadow_functions(const Vec3 &r_km, const Vec3 &sun_km, ShadowModel model)
{
    const double rn = r_km.norm();
    if (model == ShadowModel::cylindrical) {
        const Vec3 s = sun_km.normalized();
        const double along = r_km.dot(s);
        const double d = along >= 0.0 ? rn : (r_km - along * s).norm();
        const double f = (d - shadow_earth_radius_km) / rn;
        return {f, f};
    }
    const Vec3 to_sun = sun_km - r_km;
    const double a = std::asin(std::min(1.0, sun_radius_km / to_sun.norm()));
    const double b = std::asin(std::min(1.0, shadow_earth_radius_km / rn));
    const Vec3 to_earth = -r_km;
    const double c = std::atan2(to_sun.cross(to_earth).norm(), to_sun.dot(to_earth));
    return {c - (a + b), c - (b - a)};
}

Illumination illumination(const Vec3 &r_km, const Vec3 &sun_km, ShadowModel model)
{
    const ShadowFunctions f = shadow_functions(r_km, sun_km, model);
    return f.umbra_rad < 0.0 ? Illumination::umbra : (f.penumbra_rad < 0.0 ? Illumination::penumbra : Illumination::sunlit);
}

std::vector<Eclipse> find_eclipses(std::span<const Satellite> sats, const time::Instant &start, const time::Instant &stop,
                                   const frames::EarthOrientation &eop, ShadowModel model, double step_s)
{
    if (!(stop > start)) {
        throw ConfigError(ErrorCode::out_of_range, "the stop must be after the start",
                          ErrorContext{"", 0, "stop_utc", stop.to_iso8601_utc(3)});
    }
    if (!(step_s > 0.0 && step_s <= 600.0)) {
        throw ConfigError(ErrorCode::out_of_range, "the sampling step must be in (0, 600] s",
                          ErrorContext{"", 0, "step_s", fmt::format("{}", step_s)});
    }
    const double span_s = (stop - start).seconds();
    std::vector<Eclipse> out;
    for (std::size_t si = 0; si < sats.size(); ++si) {
        const auto &sat = sats[si];
        if (sat.propagator.init_status() != orbits::Sgp4Status::ok) {
            continue;
        }
        auto at = [&](double tau) { return start + time::Duration::from_seconds(tau); };
        auto f = [&](double tau) {
            const time::Instant t = at(tau);
            const Vec3 r = frames::teme_to_itrf(sat.propagator.propagate(t), eop).r_km;
            return shadow_functions(r, geometry::sun_position_itrf_km(t, eop), model);
        };
        // Both shadow functions sampled once every step_s; each sign change of one refined by bisection to 1 ms.
        const int n = static_cast<int>(std::ceil(span_s / step_s));
        std::vector<double> ts(static_cast<std::size_t>(n) + 1);
        std::vector<ShadowFunctions> fs(ts.size());
        for (int k = 0; k <= n; ++k) {
            ts[static_cast<std::size_t>(k)] = std::min(span_s, k * step_s);
            fs[static_cast<std::size_t>(k)] = f(ts[static_cast<std::size_t>(k)]);
        }
        auto crossings = [&](double ShadowFunctions::*g) {
            std::vector<std::pair<double, bool>> xs; // (time, entering)
            for (std::size_t k = 1; k < ts.size(); ++k) {
                const bool in0 = fs[k - 1].*g < 0.0, in1 = fs[k].*g < 0.0;
                if (in0 != in1) {
                    double lo = ts[k - 1], hi = ts[k];
                    while (hi - lo > 1e-3) {
                        const double mid = 0.5 * (lo + hi);
                        ((f(mid).*g < 0.0) == in0 ? lo : hi) = mid;
                    }
                    xs.emplace_back(0.5 * (lo + hi), in1);
                }
            }
            return std::pair{xs, fs[0].*g < 0.0};
        };
        const auto [pen, pen_in0] = crossings(&ShadowFunctions::penumbra_rad);
        const auto [umb, umb_in0] = crossings(&ShadowFunctions::umbra_rad);
        // Shadow intervals from the penumbra boundary; umbra intervals fall inside them.
        std::vector<std::pair<double, double>> shadow, umbra;
        auto intervals = [&](const std::vector<std::pair<double, bool>> &xs, bool in0, std::vector<std::pair<double, double>> &iv) {
            double open = in0 ? 0.0 : -1.0;
            for (const auto &[t, entering] : xs) {
                if (entering) {
                    open = t;
                } else if (open >= 0.0) {
                    iv.emplace_back(open, t);
                    open = -1.0;
                }
            }
            if (open >= 0.0) {
                iv.emplace_back(open, span_s);
            }
        };
        intervals(pen, pen_in0, shadow);
        intervals(umb, umb_in0, umbra);
        for (const auto &[s, e] : shadow) {
            Eclipse ec;
            ec.satellite = si;
            ec.penumbra_start = at(s);
            ec.penumbra_end = at(e);
            ec.partial = s <= 0.0 || e >= span_s;
            for (const auto &[us, ue] : umbra) {
                if (us >= s - 1e-3 && ue <= e + 1e-3) {
                    ec.umbra_start = at(us);
                    ec.umbra_end = at(ue);
                }
            }
            out.push_back(ec);
        }
    }
    return out;
}

} // namespace vantage::access
