#!/usr/bin/python3
"""SPOT5 benchmark table (issue 6), never part of ctest: `vantage spot5` on the 21 published instances.

For each instance it runs `vantage spot5 FILE --capacity MODE --time-limit-s T` once (our heuristic alone for
T seconds, then the exact CBC MILP warm-started with it for at most T seconds) and prints, against the published
values:
  - best known: optimal-values.csv (Bensana, Lemaitre & Verfaillie 1999, Constraints 4(3) Table 1; 1504 proved
    under the 200-unit reading with CBC here), with * = proven optimal;
  - RSOA 2023: the certificates of Wei, Hao, Ren & Glover (EJOR 2023), values as recomputed in
    ../shared/data/README.md section 2.5 (200-unit reading);
  - heuristic value, gap % to the best known, seconds until it found that value (the run lasts T s);
  - exact value, proven upper bound, gap % of the bound, proven-optimal flag, seconds.
A gap is (best_known - value) / best_known * 100; a negative one would beat the published value. The time limits
are wall clock; the CPU seconds the run really got (heuristic + exact) and the 1-minute load average after it are
printed too, because on a shared machine they differ.

The multi-orbit ids (> 1000) are run under both capacity readings (README section 2.4); the published values
belong to the 200-unit reading, so literal-mode gaps are shown against them for orientation only.

Usage: /usr/bin/python3 bench/spot5_table.py [--vantage build/apps/cli/vantage] [--time-limit-s 60]
           [--data tests/reference/scheduling] [--instances 8,54,...] [--literal | --no-literal] [--out FILE.md]
"""
import argparse
import csv
import datetime
import os
import platform
import re
import resource
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# 1999 Table 1 order.
ORDER = ["8", "54", "29", "42", "28", "5", "404", "408", "412", "11", "503", "505", "507", "509",
         "1401", "1403", "1405", "1021", "1502", "1504", "1506"]

# Wei, Hao, Ren & Glover 2023 (RSOA) certificates, recomputed values (../shared/data/README.md section 2.5).
RSOA = {"8": 10, "54": 70, "29": 12032, "404": 49, "408": 3080, "412": 16096, "42": 108067, "28": 56053, "5": 115,
        "503": 9096, "505": 13099, "507": 15137, "509": 19117, "11": 22119, "1502": 61158, "1504": 124240,
        "1506": 164241, "1401": 171062, "1403": 172143, "1405": 170179, "1021": 169243}


def load_reference(path):
    with open(path, newline="") as f:
        return {row["instance"]: row for row in csv.DictReader(f)}


def run(vantage, spot, mode, limit_s):
    cmd = [vantage, "spot5", spot, "--capacity", mode, "--time-limit-s", str(limit_s), "--threads", "1"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    lines = {}
    for line in p.stdout.splitlines()[1:]:
        inst, cmode, method, value, ub, sec = line.split(",")
        lines[method] = {"value": int(value), "ub": int(ub), "s": float(sec)}
    h = re.search(r"heuristic seed=\d+ iterations=(\d+) best_found_s=([0-9.]+) time_limit_hit=(\w+)", p.stderr)
    e = re.search(r"exact threads=\d+ nodes=(\d+) proven_optimal=(\w+) time_limit_hit=(\w+)", p.stderr)
    lines["heuristic"].update(iterations=int(h.group(1)), best_s=float(h.group(2)))
    lines["exact"].update(nodes=int(e.group(1)), proven=e.group(2) == "true", limit_hit=e.group(3) == "true")
    lines["cpu_s"] = cpu_s
    return lines


def gap(best, value):
    return 100.0 * (best - value) / best


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vantage", default=os.path.join(ROOT, "build", "apps", "cli", "vantage"))
    ap.add_argument("--time-limit-s", type=float, default=60.0)
    ap.add_argument("--data", default=os.path.join(ROOT, "tests", "reference", "scheduling"))
    ap.add_argument("--instances", default=",".join(ORDER))
    ap.add_argument("--literal", dest="literal", action="store_true", default=True)
    ap.add_argument("--no-literal", dest="literal", action="store_false")
    ap.add_argument("--out")
    a = ap.parse_args()

    ref = load_reference(os.path.join(a.data, "optimal-values.csv"))
    ids = [i for i in a.instances.split(",") if i]
    out = []
    say = out.append
    try:
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = "?"
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    say(f"Measured {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')} on {cpu}, "
        f"{os.cpu_count()} cores (shared), {platform.system()}; vantage {commit}; CBC 2.10.8 (Debian), 1 thread. "
        f"Time limit {a.time_limit_s:g} s for the heuristic alone, then {a.time_limit_s:g} s at most for the exact "
        f"method warm-started with the heuristic's solution. Command per row: "
        f"`vantage spot5 FILE --capacity MODE --time-limit-s {a.time_limit_s:g} --threads 1` (seed 1).")
    say("")
    say("| instance | capacity | n | best known | RSOA 2023 | heuristic | gap % | found at s | exact | upper bound "
        "| bound gap % | proven | exact s | CPU s (both) | load |")
    say("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    summary = {"proven_hit_h": 0, "proven_hit_e": 0, "proven_total": 0}
    for inst in ids:
        r = ref[inst]
        best = int(r["optimum_or_best"])
        star = "*" if r["is_proven_optimal"] == "true" else ""
        modes = ["units200"] + (["literal"] if a.literal and int(inst) > 1000 else [])
        for mode in modes:
            res = run(a.vantage, os.path.join(a.data, "spot5", "instances", inst + ".spot"), mode, a.time_limit_s)
            h, e = res["heuristic"], res["exact"]
            if mode == "units200" and star:
                summary["proven_total"] += 1
                summary["proven_hit_h"] += h["value"] == best
                summary["proven_hit_e"] += e["value"] == best
            say(f"| {inst} | {mode} | {r['n_vars']} | {best}{star} | {RSOA[inst] if mode == 'units200' else '—'} "
                f"| {h['value']} | {gap(best, h['value']):.3f} | {h['best_s']:.2f} | {e['value']} | {e['ub']} "
                f"| {gap(e['ub'], e['value']) if e['ub'] else 0.0:.3f} | {'yes' if e['proven'] else 'no'} | {e['s']:.1f} "
                f"| {res['cpu_s']:.1f} | {os.getloadavg()[0]:.1f} |")
            print(out[-1], flush=True)
    say("")
    say(f"Proven optima (200-unit reading) reached: heuristic {summary['proven_hit_h']}/{summary['proven_total']}, "
        f"exact {summary['proven_hit_e']}/{summary['proven_total']}.")
    text = "\n".join(out) + "\n"
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    print(text)


if __name__ == "__main__":
    main()
