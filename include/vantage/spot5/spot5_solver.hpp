#pragma once
/// @file
/// Solvers for the SPOT5 selection problem (`vantage/spot5/spot5.hpp`).
///
/// - `solve_heuristic`: greedy construction by value density, then tabu search on the
///   "add one photo, repair by dropping the conflicting ones" neighbourhood (after Vasquez & Hao 2001,
///   logic-constrained knapsack), with large-neighbourhood restarts from the best solution (destroy a
///   window of consecutive photos or a random set, repair greedily; the two destroy operators are chosen
///   adaptively, ALNS-style). Deterministic for a given seed and iteration budget; the wall-clock limit
///   is only a cap, and the result says whether it was hit.
/// - `solve_exact`: 0/1 MILP solved by COIN-OR CBC, warm-started with a heuristic solution, returning the
///   best value and the proven upper bound (CBC's best bound) at the time limit.
/// - `lp_upper_bound`: the LP relaxation of the same (clique-strengthened) model, a valid upper bound in
///   milliseconds.
///
/// Accuracy (measured, tests/scheduling/spot5_*_test.cpp and bench/spot5_results.md): on the small
/// single-orbit instances both methods reach the published optima of Bensana et al. 1999 Table 1.

#include <cstdint>
#include <optional>

#include "vantage/spot5/spot5.hpp"

namespace vantage::spot5 {

/// Options of the heuristic. The search is a function of (instance, mode, seed, max_iterations) alone,
/// unless the time limit or the target stops it earlier.
struct HeuristicOptions {
    std::uint64_t seed = 1;                ///< random seed (any value)
    std::int64_t max_iterations = 200000;  ///< iterated-local-search steps (≥ 0); 0 = construction + descent only
    double time_limit_s = 0.0;             ///< wall-clock cap in seconds; 0 = none
    std::optional<std::int64_t> target_value; ///< stop as soon as this value is reached (e.g. a known bound)
};

/// Options of the exact method.
struct ExactOptions {
    double time_limit_s = 60.0;     ///< wall-clock limit of the CBC run (s, > 0)
    int threads = 1;                ///< CBC threads (≥ 1)
    const Solution *warm_start = nullptr; ///< feasible start (e.g. the heuristic's); checked first
    bool log = false;               ///< let CBC print its log on stdout
};

/// What a solver returns.
struct Result {
    Solution solution;              ///< best solution found (feasible under the mode)
    std::int64_t value = 0;         ///< its total weight
    std::int64_t upper_bound = 0;   ///< proven upper bound on the optimum (integer: weights are integers)
    bool proven_optimal = false;    ///< value == upper_bound
    bool time_limit_hit = false;    ///< the wall-clock cap stopped the run
    std::int64_t iterations = 0;    ///< heuristic: local-search steps; exact: branch-and-bound nodes
    double seconds = 0.0;           ///< wall-clock time of the run (s)
    double best_found_s = 0.0;      ///< heuristic: when the returned solution was found (s after the start)
};

/// Greedy + tabu/LNS heuristic. `upper_bound` in the result is `trivial_upper_bound` (this method proves
/// nothing); pair it with `lp_upper_bound` for a real bound.
/// @throws DomainError(invalid_argument) for negative max_iterations or time_limit_s.
Result solve_heuristic(const Instance &instance, CapacityMode mode, const HeuristicOptions &options = {});

/// MILP with CBC. The model has one binary per (photo, camera), a clique cover of the pairwise conflicts
/// (one camera per photo and the binary forbidden pairs) as Σ x ≤ 1 rows, x_a + x_b + x_c ≤ 2 for each
/// forbidden triple not already implied by a pair, and the capacity row.
/// @throws DomainError(invalid_argument) for a non-positive time limit or threads < 1, or a warm start that
///         the checker rejects.
Result solve_exact(const Instance &instance, CapacityMode mode, const ExactOptions &options = {});

/// Optimal value of the LP relaxation of the `solve_exact` model, rounded down (weights are integers):
/// an upper bound on the optimum. Never below the optimum; typically 1-20 % above it on SPOT5.
std::int64_t lp_upper_bound(const Instance &instance, CapacityMode mode);

} // namespace vantage::spot5
