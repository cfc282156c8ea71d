// Sgp4Property: invariants of Vantage's SGP4 that need no external reference: purity (same input,
// same bits, whatever was called before or on which thread), batch == scalar, the error mapping,
// gravity-model and opsmode selection, and the epoch helpers.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "vantage/io/tle.hpp"
#include "vantage/orbits/sgp4_batch.hpp"
#include "vantage/orbits/sgp4_propagator.hpp"

namespace vantage::orbits {
namespace {

// Representative cases of Vallado's SGP4-VER.TLE (same TLE text, so the tests need no file):
// near-Earth with drag, 12 h resonant Molniya-type, 24 h resonant GEO, and the Lyddane case.
ElementSet tle(const char *l1, const char *l2)
{
    return io::parse_tle(l1, l2, {}, io::TleReadOptions{.verify_checksum = false});
}
ElementSet near_earth_00005()
{
    return tle("1 00005U 58002B   00179.78495062  .00000023  00000-0  28098-4 0  4753",
               "2 00005  34.2682 348.7242 1859667 331.7664  19.3264 10.82419157413667");
}
ElementSet resonant_12h_09880()
{
    return tle("1 09880U 77021A   06176.56157475  .00000421  00000-0  10000-3 0  9814",
               "2 09880  64.5968 349.3786 7069051 270.0229  16.3320  2.00813614112380");
}
ElementSet resonant_24h_24208()
{
    return tle("1 24208U 96044A   06177.04061740 -.00000094  00000-0  10000-3 0  1600",
               "2 24208   3.8536  80.0121 0026640 311.0977  48.3000  1.00778054 36119");
}
ElementSet lyddane_23599()
{
    return tle("1 23599U 95029B   06171.76535463  .00085586  12891-6  12956-2 0  2905",
               "2 23599   6.9327   0.2849 5782022 274.4436  25.2425  4.47796565123555");
}
ElementSet decaying_28872()
{
    return tle("1 28872U 05037B   05333.02012661  .25992681  00000-0  24476-3 0  1534",
               "2 28872  96.4736 157.9986 0303955 244.0492 110.6523 16.46015938 10708");
}

std::vector<ElementSet> cases()
{
    return {near_earth_00005(), resonant_12h_09880(), resonant_24h_24208(), lyddane_23599()};
}

bool same_bits(const Sgp4State &a, const Sgp4State &b)
{
    return a.status == b.status && std::memcmp(a.r_km.data(), b.r_km.data(), 3 * sizeof(double)) == 0
           && std::memcmp(a.v_km_s.data(), b.v_km_s.data(), 3 * sizeof(double)) == 0;
}

TEST(Sgp4Property, DeepSpaceClassificationFollowsThe225MinutePeriod)
{
    EXPECT_FALSE(Sgp4Propagator(near_earth_00005()).is_deep_space()); // 133 min
    EXPECT_TRUE(Sgp4Propagator(resonant_12h_09880()).is_deep_space());
    EXPECT_EQ(Sgp4Propagator(resonant_12h_09880()).record().irez, 2);
    EXPECT_EQ(Sgp4Propagator(resonant_24h_24208()).record().irez, 1);
    EXPECT_EQ(Sgp4Propagator(lyddane_23599()).record().irez, 0); // 4.48 rev/day: no resonance
}

TEST(Sgp4Property, SameCallTwiceGivesBitwiseSameState)
{
    for (const ElementSet &el : cases()) {
        const Sgp4Propagator p(el);
        for (const double t : {-4320.0, -1.5, 0.0, 0.25, 719.999, 720.0, 1440.0, 10000.0}) {
            EXPECT_TRUE(same_bits(p.propagate_minutes(t), p.propagate_minutes(t))) << el.norad_id << " t=" << t;
        }
    }
}

TEST(Sgp4Property, DeepSpaceOutOfOrderEqualsInOrderBitwise)
{
    // Vallado's dspace caches the resonance integrator between calls; ours restarts from epoch. The
    // result must not depend on call order: forward, backward, shuffled and sign-alternating.
    std::vector<double> times;
    for (double t = -2880.0; t <= 7200.0; t += 97.5) {
        times.push_back(t);
    }
    for (const ElementSet &el : {resonant_12h_09880(), resonant_24h_24208()}) {
        const Sgp4Propagator p(el);
        std::vector<Sgp4State> in_order;
        for (const double t : times) {
            in_order.push_back(p.propagate_minutes(t));
        }
        std::vector<std::size_t> idx(times.size());
        for (std::size_t i = 0; i < idx.size(); ++i) {
            idx[i] = i;
        }
        std::mt19937 rng(42);
        std::shuffle(idx.begin(), idx.end(), rng);
        for (const std::size_t i : idx) {
            EXPECT_TRUE(same_bits(p.propagate_minutes(times[i]), in_order[i])) << el.norad_id << " t=" << times[i];
        }
        for (std::size_t k = times.size(); k-- > 0;) {
            EXPECT_TRUE(same_bits(p.propagate_minutes(times[k]), in_order[k])) << el.norad_id << " t=" << times[k];
        }
    }
}

TEST(Sgp4Property, ConcurrentCallsGiveBitwiseSameStates)
{
    const Sgp4Propagator p(resonant_12h_09880());
    std::vector<double> times;
    for (int k = 0; k < 400; ++k) {
        times.push_back(-3000.0 + 25.0 * k);
    }
    std::vector<Sgp4State> a(times.size());
    std::vector<Sgp4State> b(times.size());
    std::thread t1([&] {
        for (std::size_t i = 0; i < times.size(); ++i) {
            a[i] = p.propagate_minutes(times[i]);
        }
    });
    std::thread t2([&] {
        for (std::size_t i = times.size(); i-- > 0;) {
            b[i] = p.propagate_minutes(times[i]);
        }
    });
    t1.join();
    t2.join();
    for (std::size_t i = 0; i < times.size(); ++i) {
        EXPECT_TRUE(same_bits(a[i], b[i])) << "t=" << times[i];
    }
}

// The batch path (SIMD kernel, FMA, SLEEF) is not bit-identical to the scalar kernel; it agrees to
// sgp4_batch_vs_scalar_* (vantage/orbits/sgp4_batch.hpp) with the same statuses. Decayed states are
// compared relative to their size (1e-9), as in the python-sgp4 cross-check.
TEST(Sgp4Property, BatchEqualsScalarWithinStatedBoundAndSameStatuses)
{
    std::vector<Sgp4Propagator> sats;
    for (const ElementSet &el : cases()) {
        sats.emplace_back(el);
    }
    sats.emplace_back(decaying_28872()); // includes error statuses
    std::vector<time::Instant> times;
    const time::Instant t0 = sats.front().elements().epoch;
    for (int j = -3; j < 12; ++j) {
        times.push_back(t0 + time::Duration::from_hours(7.3 * j));
    }
    times.push_back(decaying_28872().epoch + time::Duration::from_minutes(50.0));
    const std::size_t n = sats.size() * times.size();
    std::vector<double> x(n), y(n), z(n), vx(n), vy(n), vz(n);
    std::vector<Sgp4Status> st(n);
    propagate_batch(sats, times, Sgp4BatchOutput{x, y, z, vx, vy, vz, st});
    for (std::size_t i = 0; i < sats.size(); ++i) {
        for (std::size_t j = 0; j < times.size(); ++j) {
            const std::size_t k = i * times.size() + j;
            const Sgp4State s = sats[i].propagate_minutes(sats[i].minutes_since_epoch(times[j]));
            const Sgp4State b{Vec3(x[k], y[k], z[k]), Vec3(vx[k], vy[k], vz[k]), st[k]};
            ASSERT_EQ(s.status, b.status) << "sat " << i << " time " << j;
            const double scale = s.status == Sgp4Status::decayed ? 1e-9 : 0.0;
            for (int c = 0; c < 3; ++c) {
                EXPECT_NEAR(b.r_km[c], s.r_km[c], std::max(sgp4_batch_vs_scalar_pos_km, scale * s.r_km.norm()))
                    << "sat " << i << " time " << j;
                EXPECT_NEAR(b.v_km_s[c], s.v_km_s[c], std::max(sgp4_batch_vs_scalar_vel_km_s, scale * s.v_km_s.norm()))
                    << "sat " << i << " time " << j;
            }
        }
    }
}

TEST(Sgp4Property, BatchRejectsWrongOutputSizes)
{
    const std::vector<Sgp4Propagator> sats{Sgp4Propagator(near_earth_00005())};
    const std::vector<time::Instant> times(3, sats[0].elements().epoch);
    std::vector<double> ok(3), bad(2);
    std::vector<Sgp4Status> st(3);
    try {
        propagate_batch(sats, times, Sgp4BatchOutput{ok, ok, ok, ok, bad, ok, st});
        FAIL() << "expected Error(invalid_argument)";
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
        EXPECT_EQ(e.context().field, "vy_km_s");
    }
}

TEST(Sgp4Property, PropagateInstantEqualsPropagateMinutesAndThrowsDomainErrorOnFailure)
{
    const Sgp4Propagator p(decaying_28872());
    const time::Instant epoch = p.elements().epoch;
    const time::Instant t50 = epoch + time::Duration::from_minutes(50.0);
    const auto sv = p.propagate(t50);
    const Sgp4State s = p.propagate_minutes(50.0);
    EXPECT_EQ(sv.t, t50);
    EXPECT_TRUE(same_bits(Sgp4State{sv.r_km, sv.v_km_s, Sgp4Status::ok}, s));
    EXPECT_DOUBLE_EQ(p.minutes_since_epoch(t50), 50.0); // exact arithmetic, not physics

    try {
        (void)p.propagate(epoch + time::Duration::from_minutes(55.0)); // decays between 50 and 55 min
        FAIL() << "expected DomainError";
    } catch (const DomainError &e) {
        EXPECT_EQ(e.code(), ErrorCode::sgp4_decayed);
        EXPECT_EQ(e.context().field, "norad_id");
        EXPECT_EQ(e.context().value, "28872");
        EXPECT_NE(e.message().find("55.0"), std::string::npos) << e.message();
    }
}

TEST(Sgp4Property, StatusMapsToErrorCodesAndDescriptions)
{
    const std::pair<Sgp4Status, ErrorCode> map[] = {
        {Sgp4Status::mean_eccentricity, ErrorCode::sgp4_mean_eccentricity},
        {Sgp4Status::mean_motion, ErrorCode::sgp4_mean_motion},
        {Sgp4Status::perturbed_eccentricity, ErrorCode::sgp4_perturbed_eccentricity},
        {Sgp4Status::semi_latus_rectum, ErrorCode::sgp4_semi_latus_rectum},
        {Sgp4Status::suborbital, ErrorCode::sgp4_suborbital},
        {Sgp4Status::decayed, ErrorCode::sgp4_decayed},
    };
    for (const auto &[status, code] : map) {
        EXPECT_EQ(to_error_code(status), code);
        EXPECT_FALSE(describe(status).empty());
    }
    EXPECT_EQ(static_cast<int>(Sgp4Status::decayed), 6);
}

TEST(Sgp4Property, GravityModelChangesTheResultByMetresNotKilometres)
{
    // WGS-84 differs from WGS-72 in mu (-0.3 km^3/s^2), Re (+2 m) and J2..J4: after a day the LEO
    // state moves by metres to a few km, never zero. Bounds: > 1 m proves the option is used;
    // < 50 km proves the constants are not garbage.
    constexpr double min_effect_km = 1e-3;
    constexpr double max_effect_km = 50.0;
    for (const ElementSet &el : cases()) {
        const Sgp4Propagator w72(el);
        const Sgp4Propagator w84(el, Sgp4Options{GravityModel::wgs84, OpsMode::improved});
        const Sgp4Propagator w72old(el, Sgp4Options{GravityModel::wgs72old, OpsMode::improved});
        const double d84 = (w84.propagate_minutes(1440.0).r_km - w72.propagate_minutes(1440.0).r_km).norm();
        const double dold = (w72old.propagate_minutes(1440.0).r_km - w72.propagate_minutes(1440.0).r_km).norm();
        EXPECT_GT(d84, min_effect_km) << el.norad_id;
        EXPECT_LT(d84, max_effect_km) << el.norad_id;
        EXPECT_GT(dold, 0.0) << el.norad_id; // xke differs in the 9th digit: tiny but non-zero
        EXPECT_LT(dold, max_effect_km) << el.norad_id;
    }
}

TEST(Sgp4Property, OpsModeMattersOnlyForDeepSpace)
{
    // Opsmode changes the sidereal angle at epoch and the Lyddane node range, both used only by SDP4.
    const Sgp4Propagator near_i(near_earth_00005());
    const Sgp4Propagator near_a(near_earth_00005(), Sgp4Options{GravityModel::wgs72, OpsMode::afspc});
    for (const double t : {0.0, 360.0, 4320.0}) {
        EXPECT_TRUE(same_bits(near_i.propagate_minutes(t), near_a.propagate_minutes(t))) << t;
    }
    const Sgp4Propagator geo_i(resonant_24h_24208());
    const Sgp4Propagator geo_a(resonant_24h_24208(), Sgp4Options{GravityModel::wgs72, OpsMode::afspc});
    EXPECT_NE(geo_i.record().gsto, geo_a.record().gsto);
}

TEST(Sgp4Property, SetEpochFromInstantRoundTripsTheTleEpoch)
{
    // TLE epochs have 8 decimals of day (864 us); Instant and the UTC calendar keep far more, so
    // the round trip must agree to 1e-11 day (~1 us).
    constexpr double epoch_day_tol = 1e-11;
    for (const ElementSet &el : {near_earth_00005(), resonant_24h_24208(), decaying_28872()}) {
        ElementSet copy = el;
        copy.epoch_year = 1999;
        copy.epoch_day_of_year = 0.0;
        set_epoch_from_instant(copy, el.epoch);
        EXPECT_EQ(copy.epoch, el.epoch);
        EXPECT_EQ(copy.epoch_year, el.epoch_year);
        EXPECT_NEAR(copy.epoch_day_of_year, el.epoch_day_of_year, epoch_day_tol) << el.norad_id;
    }
    ElementSet leap;
    set_epoch_from_instant(leap, time::Instant::parse_iso8601("2024-12-31T18:00:00Z"));
    EXPECT_EQ(leap.epoch_year, 2024);
    EXPECT_DOUBLE_EQ(leap.epoch_day_of_year, 366.75); // exact in binary
}

} // namespace
} // namespace vantage::orbits
