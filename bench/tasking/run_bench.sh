#!/usr/bin/env bash
# Tasking benchmark (issue 6; never a test): one oversubscribed day, 20 satellites x 2,000 requests
# (bench/tasking/make_instance.sh, seeded), planned with `vantage plan`, then replanned at 08:00 UTC with
# 20 urgent requests (`vantage replan --add`). Prints wall times (end to end, and the planner's own parts as the
# CLI reports them), the value, both upper bounds and the gap, against the issue's goals:
#   plan < 10 s on 2 cores, value within 3 % of the real upper bound; replan of 20 urgent requests < 1 s (the
#   CLI reads plan.json and plan.cache and writes the files; replan_bench times the in-memory call alone).
#   bash bench/tasking/run_bench.sh [BUILD_DIR] [WORK_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
work="${2:-$build/bench-tasking}"
v="$build/apps/cli/vantage"
[ -x "$v" ] || { echo "no $v: build the vantage target first" >&2; exit 2; }
bash "$root/bench/tasking/make_instance.sh" "$work" 2000 > /dev/null
cd "$work"
now() { date +%s.%N; }

t0=$(now)
"$v" plan --scenario bench20.yaml --out plan > plan.txt 2> plan.err
t1=$(now)
"$v" replan --scenario bench20.yaml --plan plan/plan.json --now 2025-10-03T08:00:00Z --add urgent.yaml \
  --out replan > replan.txt 2> replan.err
t2=$(now)
# the same instance with 10x the default iterations (same seed): how far the default search is from converged
"$v" plan --scenario bench20.yaml --out plan10 --iterations 20000 > plan10.txt 2> plan10.err

/usr/bin/python3 - "$t0" "$t1" "$t2" <<'PY'
import json, re, sys, os
t0, t1, t2 = map(float, sys.argv[1:4])
plan, replan = json.load(open("plan/plan.json"))["metrics"], json.load(open("replan/plan.json"))["metrics"]
changes = json.load(open("replan/changes.json"))
def parts(path):
    txt = open(path).read()
    acc = float(re.search(r"access and strips in ([0-9.]+) s", txt).group(1))
    m = re.search(r"in ([0-9.]+) s(?: \(time limit hit\))?; bound ([0-9.]+) s", txt)
    return acc, float(m.group(1)), float(m.group(2))
cores = os.cpu_count()
print(f"machine: {cores} cores ({os.uname().machine}), {open('/proc/cpuinfo').read().split('model name')[1].split(':')[1].splitlines()[0].strip()}")
print("instance: 20 satellites (14 agile optical, 6 agile SAR), 11 stations, 2000 requests "
      f"({plan['requests_total']} occurrences), {plan['opportunities']} opportunities")
acc, search, bound = parts("plan.txt")
gap = 100.0 * (plan["value_upper_bound"] - plan["value"]) / plan["value_upper_bound"]
print(f"plan_wall_s {t1 - t0:.2f}  (access+strips {acc:.2f}, search {search:.2f} [{plan['iterations_done']} ALNS iterations"
      f"{', time limit hit' if plan['time_limit_hit'] else ''}], bound {bound:.2f}; goal < 10)")
print(f"plan_value {plan['value']:g}  constructive {plan['constructive_value']:g}  served {plan['requests_served']}/{plan['requests_total']}")
print(f"upper_bound {plan['value_upper_bound']:.1f} ({plan['bound_method']})  trivial_bound {plan['value_trivial_bound']:g}")
print(f"gap_to_bound_pct {gap:.1f}  (certified: value against the bound; goal < 3)")
plan10 = json.load(open("plan10/plan.json"))["metrics"]
print(f"value_at_10x_iterations {plan10['value']:g}  (default reaches {100 * plan['value'] / plan10['value']:.2f} %; goal >= 99)")
acc, search, bound = parts("replan.txt")
print(f"replan_wall_s {t2 - t1:.2f}  (access+strips {acc:.2f}, search {search:.2f}, bound {bound:.2f}; goal < 1)")
tier = replan.get("requests_by_tier", {}).get("urgent", {})
print(f"replan_value {replan['value']:g}  urgent served {tier.get('served')}/{tier.get('with_opportunity')} with an opportunity"
      f" ({tier.get('total')} urgent)  kept {changes['kept']} moved {changes['moved']}"
      f" added {changes['added']} removed {changes['removed']}  unchanged {100 * changes['fraction_unchanged']:.1f} %")
PY
# the same replan in memory (scheduling::Replanner: state and opportunity cache kept between calls) beside the
# replan from scratch, in one process (bench/replan_bench.cpp; built with VANTAGE_BUILD_BENCH=ON)
if [ -x "$build/bench/replan_bench" ]; then
  "$build/bench/replan_bench" bench20.yaml urgent.yaml 2025-10-03T08:00:00Z
fi
