#!/usr/bin/env bash
# Builds every publishable package (types first, then the package bundles)
# and writes installable tarballs into packs/ (or the folder given as $1).
# Internal dependencies (`workspace:^`) become version ranges of each other,
# so `yarn add ./packs/*.tgz` (or a `resolutions` entry per tarball) installs
# them without any path of this checkout leaking into the user's lockfile.
# What is already done costs little: the install is skipped when
# node_modules is newer than yarn.lock and every package.json (as right after
# `.ci/run`'s install), and tsc is incremental (dist-types/tsconfig.tsbuildinfo),
# so after `.ci/run`'s type-check it only confirms nothing changed.
# Progress and each stage's time go to stderr; stdout lists the tarballs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="$(mkdir -p "${1:-packs}" && cd "${1:-packs}" && pwd)"
t0=$SECONDS
stage() { echo "== pack: $* ($((SECONDS - t0)) s)" >&2; }

installed=node_modules/.yarn-state.yml
if [ ! -f "$installed" ] ||
  [ -n "$(find yarn.lock .yarnrc.yml package.json plugins/*/package.json packages/*/package.json -newer "$installed" | head -n 1)" ]; then
  stage "installing"
  bash scripts/install.sh
fi
# The two halves of `yarn build:packages`, timed apart.
stage "type declarations into dist-types (tsc)"
bash scripts/yarn.sh tsc >&2
stage "building the packages (backstage-cli repo build)"
bash scripts/yarn.sh backstage-cli repo build >&2
stage "packing"
rm -f "$out"/*.tgz
# One Yarn process packs every workspace that is not private (the published
# ones); %s is the slug `@scope-name`, renamed to the npm-style `scope-name`.
bash scripts/yarn.sh workspaces foreach --all --no-private pack --out "$out/%s.tgz" >/dev/null
for file in "$out"/@*.tgz; do
  mv "$file" "$out/${file##*/@}"
  echo "$out/${file##*/@}"
done
stage "packed"
