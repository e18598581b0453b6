#!/usr/bin/env bash
# Builds every publishable package (types first, then the package bundles)
# and writes installable tarballs into packs/ (or the folder given as $1).
# Internal dependencies (`workspace:^`) become version ranges of each other,
# so `yarn add ./packs/*.tgz` (or a `resolutions` entry per tarball) installs
# them without any path of this checkout leaking into the user's lockfile.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="$(mkdir -p "${1:-packs}" && cd "${1:-packs}" && pwd)"
bash scripts/install.sh
bash scripts/yarn.sh build:packages
rm -f "$out"/*.tgz
# Every workspace that is not private is published.
node -e '
  const { execFileSync } = require("child_process");
  const lines = execFileSync(process.execPath, [".yarn/releases/yarn-4.18.1.cjs", "workspaces", "list", "--json"], { encoding: "utf8" });
  for (const line of lines.trim().split("\n")) {
    const { location, name } = JSON.parse(line);
    if (location === ".") continue;
    const pkg = require(`./${location}/package.json`);
    if (!pkg.private) console.log(name);
  }
' | while read -r name; do
  file="$out/$(echo "$name" | sed 's|^@||; s|/|-|').tgz"
  bash scripts/yarn.sh workspace "$name" pack --out "$file" >/dev/null
  echo "$file"
done
