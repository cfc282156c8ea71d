// Near-Earth SGP4 over one satellite's row of times, vectorised with Highway (dynamic dispatch).
//
// Same algorithm and variable names as `sgp4_propagate` in sgp4_core.cpp (Vallado 2006 `sgp4`
// without `dspace` / `dpper`); read the two side by side. Lanes hold consecutive times of ONE
// satellite, so every branch that depends on the satellite (isimp) is uniform; the only per-lane
// control flow is the Kepler iteration (masked) and the error codes (selected at the end).
//
// Differences in *operations* from the scalar kernel, each moving results by a few ulp of an angle
// (measured ~1e-12 km, bound 1e-8 km in tests/orbits/sgp4_batch_test.cpp):
//  - FMA where the scalar code has a*b + c;
//  - pow(am, 1.5) as am * sqrt(am); pow(xke / n, 2/3) once per satellite (near-Earth n is constant);
//  - fmod(x, 2 pi) as x - trunc(x / 2 pi) 2 pi (the angles only enter sin/cos afterwards);
//  - sin(M_DF + dM) and sin/cos of the Kepler updates E_k+1 = E_k + dE, of u_k = u + du and of
//    i_k = i + di by the addition theorems with a degree-21 Taylor polynomial for the small angle
//    (exact to < 1 ulp for |angle| <= 1 rad; lanes beyond fall back to full sin/cos);
//  - sin/cos(atan2(sin u, cos u)) as (sin u, cos u) / |(sin u, cos u)|.
// Full-range sin/cos: `SinCos` below (Cody-Waite + fdlibm polynomials, inline on every target);
// beyond 1e7 rad and for atan2, SLEEF's 1.0-ulp functions on AVX2 / AVX-512 and the C library's on the
// other targets (SSE4, SSSE3, EMU128), lane by lane.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "vantage/orbits/detail/sgp4_batch_kernel.hpp"
#include "vantage/orbits/sgp4_propagator.hpp"

// --- SLEEF's x86 vector entry points, declared here once. sleef.h declares them only when the whole
// translation unit is compiled with -mavx2 / -mavx512f; Highway compiles each target's code with
// per-function target attributes instead, so we declare the few we call ourselves (same signatures
// as sleef.h 3.5: a struct of two vectors for sincos). ---
#ifndef VANTAGE_SGP4_SIMD_ONCE
#define VANTAGE_SGP4_SIMD_ONCE
#include <immintrin.h>
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
extern "C" {
struct VantageSleefM256d2 {
    __m256d x, y;
};
struct VantageSleefM512d2 {
    __m512d x, y;
};
VantageSleefM256d2 Sleef_sincosd4_u10avx2(__m256d);
__m256d Sleef_atan2d4_u10avx2(__m256d, __m256d);
VantageSleefM512d2 Sleef_sincosd8_u10avx512f(__m512d);
__m512d Sleef_atan2d8_u10avx512f(__m512d, __m512d);
}
#pragma GCC diagnostic pop
#endif

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "sgp4_batch_simd.cpp"
#include <hwy/foreach_target.h> // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace vantage::orbits::detail {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using D = hn::ScalableTag<double>;
using V = hn::Vec<D>;

// Largest lane count of any x86 target (AVX-512: 8 doubles); sizes the lane-by-lane buffers.
constexpr std::size_t max_lanes = 8;

// (Re-evaluated for every target pass of foreach_target.h.)
#undef VANTAGE_SLEEF_512
#undef VANTAGE_SLEEF_256
// NOTE: clang rejects calling the SLEEF declarations (made outside Highway's per-target attribute
// region) with AVX vector arguments ("changes the ABI"); under clang (the fuzz build) the rare
// |x| > 1e7 rad fallback uses the C library lane by lane instead.
#if !defined(__clang__) && (HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL)
#define VANTAGE_SLEEF_512 1
#elif !defined(__clang__) && HWY_TARGET == HWY_AVX2
#define VANTAGE_SLEEF_256 1
#endif

/// sin and cos of any finite x by the library: SLEEF u10 (1.0 ulp) on AVX2 / AVX-512, the C library
/// elsewhere. Only the fallback of `SinCos` for |x| > 1e7 rad (1e6 without FMA; near-Earth rows reach
/// that only ~1e7 minutes from epoch).
HWY_NOINLINE void SinCosLib(D d, V x, V &s, V &c)
{
#if defined(VANTAGE_SLEEF_512)
    (void)d;
    const VantageSleefM512d2 r = Sleef_sincosd8_u10avx512f(x.raw);
    s = V{r.x};
    c = V{r.y};
#elif defined(VANTAGE_SLEEF_256)
    (void)d;
    const VantageSleefM256d2 r = Sleef_sincosd4_u10avx2(x.raw);
    s = V{r.x};
    c = V{r.y};
#else
    HWY_ALIGN double a[max_lanes];
    HWY_ALIGN double sa[max_lanes];
    HWY_ALIGN double ca[max_lanes];
    hn::Store(x, d, a);
    for (std::size_t i = 0; i < hn::Lanes(d); ++i) {
        sa[i] = std::sin(a[i]);
        ca[i] = std::cos(a[i]);
    }
    s = hn::Load(d, sa);
    c = hn::Load(d, ca);
#endif
}

