#include "vantage/frames/transforms.hpp"

#include <cmath>
#include <fmt/format.h>

#include <Eigen/Geometry> // cross(); vantage/core/math.hpp includes only Eigen/Core
#include <GeographicLib/Geocentric.hpp>
#include <erfa.h>

#include "vantage/core/constants.hpp"
#include "vantage/core/error.hpp"

namespace vantage::frames {

namespace {

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

/// R3(angle) in the passive (frame-rotation) sense used by Vallado and ERFA (eraRz):
/// [[c, s, 0], [-s, c, 0], [0, 0, 1]].
Mat3 rot3(double angle_rad)
{
    const double c = std::cos(angle_rad);
    const double s = std::sin(angle_rad);
    Mat3 m;
    m << c, s, 0.0, -s, c, 0.0, 0.0, 0.0, 1.0;
    return m;
}

/// Earth angular velocity vector in a frame whose Z axis is the CIP (PEF/TIRS), rad/s.
/// Vallado 2006 teme2ecef: thetasa = 7.29211514670698e-05 * (1 - LOD/86400).
Vec3 omega_earth(double lod_s)
{
    return Vec3(0.0, 0.0, earth_rate_rad_s * (1.0 - lod_s / seconds_per_day));
}

/// Vallado's polar-motion matrix W for the IAU-76/FK5 reduction (`polarm(xp, yp, ttt, '80')`), which
/// maps ITRF to PEF: r_pef = W r_itrf. First-order equivalent of IERS 2010 eq. 5.3 without s'.
Mat3 polar_motion_80(double xp_rad, double yp_rad)
{
    const double cx = std::cos(xp_rad), sx = std::sin(xp_rad);
    const double cy = std::cos(yp_rad), sy = std::sin(yp_rad);
    Mat3 pm;
    pm << cx, 0.0, -sx, //
        sx * sy, cy, cx * sy, //
        sx * cy, -sy, cx * cy;
    return pm;
}

/// The pieces of the CIO-based GCRS -> ITRS transformation (IERS Conventions 2010 eq. 5.1, transposed):
/// r_tirs = R3(ERA) C r_gcrs, r_itrs = W r_tirs.
struct CioRotation {
    Mat3 c2i;   // GCRS -> CIRS (Q^T, eq. 5.10 via eraC2ixys)
    Mat3 era;   // CIRS -> TIRS, R3(ERA) (eq. 5.5, eraEra00 on UT1)
    Mat3 pom;   // TIRS -> ITRS (W^T, eq. 5.3 via eraPom00 with s' from eraSp00)
    Vec3 omega; // Earth rotation vector in TIRS (rad/s)
};

CioRotation cio_rotation(const time::Instant &t, const EarthOrientation &eop)
{
    const EarthOrientation::Values e = eop.at(t);
    const time::JulianDate tt = t.tt_jd();
    const time::JulianDate ut1 = t.ut1_jd(e.ut1_minus_utc_s);
    double x = 0.0, y = 0.0;
    // IAU 2006 precession + IAU 2000A nutation CIP coordinates (series, IERS 2010 eq. 5.16)
    eraXy06(tt.jd1, tt.jd2, &x, &y);
    // Celestial pole offsets from the EOP (IERS 2010 eq. 5.25: X = X(IAU 2006/2000A) + dX).
    x += e.dx_rad;
    y += e.dy_rad;
    const double s = eraS06(tt.jd1, tt.jd2, x, y); // CIO locator s (eq. 5.13)
    double rc2i[3][3];
    eraC2ixys(x, y, s, rc2i);
    const double era = eraEra00(ut1.jd1, ut1.jd2); // Earth rotation angle (eq. 5.15)
    const double sp = eraSp00(tt.jd1, tt.jd2);     // TIO locator s' (eq. 5.13)
    double rpom[3][3];
    eraPom00(e.xp_rad, e.yp_rad, sp, rpom); // polar motion, TIRS -> ITRS
    return CioRotation{from_erfa(rc2i), rot3(era), from_erfa(rpom), omega_earth(e.lod_s)};
}

void require_finite(const Vec3 &v, const char *what)
{
    if (!v.allFinite()) {
        throw Error(ErrorCode::invalid_argument, fmt::format("{} has a non-finite component", what),
                    ErrorContext{"", 0, what, fmt::format("({}, {}, {})", v.x(), v.y(), v.z())});
    }
}

} // namespace

double gmst82_rad(const time::JulianDate &ut1)
{
    // IAU 1982 GMST (Aoki et al. 1982), identical to Vallado's gstime; ERFA keeps the two-part date apart.
    return eraGmst82(ut1.jd1, ut1.jd2);
}

StateVector<Itrf> teme_to_itrf(const StateVector<Teme> &s, const EarthOrientation &eop)
{
    require_finite(s.r_km, "r_km");
    require_finite(s.v_km_s, "v_km_s");
    const EarthOrientation::Values e = eop.at(s.t);
    const double gmst = gmst82_rad(s.t.ut1_jd(e.ut1_minus_utc_s));
    const Mat3 st = rot3(gmst);                           // TEME -> PEF (Vallado: st')
    const Mat3 pm_t = polar_motion_80(e.xp_rad, e.yp_rad).transpose(); // PEF -> ITRF (Vallado: pm')
    const Vec3 r_pef = st * s.r_km;
    const Vec3 v_pef = st * s.v_km_s - omega_earth(e.lod_s).cross(r_pef);
    return StateVector<Itrf>{s.t, pm_t * r_pef, pm_t * v_pef};
}

StateVector<Teme> itrf_to_teme(const StateVector<Itrf> &s, const EarthOrientation &eop)
{
    require_finite(s.r_km, "r_km");
    require_finite(s.v_km_s, "v_km_s");
    const EarthOrientation::Values e = eop.at(s.t);
    const double gmst = gmst82_rad(s.t.ut1_jd(e.ut1_minus_utc_s));
    const Mat3 st_t = rot3(gmst).transpose();                // PEF -> TEME
    const Mat3 pm = polar_motion_80(e.xp_rad, e.yp_rad);     // ITRF -> PEF
    const Vec3 r_pef = pm * s.r_km;
    const Vec3 v_pef = pm * s.v_km_s + omega_earth(e.lod_s).cross(r_pef);
    return StateVector<Teme>{s.t, st_t * r_pef, st_t * v_pef};
}

StateVector<Gcrf> itrf_to_gcrf(const StateVector<Itrf> &s, const EarthOrientation &eop)
{
    require_finite(s.r_km, "r_km");
    require_finite(s.v_km_s, "v_km_s");
    const CioRotation q = cio_rotation(s.t, eop);
    const Mat3 tirs_to_gcrs = (q.era * q.c2i).transpose();
    const Vec3 r_tirs = q.pom.transpose() * s.r_km;
    const Vec3 v_tirs = q.pom.transpose() * s.v_km_s + q.omega.cross(r_tirs);
    return StateVector<Gcrf>{s.t, tirs_to_gcrs * r_tirs, tirs_to_gcrs * v_tirs};
}

StateVector<Itrf> gcrf_to_itrf(const StateVector<Gcrf> &s, const EarthOrientation &eop)
{
    require_finite(s.r_km, "r_km");
    require_finite(s.v_km_s, "v_km_s");
    const CioRotation q = cio_rotation(s.t, eop);
    const Mat3 gcrs_to_tirs = q.era * q.c2i;
    const Vec3 r_tirs = gcrs_to_tirs * s.r_km;
    const Vec3 v_tirs = gcrs_to_tirs * s.v_km_s - q.omega.cross(r_tirs);
    return StateVector<Itrf>{s.t, q.pom * r_tirs, q.pom * v_tirs};
}

StateVector<Gcrf> teme_to_gcrf(const StateVector<Teme> &s, const EarthOrientation &eop)
{
    return itrf_to_gcrf(teme_to_itrf(s, eop), eop);
}

StateVector<Teme> gcrf_to_teme(const StateVector<Gcrf> &s, const EarthOrientation &eop)
{
    return itrf_to_teme(gcrf_to_itrf(s, eop), eop);
}

Geodetic itrf_to_geodetic(const Vec3 &r_km)
{
    require_finite(r_km, "r_km");
    Geodetic g{};
    double h_m = 0.0;
    GeographicLib::Geocentric::WGS84().Reverse(r_km.x() * 1000.0, r_km.y() * 1000.0, r_km.z() * 1000.0, g.lat_deg,
                                               g.lon_deg, h_m);
    g.h_km = h_m / 1000.0;
    return g;
}

Vec3 geodetic_to_itrf(const Geodetic &g)
{
    if (!std::isfinite(g.lat_deg) || g.lat_deg < -90.0 || g.lat_deg > 90.0) {
        throw Error(ErrorCode::invalid_argument, "latitude must be in [-90, 90] degrees",
                    ErrorContext{"", 0, "lat_deg", fmt::format("{}", g.lat_deg)});
    }
    if (!std::isfinite(g.lon_deg)) {
        throw Error(ErrorCode::invalid_argument, "longitude must be finite",
                    ErrorContext{"", 0, "lon_deg", fmt::format("{}", g.lon_deg)});
    }
    if (!std::isfinite(g.h_km)) {
        throw Error(ErrorCode::invalid_argument, "height must be finite",
                    ErrorContext{"", 0, "h_km", fmt::format("{}", g.h_km)});
    }
    double x_m = 0.0, y_m = 0.0, z_m = 0.0;
    GeographicLib::Geocentric::WGS84().Forward(g.lat_deg, g.lon_deg, g.h_km * 1000.0, x_m, y_m, z_m);
    return Vec3(x_m, y_m, z_m) / 1000.0;
}

} // namespace vantage::frames
