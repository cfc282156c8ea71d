// SPOT5 instance → solver structures (conflict graph, triples) and → 0/1 MILP.
#include "spot5_model.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "vantage/core/error.hpp"

namespace vantage::spot5::detail {

bool Compiled::in_conflict(int u, int v) const
{
    const auto &a = conflicts[static_cast<std::size_t>(u)];
    return std::binary_search(a.begin(), a.end(), v);
}

Compiled compile(const Instance &instance, CapacityMode mode)
{
    validate(instance);
    Compiled c;
    c.num_photos = static_cast<int>(instance.photos.size());
    c.photo_first.reserve(instance.photos.size() + 1);
    for (std::size_t p = 0; p < instance.photos.size(); ++p) {
        c.photo_first.push_back(c.num_nodes);
        for (const Option &o : instance.photos[p].options) {
            c.node_photo.push_back(static_cast<int>(p));
            c.node_camera.push_back(o.camera);
            c.node_weight.push_back(instance.photos[p].weight);
            c.node_consumption.push_back(consumption(o, mode));
            ++c.num_nodes;
        }
    }
    c.photo_first.push_back(c.num_nodes);
    c.capacity = capacity(instance, mode);
    c.capacity_tolerance = mode == CapacityMode::literal ? literal_capacity_tolerance : 0.0;

    // Node of (photo, camera), −1 when the camera is not in the photo's domain (such a tuple never matches).
    auto node_of = [&](int p, int camera) {
        for (int u = c.photo_first[static_cast<std::size_t>(p)]; u < c.photo_first[static_cast<std::size_t>(p) + 1]; ++u) {
            if (c.node_camera[static_cast<std::size_t>(u)] == camera) {
                return u;
            }
        }
        return -1;
    };
    c.conflicts.assign(static_cast<std::size_t>(c.num_nodes), {});
    std::vector<std::array<int, 3>> raw_triples;
    for (const Constraint &k : instance.constraints) {
        for (const auto &t : k.forbidden) {
            std::array<int, 3> nodes{-1, -1, -1};
            bool possible = true;
            for (std::size_t a = 0; a < k.scope.size(); ++a) {
                nodes[a] = node_of(k.scope[a], t[a]);
                possible = possible && nodes[a] >= 0;
            }
            if (!possible) {
                continue;
            }
            if (k.scope.size() == 2) {
                c.conflicts[static_cast<std::size_t>(nodes[0])].push_back(nodes[1]);
                c.conflicts[static_cast<std::size_t>(nodes[1])].push_back(nodes[0]);
            } else {
                raw_triples.push_back(nodes);
            }
        }
    }
    for (auto &a : c.conflicts) {
        std::sort(a.begin(), a.end());
        a.erase(std::unique(a.begin(), a.end()), a.end());
    }
    // A triple containing a forbidden pair can never be fully taken in a feasible selection: drop it.
    std::sort(raw_triples.begin(), raw_triples.end(), [](auto x, auto y) {
        std::sort(x.begin(), x.end());
        std::sort(y.begin(), y.end());
        return x < y;
    });
    c.node_triples.assign(static_cast<std::size_t>(c.num_nodes), {});
    std::array<int, 3> previous{-1, -1, -1};
    for (const auto &t : raw_triples) {
        auto s = t;
        std::sort(s.begin(), s.end());
        if (s == previous) {
            continue;
        }
        previous = s;
        if (c.in_conflict(t[0], t[1]) || c.in_conflict(t[0], t[2]) || c.in_conflict(t[1], t[2])) {
            continue;
        }
        const int id = static_cast<int>(c.triples.size());
        c.triples.push_back(t);
        for (const int u : t) {
            c.node_triples[static_cast<std::size_t>(u)].push_back(id);
        }
    }
    return c;
}

Solution to_solution(const Compiled &c, const std::vector<int> &node_of_photo)
{
    Solution s;
    s.camera.assign(static_cast<std::size_t>(c.num_photos), camera_none);
    for (std::size_t p = 0; p < node_of_photo.size() && p < s.camera.size(); ++p) {
        if (node_of_photo[p] >= 0) {
            s.camera[p] = c.node_camera[static_cast<std::size_t>(node_of_photo[p])];
        }
    }
    return s;
}

std::vector<int> to_nodes(const Compiled &c, const Solution &s)
{
    if (s.camera.size() != static_cast<std::size_t>(c.num_photos)) {
        throw DomainError(ErrorCode::invalid_argument,
                          fmt::format("SPOT5 solution has {} values for {} photographs", s.camera.size(), c.num_photos));
    }
    std::vector<int> nodes(s.camera.size(), -1);
    for (std::size_t p = 0; p < s.camera.size(); ++p) {
        if (s.camera[p] == camera_none) {
            continue;
        }
        for (int u = c.photo_first[p]; u < c.photo_first[p + 1]; ++u) {
            if (c.node_camera[static_cast<std::size_t>(u)] == s.camera[p]) {
                nodes[p] = u;
            }
        }
        if (nodes[p] < 0) {
            throw DomainError(ErrorCode::invalid_argument,
                              fmt::format("SPOT5 solution: photo {} takes value {}, not in its domain", p, s.camera[p]));
        }
    }
    return nodes;
}

milp::MilpModel build_milp(const Compiled &c)
{
    milp::MilpModel m;
    for (int u = 0; u < c.num_nodes; ++u) {
        m.add_binary(static_cast<double>(c.node_weight[static_cast<std::size_t>(u)]));
    }
    // Conflict graph: the cameras of one photo exclude each other, plus the forbidden pairs. A clique cover
    // gives the same integer points as the edge rows and a much tighter relaxation.
    std::vector<std::pair<int, int>> edges;
    for (int p = 0; p < c.num_photos; ++p) {
        for (int u = c.photo_first[static_cast<std::size_t>(p)]; u < c.photo_first[static_cast<std::size_t>(p) + 1]; ++u) {
            for (int v = u + 1; v < c.photo_first[static_cast<std::size_t>(p) + 1]; ++v) {
                edges.emplace_back(u, v);
            }
        }
    }
    for (int u = 0; u < c.num_nodes; ++u) {
        for (const int v : c.conflicts[static_cast<std::size_t>(u)]) {
            if (u < v) {
                edges.emplace_back(u, v);
            }
        }
    }
    for (const auto &k : milp::clique_cover(c.num_nodes, edges)) {
        m.add_at_most(k, 1.0);
    }
    for (const auto &t : c.triples) {
        m.add_at_most(t, 2.0);
    }
    if (c.capacity) {
        std::vector<int> cols;
        std::vector<double> coefs;
        for (int u = 0; u < c.num_nodes; ++u) {
            if (c.node_consumption[static_cast<std::size_t>(u)] > 0.0) {
                cols.push_back(u);
                coefs.push_back(c.node_consumption[static_cast<std::size_t>(u)]);
            }
        }
        // NOTE: the exact limit, not + capacity_tolerance: CBC accepts rows violated by its primal tolerance
        // (1e-7), which must stay inside the checker's slack.
        m.add_row(cols, coefs, -milp::milp_infinity, *c.capacity);
    }
    return m;
}

} // namespace vantage::spot5::detail
