// SGP4/SDP4 orbit propagation: initialisation and the pure propagation kernel.
//
// Model: Hoots & Roehrich, "Models for Propagation of NORAD Element Sets", Spacetrack Report #3
// (1980; "STR#3"), as revised by Vallado, Crawford, Hujsak & Kelso, "Revisiting Spacetrack
// Report #3", AIAA 2006-6753 ("Vallado 2006"). The procedure split and the variable names follow
// Vallado 2006 (initl, sgp4init, dscom, dpper, dsinit, dspace, sgp4, gstime, getgravconst) so the
// code can be read against the paper and its appendix; the "sgp4fix" corrections listed in the
// paper are all included. Written for Vantage from the published algorithm.
//
// Differences in *structure* (not in numbers) from Vallado's code:
//  - Propagation is a pure function of the initialised record. Vallado's dspace keeps the
//    resonance integrator state (atime, xli, xni) in satrec between calls and restarts from epoch
//    only when the new time is "behind" the stored one; here we always restart from epoch. The
//    integrator uses the fixed grid 0, +-720, +-1440, ... min, so both give the same sequence of
//    floating-point operations and the same result (checked against tcppver.out).
//  - Vallado writes the deep-space short-period coefficients (con41, x1mth2, x7thm1, aycof,
//    xlcof) back into satrec on every call; here they are locals.
//  - The operation order of every expression is kept as in Vallado 2006 so that results agree
//    with his C++ (tcppver.out) to the last printed digit.

#include "vantage/orbits/detail/sgp4_core.hpp"

#include <cmath>

#include "vantage/orbits/sgp4_propagator.hpp"

