#!/usr/bin/env bash
# Creates the unprivileged account the local script runner uses when the
# backend runs as root (app-config.yaml: pipelineEngine.runners.local.user).
# Idempotent; does nothing unless run as root. Account name: $1, default
# idp-runner.
set -euo pipefail
user="${1:-idp-runner}"
[ "$(id -u)" = 0 ] || exit 0
getent passwd "$user" >/dev/null && exit 0
if command -v useradd >/dev/null; then
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
elif command -v adduser >/dev/null; then
  adduser -S -D -H -h /nonexistent -s /sbin/nologin "$user" # BusyBox (Alpine)
else
  echo "cannot create user $user: neither useradd nor adduser is installed" >&2
  exit 1
fi
