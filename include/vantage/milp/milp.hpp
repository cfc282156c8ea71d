#pragma once
/// @file
/// The one MILP front end on COIN-OR CBC 2.10 (Debian `coinor-libcbc-dev`), module `milp`
/// (`vantage::milp`), used by the SPOT5 exact solver (module `spot5`) and the tasking planner's exact MILP
/// (module `scheduling`): build a maximisation model with 0/1 (or integer / continuous) columns and ranged
/// rows, solve it with a wall-clock limit and an optional warm start, and read back the best value, the
/// proven upper bound (CBC's best bound) and the solution; or solve its LP relaxation alone for a fast upper
/// bound.
///
/// COIN headers appear only in src/milp/milp.cpp: callers include this header and link `vantage::milp`.
/// docs/architecture/scheduling.md § "MILP wrapper" documents the interface.
///
/// Two drivers (`MilpOptions::driver`):
/// - `cbc_standalone` (default): CBC's stand-alone driver (CbcMain0/CbcMain1, the code behind the `cbc`
///   binary, with its default preprocessing, cuts and heuristics). NOTE: it keeps some static state, so
///   these calls are serialised with a mutex: safe to call from several threads, but they run one at a time.
/// - `branch_and_bound`: a plain `CbcModel::branchAndBound` after an initial LP solve, with only the cut
///   generators named in the options (clique, probing); no preprocessing, no heuristics, no mutex.

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace vantage::milp {

inline constexpr double milp_infinity = std::numeric_limits<double>::infinity();

/// maximise Σ_j c_j x_j  subject to  lower_r ≤ Σ_j a_rj x_j ≤ upper_r (each row),
///                                    lower_j ≤ x_j ≤ upper_j, x_j integer where flagged.
class MilpModel {
public:
    /// Adds a 0/1 column with objective coefficient `objective`; returns its index (0, 1, ...).
    int add_binary(double objective);
    /// Adds a general column. @throws DomainError(invalid_argument) if lower > upper or a value is NaN.
    int add_column(double objective, double lower, double upper, bool integer);
    /// Adds the row lower ≤ Σ coefs[k]·x[cols[k]] ≤ upper (±milp_infinity for a one-sided row).
    /// @throws DomainError(invalid_argument) for an unknown column, sizes that differ, NaN, lower > upper.
    void add_row(std::span<const int> cols, std::span<const double> coefs, double lower, double upper);
    /// Σ x[cols[k]] ≤ upper (all coefficients 1): set packing / cardinality rows.
    void add_at_most(std::span<const int> cols, double upper);

    int num_columns() const noexcept { return static_cast<int>(m_objective.size()); }
    int num_rows() const noexcept { return static_cast<int>(m_row_lower.size()); }
    std::int64_t num_nonzeros() const noexcept { return static_cast<std::int64_t>(m_index.size()); }

    // Read access (used by the solver back end and by tests).
    const std::vector<double> &objective() const noexcept { return m_objective; }
    const std::vector<double> &column_lower() const noexcept { return m_col_lower; }
    const std::vector<double> &column_upper() const noexcept { return m_col_upper; }
    const std::vector<char> &is_integer() const noexcept { return m_integer; }
    const std::vector<double> &row_lower() const noexcept { return m_row_lower; }
    const std::vector<double> &row_upper() const noexcept { return m_row_upper; }
    /// Row-major sparse matrix: row r holds entries [row_start()[r], row_start()[r+1]).
    const std::vector<std::int64_t> &row_start() const noexcept { return m_start; }
    const std::vector<int> &row_index() const noexcept { return m_index; }
    const std::vector<double> &row_value() const noexcept { return m_value; }

    /// Largest violation by `x` of a row, a column bound or integrality (distance to the nearest integer
    /// for integer columns); 0 when `x` is feasible. @throws DomainError(invalid_argument) on a size mismatch.
    double max_violation(std::span<const double> x) const;

private:
    std::vector<double> m_objective, m_col_lower, m_col_upper;
    std::vector<char> m_integer;
    std::vector<double> m_row_lower, m_row_upper;
    std::vector<std::int64_t> m_start{0};
    std::vector<int> m_index;
    std::vector<double> m_value;
};

enum class MilpStatus {
    optimal,     ///< solved to optimality (within relative_gap)
    feasible,    ///< stopped by the time or node limit with a feasible solution
    no_solution, ///< stopped by the time or node limit before any feasible solution
    infeasible,  ///< proven infeasible
    unbounded,   ///< LP relaxation unbounded
};

enum class MilpDriver {
    cbc_standalone,   ///< CbcMain1 with CBC's defaults (preprocessing, cuts, heuristics); serialised
    branch_and_bound, ///< CbcModel::branchAndBound with only the cut generators of MilpOptions
};

struct MilpOptions {
    MilpDriver driver = MilpDriver::cbc_standalone;
    double time_limit_s = 60.0;      ///< wall-clock limit (s, > 0)
    int threads = 1;                 ///< CBC threads (≥ 1; branch_and_bound: exactly 1)
    std::vector<double> warm_start;  ///< a feasible point, one value per column, or empty
    double relative_gap = 0.0;       ///< stop when (bound − value) ≤ gap·|value| (0 = prove optimality)
    std::int64_t max_nodes = -1;     ///< branch-and-bound node limit (−1 = none); with threads = 1 and no
                                     ///< time limit hit, the run is deterministic
    bool log = false;                ///< CBC log on stdout
    // branch_and_bound only (cbc_standalone uses CBC's default generators):
    bool clique_cuts = false;        ///< CglClique (no star / row clique reports): set-packing rows
    bool probing_cuts = false;       ///< CglProbing
};

struct MilpResult {
    MilpStatus status = MilpStatus::no_solution;
    double objective = -milp_infinity; ///< best value found (maximisation); −∞ without a solution
    double bound = milp_infinity;      ///< proven upper bound on the optimum (CBC best bound)
    std::vector<double> x;             ///< best solution, one value per column (empty without one)
    bool time_limit_hit = false;
    bool node_limit_hit = false;
    std::int64_t nodes = 0;            ///< branch-and-bound nodes
    double seconds = 0.0;              ///< wall-clock time (s)
};

/// Solves `model` with the driver of `options` (default: CBC's default strategy: preprocessing, cuts,
/// heuristics). With `branch_and_bound`, `optimal` is CBC's proven optimality, and a warm start that is
/// feasible (max_violation ≤ 1e-6) becomes the first incumbent.
/// @throws DomainError(invalid_argument) for time_limit_s ≤ 0, threads < 1 (branch_and_bound: ≠ 1), or a
///         warm start of the wrong size.
MilpResult solve_milp(const MilpModel &model, const MilpOptions &options = {});

struct LpResult {
    bool optimal = false;    ///< false: infeasible or unbounded
    double objective = 0.0;  ///< optimum of the relaxation (an upper bound of the MILP when optimal)
    std::vector<double> x;
};

/// Solves the LP relaxation (integrality dropped) with Clp's dual simplex.
LpResult solve_lp_relaxation(const MilpModel &model);

/// The restricted master LP of a column generation: maximise Σ_j c_j x_j subject to Σ_j a_rj x_j ≤ upper_r for the
/// rows fixed at construction, x ≥ 0. Columns are added between solves; each solve starts from the previous optimal
/// basis (Clp's primal simplex: the old basis stays feasible when columns are added), so a round costs a few pivots,
/// not a fresh solve. The row duals of an optimal solve are ≥ 0 (a ≤ row of a maximisation).
class ColumnLp {
public:
    /// @throws DomainError(invalid_argument) for a NaN or negative upper bound.
    explicit ColumnLp(std::span<const double> row_upper);
    ~ColumnLp();
    ColumnLp(ColumnLp &&) noexcept;
    ColumnLp &operator=(ColumnLp &&) noexcept;
    ColumnLp(const ColumnLp &) = delete;
    ColumnLp &operator=(const ColumnLp &) = delete;

    /// Adds a column (taken in at the next solve); returns its index.
    /// @throws DomainError(invalid_argument) for an unknown row, sizes that differ or a NaN.
    int add_column(double objective, std::span<const int> rows, std::span<const double> coefs);
    int num_columns() const noexcept;
    int num_rows() const noexcept;

    struct Solution {
        bool optimal = false;        ///< false: Clp stopped without an optimum (the duals are then not used)
        double objective = 0.0;      ///< the restricted master's optimum (not a bound of the full problem)
        std::vector<double> duals;   ///< one per row, ≥ 0
        std::vector<double> x;       ///< one per column
    };
    Solution solve();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Greedy edge clique cover of an undirected conflict graph on nodes 0..num_nodes-1: cliques of size ≥ 2
/// such that every edge lies in at least one. Replacing the edge rows x_u + x_v ≤ 1 by one Σ_{K} x ≤ 1 row
/// per clique gives the same integer points and a much tighter LP relaxation.
/// @throws DomainError(invalid_argument) for a node outside [0, num_nodes) or a self-loop.
std::vector<std::vector<int>> clique_cover(int num_nodes, std::span<const std::pair<int, int>> edges);

} // namespace vantage::milp
