#pragma once
/// @file
/// Test-visible internals of Vantage's SGP4/SDP4: the initialised constants as one plain struct
/// (`Sgp4Record`), the initialiser, the pure propagation kernel and Vallado's epoch / sidereal-time
/// helpers. Public code uses `vantage/orbits/sgp4_propagator.hpp`; this header exists so that tests
/// and a later vectorised batch kernel can reach the flat data.
///
/// Everything here is in SGP4's internal units: distances in Earth radii, time in minutes, angles in
/// radians, mean motion in radians per minute ("Kozai" on input, "Brouwer"/un-Kozai after init).

#include <cstdint>

namespace vantage::orbits {
enum class GravityModel;
enum class OpsMode;
enum class Sgp4Status : int;
} // namespace vantage::orbits

namespace vantage::orbits::detail {

/// Geopotential constants of one gravity model (Vallado 2006, `getgravconst`).
struct Sgp4Gravity {
    double mu_km3_s2 = 0.0;    ///< gravitational parameter (km^3/s^2)
    double radius_km = 0.0;    ///< equatorial radius (km); SGP4's distance unit "Earth radius"
    double xke = 0.0;          ///< sqrt(mu) in Earth radii^1.5 per minute
    double tumin = 0.0;        ///< 1 / xke (minutes per time unit)
    double j2 = 0.0;           ///< zonal harmonics (dimensionless)
    double j3 = 0.0;
    double j4 = 0.0;
    double j3oj2 = 0.0;        ///< j3 / j2
};

/// Constants of WGS-72old, WGS-72 or WGS-84 exactly as Vallado 2006 defines them.
Sgp4Gravity sgp4_gravity(GravityModel model) noexcept;

/// Mean elements in SGP4 units, the input of `sgp4_init` (what Vallado's `twoline2rv` hands to
/// `sgp4init`).
struct Sgp4MeanElements {
    double epoch_days = 0.0;     ///< epoch in days since 1949-12-31 00:00 UTC (JD 2433281.5)
    double bstar = 0.0;          ///< B* drag term (1/Earth radii)
    double ecco = 0.0;           ///< eccentricity
    double argpo_rad = 0.0;      ///< argument of perigee (rad)
    double inclo_rad = 0.0;      ///< inclination (rad)
    double mo_rad = 0.0;         ///< mean anomaly (rad)
    double no_kozai_rad_min = 0.0; ///< Kozai mean motion (rad/min)
    double nodeo_rad = 0.0;      ///< right ascension of the ascending node (rad)
};

/// The initialised SGP4/SDP4 constants of one satellite: a plain, trivially copyable struct of
/// doubles and ints (no pointers, no strings) so that a batch kernel can lay many of them out as
/// structure-of-arrays later. Field names follow Vallado 2006 so the code can be read next to the
/// paper. Nothing in here changes after `sgp4_init`: the deep-space resonance integrator state that
/// Vallado keeps in `satrec` (atime, xli, xni) is *not* stored; `sgp4_propagate` re-integrates from
/// epoch on every call (same 720-min step grid, so the same numbers).
struct Sgp4Record {
    // --- model selection ---
    int deep_space = 0;  ///< 1: SDP4 ("method 'd'", period >= 225 min); 0: SGP4 near-Earth
    int isimp = 0;       ///< 1: simplified drag (perigee < 220 km or deep space)
    int irez = 0;        ///< resonance: 0 none, 1 one-day (24 h, synchronous), 2 half-day (12 h)
    int afspc = 0;       ///< 1: opsmode 'a' (AFSPC), 0: opsmode 'i' (improved)
    int init_error = 0;  ///< SGP4 error code of the t = 0 call made by sgp4init (0 = ok)

    // --- gravity model ---
    double radius_km = 0.0, xke = 0.0, j2 = 0.0, j3oj2 = 0.0, vkmpersec = 0.0;

    // --- mean elements at epoch (rad, rad/min) ---
    double ecco = 0.0, inclo = 0.0, nodeo = 0.0, argpo = 0.0, mo = 0.0;
    double no_unkozai = 0.0; ///< Brouwer mean motion (rad/min) recovered by initl
    double bstar = 0.0;
    double gsto = 0.0;       ///< Greenwich sidereal angle at epoch (rad)

