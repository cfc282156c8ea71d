#include "vantage/geometry/sun.hpp"
#include "vantage/geometry/detail/sun_table.hpp"

#include <algorithm>
#include <cmath>
#include <erfa.h>
#include <erfam.h>

#include "vantage/core/constants.hpp"
#include "vantage/frames/transforms.hpp"
#include "vantage/geometry/look.hpp"

namespace vantage::geometry {

Vec3 sun_position_gcrf_km(const time::Instant &t)
{
    // NOTE: eraEpv00 wants TDB; TT is used (|TDB - TT| < 1.7 ms, i.e. 7e-8 deg of solar motion).
    const time::JulianDate tt = t.tt_jd();
    double pvh[2][3];
    double pvb[2][3];
    (void)eraEpv00(tt.jd1, tt.jd2, pvh, pvb); // status 1 = outside 1900-2100: still usable, slowly degrading
    // Geometric geocentric Sun: minus the Earth's heliocentric position (au, BCRS = GCRF axes).
    const Vec3 sun_au(-pvh[0][0], -pvh[0][1], -pvh[0][2]);
    const double dist_au = sun_au.norm();
    const Vec3 pnat = sun_au / dist_au;
    // Annual aberration (Earth's barycentric velocity in units of c), eraAb includes the relativistic
    // terms; ERFA_AULT = light time for 1 au (s), so c = 86400 / ERFA_AULT au/day.
    const double c_au_day = seconds_per_day / ERFA_AULT;
    double v[3] = {pvb[1][0] / c_au_day, pvb[1][1] / c_au_day, pvb[1][2] / c_au_day};
    const double bm1 = std::sqrt(1.0 - (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]));
    double pn[3] = {pnat.x(), pnat.y(), pnat.z()};
    double ppr[3];
    eraAb(pn, v, dist_au, bm1, ppr);
    return Vec3(ppr[0], ppr[1], ppr[2]) * (dist_au * ERFA_DAU / 1000.0);
}

Vec3 sun_position_itrf_km(const time::Instant &t, const frames::EarthOrientation &eop)
{
    const frames::StateVector<frames::Gcrf> s{t, sun_position_gcrf_km(t), Vec3::Zero()};
    return frames::gcrf_to_itrf(s, eop).r_km;
}

double sun_elevation_deg(const time::Instant &t, const frames::Geodetic &site, const frames::EarthOrientation &eop)
{
    const Vec3 r_site = frames::geodetic_to_itrf(site);
    const Vec3 los = (sun_position_itrf_km(t, eop) - r_site).normalized();
    return std::asin(std::clamp(los.dot(ellipsoid_up_itrf(site)), -1.0, 1.0)) * rad_to_deg;
}

} // namespace vantage::geometry

namespace vantage::geometry::detail {

namespace {

struct CioPieces {
    Mat3 c2i;
    double era_rad;
    Mat3 pom;
};

Mat3 from_erfa(const double m[3][3])
{
    Mat3 out;
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) {
            out(i, j) = m[i][j];
        }
    }
    return out;
}

// Same calls, same order as frames::gcrf_to_itrf (IERS 2010 eq. 5.1 with ERFA), kept in pieces.
/// As `cio_pieces` with the CIP X, Y (without the EOP dX, dY) and s given (the SunTable interpolates them).
CioPieces cio_pieces(const time::Instant &t, const frames::EarthOrientation &eop, double x_cip, double y_cip, double s_cio)
{
    const frames::EarthOrientation::Values e = eop.at(t);
    const time::JulianDate tt = t.tt_jd();
    const time::JulianDate ut1 = t.ut1_jd(e.ut1_minus_utc_s);
    // NOTE: s is computed from X, Y without dX, dY (s ~ -XY/2 moves by ~1e-12 rad for dX, dY ~1e-9 rad).
    double rc2i[3][3];
    eraC2ixys(x_cip + e.dx_rad, y_cip + e.dy_rad, s_cio, rc2i);
    const double era = eraEra00(ut1.jd1, ut1.jd2);
    const double sp = eraSp00(tt.jd1, tt.jd2);
    double rpom[3][3];
    eraPom00(e.xp_rad, e.yp_rad, sp, rpom);
    return CioPieces{from_erfa(rc2i), era, from_erfa(rpom)};
}


} // namespace

