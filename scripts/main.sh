#!/usr/bin/env bash
# The main job: install, then validate the example pipeline and list its
# runtime inputs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install.sh
example=examples/pipelines/self-service-flow.pipeline.yaml
echo "== pipeline validate $example"
bash scripts/yarn.sh pipeline validate "$example"
echo
echo "== pipeline inputs $example"
bash scripts/yarn.sh pipeline inputs "$example"
