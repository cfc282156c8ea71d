#!/usr/bin/env bash
# Writes the benchmark's oversubscribed day into DIR (default build/bench-tasking): 20 designed satellites
# (14 agile optical + 6 agile SAR, tools/tasking/design_constellation.py --preset bench20), 2,000 requests of three
# nations (tools/tasking/gen_requests.py --preset bench, seed 1), 20 urgent requests for the replan, and the
# scenario bench20.yaml. Everything is generated from seeds, so the instance is the same on every machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${1:-$root/build/bench-tasking}"
count="${2:-2000}"
mkdir -p "$dir"
py=/usr/bin/python3
$py "$root/tools/tasking/design_constellation.py" --preset bench20 > "$dir/bench20.tle"
$py "$root/tools/tasking/gen_requests.py" --preset bench --count "$count" --seed 1 > "$dir/requests.yaml"
$py "$root/tools/tasking/gen_requests.py" --preset urgent --count 20 --seed 7 --start 2025-10-03T08:00:00Z --hours 12 > "$dir/urgent.yaml"
cp "$root/examples/eop.csv" "$root/examples/ground-stations.csv" "$dir/"
cat > "$dir/bench20.yaml" <<YAML
# Tasking benchmark: one oversubscribed day, 20 satellites, $count requests (bench/tasking/make_instance.sh).
start_utc: 2025-10-03T00:00:00Z
duration_h: 24
eop_file: eop.csv
sensors:
  b-opt: {type: optical, max_off_nadir_deg: 45, min_sun_elevation_deg: 10, imaging_swath_km: 14, data_rate_mbit_s: 1200,
          agility: {max_rate_deg_s: 3, max_accel_deg_s2: 1, settle_s: 2}}
  b-sar: {type: sar, incidence_min_deg: 20, incidence_max_deg: 50, imaging_swath_km: 30, data_rate_mbit_s: 1500,
          agility: {max_rate_deg_s: 1.5, max_accel_deg_s2: 0.5, settle_s: 3}}
satellites:
  - {tle_file: bench20.tle, norad_ids: [91001, 91002, 91003, 91004, 91005, 91006, 91007, 91008, 91009, 91010, 91011, 91012, 91013, 91014], sensor: b-opt, storage_gbit: 800}
  - {tle_file: bench20.tle, norad_ids: [91101, 91102, 91103, 91104, 91105, 91106], sensor: b-sar, storage_gbit: 1200}
ground_stations:
  - {file: ground-stations.csv, select: [Svalbard, Troll, Inuvik, Fairbanks, Punta Arenas], downlink_mbit_s: 520, antennas: 4}
  - {file: ground-stations.csv, select: ["Kiruna KIR-1/KIR-2 (Salmijarvi)", "Matera (Centro di Geodesia Spaziale)", Neustrelitz, Puertollano, Athens, Dubai], downlink_mbit_s: 465, antennas: 2}
tenants:
  FR: {share: 0.4}
  DE: {share: 0.3}
  IT: {share: 0.3}
requests_file: requests.yaml
planning: {seed: 1, iterations: 2000, time_limit_s: 60, time_step_s: 1, freeze_h: 0.5, urgent_share_exempt: true}
YAML
echo "$dir/bench20.yaml"
