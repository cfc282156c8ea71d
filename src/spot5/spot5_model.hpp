#pragma once
// The SPOT5 instance compiled for the solvers (private header): one node per (photo, camera), the binary
// forbidden pairs as a conflict graph, the forbidden triples that no pair already implies, and the
// consumptions under the capacity mode. The checker (spot5.cpp) does not use this.

#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "vantage/milp/milp.hpp"
#include "vantage/spot5/spot5.hpp"

namespace vantage::spot5::detail {

struct Compiled {
    int num_photos = 0;
    int num_nodes = 0;
    std::vector<int> node_photo;           ///< photo index of each node
    std::vector<int> node_camera;          ///< camera value of each node
    std::vector<std::int64_t> node_weight; ///< weight of its photo
    std::vector<double> node_consumption;  ///< under the mode
    std::vector<int> photo_first;          ///< nodes of photo p are [photo_first[p], photo_first[p + 1])
    std::vector<std::vector<int>> conflicts; ///< binary forbidden pairs: sorted, unique, other photos only
    std::vector<std::array<int, 3>> triples; ///< forbidden triples not implied by a forbidden pair
    std::vector<std::vector<int>> node_triples; ///< triple ids each node belongs to
    std::optional<double> capacity;        ///< under the mode
    double capacity_tolerance = 0.0;       ///< slack allowed on the capacity (literal float artefacts)

    bool in_conflict(int u, int v) const;
};

/// Compiles a validated instance (calls `validate`).
Compiled compile(const Instance &instance, CapacityMode mode);

/// Node chosen for each photo (−1 = none) → Solution (camera values).
Solution to_solution(const Compiled &c, const std::vector<int> &node_of_photo);
/// Solution → node per photo (−1 = none). @throws DomainError(invalid_argument) for a camera outside a domain.
std::vector<int> to_nodes(const Compiled &c, const Solution &s);

/// The 0/1 MILP of `solve_exact` (columns = nodes, in node order).
milp::MilpModel build_milp(const Compiled &c);

} // namespace vantage::spot5::detail