    // --- near-Earth secular and drag coefficients (sgp4init) ---
    double aycof = 0.0, con41 = 0.0, cc1 = 0.0, cc4 = 0.0, cc5 = 0.0, d2 = 0.0, d3 = 0.0, d4 = 0.0;
    double delmo = 0.0, eta = 0.0, argpdot = 0.0, omgcof = 0.0, sinmao = 0.0;
    double t2cof = 0.0, t3cof = 0.0, t4cof = 0.0, t5cof = 0.0;
    double x1mth2 = 0.0, x7thm1 = 0.0, mdot = 0.0, nodedot = 0.0, xlcof = 0.0, xmcof = 0.0, nodecf = 0.0;

    // --- deep-space lunar-solar periodic coefficients (dscom) ---
    double e3 = 0.0, ee2 = 0.0, peo = 0.0, pgho = 0.0, pho = 0.0, pinco = 0.0, plo = 0.0;
    double se2 = 0.0, se3 = 0.0, sgh2 = 0.0, sgh3 = 0.0, sgh4 = 0.0, sh2 = 0.0, sh3 = 0.0;
    double si2 = 0.0, si3 = 0.0, sl2 = 0.0, sl3 = 0.0, sl4 = 0.0;
    double xgh2 = 0.0, xgh3 = 0.0, xgh4 = 0.0, xh2 = 0.0, xh3 = 0.0, xi2 = 0.0, xi3 = 0.0;
    double xl2 = 0.0, xl3 = 0.0, xl4 = 0.0, zmol = 0.0, zmos = 0.0;

    // --- deep-space secular rates and resonance coefficients (dsinit) ---
    double dedt = 0.0, didt = 0.0, dmdt = 0.0, dnodt = 0.0, domdt = 0.0;
    double d2201 = 0.0, d2211 = 0.0, d3210 = 0.0, d3222 = 0.0, d4410 = 0.0, d4422 = 0.0;
    double d5220 = 0.0, d5232 = 0.0, d5421 = 0.0, d5433 = 0.0;
    double del1 = 0.0, del2 = 0.0, del3 = 0.0, xfact = 0.0, xlamo = 0.0;
};

/// Vallado 2006 `sgp4init` (with `initl`, `dscom`, `dpper` at init and `dsinit`), including the t = 0
/// propagation whose error code it stores in `init_error`. Never throws.
Sgp4Record sgp4_init(const Sgp4MeanElements &elements, GravityModel gravity, OpsMode opsmode) noexcept;

/// Vallado 2006 `sgp4` (with `dspace` and `dpper`), as a pure function of the record.
/// @param rec initialised record
/// @param tsince_min minutes since epoch (any sign)
/// @param r_km position in TEME of epoch (km); set for status ok and decayed, zero otherwise
/// @param v_km_s velocity in TEME of epoch (km/s); as r_km
/// @return the SGP4 status (0 = ok; 1-6 as in Vallado)
Sgp4Status sgp4_propagate(const Sgp4Record &rec, double tsince_min, double r_km[3], double v_km_s[3]) noexcept;

/// Vallado's `days2mdhms` + `jday`: Julian date (UTC) of a TLE epoch given the 4-digit year and the
/// day of year with fraction (1.0 = Jan 1 0h). Same floating-point operation sequence as Vallado,
/// so the SGP4 epoch (`jd - 2433281.5`) is bit-identical to his.
double tle_epoch_jd(int year, double day_of_year) noexcept;

/// Vallado's `jday` (valid 1900-2100): Julian date of a calendar date and time.
double jday(int year, int month, int day, int hour, int minute, double second) noexcept;

/// Vallado's `gstime`: Greenwich mean sidereal angle (rad, [0, 2 pi)) from the IAU-82 GMST polynomial
/// (Vallado 2004 eq. 3-45) at a UT1 Julian date. SGP4 uses it with the UTC epoch in place of UT1.
double gstime(double jd_ut1) noexcept;

} // namespace vantage::orbits::detail
