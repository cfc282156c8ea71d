#pragma once
/// @file
/// Satellite-to-satellite visibility: the windows during which two spacecraft (a LEO satellite and a GEO data
/// relay, or two satellites) see each other, with the line of sight clear of the Earth by a grazing height and
/// each end's terminal able to point at the other. Definitions in docs/formats.md § Links; the certificate in
/// docs/accuracy.md § Link windows.
///
/// Method: the access engine's certified event search (access.hpp). Every constraint is a switching function
/// g(t) >= 0 with a bound L on |g'| over the whole analysis span:
/// - Earth: with the z axis scaled by (a + h) / (b + h) (a, b the WGS-84 semi-axes, h the grazing height), the
///   ellipsoid inflated by h becomes a sphere of radius a + h; g = (distance from the Earth's centre to the scaled
///   segment between the two ends) - (a + h), in km. Every point of the segment moves at most as fast as the
///   faster end, so L = (a + h) / (b + h) x max(v1, v2), the ends' ITRF speed bounds;
/// - each end's terminal: g = elevation of the other end above this end's local horizontal plane (geocentric
///   vertical) - min_elevation, and g = max_off_nadir - angle between this end's geocentric nadir and the other
///   end, in rad; both turn at most at omega_dir (the end's geocentric direction) + (v1 + v2) / range_min.
/// The next sample is min(|g_i| / L_i) later, but at least min_window_s / 2 (so no window or gap of min_window_s
/// is missed); a change of the combined sign between samples is refined by bisection to edge_tolerance_s.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "vantage/access/access.hpp"
#include "vantage/frames/earth_orientation.hpp"
#include "vantage/orbits/sgp4_propagator.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::access {

/// Radius of the ideal geostationary orbit (km): (mu / omega_E^2)^(1/3) with the WGS-84 mu and the sidereal rate.
inline constexpr double geostationary_radius_km = 42164.17;

/// Pointing limits of a link terminal (laser or RF) on one end of a link.
struct LinkTerminal {
    /// the other end's elevation above this end's local horizontal plane, with the geocentric vertical as "up"
    /// (deg, [-90, 90]; -90: no limit). A zenith-facing hemispherical terminal has 0.
    double min_elevation_deg = -90.0;
    /// the angle between this end's geocentric nadir and the other end (deg, (0, 180]; 180: no limit). A GEO relay's
    /// terminal serving LEO users needs about 10 (the Earth's disc is 8.7 deg in radius seen from GEO).
    double max_off_nadir_deg = 180.0;
    bool operator==(const LinkTerminal &) const = default;
};

/// One end of a link: a satellite propagated by SGP4/SDP4, or a point on the ideal geostationary ring (fixed in
/// ITRF at `geo_longitude_deg`, radius geostationary_radius_km, latitude 0).
struct LinkEnd {
    std::string name;
    std::optional<orbits::Sgp4Propagator> propagator; ///< none: the geostationary point
    double geo_longitude_deg = 0.0;                   ///< used without a propagator (deg, [-180, 360))
    LinkTerminal terminal;
};

/// Link search controls.
struct LinkOptions {
    /// the line of sight must clear the WGS-84 ellipsoid inflated by this height (km, [0, 1000]): 100 keeps an
    /// optical link above the dense atmosphere
    double grazing_height_km = 100.0;
    double min_window_s = 1.0;      ///< no window (or gap) at least this long is missed (s, > 0)
    double edge_tolerance_s = 1e-3; ///< edges refined to this or better (s, > 0)
};

/// A visibility window between ends `first` and `second` (indices into the ends given).
struct LinkWindow {
    std::size_t first = 0;
    std::size_t second = 0;
    time::Instant start;      ///< first instant the line of sight and both terminals' limits hold
    time::Instant end;        ///< last instant
    bool partial = false;     ///< cut by the analysis interval at either end
    double min_range_km = 0.0; ///< the shortest range between the ends at the samples inside the window (km)
    double max_range_km = 0.0; ///< the longest (km): a link budget's worst case
    double duration_s() const { return (end - start).seconds(); }
};

/// Switching functions of one link at one instant (ITRF positions in km); each >= 0 where its constraint holds.
struct LinkFunctions {
    double earth_km = 0.0;     ///< clearance of the line of sight above the inflated ellipsoid (scaled, km)
    double elevation1_rad = 0.0; ///< end 1's terminal: elevation of end 2 - its minimum (rad)
    double off_nadir1_rad = 0.0; ///< end 1's terminal: its maximum off-nadir - the off-nadir angle of end 2 (rad)
    double elevation2_rad = 0.0; ///< the same for end 2 seeing end 1
    double off_nadir2_rad = 0.0;
    bool visible() const
    {
        return earth_km >= 0.0 && elevation1_rad >= 0.0 && off_nadir1_rad >= 0.0 && elevation2_rad >= 0.0 &&
               off_nadir2_rad >= 0.0;
    }
};
LinkFunctions link_functions(const Vec3 &r1_itrf_km, const LinkTerminal &t1, const Vec3 &r2_itrf_km, const LinkTerminal &t2,
                             double grazing_height_km);

/// ITRF position (km) of an end at `t`.
/// @throws DomainError(sgp4_*) when SGP4 fails
Vec3 link_end_position_itrf_km(const LinkEnd &end, const time::Instant &t, const frames::EarthOrientation &eop);

/// The usual question in one place: every satellite (with `satellite_terminal`) against every geostationary relay
/// `geo` (name, longitude in deg; with `relay_terminal`), and with `between_satellites` every pair of satellites.
/// Satellites come first in `ends`, in input order, then the relays; a pair is (satellite, relay) or (i, j), i < j.
struct LinkSet {
    std::vector<LinkEnd> ends;
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
};
LinkSet satellite_links(std::span<const Satellite> sats, const LinkTerminal &satellite_terminal,
                        std::span<const std::pair<std::string, double>> geo, const LinkTerminal &relay_terminal,
                        bool between_satellites);

/// All visibility windows of the given pairs of ends in [start, stop].
/// @param pairs (i, j) indices into `ends`, i != j; a pair with an end whose SGP4 initialisation failed gets none
/// @return windows sorted by (first, second, start)
/// @throws ConfigError(out_of_range) for stop <= start, a bad option, terminal limit or geostationary longitude (field
///         named: "grazing_height_km", "ends[i].min_elevation_deg", "ends[i].geo_longitude_deg", ...); DomainError(sgp4_*) when SGP4 fails inside the interval.
std::vector<LinkWindow> find_link_windows(std::span<const LinkEnd> ends,
                                          std::span<const std::pair<std::size_t, std::size_t>> pairs,
                                          const time::Instant &start, const time::Instant &stop,
                                          const frames::EarthOrientation &eop, const LinkOptions &options = {});

} // namespace vantage::access
