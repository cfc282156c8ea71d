#!/usr/bin/env bash
# Runs the store suite against a throw-away PostgreSQL cluster (pg_virtualenv: a temporary cluster on a free
# port, removed afterwards; works as root). Exit 77 (CTest: skipped) only when no PostgreSQL server binary is
# installed, saying so. Usage: run_postgres_suite.sh TEST_EXECUTABLE [gtest args]
set -euo pipefail
exe="$1"; shift
server=$(ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$server" ]; then
  echo "SKIPPED: no PostgreSQL server binary (/usr/lib/postgresql/*/bin/postgres); install Debian's postgresql" \
       "(tools/ci/install_deps.sh does) to run the PostgreSQL store suite"
  exit 77
fi
if ! command -v pg_virtualenv >/dev/null; then
  echo "FAILED: $server is installed but pg_virtualenv (postgresql-common) is not" >&2
  exit 1
fi
version=$(basename "$(dirname "$(dirname "$server")")")
echo "PostgreSQL server: $server (version $version)"
exec pg_virtualenv -v "$version" "$exe" "$@"