/// sin and cos of x, inline on every target: Cody-Waite reduction by pi/2 in three FMA steps
/// (pi/2 = P1 + P2 + P3 to ~2^-160; each step rounds once, so the reduced argument r, |r| <= pi/4, is
/// within ~3e-16 rad of the exact one for |x| <= 1e7; targets without FMA: fdlibm's 33-bit split, exact
/// products, for |x| <= 1e6), then fdlibm's minimax polynomials on
/// [-pi/4, pi/4] (__kernel_sin / __kernel_cos coefficients, |error| < 2^-58 relative) and the quadrant
/// q mod 4 read from the low mantissa bits of x 2/pi + 1.5 2^52. Absolute error of sin and cos below
/// ~4e-16 (measured against the C library in tests/orbits/sgp4_batch_test.cpp), i.e. below 3e-12 km at
/// 7,000 km. Vectors with a lane beyond 1e7 (1e6) rad: `SinCosLib`.
HWY_INLINE void SinCos(D d, V x, V &s, V &c)
{
#if HWY_TARGET <= HWY_AVX2 // x86 targets with FMA
    constexpr double max_x = 1.0e7;
#else
    constexpr double max_x = 1.0e6;
#endif
    if (HWY_UNLIKELY(!hn::AllTrue(d, hn::Le(hn::Abs(x), hn::Set(d, max_x))))) {
        SinCosLib(d, x, s, c);
        return;
    }
    const hn::RebindToUnsigned<D> du;
    const V magic = hn::Set(d, 6755399441055744.0); // 1.5 * 2^52: x 2/pi + magic = round(x 2/pi) in the low bits
    const V kq = hn::MulAdd(x, hn::Set(d, 0.6366197723675814), magic);
    const V q = hn::Sub(kq, magic);
#if HWY_TARGET <= HWY_AVX2
    // Fused: each step rounds once. pi/2 = P1 + P2 + P3 (53 bits each).
    V r = hn::NegMulAdd(q, hn::Set(d, 0x1.921fb54442d18p+0), x);
    r = hn::NegMulAdd(q, hn::Set(d, 0x1.1a62633145c07p-54), r);
    r = hn::NegMulAdd(q, hn::Set(d, -0x1.f1976b7ed8fbcp-110), r);
#else
    // No FMA (MulAdd = mul + add): fdlibm's split with 33-bit P1, P2 so that q P1 and q P2 are exact for
    // |q| < 2^20 (|x| <= 1e6) and x - q P1 is exact (Sterbenz).
    V r = hn::Sub(x, hn::Mul(q, hn::Set(d, 1.57079632673412561417e+00)));
    r = hn::Sub(r, hn::Mul(q, hn::Set(d, 6.07710050630396597660e-11)));
    r = hn::Sub(r, hn::Mul(q, hn::Set(d, 2.02226624879595063154e-21)));
#endif
    const V z = hn::Mul(r, r);
    V ps = hn::Set(d, 1.58969099521155010221e-10);
    ps = hn::MulAdd(ps, z, hn::Set(d, -2.50507602534068634195e-08));
    ps = hn::MulAdd(ps, z, hn::Set(d, 2.75573137070700676789e-06));
    ps = hn::MulAdd(ps, z, hn::Set(d, -1.98412698298579493134e-04));
    ps = hn::MulAdd(ps, z, hn::Set(d, 8.33333333332248946124e-03));
    ps = hn::MulAdd(ps, z, hn::Set(d, -1.66666666666666324348e-01));
    const V sr = hn::MulAdd(hn::Mul(r, z), ps, r);
    V pc = hn::Set(d, -1.13596475577881948265e-11);
    pc = hn::MulAdd(pc, z, hn::Set(d, 2.08757232129817482790e-09));
    pc = hn::MulAdd(pc, z, hn::Set(d, -2.75573143513906633035e-07));
    pc = hn::MulAdd(pc, z, hn::Set(d, 2.48015872894767294178e-05));
    pc = hn::MulAdd(pc, z, hn::Set(d, -1.38888888888741095749e-03));
    pc = hn::MulAdd(pc, z, hn::Set(d, 4.16666666666666019037e-02));
    const V cr = hn::MulAdd(hn::Mul(z, z), pc, hn::NegMulAdd(hn::Set(d, 0.5), z, hn::Set(d, 1.0)));
    // Quadrant: odd q swaps sin and cos; sin changes sign for q mod 4 in {2, 3}, cos for {1, 2}.
    const auto bits = hn::BitCast(du, kq);
    const auto one_u = hn::Set(du, 1);
    const auto two_u = hn::Set(du, 2);
    const auto swap = hn::RebindMask(d, hn::Ne(hn::And(bits, one_u), hn::Zero(du)));
    const auto sign_s = hn::ShiftLeft<62>(hn::And(bits, two_u));
    const auto sign_c = hn::ShiftLeft<62>(hn::And(hn::Add(bits, one_u), two_u));
    s = hn::Xor(hn::IfThenElse(swap, cr, sr), hn::BitCast(d, sign_s));
    c = hn::Xor(hn::IfThenElse(swap, sr, cr), hn::BitCast(d, sign_c));
}

