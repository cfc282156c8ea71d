// Constellation design, named by evidence:
// - ConstellationValidation: against published mission facts nobody here wrote: the inclinations of operational
//   sun-synchronous satellites (their TLEs in examples/eo-satellites.tle, CelesTrak 2025-10-03) and the mean local
//   times of their nodes published by ESA / USGS / Airbus (Sentinel-2: 10:30 descending; Sentinel-1: 18:00
//   ascending; Landsat 8/9: 10:00 ± 15 min descending; Pléiades: 10:30 descending); SMAD's SSO table.
// - ConstellationProperty: the designed orbits, propagated with our SGP4, do what the design claims (mean altitude,
//   nodal drift of the mean Sun, local time of the node after months, Walker phasing between planes).
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <vector>

#include "vantage/core/constants.hpp"
#include "vantage/core/error.hpp"
#include "vantage/frames/transforms.hpp"
#include "vantage/io/tle.hpp"
#include "vantage/orbits/constellation.hpp"
#include "vantage/orbits/detail/sgp4_core.hpp"
#include "vantage/orbits/sgp4_propagator.hpp"

using namespace vantage;
using namespace vantage::orbits;

namespace {

const time::Instant epoch = time::Instant::parse_iso8601("2025-10-03T00:00:00Z");

DesignCommon common()
{
    DesignCommon c;
    c.epoch = epoch;
    c.first_norad_id = 80000;
    c.name_prefix = "TEST";
    return c;
}

/// Time (minutes since epoch) of the first ascending node crossing (TEME z from - to +) after `from_min`,
/// bracketed at 20 s and refined by bisection to 1e-7 min.
double next_ascending_node_min(const Sgp4Propagator &p, double from_min)
{
    constexpr double step_min = 1.0 / 3.0;
    double a = from_min;
    double za = p.propagate_minutes(a).r_km.z();
    for (int i = 0; i < 100000; ++i) {
        const double b = a + step_min;
        const double zb = p.propagate_minutes(b).r_km.z();
        if (za < 0.0 && zb >= 0.0) {
            double lo = a;
            double hi = b;
            while (hi - lo > 1e-7) {
                const double m = 0.5 * (lo + hi);
                (p.propagate_minutes(m).r_km.z() < 0.0 ? lo : hi) = m;
            }
            return 0.5 * (lo + hi);
        }
        a = b;
        za = zb;
    }
    ADD_FAILURE() << "no ascending node found";
    return from_min;
}

/// Osculating RAAN (deg) from the TEME state.
double raan_deg(const Sgp4State &s)
{
    const Vec3 h = s.r_km.cross(s.v_km_s);
    double o = std::atan2(h.x(), -h.y()) * rad_to_deg;
    return o < 0.0 ? o + 360.0 : o;
}

/// Mean local solar time (h) at the sub-satellite point at minutes `t_min`: UTC hours + longitude / 15.
double local_time_at_h(const Sgp4Propagator &p, double t_min)
{
    const time::Instant t = p.elements().epoch + time::Duration::from_minutes(t_min);
    const auto st = p.propagate(t);
    const frames::EarthOrientation no_eop;
    const auto itrf = frames::teme_to_itrf(st, no_eop);
    const double lon = frames::itrf_to_geodetic(itrf.r_km).lon_deg;
    const time::UtcCalendar utc = t.to_utc();
    double lt = utc.hour + utc.minute / 60.0 + utc.second / 3600.0 + lon / 15.0;
    lt = std::fmod(lt, 24.0);
    return lt < 0.0 ? lt + 24.0 : lt;
}

double wrap_h(double d)
{
    while (d > 12.0) {
        d -= 24.0;
    }
    while (d < -12.0) {
        d += 24.0;
    }
    return d;
}

} // namespace

