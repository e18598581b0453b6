#!/usr/bin/env bash
# Installs dependencies exactly as locked; quiet unless it fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
log="$(mktemp)"
if ! bash scripts/yarn.sh install --immutable >"$log" 2>&1; then
  grep -v 'YN0002\|YN0086' "$log" >&2 || true
  rm -f "$log"
  echo "yarn install failed (log above)" >&2
  exit 1
fi
rm -f "$log"
# The account Run/ShellScript steps run as when the backend runs as root.
bash scripts/ensure-runner-user.sh
