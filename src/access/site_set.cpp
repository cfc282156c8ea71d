#include "site_set.hpp"

#include <algorithm>

#include "vantage/core/constants.hpp"

namespace vantage::access::detail {

namespace {

constexpr double wgs84_b_km = wgs84_a_km * (1.0 - wgs84_f);
// SoA arrays are padded so that a vector load at any index below size() stays inside them (AVX-512: 8 lanes).
constexpr std::size_t pad = 8;

} // namespace

SiteSet::SiteSet(const std::vector<Site> &sites, std::vector<Spec> specs)
{
    const std::size_t n = sites.size();
    // NOTE: cells of a few degrees: a query touches one or two index ranges per cell row, and the ranges overlap
    // the cap by about one cell at each end; 1 deg cells for dense grids (small sensor footprints of 3-5 deg radius
    // would otherwise read ~2x the sites inside them), 2.5 deg for a few thousand sites.
    m_nlat = n >= 20000 ? 180 : (n >= 2000 ? 72 : (n >= 200 ? 30 : 18));
    m_nlon = 2 * m_nlat;
    m_cell_rad = pi / m_nlat;
    std::vector<int> cell(n);
    std::vector<std::uint32_t> count(static_cast<std::size_t>(m_nlat * m_nlon) + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const Vec3 &u = sites[i].unit;
        const double lat = std::atan2(u.z(), std::hypot(u.x(), u.y()));
        const double lon = std::atan2(u.y(), u.x());
        const int r = lat_row(lat);
        const int c = std::clamp(static_cast<int>(std::floor((lon + pi) / m_cell_rad)), 0, m_nlon - 1);
        cell[i] = r * m_nlon + c;
        ++count[static_cast<std::size_t>(cell[i]) + 1];
    }
    m_cell_start.assign(count.size(), 0);
    for (std::size_t k = 1; k < count.size(); ++k) {
        m_cell_start[k] = m_cell_start[k - 1] + count[k];
    }
    std::vector<std::uint32_t> fill(m_cell_start.begin(), m_cell_start.end() - 1);
    m_original.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        m_original[fill[static_cast<std::size_t>(cell[i])]++] = static_cast<std::uint32_t>(i);
    }
    m_sites.resize(n);
    if (!specs.empty()) {
        m_specs.resize(n);
    }
    for (auto *v : {&m_sx, &m_sy, &m_sz, &m_ux, &m_uy, &m_uz, &m_th_lo, &m_th_hi}) {
        v->assign(n + pad, 0.0);
    }
    m_rs_km = wgs84_b_km;
    for (std::size_t k = 0; k < n; ++k) {
        const Site &s = sites[m_original[k]];
        m_sites[k] = s;
        m_sx[k] = s.r.x();
        m_sy[k] = s.r.y();
        m_sz[k] = s.r.z();
        m_ux[k] = s.up.x();
        m_uy[k] = s.up.y();
        m_uz[k] = s.up.z();
        m_rs_km = std::min(m_rs_km, s.r.norm());
        m_rs_max_km = std::max(m_rs_max_km, s.r.norm());
        if (!specs.empty()) {
            m_specs[k] = std::move(specs[m_original[k]]);
            m_th_lo[k] = std::sin(m_specs[k].mask_lo_rad);
            m_th_hi[k] = std::sin(m_specs[k].mask_hi_rad);
        }
    }
    m_rs_km -= 1.0;
    m_rs_max_km += 1.0;
    for (const Spec &s : m_specs) {
        if (m_widest == nullptr || s.mask_lo_rad < m_widest->mask_lo_rad) {
            m_widest = &s;
        }
        m_all_const = m_all_const && s.const_mask;
    }
    m_row_sin.resize(static_cast<std::size_t>(m_nlat) + 1);
    m_row_cos.resize(static_cast<std::size_t>(m_nlat) + 1);
    for (int r = 0; r <= m_nlat; ++r) {
        const double lat = -0.5 * pi + r * m_cell_rad;
        m_row_sin[static_cast<std::size_t>(r)] = r == m_nlat ? 1.0 : (r == 0 ? -1.0 : std::sin(lat));
        m_row_cos[static_cast<std::size_t>(r)] = (r == 0 || r == m_nlat) ? 0.0 : std::cos(lat);
    }
}

KernelSites SiteSet::kernel_sites() const noexcept
{
    return KernelSites{m_sx.data(), m_sy.data(), m_sz.data(), m_ux.data(), m_uy.data(), m_uz.data(), m_th_lo.data(),
                       m_th_hi.data()};
}

} // namespace vantage::access::detail
