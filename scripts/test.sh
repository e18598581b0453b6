#!/usr/bin/env bash
# The test command: install, start a local PostgreSQL for the database tests
# (when it can), and run every package's tests once.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install.sh
if [ -z "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ]; then
  if url="$(bash scripts/start-postgres.sh)"; then
    export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="$url"
  elif [ -n "${CI:-}" ]; then
    echo "PostgreSQL could not be started; CI needs it for the database tests" >&2
    exit 1
  else
    echo "warning: PostgreSQL could not be started; database tests run on SQLite only" >&2
  fi
fi
CI=true bash scripts/yarn.sh backstage-cli repo test "$@"