/// atan2(y, x), SLEEF u10 on AVX2 / AVX-512, the C library elsewhere.
HWY_INLINE V Atan2(D d, V y, V x)
{
#if defined(VANTAGE_SLEEF_512)
    (void)d;
    return V{Sleef_atan2d8_u10avx512f(y.raw, x.raw)};
#elif defined(VANTAGE_SLEEF_256)
    (void)d;
    return V{Sleef_atan2d4_u10avx2(y.raw, x.raw)};
#else
    HWY_ALIGN double ya[max_lanes];
    HWY_ALIGN double xa[max_lanes];
    hn::Store(y, d, ya);
    hn::Store(x, d, xa);
    for (std::size_t i = 0; i < hn::Lanes(d); ++i) {
        ya[i] = std::atan2(ya[i], xa[i]);
    }
    return hn::Load(d, ya);
#endif
}

/// sin and cos of a small angle by Taylor series. If every lane has |x| <= 0.1 rad (the usual case:
/// short-period corrections ~1e-3 rad, Kepler steps after the first), terms to x^13 / x^12 suffice
/// (truncation below |x|^14 / 14! < 1.2e-25, far under an ulp); otherwise terms to x^21 / x^20
/// (below |x|^22 / 22! < 1e-21 for |x| <= 1 rad). The short form halves the dependency chain.
HWY_INLINE void SinCosSmall(D d, V x, V &s, V &c)
{
    const V x2 = hn::Mul(x, x);
    if (hn::AllTrue(d, hn::Le(hn::Abs(x), hn::Set(d, 0.01)))) {
        // |x| <= 0.01 (Kepler steps after the second, J2 short-period terms): to x^9 / x^10, truncation
        // below |x|^11 / 11! < 2.6e-30.
        V ps = hn::Set(d, 1.0 / 362880.0);                                // 1/9!
        ps = hn::MulAdd(ps, x2, hn::Set(d, -1.0 / 5040.0));               // 1/7!
        ps = hn::MulAdd(ps, x2, hn::Set(d, 1.0 / 120.0));                 // 1/5!
        ps = hn::MulAdd(ps, x2, hn::Set(d, -1.0 / 6.0));                  // 1/3!
        s = hn::MulAdd(hn::Mul(ps, x2), x, x);
        V pc = hn::Set(d, -1.0 / 3628800.0);                              // 1/10!
        pc = hn::MulAdd(pc, x2, hn::Set(d, 1.0 / 40320.0));              // 1/8!
        pc = hn::MulAdd(pc, x2, hn::Set(d, -1.0 / 720.0));               // 1/6!
        pc = hn::MulAdd(pc, x2, hn::Set(d, 1.0 / 24.0));                 // 1/4!
        pc = hn::MulAdd(pc, x2, hn::Set(d, -0.5));                       // 1/2!
        c = hn::MulAdd(pc, x2, hn::Set(d, 1.0));
        return;
    }
    if (hn::AllTrue(d, hn::Le(hn::Abs(x), hn::Set(d, 0.1)))) {
        V ps = hn::Set(d, 1.0 / 6227020800.0);                            // 1/13!
        ps = hn::MulAdd(ps, x2, hn::Set(d, -1.0 / 39916800.0));           // 1/11!
        ps = hn::MulAdd(ps, x2, hn::Set(d, 1.0 / 362880.0));              // 1/9!
        ps = hn::MulAdd(ps, x2, hn::Set(d, -1.0 / 5040.0));               // 1/7!
        ps = hn::MulAdd(ps, x2, hn::Set(d, 1.0 / 120.0));                 // 1/5!
        ps = hn::MulAdd(ps, x2, hn::Set(d, -1.0 / 6.0));                  // 1/3!
        s = hn::MulAdd(hn::Mul(ps, x2), x, x);
        V pc = hn::Set(d, 1.0 / 479001600.0);                             // 1/12!
        pc = hn::MulAdd(pc, x2, hn::Set(d, -1.0 / 3628800.0));           // 1/10!
        pc = hn::MulAdd(pc, x2, hn::Set(d, 1.0 / 40320.0));              // 1/8!
        pc = hn::MulAdd(pc, x2, hn::Set(d, -1.0 / 720.0));               // 1/6!
        pc = hn::MulAdd(pc, x2, hn::Set(d, 1.0 / 24.0));                 // 1/4!
        pc = hn::MulAdd(pc, x2, hn::Set(d, -0.5));                       // 1/2!
        c = hn::MulAdd(pc, x2, hn::Set(d, 1.0));
        return;
    }
    // Horner in x^2 with coefficients (-1)^k / (2k+1)!, k = 0..10.
    V ps = hn::Set(d, 1.0 / 51090942171709440000.0);                  // 1/21!
    ps = hn::MulAdd(ps, x2, hn::Set(d, -1.0 / 121645100408832000.0)); // 1/19!
    ps = hn::MulAdd(ps, x2, hn::Set(d, 1.0 / 355687428096000.0));     // 1/17!
    ps = hn::MulAdd(ps, x2, hn::Set(d, -1.0 / 1307674368000.0));      // 1/15!
    ps = hn::MulAdd(ps, x2, hn::Set(d, 1.0 / 6227020800.0));          // 1/13!
    ps = hn::MulAdd(ps, x2, hn::Set(d, -1.0 / 39916800.0));           // 1/11!
    ps = hn::MulAdd(ps, x2, hn::Set(d, 1.0 / 362880.0));              // 1/9!
    ps = hn::MulAdd(ps, x2, hn::Set(d, -1.0 / 5040.0));               // 1/7!
    ps = hn::MulAdd(ps, x2, hn::Set(d, 1.0 / 120.0));                 // 1/5!
    ps = hn::MulAdd(ps, x2, hn::Set(d, -1.0 / 6.0));                  // 1/3!
    s = hn::MulAdd(hn::Mul(ps, x2), x, x);
    // Coefficients (-1)^k / (2k)!, k = 0..10.
    V pc = hn::Set(d, 1.0 / 2432902008176640000.0);                   // 1/20!
    pc = hn::MulAdd(pc, x2, hn::Set(d, -1.0 / 6402373705728000.0));  // 1/18!
    pc = hn::MulAdd(pc, x2, hn::Set(d, 1.0 / 20922789888000.0));     // 1/16!
    pc = hn::MulAdd(pc, x2, hn::Set(d, -1.0 / 87178291200.0));       // 1/14!
    pc = hn::MulAdd(pc, x2, hn::Set(d, 1.0 / 479001600.0));          // 1/12!
    pc = hn::MulAdd(pc, x2, hn::Set(d, -1.0 / 3628800.0));           // 1/10!
    pc = hn::MulAdd(pc, x2, hn::Set(d, 1.0 / 40320.0));              // 1/8!
    pc = hn::MulAdd(pc, x2, hn::Set(d, -1.0 / 720.0));               // 1/6!
    pc = hn::MulAdd(pc, x2, hn::Set(d, 1.0 / 24.0));                 // 1/4!
    pc = hn::MulAdd(pc, x2, hn::Set(d, -0.5));                       // 1/2!
    c = hn::MulAdd(pc, x2, hn::Set(d, 1.0));
}