SunTable::SunTable(const time::Instant &start, const time::Instant &stop, const frames::EarthOrientation &eop,
                   double node_step_s)
    : m_t0_s(-node_step_s), m_step_s(node_step_s)
{
    const double span_s = (stop - start).seconds();
    const auto n = static_cast<std::size_t>(std::ceil((span_s + 2.0 * node_step_s) / node_step_s)) + 1;
    m_cirs_km.reserve(n);
    m_era_rad.reserve(n);
    m_cos_era.reserve(n);
    m_sin_era.reserve(n);
    m_pom.reserve(n);
    // The CIP coordinates X, Y (eraXy06: the IAU 2006/2000A series, most of the cost) and the CIO locator s are
    // computed every `xys_step_s` (1 h) and interpolated linearly to the nodes. Error: the shortest-period
    // nutation terms of note (13.66 d, <= 0.1" in X, Y) curve by A (w h)^2 / 8 < 1e-10 rad over an hour; s
    // changes by < 1e-12 rad per hour.
    constexpr double xys_step_s = 3600.0;
    struct Xys {
        double x, y, s;
    };
    std::vector<Xys> xys;
    auto xys_at = [&](double tau) { // tau from start, tau >= m_t0_s
        const double u = (tau - m_t0_s) / xys_step_s;
        const auto j = static_cast<std::size_t>(u);
        while (xys.size() <= j + 1) {
            const time::Instant tj =
                start + time::Duration::from_seconds(m_t0_s + static_cast<double>(xys.size()) * xys_step_s);
            const time::JulianDate tt = tj.tt_jd();
            double x = 0.0, y = 0.0;
            eraXy06(tt.jd1, tt.jd2, &x, &y);
            xys.push_back(Xys{x, y, eraS06(tt.jd1, tt.jd2, x, y)});
        }
        const double f = u - static_cast<double>(j);
        return Xys{xys[j].x + f * (xys[j + 1].x - xys[j].x), xys[j].y + f * (xys[j + 1].y - xys[j].y),
                   xys[j].s + f * (xys[j + 1].s - xys[j].s)};
    };
    for (std::size_t k = 0; k < n; ++k) {
        const double tau = m_t0_s + static_cast<double>(k) * m_step_s;
        const time::Instant t = start + time::Duration::from_seconds(tau);
        const Xys q = xys_at(tau);
        const CioPieces p = cio_pieces(t, eop, q.x, q.y, q.s);
        m_cirs_km.push_back(p.c2i * sun_position_gcrf_km(t));
        double era = p.era_rad;
        if (k > 0) { // unwrap so that linear interpolation works across 2π
            while (era < m_era_rad.back()) {
                era += two_pi;
            }
        }
        m_era_rad.push_back(era);
        m_cos_era.push_back(std::cos(era));
        m_sin_era.push_back(std::sin(era));
        m_pom.push_back(p.pom);
    }
}

Vec3 SunTable::position_itrf_km(double tau_s) const
{
    const double x = (tau_s - m_t0_s) / m_step_s;
    const double last = static_cast<double>(m_cirs_km.size() - 1);
    const double xc = std::clamp(x, 0.0, last);
    auto k = static_cast<std::size_t>(xc);
    if (k + 1 >= m_cirs_km.size()) {
        k = m_cirs_km.size() - 2;
    }
    const double f = xc - static_cast<double>(k);
    const Vec3 cirs = m_cirs_km[k] * (1.0 - f) + m_cirs_km[k + 1] * f;
    // ERA = ERA_k + delta: cos/sin by the addition theorems from the node's, with delta's by Taylor series (degree
    // 9 / 10: < 5e-16 for |delta| <= 0.2 rad, i.e. nodes up to 45 min apart; the C library beyond).
    const double delta = f * (m_era_rad[k + 1] - m_era_rad[k]);
    double sd = 0.0, cd = 0.0;
    if (std::abs(delta) <= 0.2) {
        const double d2 = delta * delta;
        sd = delta * (1.0 - d2 / 6.0 * (1.0 - d2 / 20.0 * (1.0 - d2 / 42.0 * (1.0 - d2 / 72.0))));
        cd = 1.0 - d2 / 2.0 * (1.0 - d2 / 12.0 * (1.0 - d2 / 30.0 * (1.0 - d2 / 56.0 * (1.0 - d2 / 90.0))));
    } else {
        sd = std::sin(delta);
        cd = std::cos(delta);
    }
    const double c = m_cos_era[k] * cd - m_sin_era[k] * sd;
    const double s = m_sin_era[k] * cd + m_cos_era[k] * sd;
    // rot3(era) * cirs, then polar motion (taken at the nearer node: it changes by < 1 mas/day).
    const Vec3 e(c * cirs.x() + s * cirs.y(), -s * cirs.x() + c * cirs.y(), cirs.z());
    const Mat3 &pom = f < 0.5 ? m_pom[k] : m_pom[k + 1];
    return pom * e;
}

} // namespace vantage::geometry::detail
