#pragma once
/// @file
/// A validated SGP4 mean element set (from a TLE or a CCSDS OMM). This is a value: parsing lives in
/// `vantage::io` (`io::read_tle_file`, `io::read_omm_file`), never here.
///
/// The elements are SGP4 ("Kozai" mean motion, TEME of epoch) mean elements as published by
/// 18 SDS / CelesTrak. Angles are degrees at this boundary; the propagator converts to radians.

#include <cstdint>
#include <string>

#include "vantage/time/instant.hpp"

namespace vantage::orbits {

struct ElementSet {
    std::string object_name;   ///< e.g. "ISS (ZARYA)"; empty if the source had no name line
    std::string object_id;     ///< international designator in COSPAR form "1998-067A" (empty if unknown)
    std::uint32_t norad_id = 0; ///< NORAD catalog number, [0, 339999] (alpha-5 covers 100000..339999)
    char classification = 'U'; ///< 'U', 'C' or 'S'

    /// Epoch of the elements (UTC in the source; stored scale-free).
    time::Instant epoch;
    /// Epoch as the TLE writes it: 4-digit year and day of year with fraction (1.0 = Jan 1 0h UTC).
    /// SGP4's deep-space model uses this exact value (Vallado's `jdsatepoch`), so it is kept verbatim.
    int epoch_year = 2000;
    double epoch_day_of_year = 1.0;

    double mean_motion_dot_rev_day2 = 0.0;  ///< first derivative of mean motion / 2 (rev/day^2), TLE "ndot/2"
    double mean_motion_ddot_rev_day3 = 0.0; ///< second derivative / 6 (rev/day^3), TLE "nddot/6"
    double bstar_per_er = 0.0;              ///< B* drag term (1/Earth radii)
    int ephemeris_type = 0;                 ///< 0 = SGP4/SDP4 (also written as blank); 4 = SGP4-XP (unsupported)
    int element_set_no = 0;                 ///< element set number, [0, 9999]

    double inclination_deg = 0.0;     ///< [0, 180]
    double raan_deg = 0.0;            ///< right ascension of ascending node, [0, 360)
    double eccentricity = 0.0;        ///< [0, 1)
    double arg_perigee_deg = 0.0;     ///< [0, 360)
    double mean_anomaly_deg = 0.0;    ///< [0, 360)
    double mean_motion_rev_day = 0.0; ///< Kozai mean motion, > 0 (revolutions per day)
    std::int64_t rev_at_epoch = 0;    ///< revolution number at epoch, >= 0
};

/// Derives `epoch_year` / `epoch_day_of_year` from `epoch` (UTC), for element sets that come from an
/// OMM (ISO epoch) rather than a TLE. Inverse of what `io` does for TLE text.
void set_epoch_from_instant(ElementSet &elements, const time::Instant &epoch);

} // namespace vantage::orbits