/// x reduced like fmod(x, 2 pi) (sign of x kept): x - trunc(x / 2 pi) 2 pi.
HWY_INLINE V Fmod2Pi(D d, V x)
{
    constexpr double twopi = 2.0 * 3.14159265358979323846;
    const V q = hn::Trunc(hn::Mul(x, hn::Set(d, 1.0 / twopi)));
    return hn::NegMulAdd(q, hn::Set(d, twopi), x);
}

/// True if every lane of |x| is <= 1 rad (the range of SinCosSmall).
HWY_INLINE bool AllSmall(D d, V x)
{
    return hn::AllTrue(d, hn::Le(hn::Abs(x), hn::Set(d, 1.0)));
}

/// Per-satellite constants broadcast once per row.
struct RowConst {
    V mo, mdot, argpo, argpdot, nodeo, nodedot, nodecf, cc1, bstar_cc4, t2cof;
    V omgcof, eta, xmcof, delmo, d2, d3, d4, bstar_cc5, sinmao, t3cof, t4cof, t5cof;
    V a0, xke, inv_xke, ecco, no_unkozai, aycof, xlcof, j2, con41, x1mth2, x7thm1;
    V inclo, sinio, cosio, radius_km, vkmpersec;
    bool full; // isimp != 1: the t^2..t^5 drag terms and the delta-omega / delta-M corrections

    RowConst(D d, const Sgp4Record &r)
        : mo(hn::Set(d, r.mo)), mdot(hn::Set(d, r.mdot)), argpo(hn::Set(d, r.argpo)), argpdot(hn::Set(d, r.argpdot)),
          nodeo(hn::Set(d, r.nodeo)), nodedot(hn::Set(d, r.nodedot)), nodecf(hn::Set(d, r.nodecf)),
          cc1(hn::Set(d, r.cc1)), bstar_cc4(hn::Set(d, r.bstar * r.cc4)), t2cof(hn::Set(d, r.t2cof)),
          omgcof(hn::Set(d, r.omgcof)), eta(hn::Set(d, r.eta)), xmcof(hn::Set(d, r.xmcof)),
          delmo(hn::Set(d, r.delmo)), d2(hn::Set(d, r.d2)), d3(hn::Set(d, r.d3)), d4(hn::Set(d, r.d4)),
          bstar_cc5(hn::Set(d, r.bstar * r.cc5)), sinmao(hn::Set(d, r.sinmao)), t3cof(hn::Set(d, r.t3cof)),
          t4cof(hn::Set(d, r.t4cof)), t5cof(hn::Set(d, r.t5cof)),
          a0(hn::Set(d, std::pow(r.xke / r.no_unkozai, 2.0 / 3.0))), xke(hn::Set(d, r.xke)), inv_xke(hn::Set(d, 1.0 / r.xke)),
          ecco(hn::Set(d, r.ecco)), no_unkozai(hn::Set(d, r.no_unkozai)), aycof(hn::Set(d, r.aycof)),
          xlcof(hn::Set(d, r.xlcof)), j2(hn::Set(d, r.j2)), con41(hn::Set(d, r.con41)),
          x1mth2(hn::Set(d, r.x1mth2)), x7thm1(hn::Set(d, r.x7thm1)), inclo(hn::Set(d, r.inclo)), sinio(hn::Set(d, std::sin(r.inclo))),
          cosio(hn::Set(d, std::cos(r.inclo))), radius_km(hn::Set(d, r.radius_km)),
          vkmpersec(hn::Set(d, r.vkmpersec)), full(r.isimp != 1)
    {
    }
};

