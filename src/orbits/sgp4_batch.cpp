// Batch SGP4: argument checks, rows over TBB threads, the near-Earth SIMD kernel
// (sgp4_batch_simd.cpp) or the scalar kernel per row, TEME -> ITRF, streaming.

#include "vantage/orbits/sgp4_batch.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <hwy/targets.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "vantage/frames/transforms.hpp"
#include "vantage/orbits/detail/sgp4_batch_kernel.hpp"

namespace vantage::orbits {
namespace {

void check_size(std::size_t size, std::size_t n, const char *name)
{
    if (size != n) {
        ErrorContext ctx;
        ctx.field = name;
        ctx.value = std::to_string(size);
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("propagate_batch: span '{}' has {} elements, expected N*M = {}", name, size, n),
                    std::move(ctx));
    }
}

void check_output(const Sgp4BatchOutput &out, std::size_t n)
{
    check_size(out.x_km.size(), n, "x_km");
    check_size(out.y_km.size(), n, "y_km");
    check_size(out.z_km.size(), n, "z_km");
    check_size(out.vx_km_s.size(), n, "vx_km_s");
    check_size(out.vy_km_s.size(), n, "vy_km_s");
    check_size(out.vz_km_s.size(), n, "vz_km_s");
    check_size(out.status.size(), n, "status");
}

detail::Sgp4RowOut row_out(const Sgp4BatchOutput &out, std::size_t offset)
{
    return detail::Sgp4RowOut{out.x_km.data() + offset,    out.y_km.data() + offset,    out.z_km.data() + offset,
                              out.vx_km_s.data() + offset, out.vy_km_s.data() + offset, out.vz_km_s.data() + offset,
                              out.status.data() + offset};
}

/// One satellite at m times (minutes since its epoch), TEME.
void propagate_row(const Sgp4Propagator &sat, const double *tsince_min, std::size_t m, const detail::Sgp4RowOut &o)
{
    const detail::Sgp4Record &rec = sat.record();
    if (detail::sgp4_row_kernel_applies(rec)) {
        detail::sgp4_near_earth_row(rec, tsince_min, m, o);
        return;
    }
    // Deep space (SDP4): the scalar kernel; its resonance integration is a per-satellite loop.
    for (std::size_t j = 0; j < m; ++j) {
        double r[3];
        double v[3];
        o.status[j] = detail::sgp4_propagate(rec, tsince_min[j], r, v);
        o.x_km[j] = r[0];
        o.y_km[j] = r[1];
        o.z_km[j] = r[2];
        o.vx_km_s[j] = v[0];
        o.vy_km_s[j] = v[1];
        o.vz_km_s[j] = v[2];
    }
}

/// Runs body(first, last) over [0, n) satellites on `threads` threads (1 = the calling thread only).
template <class Body>
void for_rows(std::size_t n, unsigned threads, const Body &body)
{
    if (threads == 1 || n < 2) {
        body(std::size_t{0}, n);
        return;
    }
    tbb::task_arena arena(threads == 0 ? tbb::task_arena::automatic : static_cast<int>(threads));
    arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 4),
                          [&](const tbb::blocked_range<std::size_t> &r) { body(r.begin(), r.end()); });
    });
}

/// TEME -> ITRF at one instant as r_itrf = A r, v_itrf = A v + B r (A = W^T R3(gmst), B = -W^T [w x] R3(gmst)),
/// read off `frames::teme_to_itrf` with basis vectors so the model stays in one place.
struct TemeToItrf {
    std::array<double, 9> a{}; // row-major
    std::array<double, 9> b{};
};

TemeToItrf teme_to_itrf_matrices(const time::Instant &t, const frames::EarthOrientation &eop)
{
    TemeToItrf m;
    for (int k = 0; k < 3; ++k) {
        Vec3 e = Vec3::Zero();
        e[k] = 1.0;
        const auto s = frames::teme_to_itrf(frames::StateVector<frames::Teme>{t, e, e}, eop);
        for (int row = 0; row < 3; ++row) {
            m.a[static_cast<std::size_t>(row * 3 + k)] = s.r_km[row];
            m.b[static_cast<std::size_t>(row * 3 + k)] = s.v_km_s[row] - s.r_km[row];
        }
    }
    return m;
}

