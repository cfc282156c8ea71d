#!/usr/bin/env bash
# The main job: install, build, propagate real Earth-observation satellites for one orbit (100 minutes
# at 60 s) to WGS-84 ground tracks with real Earth orientation data, then plan one day of tasking for a
# European constellation (examples/tasking-demo.yaml: 650 requests of five nations, 17 satellites,
# 9 ground stations) and replan it at 08:00 with 8 urgent requests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/ci/install_deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DVANTAGE_BUILD_TESTS=OFF -DVANTAGE_BUILD_PYTHON=ON >/dev/null
cmake --build build -j2 --target vantage _vantage
# The Python package, for Debian's /usr/bin/python3 (site directory: see python/CMakeLists.txt).
cmake --install build --component python >/dev/null
mkdir -p out
./build/apps/cli/vantage propagate --tle examples/eo-satellites.tle --eop examples/eop.csv \
  --start 2025-10-03T00:00:00Z --stop 2025-10-03T01:40:00Z --step-s 60 --frame geodetic \
  --out out/ground_tracks.csv
./build/apps/cli/vantage propagate --tle examples/eo-satellites.tle --eop examples/eop.csv \
  --start 2025-10-03T00:00:00Z --stop 2025-10-03T01:40:00Z --step-s 60 --frame itrf --format oem \
  --out out/eo-satellites.oem
echo
echo "Ground tracks of $(grep -c '^[A-Z]' examples/eo-satellites.tle) satellites, 2025-10-03 00:00-01:40 UTC (first rows):"
head -6 out/ground_tracks.csv
echo "..."
/usr/bin/python3 -c "import vantage; print('Python: import vantage', vantage.__version__, 'OK')"
echo "Wrote out/ground_tracks.csv ($(($(wc -l < out/ground_tracks.csv) - 1)) states) and out/eo-satellites.oem (CCSDS OEM 2.0, ITRF)."
echo
echo "Tasking: one day of requests from FR, DE, IT, ES and PL (examples/tasking-demo.yaml):"
./build/apps/cli/vantage plan --scenario examples/tasking-demo.yaml --out out/plan --compare-relays
echo
echo "Replan at 08:00 UTC with 8 urgent requests (examples/tasking-urgent.yaml):"
./build/apps/cli/vantage replan --scenario examples/tasking-demo.yaml --plan out/plan/plan.json \
  --now 2025-10-03T08:00:00Z --add examples/tasking-urgent.yaml --out out/replan | grep -E '^  (value|served|changes|wrote) '
