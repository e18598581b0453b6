#!/usr/bin/env bash
# The dynamic plugins test: exports the backend plugins with
# scripts/export-dynamic.sh into .dynamic-plugins-test/export, extracts the
# packed ones into .dynamic-plugins-test/dynamic-plugins, then starts
# packages/backend-dynamic — @backstage/backend-dynamic-feature-service
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
bash scripts/export-dynamic.sh "$work/export" >"$work/export.log" 2>&1 \
  || { cat "$work/export.log"; exit 1; }

# As RHDH installs a `package:` tarball: check its integrity, then extract
# it into a folder of the dynamic plugins root.
step "checking integrity.txt and extracting the tarballs into the dynamic plugins root"
mkdir -p "$work/dynamic-plugins"
while read -r tarball integrity; do
  actual="$(node -e '
    const data = require("fs").readFileSync(process.argv[1]);
    console.log("sha512-" + require("crypto").createHash("sha512").update(data).digest("base64"));
  ' "$work/export/$tarball")"
  [ "$actual" = "$integrity" ] || { echo "integrity.txt: $tarball is $actual, not $integrity" >&2; exit 1; }
  folder="$work/dynamic-plugins/${tarball%.tgz}"
  mkdir -p "$folder" && tar xzf "$work/export/$tarball" -C "$folder" --strip-components=1
done <"$work/export/integrity.txt"

step "starting packages/backend-dynamic and running the example template"
node scripts/dynamic-plugins-test/run.js "$work/dynamic-plugins" "$work/backend"
step "passed"
[ -n "${DYNAMIC_PLUGINS_TEST_KEEP:-}" ] || rm -rf "$work"
