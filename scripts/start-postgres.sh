#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 on 127.0.0.1:5433 for the database tests and
# prints the connection string Backstage's TestDatabases reads from
# BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING.
# Installs Debian's postgresql when it is missing (needs root, as in CI).
set -euo pipefail

PORT="${PG_TEST_PORT:-5433}"
DATA_DIR="${PG_TEST_DATA_DIR:-/tmp/idp-pipelines-pg}"
PASSWORD=postgres

bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(bin_dir)" ]; then
  echo "PostgreSQL not found; installing it from Debian" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
BIN="$(bin_dir)"

run_as_postgres() {
  if [ "$(id -u)" = "0" ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

if ! "$BIN/pg_isready" -h 127.0.0.1 -p "$PORT" -q; then
  if [ ! -f "$DATA_DIR/PG_VERSION" ]; then
    mkdir -p "$DATA_DIR"
    [ "$(id -u)" = "0" ] && chown postgres "$DATA_DIR"
    echo "$PASSWORD" > /tmp/idp-pipelines-pgpass
    chmod 644 /tmp/idp-pipelines-pgpass
    run_as_postgres "$BIN/initdb -D '$DATA_DIR' -U postgres --pwfile=/tmp/idp-pipelines-pgpass -A md5 >/dev/null"
  fi
  # A server killed without shutdown leaves its lock file; drop it when no
  # postgres process holds it (its PID may since belong to something else).
  pid_file="$DATA_DIR/postmaster.pid"
  if [ -f "$pid_file" ]; then
    pid="$(head -n 1 "$pid_file")"
    if ! ps -p "$pid" -o comm= 2>/dev/null | grep -q postgres; then
      rm -f "$pid_file"
    fi
  fi
  run_as_postgres "$BIN/pg_ctl -D '$DATA_DIR' -l '$DATA_DIR/server.log' -w \
    -o \"-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off\" start >/dev/null"
fi
"$BIN/pg_isready" -h 127.0.0.1 -p "$PORT" -q
echo "postgresql://postgres:${PASSWORD}@127.0.0.1:${PORT}"