TEST(ConstellationValidation, SsoInclinationMatchesOperationalMissions)
{
    // Operators keep these orbits sun-synchronous, but lunisolar perturbations drift an SSO's inclination by up
    // to ~0.04 deg/year between inclination manoeuvres, and the real orbits are frozen (e ~ 1e-4): 0.06 deg.
    constexpr double operational_incl_tol_deg = 0.06;
    const auto read = io::read_tle_file(VANTAGE_SOURCE_DIR "/examples/eo-satellites.tle");
    ASSERT_EQ(read.items.size(), 11u);
    for (const auto &r : read.items) {
        const double h = sgp4_mean_altitude_km(r.elements);
        const double i = sun_synchronous_inclination_deg(h);
        EXPECT_NEAR(i, r.elements.inclination_deg, operational_incl_tol_deg) << r.elements.object_name << " at " << h << " km";
    }
}

TEST(ConstellationValidation, SsoInclinationMatchesSmadTable)
{
    // Wertz & Larson, Space Mission Analysis and Design (3rd ed.), Fig. 6-8 / Table: circular SSO at 800 km is
    // 98.6 deg (J2 only, read to 0.1 deg); SGP4's J2^2 and J4 terms move it by < 0.01 deg.
    constexpr double smad_read_tol_deg = 0.06;
    EXPECT_NEAR(sun_synchronous_inclination_deg(800.0), 98.6, smad_read_tol_deg);
    // Sentinel-2 (786 km nominal mean altitude, ESA): 98.62 deg.
    EXPECT_NEAR(sun_synchronous_inclination_deg(786.0), 98.62, smad_read_tol_deg);
}

TEST(ConstellationValidation, LocalTimeOfNodeOfOperationalMissions)
{
    // Published mean local times; operators hold them within a few minutes (Landsat within +-15 min).
    struct Mission {
        std::uint32_t norad;
        NodeKind node;
        double lt_h;
        double tol_h;
    };
    const std::vector<Mission> missions = {
        {40697, NodeKind::descending, 10.5, 5.0 / 60.0},  // Sentinel-2A
        {42063, NodeKind::descending, 10.5, 5.0 / 60.0},  // Sentinel-2B
        {39634, NodeKind::ascending, 18.0, 5.0 / 60.0},   // Sentinel-1A
        {62261, NodeKind::ascending, 18.0, 5.0 / 60.0},   // Sentinel-1C
        {39084, NodeKind::descending, 10.0, 15.0 / 60.0}, // Landsat 8
        {49260, NodeKind::descending, 10.0, 15.0 / 60.0}, // Landsat 9
        {38012, NodeKind::descending, 10.5, 15.0 / 60.0}, // Pleiades 1A
    };
    const auto read = io::read_tle_file(VANTAGE_SOURCE_DIR "/examples/eo-satellites.tle");
    for (const auto &m : missions) {
        const auto it = std::find_if(read.items.begin(), read.items.end(),
                                     [&](const io::ElementRecord &r) { return r.elements.norad_id == m.norad; });
        ASSERT_NE(it, read.items.end());
        const double lt = mean_local_time_of_node_h(it->elements, m.node);
        EXPECT_NEAR(wrap_h(lt - m.lt_h), 0.0, m.tol_h) << it->elements.object_name << ": " << lt << " h";
        // The same local time measured on the propagated orbit (UTC + longitude/15 at the ascending node).
        const Sgp4Propagator p(it->elements);
        const double t_node = next_ascending_node_min(p, 0.0);
        const double measured = local_time_at_h(p, t_node) + (m.node == NodeKind::descending ? 12.0 : 0.0);
        // The osculating node crossing differs from the mean node by SGP4's short-period terms (~0.01 deg = 2.4 s).
        constexpr double crossing_tol_h = 10.0 / 3600.0;
        EXPECT_NEAR(wrap_h(measured - lt), 0.0, crossing_tol_h) << it->elements.object_name;
    }
}

