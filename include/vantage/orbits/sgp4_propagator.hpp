#pragma once
/// @file
/// SGP4/SDP4 propagation of NORAD mean element sets (TLE / OMM).
///
/// The model is SGP4 with the SDP4 deep-space extension (lunar-solar secular and long-period terms,
/// 12 h and 24 h resonances, Lyddane modification below 0.2 rad inclination) exactly as revised by
/// D. A. Vallado, P. Crawford, R. Hujsak and T. S. Kelso, "Revisiting Spacetrack Report #3",
/// AIAA 2006-6753 (2006), on the basis of F. R. Hoots and R. L. Roehrich, Spacetrack Report #3
/// (1980). It is an independent C++ implementation of that published algorithm.
///
/// **Accuracy of the implementation** (not of SGP4 as an orbit model, which is ~1 km at epoch and
/// grows by a few km per day for LEO), measured by the tests in `tests/orbits/`:
///  - reproduces Vallado's `tcppver.out` (WGS-72, opsmode 'i'; 666 states of the 33 runs of
///    `SGP4-VER.TLE`) to 5.0e-9 km in position and 5.0e-10 km/s in velocity, i.e. to the digits Vallado
///    prints, with the same error codes at the same steps (1, 1, 6, 6, 4, 3, 6). The one exception is
///    20413's run 3.5 years (1.84e6 min) after epoch, which agrees to 1.2e-7 km: python-sgp4 shows the
///    same 1.2e-7 km there, so it is rounding in Vallado's build over 2,561 resonance steps;
///  - reproduces Vallado's 2024 STK ephemerides (opsmode 'a', 710 states of 32 satellites) to 5.0e-9 km
///    and 5.0e-10 km/s (their printing resolution);
///  - agrees with python-sgp4 2.15 (Debian `python3-sgp4`, pure Python) over the 12,801 objects of the
///    CelesTrak active catalogue of 2025-10-03 at -1, 0, 1, 7 and 30 days from each epoch (63,754 states,
///    3,980 of them deep space) to 7.0e-9 km and 8.8e-13 km/s, with all 64,005 status codes equal; and,
///    on a 257-object subset, to 2.1e-10 km with WGS-84, WGS-72old and opsmode 'a'.
///
/// Output frame: TEME ("true equator, mean equinox") of the element-set epoch, km and km/s. Convert
/// with `frames::teme_to_itrf` / `teme_to_gcrf`.
///
/// Thread safety: a `Sgp4Propagator` is immutable after construction; every member function is
/// `const`, has no side effects and may be called concurrently. The deep-space resonance integrator
/// restarts from epoch on every call (Vallado caches its state between calls; the numbers are the
/// same, see `src/orbits/sgp4_core.cpp`).

#include <span>
#include <string_view>

#include "vantage/core/error.hpp"
#include "vantage/core/math.hpp"
#include "vantage/frames/state.hpp"
#include "vantage/orbits/detail/sgp4_core.hpp"
#include "vantage/orbits/element_set.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::orbits {

/// Geopotential constants used by SGP4 (Vallado 2006, `getgravconst`).
enum class GravityModel {
    wgs72old, ///< WGS-72 with STR#3's xke = 0.0743669161 (Re = 6378.135 km)
    wgs72,    ///< WGS-72, mu = 398600.8 km^3/s^2, Re = 6378.135 km: the model TLEs are fitted with (default)
    wgs84,    ///< WGS-84, mu = 398600.5 km^3/s^2, Re = 6378.137 km (not what TLEs are fitted with)
};

/// Vallado's operation mode.
enum class OpsMode {
    improved, ///< 'i': IAU-82 GMST at epoch, node kept in (-2 pi, 2 pi) in the Lyddane branch (default)
    afspc,    ///< 'a': as AFSPC's operational code: 1970-based sidereal time, Lyddane node in [0, 2 pi)
};

/// Options of `Sgp4Propagator`.
struct Sgp4Options {
    GravityModel gravity = GravityModel::wgs72; ///< gravity constants
    OpsMode opsmode = OpsMode::improved;        ///< Vallado 'i' or 'a'
};

/// SGP4 status; the numeric values are Vallado's error codes.
enum class Sgp4Status : int {
    ok = 0,                     ///< success
    mean_eccentricity = 1,      ///< mean eccentricity out of [-0.001, 1) (a < 0.95 ER in the original text)
    mean_motion = 2,            ///< mean motion <= 0
    perturbed_eccentricity = 3, ///< eccentricity out of [0, 1] after the lunar-solar periodics (deep space)
    semi_latus_rectum = 4,      ///< semi-latus rectum < 0
    suborbital = 5,             ///< epoch elements sub-orbital; obsolete, never returned (kept for the code table)
    decayed = 6,                ///< radius below 1 Earth radius: the satellite has decayed
};