/// One vector of times -> states. Stores through the given pointers (Lanes(d) elements each).
HWY_INLINE void PropagateVec(D d, const RowConst &k, V t, double *HWY_RESTRICT ox, double *HWY_RESTRICT oy,
                             double *HWY_RESTRICT oz, double *HWY_RESTRICT ovx, double *HWY_RESTRICT ovy,
                             double *HWY_RESTRICT ovz, double *HWY_RESTRICT ost)
{
    const V one = hn::Set(d, 1.0);
    const V zero = hn::Zero(d);

    // --- secular gravity and atmospheric drag (scalar kernel: same section) ---
    const V xmdf = hn::MulAdd(k.mdot, t, k.mo);
    const V argpdf = hn::MulAdd(k.argpdot, t, k.argpo);
    const V nodedf = hn::MulAdd(k.nodedot, t, k.nodeo);
    const V t2 = hn::Mul(t, t);
    V nodem = hn::MulAdd(k.nodecf, t2, nodedf);
    V tempa = hn::NegMulAdd(k.cc1, t, one);
    V tempe = hn::Mul(k.bstar_cc4, t);
    V templ = hn::Mul(k.t2cof, t2);
    V mm = xmdf;
    V argpm = argpdf;
    V sxmdf;
    V cxmdf;
    if (k.full) {
        SinCos(d, xmdf, sxmdf, cxmdf);
        const V delomg = hn::Mul(k.omgcof, t);
        const V delmtemp = hn::MulAdd(k.eta, cxmdf, one);
        const V delm = hn::Mul(k.xmcof, hn::Sub(hn::Mul(hn::Mul(delmtemp, delmtemp), delmtemp), k.delmo));
        const V temp = hn::Add(delomg, delm);
        mm = hn::Add(xmdf, temp);
        argpm = hn::Sub(argpdf, temp);
        const V t3 = hn::Mul(t2, t);
        const V t4 = hn::Mul(t3, t);
        tempa = hn::NegMulAdd(k.d2, t2, tempa);
        tempa = hn::NegMulAdd(k.d3, t3, tempa);
        tempa = hn::NegMulAdd(k.d4, t4, tempa);
        // sin(mm) = sin(xmdf + temp) by the addition theorem (temp is the small drag correction).
        V sinmm;
        if (AllSmall(d, temp)) {
            V st;
            V ct;
            SinCosSmall(d, temp, st, ct);
            sinmm = hn::MulAdd(sxmdf, ct, hn::Mul(cxmdf, st));
        } else {
            V unused;
            SinCos(d, mm, sinmm, unused);
        }
        tempe = hn::MulAdd(k.bstar_cc5, hn::Sub(sinmm, k.sinmao), tempe);
        templ = hn::MulAdd(k.t3cof, t3, templ);
        templ = hn::MulAdd(t4, hn::MulAdd(t, k.t5cof, k.t4cof), templ);
    }

    // Semi-major axis with drag and the matching mean motion: am = (xke/n)^(2/3) tempa^2, nm = xke / am^1.5.
    const V am = hn::Mul(k.a0, hn::Mul(tempa, tempa));
    const V nm = hn::Div(k.xke, hn::Mul(am, hn::Sqrt(am)));
    V em = hn::Sub(k.ecco, tempe);
    const auto bad_ecc = hn::Or(hn::Ge(em, one), hn::Lt(em, hn::Set(d, -0.001)));
    em = hn::Max(em, hn::Set(d, 1.0e-6)); // sgp4fix: avoid a divide by zero
    mm = hn::MulAdd(k.no_unkozai, templ, mm);
    const V dmm = hn::Sub(mm, xmdf); // drag change of the mean anomaly, before the 2 pi reductions
    V xlm = hn::Add(hn::Add(mm, argpm), nodem);
    nodem = Fmod2Pi(d, nodem);
    argpm = Fmod2Pi(d, argpm);
    xlm = Fmod2Pi(d, xlm);
    mm = Fmod2Pi(d, hn::Sub(hn::Sub(xlm, argpm), nodem));

    // --- long-period periodics (J3); near-Earth: ep = em, inclination = inclo ---
    const V ep = em;
    V sargp;
    V cargp;
    SinCos(d, argpm, sargp, cargp);
    const V axnl = hn::Mul(ep, cargp);
    V temp = hn::Div(one, hn::Mul(am, hn::NegMulAdd(ep, ep, one)));
    const V aynl = hn::MulAdd(ep, sargp, hn::Mul(temp, k.aycof));
    const V xl = hn::MulAdd(hn::Mul(temp, k.xlcof), axnl, hn::Add(hn::Add(mm, argpm), nodem));

    // --- Kepler's equation for E + omega: Newton-Raphson, step limited to 0.95 rad, <= 10 iterations,
    // each lane stopping when its own step is below 1e-12 (exactly the scalar loop, masked) ---
    const V u = Fmod2Pi(d, hn::Sub(xl, nodem));
    V eo1 = u;
    V s;
    V c;
    // u = M_DF + dmm + omega + du with du = temp xlcof axnl (J3, ~1e-3 rad). With drag terms on, sin/cos
    // of M_DF are known: build sin/cos(u) by addition theorems and save a full-range sin/cos.
    const V du = hn::Mul(hn::Mul(temp, k.xlcof), axnl);
    if (k.full && AllSmall(d, dmm) && AllSmall(d, du)) {
        V sd;
        V cd;
        SinCosSmall(d, dmm, sd, cd);
        const V sm = hn::MulAdd(sxmdf, cd, hn::Mul(cxmdf, sd)); // sin/cos(M)
        const V cm = hn::NegMulAdd(sxmdf, sd, hn::Mul(cxmdf, cd));
        const V smw = hn::MulAdd(sm, cargp, hn::Mul(cm, sargp)); // sin/cos(M + omega)
        const V cmw = hn::NegMulAdd(sm, sargp, hn::Mul(cm, cargp));
        SinCosSmall(d, du, sd, cd);
        s = hn::MulAdd(smw, cd, hn::Mul(cmw, sd));
        c = hn::NegMulAdd(smw, sd, hn::Mul(cmw, cd));
    } else {
        SinCos(d, eo1, s, c);
    }
    V sineo1 = s;
    V coseo1 = c;
    auto active = hn::Eq(zero, zero); // all lanes
    const V lim = hn::Set(d, 0.95);
    for (int ktr = 1; ktr <= 10; ++ktr) {
        sineo1 = hn::IfThenElse(active, s, sineo1);
        coseo1 = hn::IfThenElse(active, c, coseo1);
        const V den = hn::Sub(hn::Sub(one, hn::Mul(c, axnl)), hn::Mul(s, aynl));
        V tem5 = hn::Div(hn::Sub(hn::MulAdd(axnl, s, hn::NegMulAdd(aynl, c, u)), eo1), den);
        tem5 = hn::Min(hn::Max(tem5, hn::Neg(lim)), lim);
        tem5 = hn::IfThenElseZero(active, tem5);
        eo1 = hn::Add(eo1, tem5);
        active = hn::And(active, hn::Ge(hn::Abs(tem5), hn::Set(d, 1.0e-12)));
        if (ktr == 10 || hn::AllFalse(d, active)) {
            break;
        }
        // sin/cos of E + dE from sin/cos of E (|dE| <= 0.95 rad, so SinCosSmall is exact).
        V sd;
        V cd;
        SinCosSmall(d, tem5, sd, cd);
        const V sn = hn::MulAdd(s, cd, hn::Mul(c, sd));
        c = hn::NegMulAdd(s, sd, hn::Mul(c, cd));
        s = sn;
    }

    // --- short-period preliminary quantities ---
    const V ecose = hn::MulAdd(axnl, coseo1, hn::Mul(aynl, sineo1));
    const V esine = hn::MulSub(axnl, sineo1, hn::Mul(aynl, coseo1));
    const V el2 = hn::MulAdd(axnl, axnl, hn::Mul(aynl, aynl));
    const V pl = hn::Mul(am, hn::Sub(one, el2));
    const auto bad_pl = hn::Lt(pl, zero);
    const V rl = hn::Mul(am, hn::Sub(one, ecose));
    const V betal = hn::Sqrt(hn::Sub(one, el2));
    // 1/rl and 1/(1 + betal) from one divide (rl > 0 and 1 + betal >= 1 wherever the state is used).
    const V opb = hn::Add(one, betal);
    const V inv_prod = hn::Div(one, hn::Mul(rl, opb));
    const V inv_rl = hn::Mul(opb, inv_prod);
    const V rdotl = hn::Mul(hn::Mul(hn::Sqrt(am), esine), inv_rl);
    const V rvdotl = hn::Mul(hn::Sqrt(pl), inv_rl);
    temp = hn::Mul(esine, hn::Mul(rl, inv_prod));
    const V am_rl = hn::Mul(am, inv_rl);
    const V sinu = hn::Mul(am_rl, hn::NegMulAdd(axnl, temp, hn::Sub(sineo1, aynl)));
    const V cosu = hn::Mul(am_rl, hn::MulAdd(aynl, temp, hn::Sub(coseo1, axnl)));
    const V sin2u = hn::Mul(hn::Add(cosu, cosu), sinu);
    const V cos2u = hn::NegMulAdd(hn::Add(sinu, sinu), sinu, one);
    temp = hn::Div(one, pl);
    const V temp1 = hn::Mul(hn::Mul(hn::Set(d, 0.5), k.j2), temp);
    const V temp2 = hn::Mul(temp1, temp);

    // --- short-period periodics (J2) ---
    const V onehalf = hn::Set(d, 1.5);
    const V mrt = hn::MulAdd(hn::Mul(hn::Mul(hn::Set(d, 0.5), temp1), k.x1mth2), cos2u,
                             hn::Mul(rl, hn::NegMulAdd(hn::Mul(onehalf, temp2), hn::Mul(betal, k.con41), one)));
    const V dsu = hn::Mul(hn::Mul(hn::Set(d, -0.25), temp2), hn::Mul(k.x7thm1, sin2u));
    const V xnode = hn::MulAdd(hn::Mul(onehalf, temp2), hn::Mul(k.cosio, sin2u), nodem);
    const V dinc = hn::Mul(hn::Mul(onehalf, temp2), hn::Mul(hn::Mul(k.cosio, k.sinio), cos2u));
    const V nm_temp1_xke = hn::Mul(hn::Mul(nm, temp1), k.inv_xke);
    const V mvt = hn::NegMulAdd(nm_temp1_xke, hn::Mul(k.x1mth2, sin2u), rdotl);
    const V rvdot = hn::MulAdd(nm_temp1_xke, hn::MulAdd(k.x1mth2, cos2u, hn::Mul(onehalf, k.con41)), rvdotl);

    // --- orientation: sin/cos of u_k = atan2(sinu, cosu) + dsu, node, i_k = inclo + dinc ---
    V sinsu;
    V cossu;
    if (AllSmall(d, dsu)) {
        // (sinu, cosu) is a unit vector up to rounding (exactly so for the converged Kepler solution):
        // 1/sqrt(1 + e) = 1 - e/2 + 3e^2/8 - 5e^3/16, truncation < 3e-21 for |e| <= 1e-5.
        const V e_norm = hn::Sub(hn::MulAdd(sinu, sinu, hn::Mul(cosu, cosu)), one);
        V inv_norm;
        if (HWY_LIKELY(hn::AllTrue(d, hn::Le(hn::Abs(e_norm), hn::Set(d, 1.0e-5))))) {
            inv_norm = hn::MulAdd(e_norm, hn::MulAdd(e_norm, hn::MulAdd(e_norm, hn::Set(d, -0.3125), hn::Set(d, 0.375)),
                                                     hn::Set(d, -0.5)),
                                  one);
        } else {
            inv_norm = hn::Div(one, hn::Sqrt(hn::Add(e_norm, one)));
        }
        const V sn = hn::Mul(sinu, inv_norm);
        const V cn = hn::Mul(cosu, inv_norm);
        V sd;
        V cd;
        SinCosSmall(d, dsu, sd, cd);
        sinsu = hn::MulAdd(sn, cd, hn::Mul(cn, sd));
        cossu = hn::NegMulAdd(sn, sd, hn::Mul(cn, cd));
    } else {
        SinCos(d, hn::Add(Atan2(d, sinu, cosu), dsu), sinsu, cossu);
    }
    V snod;
    V cnod;
    SinCos(d, xnode, snod, cnod);
    V sini;
    V cosi;
    if (AllSmall(d, dinc)) {
        V sd;
        V cd;
        SinCosSmall(d, dinc, sd, cd);
        sini = hn::MulAdd(k.sinio, cd, hn::Mul(k.cosio, sd));
        cosi = hn::NegMulAdd(k.sinio, sd, hn::Mul(k.cosio, cd));
    } else {
        SinCos(d, hn::Add(k.inclo, dinc), sini, cosi); // xinc = xincp + dinc, as the scalar code
    }
    const V xmx = hn::Neg(hn::Mul(snod, cosi));
    const V xmy = hn::Mul(cnod, cosi);
    const V ux = hn::MulAdd(xmx, sinsu, hn::Mul(cnod, cossu));
    const V uy = hn::MulAdd(xmy, sinsu, hn::Mul(snod, cossu));
    const V uz = hn::Mul(sini, sinsu);
    const V vx = hn::NegMulAdd(cnod, sinsu, hn::Mul(xmx, cossu));
    const V vy = hn::NegMulAdd(snod, sinsu, hn::Mul(xmy, cossu));
    const V vz = hn::Mul(sini, cossu);

    // --- position (km), velocity (km/s), status ---
    const auto bad = hn::Or(bad_ecc, bad_pl);
    const V mr = hn::Mul(mrt, k.radius_km);
    hn::StoreU(hn::IfThenZeroElse(bad, hn::Mul(mr, ux)), d, ox);
    hn::StoreU(hn::IfThenZeroElse(bad, hn::Mul(mr, uy)), d, oy);
    hn::StoreU(hn::IfThenZeroElse(bad, hn::Mul(mr, uz)), d, oz);
    hn::StoreU(hn::IfThenZeroElse(bad, hn::Mul(hn::MulAdd(mvt, ux, hn::Mul(rvdot, vx)), k.vkmpersec)), d, ovx);
    hn::StoreU(hn::IfThenZeroElse(bad, hn::Mul(hn::MulAdd(mvt, uy, hn::Mul(rvdot, vy)), k.vkmpersec)), d, ovy);
    hn::StoreU(hn::IfThenZeroElse(bad, hn::Mul(hn::MulAdd(mvt, uz, hn::Mul(rvdot, vz)), k.vkmpersec)), d, ovz);
    // Precedence as the scalar early returns: 1 (eccentricity), then 4 (semi-latus rectum), then 6 (decayed).
    V st = hn::IfThenElseZero(hn::Lt(mrt, one), hn::Set(d, 6.0));
    st = hn::IfThenElse(bad_pl, hn::Set(d, 4.0), st);
    st = hn::IfThenElse(bad_ecc, hn::Set(d, 1.0), st);
    hn::StoreU(st, d, ost);
}