TEST(ConstellationProperty, MeanAltitudeIsTheAskedOne)
{
    // The design inverts SGP4's Kozai->Brouwer step exactly; the TLE's 1e-8 rev/day rounds a0'' by up to ~3 mm.
    constexpr double inversion_tol_km = 1e-5;
    // Time-averaged SGP4 radius vs a0'' - 0.75 J2 Re^2 (3cos^2 i - 1)/a0'' (SGP4's J2 short-period radius term),
    // averaged over 15 whole nodal periods: the cos 2u term and the once-per-orbit term of SGP4's J3 long-period
    // eccentricity (~1e-3 sin i, +-7 km) average out; what is left is O(e^2) a ~ 5 m and O(J2^2) terms.
    constexpr double mean_radius_tol_km = 0.02;
    const auto g = detail::sgp4_gravity(GravityModel::wgs72);
    double worst_km = 0.0;
    double worst_alt_km = 0.0;
    for (const double h : {400.0, 550.0, 800.0, 1200.0}) {
        for (const double incl : {0.0, 53.0, 90.0, 97.6}) {
            WalkerSpec w;
            w.total = 1;
            w.planes = 1;
            w.altitude_km = h;
            w.inclination_deg = incl;
            const auto els = walker_constellation(w, common());
            ASSERT_EQ(els.size(), 1u);
            EXPECT_NEAR(sgp4_mean_altitude_km(els[0]), h, inversion_tol_km) << h << " km, " << incl << " deg";
            const Sgp4Propagator p(els[0]);
            double t_begin = 0.0;
            double t_end = 1440.0 * 15.0 / els[0].mean_motion_rev_day;
            if (incl > 0.0) { // whole nodal periods (an equatorial orbit has no node: whole Kozai periods)
                t_begin = next_ascending_node_min(p, 0.0);
                t_end = t_begin;
                for (int k = 0; k < 15; ++k) {
                    t_end = next_ascending_node_min(p, t_end + 1.0);
                }
            }
            double sum = 0.0;
            const int n = 20000;
            for (int s = 0; s < n; ++s) { // midpoint rule
                sum += p.propagate_minutes(t_begin + (s + 0.5) * (t_end - t_begin) / n).r_km.norm();
            }
            const double a = g.radius_km + h;
            const double c = std::cos(els[0].inclination_deg * deg_to_rad);
            const double expected = a - 0.75 * g.j2 * g.radius_km * g.radius_km * (3.0 * c * c - 1.0) / a;
            EXPECT_NEAR(sum / n, expected, mean_radius_tol_km) << h << " km, " << incl << " deg";
            worst_km = std::max(worst_km, std::abs(sum / n - expected));
            worst_alt_km = std::max(worst_alt_km, std::abs(sgp4_mean_altitude_km(els[0]) - h));
        }
    }
    std::cout << "[ design ] mean altitude: inversion error " << worst_alt_km * 1e6 << " mm, time-averaged "
              << "radius vs Brouwer relation " << worst_km * 1e3 << " m\n";
}

TEST(ConstellationProperty, SsoNodeDriftsWithTheMeanSun)
{
    // Osculating RAAN measured at ascending-node crossings 30 days apart (same orbital phase, so the short-period
    // node terms cancel): the rate equals the mean Sun's 0.98564736629 deg/day. The 1e-4 deg rounding of the TLE
    // inclination changes the rate by ~1.2e-5 relative; 2e-4 deg/day is far below a visible local-time drift.
    constexpr double drift_tol_deg_day = 2e-4;
    for (const double h : {500.0, 700.0, 1000.0}) {
        SsoSpec s;
        s.altitude_km = h;
        s.local_times_h = {10.5};
        s.node = NodeKind::descending;
        const auto els = sun_synchronous_constellation(s, common());
        ASSERT_EQ(els.size(), 1u);
        EXPECT_GT(els[0].inclination_deg, 97.0);
        EXPECT_NEAR(sgp4_nodal_rate_deg_day(els[0]), mean_sun_rate_deg_day, 2e-5);
        const Sgp4Propagator p(els[0]);
        const double t0 = next_ascending_node_min(p, 0.0);
        const double t1 = next_ascending_node_min(p, 30.0 * 1440.0);
        double d = raan_deg(p.propagate_minutes(t1)) - raan_deg(p.propagate_minutes(t0));
        d = std::fmod(d + 360.0, 360.0);
        EXPECT_NEAR(d / ((t1 - t0) / 1440.0), mean_sun_rate_deg_day, drift_tol_deg_day) << h << " km";
        std::cout << "[ design ] SSO " << h << " km: inclination " << els[0].inclination_deg << " deg, measured node drift "
                  << d / ((t1 - t0) / 1440.0) << " deg/day over 30 days\n";
    }
}

