#pragma once
// The relaxed sequencing graph of the tasking bounds (bounds.cpp: the Lagrangian; column_bound.cpp: the column
// generation): one node per (opportunity, cell of start steps) of each satellite, arcs that relax the real transitions.
// Internal to the scheduling module. docs/architecture/scheduling.md § Bounds.
#include <chrono>
#include <cstddef>
#include <vector>

#include "vantage/scheduling/agility.hpp"
#include "vantage/scheduling/detail/tasking_instance.hpp"

namespace vantage::scheduling::detail {

struct Node {
    std::size_t task;
    std::size_t opp;
    double value;   // the task's bound value when acquired through this opportunity (its job's, times P(usable))
    double ls;      // latest start in the cell (s)
    double key;     // earliest end + settle (s): the node may precede nodes whose ls >= key (+ the slew)
    Vec3 e;         // look at the end, for a start in the middle of the cell (LVLH)
    Vec3 s;         // look at the start, same
    double dev_e;   // largest angle between e and the end look of any start step of the cell (deg)
    double dev_s;   // same for the start look
};

struct SatGraph {
    std::vector<Node> nodes;         // by ls
    std::vector<std::size_t> by_key; // node indices by key
    bool slews = false;              // pointable: arcs closer than `reach` need the slew check
    Agility agility;
    double reach = 0.0;              // slew time of the largest possible slew (s)
};

/// One graph per satellite (cells of one grid step while the instance has at most 1.5 M of them, else up to 5 s).
std::vector<SatGraph> build_graphs(const Instance &inst);

/// Can node a precede node b? Time (settle included in key) and, within a slew's reach, the slew lower bound.
bool arc_ok(const SatGraph &g, const Node &a, const Node &b);

/// The bound value of acquiring a task through opportunity `opp`: its job's value (times the opportunity's P(usable)
/// under clouds) shared out among the job's tasks; 0 for a job that is not feasible.
double opportunity_bound_value(const Instance &inst, std::size_t opp);

/// The column-generation bound (column_bound.cpp).
struct ColumnBound {
    double bound = 0.0;       ///< best Lagrangian value over the rounds (+inf when no round completed)
    double lp_value = 0.0;    ///< the last restricted master's optimum (not a bound)
    int iterations = 0;       ///< pricing rounds completed
    std::size_t blocks = 0;   ///< passes (blocks of the graphs)
    int columns = 0;          ///< sequences in the master
    bool converged = false;   ///< the bound met the master's value or the incumbent
    bool time_limit_hit = false;
};

/// Column generation over per-block sequences with ng-route pricing; stops at `deadline` (the last complete round's
/// bound stands) or when converged. @throws Cancelled when the instance's cancel flag is raised.
ColumnBound column_generation_bound(const Instance &inst, const std::vector<SatGraph> &graphs, double incumbent,
                                    std::chrono::steady_clock::time_point deadline);

} // namespace vantage::scheduling::detail
