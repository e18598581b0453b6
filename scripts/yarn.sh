#!/usr/bin/env bash
# Runs the Yarn release committed in .yarn/releases (no global yarn needed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Native modules (better-sqlite3) build against the installed Node headers
# when prebuilt binaries and header downloads are unreachable.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi
exec node "$root/.yarn/releases/yarn-4.18.1.cjs" "$@"