void rotate_row_to_itrf(const std::vector<TemeToItrf> &mats, const detail::Sgp4RowOut &o, std::size_t m)
{
    for (std::size_t j = 0; j < m; ++j) {
        const auto &a = mats[j].a;
        const auto &b = mats[j].b;
        const double x = o.x_km[j], y = o.y_km[j], z = o.z_km[j];
        const double vx = o.vx_km_s[j], vy = o.vy_km_s[j], vz = o.vz_km_s[j];
        o.x_km[j] = a[0] * x + a[1] * y + a[2] * z;
        o.y_km[j] = a[3] * x + a[4] * y + a[5] * z;
        o.z_km[j] = a[6] * x + a[7] * y + a[8] * z;
        o.vx_km_s[j] = a[0] * vx + a[1] * vy + a[2] * vz + b[0] * x + b[1] * y + b[2] * z;
        o.vy_km_s[j] = a[3] * vx + a[4] * vy + a[5] * vz + b[3] * x + b[4] * y + b[5] * z;
        o.vz_km_s[j] = a[6] * vx + a[7] * vy + a[8] * vz + b[6] * x + b[7] * y + b[8] * z;
    }
}

} // namespace

void propagate_batch(std::span<const Sgp4Propagator> sats, std::span<const time::Instant> times,
                     const Sgp4BatchOutput &out, const Sgp4BatchOptions &options)
{
    const std::size_t m = times.size();
    check_output(out, sats.size() * m);
    if (m == 0 || sats.empty()) {
        return;
    }
    // The two TAI parts of each time, so that a row's minutes since epoch are computed with exactly the
    // operations of `Instant::operator-` + `minutes_since_epoch` (bit-identical tsince; far from epoch,
    // e.g. resonant deep-space orbits decades away, one ulp of tsince moves the state by ~1e-7 km).
    std::vector<std::int64_t> whole_s(m);
    std::vector<double> whole_s_dbl(m); // for the vector kernel: exact (|whole_s| < 2^53)
    std::vector<double> frac_s(m);
    for (std::size_t j = 0; j < m; ++j) {
        whole_s[j] = times[j].tai_whole_s();
        whole_s_dbl[j] = static_cast<double>(whole_s[j]);
        frac_s[j] = times[j].tai_fraction_s();
    }
    std::vector<TemeToItrf> mats;
    if (options.frame == Sgp4BatchFrame::itrf) {
        mats.reserve(m);
        for (const auto &t : times) {
            mats.push_back(teme_to_itrf_matrices(t, options.eop));
        }
    }
    for_rows(sats.size(), options.threads, [&](std::size_t first, std::size_t last) {
        std::vector<double> tsince(m);
        for (std::size_t i = first; i < last; ++i) {
            const time::Instant &epoch = sats[i].elements().epoch;
            const std::int64_t es = epoch.tai_whole_s();
            const double ef = epoch.tai_fraction_s();
            const detail::Sgp4RowOut o = row_out(out, i * m);
            if (detail::sgp4_row_kernel_applies(sats[i].record())) {
                // Minutes since epoch computed inside the vector kernel (same operations, same bits).
                const detail::Sgp4RowTimes rt{whole_s_dbl.data(), frac_s.data(), static_cast<double>(es), ef};
                detail::sgp4_near_earth_row_tai(sats[i].record(), rt, m, o);
            } else {
                for (std::size_t j = 0; j < m; ++j) {
                    tsince[j] = (static_cast<double>(whole_s[j] - es) + (frac_s[j] - ef)) / 60.0;
                }
                propagate_row(sats[i], tsince.data(), m, o);
            }
            if (!mats.empty()) {
                rotate_row_to_itrf(mats, o, m);
            }
        }
    });
}

