#pragma once
// Missions built in code for the tasking tests (no io): the demo's designed sun-synchronous satellites (same
// elements as tools/tasking/design_constellation.py --preset eu-demo writes), real station coordinates, and
// seeded clusters of point / polygon requests.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "vantage/orbits/element_set.hpp"
#include "vantage/scheduling/mission.hpp"

namespace vantage::test {

/// Circular SSO at 620 km, epoch 2025-10-03T00:00Z (the EUOPT Walker 8/4/1 of the demo: plane p, slot s;
/// NORAD 90001 + 2p + s as in examples/eu-constellation.tle).
inline orbits::ElementSet euopt_elements(int plane, int slot, std::uint32_t norad)
{
    orbits::ElementSet e;
    e.norad_id = norad;
    e.object_name = fmt::format("T-OPT-{}", norad);
    e.epoch = time::Instant::parse_iso8601("2025-10-03T00:00:00Z");
    orbits::set_epoch_from_instant(e, e.epoch);
    e.bstar_per_er = 1e-5;
    e.inclination_deg = 97.8666;
    e.raan_deg = std::fmod(166.7256 + 90.0 * plane, 360.0);
    e.eccentricity = 1e-4;
    e.arg_perigee_deg = 0.0;
    e.mean_anomaly_deg = std::fmod(180.0 * slot + 45.0 * plane, 360.0);
    e.mean_motion_rev_day = 14.82960157;
    return e;
}

inline geometry::Sensor agile_optical(double max_off_nadir_deg = 45.0)
{
    geometry::Sensor s;
    s.name = "t-opt";
    s.type = geometry::SensorType::optical;
    s.max_off_nadir_deg = max_off_nadir_deg;
    s.min_sun_elevation_deg = 10.0;
    return s;
}

inline scheduling::TaskingSatellite tasking_sat(const orbits::ElementSet &e, const geometry::Sensor &s)
{
    scheduling::TaskingSatellite t(access::Satellite{orbits::Sgp4Propagator(e), e.object_name, s});
    t.imaging_swath_km = 14.0;
    t.data_rate_mbit_s = 1000.0;
    t.storage_gbit = 600.0;
    return t;
}

inline geometry::GroundStation station(const std::string &name, double lat, double lon, int antennas = 1, double rate = 465.0)
{
    geometry::GroundStation g;
    g.name = name;
    g.location = frames::Geodetic{lat, lon, 0.0};
    g.min_elevation_deg = 5.0;
    g.antennas = antennas;
    g.downlink_mbit_s = rate;
    return g;
}

/// Deterministic pseudo-random numbers in [0, 1) (64-bit LCG, Knuth MMIX constants).
struct Lcg {
    std::uint64_t s;
    double next()
    {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(s >> 11) * 0x1.0p-53;
    }
};

/// `n` point requests within ±spread_deg of (lat, lon), priorities 1..10, durations 5..20 s, tenants cycling
/// through `tenants`, window = [start, stop].
inline std::vector<mission::Request> point_cluster(int n, double lat, double lon, double spread_deg, const time::Instant &start,
                                                   const time::Instant &stop, std::uint64_t seed,
                                                   const std::vector<std::string> &tenants = {"FR"}, const std::string &prefix = "R")
{
    Lcg rng{seed};
    std::vector<mission::Request> out;
    for (int i = 0; i < n; ++i) {
        mission::Request r;
        r.id = fmt::format("{}{:03d}", prefix, i);
        r.tenant = tenants[static_cast<std::size_t>(i) % tenants.size()];
        r.priority = 1 + static_cast<int>(rng.next() * 10.0);
        geometry::Target t;
        t.id = r.id;
        t.location = frames::Geodetic{lat + spread_deg * (2 * rng.next() - 1), lon + spread_deg * (2 * rng.next() - 1), 0.0};
        r.point = t;
        r.duration_s = std::round(5.0 + 15.0 * rng.next());
        r.window_start = start;
        r.window_end = stop;
        out.push_back(r);
    }
    return out;
}

/// A square polygon request of side `side_km` centred at (lat, lon).
inline mission::Request square_request(const std::string &id, double lat, double lon, double side_km, const time::Instant &start,
                                       const time::Instant &stop, int priority = 8, const std::string &tenant = "FR")
{
    mission::Request r;
    r.id = id;
    r.tenant = tenant;
    r.priority = priority;
    const double dlat = side_km / 2.0 / 111.2;
    const double dlon = side_km / 2.0 / (111.2 * std::cos(lat * 3.141592653589793 / 180.0));
    geometry::PolygonPart part;
    part.outer = {{lon - dlon, lat - dlat}, {lon + dlon, lat - dlat}, {lon + dlon, lat + dlat}, {lon - dlon, lat + dlat}};
    r.polygon = geometry::Polygon{{part}};
    r.window_start = start;
    r.window_end = stop;
    return r;
}

/// A mission over [start, start + hours] with `nsat` agile optical satellites of the demo Walker, three stations.
inline scheduling::Mission base_mission(const std::string &start_iso, double hours, int nsat)
{
    scheduling::Mission m;
    m.source = "test";
    m.start = time::Instant::parse_iso8601(start_iso);
    m.stop = m.start + time::Duration::from_hours(hours);
    m.search.threads = 1;
    for (int i = 0; i < nsat; ++i) {
        m.satellites.push_back(tasking_sat(euopt_elements(i / 2, i % 2, static_cast<std::uint32_t>(90001 + i)), agile_optical()));
    }
    m.stations = {station("Svalbard", 78.23, 15.41, 2), station("Kiruna", 67.857, 20.964), station("Matera", 40.649, 16.704)};
    m.planning.iterations = 400;
    m.planning.time_limit_s = 600.0;
    return m;
}

/// One satellite (90002), one pass over 45N 10E at 09:05 UTC, n point requests clustered around it (seeded): an
/// oversubscribed instance small enough for the subset DP; the Lagrangian bound rather than the DP, with time to
/// converge.
inline scheduling::Mission one_pass(std::uint64_t seed, int n)
{
    scheduling::Mission m = base_mission("2025-10-03T09:00:00Z", 0.25, 2);
    m.satellites.erase(m.satellites.begin());
    m.requests = point_cluster(n, 45.0, 10.0, 0.6 + 0.05 * static_cast<double>(seed % 3), m.start, m.stop, seed * 7 + 1);
    m.planning.iterations = 600;
    m.planning.exact_bound = false; // the Lagrangian, not the subset DP
    m.planning.bound_time_limit_s = 120.0;
    return m;
}

} // namespace vantage::test
