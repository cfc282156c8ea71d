// replan_bench: the in-memory incremental replan (scheduling::Replanner) on the tasking benchmark, side by side with
// the same replan from scratch (scheduling::replan without a cache, as before issue 13 item 4), in one process.
//   replan_bench SCENARIO URGENT_REQUESTS NOW_UTC
// bench/tasking/run_bench.sh runs it on bench20.yaml / urgent.yaml at 08:00 UTC. Never part of ctest.
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

#include "vantage/io/mission_scenario.hpp"
#include "vantage/scheduling/plan.hpp"

using namespace vantage;

int main(int argc, char **argv)
{
    if (argc != 4) {
        std::fprintf(stderr, "usage: replan_bench SCENARIO URGENT_REQUESTS NOW_UTC\n");
        return 2;
    }
    try {
        const scheduling::Mission m = io::read_mission_file(argv[1]);
        scheduling::ReplanInput in;
        in.added = io::read_requests_file(argv[2]);
        in.now = time::Instant::parse_iso8601(argv[3]);
        auto secs = [](auto t0) { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };

        auto t0 = std::chrono::steady_clock::now();
        scheduling::Replanner r(m, m.planning);
        const double plan_s = secs(t0);
        const scheduling::PreviousPlan previous = scheduling::previous_plan_of(r.current(), m);

        scheduling::PlanChanges scratch_changes;
        t0 = std::chrono::steady_clock::now();
        const scheduling::Plan scratch = scheduling::replan(m, previous, in, m.planning, scratch_changes);
        const double scratch_s = secs(t0);

        scheduling::PlanChanges changes;
        t0 = std::chrono::steady_clock::now();
        const scheduling::Plan &incremental = r.replan(in, changes);
        const double incremental_s = secs(t0);

        std::printf("plan_s %.2f (Replanner: plan and opportunity cache)\n", plan_s);
        std::printf("replan_from_scratch_s %.3f  value %g\n", scratch_s, scratch.metrics.value);
        std::printf("replan_in_memory_s %.3f  value %g  (%zu of %zu access windows reused; goal < 1 s)\n", incremental_s,
                    incremental.metrics.value, r.cache().hits, r.cache().hits + r.cache().misses);
        std::printf("speedup %.2fx  same_plan %s\n", scratch_s / incremental_s,
                    scratch.metrics.value == incremental.metrics.value
                            && scratch.acquisitions.size() == incremental.acquisitions.size()
                        ? "yes"
                        : "NO");
    } catch (const std::exception &e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
