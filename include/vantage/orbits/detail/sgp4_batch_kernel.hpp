#pragma once
/// @file
/// Test-visible internals of the batch SGP4 path: the near-Earth SIMD row kernel behind Highway's
/// dynamic dispatch, and the target it dispatches to. Public code uses `vantage/orbits/sgp4_batch.hpp`.

#include <cstddef>
#include <cstdint>

#include "vantage/orbits/detail/sgp4_core.hpp"

namespace vantage::orbits::detail {

/// Output pointers of one row (one satellite, n times); each points at n elements.
struct Sgp4RowOut {
    double *x_km, *y_km, *z_km;          ///< TEME position (km)
    double *vx_km_s, *vy_km_s, *vz_km_s; ///< TEME velocity (km/s)
    Sgp4Status *status;                  ///< SGP4 status per time
};

/// True if `sgp4_near_earth_row` handles this record (near-Earth, positive Brouwer mean motion);
/// otherwise use `sgp4_propagate` per time.
bool sgp4_row_kernel_applies(const Sgp4Record &rec) noexcept;

/// Near-Earth SGP4 of one satellite at n times (minutes since epoch) with the SIMD target Highway
/// dispatches to now (`hwy::SetSupportedTargetsForTest` changes it). Precondition:
/// `sgp4_row_kernel_applies(rec)`. Same results as `sgp4_propagate` per time to the bounds stated in
/// `vantage/orbits/sgp4_batch.hpp`.
void sgp4_near_earth_row(const Sgp4Record &rec, const double *tsince_min, std::size_t n, const Sgp4RowOut &out);

/// Times of a row as TAI seconds split like `time::Instant` (whole seconds as integer-valued doubles,
/// |value| < 2^53, and the fraction), with the satellite's epoch split the same way.
struct Sgp4RowTimes {
    const double *whole_s; ///< n values
    const double *frac_s;  ///< n values
    double epoch_whole_s;
    double epoch_frac_s;
};

/// `sgp4_near_earth_row` at minutes since epoch computed in the kernel as
/// ((whole_s - epoch_whole_s) + (frac_s - epoch_frac_s)) / 60, vectorised; bit-identical to the
/// int64 form of `propagate_batch` and to `Instant::operator-` / 60.
void sgp4_near_earth_row_tai(const Sgp4Record &rec, const Sgp4RowTimes &times, std::size_t n, const Sgp4RowOut &out);

/// s[i], c[i] = sin, cos of x[i] (i < n) by the batch kernel's vector sin/cos on the dispatched target.
void sgp4_batch_sincos(const double *x, std::size_t n, double *s, double *c);

/// The Highway target (`HWY_AVX3`, `HWY_AVX2`, ..., `HWY_EMU128`) `sgp4_near_earth_row` runs on now.
std::int64_t sgp4_batch_dispatched_target();

} // namespace vantage::orbits::detail