/// One-line description of a status, e.g. "mean eccentricity out of [0, 1) or semi-major axis <
/// 0.95 Earth radii". Never empty.
std::string_view describe(Sgp4Status status) noexcept;

/// The `ErrorCode::sgp4_*` value of a failing status (`ErrorCode::internal` for `ok`, which is not
/// an error).
ErrorCode to_error_code(Sgp4Status status) noexcept;

/// State from `Sgp4Propagator::propagate_minutes`.
struct Sgp4State {
    Vec3 r_km;          ///< position in TEME of epoch (km); zero unless status is ok or decayed
    Vec3 v_km_s;        ///< velocity in TEME of epoch (km/s); zero unless status is ok or decayed
    Sgp4Status status;  ///< ok, or the SGP4 error at this time (for `decayed` the state is SGP4's)
};

/// SGP4/SDP4 propagator of one element set. See the file comment for the model and its accuracy.
class Sgp4Propagator {
public:
    /// Initialises SGP4 (Vallado's `sgp4init`, including its t = 0 propagation).
    /// @param elements mean elements; angles in degrees, mean motion in rev/day (> 0), eccentricity in
    ///        [0, 1). The SGP4 epoch is taken from `epoch_year` / `epoch_day_of_year` exactly as
    ///        Vallado does (days2mdhms + jday); `elements.epoch` is used for `propagate(Instant)`.
    /// @param options gravity model and opsmode.
    /// Never throws for SGP4 initialisation errors: they are recorded in `init_status()`, and every
    /// later propagation reports its own status (e.g. 33334 of SGP4-VER.TLE: error 3 at t = 0).
    explicit Sgp4Propagator(const ElementSet &elements, Sgp4Options options = {});

    /// The element set this propagator was built from.
    const ElementSet &elements() const noexcept { return m_elements; }
    /// The options this propagator was built with.
    Sgp4Options options() const noexcept { return m_options; }
    /// Status of the t = 0 propagation made during initialisation (ok for valid element sets).
    Sgp4Status init_status() const noexcept { return static_cast<Sgp4Status>(m_record.init_error); }
    /// True for SDP4 ("deep space"): orbital period >= 225 minutes.
    bool is_deep_space() const noexcept { return m_record.deep_space != 0; }

    /// SGP4 state at a time relative to the epoch. Pure and thread-safe; never throws.
    /// @param minutes_since_epoch time since the element-set epoch (minutes, any sign; SGP4 itself is
    ///        only meaningful for days to weeks around the epoch)
    /// @return TEME-of-epoch position (km) and velocity (km/s) with the SGP4 status. Bitwise identical
    ///         for identical arguments, whatever was called before.
    Sgp4State propagate_minutes(double minutes_since_epoch) const noexcept;

    /// Minutes from the element-set epoch (`elements().epoch`) to `t`: the SI-second difference of
    /// the two instants divided by 60 (leap seconds in between count as elapsed time).
    double minutes_since_epoch(const time::Instant &t) const noexcept;

    /// TEME-of-epoch state at `t`.
    /// @throws DomainError with code `sgp4_*` (`to_error_code(status)`), context field "norad_id",
    ///         context value the catalog number, and a message naming the minutes since epoch and
    ///         `describe(status)`, if SGP4 fails at `t` (including a decayed satellite).
    frames::StateVector<frames::Teme> propagate(const time::Instant &t) const;

    /// The initialised constants (for tests and batch kernels).
    const detail::Sgp4Record &record() const noexcept { return m_record; }

private:
    ElementSet m_elements;
    Sgp4Options m_options;
    detail::Sgp4Record m_record;
};

/// Output of `propagate_batch`: structure of arrays, each of size N*M, row-major: element
/// [i*M + j] is satellite i at time j. TEME of each satellite's epoch, km and km/s.
struct Sgp4BatchOutput {
    std::span<double> x_km, y_km, z_km;          ///< position components, TEME of epoch (km), N*M each
    std::span<double> vx_km_s, vy_km_s, vz_km_s; ///< velocity components, TEME of epoch (km/s), N*M each
    std::span<Sgp4Status> status;                ///< SGP4 status per entry, N*M
};

/// Propagates N satellites to M common instants in TEME on one thread (the batch path of
/// `vantage/orbits/sgp4_batch.hpp`: SIMD kernel for near-Earth satellites). Entry [i*M + j] equals
/// `sats[i].propagate_minutes(sats[i].minutes_since_epoch(times[j]))` to `sgp4_batch_vs_scalar_pos_km`
/// / `_vel_km_s` with the same status. Failures do not throw: they are reported in `out.status` (with
/// the state as in `Sgp4State`). For threads, ITRF and streaming see `sgp4_batch.hpp`.
/// @throws Error(ErrorCode::invalid_argument) if any span in `out` does not have N*M elements.
void propagate_batch(std::span<const Sgp4Propagator> sats, std::span<const time::Instant> times,
                     const Sgp4BatchOutput &out);

} // namespace vantage::orbits