/// The row loop; time_vec(j) gives the vector of minutes since epoch for times j .. j + lanes - 1 and
/// time_at(j) one of them (tail padding).
template <class TimeVec, class TimeAt>
HWY_INLINE void NearEarthRowImpl(const Sgp4Record &rec, std::size_t n, const Sgp4RowOut &out, const TimeVec &time_vec,
                                 const TimeAt &time_at)
{
    const D d;
    const std::size_t lanes = hn::Lanes(d);
    const RowConst k(d, rec);
    HWY_ALIGN double st[max_lanes] = {};
    std::size_t j = 0;
    for (; j + lanes <= n; j += lanes) {
        PropagateVec(d, k, time_vec(j), out.x_km + j, out.y_km + j, out.z_km + j, out.vx_km_s + j, out.vy_km_s + j,
                     out.vz_km_s + j, st);
        for (std::size_t i = 0; i < lanes; ++i) {
            out.status[j + i] = static_cast<Sgp4Status>(static_cast<int>(st[i]));
        }
    }
    if (j < n) {
        // Tail: pad with the last time, compute a full vector, keep the first n - j lanes.
        const std::size_t rem = n - j;
        HWY_ALIGN double tt[max_lanes];
        HWY_ALIGN double buf[6][max_lanes] = {};
        for (std::size_t i = 0; i < lanes; ++i) {
            tt[i] = time_at(j + (i < rem ? i : rem - 1));
        }
        PropagateVec(d, k, hn::Load(d, tt), buf[0], buf[1], buf[2], buf[3], buf[4], buf[5], st);
        for (std::size_t i = 0; i < rem; ++i) {
            out.x_km[j + i] = buf[0][i];
            out.y_km[j + i] = buf[1][i];
            out.z_km[j + i] = buf[2][i];
            out.vx_km_s[j + i] = buf[3][i];
            out.vy_km_s[j + i] = buf[4][i];
            out.vz_km_s[j + i] = buf[5][i];
            out.status[j + i] = static_cast<Sgp4Status>(static_cast<int>(st[i]));
        }
    }
}

