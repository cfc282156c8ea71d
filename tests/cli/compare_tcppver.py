#!/usr/bin/python3
"""Runs `vantage sgp4-verify SGP4-VER.TLE` and compares it with Vallado's tcppver.out.

Usage: compare_tcppver.py VANTAGE SGP4-VER.TLE tcppver.out

Every printed state must agree within 1e-6 km and 1e-8 km/s (tcppver.out prints 8 and 9
decimals, so its own rounding is 5e-9 km; anything above 1 mm-scale tolerance would be a real
difference), every case must stop at the same row, and the SGP4 errors must be those of the
reference data README (22312: 1, 28350: 1, 28872: 6, 29141: 6, 33333: 4, 33334: 3, 20413 2nd: 6).
The single row tcppver.out prints for 33334 is a stale copy of the previous case's last row and is
not expected from us.
"""
import re
import subprocess
import sys

POS_TOL_KM = 1e-6
VEL_TOL_KM_S = 1e-8
EXPECTED_ERRORS = [(22312, 1), (28350, 1), (28872, 6), (29141, 6), (33333, 4), (33334, 3), (20413, 6)]


def parse(text):
    cases = []
    for line in text.splitlines():
        f = line.split()
        if len(f) == 2 and f[1] == "xx":
            cases.append((int(f[0]), []))
        elif len(f) >= 7 and cases:
            cases[-1][1].append([float(x) for x in f[:7]])
    return cases


def main():
    vantage, tle, ref = sys.argv[1:4]
    run = subprocess.run([vantage, "sgp4-verify", tle], capture_output=True, text=True)
    if run.returncode != 0:
        print(f"FAIL: vantage exited {run.returncode}\n{run.stderr}")
        return 1
    ours = parse(run.stdout)
    theirs = parse(open(ref).read())
    failures = 0
    if [c[0] for c in ours] != [c[0] for c in theirs]:
        print("FAIL: case lists differ", [c[0] for c in ours], [c[0] for c in theirs])
        return 1
    worst_r = worst_v = 0.0
    rows = 0
    for (sat, a), (_, b) in zip(ours, theirs):
        if sat == 33334 and len(a) == 0 and len(b) == 1:
            continue  # stale row in tcppver.out (see docstring)
        if len(a) != len(b):
            print(f"FAIL: {sat}: {len(a)} rows, reference has {len(b)}")
            failures += 1
            continue
        for ra, rb in zip(a, b):
            rows += 1
            if abs(ra[0] - rb[0]) > 1e-8:
                print(f"FAIL: {sat}: time {ra[0]} vs {rb[0]}")
                failures += 1
            dr = max(abs(ra[i] - rb[i]) for i in (1, 2, 3))
            dv = max(abs(ra[i] - rb[i]) for i in (4, 5, 6))
            worst_r, worst_v = max(worst_r, dr), max(worst_v, dv)
            if dr > POS_TOL_KM or dv > VEL_TOL_KM_S:
                print(f"FAIL: {sat} t={ra[0]}: |dr|={dr:.3e} km |dv|={dv:.3e} km/s")
                failures += 1
    errors = [(int(m.group(1)), int(m.group(2)))
              for m in re.finditer(r"norad_id (\d+): SGP4 error (\d+)", run.stderr)]
    if errors != EXPECTED_ERRORS:
        print(f"FAIL: SGP4 errors {errors}, expected {EXPECTED_ERRORS}")
        failures += 1
    print(f"{rows} rows compared; max |dr| {worst_r:.3e} km, max |dv| {worst_v:.3e} km/s; errors {errors}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
