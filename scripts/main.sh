#!/usr/bin/env bash
# The main job: install, validate the example pipeline, then start the
# backend with the embedded defaults (SQLite, local git host, local runner)
# and run the example template through the scaffolder REST API, printing
# live progress and the template's rendered output section.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install.sh
example=examples/pipelines/self-service-flow.pipeline.yaml
echo "== pipeline validate $example"
bash scripts/yarn.sh pipeline validate "$example"
echo
echo "== run the example template (examples/templates/self-service-flow)"
node scripts/demo/runTemplate.js self-service-flow
