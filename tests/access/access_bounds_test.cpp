// AccessProperty.SecondDerivativeBoundsHold: the certificates of the access engine rest on bounds |g''| <= M and
// |g'_computed - g'| <= eps for every smooth switching function (docs/accuracy.md § Access windows). This test
// measures g'' and g' by central differences on the engine's own ephemeris (the function whose roots are the
// window edges) for random LEO/SSO/Molniya/GEO orbits and random sites in view, and checks them against the bounds.
//
// AccessValidation.FastGeodeticMatchesGeographicLib: the engine's geodetic nadir (two Bowring steps) against
// GeographicLib (frames::itrf_to_geodetic) from 10 km to 1e5 km height.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <vector>

#include "access/access_test_util.hpp"
#include "vantage/access/detail/constraints.hpp"
#include "vantage/core/constants.hpp"
#include "vantage/frames/transforms.hpp"

using namespace vantage;
using namespace vantage::access::detail;

namespace {

const time::Instant t0 = time::Instant::parse_iso8601("2025-10-03T00:00:00Z");
const frames::EarthOrientation no_eop;

// Central-difference step (s): the truncation error of the second difference, g'''' delta^2 / 12 (~1e-12 here),
// and its rounding error, 4 ulp(g) / delta^2 (~4e-15), are far below the bounds (~1e-6 .. 1e-3 s^-2).
constexpr double delta_s = 0.5;
// Slack on the rate check (1/s): the central difference of g' is off by g''' delta^2 / 6 < 1e-9 / s.
constexpr double rate_slack_per_s = 1e-8;

orbits::ElementSet orbit(std::mt19937_64 &rng, int klass, std::uint32_t id)
{
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const time::Instant epoch = t0 - time::Duration::from_hours(6.0 * u(rng));
    switch (klass) {
    case 0:
        return test_util::make_elements(id, epoch, test_util::mean_motion_for_altitude(350.0 + 1000.0 * u(rng)),
                                        0.02 * u(rng), 180.0 * u(rng), 360 * u(rng), 360 * u(rng), 360 * u(rng));
    case 1:
        return test_util::make_elements(id, epoch, test_util::mean_motion_for_altitude(500.0 + 300.0 * u(rng)),
                                        0.002 * u(rng), 97.4 + u(rng), 360 * u(rng), 360 * u(rng), 360 * u(rng));
    case 2:
        return test_util::make_elements(id, epoch, 2.00561, 0.72, 63.4, 360 * u(rng), 270.0, 360 * u(rng));
    default:
        return test_util::make_elements(id, epoch, 1.0027379, 0.0003, 2.0 * u(rng), 360 * u(rng), 360 * u(rng),
                                        360 * u(rng));
    }
}

} // namespace

