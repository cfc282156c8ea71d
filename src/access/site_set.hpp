#pragma once
// Private to the access module: the ground points of one search, sorted by a latitude/longitude cell grid of
// their geocentric directions so that the sites near a sub-satellite point form a few contiguous index ranges
// (one or two per cell row), with the structure-of-arrays copies the vectorised node kernel reads.

#include <cmath>
#include <cstdint>
#include <vector>

#include "vantage/access/detail/constraints.hpp"
#include "node_kernel.hpp"

namespace vantage::access::detail {

class SiteSet {
public:
    /// @param sites in input order
    /// @param specs one per site (stations) or empty (targets: the satellite's sensor applies to all)
    SiteSet(const std::vector<Site> &sites, std::vector<Spec> specs);

    std::size_t size() const noexcept { return m_sites.size(); }
    /// Sorted position -> input index.
    std::uint32_t original(std::uint32_t i) const noexcept { return m_original[i]; }
    const Site &site(std::uint32_t i) const noexcept { return m_sites[i]; }
    bool per_site_specs() const noexcept { return !m_specs.empty(); }
    const Spec &spec(std::uint32_t i) const noexcept { return m_specs[i]; }
    const std::vector<Spec> &specs() const noexcept { return m_specs; }
    /// Stations: the spec with the widest footprint (lowest mask); nullptr for targets.
    const Spec *widest_station() const noexcept { return m_widest; }
    /// Stations, all with constant masks.
    bool all_const_masks() const noexcept { return m_all_const; }
    /// Smallest site radius less 1 km (km).
    double rs_km() const noexcept { return m_rs_km; }
    /// Largest site radius plus 1 km (km).
    double rs_max_km() const noexcept { return m_rs_max_km; }
    KernelSites kernel_sites() const noexcept;

    /// Calls f(begin, end) for index ranges that together hold every site whose geocentric direction is within
    /// `radius_rad` of the unit vector `center` (and possibly some more).
    template <class F>
    void query(const Vec3 &center, double radius_rad, F &&f) const;

private:
    int lat_row(double lat_rad) const
    {
        const int r = static_cast<int>(std::floor((lat_rad + 0.5 * 3.14159265358979323846) / m_cell_rad));
        return r < 0 ? 0 : (r >= m_nlat ? m_nlat - 1 : r);
    }
    std::uint32_t cell_begin(int row, int col) const { return m_cell_start[static_cast<std::size_t>(row * m_nlon + col)]; }

    std::vector<Site> m_sites;
    std::vector<std::uint32_t> m_original;
    std::vector<Spec> m_specs;
    const Spec *m_widest = nullptr;
    bool m_all_const = true;
    double m_rs_km = 0.0;
    double m_rs_max_km = 0.0;
    std::vector<double> m_sx, m_sy, m_sz, m_ux, m_uy, m_uz, m_th_lo, m_th_hi;
    double m_cell_rad = 0.0;
    int m_nlat = 1;
    int m_nlon = 1;
    std::vector<std::uint32_t> m_cell_start; // nlat * nlon + 1
    std::vector<double> m_row_sin, m_row_cos; // latitude of the row edges (nlat + 1)
};

template <class F>
void SiteSet::query(const Vec3 &center, double radius_rad, F &&f) const
{
    constexpr double pi_ = 3.14159265358979323846;
    const auto n = static_cast<std::uint32_t>(m_sites.size());
    if (n == 0) {
        return;
    }
    if (radius_rad >= pi_) {
        f(0u, n);
        return;
    }
    const double sc = std::max(-1.0, std::min(1.0, center.z()));
    const double cc = std::hypot(center.x(), center.y());
    const double lat_c = std::atan2(sc, cc);
    const double lon_c = std::atan2(center.y(), center.x());
    const double cos_r = std::cos(radius_rad);
    const int r0 = lat_row(lat_c - radius_rad);
    const int r1 = lat_row(lat_c + radius_rad);
    const bool north_in = lat_c + radius_rad >= 0.5 * pi_;
    const bool south_in = lat_c - radius_rad <= -0.5 * pi_;
    // Latitude where the cap is widest in longitude: sin(phi*) = sin(phi_c) / cos(r).
    const double s_star = cos_r > 0.0 ? sc / cos_r : 2.0;
    // x(phi) = (cos r - sin phi sin phi_c) / (cos phi cos phi_c); the cap spans |dlon| <= acos(x) at latitude phi.
    auto x_at = [&](double s_phi, double c_phi) {
        const double den = c_phi * cc;
        return den > 1e-15 ? (cos_r - s_phi * sc) / den : (cos_r - s_phi * sc > 0.0 ? 2.0 : -2.0);
    };
    for (int r = r0; r <= r1; ++r) {
        double half = 0.0;
        bool all = cc < 1e-12 || (north_in && r == m_nlat - 1) || (south_in && r == 0);
        if (!all) {
            double x = std::min(x_at(m_row_sin[r], m_row_cos[r]), x_at(m_row_sin[r + 1], m_row_cos[r + 1]));
            if (std::abs(s_star) <= 1.0 && s_star > m_row_sin[r] && s_star < m_row_sin[r + 1]) {
                x = std::min(x, x_at(s_star, std::sqrt(1.0 - s_star * s_star)));
            }
            if (x <= -1.0) {
                all = true;
            } else if (x >= 1.0) {
                // the cap may still touch the band only at its edge latitude: keep a thin sliver
                half = 1e-9;
            } else {
                half = std::acos(x) + 1e-9;
            }
        }
        const std::uint32_t row_b = cell_begin(r, 0);
        const std::uint32_t row_e = cell_begin(r + 1, 0);
        if (row_b == row_e) {
            continue;
        }
        if (all || half >= pi_) {
            f(row_b, row_e);
            continue;
        }
        const int c0 = static_cast<int>(std::floor((lon_c - half + pi_) / m_cell_rad));
        const int c1 = static_cast<int>(std::floor((lon_c + half + pi_) / m_cell_rad));
        if (c1 - c0 + 1 >= m_nlon) {
            f(row_b, row_e);
            continue;
        }
        const int a = ((c0 % m_nlon) + m_nlon) % m_nlon;
        const int b = ((c1 % m_nlon) + m_nlon) % m_nlon;
        if (a <= b) {
            const std::uint32_t lo = cell_begin(r, a);
            const std::uint32_t hi = b + 1 < m_nlon ? cell_begin(r, b + 1) : row_e;
            if (hi > lo) {
                f(lo, hi);
            }
        } else { // wraps through 180 deg
            const std::uint32_t hi1 = b + 1 < m_nlon ? cell_begin(r, b + 1) : row_e;
            if (hi1 > row_b) {
                f(row_b, hi1);
            }
            const std::uint32_t lo2 = cell_begin(r, a);
            if (row_e > lo2) {
                f(lo2, row_e);
            }
        }
    }
}

} // namespace vantage::access::detail
