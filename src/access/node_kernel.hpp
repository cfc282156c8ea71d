#pragma once
// Private to the access module: the vectorised part of the node path (node_search.cpp). For one satellite
// ephemeris node t_j and a contiguous range of sites (sorted by index cell), it evaluates the line-of-sight
// quantities of every site at the node (exact node state), certifies per site whether the combined switching
// function keeps its sign over the ephemeris interval [t_{j-1}, t_j] from the values and rates at both nodes and
// the second-derivative bounds (docs/accuracy.md § Access windows, "Node path"), and returns the sites that need
// the scalar code: a sign change, an uncertain interval, a site entering the candidate set with the spec holding.
// Highway dynamic dispatch (AVX-512 / AVX2 / SSE4 / scalar); lanes are sites.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vantage::access::detail {

/// Site coordinates, structure of arrays in index order, padded with at least 8 readable entries.
struct KernelSites {
    const double *sx, *sy, *sz; ///< ITRF position (km)
    const double *ux, *uy, *uz; ///< ellipsoid normal
    const double *th_lo;        ///< stations: sin(lowest mask value) (out below it)
    const double *th_hi;        ///< stations: sin(highest mask value) (in above it)
};

/// Quantities kept per site and node parity (index p = node id % 2), and the window state.
struct KernelState {
    double *stamp[2]; ///< node id of the evaluation stored in this parity (-10: none)
    double *rho[2];
    double *e[2], *de[2];
    double *c[2], *dc[2];
    double *x[2], *dx[2];
    double *a[2], *da[2];
    double *s[2];
    double *root;   ///< stations: the certified edge found by the kernel in [t_{j-1}, t_j] (see `resolved`)
    double *inwin;  ///< 1 while a window is open
    double *best_o; ///< objective at the best node of the open window
    double *best_k; ///< that node's id (-1: none)
};

/// Term kinds as in constraints.hpp (TermKind), in the kernel's encoding.
struct KernelTerm {
    int kind = 0;
    int mode = 0;
    double th = 0.0, sgn = 1.0;
    double k_prev = 0.0, dk_prev = 0.0, k_cur = 0.0, dk_cur = 0.0; ///< swath: tan(eta) and its rate at both nodes
    double c2 = 0.0, c1 = 0.0, c0 = 0.0, e1 = 0.0, e0 = 0.0;       ///< M = c2 U2 + c1 U1 + c0, eps = e1 vm / rho_lo + e0
};

inline constexpr int kernel_max_terms = 16;
inline constexpr int kernel_max_modes = 8;

struct KernelParams {
    bool station = false; ///< stations: one elevation term per site with th_lo / th_hi
    bool station_const = false; ///< stations, all with constant masks (th_lo = th_hi)
    int n_terms = 0;
    int n_modes = 1;
    KernelTerm terms[kernel_max_terms];
    int objective = 0;    ///< 0: E, 1: C, 2: -|A|
    bool need_frame = false, need_x = false, need_a = false, need_s = false;
    double v_max = 0.0, a_max = 0.0, h = 0.0, vm = 0.0, sun_rate = 0.0;
    double tol = 0.0; ///< edge tolerance of the kernel's root certificate (s)
};

/// The node: exact satellite state and frame (unit vectors and rates), Sun position, node id; and the six
/// ephemeris nodes of the Lagrange stencil that interpolates [t_{j-1}, t_j] (for the kernel's edge refinement).
struct KernelNode {
    double id = 0.0;
    double tau = 0.0, tau_prev = 0.0; ///< t_j and t_{j-1} (s from the analysis start)
    double r[3], v[3];
    double n[3], dn[3], rt[3], drt[3], al[3], dal[3];
    double sun[3];
    double st_r[6][3], st_v[6][3]; ///< stencil node positions and velocities
    double st_t0 = 0.0;            ///< ephemeris start (s)
    double st_step = 1.0;          ///< node spacing (s)
    double st_first = 0.0;         ///< index of the stencil's first node
};

/// Evaluates the sites of the index ranges [ranges[2k], ranges[2k+1]), k < n_ranges, at the node and appends those
/// needing attention to `attention`. Stations with
/// constant masks: a site whose elevation crosses the mask inside [t_{j-1}, t_j] gets its edge refined here (cubic
/// Hermite estimate from the node values and rates, one evaluation of the interpolated ephemeris there, and the same
/// second-order certificate as search.cpp's refine_root); when it is certified the edge is in `st.root[i]` and the
/// site is appended to `resolved` instead.
void node_kernel(const KernelParams &p, const KernelNode &node, const KernelSites &sites, const KernelState &st,
                 const std::uint32_t *ranges, std::size_t n_ranges, std::vector<std::uint32_t> &attention,
                 std::vector<std::uint32_t> &resolved);

/// Highway target the kernel dispatches to now (e.g. "AVX2").
const char *node_kernel_target();

} // namespace vantage::access::detail
