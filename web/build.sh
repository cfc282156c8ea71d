#!/usr/bin/env bash
# Installs the pinned npm packages (npm ci, only when package-lock.json changed since the last install) and
# builds the web map into web/dist. Used by the e2e CTest fixture and by hand: bash web/build.sh
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node build.mjs "$@"