void propagate_batch(std::span<const Sgp4Propagator> sats, std::span<const time::Instant> times,
                     const Sgp4BatchOutput &out)
{
    propagate_batch(sats, times, out, Sgp4BatchOptions{});
}

void propagate_batch_minutes(std::span<const Sgp4Propagator> sats, std::span<const double> tsince_min,
                             const Sgp4BatchOutput &out, const Sgp4BatchOptions &options)
{
    if (options.frame != Sgp4BatchFrame::teme) {
        throw Error(ErrorCode::invalid_argument,
                    "propagate_batch_minutes: only TEME output (ITRF needs instants: use propagate_batch)",
                    ErrorContext{"", 0, "frame", "itrf"});
    }
    if (sats.empty()) {
        check_size(tsince_min.size(), 0, "tsince_min");
        check_output(out, 0);
        return;
    }
    const std::size_t m = tsince_min.size() / sats.size();
    check_size(tsince_min.size(), sats.size() * m, "tsince_min");
    check_output(out, sats.size() * m);
    for_rows(sats.size(), options.threads, [&](std::size_t first, std::size_t last) {
        for (std::size_t i = first; i < last; ++i) {
            propagate_row(sats[i], tsince_min.data() + i * m, m, row_out(out, i * m));
        }
    });
}

void propagate_batch_stream(std::span<const Sgp4Propagator> sats, std::span<const time::Instant> times,
                            std::size_t chunk_sats, const std::function<void(const Sgp4BatchChunk &)> &sink,
                            const Sgp4BatchOptions &options)
{
    if (chunk_sats == 0) {
        throw Error(ErrorCode::invalid_argument, "propagate_batch_stream: chunk_sats must be >= 1",
                    ErrorContext{"", 0, "chunk_sats", "0"});
    }
    const std::size_t m = times.size();
    const std::size_t cap = std::min(chunk_sats, sats.size()) * m;
    // Uninitialised (every entry is written before the sink sees it): no memset of 52 bytes per state.
    const auto x = std::make_unique_for_overwrite<double[]>(cap);
    const auto y = std::make_unique_for_overwrite<double[]>(cap);
    const auto z = std::make_unique_for_overwrite<double[]>(cap);
    const auto vx = std::make_unique_for_overwrite<double[]>(cap);
    const auto vy = std::make_unique_for_overwrite<double[]>(cap);
    const auto vz = std::make_unique_for_overwrite<double[]>(cap);
    const auto st = std::make_unique_for_overwrite<Sgp4Status[]>(cap);
    for (std::size_t i0 = 0; i0 < sats.size(); i0 += chunk_sats) {
        const std::size_t n = std::min(chunk_sats, sats.size() - i0);
        const std::size_t k = n * m;
        Sgp4BatchChunk chunk;
        chunk.first_sat = i0;
        chunk.n_sats = n;
        chunk.n_times = m;
        chunk.out = Sgp4BatchOutput{{x.get(), k},  {y.get(), k},  {z.get(), k}, {vx.get(), k},
                                    {vy.get(), k}, {vz.get(), k}, {st.get(), k}};
        propagate_batch(sats.subspan(i0, n), times, chunk.out, options);
        sink(chunk);
    }
}

std::string sgp4_batch_simd_target()
{
    return hwy::TargetName(detail::sgp4_batch_dispatched_target());
}

bool sgp4_batch_limit_simd_target(std::string_view name)
{
    if (name.empty()) {
        hwy::SetSupportedTargetsForTest(0);
        return true;
    }
    hwy::SetSupportedTargetsForTest(0);
    for (const std::int64_t t : hwy::SupportedAndGeneratedTargets()) {
        if (name == hwy::TargetName(t)) {
            hwy::SetSupportedTargetsForTest(t);
            return true;
        }
    }
    return false;
}

} // namespace vantage::orbits
