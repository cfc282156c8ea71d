#!/usr/bin/env bash
# Makes examples/clouds-2025-10-03.grib2, the tasking demo's cloud forecast: two REAL NCEP GFS total-cloud-cover
# fields (whole atmosphere, global 2.5 deg, averages over 6 h) RE-STAMPED with ecCodes to one GFS run of
# 2025-10-03 00 UTC. The cloud patterns are real; their dates are not:
#   message 1: GFS 2011-10-08 00 UTC +66-72 h  -> 2025-10-03 00 UTC +0-6 h   (stands for 03 UTC)
#   message 2: GFS 2011-01-10 12 UTC +114-120 h -> 2025-10-03 00 UTC +12-18 h (stands for 15 UTC)
# Usage: tools/clouds/make_demo_clouds.sh [reference-dir] [output]   (needs libeccodes-tools)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
ref=${1:-$here/tests/reference/clouds}
out=${2:-$here/examples/clouds-2025-10-03.grib2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stamp() { # input step_start step_end output
  grib_copy -w typeOfLevel=atmosphereSingleLayer "$1" "$tmp/total.grib2"
  grib_set -s "year=2025,month=10,day=3,hour=0,minute=0,forecastTime=$2,yearOfEndOfOverallTimeInterval=2025,\
monthOfEndOfOverallTimeInterval=10,dayOfEndOfOverallTimeInterval=3,hourOfEndOfOverallTimeInterval=$3" \
    "$tmp/total.grib2" "$4"
}
stamp "$ref/gfs.2011100800.f072.2p5deg.tcc-only.grib2" 0 6 "$tmp/a.grib2"
stamp "$ref/gfs.t12z.pgrbf120.2p5deg.tcc-only.grib2" 12 18 "$tmp/b.grib2"
cat "$tmp/a.grib2" "$tmp/b.grib2" > "$out"
grib_ls -p shortName,typeOfLevel,dataDate,dataTime,stepRange,stepType,average "$out"
