#!/usr/bin/env bash
# Exports every backend plugin and module as a dynamic plugin for Red Hat
# Developer Hub (or any backend using @backstage/backend-dynamic-feature-service),
# with @red-hat-developer-hub/cli `plugin export`, into dynamic-plugins/ (or
# the folder given as $1):
#   <out>/<package>-dynamic/         the plugin as a folder: a dynamic plugins
#                                    root can hold it as is
#   <out>/<package>-dynamic-<v>.tgz  the same folder packed, for a
#                                    dynamic-plugins.yaml `package:` entry
#   <out>/integrity.txt              `<tarball> sha512-…` for its `integrity:`
# `@backstage/*` packages become peer dependencies (the host's copies are
# shared); our internal packages (common, node, cookiecutter) are embedded;
# other dependencies are installed privately under each plugin's node_modules.
# The git-host reader is not exported: it is a service factory (role
# node-library), and dynamic plugins are plugins or modules.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$PWD"
out="$(mkdir -p "${1:-dynamic-plugins}" && cd "${1:-dynamic-plugins}" && pwd)"

# The exporter calls `yarn` (build, install of each plugin's private
# dependencies): this checkout's own Yarn.
shim="$(mktemp -d)"
trap 'rm -rf "$shim"' EXIT
printf '#!/usr/bin/env bash\nexec node "%s/.yarn/releases/yarn-4.18.1.cjs" "$@"\n' "$repo" >"$shim/yarn"
chmod +x "$shim/yarn"
export PATH="$shim:$PATH"

bash scripts/install.sh
# Types first, then every package's dist/ (as scripts/pack.sh does), so the
# exporter can skip its own per-package builds.
bash scripts/yarn.sh build:packages

embedded=(
  @idp-pipelines/plugin-pipeline-engine-common
  @idp-pipelines/plugin-pipeline-engine-node
  @idp-pipelines/plugin-pipeline-engine-cookiecutter
)
plugins=(
  plugins/pipeline-engine-backend
  plugins/scaffolder-backend-module-harness-pipeline
  plugins/catalog-backend-module-pipeline-engine
)
rm -rf "$out"/*-dynamic "$out"/*-dynamic-*.tgz "$out/integrity.txt"
for dir in "${plugins[@]}"; do
  name="$(node -p "require('./$dir/package.json').name")"
  folder="$(echo "$name" | sed 's|^@||; s|/|-|')-dynamic"
  echo "== exporting $name"
  log="$(mktemp)"
  if ! (cd "$dir" && "$repo/node_modules/.bin/rhdh-cli" plugin export --clean --no-build \
    --embed-package "${embedded[@]}") >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "exporting $name failed (log above)" >&2
    exit 1
  fi
  rm -f "$log"
  # dist-dynamic/ is only the exporter's work folder: keep it out of the
  # checkout, where linters and test runners would find its copies.
  mv "$dir/dist-dynamic" "$out/$folder"
  # npm pack keeps the private node_modules (bundleDependencies: true).
  tarball="$(cd "$out" && npm pack --silent "./$folder")"
  echo "$tarball $(node -e '
    const { createHash } = require("crypto");
    const data = require("fs").readFileSync(process.argv[1]);
    console.log("sha512-" + createHash("sha512").update(data).digest("base64"));
  ' "$out/$tarball")" >>"$out/integrity.txt"
  echo "$out/$folder"
  echo "$out/$tarball"
done