void NearEarthRow(const Sgp4Record &rec, const double *tsince_min, std::size_t n, const Sgp4RowOut &out)
{
    const D d;
    NearEarthRowImpl(
        rec, n, out, [&](std::size_t j) { return hn::LoadU(d, tsince_min + j); },
        [&](std::size_t j) { return tsince_min[j]; });
}

void NearEarthRowTai(const Sgp4Record &rec, const Sgp4RowTimes &times, std::size_t n, const Sgp4RowOut &out)
{
    const D d;
    const V ew = hn::Set(d, times.epoch_whole_s);
    const V ef = hn::Set(d, times.epoch_frac_s);
    const V sixty = hn::Set(d, 60.0);
    const double *w = times.whole_s;
    const double *f = times.frac_s;
    // Same operations as the scalar (double(whole - e_whole) + (frac - e_frac)) / 60: the integer
    // difference of two integer-valued doubles below 2^53 is exact.
    NearEarthRowImpl(
        rec, n, out,
        [&](std::size_t j) {
            return hn::Div(hn::Add(hn::Sub(hn::LoadU(d, w + j), ew), hn::Sub(hn::LoadU(d, f + j), ef)), sixty);
        },
        [&](std::size_t j) { return ((w[j] - times.epoch_whole_s) + (f[j] - times.epoch_frac_s)) / 60.0; });
}

