#!/usr/bin/env bash
# CLI evidence for vantage plan / replan (tests/cli/CMakeLists.txt): the same seed gives a byte-identical plan.json;
# a replan without any change returns the identical plan.json and reports 100 % unchanged; a replan with urgent
# requests keeps every acquisition that starts before now + freeze.
set -euo pipefail
V=$1; S=$2; U=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$V" plan --scenario "$S" --out "$out/a" > /dev/null 2>&1
"$V" plan --scenario "$S" --out "$out/b" > /dev/null 2>&1
cmp "$out/a/plan.json" "$out/b/plan.json" || { echo "FAIL: same seed, different plan.json"; exit 1; }
"$V" replan --scenario "$S" --plan "$out/a/plan.json" --now 2025-10-03T09:00:00Z --out "$out/c" > /dev/null 2>&1
cmp "$out/a/plan.json" "$out/c/plan.json" || { echo "FAIL: replan without change altered plan.json"; exit 1; }
grep -q '"fraction_unchanged": 1.0' "$out/c/changes.json" || { echo "FAIL: changes.json"; cat "$out/c/changes.json"; exit 1; }
"$V" replan --scenario "$S" --plan "$out/a/plan.json" --now 2025-10-03T09:00:00Z --freeze-h 0.09 --add "$U" --out "$out/d" > /dev/null 2>&1
/usr/bin/python3 - "$out/a/plan.json" "$out/d/plan.json" "$out/d/changes.json" <<'PY'
import json, sys
a, d, ch = (json.load(open(p)) for p in sys.argv[1:4])
freeze = "2025-10-03T09:05:24"  # now + 0.09 h
before = {x["acquisition_id"]: x for x in a["acquisitions"] if x["start_utc"] < freeze}
after = {x["acquisition_id"]: x for x in d["acquisitions"]}
for k, x in before.items():
    assert k in after and after[k]["start_utc"] == x["start_utc"], f"frozen {k} changed"
assert ch["kept"] + ch["moved"] + ch["removed"] == len(a["acquisitions"]), ch
assert any(x["request_id"].startswith("U-") for x in d["acquisitions"]), "no urgent request served"
print("ok", len(before), "frozen,", ch["added"], "added,", ch["fraction_unchanged"], "unchanged")
PY
