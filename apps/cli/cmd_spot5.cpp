// vantage spot5: solves a SPOT5 benchmark instance with our heuristic and with the exact MILP (CBC),
// printing `instance,capacity_mode,method,value,upper_bound,seconds`. Every solution is checked against
// the instance before it is printed; a violation is a bug and fails the command.
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cli_util.hpp"
#include "commands.hpp"
#include "vantage/io/spot5.hpp"
#include "vantage/spot5/spot5_solver.hpp"

namespace vantage::cli {

namespace {

namespace sp = spot5;

struct Spot5Options {
    std::string file;
    std::string capacity = "units200";
    double time_limit_s = 60.0;
    std::uint64_t seed = 1;
    std::int64_t iterations = 0;
    int threads = 1;
    std::string method = "both";
    std::string solution_out;
    std::string check_file;
    bool log = false;
};

// The checker gate: anything we print has passed it.
void require_feasible(const sp::Instance &inst, const sp::Solution &sol, sp::CapacityMode mode, std::int64_t value,
                      const char *method)
{
    const sp::CheckReport rep = sp::check(inst, sol, mode, value);
    if (!rep.ok()) {
        for (const auto &v : rep.violations) {
            std::cerr << fmt::format("error: {} solution of {}: {} [{}]\n", method, inst.name, v.detail, to_string(v.kind));
        }
        throw Error(ErrorCode::internal,
                    fmt::format("the {} solution of {} violates {} instance rule(s); this is a bug", method, inst.name,
                                rep.violations.size()));
    }
}

int run_check(const sp::Instance &inst, sp::CapacityMode mode, const std::string &file)
{
    const io::Spot5Certificate cert = io::read_spot5_certificate(file, inst);
    const sp::CheckReport rep = sp::check(inst, cert.solution, mode);
    std::cout << "instance,capacity_mode,certificate,value,claimed_profit,consumption,capacity,feasible\n";
    std::cout << fmt::format("{},{},{},{},{},{},{},{}\n", csv_field(inst.name), sp::to_string(mode), csv_field(file), rep.value,
                             cert.claimed_profit, rep.consumption, rep.capacity ? fmt::format("{}", *rep.capacity) : "",
                             rep.ok() ? "true" : "false");
    for (const auto &v : rep.violations) {
        std::cerr << fmt::format("violation: {} [{}]\n", v.detail, to_string(v.kind));
    }
    return rep.ok() ? exit_ok : exit_error;
}

int run_spot5(const Spot5Options &o)
{
    const auto mode = sp::capacity_mode_from_string(o.capacity);
    if (!mode) { // CLI11's IsMember check makes this unreachable; kept for direct callers
        throw ConfigError(ErrorCode::out_of_range, "must be units200 or literal", ErrorContext{"", 0, "--capacity", o.capacity});
    }
    const sp::Instance inst = io::read_spot5_file(o.file);
    if (!o.check_file.empty()) {
        return run_check(inst, *mode, o.check_file);
    }

    const std::int64_t lp_bound = sp::lp_upper_bound(inst, *mode);
    std::cout << "instance,capacity_mode,method,value,upper_bound,seconds\n";
    sp::Result best;
    bool have_best = false;

    sp::Result heur;
    const bool run_heuristic = o.method != "exact";
    const bool run_exact = o.method != "heuristic";
    // The heuristic runs in both modes: the exact method is warm-started with its solution.
    sp::HeuristicOptions ho;
    ho.seed = o.seed;
    ho.max_iterations = o.iterations > 0 ? o.iterations : std::numeric_limits<std::int64_t>::max();
    ho.time_limit_s = o.time_limit_s;
    ho.target_value = lp_bound; // reaching a proven bound ends the search
    if (!run_heuristic) {
        // exact alone: a short, deterministic heuristic start only
        ho.max_iterations = std::min<std::int64_t>(ho.max_iterations, 10000);
    }
    heur = sp::solve_heuristic(inst, *mode, ho);
    require_feasible(inst, heur.solution, *mode, heur.value, "heuristic");
    if (run_heuristic) {
        std::cout << fmt::format("{},{},heuristic,{},{},{:.3f}\n", csv_field(inst.name), sp::to_string(*mode), heur.value,
                                 lp_bound, heur.seconds);
        std::cerr << fmt::format("spot5: heuristic seed={} iterations={} best_found_s={:.3f} time_limit_hit={} "
                                 "(upper_bound: LP relaxation)\n",
                                 o.seed, heur.iterations, heur.best_found_s, heur.time_limit_hit ? "true" : "false");
        best = heur;
        have_best = true;
    }
    if (run_exact) {
        sp::ExactOptions eo;
        eo.time_limit_s = o.time_limit_s;
        eo.threads = o.threads;
        eo.warm_start = &heur.solution;
        eo.log = o.log;
        const sp::Result ex = sp::solve_exact(inst, *mode, eo);
        require_feasible(inst, ex.solution, *mode, ex.value, "exact");
        std::cout << fmt::format("{},{},exact,{},{},{:.3f}\n", csv_field(inst.name), sp::to_string(*mode), ex.value,
                                 ex.upper_bound, ex.seconds);
        std::cerr << fmt::format("spot5: exact threads={} nodes={} proven_optimal={} time_limit_hit={} warm_start={}\n",
                                 o.threads, ex.iterations, ex.proven_optimal ? "true" : "false",
                                 ex.time_limit_hit ? "true" : "false", heur.value);
        if (!have_best || ex.value >= best.value) {
            best = ex;
        }
    }
    if (!o.solution_out.empty()) {
        OutputTarget out(o.solution_out, "--solution-out");
        io::write_spot5_certificate(out.stream(), inst, best.solution, *mode);
        out.check();
    }
    return exit_ok;
}

} // namespace

Runner add_spot5(CLI::App &app)
{
    auto o = std::make_shared<Spot5Options>();
    CLI::App *cmd = app.add_subcommand("spot5", "solve a SPOT5 photograph-selection benchmark instance (heuristic and exact MILP)");
    cmd->add_option("FILE", o->file, "SPOT5 instance (.spot)")->required()->check(CLI::ExistingFile);
    cmd->add_option("--capacity", o->capacity,
                    "capacity reading for multi-orbit instances: units200 (round(c/451) <= 200, default) or literal (sum c <= 90000)")
        ->check(CLI::IsMember({"units200", "literal"}));
    cmd->add_option("--time-limit-s", o->time_limit_s, "wall-clock limit of each method in seconds (default 60)")
        ->check(CLI::Range(0.001, 1e6));
    cmd->add_option("--seed", o->seed, "heuristic random seed (default 1)");
    cmd->add_option("--iterations", o->iterations,
                    "heuristic iteration budget (tabu moves); with it the heuristic is deterministic unless the time "
                    "limit cuts it (default: none, run to the time limit)")
        ->check(CLI::Range(std::int64_t{1}, std::numeric_limits<std::int64_t>::max()));
    cmd->add_option("--threads", o->threads, "CBC threads for the exact method (default 1)")->check(CLI::Range(1, 64));
    cmd->add_option("--method", o->method, "both (default), heuristic or exact")
        ->check(CLI::IsMember({"both", "heuristic", "exact"}));
    cmd->add_option("--solution-out", o->solution_out, "write the best solution as a certificate (Wei & Hao format)");
    cmd->add_option("--check", o->check_file, "check a solution certificate against the instance instead of solving")
        ->check(CLI::ExistingFile);
    cmd->add_flag("--cbc-log", o->log, "print CBC's log");
    return [o]() { return run_spot5(*o); };
}

} // namespace vantage::cli
