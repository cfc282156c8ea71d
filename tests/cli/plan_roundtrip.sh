#!/usr/bin/env bash
# CLI evidence for vantage plan / replan (tests/cli/CMakeLists.txt): the same seed gives a byte-identical plan.json;
# a replan without any change returns the identical plan.json and reports 100 % unchanged; a replan with urgent
# requests keeps every acquisition that starts before now + freeze; that replan reuses the opportunities in
# plan.cache beside plan.json, and gives the same plan.json when the cache is missing or damaged (then with a
# warning naming the file).
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
[ -s "$out/a/plan.cache" ] || { echo "FAIL: no plan.cache beside plan.json"; exit 1; }
"$V" replan --scenario "$S" --plan "$out/a/plan.json" --now 2025-10-03T09:00:00Z --freeze-h 0.09 --add "$U" --out "$out/d" > "$out/d.txt" 2>&1
grep -Eq "cache +[1-9][0-9]* of [0-9]+ access windows' opportunities reused from .*/a/plan.cache" "$out/d.txt" \
  || { echo "FAIL: the replan did not reuse plan.cache"; cat "$out/d.txt"; exit 1; }
mkdir -p "$out/nocache" "$out/bad"
cp "$out/a/plan.json" "$out/nocache/" && cp "$out/a/plan.json" "$out/bad/"
head -c 100 "$out/a/plan.cache" > "$out/bad/plan.cache"
"$V" replan --scenario "$S" --plan "$out/nocache/plan.json" --now 2025-10-03T09:00:00Z --freeze-h 0.09 --add "$U" --out "$out/e" > /dev/null 2>&1
"$V" replan --scenario "$S" --plan "$out/bad/plan.json" --now 2025-10-03T09:00:00Z --freeze-h 0.09 --add "$U" --out "$out/f" > /dev/null 2> "$out/f.err"
grep -q "warning: .*bad/plan.cache: checksum mismatch (truncated or damaged); the opportunities are computed afresh" "$out/f.err" \
  || { echo "FAIL: no warning for a damaged plan.cache"; cat "$out/f.err"; exit 1; }
cmp "$out/d/plan.json" "$out/e/plan.json" || { echo "FAIL: the replan without plan.cache differs"; exit 1; }
cmp "$out/d/plan.json" "$out/f/plan.json" || { echo "FAIL: the replan with a damaged plan.cache differs"; exit 1; }
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
# --remove-request: the request's acquisitions leave the plan (one inside the freeze too), the others inside the
# freeze stay.
gone=$(/usr/bin/python3 -c 'import json,sys; print([x["request_id"] for x in json.load(open(sys.argv[1]))["acquisitions"] if "2025-10-03T09:00" <= x["start_utc"] < "2025-10-03T09:30"][0])' "$out/a/plan.json")
"$V" replan --scenario "$S" --plan "$out/a/plan.json" --now 2025-10-03T09:00:00Z --freeze-h 0.5 --remove-request "$gone" --out "$out/g" > /dev/null 2>&1
/usr/bin/python3 - "$out/a/plan.json" "$out/g/plan.json" "$gone" <<'PY'
import json, sys
a, g, gone = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
assert all(x["request_id"] != gone for x in g["acquisitions"]), f"{gone} still planned"
assert all(u["request_id"] != gone for u in g.get("unserved", [])), f"{gone} still listed as unserved"
after = {x["acquisition_id"]: x["start_utc"] for x in g["acquisitions"]}
frozen = [x for x in a["acquisitions"] if x["request_id"] != gone and x["start_utc"] < "2025-10-03T09:30:00"]
for x in frozen:
    assert after.get(x["acquisition_id"]) == x["start_utc"], f"frozen {x['acquisition_id']} changed"
print("ok", gone, "removed,", len(frozen), "others frozen")
PY
