#!/usr/bin/env bash
# Installs every Debian package Vantage needs to build, test and benchmark.
# Safe to run twice: apt-get install is idempotent. Run as root on Debian 12 (bookworm).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PKGS=(
  # toolchain
  build-essential cmake ninja-build pkg-config git ca-certificates
  # domain libraries
  liberfa-dev libgeographiclib-dev libeigen3-dev libfmt-dev
  # io / cli
  libcli11-dev nlohmann-json3-dev libyaml-cpp-dev libpugixml-dev
  # cloud cover forecasts (GRIB2) for the planner; grib_set / grib_get_data for the tests and the plan checker
  libeccodes-dev libeccodes-tools
  # fast batch propagation (SIMD dispatch, vector math, threads), spatial index for access
  libhwy-dev libsleef-dev libtbb-dev libs2-dev
  # scheduling: MILP (SPOT5 exact method, planner upper bounds and exact tasking on small instances)
  coinor-libcbc-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # fuzzing (libFuzzer + ASan runtime) and sanitizer builds
  clang libclang-rt-14-dev
  # independent reference implementations for cross-checks (Debian's own Python, /usr/bin/python3)
  python3 python3-sgp4 python3-skyfield python3-numpy python3-pytest python3-astropy python3-ephem python3-yaml python3-shapely python3-jsonschema
  # Python bindings
  python3-dev python3-pybind11
  # coverage: MPI ranks (`mpirun -np N vantage coverage`), SciPy for the coverage reference grid, pandas for
  # CoverageResult.to_dataframe in the Python tests
  libopenmpi-dev openmpi-bin python3-scipy python3-pandas
  # the service (issue 7): store (SQLite; PostgreSQL client library, and the server with pg_virtualenv for the
  # PostgreSQL store suite), token hashing, the HTTP server (Boost.Beast/Asio headers + OpenSSL; cpp-httplib is the tests' client)
  libsqlite3-dev sqlite3 libpq-dev postgresql postgresql-common libsodium-dev
  libboost-dev libcpp-httplib-dev libssl-dev zlib1g-dev libbrotli-dev openssl
  # the web map's end-to-end test (headless Chromium driven by playwright-core) and the HTTP benchmark
  chromium wrk
)

# Only hit the network when something is missing, so a second run is fast and offline-safe.
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install_deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install_deps: all ${#PKGS[@]} packages already installed"
fi

# Node.js for the web map (web/: npm ci, build, e2e). A machine that has one keeps it (Node 20 here; never
# install Debian's npm over an existing Node.js); a fresh Debian 12 gets its own nodejs 18 + npm.
if ! command -v node >/dev/null 2>&1; then
  echo "install_deps: installing nodejs npm (Debian)"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
echo "install_deps: node $(node --version), npm $(npm --version 2>/dev/null || echo missing)"