/// sin/cos of n values through the kernel's `SinCos` (test access to the vector sin/cos).
void SinCosArray(const double *x, std::size_t n, double *s, double *c)
{
    const D d;
    const std::size_t lanes = hn::Lanes(d);
    for (std::size_t j = 0; j < n; j += lanes) {
        HWY_ALIGN double xa[max_lanes] = {};
        HWY_ALIGN double sa[max_lanes];
        HWY_ALIGN double ca[max_lanes];
        const std::size_t m = n - j < lanes ? n - j : lanes;
        std::memcpy(xa, x + j, m * sizeof(double));
        V vs;
        V vc;
        SinCos(d, hn::Load(d, xa), vs, vc);
        hn::Store(vs, d, sa);
        hn::Store(vc, d, ca);
        std::memcpy(s + j, sa, m * sizeof(double));
        std::memcpy(c + j, ca, m * sizeof(double));
    }
}

std::int64_t DispatchedTarget()
{
    return HWY_TARGET;
}

} // namespace HWY_NAMESPACE
} // namespace vantage::orbits::detail
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace vantage::orbits::detail {

HWY_EXPORT(NearEarthRow);
HWY_EXPORT(NearEarthRowTai);
HWY_EXPORT(DispatchedTarget);
HWY_EXPORT(SinCosArray);

void sgp4_batch_sincos(const double *x, std::size_t n, double *s, double *c)
{
    HWY_DYNAMIC_DISPATCH(SinCosArray)(x, n, s, c);
}

bool sgp4_row_kernel_applies(const Sgp4Record &rec) noexcept
{
    return rec.deep_space == 0 && rec.no_unkozai > 0.0;
}

void sgp4_near_earth_row(const Sgp4Record &rec, const double *tsince_min, std::size_t n, const Sgp4RowOut &out)
{
    HWY_DYNAMIC_DISPATCH(NearEarthRow)(rec, tsince_min, n, out);
}

void sgp4_near_earth_row_tai(const Sgp4Record &rec, const Sgp4RowTimes &times, std::size_t n, const Sgp4RowOut &out)
{
    HWY_DYNAMIC_DISPATCH(NearEarthRowTai)(rec, times, n, out);
}

std::int64_t sgp4_batch_dispatched_target()
{
    return HWY_DYNAMIC_DISPATCH(DispatchedTarget)();
}

} // namespace vantage::orbits::detail
#endif
