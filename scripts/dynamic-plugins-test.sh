#!/usr/bin/env bash
# The dynamic plugins test: exports the backend plugins with
# scripts/export-dynamic.sh into .dynamic-plugins-test/dynamic-plugins, then
# starts packages/backend-dynamic — @backstage/backend-dynamic-feature-service
# (the loader Red Hat Developer Hub uses) with that folder as its dynamic
# plugins root, the catalog and the scaffolder as regular features — and runs
# the example template through the scaffolder REST API as a guest.
# Everything stays under .dynamic-plugins-test/ in this clone; the backend
# listens on a free port, so the test runs beside other backends.
# Usage: bash scripts/dynamic-plugins-test.sh   (DYNAMIC_PLUGINS_TEST_KEEP=1 keeps the folder)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work="$PWD/.dynamic-plugins-test"
rm -rf "$work" && mkdir -p "$work"
t0=$SECONDS
step() { echo "== dynamic plugins test: $* ($((SECONDS - t0)) s)"; }

step "exporting the dynamic plugins (scripts/export-dynamic.sh)"
bash scripts/export-dynamic.sh "$work/dynamic-plugins" >"$work/export.log" 2>&1 \
  || { cat "$work/export.log"; exit 1; }

step "starting packages/backend-dynamic and running the example template"
node scripts/dynamic-plugins-test/run.js "$work/dynamic-plugins" "$work/backend"
step "passed"
[ -n "${DYNAMIC_PLUGINS_TEST_KEEP:-}" ] || rm -rf "$work"
