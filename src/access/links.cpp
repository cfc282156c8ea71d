#include "vantage/access/links.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "vantage/access/detail/ephemeris.hpp"
#include "vantage/core/constants.hpp"
#include "vantage/core/error.hpp"
#include "vantage/frames/transforms.hpp"

namespace vantage::access {

namespace {

constexpr double wgs84_b_km = wgs84_a_km * (1.0 - wgs84_f);
constexpr double max_step_s = 600.0;

double clamp_unit(double x) { return std::clamp(x, -1.0, 1.0); }

Vec3 geo_point_km(double longitude_deg)
{
    const double l = longitude_deg * deg_to_rad;
    return Vec3(geostationary_radius_km * std::cos(l), geostationary_radius_km * std::sin(l), 0.0);
}

// One end over the analysis span: an interpolated ephemeris, or a fixed ITRF point.
struct Track {
    std::optional<detail::Ephemeris> eph;
    Vec3 fixed = Vec3::Zero();
    double v_max = 0.0;     // ITRF speed bound (km/s)
    double omega_dir = 0.0; // turn-rate bound of r/|r| (rad/s)
    Vec3 at(double tau) const { return eph ? eph->at(tau).r : fixed; }
};

void check_terminal(const LinkTerminal &t, std::size_t i)
{
    if (!(t.min_elevation_deg >= -90.0 && t.min_elevation_deg <= 90.0)) {
        throw ConfigError(ErrorCode::out_of_range, "a terminal's minimum elevation must be in [-90, 90] deg",
                          ErrorContext{"", 0, fmt::format("ends[{}].min_elevation_deg", i), fmt::format("{}", t.min_elevation_deg)});
    }
    if (!(t.max_off_nadir_deg > 0.0 && t.max_off_nadir_deg <= 180.0)) {
        throw ConfigError(ErrorCode::out_of_range, "a terminal's maximum off-nadir angle must be in (0, 180] deg",
                          ErrorContext{"", 0, fmt::format("ends[{}].max_off_nadir_deg", i), fmt::format("{}", t.max_off_nadir_deg)});
    }
}

} // namespace

LinkFunctions link_functions(const Vec3 &r1, const LinkTerminal &t1, const Vec3 &r2, const LinkTerminal &t2,
                             double grazing_height_km)
{
    LinkFunctions f;
    const double radius = wgs84_a_km + grazing_height_km;
    const double k = radius / (wgs84_b_km + grazing_height_km);
    const Vec3 p1(r1.x(), r1.y(), r1.z() * k), p2(r2.x(), r2.y(), r2.z() * k);
    const Vec3 d = p2 - p1;
    const double dd = d.squaredNorm();
    const double s = dd > 0.0 ? std::clamp(-p1.dot(d) / dd, 0.0, 1.0) : 0.0;
    f.earth_km = (p1 + s * d).norm() - radius;
    const Vec3 rho = r2 - r1;
    const double rn = rho.norm();
    auto angles = [&](const Vec3 &r, const Vec3 &to_other, const LinkTerminal &t, double &elevation, double &off_nadir) {
        const double c = rn > 0.0 ? clamp_unit(r.normalized().dot(to_other) / rn) : 1.0;
        elevation = std::asin(c) - t.min_elevation_deg * deg_to_rad;
        off_nadir = t.max_off_nadir_deg * deg_to_rad - std::acos(-c);
    };
    angles(r1, rho, t1, f.elevation1_rad, f.off_nadir1_rad);
    angles(r2, -rho, t2, f.elevation2_rad, f.off_nadir2_rad);
    return f;
}

Vec3 link_end_position_itrf_km(const LinkEnd &end, const time::Instant &t, const frames::EarthOrientation &eop)
{
    if (!end.propagator) {
        return geo_point_km(end.geo_longitude_deg);
    }
    return frames::teme_to_itrf(end.propagator->propagate(t), eop).r_km;
}

LinkSet satellite_links(std::span<const Satellite> sats, const LinkTerminal &satellite_terminal,
                        std::span<const std::pair<std::string, double>> geo, const LinkTerminal &relay_terminal,
                        bool between_satellites)
{
    LinkSet set;
    for (const auto &s : sats) {
        set.ends.push_back(LinkEnd{s.name, s.propagator, 0.0, satellite_terminal});
    }
    for (const auto &[name, lon] : geo) {
        set.ends.push_back(LinkEnd{name, std::nullopt, lon, relay_terminal});
    }
    const std::size_t n = sats.size();
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = n; j < set.ends.size(); ++j) {
            set.pairs.emplace_back(i, j);
        }
        for (std::size_t j = i + 1; between_satellites && j < n; ++j) {
            set.pairs.emplace_back(i, j);
        }
    }
    return set;
}