TEST(ConstellationProperty, LocalTimeOfNodeHoldsForMonths)
{
    // Local time measured on the propagated orbit (UTC + sub-satellite longitude / 15 at the ascending node, via
    // frames::teme_to_itrf), at the epoch and 180 days later. Sources of difference: SGP4 short-period terms at
    // the crossing (~2 s), precession of the mean equinox (TEME of epoch vs of date: 25" in 180 days = 1.7 s),
    // UT1 = UTC. 20 s.
    constexpr double local_time_tol_h = 20.0 / 3600.0;
    double worst_lt_s = 0.0;
    for (const double lt : {6.0, 10.5, 13.5, 22.25}) {
        for (const NodeKind node : {NodeKind::ascending, NodeKind::descending}) {
            SsoSpec s;
            s.altitude_km = 700.0;
            s.local_times_h = {lt};
            s.node = node;
            const auto els = sun_synchronous_constellation(s, common());
            EXPECT_NEAR(wrap_h(mean_local_time_of_node_h(els[0], node) - lt), 0.0, 1e-4);
            const Sgp4Propagator p(els[0]);
            const double ltan = node == NodeKind::ascending ? lt : std::fmod(lt + 12.0, 24.0);
            for (const double day : {0.0, 180.0}) {
                const double t = next_ascending_node_min(p, day * 1440.0);
                EXPECT_NEAR(wrap_h(local_time_at_h(p, t) - ltan), 0.0, local_time_tol_h)
                    << "LT " << lt << " day " << day;
                worst_lt_s = std::max(worst_lt_s, std::abs(wrap_h(local_time_at_h(p, t) - ltan)) * 3600.0);
            }
        }
    }
    std::cout << "[ design ] local time of the node, measured at day 0 and 180: worst " << worst_lt_s << " s\n";
}

TEST(ConstellationProperty, WalkerPhasingBetweenPlanes)
{
    // 24/3/1 delta at 550 km, 53 deg: RAAN spacing 120 deg; satellite k of plane j+1 leads satellite k of plane j by
    // F*360/T = 15 deg in argument of latitude. Measured from propagation: the lead is (node-crossing time
    // difference) x (360 deg / nodal period); all satellites share a and i, so SGP4's short-period terms are the same
    // at every crossing and cancel (what remains is the 1e-4 deg TLE rounding of the angles).
    constexpr double phasing_tol_deg = 2e-3;
    WalkerSpec w;
    w.total = 24;
    w.planes = 3;
    w.phasing = 1;
    w.altitude_km = 550.0;
    w.inclination_deg = 53.0;
    const auto els = walker_constellation(w, common());
    ASSERT_EQ(els.size(), 24u);
    EXPECT_EQ(els.front().norad_id, 80000u);
    EXPECT_EQ(els.back().norad_id, 80023u);
    EXPECT_EQ(els.front().object_name, "TEST-P01-S01");
    EXPECT_EQ(els.back().object_name, "TEST-P03-S08");
    for (int j = 0; j < 3; ++j) {
        for (int k = 0; k < 8; ++k) {
            const auto &e = els[static_cast<std::size_t>(j * 8 + k)];
            EXPECT_NEAR(e.raan_deg, 120.0 * j, 1e-9);
            EXPECT_NEAR(e.mean_anomaly_deg, std::fmod(45.0 * k + 15.0 * j, 360.0), 1e-9);
            EXPECT_EQ(e.eccentricity, 0.0);
        }
    }
    const Sgp4Propagator p0(els[0]);
    const double a0 = next_ascending_node_min(p0, 0.0);
    const double period_min = next_ascending_node_min(p0, a0 + 1.0) - a0;
    for (int j = 1; j < 3; ++j) {
        const Sgp4Propagator pj(els[static_cast<std::size_t>(j * 8)]);
        const double aj = next_ascending_node_min(pj, 0.0);
        double lead = std::fmod((a0 - aj) / period_min * 360.0 + 720.0, 360.0);
        EXPECT_NEAR(lead, 15.0 * j, phasing_tol_deg) << "plane " << j;
        std::cout << "[ design ] Walker 24/3/1: plane " << j << " leads plane 0 by " << lead << " deg\n";
        // RAAN spacing 120 deg, measured at each plane's own crossing (the node drifts meanwhile at the common rate);
        // the short-period node terms are equal at equal u: 0.01 deg.
        constexpr double raan_spacing_tol_deg = 0.01;
        const double expected = 120.0 * j + (aj - a0) / 1440.0 * sgp4_nodal_rate_deg_day(els[0]);
        const double measured = raan_deg(pj.propagate_minutes(aj)) - raan_deg(p0.propagate_minutes(a0));
        EXPECT_NEAR(std::remainder(measured - expected, 360.0), 0.0, raan_spacing_tol_deg) << "plane " << j;
    }
}