namespace vantage::orbits::detail {
namespace {

constexpr double pi_ = 3.14159265358979323846;
constexpr double twopi = 2.0 * pi_;
constexpr double x2o3 = 2.0 / 3.0;

// ---------------------------------------------------------------------------------------------
// Lunar-solar constants of STR#3's DEEP (Vallado 2006 dscom/dpper/dsinit).
// ---------------------------------------------------------------------------------------------
constexpr double zes = 0.01675;       // solar eccentricity
constexpr double zel = 0.05490;       // lunar eccentricity
constexpr double zns = 1.19459e-5;    // solar mean motion (rad/min)
constexpr double znl = 1.5835218e-4;  // lunar mean motion (rad/min)
constexpr double rptim = 4.37526908801129966e-3; // Earth rotation rate (rad/min)

/// Outputs of dscom that dsinit needs in addition to what is stored in the record.
struct DscomOut {
    double snodm, cnodm, sinim, cosim, sinomm, cosomm, day, emsq, betasq, rtemsq, nm, em;
    double s1, s2, s3, s4, s5, s6, s7, ss1, ss2, ss3, ss4, ss5, ss6, ss7;
    double sz1, sz2, sz3, sz11, sz12, sz13, sz21, sz22, sz23, sz31, sz32, sz33;
    double z1, z2, z3, z11, z12, z13, z21, z22, z23, z31, z32, z33;
};

/// Mean elements carried through a propagation step.
struct MeanState {
    double em, inclm, nodem, argpm, mm, nm;
};

// ---------------------------------------------------------------------------------------------
// dscom: deep-space common terms (STR#3 DEEP "DPINIT" first half; Vallado 2006 dscom).
// Computes the solar (first pass) and lunar (second pass) coefficients of the third-body
// expansion and the long-period periodic coefficients stored in `rec`.
// ---------------------------------------------------------------------------------------------
DscomOut dscom(double epoch, double ep, double argpp, double tc, double inclp, double nodep, double np,
               Sgp4Record &rec) noexcept
{
    // Solar-orbit constants: c1ss/c1l are the solar/lunar perturbation magnitudes, zsinis/zcosis the
    // obliquity, zcosgs/zsings the solar argument of perigee.
    constexpr double c1ss = 2.9864797e-6;
    constexpr double c1l = 4.7968065e-7;
    constexpr double zsinis = 0.39785416;
    constexpr double zcosis = 0.91744867;
    constexpr double zcosgs = 0.1945905;
    constexpr double zsings = -0.98088458;

    DscomOut o{};
    o.nm = np;
    o.em = ep;
    o.snodm = std::sin(nodep);
    o.cnodm = std::cos(nodep);
    o.sinomm = std::sin(argpp);
    o.cosomm = std::cos(argpp);
    o.sinim = std::sin(inclp);
    o.cosim = std::cos(inclp);
    o.emsq = o.em * o.em;
    o.betasq = 1.0 - o.emsq;
    o.rtemsq = std::sqrt(o.betasq);

    // Initial long-period offsets are zero (Vallado 2006: peo..pho "set to zero").
    rec.peo = 0.0;
    rec.pinco = 0.0;
    rec.plo = 0.0;
    rec.pgho = 0.0;
    rec.pho = 0.0;

    // Lunar orbit orientation at epoch: days since 1900 Jan 0.5 (18261.5 = 1950 - 1900 offset).
    o.day = epoch + 18261.5 + tc / 1440.0;
    const double xnodce = std::fmod(4.5236020 - 9.2422029e-4 * o.day, twopi); // lunar node
    const double stem = std::sin(xnodce);
    const double ctem = std::cos(xnodce);
    const double zcosil = 0.91375164 - 0.03568096 * ctem;
    const double zsinil = std::sqrt(1.0 - zcosil * zcosil);
    const double zsinhl = 0.089683511 * stem / zsinil;
    const double zcoshl = std::sqrt(1.0 - zsinhl * zsinhl);
    const double gam = 5.8351514 + 0.0019443680 * o.day; // lunar perigee
    double zx = 0.39785416 * stem / zsinil;
    const double zy = zcoshl * ctem + 0.91744867 * zsinhl * stem;
    zx = std::atan2(zx, zy);
    zx = gam + zx - xnodce;
    const double zcosgl = std::cos(zx);
    const double zsingl = std::sin(zx);

    // Two passes: lsflg 1 = Sun, 2 = Moon (STR#3 DEEP, "do solar terms" then "do lunar terms").
    double zcosg = zcosgs;
    double zsing = zsings;
    double zcosi = zcosis;
    double zsini = zsinis;
    double zcosh = o.cnodm;
    double zsinh = o.snodm;
    double cc = c1ss;
    const double xnoi = 1.0 / o.nm;

    for (int lsflg = 1; lsflg <= 2; ++lsflg) {
        // Direction cosines of the perturbing body's orbit relative to the satellite's.
        const double a1 = zcosg * zcosh + zsing * zcosi * zsinh;
        const double a3 = -zsing * zcosh + zcosg * zcosi * zsinh;
        const double a7 = -zcosg * zsinh + zsing * zcosi * zcosh;
        const double a8 = zsing * zsini;
        const double a9 = zsing * zsinh + zcosg * zcosi * zcosh;
        const double a10 = zcosg * zsini;
        const double a2 = o.cosim * a7 + o.sinim * a8;
        const double a4 = o.cosim * a9 + o.sinim * a10;
        const double a5 = -o.sinim * a7 + o.cosim * a8;
        const double a6 = -o.sinim * a9 + o.cosim * a10;

        const double x1 = a1 * o.cosomm + a2 * o.sinomm;
        const double x2 = a3 * o.cosomm + a4 * o.sinomm;
        const double x3 = -a1 * o.sinomm + a2 * o.cosomm;
        const double x4 = -a3 * o.sinomm + a4 * o.cosomm;
        const double x5 = a5 * o.sinomm;
        const double x6 = a6 * o.sinomm;
        const double x7 = a5 * o.cosomm;
        const double x8 = a6 * o.cosomm;

        o.z31 = 12.0 * x1 * x1 - 3.0 * x3 * x3;
        o.z32 = 24.0 * x1 * x2 - 6.0 * x3 * x4;
        o.z33 = 12.0 * x2 * x2 - 3.0 * x4 * x4;
        o.z1 = 3.0 * (a1 * a1 + a2 * a2) + o.z31 * o.emsq;
        o.z2 = 6.0 * (a1 * a3 + a2 * a4) + o.z32 * o.emsq;
        o.z3 = 3.0 * (a3 * a3 + a4 * a4) + o.z33 * o.emsq;
        o.z11 = -6.0 * a1 * a5 + o.emsq * (-24.0 * x1 * x7 - 6.0 * x3 * x5);
        o.z12 = -6.0 * (a1 * a6 + a3 * a5) + o.emsq * (-24.0 * (x2 * x7 + x1 * x8) - 6.0 * (x3 * x6 + x4 * x5));
        o.z13 = -6.0 * a3 * a6 + o.emsq * (-24.0 * x2 * x8 - 6.0 * x4 * x6);
        o.z21 = 6.0 * a2 * a5 + o.emsq * (24.0 * x1 * x5 - 6.0 * x3 * x7);
        o.z22 = 6.0 * (a4 * a5 + a2 * a6) + o.emsq * (24.0 * (x2 * x5 + x1 * x6) - 6.0 * (x4 * x7 + x3 * x8));
        o.z23 = 6.0 * a4 * a6 + o.emsq * (24.0 * x2 * x6 - 6.0 * x4 * x8);
        o.z1 = o.z1 + o.z1 + o.betasq * o.z31;
        o.z2 = o.z2 + o.z2 + o.betasq * o.z32;
        o.z3 = o.z3 + o.z3 + o.betasq * o.z33;
        o.s3 = cc * xnoi;
        o.s2 = -0.5 * o.s3 / o.rtemsq;
        o.s4 = o.s3 * o.rtemsq;
        o.s1 = -15.0 * o.em * o.s4;
        o.s5 = x1 * x3 + x2 * x4;
        o.s6 = x2 * x3 + x1 * x4;
        o.s7 = x2 * x4 - x1 * x3;

        if (lsflg == 1) {
            // Keep the solar set (ss*, sz*) and switch to the Moon's orbit for the second pass.
            o.ss1 = o.s1;
            o.ss2 = o.s2;
            o.ss3 = o.s3;
            o.ss4 = o.s4;
            o.ss5 = o.s5;
            o.ss6 = o.s6;
            o.ss7 = o.s7;
            o.sz1 = o.z1;
            o.sz2 = o.z2;
            o.sz3 = o.z3;
            o.sz11 = o.z11;
            o.sz12 = o.z12;
            o.sz13 = o.z13;
            o.sz21 = o.z21;
            o.sz22 = o.z22;
            o.sz23 = o.z23;
            o.sz31 = o.z31;
            o.sz32 = o.z32;
            o.sz33 = o.z33;
            zcosg = zcosgl;
            zsing = zsingl;
            zcosi = zcosil;
            zsini = zsinil;
            zcosh = zcoshl * o.cnodm + zsinhl * o.snodm;
            zsinh = o.snodm * zcoshl - o.cnodm * zsinhl;
            cc = c1l;
        }
    }

    // Mean anomalies of Moon and Sun at epoch.
    rec.zmol = std::fmod(4.7199672 + 0.22997150 * o.day - gam, twopi);
    rec.zmos = std::fmod(6.2565837 + 0.017201977 * o.day, twopi);

    // Solar long-period coefficients.
    rec.se2 = 2.0 * o.ss1 * o.ss6;
    rec.se3 = 2.0 * o.ss1 * o.ss7;
    rec.si2 = 2.0 * o.ss2 * o.sz12;
    rec.si3 = 2.0 * o.ss2 * (o.sz13 - o.sz11);
    rec.sl2 = -2.0 * o.ss3 * o.sz2;
    rec.sl3 = -2.0 * o.ss3 * (o.sz3 - o.sz1);
    rec.sl4 = -2.0 * o.ss3 * (-21.0 - 9.0 * o.emsq) * zes;
    rec.sgh2 = 2.0 * o.ss4 * o.sz32;
    rec.sgh3 = 2.0 * o.ss4 * (o.sz33 - o.sz31);
    rec.sgh4 = -18.0 * o.ss4 * zes;
    rec.sh2 = -2.0 * o.ss2 * o.sz22;
    rec.sh3 = -2.0 * o.ss2 * (o.sz23 - o.sz21);

    // Lunar long-period coefficients.
    rec.ee2 = 2.0 * o.s1 * o.s6;
    rec.e3 = 2.0 * o.s1 * o.s7;
    rec.xi2 = 2.0 * o.s2 * o.z12;
    rec.xi3 = 2.0 * o.s2 * (o.z13 - o.z11);
    rec.xl2 = -2.0 * o.s3 * o.z2;
    rec.xl3 = -2.0 * o.s3 * (o.z3 - o.z1);
    rec.xl4 = -2.0 * o.s3 * (-21.0 - 9.0 * o.emsq) * zel;
    rec.xgh2 = 2.0 * o.s4 * o.z32;
    rec.xgh3 = 2.0 * o.s4 * (o.z33 - o.z31);
    rec.xgh4 = -18.0 * o.s4 * zel;
    rec.xh2 = -2.0 * o.s2 * o.z22;
    rec.xh3 = -2.0 * o.s2 * (o.z23 - o.z21);
    return o;
}

// ---------------------------------------------------------------------------------------------
// dpper: lunar-solar long-period periodics (STR#3 DEEP "DPPER"; Vallado 2006 dpper), applied at
// time t. Vallado also calls it once at init with init = 'y', where it changes nothing (the
// "apply" branch is skipped), so that call is omitted here.
// ---------------------------------------------------------------------------------------------
void dpper(const Sgp4Record &rec, double t, double &ep, double &inclp, double &nodep, double &argpp,
           double &mp) noexcept
{
    // Solar terms at t.
    double zm = rec.zmos + zns * t;
    double zf = zm + 2.0 * zes * std::sin(zm);
    double sinzf = std::sin(zf);
    double f2 = 0.5 * sinzf * sinzf - 0.25;
    double f3 = -0.5 * sinzf * std::cos(zf);
    const double ses = rec.se2 * f2 + rec.se3 * f3;
    const double sis = rec.si2 * f2 + rec.si3 * f3;
    const double sls = rec.sl2 * f2 + rec.sl3 * f3 + rec.sl4 * sinzf;
    const double sghs = rec.sgh2 * f2 + rec.sgh3 * f3 + rec.sgh4 * sinzf;
    const double shs = rec.sh2 * f2 + rec.sh3 * f3;

    // Lunar terms at t.
    zm = rec.zmol + znl * t;
    zf = zm + 2.0 * zel * std::sin(zm);
    sinzf = std::sin(zf);
    f2 = 0.5 * sinzf * sinzf - 0.25;
    f3 = -0.5 * sinzf * std::cos(zf);
    const double sel = rec.ee2 * f2 + rec.e3 * f3;
    const double sil = rec.xi2 * f2 + rec.xi3 * f3;
    const double sll = rec.xl2 * f2 + rec.xl3 * f3 + rec.xl4 * sinzf;
    const double sghl = rec.xgh2 * f2 + rec.xgh3 * f3 + rec.xgh4 * sinzf;
    const double shll = rec.xh2 * f2 + rec.xh3 * f3;

    // Total periodic offsets, minus their value at epoch (peo..pho are zero, kept for fidelity).
    const double pe = ses + sel - rec.peo;
    const double pinc = sis + sil - rec.pinco;
    const double pl = sls + sll - rec.plo;
    double pgh = sghs + sghl - rec.pgho;
    double ph = shs + shll - rec.pho;
    // NOTE: Vallado computes `pe = ses + sel; pe = pe - peo;` as two statements; (a + b) - 0 is the
    // same double as a + b, so one expression is bit-identical.

    inclp = inclp + pinc;
    ep = ep + pe;
    const double sinip = std::sin(inclp);
    const double cosip = std::cos(inclp);

    // Lyddane choice (Vallado 2006 sgp4fix): the GSFC variant tests the *perturbed* inclination
    // against 0.2 rad (11.46 deg). Above it the periodics are applied to the classical elements.
    if (inclp >= 0.2) {
        ph = ph / sinip;
        pgh = pgh - cosip * ph;
        argpp = argpp + pgh;
        nodep = nodep + ph;
        mp = mp + pl;
    } else {
        // Below 0.2 rad: Lyddane's non-singular form, perturbing the components
        // (sin i sin node, sin i cos node) and the longitude instead of node and perigee.
        const double sinop = std::sin(nodep);
        const double cosop = std::cos(nodep);
        double alfdp = sinip * sinop;
        double betdp = sinip * cosop;
        const double dalf = ph * cosop + pinc * cosip * sinop;
        const double dbet = -ph * sinop + pinc * cosip * cosop;
        alfdp = alfdp + dalf;
        betdp = betdp + dbet;
        nodep = std::fmod(nodep, twopi);
        // NOTE: opsmode 'a' reproduces AFSPC's intrinsic functions, which return the node in
        // [0, 2 pi); 'i' leaves fmod's sign. This is one of the two places opsmode matters.
        if (nodep < 0.0 && rec.afspc != 0) {
            nodep = nodep + twopi;
        }
        double xls = mp + argpp + cosip * nodep;
        const double dls = pl + pgh - pinc * nodep * sinip;
        xls = xls + dls;
        const double xnoh = nodep;
        nodep = std::atan2(alfdp, betdp);
        if (nodep < 0.0 && rec.afspc != 0) {
            nodep = nodep + twopi;
        }
        // Keep the new node on the same branch as the old one (sgp4fix for quadrant ambiguity).
        if (std::fabs(xnoh - nodep) > pi_) {
            if (nodep < xnoh) {
                nodep = nodep + twopi;
            } else {
                nodep = nodep - twopi;
            }
        }
        mp = mp + pl;
        argpp = xls - mp - cosip * nodep;
    }
}

// ---------------------------------------------------------------------------------------------
// dsinit: deep-space secular rates and resonance set-up (STR#3 DEEP "DPINIT" second half;
// Vallado 2006 dsinit). `ms` holds em/inclm/argpm/nodem/mm/nm on entry (epoch values with
// argpm = nodem = mm = 0) and the values at t (= 0 here) on exit.
// ---------------------------------------------------------------------------------------------
void dsinit(const DscomOut &d, double t, double tc, double eccsq, double xpidot, Sgp4Record &rec,
            MeanState &ms) noexcept
{
    // Resonance amplitudes (Earth tesseral harmonics combinations, STR#3).
    constexpr double q22 = 1.7891679e-6;
    constexpr double q31 = 2.1460748e-6;
    constexpr double q33 = 2.2123015e-7;
    constexpr double root22 = 1.7891679e-6;
    constexpr double root44 = 7.3636953e-9;
    constexpr double root54 = 2.1765803e-9;
    constexpr double root32 = 3.7393792e-7;
    constexpr double root52 = 1.1428639e-7;

    // Resonance class from the mean motion (rad/min): 1 = 24 h (0.0034906585 < n < 0.0052359877,
    // i.e. periods 1200-1800 min); 2 = 12 h with e >= 0.5 (n in [8.26e-3, 9.24e-3]).
    rec.irez = 0;
    if ((ms.nm < 0.0052359877) && (ms.nm > 0.0034906585)) {
        rec.irez = 1;
    }
    if ((ms.nm >= 8.26e-3) && (ms.nm <= 9.24e-3) && (ms.em >= 0.5)) {
        rec.irez = 2;
    }

    // Solar secular rates.
    const double ses = d.ss1 * zns * d.ss5;
    const double sis = d.ss2 * zns * (d.sz11 + d.sz13);
    const double sls = -zns * d.ss3 * (d.sz1 + d.sz3 - 14.0 - 6.0 * d.emsq);
    const double sghs = d.ss4 * zns * (d.sz31 + d.sz33 - 6.0);
    double shs = -zns * d.ss2 * (d.sz21 + d.sz23);
    // NOTE: the node rate is singular at i = 0 and 180 deg; within 3 deg of them (0.0523598775 rad)
    // STR#3 drops it.
    if ((ms.inclm < 5.2359877e-2) || (ms.inclm > pi_ - 5.2359877e-2)) {
        shs = 0.0;
    }
    if (d.sinim != 0.0) {
        shs = shs / d.sinim;
    }
    const double sgs = sghs - d.cosim * shs;

    // Lunar secular rates, added to the solar ones.
    rec.dedt = ses + d.s1 * znl * d.s5;
    rec.didt = sis + d.s2 * znl * (d.z11 + d.z13);
    rec.dmdt = sls - znl * d.s3 * (d.z1 + d.z3 - 14.0 - 6.0 * d.emsq);
    const double sghl = d.s4 * znl * (d.z31 + d.z33 - 6.0);
    double shll = -znl * d.s2 * (d.z21 + d.z23);
    if ((ms.inclm < 5.2359877e-2) || (ms.inclm > pi_ - 5.2359877e-2)) {
        shll = 0.0;
    }
    rec.domdt = sgs + sghl;
    rec.dnodt = shs;
    if (d.sinim != 0.0) {
        rec.domdt = rec.domdt - d.cosim / d.sinim * shll;
        rec.dnodt = rec.dnodt + shll / d.sinim;
    }

    // Secular update to time t (t = 0 at init, so this leaves the values unchanged).
    double dndt = 0.0;
    const double theta = std::fmod(rec.gsto + tc * rptim, twopi);
    ms.em = ms.em + rec.dedt * t;
    ms.inclm = ms.inclm + rec.didt * t;
    ms.argpm = ms.argpm + rec.domdt * t;
    ms.nodem = ms.nodem + rec.dnodt * t;
    ms.mm = ms.mm + rec.dmdt * t;

    if (rec.irez != 0) {
        const double aonv = std::pow(ms.nm / rec.xke, x2o3);

        if (rec.irez == 2) {
            // Half-day resonance: eccentricity functions G(e) fitted by STR#3 (two polynomial
            // branches split at e = 0.65 and e = 0.7), evaluated at the *epoch* eccentricity.
            // NOTE: Vallado swaps em/emsq for the epoch values (ecco, eccsq) here and restores them
            // afterwards; locals do the same without the swap.
            const double cosisq = d.cosim * d.cosim;
            const double em = rec.ecco;
            const double emsq = eccsq;
            const double eoc = em * emsq;
            const double g201 = -0.306 - (em - 0.64) * 0.440;
            double g211, g310, g322, g410, g422, g520, g521, g532, g533;
            if (em <= 0.65) {
                g211 = 3.616 - 13.2470 * em + 16.2900 * emsq;
                g310 = -19.302 + 117.3900 * em - 228.4190 * emsq + 156.5910 * eoc;
                g322 = -18.9068 + 109.7927 * em - 214.6334 * emsq + 146.5816 * eoc;
                g410 = -41.122 + 242.6940 * em - 471.0940 * emsq + 313.9530 * eoc;
                g422 = -146.407 + 841.8800 * em - 1629.014 * emsq + 1083.4350 * eoc;
                g520 = -532.114 + 3017.977 * em - 5740.032 * emsq + 3708.2760 * eoc;
            } else {
                g211 = -72.099 + 331.819 * em - 508.738 * emsq + 266.724 * eoc;
                g310 = -346.844 + 1582.851 * em - 2415.925 * emsq + 1246.113 * eoc;
                g322 = -342.585 + 1554.908 * em - 2366.899 * emsq + 1215.972 * eoc;
                g410 = -1052.797 + 4758.686 * em - 7193.992 * emsq + 3651.957 * eoc;
                g422 = -3581.690 + 16178.110 * em - 24462.770 * emsq + 12422.520 * eoc;
                if (em > 0.715) {
                    g520 = -5149.66 + 29936.92 * em - 54087.36 * emsq + 31324.56 * eoc;
                } else {
                    g520 = 1464.74 - 4664.75 * em + 3763.64 * emsq;
                }
            }
            if (em < 0.7) {
                g533 = -919.22770 + 4988.6100 * em - 9064.7700 * emsq + 5542.21 * eoc;
                g521 = -822.71072 + 4568.6173 * em - 8491.4146 * emsq + 5337.524 * eoc;
                g532 = -853.66600 + 4690.2500 * em - 8624.7700 * emsq + 5341.4 * eoc;
            } else {
                g533 = -37995.780 + 161616.52 * em - 229838.20 * emsq + 109377.94 * eoc;
                g521 = -51752.104 + 218913.95 * em - 309468.16 * emsq + 146349.42 * eoc;
                g532 = -40023.880 + 170470.89 * em - 242699.48 * emsq + 115605.82 * eoc;
            }

            // Inclination functions F(i).
            const double sini2 = d.sinim * d.sinim;
            const double f220 = 0.75 * (1.0 + 2.0 * d.cosim + cosisq);
            const double f221 = 1.5 * sini2;
            const double f321 = 1.875 * d.sinim * (1.0 - 2.0 * d.cosim - 3.0 * cosisq);
            const double f322 = -1.875 * d.sinim * (1.0 + 2.0 * d.cosim - 3.0 * cosisq);
            const double f441 = 35.0 * sini2 * f220;
            const double f442 = 39.3750 * sini2 * sini2;
            const double f522 = 9.84375 * d.sinim
                                * (sini2 * (1.0 - 2.0 * d.cosim - 5.0 * cosisq)
                                   + 0.33333333 * (-2.0 + 4.0 * d.cosim + 6.0 * cosisq));
            const double f523 = d.sinim
                                * (4.92187512 * sini2 * (-2.0 - 4.0 * d.cosim + 10.0 * cosisq)
                                   + 6.56250012 * (1.0 + 2.0 * d.cosim - 3.0 * cosisq));
            const double f542 = 29.53125 * d.sinim
                                * (2.0 - 8.0 * d.cosim + cosisq * (-12.0 + 8.0 * d.cosim + 10.0 * cosisq));
            const double f543 = 29.53125 * d.sinim
                                * (-2.0 - 8.0 * d.cosim + cosisq * (12.0 + 8.0 * d.cosim - 10.0 * cosisq));

            // Resonance coefficients D_lmpq = 3 n^2 (1/a)^(l+1) * root_lm * F * G.
            const double xno2 = ms.nm * ms.nm;
            const double ainv2 = aonv * aonv;
            double temp1 = 3.0 * xno2 * ainv2;
            double temp = temp1 * root22;
            rec.d2201 = temp * f220 * g201;
            rec.d2211 = temp * f221 * g211;
            temp1 = temp1 * aonv;
            temp = temp1 * root32;
            rec.d3210 = temp * f321 * g310;
            rec.d3222 = temp * f322 * g322;
            temp1 = temp1 * aonv;
            temp = 2.0 * temp1 * root44;
            rec.d4410 = temp * f441 * g410;
            rec.d4422 = temp * f442 * g422;
            temp1 = temp1 * aonv;
            temp = temp1 * root52;
            rec.d5220 = temp * f522 * g520;
            rec.d5232 = temp * f523 * g532;
            temp = 2.0 * temp1 * root54;
            rec.d5421 = temp * f542 * g521;
            rec.d5433 = temp * f543 * g533;
            rec.xlamo = std::fmod(rec.mo + rec.nodeo + rec.nodeo - theta - theta, twopi);
            rec.xfact = rec.mdot + rec.dmdt + 2.0 * (rec.nodedot + rec.dnodt - rptim) - rec.no_unkozai;
        }

        if (rec.irez == 1) {
            // One-day (geosynchronous) resonance: G and F functions of STR#3.
            const double g200 = 1.0 + d.emsq * (-2.5 + 0.8125 * d.emsq);
            const double g310 = 1.0 + 2.0 * d.emsq;
            const double g300 = 1.0 + d.emsq * (-6.0 + 6.60937 * d.emsq);
            const double f220 = 0.75 * (1.0 + d.cosim) * (1.0 + d.cosim);
            const double f311 = 0.9375 * d.sinim * d.sinim * (1.0 + 3.0 * d.cosim) - 0.75 * (1.0 + d.cosim);
            double f330 = 1.0 + d.cosim;
            f330 = 1.875 * f330 * f330 * f330;
            double del1 = 3.0 * ms.nm * ms.nm * aonv * aonv;
            rec.del2 = 2.0 * del1 * f220 * g200 * q22;
            rec.del3 = 3.0 * del1 * f330 * g300 * q33 * aonv;
            del1 = del1 * f311 * g310 * q31 * aonv;
            rec.del1 = del1;
            rec.xlamo = std::fmod(rec.mo + rec.nodeo + rec.argpo - theta, twopi);
            rec.xfact = rec.mdot + xpidot - rptim + rec.dmdt + rec.domdt + rec.dnodt - rec.no_unkozai;
        }

        // Integrator start values: xli = xlamo, xni = no, atime = 0 (recomputed in dspace).
        ms.nm = rec.no_unkozai + dndt;
    }
}

// ---------------------------------------------------------------------------------------------
// dspace: deep-space secular effects and resonance integration (STR#3 DEEP "DPSEC"; Vallado
// 2006 dspace). Pure: integrates from epoch every time (see the file comment).
// ---------------------------------------------------------------------------------------------
void dspace(const Sgp4Record &rec, double t, MeanState &ms) noexcept
{
    // Phase constants of the resonance terms (STR#3).
    constexpr double fasx2 = 0.13130908;
    constexpr double fasx4 = 2.8843198;
    constexpr double fasx6 = 0.37448087;
    constexpr double g22 = 5.7686396;
    constexpr double g32 = 0.95240898;
    constexpr double g44 = 1.8014998;
    constexpr double g52 = 1.0508330;
    constexpr double g54 = 4.4108898;
    constexpr double stepp = 720.0;   // integrator step (min)
    constexpr double stepn = -720.0;
    constexpr double step2 = 259200.0; // stepp^2 / 2

    const double tc = t;
    double dndt = 0.0;
    const double theta = std::fmod(rec.gsto + tc * rptim, twopi); // Greenwich angle at t

    // Lunar-solar secular rates.
    ms.em = ms.em + rec.dedt * t;
    ms.inclm = ms.inclm + rec.didt * t;
    ms.argpm = ms.argpm + rec.domdt * t;
    ms.nodem = ms.nodem + rec.dnodt * t;
    ms.mm = ms.mm + rec.dmdt * t;

    if (rec.irez == 0) {
        return;
    }

    // Euler-Maclaurin integration of the resonant mean longitude xli and mean motion xni on the
    // fixed grid atime = 0, +-720, +-1440, ... min, then a Taylor step ft = t - atime.
    // NOTE: Vallado resumes from the last stored grid point when t moves away from epoch in the same
    // direction; the stored point was reached by exactly these steps, so restarting is identical.
    double atime = 0.0;
    double xni = rec.no_unkozai;
    double xli = rec.xlamo;
    const double delt = (t > 0.0) ? stepp : stepn;
    double ft = 0.0;
    double xndt = 0.0;
    double xldot = 0.0;
    double xnddt = 0.0;
    for (;;) {
        // Derivatives of xni (xndt, xnddt) and xli (xldot) at atime.
        if (rec.irez != 2) {
            // 24 h resonance (three terms).
            xndt = rec.del1 * std::sin(xli - fasx2) + rec.del2 * std::sin(2.0 * (xli - fasx4))
                   + rec.del3 * std::sin(3.0 * (xli - fasx6));
            xldot = xni + rec.xfact;
            xnddt = rec.del1 * std::cos(xli - fasx2) + 2.0 * rec.del2 * std::cos(2.0 * (xli - fasx4))
                    + 3.0 * rec.del3 * std::cos(3.0 * (xli - fasx6));
            xnddt = xnddt * xldot;
        } else {
            // 12 h resonance (ten terms), with the perigee advanced secularly to atime.
            const double xomi = rec.argpo + rec.argpdot * atime;
            const double x2omi = xomi + xomi;
            const double x2li = xli + xli;
            xndt = rec.d2201 * std::sin(x2omi + xli - g22) + rec.d2211 * std::sin(xli - g22)
                   + rec.d3210 * std::sin(xomi + xli - g32) + rec.d3222 * std::sin(-xomi + xli - g32)
                   + rec.d4410 * std::sin(x2omi + x2li - g44) + rec.d4422 * std::sin(x2li - g44)
                   + rec.d5220 * std::sin(xomi + xli - g52) + rec.d5232 * std::sin(-xomi + xli - g52)
                   + rec.d5421 * std::sin(xomi + x2li - g54) + rec.d5433 * std::sin(-xomi + x2li - g54);
            xldot = xni + rec.xfact;
            xnddt = rec.d2201 * std::cos(x2omi + xli - g22) + rec.d2211 * std::cos(xli - g22)
                    + rec.d3210 * std::cos(xomi + xli - g32) + rec.d3222 * std::cos(-xomi + xli - g32)
                    + rec.d5220 * std::cos(xomi + xli - g52) + rec.d5232 * std::cos(-xomi + xli - g52)
                    + 2.0
                          * (rec.d4410 * std::cos(x2omi + x2li - g44) + rec.d4422 * std::cos(x2li - g44)
                             + rec.d5421 * std::cos(xomi + x2li - g54)
                             + rec.d5433 * std::cos(-xomi + x2li - g54));
            xnddt = xnddt * xldot;
        }

        if (std::fabs(t - atime) >= stepp) {
            // A full step (second-order Taylor in the derivative: step2 = delt^2 / 2).
            xli = xli + xldot * delt + xndt * step2;
            xni = xni + xndt * delt + xnddt * step2;
            atime = atime + delt;
        } else {
            ft = t - atime;
            break;
        }
    }

    ms.nm = xni + xndt * ft + xnddt * ft * ft * 0.5;
    const double xl = xli + xldot * ft + xndt * ft * ft * 0.5;
    if (rec.irez != 1) {
        ms.mm = xl - 2.0 * ms.nodem + 2.0 * theta;
        dndt = ms.nm - rec.no_unkozai;
    } else {
        ms.mm = xl - ms.nodem - ms.argpm + theta;
        dndt = ms.nm - rec.no_unkozai;
    }
    ms.nm = rec.no_unkozai + dndt;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// getgravconst (Vallado 2006 sec. "Gravitational constants"). WGS-72old uses the xke value of
// STR#3 directly; WGS-72 and WGS-84 derive xke = 60 / sqrt(Re^3 / mu).
// ---------------------------------------------------------------------------------------------
Sgp4Gravity sgp4_gravity(GravityModel model) noexcept
{
    Sgp4Gravity g;
    switch (model) {
    case GravityModel::wgs72old:
        g.mu_km3_s2 = 398600.79964;
        g.radius_km = 6378.135;
        g.xke = 0.0743669161;
        g.j2 = 0.001082616;
        g.j3 = -0.00000253881;
        g.j4 = -0.00000165597;
        break;
    case GravityModel::wgs84:
        g.mu_km3_s2 = 398600.5;
        g.radius_km = 6378.137;
        g.xke = 60.0 / std::sqrt(g.radius_km * g.radius_km * g.radius_km / g.mu_km3_s2);
        g.j2 = 0.00108262998905;
        g.j3 = -0.00000253215306;
        g.j4 = -0.00000161098761;
        break;
    case GravityModel::wgs72:
    default:
        g.mu_km3_s2 = 398600.8;
        g.radius_km = 6378.135;
        g.xke = 60.0 / std::sqrt(g.radius_km * g.radius_km * g.radius_km / g.mu_km3_s2);
        g.j2 = 0.001082616;
        g.j3 = -0.00000253881;
        g.j4 = -0.00000165597;
        break;
    }
    g.tumin = 1.0 / g.xke;
    g.j3oj2 = g.j3 / g.j2;
    return g;
}

// ---------------------------------------------------------------------------------------------
// sgp4init (with initl). STR#3 SGP4 initialisation: recover the Brouwer mean motion and
// semi-major axis from the Kozai mean motion, then the secular and drag coefficients.
// ---------------------------------------------------------------------------------------------
Sgp4Record sgp4_init(const Sgp4MeanElements &el, GravityModel gravity, OpsMode opsmode) noexcept
{
    Sgp4Record rec;
    const Sgp4Gravity g = sgp4_gravity(gravity);
    rec.radius_km = g.radius_km;
    rec.xke = g.xke;
    rec.j2 = g.j2;
    rec.j3oj2 = g.j3oj2;
    rec.vkmpersec = g.radius_km * g.xke / 60.0;
    rec.afspc = (opsmode == OpsMode::afspc) ? 1 : 0;

    rec.bstar = el.bstar;
    rec.ecco = el.ecco;
    rec.argpo = el.argpo_rad;
    rec.inclo = el.inclo_rad;
    rec.mo = el.mo_rad;
    rec.nodeo = el.nodeo_rad;

    // Atmosphere parameters of STR#3: s = 78 km altitude, q0 = 120 km, in Earth radii.
    const double ss = 78.0 / g.radius_km + 1.0;
    const double qzms2ttemp = (120.0 - 78.0) / g.radius_km;
    const double qzms2t = qzms2ttemp * qzms2ttemp * qzms2ttemp * qzms2ttemp;

    // --- initl: un-Kozai the mean motion ---
    // STR#3 SGP4 initialisation: a1 = (ke / n0)^(2/3), delta1 = 3/2 k2 (3 cos^2 i - 1) / (a1^2 beta0^3),
    // a0 = a1 (1 - delta1/3 - delta1^2 - 134/81 delta1^3), delta0 (same with a0), n0'' = n0 / (1 + delta0).
    // Here k2 = J2/2, so 3/2 k2 = 0.75 J2 (d1 below). TLE mean motions are "Kozai"; SGP4 works with
    // the recovered "Brouwer" n0'' (no_unkozai) and a0'' (ao).
    const double eccsq = el.ecco * el.ecco;
    const double omeosq = 1.0 - eccsq;
    const double rteosq = std::sqrt(omeosq);
    const double cosio = std::cos(el.inclo_rad);
    const double cosio2 = cosio * cosio;
    const double ak = std::pow(g.xke / el.no_kozai_rad_min, x2o3);
    const double d1 = 0.75 * g.j2 * (3.0 * cosio2 - 1.0) / (rteosq * omeosq);
    double del = d1 / (ak * ak);
    const double adel = ak * (1.0 - del * del - del * (1.0 / 3.0 + 134.0 * del * del / 81.0));
    del = d1 / (adel * adel);
    rec.no_unkozai = el.no_kozai_rad_min / (1.0 + del);
    const double ao = std::pow(g.xke / rec.no_unkozai, x2o3); // a0'' (Earth radii)
    const double sinio = std::sin(el.inclo_rad);
    const double po = ao * omeosq;
    const double con42 = 1.0 - 5.0 * cosio2;
    rec.con41 = -con42 - cosio2 - cosio2; // 3 cos^2 i - 1 (STR#3 theta^2 terms)
    const double posq = po * po;
    const double rp = ao * (1.0 - el.ecco);

    // Sidereal angle at epoch.
    if (rec.afspc != 0) {
        // NOTE: opsmode 'a' uses the AFSPC sidereal-time formula referred to 1970 Jan 0.0
        // (Vallado 2006 initl, "afspc" branch); 'i' uses the IAU-82 gstime. This is the second place
        // opsmode matters.
        const double ts70 = el.epoch_days - 7305.0;
        const double ds70 = std::floor(ts70 + 1.0e-8);
        const double tfrac = ts70 - ds70;
        constexpr double c1 = 1.72027916940703639e-2;
        constexpr double thgr70 = 1.7321343856509374;
        constexpr double fk5r = 5.07551419432269442e-15;
        const double c1p2p = c1 + twopi;
        rec.gsto = std::fmod(thgr70 + c1 * ds70 + c1p2p * tfrac + ts70 * ts70 * fk5r, twopi);
        if (rec.gsto < 0.0) {
            rec.gsto = rec.gsto + twopi;
        }
    } else {
        rec.gsto = gstime(el.epoch_days + 2433281.5);
    }

    // NOTE: Vallado guards the rest with `if (omeosq >= 0 || no >= 0)`, which is true for every
    // element set whose mean motion is positive or eccentricity <= 1; kept for fidelity.
    if (omeosq >= 0.0 || rec.no_unkozai >= 0.0) {
        rec.isimp = 0;
        if (rp < 220.0 / g.radius_km + 1.0) {
            rec.isimp = 1; // perigee below 220 km: drop the higher-order drag terms
        }
        // Perigee-dependent atmosphere parameter s* (STR#3: for perigees below 156 km).
        double sfour = ss;
        double qzms24 = qzms2t;
        const double perige = (rp - 1.0) * g.radius_km;
        if (perige < 156.0) {
            sfour = perige - 78.0;
            if (perige < 98.0) {
                sfour = 20.0;
            }
            const double qzms24temp = (120.0 - sfour) / g.radius_km;
            qzms24 = qzms24temp * qzms24temp * qzms24temp * qzms24temp;
            sfour = sfour / g.radius_km + 1.0;
        }
        const double pinvsq = 1.0 / posq;

        // Drag coefficients C1..C5 (STR#3 SGP4 initialisation): xi = 1 / (a0'' - s) (tsi),
        // eta = a0'' e0 xi, and (q0 - s)^4 xi^4 (coef) from the power-density atmosphere.
        const double tsi = 1.0 / (ao - sfour);
        rec.eta = ao * el.ecco * tsi;
        const double etasq = rec.eta * rec.eta;
        const double eeta = el.ecco * rec.eta;
        const double psisq = std::fabs(1.0 - etasq);
        const double coef = qzms24 * std::pow(tsi, 4.0);
        const double coef1 = coef / std::pow(psisq, 3.5);
        const double cc2 = coef1 * rec.no_unkozai
                           * (ao * (1.0 + 1.5 * etasq + eeta * (4.0 + etasq))
                              + 0.375 * g.j2 * tsi / psisq * rec.con41 * (8.0 + 3.0 * etasq * (8.0 + etasq)));
        rec.cc1 = el.bstar * cc2; // C1 = B* C2: secular decay rate of a and of the mean longitude
        double cc3 = 0.0;
        if (el.ecco > 1.0e-4) {
            cc3 = -2.0 * coef * tsi * g.j3oj2 * rec.no_unkozai * sinio / el.ecco;
        }
        rec.x1mth2 = 1.0 - cosio2;
        rec.cc4 = 2.0 * rec.no_unkozai * coef1 * ao * omeosq
                  * (rec.eta * (2.0 + 0.5 * etasq) + el.ecco * (0.5 + 2.0 * etasq)
                     - g.j2 * tsi / (ao * psisq)
                           * (-3.0 * rec.con41 * (1.0 - 2.0 * eeta + etasq * (1.5 - 0.5 * eeta))
                              + 0.75 * rec.x1mth2 * (2.0 * etasq - eeta * (1.0 + etasq))
                                    * std::cos(2.0 * el.argpo_rad)));
        rec.cc5 = 2.0 * coef1 * ao * omeosq * (1.0 + 2.75 * (etasq + eeta) + eeta * etasq);

        // Secular rates of M, argp and node from J2 (first and second order) and J4.
        const double cosio4 = cosio2 * cosio2;
        const double temp1 = 1.5 * g.j2 * pinvsq * rec.no_unkozai;
        const double temp2 = 0.5 * temp1 * g.j2 * pinvsq;
        const double temp3 = -0.46875 * g.j4 * pinvsq * pinvsq * rec.no_unkozai;
        rec.mdot = rec.no_unkozai + 0.5 * temp1 * rteosq * rec.con41
                   + 0.0625 * temp2 * rteosq * (13.0 - 78.0 * cosio2 + 137.0 * cosio4);
        rec.argpdot = -0.5 * temp1 * con42 + 0.0625 * temp2 * (7.0 - 114.0 * cosio2 + 395.0 * cosio4)
                      + temp3 * (3.0 - 36.0 * cosio2 + 49.0 * cosio4);
        const double xhdot1 = -temp1 * cosio;
        rec.nodedot = xhdot1 + (0.5 * temp2 * (4.0 - 19.0 * cosio2) + 2.0 * temp3 * (3.0 - 7.0 * cosio2)) * cosio;
        const double xpidot = rec.argpdot + rec.nodedot;
        rec.omgcof = el.bstar * cc3 * std::cos(el.argpo_rad);
        rec.xmcof = 0.0;
        if (el.ecco > 1.0e-4) {
            rec.xmcof = -x2o3 * coef * el.bstar / eeta;
        }
        rec.nodecf = 3.5 * omeosq * xhdot1 * rec.cc1; // drag term of the node (t^2)
        rec.t2cof = 1.5 * rec.cc1;                    // 3/2 C1: t^2 term of the mean longitude
        // Long-period J3 coefficients; 1 + cos i -> 0 at i = 180 deg is guarded by 1.5e-12
        // (sgp4fix for divide by zero with retrograde equatorial orbits).
        if (std::fabs(cosio + 1.0) > 1.5e-12) {
            rec.xlcof = -0.25 * g.j3oj2 * sinio * (3.0 + 5.0 * cosio) / (1.0 + cosio);
        } else {
            rec.xlcof = -0.25 * g.j3oj2 * sinio * (3.0 + 5.0 * cosio) / 1.5e-12;
        }
        rec.aycof = -0.5 * g.j3oj2 * sinio;
        const double delmotemp = 1.0 + rec.eta * std::cos(el.mo_rad);
        rec.delmo = delmotemp * delmotemp * delmotemp;
        rec.sinmao = std::sin(el.mo_rad);
        rec.x7thm1 = 7.0 * cosio2 - 1.0;

        // Deep space: orbital period 2 pi / n >= 225 min.
        if (2.0 * pi_ / rec.no_unkozai >= 225.0) {
            rec.deep_space = 1;
            rec.isimp = 1;
            const double tc = 0.0;
            const DscomOut d = dscom(el.epoch_days, el.ecco, el.argpo_rad, tc, el.inclo_rad, el.nodeo_rad,
                                     rec.no_unkozai, rec);
            // (Vallado calls dpper here with init = 'y'; it changes nothing.)
            MeanState ms{d.em, el.inclo_rad, 0.0, 0.0, 0.0, d.nm};
            dsinit(d, 0.0, tc, eccsq, xpidot, rec, ms);
        }

        // Higher-order drag terms D2..D4 and the t^3..t^5 coefficients of the semi-major axis
        // and mean longitude (STR#3), only for the full (non-simplified) model.
        if (rec.isimp != 1) {
            const double cc1sq = rec.cc1 * rec.cc1;
            rec.d2 = 4.0 * ao * tsi * cc1sq;
            const double temp = rec.d2 * tsi * rec.cc1 / 3.0;
            rec.d3 = (17.0 * ao + sfour) * temp;
            rec.d4 = 0.5 * temp * ao * tsi * (221.0 * ao + 31.0 * sfour) * rec.cc1;
            rec.t3cof = rec.d2 + 2.0 * cc1sq;
            rec.t4cof = 0.25 * (3.0 * rec.d3 + rec.cc1 * (12.0 * rec.d2 + 10.0 * cc1sq));
            rec.t5cof = 0.2
                        * (3.0 * rec.d4 + 12.0 * rec.cc1 * rec.d3 + 6.0 * rec.d2 * rec.d2
                           + 15.0 * cc1sq * (2.0 * rec.d2 + cc1sq));
        }
    }

    // Vallado propagates to t = 0 to finish the initialisation and to flag errors at epoch
    // (e.g. error 3 for a perturbed eccentricity out of range at t = 0).
    double r[3];
    double v[3];
    rec.init_error = static_cast<int>(sgp4_propagate(rec, 0.0, r, v));
    return rec;
}

// NOTE on qzms2t / qzms24: Vallado writes `pow(qzms2ttemp, 4)` and `qzms24temp^4` as repeated
// products; both compile to the same four-fold product here. This is a possible ulp-level source of
// difference to python-sgp4 (which uses `**4`); it is far below the test tolerances.

// ---------------------------------------------------------------------------------------------
// sgp4: propagation to tsince (STR#3 SGP4 "update for secular gravity and atmospheric drag",
// "long period periodics", Kepler's equation, "short period periodics").
// ---------------------------------------------------------------------------------------------
Sgp4Status sgp4_propagate(const Sgp4Record &rec, double tsince_min, double r_km[3], double v_km_s[3]) noexcept
{
    for (int i = 0; i < 3; ++i) {
        r_km[i] = 0.0;
        v_km_s[i] = 0.0;
    }
    const double t = tsince_min;

    // --- secular gravity and atmospheric drag ---
    // STR#3 "secular effects of atmospheric drag and gravitation": M_DF = M0 + Mdot t,
    // omega_DF = omega0 + omegadot t, Omega_DF = Omega0 + Omegadot t; then the drag corrections
    // delta omega = B* C3 cos(omega0) t and delta M = -2/3 (q0 - s)^4 B* xi^4 / (e0 eta) [(1 + eta cos M_DF)^3 -
    // (1 + eta cos M0)^3], and the polynomials a = a0'' (1 - C1 t - D2 t^2 - D3 t^3 - D4 t^4)^2,
    // e = e0 - B* C4 t - B* C5 (sin M - sin M0), L = M + omega + Omega + n0'' (3/2 C1 t^2 + ...).
    const double xmdf = rec.mo + rec.mdot * t;
    const double argpdf = rec.argpo + rec.argpdot * t;
    const double nodedf = rec.nodeo + rec.nodedot * t;
    MeanState ms{};
    ms.argpm = argpdf;
    ms.mm = xmdf;
    const double t2 = t * t;
    ms.nodem = nodedf + rec.nodecf * t2;
    double tempa = 1.0 - rec.cc1 * t;
    double tempe = rec.bstar * rec.cc4 * t;
    double templ = rec.t2cof * t2;

    if (rec.isimp != 1) {
        const double delomg = rec.omgcof * t;
        const double delmtemp = 1.0 + rec.eta * std::cos(xmdf);
        const double delm = rec.xmcof * (delmtemp * delmtemp * delmtemp - rec.delmo);
        const double temp = delomg + delm;
        ms.mm = xmdf + temp;
        ms.argpm = argpdf - temp;
        const double t3 = t2 * t;
        const double t4 = t3 * t;
        tempa = tempa - rec.d2 * t2 - rec.d3 * t3 - rec.d4 * t4;
        tempe = tempe + rec.bstar * rec.cc5 * (std::sin(ms.mm) - rec.sinmao);
        templ = templ + rec.t3cof * t3 + t4 * (rec.t4cof + t * rec.t5cof);
    }

    ms.nm = rec.no_unkozai;
    ms.em = rec.ecco;
    ms.inclm = rec.inclo;
    if (rec.deep_space != 0) {
        dspace(rec, t, ms);
    }

    if (ms.nm <= 0.0) {
        return Sgp4Status::mean_motion;
    }
    // Semi-major axis with drag (tempa = 1 - C1 t - ...) and the mean motion consistent with it.
    const double am = std::pow(rec.xke / ms.nm, x2o3) * tempa * tempa;
    ms.nm = rec.xke / std::pow(am, 1.5);
    ms.em = ms.em - tempe;

    // NOTE: Vallado 2006 removed the "a < 0.95 Earth radii" part of this test (kept only in the
    // description of error 1); -0.001 tolerates tiny negative eccentricities from drag.
    if ((ms.em >= 1.0) || (ms.em < -0.001)) {
        return Sgp4Status::mean_eccentricity;
    }
    if (ms.em < 1.0e-6) {
        ms.em = 1.0e-6; // sgp4fix: avoid a divide by zero
    }
    ms.mm = ms.mm + rec.no_unkozai * templ;
    // Reduce node, perigee and mean longitude to (-2 pi, 2 pi) with fmod (sign kept, as Vallado),
    // then M = L - omega - Omega.
    double xlm = ms.mm + ms.argpm + ms.nodem;
    ms.nodem = std::fmod(ms.nodem, twopi);
    ms.argpm = std::fmod(ms.argpm, twopi);
    xlm = std::fmod(xlm, twopi);
    ms.mm = std::fmod(xlm - ms.argpm - ms.nodem, twopi);

    // --- lunar-solar periodics (deep space) ---
    double ep = ms.em;
    double xincp = ms.inclm;
    double argpp = ms.argpm;
    double nodep = ms.nodem;
    double mp = ms.mm;
    double sinip = std::sin(ms.inclm);
    double cosip = std::cos(ms.inclm);
    double aycof = rec.aycof;
    double xlcof = rec.xlcof;
    double con41 = rec.con41;
    double x1mth2 = rec.x1mth2;
    double x7thm1 = rec.x7thm1;
    if (rec.deep_space != 0) {
        dpper(rec, t, ep, xincp, nodep, argpp, mp);
        if (xincp < 0.0) {
            // Negative inclination after the periodics: flip to the equivalent orbit.
            xincp = -xincp;
            nodep = nodep + pi_;
            argpp = argpp - pi_;
        }
        if ((ep < 0.0) || (ep > 1.0)) {
            return Sgp4Status::perturbed_eccentricity;
        }
        // Long-period coefficients with the perturbed inclination.
        sinip = std::sin(xincp);
        cosip = std::cos(xincp);
        aycof = -0.5 * rec.j3oj2 * sinip;
        if (std::fabs(cosip + 1.0) > 1.5e-12) {
            xlcof = -0.25 * rec.j3oj2 * sinip * (3.0 + 5.0 * cosip) / (1.0 + cosip);
        } else {
            xlcof = -0.25 * rec.j3oj2 * sinip * (3.0 + 5.0 * cosip) / 1.5e-12;
        }
    }

    // --- long-period periodics (J3), in equinoctial-like variables axn, ayn ---
    // STR#3: a_xN = e cos(omega), a_yN = e sin(omega) + A3,0 sin i / (4 k2 a (1 - e^2)) and
    // L_T = L + A3,0 sin i (3 + 5 cos i) a_xN / (8 k2 a (1 - e^2) (1 + cos i)); aycof and xlcof hold
    // the inclination factors (A3,0 / k2 = -2 J3 / J2 = -2 j3oj2).
    const double axnl = ep * std::cos(argpp);
    double temp = 1.0 / (am * (1.0 - ep * ep));
    const double aynl = ep * std::sin(argpp) + temp * aycof;
    const double xl = mp + argpp + nodep + temp * xlcof * axnl;

    // --- Kepler's equation for E + omega (Newton-Raphson, step limited to 0.95 rad, <= 10 iterations) ---
    const double u = std::fmod(xl - nodep, twopi);
    double eo1 = u;
    double tem5 = 9999.9;
    int ktr = 1;
    double sineo1 = 0.0;
    double coseo1 = 0.0;
    while ((std::fabs(tem5) >= 1.0e-12) && (ktr <= 10)) {
        sineo1 = std::sin(eo1);
        coseo1 = std::cos(eo1);
        tem5 = 1.0 - coseo1 * axnl - sineo1 * aynl;
        tem5 = (u - aynl * coseo1 + axnl * sineo1 - eo1) / tem5;
        if (std::fabs(tem5) >= 0.95) {
            tem5 = tem5 > 0.0 ? 0.95 : -0.95;
        }
        eo1 = eo1 + tem5;
        ktr = ktr + 1;
    }

    // --- short-period preliminary quantities ---
    // STR#3: e cos E, e sin E, e_L^2 = a_xN^2 + a_yN^2, p_L = a (1 - e_L^2), r = a (1 - e cos E),
    // rdot = sqrt(a) e sin E / r, r fdot = sqrt(p_L) / r, and the argument of latitude u from
    // sin u / cos u (Vallado's atan2 form of STR#3's equations).
    const double ecose = axnl * coseo1 + aynl * sineo1;
    const double esine = axnl * sineo1 - aynl * coseo1;
    const double el2 = axnl * axnl + aynl * aynl;
    const double pl = am * (1.0 - el2);
    if (pl < 0.0) {
        return Sgp4Status::semi_latus_rectum;
    }
    const double rl = am * (1.0 - ecose);
    const double rdotl = std::sqrt(am) * esine / rl;
    const double rvdotl = std::sqrt(pl) / rl;
    const double betal = std::sqrt(1.0 - el2);
    temp = esine / (1.0 + betal);
    const double sinu = am / rl * (sineo1 - aynl - axnl * temp);
    const double cosu = am / rl * (coseo1 - axnl + aynl * temp);
    double su = std::atan2(sinu, cosu);
    const double sin2u = (cosu + cosu) * sinu;
    const double cos2u = 1.0 - 2.0 * sinu * sinu;
    temp = 1.0 / pl;
    const double temp1 = 0.5 * rec.j2 * temp;
    const double temp2 = temp1 * temp;

    // Deep space: the J2 short-period coefficients use the perturbed inclination.
    if (rec.deep_space != 0) {
        const double cosisq = cosip * cosip;
        con41 = 3.0 * cosisq - 1.0;
        x1mth2 = 1.0 - cosisq;
        x7thm1 = 7.0 * cosisq - 1.0;
    }

    // --- short-period periodics (J2) ---
    // STR#3: r_k = r (1 - 3/2 k2 sqrt(1 - e_L^2) (3 cos^2 i - 1) / p_L^2) + 1/2 k2 / p_L sin^2 i cos 2u,
    // u_k = u - 1/4 k2 / p_L^2 (7 cos^2 i - 1) sin 2u, Omega_k = Omega + 3/2 k2 cos i / p_L^2 sin 2u,
    // i_k = i + 3/2 k2 cos i sin i / p_L^2 cos 2u, and the matching rdot_k, r fdot_k
    // (temp1 = 1/2 J2 / p_L = k2 / p_L, temp2 = k2 / p_L^2).
    const double mrt = rl * (1.0 - 1.5 * temp2 * betal * con41) + 0.5 * temp1 * x1mth2 * cos2u;
    su = su - 0.25 * temp2 * x7thm1 * sin2u;
    const double xnode = nodep + 1.5 * temp2 * cosip * sin2u;
    const double xinc = xincp + 1.5 * temp2 * cosip * sinip * cos2u;
    const double mvt = rdotl - ms.nm * temp1 * x1mth2 * sin2u / rec.xke;
    const double rvdot = rvdotl + ms.nm * temp1 * (x1mth2 * cos2u + 1.5 * con41) / rec.xke;

    // --- orientation vectors (TEME of epoch) ---
    // STR#3: U = M sin u_k + N cos u_k (unit position), V = M cos u_k - N sin u_k (unit transverse),
    // with M = (-sin Omega_k cos i_k, cos Omega_k cos i_k, sin i_k) and N = (cos Omega_k, sin Omega_k, 0).
    const double sinsu = std::sin(su);
    const double cossu = std::cos(su);
    const double snod = std::sin(xnode);
    const double cnod = std::cos(xnode);
    const double sini = std::sin(xinc);
    const double cosi = std::cos(xinc);
    const double xmx = -snod * cosi;
    const double xmy = cnod * cosi;
    const double ux = xmx * sinsu + cnod * cossu;
    const double uy = xmy * sinsu + snod * cossu;
    const double uz = sini * sinsu;
    const double vx = xmx * cossu - cnod * sinsu;
    const double vy = xmy * cossu - snod * sinsu;
    const double vz = sini * cossu;

    // --- position (km) and velocity (km/s) ---
    // r = r_k U (Earth radii -> km); v = rdot_k U + r fdot_k V (Earth radii per minute -> km/s via
    // vkmpersec = Re xke / 60).
    const double mr = mrt * rec.radius_km;
    r_km[0] = mr * ux;
    r_km[1] = mr * uy;
    r_km[2] = mr * uz;
    v_km_s[0] = (mvt * ux + rvdot * vx) * rec.vkmpersec;
    v_km_s[1] = (mvt * uy + rvdot * vy) * rec.vkmpersec;
    v_km_s[2] = (mvt * uz + rvdot * vz) * rec.vkmpersec;

    // sgp4fix for decaying satellites: the state is computed but flagged when the radius drops
    // below one Earth radius.
    if (mrt < 1.0) {
        return Sgp4Status::decayed;
    }
    return Sgp4Status::ok;
}

// ---------------------------------------------------------------------------------------------
// Epoch and sidereal time helpers (Vallado 2006 days2mdhms, jday, gstime).
// ---------------------------------------------------------------------------------------------
double jday(int year, int month, int day, int hour, int minute, double second) noexcept
{
    // Vallado 2004 algorithm 14 (valid 1900 Mar 1 to 2100 Feb 28).
    const double yr = year;
    const double mon = month;
    return 367.0 * yr - std::floor((7.0 * (yr + std::floor((mon + 9.0) / 12.0))) * 0.25)
           + std::floor(275.0 * mon / 9.0) + day + 1721013.5
           + ((second / 60.0 + minute) / 60.0 + hour) / 24.0;
}

double tle_epoch_jd(int year, double day_of_year) noexcept
{
    // days2mdhms: month and day from the integral day of year, then h/m/s from the fraction.
    int lmonth[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    // NOTE: Vallado's leap-year rule is (year - 1900) % 4 == 0, right for 1901-2099 (TLE years).
    if ((year - 1900) % 4 == 0) {
        lmonth[2] = 29;
    }
    const int dayofyr = static_cast<int>(std::floor(day_of_year));
    int i = 1;
    int inttemp = 0;
    while ((dayofyr > inttemp + lmonth[i]) && (i < 12)) {
        inttemp = inttemp + lmonth[i];
        i = i + 1;
    }
    const int mon = i;
    const int day = dayofyr - inttemp;
    double temp = (day_of_year - dayofyr) * 24.0;
    const int hr = static_cast<int>(std::floor(temp));
    temp = (temp - hr) * 60.0;
    const int minute = static_cast<int>(std::floor(temp));
    const double sec = (temp - minute) * 60.0;
    return jday(year, mon, day, hr, minute, sec);
}

double gstime(double jd_ut1) noexcept
{
    // IAU-82 GMST (Vallado 2004 eq. 3-45): seconds of time, converted to rad (1 s = 1/240 deg).
    constexpr double deg2rad = pi_ / 180.0;
    const double tut1 = (jd_ut1 - 2451545.0) / 36525.0;
    double temp = -6.2e-6 * tut1 * tut1 * tut1 + 0.093104 * tut1 * tut1
                  + (876600.0 * 3600.0 + 8640184.812866) * tut1 + 67310.54841;
    temp = std::fmod(temp * deg2rad / 240.0, twopi);
    if (temp < 0.0) {
        temp += twopi;
    }
    return temp;
}

} // namespace vantage::orbits::detail