std::vector<LinkWindow> find_link_windows(std::span<const LinkEnd> ends,
                                          std::span<const std::pair<std::size_t, std::size_t>> pairs,
                                          const time::Instant &start, const time::Instant &stop,
                                          const frames::EarthOrientation &eop, const LinkOptions &options)
{
    if (!(stop > start)) {
        throw ConfigError(ErrorCode::out_of_range, "the stop must be after the start",
                          ErrorContext{"", 0, "stop_utc", stop.to_iso8601_utc(3)});
    }
    if (!(options.grazing_height_km >= 0.0 && options.grazing_height_km <= 1000.0)) {
        throw ConfigError(ErrorCode::out_of_range, "the grazing height must be in [0, 1000] km",
                          ErrorContext{"", 0, "grazing_height_km", fmt::format("{}", options.grazing_height_km)});
    }
    if (!(options.min_window_s > 0.0) || !(options.edge_tolerance_s > 0.0)) {
        throw ConfigError(ErrorCode::out_of_range, "min_window_s and edge_tolerance_s must be > 0",
                          ErrorContext{"", 0, "min_window_s", fmt::format("{}", options.min_window_s)});
    }
    for (std::size_t i = 0; i < ends.size(); ++i) {
        check_terminal(ends[i].terminal, i);
        const double lon = ends[i].geo_longitude_deg;
        if (!ends[i].propagator && !(lon >= -180.0 && lon <= 360.0)) {
            throw ConfigError(ErrorCode::out_of_range, "a geostationary longitude must be in [-180, 360] deg",
                              ErrorContext{"", 0, fmt::format("ends[{}].geo_longitude_deg", i), fmt::format("{}", lon)});
        }
    }
    for (const auto &[i, j] : pairs) {
        if (i >= ends.size() || j >= ends.size() || i == j) {
            throw Error(ErrorCode::invalid_argument, fmt::format("link pair ({}, {}) is not two different ends of {}", i, j, ends.size()));
        }
    }
    const double span_s = (stop - start).seconds();
    const detail::TemeToItrf rot(start, 0.0, span_s, eop);
    std::vector<std::optional<Track>> tracks(ends.size());
    auto track = [&](std::size_t i) -> const Track * {
        if (!tracks[i]) {
            const LinkEnd &e = ends[i];
            Track t;
            if (e.propagator) {
                if (e.propagator->init_status() != orbits::Sgp4Status::ok) {
                    return nullptr;
                }
                t.eph.emplace(*e.propagator, start, 0.0, span_s, rot, 60.0);
                t.v_max = t.eph->bounds().v_max;
                t.omega_dir = t.eph->bounds().omega_dir;
            } else {
                t.fixed = geo_point_km(e.geo_longitude_deg);
            }
            tracks[i] = std::move(t);
        }
        return &*tracks[i];
    };
    std::vector<LinkWindow> out;
    const double h_min = options.min_window_s / 2.0;
    const double radius = wgs84_a_km + options.grazing_height_km;
    const double k_scale = radius / (wgs84_b_km + options.grazing_height_km);
    for (const auto &pair : pairs) {
        const std::size_t i = pair.first, j = pair.second; // named values: a lambda below captures them
        const Track *a = track(i);
        const Track *b = track(j);
        if (a == nullptr || b == nullptr) {
            continue;
        }
        const LinkTerminal &ta = ends[i].terminal, &tb = ends[j].terminal;
        const bool el_a = ta.min_elevation_deg > -90.0, off_a = ta.max_off_nadir_deg < 180.0;
        const bool el_b = tb.min_elevation_deg > -90.0, off_b = tb.max_off_nadir_deg < 180.0;
        const double v_sum = a->v_max + b->v_max;
        auto eval = [&](double tau, double &range) {
            const Vec3 r1 = a->at(tau), r2 = b->at(tau);
            range = (r2 - r1).norm();
            return link_functions(r1, ta, r2, tb, options.grazing_height_km);
        };
        // The span over which no constraint's sign can change (docs/accuracy.md § Link windows).
        auto step = [&](const LinkFunctions &f, double range) {
            double h = std::abs(f.earth_km) / (k_scale * std::max({a->v_max, b->v_max, 1e-9}));
            if (el_a || off_a || el_b || off_b) {
                const double h_range = v_sum > 0.0 ? range / (2.0 * v_sum) : max_step_s;
                const double turn = v_sum / std::max(range / 2.0, 1e-9);
                const double la = a->omega_dir + turn, lb = b->omega_dir + turn;
                h = std::min(h, h_range);
                if (el_a) {
                    h = std::min(h, std::abs(f.elevation1_rad) / la);
                }
                if (off_a) {
                    h = std::min(h, std::abs(f.off_nadir1_rad) / la);
                }
                if (el_b) {
                    h = std::min(h, std::abs(f.elevation2_rad) / lb);
                }
                if (off_b) {
                    h = std::min(h, std::abs(f.off_nadir2_rad) / lb);
                }
            }
            return std::clamp(h, h_min, max_step_s);
        };
        auto edge = [&](double lo, double hi, bool vis_lo) {
            double r = 0.0;
            while (hi - lo > options.edge_tolerance_s) {
                const double mid = 0.5 * (lo + hi);
                (eval(mid, r).visible() == vis_lo ? lo : hi) = mid;
            }
            return vis_lo ? lo : hi; // an instant where the link holds
        };
        auto at = [&](double tau) { return start + time::Duration::from_seconds(tau); };
        double range = 0.0;
        double tau = 0.0;
        LinkFunctions f = eval(tau, range);
        bool vis = f.visible();
        LinkWindow cur;
        auto open = [&](double t0, bool partial, double r) {
            cur = LinkWindow{i, j, at(t0), at(t0), partial, r, r};
        };
        if (vis) {
            open(0.0, true, range);
        }
        while (tau < span_s) {
            const double t1 = std::min(span_s, tau + step(f, range));
            double r1 = 0.0;
            const LinkFunctions f1 = eval(t1, r1);
            const bool vis1 = f1.visible();
            if (vis1 != vis) {
                const double e = edge(tau, t1, vis);
                double re = 0.0;
                eval(e, re);
                if (vis1) {
                    open(e, false, re);
                } else {
                    cur.end = at(e);
                    cur.min_range_km = std::min(cur.min_range_km, re);
                    cur.max_range_km = std::max(cur.max_range_km, re);
                    out.push_back(cur);
                }
            }
            if (vis1) {
                cur.min_range_km = std::min(cur.min_range_km, r1);
                cur.max_range_km = std::max(cur.max_range_km, r1);
            }
            tau = t1;
            f = f1;
            range = r1;
            vis = vis1;
        }
        if (vis) {
            cur.end = stop;
            cur.partial = true;
            out.push_back(cur);
        }
    }
    std::sort(out.begin(), out.end(), [](const LinkWindow &x, const LinkWindow &y) {
        return std::tie(x.first, x.second, x.start) < std::tie(y.first, y.second, y.start);
    });
    return out;
}

} // namespace vantage::access
