// Constellation design (Walker, sun-synchronous, circular orbits) as SGP4 mean elements; see the header for the
// conventions and docs/coverage.md § Constellation design for the derivations.

#include "vantage/orbits/constellation.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "tle_rounding.hpp"
#include "vantage/core/constants.hpp"
#include "vantage/core/error.hpp"
#include "vantage/orbits/detail/sgp4_core.hpp"

namespace vantage::orbits {

namespace {

using detail::round_to;
using detail::tle_angle_deg;

[[noreturn]] void bad(ErrorCode code, const std::string &field, double value, const std::string &message)
{
    throw ConfigError(code, message, ErrorContext{"", 0, field, fmt::format("{}", value)});
}

void check_range(const std::string &field, double v, double lo, double hi)
{
    if (!(v >= lo && v <= hi)) {
        bad(ErrorCode::out_of_range, field, v, fmt::format("must be in [{}, {}]", lo, hi));
    }
}

/// Kozai mean motion (rad/min) whose SGP4 Brouwer mean motion is `no_unkozai` (Vallado 2006 initl inverted).
double kozai_from_brouwer(double no_unkozai, double inclination_rad, double eccentricity, const detail::Sgp4Gravity &g)
{
    constexpr double x2o3 = 2.0 / 3.0;
    const double cosio = std::cos(inclination_rad);
    const double omeosq = 1.0 - eccentricity * eccentricity;
    const double d1 = 0.75 * g.j2 * (3.0 * cosio * cosio - 1.0) / (std::sqrt(omeosq) * omeosq);
    // NOTE: n_kozai = n'' (1 + δ0(n_kozai)); δ0 ~ 1e-3 and depends weakly on n_kozai (through a1), so the fixed
    // point contracts by ~1e-3 per step: 3-4 steps reach double precision; 50 is a safe cap.
    double n = no_unkozai;
    for (int it = 0; it < 50; ++it) {
        const double ak = std::pow(g.xke / n, x2o3);
        double del = d1 / (ak * ak);
        const double adel = ak * (1.0 - del * del - del * (1.0 / 3.0 + 134.0 * del * del / 81.0));
        del = d1 / (adel * adel);
        const double next = no_unkozai * (1.0 + del);
        const bool done = std::abs(next - n) <= 1e-15 * n;
        n = next;
        if (done) {
            break;
        }
    }
    return n;
}

/// The epoch as a TLE can state it: day of year rounded to 1e-8 (<= 0.432 ms); both fields and the Instant agree.
void set_design_epoch(ElementSet &e, const time::Instant &epoch)
{
    set_epoch_from_instant(e, epoch);
    const double day = round_to(e.epoch_day_of_year, 8);
    const time::UtcCalendar utc = epoch.to_utc();
    const time::Instant midnight = time::Instant::from_utc(time::UtcCalendar{utc.year, utc.month, utc.day, 0, 0, 0.0});
    const double frac = day - std::floor(e.epoch_day_of_year);
    e.epoch = midnight + time::Duration::from_seconds(frac * seconds_per_day);
    e.epoch_day_of_year = day;
}

/// A circular element set (e = 0, ω = 0, M = u), values at TLE precision.
ElementSet circular(double altitude_km, double inclination_deg, double raan_deg, double arg_latitude_deg,
                    const DesignCommon &c, std::uint32_t norad_id, std::string name)
{
    ElementSet e;
    e.object_name = std::move(name);
    e.norad_id = norad_id;
    e.classification = 'U';
    set_design_epoch(e, c.epoch);
    e.inclination_deg = round_to(inclination_deg, 4);
    e.raan_deg = tle_angle_deg(raan_deg);
    e.eccentricity = 0.0;
    e.arg_perigee_deg = 0.0;
    e.mean_anomaly_deg = tle_angle_deg(arg_latitude_deg);
    e.mean_motion_rev_day = round_to(sgp4_mean_motion_rev_day(altitude_km, e.inclination_deg, 0.0, c.gravity), 8);
    e.element_set_no = 1;
    e.rev_at_epoch = 0;
    return e;
}

void check_ids(const DesignCommon &c, std::size_t count)
{
    if (static_cast<double>(c.first_norad_id) + static_cast<double>(count) - 1.0 > 339999.0) {
        bad(ErrorCode::out_of_range, "first_norad_id", c.first_norad_id,
            fmt::format("{} satellites from this catalog number exceed 339999 (the largest alpha-5 number)", count));
    }
}

std::string plane_sat_name(const DesignCommon &c, int plane, int sat)
{
    return fmt::format("{}-P{:02d}-S{:02d}", c.name_prefix, plane + 1, sat + 1);
}

} // namespace

double sgp4_mean_motion_rev_day(double altitude_km, double inclination_deg, double eccentricity, GravityModel gravity)
{
    const detail::Sgp4Gravity g = detail::sgp4_gravity(gravity);
    if (!(altitude_km > -0.5 * g.radius_km) || !std::isfinite(altitude_km)) {
        bad(ErrorCode::out_of_range, "altitude_km", altitude_km, "altitude must be above -R_e/2");
    }
    if (!(eccentricity >= 0.0 && eccentricity < 1.0)) {
        bad(ErrorCode::out_of_range, "eccentricity", eccentricity, "must be in [0, 1)");
    }
    const double ao = (g.radius_km + altitude_km) / g.radius_km; // a0'' in Earth radii
    const double no_unkozai = g.xke / std::pow(ao, 1.5);          // Brouwer mean motion (rad/min)
    const double n = kozai_from_brouwer(no_unkozai, inclination_deg * deg_to_rad, eccentricity, g);
    return n * minutes_per_day / two_pi;
}

double sgp4_mean_altitude_km(const ElementSet &elements, GravityModel gravity)
{
    const Sgp4Propagator p(elements, Sgp4Options{gravity, OpsMode::improved});
    const auto &r = p.record();
    return (std::pow(r.xke / r.no_unkozai, 2.0 / 3.0) - 1.0) * r.radius_km;
}

double sgp4_nodal_rate_deg_day(const ElementSet &elements, GravityModel gravity)
{
    const Sgp4Propagator p(elements, Sgp4Options{gravity, OpsMode::improved});
    const auto &r = p.record();
    // Vallado 2006 sgp4: nodem = nodeo + nodedot t (+ nodecf t², zero without drag) (+ dnodt t in deep space).
    const double rate_rad_min = r.nodedot + (r.deep_space != 0 ? r.dnodt : 0.0);
    return rate_rad_min * minutes_per_day * rad_to_deg;
}

double sun_synchronous_inclination_deg(double altitude_km, GravityModel gravity)
{
    check_range("altitude_km", altitude_km, 150.0, 5900.0);
    const detail::Sgp4Gravity g = detail::sgp4_gravity(gravity);
    const double target_deg_day = mean_sun_rate_deg_day;
    ElementSet e;
    e.epoch_year = 2025;
    e.epoch_day_of_year = 1.0;
    auto rate = [&](double cos_i) {
        e.inclination_deg = std::acos(std::clamp(cos_i, -1.0, 1.0)) * rad_to_deg;
        e.mean_motion_rev_day = sgp4_mean_motion_rev_day(altitude_km, e.inclination_deg, 0.0, gravity);
        return sgp4_nodal_rate_deg_day(e, gravity) - target_deg_day;
    };
    // J2 closed form (Vallado 2013 eq. 9-41 with e = 0): Ω̇ = −1.5 n J2 (Re/a)² cos i.
    const double ao = (g.radius_km + altitude_km) / g.radius_km;
    const double n_rad_day = g.xke / std::pow(ao, 1.5) * minutes_per_day;
    double x0 = -(target_deg_day * deg_to_rad) / (1.5 * n_rad_day * g.j2 / (ao * ao));
    if (x0 < -1.0) {
        bad(ErrorCode::out_of_range, "altitude_km", altitude_km, "no sun-synchronous circular orbit at this altitude");
    }
    // Secant on cos i against SGP4's own secular rate (J2, J2², J4): the rate is nearly linear in cos i.
    double x1 = x0 * (1.0 + 1e-4);
    double f0 = rate(x0);
    double f1 = rate(x1);
    for (int it = 0; it < 30 && f1 != 0.0 && f1 != f0; ++it) {
        const double x2 = x1 - f1 * (x1 - x0) / (f1 - f0);
        x0 = x1;
        f0 = f1;
        x1 = x2;
        f1 = rate(x1);
        if (std::abs(f1) < 1e-13) {
            break;
        }
    }
    if (!(x1 >= -1.0 && x1 < 0.0)) {
        bad(ErrorCode::out_of_range, "altitude_km", altitude_km, "no sun-synchronous circular orbit at this altitude");
    }
    return round_to(std::acos(x1) * rad_to_deg, 4);
}

double mean_sun_right_ascension_deg(const time::Instant &t)
{
    const time::JulianDate jd = t.utc_jd();
    const double gmst_deg = detail::gstime(jd.jd1 + jd.jd2) * rad_to_deg;
    const time::UtcCalendar utc = t.to_utc();
    const double ut_h = utc.hour + utc.minute / 60.0 + utc.second / 3600.0;
    double a = std::fmod(gmst_deg - 15.0 * (ut_h - 12.0), 360.0);
    return a < 0.0 ? a + 360.0 : a;
}

double raan_for_local_time_deg(double local_time_h, NodeKind node, const time::Instant &epoch)
{
    check_range("local_time_h", local_time_h, 0.0, 24.0);
    const double ltan_h = node == NodeKind::ascending ? local_time_h : std::fmod(local_time_h + 12.0, 24.0);
    double raan = std::fmod(mean_sun_right_ascension_deg(epoch) + 15.0 * (ltan_h - 12.0), 360.0);
    return raan < 0.0 ? raan + 360.0 : raan;
}

double mean_local_time_of_node_h(const ElementSet &elements, NodeKind node)
{
    double lt = 12.0 + (elements.raan_deg - mean_sun_right_ascension_deg(elements.epoch)) / 15.0;
    if (node == NodeKind::descending) {
        lt += 12.0;
    }
    lt = std::fmod(lt, 24.0);
    return lt < 0.0 ? lt + 24.0 : lt;
}

std::vector<ElementSet> walker_constellation(const WalkerSpec &s, const DesignCommon &c)
{
    if (s.total < 1 || s.total > 100000) {
        bad(ErrorCode::out_of_range, "total", s.total, "must be in [1, 100000]");
    }
    if (s.planes < 1 || s.planes > s.total) {
        bad(ErrorCode::out_of_range, "planes", s.planes, fmt::format("must be in [1, total = {}]", s.total));
    }
    if (s.total % s.planes != 0) {
        bad(ErrorCode::invalid_argument, "planes", s.planes,
            fmt::format("must divide the total ({}) so that every plane holds the same number of satellites", s.total));
    }
    if (s.phasing < 0 || s.phasing >= s.planes) {
        bad(ErrorCode::out_of_range, "phasing", s.phasing, fmt::format("must be in [0, planes - 1 = {}]", s.planes - 1));
    }
    check_range("altitude_km", s.altitude_km, 150.0, 40000.0);
    check_range("inclination_deg", s.inclination_deg, 0.0, 180.0);
    const double spread = s.raan_spread_deg.value_or(s.type == WalkerType::delta ? 360.0 : 180.0);
    if (!(spread > 0.0 && spread <= 360.0)) {
        bad(ErrorCode::out_of_range, "raan_spread_deg", spread, "must be in (0, 360]");
    }
    check_ids(c, static_cast<std::size_t>(s.total));
    const int per_plane = s.total / s.planes;
    std::vector<ElementSet> out;
    out.reserve(static_cast<std::size_t>(s.total));
    for (int j = 0; j < s.planes; ++j) {
        const double raan = s.raan0_deg + j * spread / s.planes;
        for (int k = 0; k < per_plane; ++k) {
            // Walker 1984: u_jk = u0 + k 360/S + j F 360/T.
            const double u = s.arg_latitude0_deg + k * 360.0 / per_plane + j * s.phasing * 360.0 / s.total;
            out.push_back(circular(s.altitude_km, s.inclination_deg, raan, u, c,
                                   c.first_norad_id + static_cast<std::uint32_t>(out.size()), plane_sat_name(c, j, k)));
        }
    }
    return out;
}

std::vector<ElementSet> sun_synchronous_constellation(const SsoSpec &s, const DesignCommon &c)
{
    check_range("altitude_km", s.altitude_km, 150.0, 5900.0);
    if (s.local_times_h.empty()) {
        throw ConfigError(ErrorCode::missing_field, "give at least one local time of the node",
                          ErrorContext{"", 0, "local_times_h", ""});
    }
    for (double lt : s.local_times_h) {
        if (!(lt >= 0.0 && lt < 24.0)) {
            bad(ErrorCode::out_of_range, "local_times_h", lt, "must be in [0, 24) hours");
        }
    }
    if (s.sats_per_plane < 1 || s.sats_per_plane > 10000) {
        bad(ErrorCode::out_of_range, "sats_per_plane", s.sats_per_plane, "must be in [1, 10000]");
    }
    const int planes = static_cast<int>(s.local_times_h.size());
    const int total = planes * s.sats_per_plane;
    if (s.phasing < 0 || s.phasing >= std::max(planes, 1)) {
        bad(ErrorCode::out_of_range, "phasing", s.phasing, fmt::format("must be in [0, planes - 1 = {}]", planes - 1));
    }
    check_ids(c, static_cast<std::size_t>(total));
    const double incl = sun_synchronous_inclination_deg(s.altitude_km, c.gravity);
    std::vector<ElementSet> out;
    for (int j = 0; j < planes; ++j) {
        const double raan = raan_for_local_time_deg(s.local_times_h[static_cast<std::size_t>(j)], s.node, c.epoch);
        for (int k = 0; k < s.sats_per_plane; ++k) {
            const double u = s.arg_latitude0_deg + k * 360.0 / s.sats_per_plane + j * s.phasing * 360.0 / total;
            out.push_back(circular(s.altitude_km, incl, raan, u, c, c.first_norad_id + static_cast<std::uint32_t>(out.size()),
                                   plane_sat_name(c, j, k)));
        }
    }
    return out;
}

std::vector<ElementSet> circular_orbits(const std::vector<CircularOrbitSpec> &orbits, const DesignCommon &c)
{
    check_ids(c, orbits.size());
    std::vector<ElementSet> out;
    for (std::size_t i = 0; i < orbits.size(); ++i) {
        const auto &o = orbits[i];
        check_range(fmt::format("orbits[{}].altitude_km", i), o.altitude_km, 150.0, 40000.0);
        check_range(fmt::format("orbits[{}].inclination_deg", i), o.inclination_deg, 0.0, 180.0);
        out.push_back(circular(o.altitude_km, o.inclination_deg, o.raan_deg, o.arg_latitude_deg, c,
                               c.first_norad_id + static_cast<std::uint32_t>(i), fmt::format("{}-{:03d}", c.name_prefix, i + 1)));
    }
    return out;
}

} // namespace vantage::orbits
