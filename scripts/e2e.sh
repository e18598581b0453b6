#!/usr/bin/env bash
# Browser end-to-end tests of the portal: builds packages/app (production
# build), then runs the Playwright suite (packages/app/e2e-tests) in
# Debian's Chromium against the backend serving that build on :7007.
# Screenshots of every page: e2e-output/screenshots/; on failure also
# e2e-output/test-results/ (failure screenshot and trace).
# Usage: bash scripts/e2e.sh [playwright test args...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "Chromium not found at ${CHROMIUM_PATH:-/usr/bin/chromium} (apt-get install chromium, or set CHROMIUM_PATH)" >&2
  exit 1
fi
bash scripts/install.sh
echo "== build the app (packages/app)"
(cd packages/app && bash ../../scripts/yarn.sh backstage-cli package build >/dev/null)
echo "== browser e2e"
# The backend binds :7007; the lock keeps it from colliding with the main job.
exec flock /tmp/port7007.lock node scripts/e2e/run.js "$@"
