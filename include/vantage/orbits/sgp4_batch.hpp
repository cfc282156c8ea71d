#pragma once
/// @file
/// Batch SGP4/SDP4: many satellites at many times into caller-provided structure-of-arrays output,
/// vectorised and threaded.
///
/// **How it runs.** Each satellite's row of times is one task. Near-Earth (SGP4) satellites go through
/// a SIMD kernel that puts consecutive *times* of one satellite in the lanes of a vector, so every lane
/// takes the same branches (simplified drag or not is a property of the satellite) and the
/// satellite's constants are broadcast once per row; only the Kepler iteration count differs per lane
/// (masked, at most 10 iterations as in the scalar code). Deep-space (SDP4) satellites use the scalar
/// kernel (`detail::sgp4_propagate`): their resonance integration is a per-satellite loop of varying
/// length. The SIMD instruction set is chosen at run time by Highway (AVX-512, AVX2, SSE4, SSSE3 or a
/// portable scalar emulation); sin/cos are the kernel's own vector functions (Cody-Waite reduction and
/// fdlibm polynomials, absolute error <= 2.2e-16 measured on every target; SLEEF / the C library only
/// beyond 1e7 rad and for the rare atan2 fallback). Rows are spread over threads with TBB (`Sgp4BatchOptions::threads`).
///
/// **Accuracy** (tests/orbits/sgp4_batch_test.cpp and the validation / cross-check suites, which run
/// both paths): the batch path reproduces Vallado's `tcppver.out` to the same bound as the scalar
/// propagator (5e-9 km, 5e-10 km/s printed resolution; 1.2e-7 km for 20413's run 1.84e6 min after
/// epoch) with the same error codes at the same steps, and agrees with the scalar propagator to
/// `sgp4_batch_vs_scalar_pos_km` / `_vel_km_s` on every compiled SIMD target. It is not bit-identical:
/// the vector kernel uses FMA, evaluates a few angle sums by addition theorems and replaces
/// `atan2` + `sin`/`cos` of the argument of latitude by a normalisation, all of which move the result
/// by a few ulp of the angles (~1e-12 km).
///
/// Thread safety: the functions are reentrant; they only read the propagators.

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "vantage/frames/earth_orientation.hpp"
#include "vantage/orbits/sgp4_propagator.hpp"
#include "vantage/time/instant.hpp"

namespace vantage::orbits {

/// Largest position difference (km) between the batch path and `Sgp4Propagator::propagate_minutes`
/// that the tests accept for non-decayed states within 10 days of epoch. Measured on every 7th object
/// of the CelesTrak active catalogue (-10..+10 days): 1.9e-9 km with AVX2/AVX-512 (SLEEF), 1.3e-9 km
/// on the targets that use the C library's sin/cos; 5.8e-9 km over the 1,829 objects at 301 common
/// instants up to 22 days from epoch. The largest differences are for fast-decaying objects, where
/// (1 - C1 t - ...)^2 amplifies ulp differences; ordinary LEO states agree to ~1e-11 km.
inline constexpr double sgp4_batch_vs_scalar_pos_km = 5.0e-8;
/// Same for velocity (km/s); measured 6.5e-12 km/s.
inline constexpr double sgp4_batch_vs_scalar_vel_km_s = 5.0e-11;

/// Output frame of the batch functions.
enum class Sgp4BatchFrame {
    teme, ///< TEME of each satellite's epoch (SGP4's own output)
    itrf, ///< ITRF via `frames::teme_to_itrf` (Vallado 2006 teme2ecef) with the options' EOP context
};

/// Options of the batch functions.
struct Sgp4BatchOptions {
    /// Worker threads (>= 1; 0 = TBB's default, i.e. all hardware threads available to the process).
    unsigned threads = 1;
    /// Output frame; `itrf` needs instants (not available for the per-satellite minutes API).
    Sgp4BatchFrame frame = Sgp4BatchFrame::teme;
    /// Earth orientation for `itrf` (UT1-UTC, LOD, polar motion); empty = UT1 = UTC, pole at the CIP.
    frames::EarthOrientation eop{};
};

/// Propagates N satellites to M common instants; entry [i*M + j] is satellite i at time j, in the
/// options' frame (km, km/s). Equals `sats[i].propagate_minutes(sats[i].minutes_since_epoch(times[j]))`
/// (then `teme_to_itrf` for `itrf`) to `sgp4_batch_vs_scalar_*`, with identical status codes. Failures
/// do not throw: they are reported in `out.status` (state zero for errors 1-4, SGP4's state for 6).
/// @throws Error(ErrorCode::invalid_argument) if a span of `out` does not have N*M elements.
void propagate_batch(std::span<const Sgp4Propagator> sats, std::span<const time::Instant> times,
                     const Sgp4BatchOutput &out, const Sgp4BatchOptions &options);

/// Propagates N satellites, each to its own M times: `tsince_min[i*M + j]` is minutes since
/// satellite i's epoch (any sign), and `out` entry [i*M + j] is its TEME state (km, km/s).
/// @param tsince_min N*M times (minutes since each satellite's epoch)
/// @throws Error(ErrorCode::invalid_argument) if `tsince_min` or a span of `out` does not have N*M
///         elements (M = tsince_min.size() / N), or if `options.frame` is not `teme`.
void propagate_batch_minutes(std::span<const Sgp4Propagator> sats, std::span<const double> tsince_min,
                             const Sgp4BatchOutput &out, const Sgp4BatchOptions &options = {});

/// One chunk handed to the sink of `propagate_batch_stream`.
struct Sgp4BatchChunk {
    std::size_t first_sat = 0; ///< index in `sats` of the chunk's first satellite
    std::size_t n_sats = 0;    ///< satellites in this chunk
    std::size_t n_times = 0;   ///< M; entry [i*M + j] of `out` is satellite first_sat + i at time j
    Sgp4BatchOutput out;       ///< n_sats * M entries each; valid only during the sink call
};

/// Streaming form of `propagate_batch` for outputs larger than memory (48 bytes per state + 4 for the
/// status): propagates `chunk_sats` satellites at a time into an internal buffer and calls `sink`
/// once per chunk, in satellite order, from the calling thread (the propagation of a chunk itself uses
/// `options.threads`). Memory: about 52 * chunk_sats * M bytes.
/// @param chunk_sats satellites per chunk (>= 1)
/// @throws Error(ErrorCode::invalid_argument) if `chunk_sats` is 0; whatever `sink` throws.
void propagate_batch_stream(std::span<const Sgp4Propagator> sats, std::span<const time::Instant> times,
                            std::size_t chunk_sats, const std::function<void(const Sgp4BatchChunk &)> &sink,
                            const Sgp4BatchOptions &options = {});

/// Name of the SIMD target the batch kernel dispatches to on this machine now (Highway's name, e.g.
/// "AVX3" = AVX-512, "AVX2", "SSE4", "EMU128" = portable scalar emulation).
std::string sgp4_batch_simd_target();

/// Benchmarking / testing aid: makes the batch kernel dispatch to the named target ("AVX3", "AVX2",
/// "SSE4", "SSSE3", "SCALAR"/"EMU128") if this machine and build support it, or back to the best one
/// for an empty name. Process-wide (Highway's `SetSupportedTargetsForTest`); not for concurrent use.
/// @return false (and the best target) if `name` is not supported here.
bool sgp4_batch_limit_simd_target(std::string_view name);

} // namespace vantage::orbits