TEST(ConstellationProperty, StarSpreadsPlanesOver180Degrees)
{
    WalkerSpec w;
    w.type = WalkerType::star;
    w.total = 66;
    w.planes = 6;
    w.phasing = 2;
    w.altitude_km = 780.0;
    w.inclination_deg = 86.4;
    const auto els = walker_constellation(w, common());
    ASSERT_EQ(els.size(), 66u);
    for (int j = 0; j < 6; ++j) {
        EXPECT_NEAR(els[static_cast<std::size_t>(j * 11)].raan_deg, 30.0 * j, 1e-9);
    }
}

TEST(ConstellationProperty, DesignedElementsRoundTripThroughTle)
{
    // Every value is at TLE precision, so format_tle + parse_tle reproduce the element set exactly.
    SsoSpec s;
    s.altitude_km = 693.0;
    s.local_times_h = {10.5, 22.5};
    s.node = NodeKind::descending;
    s.sats_per_plane = 3;
    DesignCommon c = common();
    c.epoch = time::Instant::parse_iso8601("2025-10-03T12:34:56.789Z");
    const auto els = sun_synchronous_constellation(s, c);
    ASSERT_EQ(els.size(), 6u);
    for (const auto &e : els) {
        const auto lines = io::format_tle(e);
        const ElementSet back = io::parse_tle(lines[0], lines[1], e.object_name);
        EXPECT_EQ(back.mean_motion_rev_day, e.mean_motion_rev_day);
        EXPECT_EQ(back.inclination_deg, e.inclination_deg);
        EXPECT_EQ(back.raan_deg, e.raan_deg);
        EXPECT_EQ(back.mean_anomaly_deg, e.mean_anomaly_deg);
        EXPECT_EQ(back.epoch_day_of_year, e.epoch_day_of_year);
        // The stated epoch is rounded to the TLE's 1e-8 day (<= 0.432 ms).
        EXPECT_LE(std::abs((back.epoch - c.epoch).seconds()), 0.000433);
        EXPECT_LE(std::abs((back.epoch - e.epoch).seconds()), 1e-6);
    }
}

TEST(ConstellationParseErrors, BadSpecsNameTheField)
{
    WalkerSpec w;
    w.total = 10;
    w.planes = 3;
    w.altitude_km = 550.0;
    w.inclination_deg = 53.0;
    try {
        walker_constellation(w, common());
        FAIL();
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
        EXPECT_EQ(e.context().field, "planes");
    }
    w.planes = 2;
    w.phasing = 2;
    try {
        walker_constellation(w, common());
        FAIL();
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.code(), ErrorCode::out_of_range);
        EXPECT_EQ(e.context().field, "phasing");
    }
    try {
        sun_synchronous_inclination_deg(7000.0);
        FAIL();
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.code(), ErrorCode::out_of_range);
        EXPECT_EQ(e.context().field, "altitude_km");
    }
    DesignCommon c = common();
    c.first_norad_id = 339995; // 10 satellites would need up to 340004
    w.phasing = 0;
    try {
        walker_constellation(w, c);
        FAIL();
    } catch (const ConfigError &e) {
        EXPECT_EQ(e.context().field, "first_norad_id");
    }
}
