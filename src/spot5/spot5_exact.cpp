// SPOT5 exact method: the clique-strengthened 0/1 MILP (spot5_model.cpp) solved by CBC, warm-started.
#include <cmath>

#include <fmt/format.h>

#include "spot5_model.hpp"
#include "vantage/core/error.hpp"
#include "vantage/spot5/spot5_solver.hpp"

namespace vantage::spot5 {

namespace {

// Weights are integers, so any bound rounds down to an integer. CBC/Clp work with primal and dual
// tolerances of 1e-7 per row; on objectives of ~2e5 the bound may sit that far below an integer it
// actually proves. 0.01 is well above that noise and far below the integer step of 1.
constexpr double bound_rounding_tol = 1e-2;

std::int64_t floor_bound(double bound)
{
    return static_cast<std::int64_t>(std::floor(bound + bound_rounding_tol));
}

} // namespace

Result solve_exact(const Instance &instance, CapacityMode mode, const ExactOptions &options)
{
    if (!(options.time_limit_s > 0.0) || !std::isfinite(options.time_limit_s)) {
        throw DomainError(ErrorCode::invalid_argument,
                          fmt::format("SPOT5 exact: time_limit_s must be > 0, got {}", options.time_limit_s));
    }
    if (options.threads < 1) {
        throw DomainError(ErrorCode::invalid_argument, fmt::format("SPOT5 exact: threads must be >= 1, got {}", options.threads));
    }
    const detail::Compiled c = detail::compile(instance, mode);
    const milp::MilpModel model = detail::build_milp(c);

    milp::MilpOptions mo;
    mo.time_limit_s = options.time_limit_s;
    mo.threads = options.threads;
    mo.log = options.log;
    Result start;
    if (options.warm_start != nullptr) {
        const CheckReport rep = check(instance, *options.warm_start, mode);
        if (!rep.ok()) {
            throw DomainError(ErrorCode::invalid_argument,
                              "SPOT5 exact: the warm start is not feasible: " + rep.violations.front().detail);
        }
        const auto nodes = detail::to_nodes(c, *options.warm_start);
        mo.warm_start.assign(static_cast<std::size_t>(c.num_nodes), 0.0);
        for (const int u : nodes) {
            if (u >= 0) {
                mo.warm_start[static_cast<std::size_t>(u)] = 1.0;
            }
        }
        start.solution = *options.warm_start;
        start.value = rep.value;
    }

    const milp::MilpResult mr = milp::solve_milp(model, mo);
    if (mr.status == milp::MilpStatus::infeasible || mr.status == milp::MilpStatus::unbounded) {
        // Taking nothing is always feasible and the objective is bounded: a solver failure.
        throw Error(ErrorCode::internal, fmt::format("SPOT5 exact: CBC reports the model {} for instance {}",
                                                     mr.status == milp::MilpStatus::infeasible ? "infeasible" : "unbounded",
                                                     instance.name));
    }
    Result r;
    r.iterations = mr.nodes;
    r.seconds = mr.seconds;
    r.time_limit_hit = mr.time_limit_hit;
    if (!mr.x.empty()) {
        std::vector<int> node_of_photo(static_cast<std::size_t>(c.num_photos), -1);
        for (int u = 0; u < c.num_nodes; ++u) {
            if (mr.x[static_cast<std::size_t>(u)] > 0.5) {
                node_of_photo[static_cast<std::size_t>(c.node_photo[static_cast<std::size_t>(u)])] = u;
            }
        }
        r.solution = detail::to_solution(c, node_of_photo);
        r.value = value(instance, r.solution);
    } else {
        r.solution.camera.assign(instance.photos.size(), camera_none);
    }
    // Keep the warm start if CBC returned nothing better (it never should return worse).
    if (options.warm_start != nullptr && start.value > r.value) {
        r.solution = start.solution;
        r.value = start.value;
    }
    r.upper_bound = std::isfinite(mr.bound) ? std::max(r.value, floor_bound(mr.bound)) : trivial_upper_bound(instance);
    r.upper_bound = std::min(r.upper_bound, trivial_upper_bound(instance));
    r.proven_optimal = r.value >= r.upper_bound;
    return r;
}

std::int64_t lp_upper_bound(const Instance &instance, CapacityMode mode)
{
    const detail::Compiled c = detail::compile(instance, mode);
    const auto lp = milp::solve_lp_relaxation(detail::build_milp(c));
    if (!lp.optimal) {
        throw Error(ErrorCode::internal, fmt::format("SPOT5 LP relaxation of {} did not solve", instance.name));
    }
    return std::min(floor_bound(lp.objective), trivial_upper_bound(instance));
}

} // namespace vantage::spot5
