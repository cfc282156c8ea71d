// CBC back end of the MILP wrapper (include/vantage/milp/milp.hpp): the only file that includes COIN headers.
#include "vantage/milp/milp.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <exception>
#include <mutex>
#include <string>

#include <coin/CbcModel.hpp>
#include <coin/CbcSolver.hpp>
#include <coin/ClpSimplex.hpp>
#include <coin/CglClique.hpp>
#include <coin/CglProbing.hpp>
#include <coin/CoinError.hpp>
#include <coin/CoinPackedMatrix.hpp>
#include <coin/OsiClpSolverInterface.hpp>
#include <fmt/format.h>

#include "vantage/core/error.hpp"

namespace vantage::milp {

namespace {

void require(bool ok, const std::string &message)
{
    if (!ok) {
        throw DomainError(ErrorCode::invalid_argument, message);
    }
}

// COIN uses a large finite number for "no bound".
double to_coin(double v, double coin_inf)
{
    if (v == milp_infinity) {
        return coin_inf;
    }
    if (v == -milp_infinity) {
        return -coin_inf;
    }
    return v;
}

// Loads the model into Clp as a minimisation of −c·x (COIN's convention).
void load(const MilpModel &m, OsiClpSolverInterface &s, bool with_integers)
{
    const double inf = s.getInfinity();
    const int ncols = m.num_columns();
    const int nrows = m.num_rows();
    std::vector<CoinBigIndex> start(static_cast<std::size_t>(nrows) + 1);
    std::vector<int> length(static_cast<std::size_t>(nrows));
    for (int r = 0; r <= nrows; ++r) {
        start[static_cast<std::size_t>(r)] = static_cast<CoinBigIndex>(m.row_start()[static_cast<std::size_t>(r)]);
    }
    for (int r = 0; r < nrows; ++r) {
        const auto ur = static_cast<std::size_t>(r);
        length[ur] = static_cast<int>(start[ur + 1] - start[ur]);
    }
    const CoinPackedMatrix matrix(false, ncols, nrows, static_cast<CoinBigIndex>(m.num_nonzeros()), m.row_value().data(),
                                  m.row_index().data(), start.data(), length.data());
    std::vector<double> obj(m.objective()), cl(m.column_lower()), cu(m.column_upper()), rl(m.row_lower()),
        ru(m.row_upper());
    for (auto &c : obj) {
        c = -c;
    }
    for (auto *v : {&cl, &cu, &rl, &ru}) {
        for (auto &x : *v) {
            x = to_coin(x, inf);
        }
    }
    s.loadProblem(matrix, cl.data(), cu.data(), obj.data(), rl.data(), ru.data());
    if (with_integers) {
        for (int j = 0; j < ncols; ++j) {
            if (m.is_integer()[static_cast<std::size_t>(j)] != 0) {
                s.setInteger(j);
            }
        }
    }
    s.messageHandler()->setLogLevel(0);
    s.getModelPtr()->messageHandler()->setLogLevel(0);
    s.setHintParam(OsiDoReducePrint, true, OsiHintTry);
}

// CbcMain0/CbcMain1 keep static state (see the header NOTE).
std::mutex &cbc_mutex()
{
    static std::mutex m;
    return m;
}

} // namespace

int MilpModel::add_binary(double objective)
{
    return add_column(objective, 0.0, 1.0, true);
}

int MilpModel::add_column(double objective, double lower, double upper, bool integer)
{
    require(!std::isnan(objective) && std::isfinite(objective), "MILP column: objective must be finite");
    require(!std::isnan(lower) && !std::isnan(upper) && lower <= upper,
            fmt::format("MILP column: bounds [{}, {}] are not an interval", lower, upper));
    m_objective.push_back(objective);
    m_col_lower.push_back(lower);
    m_col_upper.push_back(upper);
    m_integer.push_back(integer ? 1 : 0);
    return num_columns() - 1;
}

void MilpModel::add_row(std::span<const int> cols, std::span<const double> coefs, double lower, double upper)
{
    require(cols.size() == coefs.size(),
            fmt::format("MILP row: {} columns but {} coefficients", cols.size(), coefs.size()));
    require(!std::isnan(lower) && !std::isnan(upper) && lower <= upper,
            fmt::format("MILP row: bounds [{}, {}] are not an interval", lower, upper));
    for (std::size_t k = 0; k < cols.size(); ++k) {
        require(cols[k] >= 0 && cols[k] < num_columns(), fmt::format("MILP row: unknown column {}", cols[k]));
        require(std::isfinite(coefs[k]), "MILP row: coefficients must be finite");
    }
    // Sum duplicate columns (CoinPackedMatrix rejects them).
    std::vector<std::pair<int, double>> entries;
    entries.reserve(cols.size());
    for (std::size_t k = 0; k < cols.size(); ++k) {
        entries.emplace_back(cols[k], coefs[k]);
    }
    std::sort(entries.begin(), entries.end());
    for (std::size_t k = 0; k < entries.size(); ++k) {
        if (!m_index.empty() && static_cast<std::int64_t>(m_index.size()) > m_start.back()
            && m_index.back() == entries[k].first) {
            m_value.back() += entries[k].second;
        } else {
            m_index.push_back(entries[k].first);
            m_value.push_back(entries[k].second);
        }
    }
    m_start.push_back(static_cast<std::int64_t>(m_index.size()));
    m_row_lower.push_back(lower);
    m_row_upper.push_back(upper);
}

void MilpModel::add_at_most(std::span<const int> cols, double upper)
{
    const std::vector<double> ones(cols.size(), 1.0);
    add_row(cols, ones, -milp_infinity, upper);
}

double MilpModel::max_violation(std::span<const double> x) const
{
    require(x.size() == static_cast<std::size_t>(num_columns()),
            fmt::format("MILP point: {} values for {} columns", x.size(), num_columns()));
    double worst = 0.0;
    for (std::size_t j = 0; j < x.size(); ++j) {
        worst = std::max({worst, m_col_lower[j] - x[j], x[j] - m_col_upper[j]});
        if (m_integer[j] != 0) {
            worst = std::max(worst, std::abs(x[j] - std::round(x[j])));
        }
    }
    for (std::size_t r = 0; r < m_row_lower.size(); ++r) {
        double act = 0.0;
        for (auto k = m_start[r]; k < m_start[r + 1]; ++k) {
            const auto uk = static_cast<std::size_t>(k);
            act += m_value[uk] * x[static_cast<std::size_t>(m_index[uk])];
        }
        worst = std::max({worst, m_row_lower[r] - act, act - m_row_upper[r]});
    }
    return worst;
}

namespace {

/// The outcome of a finished CbcModel, whichever driver ran it: limits hit, nodes, incumbent, status and bound.
/// `have`: its best-solution array holds a solution (the drivers tell it differently); `proven`: it proved that
/// solution optimal within its limits - then the bound is the incumbent (CBC's bound after a completed search is
/// its incumbent within its tolerances), or CBC's own with a relative gap.
void read_back(CbcModel &cbc, const MilpModel &model, const MilpOptions &options, bool have, bool proven, MilpResult &out)
{
    out.time_limit_hit = cbc.isSecondsLimitReached();
    out.node_limit_hit = cbc.isNodeLimitReached();
    out.nodes = cbc.getNodeCount();
    if (have) {
        const double *best = cbc.bestSolution();
        out.x.assign(best, best + model.num_columns());
        out.objective = -cbc.getObjValue();
    }
    const double bound = -cbc.getBestPossibleObjValue();
    if (cbc.isProvenInfeasible()) {
        out.status = MilpStatus::infeasible;
    } else if (cbc.isContinuousUnbounded()) {
        out.status = MilpStatus::unbounded;
    } else if (proven) {
        out.status = MilpStatus::optimal;
        out.bound = options.relative_gap == 0.0 ? out.objective : std::max(out.objective, bound);
    } else {
        out.status = have ? MilpStatus::feasible : MilpStatus::no_solution;
        out.bound = std::isfinite(bound) && std::abs(bound) < 1e49 ? bound : milp_infinity;
    }
}

// MilpDriver::branch_and_bound: one initial LP solve, then CbcModel::branchAndBound with only the requested cut
// generators (no preprocessing, no heuristics). Uses no static CBC state, so it takes no lock.
void solve_branch_and_bound(const MilpModel &model, const MilpOptions &options, double warm_objective, MilpResult &out)
{
    OsiClpSolverInterface solver;
    load(model, solver, true);
    solver.initialSolve();
    CbcModel cbc(solver);
    cbc.setLogLevel(options.log ? 1 : 0);
    cbc.messageHandler()->setLogLevel(options.log ? 1 : 0);
    CglClique clique;
    clique.setStarCliqueReport(false);
    clique.setRowCliqueReport(false);
    if (options.clique_cuts) {
        cbc.addCutGenerator(&clique, -1, "clique");
    }
    CglProbing probing;
    if (options.probing_cuts) {
        cbc.addCutGenerator(&probing, -1, "probing");
    }
    cbc.setUseElapsedTime(true);
    cbc.setMaximumSeconds(options.time_limit_s);
    if (options.max_nodes >= 0) {
        cbc.setMaximumNodes(static_cast<int>(std::min<std::int64_t>(options.max_nodes, INT_MAX)));
    }
    if (options.relative_gap > 0.0) {
        cbc.setAllowableFractionGap(options.relative_gap);
    }
    if (!options.warm_start.empty() && model.max_violation(options.warm_start) <= 1e-6) {
        cbc.setBestSolution(options.warm_start.data(), model.num_columns(), -warm_objective, false);
    }
    cbc.branchAndBound();
    const bool have = cbc.bestSolution() != nullptr;
    read_back(cbc, model, options, have, have && cbc.isProvenOptimal(), out);
}

} // namespace

MilpResult solve_milp(const MilpModel &model, const MilpOptions &options)
{
    require(options.time_limit_s > 0.0 && std::isfinite(options.time_limit_s),
            fmt::format("MILP: time limit must be > 0 s, got {}", options.time_limit_s));
    require(options.threads >= 1, fmt::format("MILP: threads must be >= 1, got {}", options.threads));
    require(options.driver != MilpDriver::branch_and_bound || options.threads == 1,
            fmt::format("MILP: the branch_and_bound driver runs 1 thread, got {}", options.threads));
    require(options.relative_gap >= 0.0, "MILP: relative gap must be >= 0");
    require(options.warm_start.empty() || options.warm_start.size() == static_cast<std::size_t>(model.num_columns()),
            fmt::format("MILP: warm start has {} values for {} columns", options.warm_start.size(), model.num_columns()));

    const auto t0 = std::chrono::steady_clock::now();
    MilpResult out;
    double warm_objective = options.warm_start.empty() ? -milp_infinity : 0.0;
    if (!options.warm_start.empty()) {
        for (int j = 0; j < model.num_columns(); ++j) {
            warm_objective += model.objective()[static_cast<std::size_t>(j)] * options.warm_start[static_cast<std::size_t>(j)];
        }
    }
    if (options.driver == MilpDriver::branch_and_bound) {
        try {
            solve_branch_and_bound(model, options, warm_objective, out);
        } catch (const CoinError &e) {
            throw Error(ErrorCode::internal, fmt::format("CBC failed: {} ({}::{})", e.message(), e.className(), e.methodName()));
        }
    } else {
        const std::lock_guard<std::mutex> lock(cbc_mutex());
        try {
            OsiClpSolverInterface solver;
            load(model, solver, true);
            CbcModel cbc(solver);
            CbcSolverUsefulData data;
            CbcMain0(cbc, data);
            cbc.messageHandler()->setLogLevel(options.log ? 1 : 0);
            if (!options.warm_start.empty()) {
                // NOTE: passed as a MIP start (by column name; CbcMain1 applies it after its preprocessing).
                // Measured on SPOT5 with CBC 2.10.8, the alternatives are worse:
                // - setBestSolution (an incumbent before preprocessing) with preprocessing on: when the start is
                //   already optimal for the preprocessed root, CbcMain1 returned a worse solution while
                //   reporting "optimal", or crashed in CglPreProcess::postProcess;
                // - the same with preprocessing off: safe, but CBC then improved none of the multi-orbit
                //   starts in 60 s, where with preprocessing it gains up to 4,000 (1405: 172193 -> 176168).
                // The mapped start can lose the columns that preprocessing removed (a 124242 start arrived as
                // 119220); the wrapper therefore returns the warm start itself when CBC ends below it.
                std::vector<std::pair<std::string, double>> start;
                start.reserve(options.warm_start.size());
                for (int j = 0; j < model.num_columns(); ++j) {
                    start.emplace_back(cbc.solver()->getColName(j), options.warm_start[static_cast<std::size_t>(j)]);
                }
                cbc.setMIPStart(start);
            }
            const std::string sec = fmt::format("{}", options.time_limit_s);
            const std::string threads = fmt::format("{}", options.threads);
            const std::string gap = fmt::format("{}", options.relative_gap);
            std::vector<const char *> argv{"vantage-milp", "-log",    options.log ? "1" : "0", "-sec",   sec.c_str(),
                                           "-timeMode",    "elapsed", "-ratioGap",             gap.c_str()};
            if (options.threads > 1) {
                argv.insert(argv.end(), {"-threads", threads.c_str()});
            }
            const std::string nodes = fmt::format("{}", options.max_nodes);
            if (options.max_nodes >= 0) {
                argv.insert(argv.end(), {"-maxNodes", nodes.c_str()});
            }
            argv.insert(argv.end(), {"-solve", "-quit"});
            CbcMain1(static_cast<int>(argv.size()), argv.data(), cbc, nullptr, data);
            // CbcMain1 can leave a best-solution array without a solution in it
            const bool have = cbc.bestSolution() != nullptr && cbc.getSolutionCount() + (cbc.isProvenOptimal() ? 1 : 0) > 0;
            read_back(cbc, model, options, have,
                      have && cbc.isProvenOptimal() && !cbc.isSecondsLimitReached() && !cbc.isNodeLimitReached(), out);
        } catch (const CoinError &e) {
            throw Error(ErrorCode::internal, fmt::format("CBC failed: {} ({}::{})", e.message(), e.className(), e.methodName()));
        }
    }
    if (!options.warm_start.empty() && (out.x.empty() || out.objective < warm_objective)) {
        // Never return less than the start (CBC keeps it only as a cutoff when it finds nothing better).
        out.x = options.warm_start;
        out.objective = warm_objective;
        if (out.status == MilpStatus::no_solution) {
            out.status = MilpStatus::feasible;
        }
    }
    out.bound = std::max(out.bound, out.objective);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

LpResult solve_lp_relaxation(const MilpModel &model)
{
    LpResult out;
    try {
        OsiClpSolverInterface solver;
        load(model, solver, false);
        solver.initialSolve();
        if (solver.isProvenOptimal()) {
            out.optimal = true;
            out.objective = -solver.getObjValue();
            const double *x = solver.getColSolution();
            out.x.assign(x, x + model.num_columns());
        }
    } catch (const CoinError &e) {
        throw Error(ErrorCode::internal, fmt::format("Clp failed: {} ({}::{})", e.message(), e.className(), e.methodName()));
    }
    return out;
}

struct ColumnLp::Impl {
    ClpSimplex clp;
    int rows = 0;
    // columns added since the last solve (column-major)
    std::vector<double> obj;
    std::vector<CoinBigIndex> start{0};
    std::vector<int> index;
    std::vector<double> value;
};

ColumnLp::ColumnLp(std::span<const double> row_upper) : m_impl(std::make_unique<Impl>())
{
    const int n = static_cast<int>(row_upper.size());
    std::vector<double> lower(row_upper.size(), -COIN_DBL_MAX), upper(row_upper.begin(), row_upper.end());
    for (double u : upper) {
        require(!std::isnan(u) && u >= 0.0, "column LP: a row's upper bound must be a number >= 0");
    }
    m_impl->clp.setLogLevel(0);
    m_impl->clp.setOptimizationDirection(-1.0); // maximise
    std::vector<CoinBigIndex> starts(row_upper.size() + 1, 0);
    m_impl->clp.addRows(n, lower.data(), upper.data(), starts.data(), nullptr, nullptr);
    m_impl->rows = n;
}

ColumnLp::~ColumnLp() = default;
ColumnLp::ColumnLp(ColumnLp &&) noexcept = default;
ColumnLp &ColumnLp::operator=(ColumnLp &&) noexcept = default;

int ColumnLp::num_rows() const noexcept { return m_impl->rows; }

int ColumnLp::num_columns() const noexcept
{
    return m_impl->clp.numberColumns() + static_cast<int>(m_impl->obj.size());
}

int ColumnLp::add_column(double objective, std::span<const int> rows, std::span<const double> coefs)
{
    require(rows.size() == coefs.size(), "column LP: rows and coefficients differ in size");
    require(!std::isnan(objective), "column LP: NaN objective");
    for (std::size_t k = 0; k < rows.size(); ++k) {
        require(rows[k] >= 0 && rows[k] < m_impl->rows, fmt::format("column LP: unknown row {}", rows[k]));
        require(!std::isnan(coefs[k]), "column LP: NaN coefficient");
        m_impl->index.push_back(rows[k]);
        m_impl->value.push_back(coefs[k]);
    }
    m_impl->obj.push_back(objective);
    m_impl->start.push_back(static_cast<CoinBigIndex>(m_impl->index.size()));
    return num_columns() - 1;
}

ColumnLp::Solution ColumnLp::solve()
{
    Impl &m = *m_impl;
    Solution out;
    try {
        const int added = static_cast<int>(m.obj.size());
        if (added > 0) {
            std::vector<double> lower(m.obj.size(), 0.0), upper(m.obj.size(), COIN_DBL_MAX);
            m.clp.addColumns(added, lower.data(), upper.data(), m.obj.data(), m.start.data(), m.index.data(), m.value.data());
            m.obj.clear();
            m.start.assign(1, 0);
            m.index.clear();
            m.value.clear();
        }
        m.clp.primal(); // from the current basis (Clp keeps it in the model)
        if (m.clp.isProvenOptimal()) {
            out.optimal = true;
            out.objective = m.clp.objectiveValue();
            const double *d = m.clp.dualRowSolution();
            out.duals.resize(static_cast<std::size_t>(m.rows));
            for (int r = 0; r < m.rows; ++r) {
                // Clp reports the duals of the problem as stated (maximisation: a binding <= row has a dual of the
                // objective's sign); the magnitude is the price, clipped at 0 against round-off
                out.duals[static_cast<std::size_t>(r)] = std::max(0.0, std::abs(d[r]) < 1e-12 ? 0.0 : d[r]);
            }
            const double *x = m.clp.primalColumnSolution();
            out.x.assign(x, x + m.clp.numberColumns());
        }
    } catch (const CoinError &e) {
        throw Error(ErrorCode::internal, fmt::format("Clp failed: {} ({}::{})", e.message(), e.className(), e.methodName()));
    }
    return out;
}

std::vector<std::vector<int>> clique_cover(int num_nodes, std::span<const std::pair<int, int>> edges)
{
    require(num_nodes >= 0, "clique cover: negative node count");
    std::vector<std::vector<int>> adj(static_cast<std::size_t>(num_nodes));
    for (const auto &[u, v] : edges) {
        require(u >= 0 && u < num_nodes && v >= 0 && v < num_nodes,
                fmt::format("clique cover: edge ({}, {}) outside [0, {})", u, v, num_nodes));
        require(u != v, fmt::format("clique cover: self-loop on node {}", u));
        adj[static_cast<std::size_t>(u)].push_back(v);
        adj[static_cast<std::size_t>(v)].push_back(u);
    }
    for (auto &a : adj) {
        std::sort(a.begin(), a.end());
        a.erase(std::unique(a.begin(), a.end()), a.end());
    }
    // covered[u][k]: the edge (u, adj[u][k]) lies in an emitted clique.
    std::vector<std::vector<char>> covered(adj.size());
    for (std::size_t u = 0; u < adj.size(); ++u) {
        covered[u].assign(adj[u].size(), 0);
    }
    auto pos = [&](int u, int v) -> std::ptrdiff_t {
        const auto &a = adj[static_cast<std::size_t>(u)];
        const auto it = std::lower_bound(a.begin(), a.end(), v);
        return (it != a.end() && *it == v) ? it - a.begin() : -1;
    };
    auto is_covered = [&](int u, int v) { return covered[static_cast<std::size_t>(u)][static_cast<std::size_t>(pos(u, v))] != 0; };

    std::vector<std::vector<int>> cliques;
    std::vector<int> common;
    for (int u = 0; u < num_nodes; ++u) {
        const auto &au = adj[static_cast<std::size_t>(u)];
        for (std::size_t k = 0; k < au.size(); ++k) {
            const int v = au[k];
            if (v < u || covered[static_cast<std::size_t>(u)][k] != 0) {
                continue;
            }
            std::vector<int> clique{u, v};
            const auto &av = adj[static_cast<std::size_t>(v)];
            common.clear();
            std::set_intersection(au.begin(), au.end(), av.begin(), av.end(), std::back_inserter(common));
            // Grow greedily: first the nodes that bring an uncovered edge to u or v, then the rest.
            for (int pass = 0; pass < 2; ++pass) {
                for (const int w : common) {
                    if (std::find(clique.begin(), clique.end(), w) != clique.end()) {
                        continue;
                    }
                    if (pass == 0 && is_covered(u, w) && is_covered(v, w)) {
                        continue;
                    }
                    bool all = true;
                    for (std::size_t q = 2; q < clique.size() && all; ++q) {
                        all = pos(w, clique[q]) >= 0;
                    }
                    if (all) {
                        clique.push_back(w);
                    }
                }
            }
            for (std::size_t a = 0; a < clique.size(); ++a) {
                for (std::size_t b = a + 1; b < clique.size(); ++b) {
                    const int x = clique[a];
                    const int y = clique[b];
                    covered[static_cast<std::size_t>(x)][static_cast<std::size_t>(pos(x, y))] = 1;
                    covered[static_cast<std::size_t>(y)][static_cast<std::size_t>(pos(y, x))] = 1;
                }
            }
            std::sort(clique.begin(), clique.end());
            cliques.push_back(std::move(clique));
        }
    }
    return cliques;
}

} // namespace vantage::milp