TEST(AccessProperty, SecondDerivativeBoundsHold)
{
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    // One term of each smooth kind (a 290 km swath, 1 deg along track, a 30 deg cone, the look side, elevation).
    std::vector<Term> terms(5);
    terms[0].kind = TermKind::elev_min;
    terms[1].kind = TermKind::cone;
    terms[1].th = std::cos(30.0 * deg_to_rad);
    terms[2].kind = TermKind::side;
    terms[3].kind = TermKind::swath;
    terms[3].sgn = -1.0;
    terms[3].p1 = mean_radius_km * std::sin(290.0 / (2.0 * mean_radius_km));
    terms[3].p2 = mean_radius_km * (1.0 - std::cos(290.0 / (2.0 * mean_radius_km)));
    terms[4].kind = TermKind::along;
    terms[4].th = std::tan(1.0 * deg_to_rad);
    terms[4].sgn = 1.0;
    const char *names[] = {"E", "C", "X", "swath", "along"};
    double worst[5] = {0, 0, 0, 0, 0};
    double worst_rate[5] = {0, 0, 0, 0, 0};
    int samples = 0;
    for (int klass = 0; klass < 4; ++klass) {
        for (int k = 0; k < 6; ++k) {
            const orbits::Sgp4Propagator prop(orbit(rng, klass, static_cast<std::uint32_t>(90000 + 10 * klass + k)));
            const double span = klass >= 2 ? 86400.0 : 6.0 * 3600.0;
            const TemeToItrf rot(t0, 0.0, span, no_eop);
            const Ephemeris eph(prop, t0, 0.0, span, rot);
            const SatBounds &b = eph.bounds();
            for (int n = 0; n < 150; ++n) {
                const double tau = delta_s + (span - 2.0 * delta_s) * u(rng);
                const SatFrame f0 = make_frame(eph.at(tau, true), true);
                // A site in view: central angle up to 0.8 horizon from the sub-satellite point, any azimuth.
                const FastGeodetic sub = fast_geodetic(f0.r);
                const double horizon = std::acos(wgs84_a_km / f0.r.norm());
                const double c = 0.8 * horizon * std::sqrt(u(rng)), az = two_pi * u(rng);
                const Vec3 up = sub.up;
                const Vec3 e = Vec3(-sub.sin_lon, sub.cos_lon, 0.0);
                const Vec3 nn = up.cross(e);
                const Vec3 dir = std::cos(c) * up + std::sin(c) * (std::cos(az) * nn + std::sin(az) * e);
                const frames::Geodetic g{std::asin(std::clamp(dir.z(), -1.0, 1.0)) * rad_to_deg,
                                         std::atan2(dir.y(), dir.x()) * rad_to_deg, 2.0 * u(rng)};
                const Site site = make_site(g);
                SiteQ q[3];
                SatFrame f[3];
                for (int j = 0; j < 3; ++j) {
                    f[j] = make_frame(eph.at(tau + (j - 1) * delta_s, true), true);
                    q[j] = site_quantities(f[j], site, true, false, Vec3::Zero());
                }
                const double rho_lo = std::min({q[0].rho, q[1].rho, q[2].rho});
                for (std::size_t t = 0; t < terms.size(); ++t) {
                    const TermValue v0 = term_value(terms[t], q[0], f[0]);
                    const TermValue v1 = term_value(terms[t], q[1], f[1]);
                    const TermValue v2 = term_value(terms[t], q[2], f[2]);
                    const double g2 = (v2.g - 2.0 * v1.g + v0.g) / (delta_s * delta_s);
                    const double g1 = (v2.g - v0.g) / (2.0 * delta_s);
                    const TermBound bd = term_bound(terms[t], rho_lo, b);
                    worst[t] = std::max(worst[t], std::abs(g2) / bd.m);
                    worst_rate[t] = std::max(worst_rate[t], std::abs(v1.d - g1) / (bd.eps + rate_slack_per_s));
                    EXPECT_LE(std::abs(g2), bd.m) << names[t] << " orbit class " << klass << " tau " << tau;
                    EXPECT_LE(std::abs(v1.d - g1), bd.eps + rate_slack_per_s) << names[t] << " rate, class " << klass;
                }
                ++samples;
            }
        }
    }
    std::cout << "[ measured ] " << samples << " samples; max |g''| / M and max |g' - dg/dt| / eps:";
    for (std::size_t t = 0; t < terms.size(); ++t) {
        std::cout << ' ' << names[t] << ' ' << worst[t] << " / " << worst_rate[t];
    }
    std::cout << '\n';
}

TEST(AccessValidation, FastGeodeticMatchesGeographicLib)
{
    // Reference: GeographicLib Geocentric::Reverse (through frames::itrf_to_geodetic), stated accurate to 7 nm.
    // The engine only needs the normal (direction) and the height; 1e-13 rad is far below anything that moves an
    // edge (1e-9 rad of nadir direction is < 1 µs of edge time).
    constexpr double normal_tol_rad = 1e-13;
    constexpr double height_tol_km = 1e-9;
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    double worst = 0.0;
    for (int k = 0; k < 20000; ++k) {
        const double h = std::pow(10.0, 1.0 + 4.0 * u(rng)); // 10 km .. 1e5 km
        const frames::Geodetic g{std::asin(2.0 * u(rng) - 1.0) * rad_to_deg, 360.0 * u(rng) - 180.0, h};
        const Vec3 r = frames::geodetic_to_itrf(g);
        const frames::Geodetic ref = frames::itrf_to_geodetic(r);
        const double phi = ref.lat_deg * deg_to_rad, lam = ref.lon_deg * deg_to_rad;
        const Vec3 up_ref(std::cos(phi) * std::cos(lam), std::cos(phi) * std::sin(lam), std::sin(phi));
        const FastGeodetic fg = fast_geodetic(r);
        const double err = up_ref.cross(fg.up).norm();
        worst = std::max(worst, err);
        EXPECT_LE(err, normal_tol_rad) << "h " << h;
        EXPECT_NEAR(fg.h_km, ref.h_km, height_tol_km);
    }
    std::cout << "[ measured ] normal vs GeographicLib: max " << worst << " rad\n";
}
